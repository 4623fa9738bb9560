export * from './core/environment.js';
export * from './core/image.js';
export * from './core/labels.js';
export * from './core/problems.js';
export * from './core/resources.js';
export * from './core/sync-wave.js';
export * from './platform/platform.js';
export * from './platform/output-folder.js';
export * from './platform/guests.js';
export * from './pod/probe.js';
export * from './pod/pre-stop.js';
export * from './pod/security.js';
export * from './delivery/canary-step.js';
export * from './delivery/strategy.js';
export * from './traffic/traffic-router.js';
export * from './analysis/no-data.js';
export * from './analysis/service-level-objectives.js';
export * from './analysis/slo-analysis-template.js';
export * from './autoscaling/autoscaling.js';
export * from './disruption/disruption-budget.js';
export * from './workloads/base/workload-props.js';
export * from './workloads/stateless-service.js';
export * from './synth/synthesizer.js';
export * from './validation/finding.js';
export * from './analysis/smoke-test-analysis-template.js';
export * from './delivery/blue-green.js';
export * from './workloads/base/serving-workload.js';
export * from './workloads/web-frontend.js';
export * from './autoscaling/keda/keda-credentials.js';
export * from './autoscaling/keda/keda-scaling.js';
export * from './autoscaling/keda/keda-trigger.js';
export * from './workloads/queue-worker.js';
export * from './gitops/helm-chart.js';
export * from './gitops/argocd/helm-application.js';
export * from './data/data-service.js';
export * from './data/custom-data-resource.js';
export * from './data/postgres/postgres-cluster.js';
export * from './data/postgres/postgres-backup.js';
export * from './data/postgres/object-store-credentials.js';
export * from './data/helm/helm-data-service.js';
export * from './data/helm/redis.js';
export * from './data/helm/nats.js';
export * from './data/helm/opensearch.js';
export * from './platform/controllers.js';
export * from './config/config-source.js';
export * from './config/secret-reference.js';
export * from './workloads/singleton.js';
export * from './core/duration.js';
export * from './gitops/gitops-target.js';
export * from './gitops/units.js';
export * from './gitops/targets.js';
export * from './gitops/argocd/argocd-target.js';
export * from './platform/output-folder.js';
export * from './migrations/migration.js';
export * from './gitops/flux/flux-target.js';
export * from './gitops/flux/flux-helm-release.js';
export * from './gitops/helm-release.js';
export * from './traffic/gateway.js';
export * from './traffic/gateway-routes.js';
export * from './review/index.js';
export * from './validation/validate-manifests.js';
export * from './validation/pod-security-rules.js';
export * from './validation/argocd-rules.js';
// The entry point of an app, the upstream-schema validator and the migration checker: everything the README shows
// is exported here, so nothing a user needs sits behind a deep import.
export * from './synth/run.js';
export { SchemaValidator, type SchemaValidatorOptions, validateDirectory } from './validation/schema-validator.js';
export {
  type InputProblem,
  type LintMigrationsOptions,
  type LintMigrationsResult,
  type MigrationSummary,
  lintMigrations,
  MigrationInputError,
} from './migrations/checker/index.js';
