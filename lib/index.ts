/**
 * The public API of cdk8s-delivery, by layer, lower layers first: what a platform repository uses to declare its
 * platform, synthesize it, and check and review the output. Helpers the library uses between its own modules are
 * not exported; the committed API report (api/cdk8s-delivery.api.d.ts) lists exactly what is, and a test fails when
 * a public signature names a type that is not public (test/package/api-report.test.ts).
 */

// ---- core: environments, images, durations, sync waves, resources, labels, problems ----------------------------
export { Environment, type EnvironmentOptions, type EnvironmentProps, FrontendDelivery, ServiceDelivery, SloAlerting } from './core/environment.js';
export { ImagePolicy } from './core/image.js';
export { SyncWave, type SyncWaveValue } from './core/sync-wave.js';
export { type ResolvedResources, type ResourceRequirements } from './core/resources.js';
export { COMPONENT_LABEL, MANAGED_BY_LABEL, NAME_LABEL, PART_OF_LABEL } from './core/labels.js';
export { type Problem, reportProblem, SynthError } from './core/problems.js';

// ---- platform: the platform, its environments and controllers --------------------------------------------------
export { EnvironmentChart, Platform, type PlatformProps } from './platform/platform.js';
export { DeliveryStage } from './platform/output-folder.js';
export { DeliveryUnit, type DeliveryUnitProps } from './platform/guests.js';
export { type ArgoRolloutsControllerOptions, type ControllerOptions, CpuArchitecture, PlatformControllers, type PlatformControllersProps } from './platform/controllers.js';

// ---- pods: probes, shutdown, security --------------------------------------------------------------------------
export { Probe, type ProbeOptions } from './pod/probe.js';
export { PreStop } from './pod/pre-stop.js';
export { type PodSecurityOptions } from './pod/security.js';
export { type ExtraContainer, type ExtraVolumeMount, type SidecarContainer } from './pod/containers.js';
export { type NodeAffinity, type NodeLabelRequirement, NodeSelectorOperator, TaintEffect, type Toleration } from './pod/scheduling.js';
export { type EmptyDirOptions, type PersistentVolumeOptions, WorkloadVolume } from './pod/volumes.js';

// ---- delivery strategies ------------------------------------------------------------------------------------------
export { type BlueGreenProps, BlueGreenStrategy, type CanaryProps, CanaryStrategy, type PodCount, RecreateStrategy, type RollingProps, RollingStrategy, Strategy, type Surge } from './delivery/strategy.js';
export { CanaryStep } from './delivery/canary-step.js';

// ---- network: NetworkPolicies of every environment -----------------------------------------------------------------
export { type ConstructPeerOptions, type NamespacePeerOptions, NetworkPeer, type NetworkPeerOptions } from './network/network-peer.js';
export { type IsolatedNetworkProps, NetworkPolicies } from './network/network-policies.js';
export { EnvironmentNetwork, type NetworkController, type NetworkEndpoint, type PolicyPort } from './network/environment-network.js';

// ---- traffic: routers and the Gateway API --------------------------------------------------------------------------
export { Certificate, type CertificateProps, IssuerKind } from './traffic/certificate.js';
export { type GatewayApiRouterProps, type NginxRouterProps, type RouteTarget, TrafficRouter } from './traffic/traffic-router.js';
export { Gateway, GatewayClass, type GatewayClassProps, GatewayListener, type GatewayProps, type GatewayRouterProps, type HttpListenerProps, type HttpsListenerProps, RouteNamespaces } from './traffic/gateway.js';

// ---- analysis: SLOs and smoke tests ------------------------------------------------------------------------------
export { NoData } from './analysis/no-data.js';
export { OTEL_HTTP_BUCKETS, type PrometheusSource, type ServiceLevelObjectives } from './analysis/service-level-objectives.js';
export { SmokeTestExpectation, type SmokeTestProps } from './analysis/smoke-test-analysis-template.js';

// ---- observability: scrape targets, SLO rules and alerts, rollout notifications (issue 22) ------------------------
export { type MonitoringProps } from './observability/monitoring.js';
export { RolloutNotificationTrigger, type RolloutNotificationsProps } from './observability/rollout-notifications.js';

// ---- autoscaling and disruption ------------------------------------------------------------------------------------
export { Autoscaling, type HorizontalAutoscalingProps, type KedaAutoscalingProps, type KedaBounds, type NatsJetStreamAutoscalingProps } from './autoscaling/autoscaling.js';
export { KedaCredentials } from './autoscaling/keda/keda-credentials.js';
export { type KedaFallback, KedaScaling, type KedaScalingOptions } from './autoscaling/keda/keda-scaling.js';
export { type CustomTriggerProps, KedaTrigger, type NatsJetStreamScalerProps, type NatsJetStreamTriggerProps, type ResourceTriggerProps } from './autoscaling/keda/keda-trigger.js';
export { DisruptionBudget } from './disruption/disruption-budget.js';

// ---- configuration and secrets -------------------------------------------------------------------------------------
export { type ConfigFilesOptions, ConfigSource } from './config/config-source.js';
export { SecretKey } from './config/secret-reference.js';
export { ExternalSecret, type ExternalSecretProps, type RemoteSecretKey, SecretStoreKind } from './config/external-secret.js';

// ---- workload classes ------------------------------------------------------------------------------------------------
export { type SchedulingProps, type WorkloadOverrides, type WorkloadProps } from './workloads/base/workload-props.js';
export { WorkloadBase } from './workloads/base/workload-base.js';
export { type CanaryNames, ServingWorkload, type ServingWorkloadOverrides, type ServingWorkloadProps } from './workloads/base/serving-workload.js';
export { StatelessService, type StatelessServiceOverrides, type StatelessServiceProps } from './workloads/stateless-service.js';
export { WebFrontend, type WebFrontendOverrides, type WebFrontendProps } from './workloads/web-frontend.js';
export { QueueWorker, type QueueWorkerProps } from './workloads/queue-worker.js';
export { Singleton, type SingletonOverrides, type SingletonProps } from './workloads/singleton.js';

// ---- data services -----------------------------------------------------------------------------------------------------
export { DataService, type DataServiceProps } from './data/data-service.js';
export { PostgresCluster, type PostgresClusterOverrides, type PostgresClusterProps, PrimaryUpdateMethod, PrimaryUpdateStrategy } from './data/postgres/postgres-cluster.js';
export { BackupCompression, BackupOwnerReference, NoBackup, ObjectStoreBackup, type ObjectStoreBackupProps, PostgresBackup, type ResolvedObjectStoreBackup } from './data/postgres/postgres-backup.js';
export { ObjectStoreCredentials, type S3CredentialsProps } from './data/postgres/object-store-credentials.js';
export { HelmDataService, type HelmDataServiceDefaults, type HelmDataServiceOverrides, type HelmDataServiceProps, type UnrestrictedChartSwitch } from './data/helm/helm-data-service.js';
export { Redis, type RedisProps } from './data/helm/redis.js';
export { Nats, type NatsProps } from './data/helm/nats.js';
export { OpenSearch, type OpenSearchProps } from './data/helm/opensearch.js';
export { CustomDataResource, type CustomDataResourceProps } from './data/custom-data-resource.js';

// ---- migrations ------------------------------------------------------------------------------------------------------
export { Migration, type MigrationProps } from './migrations/migration.js';
export { MigrationRunner, MigrationRunnerKind, type PsqlMigrationRunnerOptions } from './migrations/migration-runner.js';
// The checker is loaded by lintMigrations' first call (./migrations/lint-migrations.ts): its types and error class only here.
export type { ClassifiedStatement, ExcusedFinding, InputProblem, LintMigrationsOptions, LintMigrationsResult } from './migrations/checker/index.js';
export { lintMigrations } from './migrations/lint-migrations.js';
export { MigrationInputError } from './migrations/checker/errors.js';
export type { MigrationMarker, MigrationSummary, ReleaseState, SquawkSettings, StatementClass, StatementClassification } from './migrations/checker/index.js';

// ---- releases as data: the release file, read per environment (issue 24) ------------------------------------------
export { formatRelease, parseRelease, RELEASE_API_VERSION, RELEASE_KIND, type ReleaseEntry, type ReleaseFileProblem, type ReleaseFileState, type ReleaseRecord } from './release/release-file.js';
export { type PromotionViolation } from './release/release-operations.js';
export { Release, type ReleaseFileOptions } from './release/release.js';

// ---- GitOps targets and Helm charts -----------------------------------------------------------------------------
export { GitOpsTarget } from './gitops/targets.js';
export { type GitOpsObject, type GitOpsRenderContext, type IGitOpsTarget } from './gitops/gitops-target.js';
export { type GitOpsUnit, type UnitObject } from './gitops/units.js';
export { type HelmInstallation } from './gitops/helm-release.js';
export { ArgoCdSyncPolicy, ArgoCdTarget, type ArgoCdTargetProps } from './gitops/argocd/argocd-target.js';
export { FluxGitRef, FluxTarget, type FluxTargetProps } from './gitops/flux/flux-target.js';
export { HelmChart, type HelmChartProps, HelmCrdPolicy } from './gitops/helm-chart.js';

// ---- synth: the entry point of an app ------------------------------------------------------------------------------
export { runSynth, type RunSynthOptions } from './synth/run.js';
export { type SynthesizedObject, synthesize, type SynthesizeOptions } from './synth/synthesizer.js';

// ---- validation: upstream schemas and controller rules for any manifests ----------------------------------------
export { type Finding, formatFinding } from './validation/finding.js';
export { type Manifest } from './validation/manifest.js';
export { GITOPS_INSTANCE_ANNOTATION, type GitOpsTree, readGitOpsTree } from './validation/gitops-tree.js';
export { ResourceScopes, type ScopeTable } from './validation/schema/scopes.js';
export { type ManifestSource } from './validation/manifest-files.js';
export { type PodSecurityLevel } from './validation/pod-security-rules.js';
export { SchemaValidator, type SchemaValidatorOptions, validateDirectory } from './validation/schema-validator.js';
export { type LoadedManifests, loadManifests, ManifestInputError, type ValidateManifestsOptions, type ValidationPolicy, type ValidationResult, validateManifests, VALIDATION_POLICIES } from './validation/validate-manifests.js';

// ---- review: the semantic diff and the rollout plans --------------------------------------------------------------
// semanticDiff loads the diff's readers and comparisons on its first call (./lazy-entry-points.ts); the formatters are light.
export type { Change, ChangeAspect } from './review/diff/index.js';
export { COMMENT_BUDGET } from './review/diff/format-markdown.js';
export { DiffInputError } from './review/diff/load.js';
export type { DiffReport } from './review/diff/index.js';
export { formatMarkdown } from './review/diff/format-markdown.js';
export { formatText } from './review/diff/format.js';
export type { MarkdownOptions, Risk, RiskFlag } from './review/diff/index.js';
export { RISK_FLAGS } from './review/diff/change.js';
export { semanticDiff } from './lazy-entry-points.js';
export type { SemanticDiffOptions } from './review/diff/index.js';
export { type ReviewObject } from './review/manifests.js';
export { ROLLOUT_PLAN_FILE, rolloutPlans, type RolloutPlanFile } from './review/diagrams/rollout-plan.js';
