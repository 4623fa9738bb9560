// ---- analysis/no-data.d.ts
export declare enum NoData {
    PASS = "pass",
    FAIL = "fail",
    INCONCLUSIVE = "inconclusive"
}
export declare const NO_DATA_GUARD = "(len(result) == 0 || isNaN(result[0]))";
export declare const HAS_DATA_GUARD = "(len(result) > 0 && !isNaN(result[0]))";
export declare function conditions(pass: string, fail: string, noData: NoData): {
    successCondition: string;
    failureCondition: string;
};

// ---- analysis/service-level-objectives.d.ts
import { Duration } from 'cdk8s';
import { NoData } from './no-data.js';
export interface PrometheusSource {
    readonly address?: string;
    readonly requestDurationHistogram?: string;
    readonly routeLabel?: string;
    readonly statusCodeLabel?: string;
    readonly errorStatusRegex?: string;
}
export interface ServiceLevelObjectives {
    readonly successRate?: number;
    readonly successRateFailBelow?: number;
    readonly successRateNoData?: NoData;
    readonly latencyP99?: Duration;
    readonly latencyP99FailAbove?: Duration;
    readonly histogramBuckets?: readonly number[];
    readonly confidence?: number;
    readonly minRequests?: number;
    readonly compareWithStable?: boolean;
    readonly excludePaths?: readonly string[];
    readonly latencyNoData?: NoData;
    readonly cpuSaturationPassBelow?: number;
    readonly cpuSaturationFailAbove?: number;
    readonly saturationNoData?: NoData;
    readonly interval?: Duration;
    readonly count?: number;
    readonly failureLimit?: number;
    readonly inconclusiveLimit?: number;
    readonly consecutiveErrorLimit?: number;
    readonly rateWindow?: Duration;
    readonly initialDelay?: Duration;
    readonly prometheus?: PrometheusSource;
}
export interface ResolvedSlo {
    readonly successRate: number;
    readonly successRateFailBelow: number;
    readonly successRateNoData: NoData;
    readonly latencyP99Seconds: number;
    readonly latencyP99FailAboveSeconds: number;
    readonly latencyNoData: NoData;
    readonly histogramBuckets: readonly number[];
    readonly confidence: number;
    readonly z: number;
    readonly minRequests: number;
    readonly compareWithStable: boolean;
    readonly excludePaths: readonly string[];
    readonly initialDelay: Duration;
    readonly saturation?: {
        readonly passBelow: number;
        readonly failAbove: number;
        readonly noData: NoData;
    };
    readonly interval: Duration;
    readonly count: number;
    readonly failureLimit: number;
    readonly inconclusiveLimit: number;
    readonly consecutiveErrorLimit: number;
    readonly rateWindow: Duration;
    readonly prometheus: Required<PrometheusSource>;
}
type P = {
    field: string;
    value: unknown;
    message: string;
    fix: string;
};
export declare function resolveSlo(slo?: ServiceLevelObjectives, field?: string, probePaths?: readonly string[]): {
    resolved: ResolvedSlo;
    problems: P[];
};
export declare const OTEL_HTTP_BUCKETS: readonly number[];
export declare function normalQuantile(p: number): number;
export {};

// ---- analysis/slo-analysis-template.d.ts
import { Construct } from 'constructs';
import { ResolvedSlo } from './service-level-objectives.js';
export declare const ANALYSIS_ARGS: {
    readonly NAMESPACE: "namespace";
    readonly WORKLOAD: "workload";
    readonly CANARY_HASH: "canary-hash";
    readonly STABLE_HASH: "stable-hash";
};
export declare const ANALYSIS_ANNOTATIONS: {
    readonly SUCCESS_RATE: "delivery.cdk8s.io/slo-success-rate";
    readonly LATENCY_P99: "delivery.cdk8s.io/slo-latency-p99-seconds";
    readonly BUCKETS: "delivery.cdk8s.io/histogram-buckets";
};
export declare function analysisStepArgs(namespace: string, workload: string): Record<string, unknown>[];
export interface SloAnalysisTemplateProps {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Record<string, string>;
    readonly slo: ResolvedSlo;
}
export declare class SloAnalysisTemplate extends Construct {
    readonly templateName: string;
    readonly metricNames: readonly string[];
    constructor(scope: Construct, id: string, props: SloAnalysisTemplateProps);
}
export declare class SliQueries {
    private readonly slo;
    constructor(slo: ResolvedSlo);
    private selector;
    private count;
    private total;
    private errors;
    private slower;
    private score;
    errorScore(): string;
    latencyScore(): string;
    cpuSaturation(): string;
}
export declare function leRegex(seconds: number): string;

// ---- analysis/smoke-test-analysis-template.d.ts
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
export declare class SmokeTestExpectation {
    readonly jsonPath: string;
    readonly successCondition: string;
    static jsonEquals(jsonPath: string, value: string | number | boolean): SmokeTestExpectation;
    static jsonCondition(jsonPath: string, condition: string): SmokeTestExpectation;
    private constructor();
}
export interface SmokeTestProps {
    readonly expect?: SmokeTestExpectation;
    readonly transientErrors?: number;
    readonly path?: string;
    readonly successCondition?: string;
    readonly jsonPath?: string;
    readonly count?: number;
    readonly interval?: Duration;
    readonly failureLimit?: number;
    readonly timeoutSeconds?: number;
}
export interface ResolvedSmokeTest {
    readonly path: string;
    readonly successCondition: string;
    readonly jsonPath?: string;
    readonly count: number;
    readonly interval: Duration;
    readonly failureLimit: number;
    readonly timeoutSeconds: number;
    readonly transientErrors: number;
}
export declare const SMOKE_TEST_ARGS: {
    readonly SERVICE: "service";
    readonly NAMESPACE: "namespace";
    readonly PORT: "port";
};
export declare const SMOKE_TEST_METRIC = "smoke-test";
type Found = {
    field: string;
    value: unknown;
    message: string;
    fix: string;
};
export declare function resolveSmokeTest(props: SmokeTestProps | undefined, field: string): {
    resolved: ResolvedSmokeTest;
    problems: Found[];
};
export declare function smokeTestMaxSeconds(smoke: ResolvedSmokeTest): number;
export declare function smokeTestArgs(service: string, namespace: string, port: number): Record<string, unknown>[];
export interface SmokeTestAnalysisTemplateProps {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Record<string, string>;
    readonly smokeTest: ResolvedSmokeTest;
}
export declare class SmokeTestAnalysisTemplate extends Construct {
    readonly templateName: string;
    constructor(scope: Construct, id: string, props: SmokeTestAnalysisTemplateProps);
}
export {};

// ---- autoscaling/autoscaling.d.ts
import type { Problem } from '../core/problems.js';
import { KedaScaling, KedaScalingOptions } from './keda/keda-scaling.js';
import { KedaTrigger, NatsJetStreamScalerProps } from './keda/keda-trigger.js';
export interface HorizontalAutoscalingProps {
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly cpuUtilizationPercent?: number;
    readonly scaleDownStabilizationSeconds?: number;
}
export interface KedaBounds {
    readonly minReplicas: number;
    readonly maxReplicas: number;
}
export interface KedaAutoscalingProps extends KedaBounds, KedaScalingOptions {
    readonly triggers: readonly KedaTrigger[];
}
export interface NatsJetStreamAutoscalingProps extends KedaBounds, KedaScalingOptions, NatsJetStreamScalerProps {
}
export declare class Autoscaling {
    readonly kind: 'fixed' | 'hpa' | 'keda';
    readonly props: HorizontalAutoscalingProps;
    readonly keda?: KedaScaling | undefined;
    static fixed(replicas: number): Autoscaling;
    static horizontal(props: HorizontalAutoscalingProps): Autoscaling;
    static keda(props: KedaAutoscalingProps): Autoscaling;
    static natsJetStream(props: NatsJetStreamAutoscalingProps): Autoscaling;
    private static withKeda;
    private constructor();
    get isAutoscaled(): boolean;
    withBounds(minReplicas: number, maxReplicas: number): Autoscaling;
    problems(field: string): Problem[];
    private kedaBoundsProblems;
}

// ---- autoscaling/keda/keda-credentials.d.ts
import type { Problem } from '../../core/problems.js';
export declare class KedaCredentials {
    readonly secretName: string;
    readonly parameters: Readonly<Record<string, string>>;
    static fromSecret(secretName: string, parameters: Readonly<Record<string, string>>): KedaCredentials;
    private constructor();
    get parameterNames(): string[];
    problems(field: string, accepted: readonly string[]): Problem[];
    renderSpec(): Record<string, unknown>;
}

// ---- autoscaling/keda/keda-scaling.d.ts
import type { Problem } from '../../core/problems.js';
import { KedaTrigger } from './keda-trigger.js';
export interface KedaFallback {
    readonly failureThreshold: number;
    readonly replicas: number;
}
export interface KedaScalingOptions {
    readonly scaleToZero?: boolean;
    readonly cooldownSeconds?: number;
    readonly pollingIntervalSeconds?: number;
    readonly fallback?: KedaFallback;
    readonly scaleDownStabilizationSeconds?: number;
}
export declare class KedaScaling {
    readonly triggers: readonly KedaTrigger[];
    readonly options: KedaScalingOptions;
    private readonly triggerField;
    constructor(triggers: readonly KedaTrigger[], options: KedaScalingOptions, triggerField: (index: number) => string);
    problems(field: string): Problem[];
    renderSpec(target: {
        readonly apiVersion: string;
        readonly kind: string;
        readonly name: string;
    }, minReplicas: number, maxReplicas: number, authenticationName: (trigger: KedaTrigger) => string | undefined): Record<string, unknown>;
}

// ---- autoscaling/keda/keda-trigger.d.ts
import type { Problem } from '../../core/problems.js';
import { KedaCredentials } from './keda-credentials.js';
export declare const NATS_AUTH_PARAMETERS: readonly ["account", "natsServerMonitoringEndpoint"];
export interface NatsJetStreamScalerProps {
    readonly monitoringEndpoint?: string;
    readonly account?: string;
    readonly stream: string;
    readonly consumer: string;
    readonly lagThreshold: number;
    readonly activationLagThreshold?: number;
    readonly useHttps?: boolean;
    readonly credentials?: KedaCredentials;
}
export interface NatsJetStreamTriggerProps extends NatsJetStreamScalerProps {
    readonly name?: string;
}
export interface ResourceTriggerProps {
    readonly utilizationPercent: number;
    readonly containerName?: string;
    readonly name?: string;
}
export interface CustomTriggerProps {
    readonly type: string;
    readonly metadata: Readonly<Record<string, string>>;
    readonly metricType?: 'AverageValue' | 'Value';
    readonly credentials?: KedaCredentials;
    readonly name?: string;
}
export declare class KedaTrigger {
    readonly type: string;
    readonly name: string;
    private readonly metadata;
    readonly metricType: 'AverageValue' | 'Value' | 'Utilization' | undefined;
    readonly credentials: KedaCredentials | undefined;
    private readonly check;
    static natsJetStream(props: NatsJetStreamTriggerProps): KedaTrigger;
    static cpu(props: ResourceTriggerProps): KedaTrigger;
    static memory(props: ResourceTriggerProps): KedaTrigger;
    static custom(props: CustomTriggerProps): KedaTrigger;
    private static resource;
    private constructor();
    get isResource(): boolean;
    problems(field: string): Problem[];
    render(authenticationName?: string): Record<string, unknown>;
}

// ---- config/config-source.d.ts
export interface ConfigFilesOptions {
    readonly mountPath: string;
}
export declare class ConfigSource {
    readonly name: string;
    readonly data: Readonly<Record<string, string>>;
    readonly mountPath: string | undefined;
    static env(name: string, values: Readonly<Record<string, string>>): ConfigSource;
    static files(name: string, files: Readonly<Record<string, string>>, options: ConfigFilesOptions): ConfigSource;
    private constructor();
    contentHash(): string;
    problems(field: string): {
        field: string;
        value: unknown;
        message: string;
        fix: string;
    }[];
}

// ---- config/secret-reference.d.ts
export declare class SecretKey {
    readonly secretName: string;
    readonly key: string;
    static of(secretName: string, key: string): SecretKey;
    private constructor();
    problems(field: string): {
        field: string;
        value: unknown;
        message: string;
        fix: string;
    }[];
    renderValueFrom(): Record<string, unknown>;
}
export declare function looksLikeSecretName(name: string): boolean;

// ---- core/duration.d.ts
import { Duration } from 'cdk8s';
export declare function goDuration(duration: Duration): string;
export declare function promDuration(duration: Duration): string;
export declare function exactSeconds(duration: Duration): number;
export declare function isWholeSeconds(duration: Duration | undefined, min: number): boolean;

// ---- core/environment.d.ts
import { ImagePolicy } from './image.js';
export declare enum ServiceDelivery {
    CANARY = "canary",
    ROLLING = "rolling"
}
export declare enum FrontendDelivery {
    BLUE_GREEN = "blue-green",
    CANARY = "canary",
    ROLLING = "rolling"
}
export interface EnvironmentOptions {
    readonly namespace?: string;
    readonly replicaScale?: number;
    readonly resourceScale?: number;
    readonly imagePolicy?: ImagePolicy;
    readonly statelessDelivery?: ServiceDelivery;
    readonly frontendDelivery?: FrontendDelivery;
}
export interface EnvironmentProps extends EnvironmentOptions {
    readonly name: string;
}
export declare class Environment {
    static dev(options?: EnvironmentOptions): Environment;
    static staging(options?: EnvironmentOptions): Environment;
    static prod(options?: EnvironmentOptions): Environment;
    readonly name: string;
    readonly namespaceOverride?: string;
    readonly replicaScale: number;
    readonly resourceScale: number;
    readonly imagePolicy: ImagePolicy;
    readonly statelessDelivery: ServiceDelivery;
    readonly frontendDelivery: FrontendDelivery;
    constructor(props: EnvironmentProps);
    scaleReplicas(replicas: number): number;
    problems(): {
        field: string;
        value: unknown;
        message: string;
        fix: string;
    }[];
}

// ---- core/image.d.ts
export declare enum ImagePolicy {
    REQUIRE_DIGEST = "require-digest",
    ALLOW_TAG = "allow-tag"
}
export declare function isDigestPinned(reference: string): boolean;
export declare function isValidImageReference(reference: string): boolean;
export declare function checkImage(reference: string | undefined, policy: ImagePolicy, environment: string): {
    message: string;
    fix: string;
} | undefined;

// ---- core/labels.d.ts
export declare const NAME_LABEL = "app.kubernetes.io/name";
export declare const PART_OF_LABEL = "app.kubernetes.io/part-of";
export declare const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export declare const COMPONENT_LABEL = "app.kubernetes.io/component";
export declare function selectorLabels(platform: string, name: string): Record<string, string>;
export declare function commonLabels(platform: string, name: string, component: string): Record<string, string>;

// ---- core/problems.d.ts
import { Construct, IConstruct } from 'constructs';
import { Finding } from '../validation/finding.js';
export interface Problem {
    readonly field: string;
    readonly value?: unknown;
    readonly message: string;
    readonly fix: string;
    readonly rule?: string;
}
export declare function reportProblem(scope: IConstruct, problem: Problem): void;
export declare function collectProblems(root: IConstruct): Finding[];
export declare class SynthError extends Error {
    readonly findings: readonly Finding[];
    constructor(findings: readonly Finding[]);
}
export declare function assertNoProblems(root: Construct): void;

// ---- core/resources.d.ts
export interface ResourceRequirements {
    readonly cpuRequestMillis?: number;
    readonly cpuLimitMillis?: number;
    readonly memoryRequestMebibytes?: number;
    readonly memoryLimitMebibytes?: number;
}
export interface ResolvedResources {
    readonly cpuRequestMillis: number;
    readonly cpuLimitMillis?: number;
    readonly memoryRequestMebibytes: number;
    readonly memoryLimitMebibytes: number;
}
export declare function resolveResources(requirements: ResourceRequirements | undefined, scale: number): ResolvedResources;
export declare function checkResources(requirements: ResourceRequirements | undefined): {
    field: string;
    value: unknown;
    message: string;
    fix: string;
}[];
export declare function renderResources(r: ResolvedResources): {
    requests: Record<string, string>;
    limits: Record<string, string>;
};

// ---- core/sync-wave.d.ts
export declare const SyncWave: {
    readonly NAMESPACE: -30;
    readonly CRD: -25;
    readonly RBAC: -20;
    readonly OPERATOR: -10;
    readonly DATA: 0;
    readonly MIGRATION: 0;
    readonly CONFIG: 5;
    readonly APP_SUPPORT: 10;
    readonly APP: 20;
    readonly ROLLOUT: 30;
};
export type SyncWaveValue = (typeof SyncWave)[keyof typeof SyncWave];
export declare const SYNC_WAVE_ANNOTATION = "argocd.argoproj.io/sync-wave";
export declare function syncWaveAnnotations(wave: number): Record<string, string>;
export declare const SYNC_OPTIONS_ANNOTATION = "argocd.argoproj.io/sync-options";
export interface SyncAnnotationOptions {
    readonly customResource?: boolean;
    readonly pruneLast?: boolean;
}
export declare function syncAnnotations(wave: number, options?: SyncAnnotationOptions): Record<string, string>;

// ---- data/custom-data-resource.d.ts
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { DataService, DataServiceProps } from './data-service.js';
export interface CustomDataResourceProps extends DataServiceProps {
    readonly apiVersion: string;
    readonly kind: string;
    readonly spec: Readonly<Record<string, unknown>>;
}
export declare class CustomDataResource extends DataService {
    readonly apiObject: ApiObject;
    constructor(scope: Construct, id: string, props: CustomDataResourceProps);
}

// ---- data/data-service.d.ts
import { Construct } from 'constructs';
import { Environment } from '../core/environment.js';
import { Problem } from '../core/problems.js';
export interface DataServiceProps {
    readonly name?: string;
    readonly deletionProtection?: boolean;
}
export declare abstract class DataService extends Construct {
    readonly name: string;
    readonly namespace: string;
    readonly environment: Environment;
    readonly platformName: string;
    readonly labels: Record<string, string>;
    readonly wave: number;
    readonly deletionProtection: boolean;
    protected readonly propsUsable: boolean;
    protected constructor(scope: Construct, id: string, props: DataServiceProps, component: string);
    get isProductionLike(): boolean;
    protected problem(problem: Problem): void;
    protected annotations(main: boolean): Record<string, string>;
    protected metadata(name: string, main: boolean): {
        name: string;
        namespace: string;
        labels: Record<string, string>;
        annotations: Record<string, string>;
    };
    protected overridesFor<T>(environments: {
        readonly [environment: string]: T;
    } | undefined): T | undefined;
    protected fieldOf(prop: string, overridden: boolean): string;
}

// ---- data/helm/helm-data-service.d.ts
import { Construct } from 'constructs';
import { ResolvedResources, ResourceRequirements } from '../../core/resources.js';
import { HelmInstallation } from '../../gitops/helm-release.js';
import { DataService, DataServiceProps } from '../data-service.js';
export interface HelmDataServiceOverrides {
    readonly replicas?: number;
    readonly storageSize?: string;
    readonly resources?: ResourceRequirements;
}
export interface HelmDataServiceProps extends DataServiceProps {
    readonly replicas?: number;
    readonly allowFewerThanThreeReplicas?: boolean;
    readonly storageSize?: string;
    readonly storageClass?: string;
    readonly resources?: ResourceRequirements;
    readonly chartVersion?: string;
    readonly values?: Readonly<Record<string, unknown>>;
    readonly argoCdNamespace?: string;
    readonly project?: string;
    readonly environments?: {
        readonly [environment: string]: HelmDataServiceOverrides;
    };
}
export interface HelmDataServiceDefaults {
    readonly component: string;
    readonly repoURL: string;
    readonly chart: string;
    readonly chartVersion: string;
    readonly storageSize: string;
    readonly resources: ResourceRequirements;
}
export declare abstract class HelmDataService extends DataService {
    readonly replicas: number;
    readonly storageSize: string;
    readonly resources: ResolvedResources;
    readonly applicationName: string;
    private readonly helmProps;
    private readonly defaults;
    protected constructor(scope: Construct, id: string, props: HelmDataServiceProps, defaults: HelmDataServiceDefaults);
    protected get storageClass(): string | undefined;
    protected install(values: Record<string, unknown>): HelmInstallation;
    protected restrictedSecurityContexts(uid: number): {
        pod: Record<string, unknown>;
        container: Record<string, unknown>;
    };
    private resolveReplicas;
}

// ---- data/helm/nats.d.ts
import { Construct } from 'constructs';
import { HelmDataService, HelmDataServiceProps } from './helm-data-service.js';
export declare const NATS_CHART_VERSION = "2.12.3";
export interface NatsProps extends HelmDataServiceProps {
}
export declare class Nats extends HelmDataService {
    constructor(scope: Construct, id: string, props?: NatsProps);
}

// ---- data/helm/opensearch.d.ts
import { Construct } from 'constructs';
import { SecretKey } from '../../config/secret-reference.js';
import { HelmDataService, HelmDataServiceProps } from './helm-data-service.js';
export declare const OPENSEARCH_CHART_VERSION = "3.6.0";
export interface OpenSearchProps extends HelmDataServiceProps {
    readonly adminPassword: SecretKey;
}
export declare class OpenSearch extends HelmDataService {
    constructor(scope: Construct, id: string, props: OpenSearchProps);
}

// ---- data/helm/redis.d.ts
import { Construct } from 'constructs';
import { SecretKey } from '../../config/secret-reference.js';
import { HelmDataService, HelmDataServiceProps } from './helm-data-service.js';
export declare const REDIS_HA_CHART_VERSION = "4.38.0";
export interface RedisProps extends HelmDataServiceProps {
    readonly password: SecretKey;
}
export declare class Redis extends HelmDataService {
    constructor(scope: Construct, id: string, props: RedisProps);
}

// ---- data/postgres/object-store-credentials.d.ts
export interface S3CredentialsProps {
    readonly secretName: string;
    readonly accessKeyIdKey?: string;
    readonly secretAccessKeyKey?: string;
    readonly regionKey?: string;
    readonly sessionTokenKey?: string;
}
export declare abstract class ObjectStoreCredentials {
    static s3(props: S3CredentialsProps): ObjectStoreCredentials;
    static s3IamRole(): ObjectStoreCredentials;
    abstract render(): Record<string, unknown>;
    abstract problems(field: string): {
        field: string;
        value: unknown;
        message: string;
        fix: string;
        rule?: string;
    }[];
}

// ---- data/postgres/postgres-backup.d.ts
import { ObjectStoreCredentials } from './object-store-credentials.js';
export declare enum BackupOwnerReference {
    SELF = "self",
    CLUSTER = "cluster",
    NONE = "none"
}
export declare enum BackupCompression {
    GZIP = "gzip",
    BZIP2 = "bzip2",
    LZ4 = "lz4",
    SNAPPY = "snappy"
}
export interface ObjectStoreBackupProps {
    readonly destinationPath: string;
    readonly credentials: ObjectStoreCredentials;
    readonly endpointURL?: string;
    readonly serverName?: string;
    readonly retentionPolicy?: string;
    readonly schedule?: string;
    readonly immediate?: boolean;
    readonly backupOwnerReference?: BackupOwnerReference;
    readonly compression?: BackupCompression;
}
export interface ResolvedObjectStoreBackup extends Required<Omit<ObjectStoreBackupProps, 'endpointURL' | 'serverName'>> {
    readonly endpointURL?: string;
    readonly serverName?: string;
}
export declare abstract class PostgresBackup {
    static objectStore(props: ObjectStoreBackupProps): PostgresBackup;
    static none(reason: string): PostgresBackup;
    abstract readonly kind: 'object-store' | 'none';
}
export declare class ObjectStoreBackup extends PostgresBackup {
    readonly props: ResolvedObjectStoreBackup;
    readonly kind: "object-store";
    constructor(props: ResolvedObjectStoreBackup);
    problems(field: string): {
        field: string;
        value: unknown;
        message: string;
        fix: string;
        rule?: string;
    }[];
}
export declare class NoBackup extends PostgresBackup {
    readonly reason: string;
    readonly kind: "none";
    constructor(reason: string);
}

// ---- data/postgres/postgres-cluster.d.ts
import { Construct } from 'constructs';
import { ResourceRequirements } from '../../core/resources.js';
import { DataService, DataServiceProps } from '../data-service.js';
import { PostgresBackup } from './postgres-backup.js';
export declare enum PrimaryUpdateStrategy {
    UNSUPERVISED = "unsupervised",
    SUPERVISED = "supervised"
}
export declare enum PrimaryUpdateMethod {
    SWITCHOVER = "switchover",
    RESTART = "restart"
}
export interface PostgresClusterOverrides {
    readonly image?: string;
    readonly instances?: number;
    readonly storageSize?: string;
    readonly resources?: ResourceRequirements;
    readonly backup?: PostgresBackup;
}
export interface PostgresClusterProps extends DataServiceProps {
    readonly image: string;
    readonly storageSize: string;
    readonly storageClass?: string;
    readonly walStorageSize?: string;
    readonly walStorageClass?: string;
    readonly instances?: number;
    readonly allowFewerThanThreeInstances?: boolean;
    readonly primaryUpdateStrategy?: PrimaryUpdateStrategy;
    readonly primaryUpdateMethod?: PrimaryUpdateMethod;
    readonly resources?: ResourceRequirements;
    readonly database?: string;
    readonly owner?: string;
    readonly ownerSecretName?: string;
    readonly parameters?: Readonly<Record<string, string>>;
    readonly dataChecksums?: boolean;
    readonly enablePodMonitor?: boolean;
    readonly backup?: PostgresBackup;
    readonly environments?: {
        readonly [environment: string]: PostgresClusterOverrides;
    };
}
export declare class PostgresCluster extends DataService {
    readonly instances: number;
    readonly appSecretName: string;
    readonly readWriteServiceName: string;
    readonly readOnlyServiceName: string;
    readonly backup?: PostgresBackup;
    constructor(scope: Construct, id: string, props: PostgresClusterProps);
    private resolveInstances;
    private checkIdentifiers;
    private renderBackup;
}

// ---- delivery/blue-green.d.ts
import type { Problem } from '../core/problems.js';
import { BlueGreenStrategy } from './strategy.js';
export interface BlueGreenContext {
    readonly activeService: string;
    readonly previewService: string;
    readonly maxReplicas: number;
    readonly environment: string;
    readonly smokeTestMaxSeconds: number;
}
export declare function previewServiceName(strategy: BlueGreenStrategy, workload: string): string;
export declare function checkBlueGreen(strategy: BlueGreenStrategy, field: string, ctx: BlueGreenContext): Problem[];

// ---- delivery/canary-step.d.ts
import { Duration } from 'cdk8s';
export declare class CanaryStep {
    readonly action: 'setWeight' | 'analysis' | 'pause';
    readonly weight?: number | undefined;
    readonly duration?: Duration | undefined;
    static setWeight(percent: number): CanaryStep;
    static analysis(): CanaryStep;
    static pause(duration: Duration): CanaryStep;
    private constructor();
    render(analysis: Record<string, unknown>): Record<string, unknown>;
}
export declare const DEFAULT_CANARY_STEPS: readonly CanaryStep[];
export declare function checkCanarySteps(steps: readonly CanaryStep[], field: string): {
    field: string;
    value: unknown;
    message: string;
    fix: string;
}[];

// ---- delivery/strategy.d.ts
import type { SmokeTestProps } from '../analysis/smoke-test-analysis-template.js';
import { CanaryStep } from './canary-step.js';
export type PodCount = number | string;
export interface RollingProps {
    readonly maxSurge?: PodCount;
    readonly maxUnavailable?: PodCount;
}
export interface CanaryProps {
    readonly steps?: readonly CanaryStep[];
    readonly maxSurge?: PodCount;
    readonly maxUnavailable?: PodCount;
    readonly abortScaleDownDelaySeconds?: number;
}
export interface BlueGreenProps {
    readonly autoPromotionEnabled?: boolean;
    readonly autoPromotionSeconds?: number;
    readonly scaleDownDelaySeconds?: number;
    readonly previewReplicaCount?: number;
    readonly abortScaleDownDelaySeconds?: number;
    readonly previewServiceName?: string;
    readonly smokeTest?: SmokeTestProps;
}
export interface Surge {
    readonly maxSurge: PodCount;
    readonly maxUnavailable: PodCount;
}
export declare abstract class Strategy {
    static rolling(props?: RollingProps): RollingStrategy;
    static canary(props?: CanaryProps): CanaryStrategy;
    static blueGreen(props?: BlueGreenProps): BlueGreenStrategy;
    static recreate(): RecreateStrategy;
    abstract readonly kind: string;
}
export declare class RollingStrategy extends Strategy {
    readonly surge: Surge;
    readonly kind: "rolling";
    constructor(surge: Surge);
}
export declare class CanaryStrategy extends Strategy {
    readonly surge: Surge;
    readonly steps: readonly CanaryStep[];
    readonly abortScaleDownDelaySeconds?: number | undefined;
    readonly kind: "canary";
    constructor(surge: Surge, steps: readonly CanaryStep[], abortScaleDownDelaySeconds?: number | undefined);
}
export declare class BlueGreenStrategy extends Strategy {
    readonly autoPromotionEnabled: boolean;
    readonly autoPromotionSeconds: number | undefined;
    readonly scaleDownDelaySeconds: number;
    readonly previewReplicaCount: number | undefined;
    readonly abortScaleDownDelaySeconds: number | undefined;
    readonly previewServiceName: string | undefined;
    readonly smokeTest: SmokeTestProps;
    readonly kind: "blueGreen";
    constructor(autoPromotionEnabled: boolean, autoPromotionSeconds: number | undefined, scaleDownDelaySeconds: number, previewReplicaCount: number | undefined, abortScaleDownDelaySeconds: number | undefined, previewServiceName: string | undefined, smokeTest: SmokeTestProps);
}
export declare class RecreateStrategy extends Strategy {
    readonly kind: "recreate";
}
export declare function isZero(value: PodCount): boolean;
export declare function checkSurge(surge: Surge, field: string): {
    field: string;
    value: unknown;
    message: string;
    fix: string;
}[];

// ---- disruption/disruption-budget.d.ts
export declare class DisruptionBudget {
    readonly maxUnavailable: number | string;
    static maxUnavailable(pods: number): DisruptionBudget;
    static maxUnavailablePercent(percent: number): DisruptionBudget;
    private constructor();
    problems(field: string): {
        field: string;
        value: unknown;
        message: string;
        fix: string;
    }[];
    renderSpec(selector: Record<string, string>): Record<string, unknown>;
}

// ---- gitops/argocd/argocd-target.d.ts
import { DeliveryStage } from '../../platform/output-folder.js';
import { Finding } from '../../validation/finding.js';
import { GitOpsObject, GitOpsRenderContext, IGitOpsTarget } from '../gitops-target.js';
export declare const STAGE_WAVES: Readonly<Record<DeliveryStage, number>>;
export declare class ArgoCdSyncPolicy {
    readonly automated: {
        readonly prune: boolean;
        readonly selfHeal: boolean;
    } | undefined;
    static automated(options?: {
        readonly prune?: boolean;
        readonly selfHeal?: boolean;
    }): ArgoCdSyncPolicy;
    static manual(): ArgoCdSyncPolicy;
    private constructor();
}
export interface ArgoCdTargetProps {
    readonly repoURL: string;
    readonly targetRevision?: string;
    readonly argoCdNamespace?: string;
    readonly destinationServer?: string;
    readonly destinationServers?: {
        readonly [environment: string]: string;
    };
    readonly sharedArgoCd?: boolean;
    readonly syncPolicies?: {
        readonly [environment: string]: ArgoCdSyncPolicy;
    };
}
export declare function argoCdProjectNames(platform: string, environment: string): {
    readonly environment: string;
    readonly platform: string;
    readonly gitops: string;
};
export declare function isArgoCdObject(manifest: Record<string, any>): boolean;
export declare class ArgoCdTarget implements IGitOpsTarget {
    private readonly props;
    readonly kind = "argocd";
    readonly namespace: string;
    private readonly server;
    private readonly revision;
    constructor(props: ArgoCdTargetProps);
    destinationServerOf(environment: string): string;
    problems(): Finding[];
    relocate(path: string, manifest: Record<string, any>): string | undefined;
    checkTree(platform: string, environments: readonly string[], objects: readonly GitOpsObject[]): Finding[];
    private argoCdOf;
    private clusterOf;
    render(ctx: GitOpsRenderContext): GitOpsObject[];
    private application;
}

// ---- gitops/argocd/helm-application.d.ts
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { HelmChart } from '../helm-chart.js';
export declare const ARGOCD_NAMESPACE = "argocd";
export declare const RESOURCES_FINALIZER = "resources-finalizer.argocd.argoproj.io";
export declare const IN_CLUSTER = "https://kubernetes.default.svc";
export interface ArgoCdHelmApplicationProps {
    readonly name: string;
    readonly chart: HelmChart;
    readonly destinationNamespace: string;
    readonly wave: number;
    readonly labels?: Readonly<Record<string, string>>;
    readonly argoCdNamespace?: string;
    readonly project?: string;
    readonly destinationServer?: string;
    readonly automated?: boolean;
    readonly createNamespace?: boolean;
    readonly serverSideApply?: boolean;
    readonly syncOptions?: readonly string[];
    readonly deletionProtection?: boolean;
}
export declare class ArgoCdHelmApplication extends Construct {
    readonly name: string;
    readonly apiObject: ApiObject;
    constructor(scope: Construct, id: string, props: ArgoCdHelmApplicationProps);
}

// ---- gitops/flux/flux-helm-release.d.ts
import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { HelmChart } from '../helm-chart.js';
export interface FluxHelmReleaseProps {
    readonly name: string;
    readonly chart: HelmChart;
    readonly targetNamespace: string;
    readonly wave: number;
    readonly labels?: Readonly<Record<string, string>>;
    readonly fluxNamespace?: string;
    readonly interval?: Duration;
    readonly createNamespace?: boolean;
    readonly deletionProtection?: boolean;
}
export declare class FluxHelmRelease extends Construct {
    readonly name: string;
    readonly apiObject: ApiObject;
    readonly repository: ApiObject;
    constructor(scope: Construct, id: string, props: FluxHelmReleaseProps);
}

// ---- gitops/flux/flux-target.d.ts
import { Duration } from 'cdk8s';
import { Finding } from '../../validation/finding.js';
import { GitOpsObject, GitOpsRenderContext, IGitOpsTarget } from '../gitops-target.js';
export declare const FLUX_NAMESPACE = "flux-system";
export declare class FluxGitRef {
    readonly kind: 'branch' | 'tag' | 'commit';
    readonly value: string;
    static branch(name: string): FluxGitRef;
    static tag(name: string): FluxGitRef;
    static commit(sha: string): FluxGitRef;
    private constructor();
    problems(field: string): Finding[];
}
export interface FluxTargetProps {
    readonly url: string;
    readonly ref?: FluxGitRef;
    readonly secretName?: string;
    readonly namespace?: string;
    readonly sourceInterval?: Duration;
    readonly interval?: Duration;
    readonly retryInterval?: Duration;
    readonly timeout?: Duration;
}
export declare class FluxTarget implements IGitOpsTarget {
    private readonly props;
    readonly kind = "flux";
    readonly namespace: string;
    readonly interval: Duration;
    private readonly ref;
    private readonly sourceInterval;
    private readonly retryInterval;
    private readonly timeout;
    constructor(props: FluxTargetProps);
    problems(): Finding[];
    render(ctx: GitOpsRenderContext): GitOpsObject[];
    private unitKustomization;
    private timing;
    private metadata;
}

// ---- gitops/gitops-target.d.ts
import { Finding } from '../validation/finding.js';
import { GitOpsUnit } from './units.js';
export interface GitOpsRenderContext {
    readonly platform: string;
    readonly environment: string;
    readonly namespace: string;
    readonly units: readonly GitOpsUnit[];
    readonly outputPath: string;
    readonly relocated?: readonly GitOpsObject[];
}
export interface GitOpsObject {
    readonly path: string;
    readonly manifest: Record<string, any>;
}
export interface IGitOpsTarget {
    readonly kind: string;
    render(context: GitOpsRenderContext): GitOpsObject[];
    problems(): Finding[];
    relocate?(path: string, manifest: Record<string, any>): string | undefined;
    checkTree?(platform: string, environments: readonly string[], objects: readonly GitOpsObject[]): Finding[];
}

// ---- gitops/helm-chart.d.ts
export declare enum HelmCrdPolicy {
    CREATE_REPLACE = "CreateReplace",
    SKIP = "Skip"
}
export interface HelmChartProps {
    readonly repoURL: string;
    readonly chart: string;
    readonly version: string;
    readonly releaseName?: string;
    readonly values?: Readonly<Record<string, unknown>>;
    readonly crds?: HelmCrdPolicy;
}
export declare class HelmChart {
    readonly repoURL: string;
    readonly chart: string;
    readonly version: string;
    readonly releaseName: string;
    readonly values: Readonly<Record<string, unknown>>;
    readonly crds: HelmCrdPolicy;
    static of(props: HelmChartProps): HelmChart;
    private constructor();
    withValues(values: Readonly<Record<string, unknown>> | undefined): HelmChart;
    problems(field: string): {
        field: string;
        value: unknown;
        message: string;
        fix: string;
    }[];
}
export declare function deepMerge(base: Readonly<Record<string, unknown>>, over: Readonly<Record<string, unknown>>): Record<string, unknown>;

// ---- gitops/helm-release.d.ts
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ArgoCdHelmApplicationProps } from './argocd/helm-application.js';
import { HelmChart } from './helm-chart.js';
export interface HelmInstallation {
    readonly name: string;
    readonly apiObject: ApiObject;
}
export type HelmRenderOptions = Omit<ArgoCdHelmApplicationProps, 'chart'>;
export declare function renderHelmChart(scope: Construct, id: string, chart: HelmChart, options: HelmRenderOptions): HelmInstallation;

// ---- gitops/targets.d.ts
import { ArgoCdTargetProps } from './argocd/argocd-target.js';
import { FluxTargetProps } from './flux/flux-target.js';
import { IGitOpsTarget } from './gitops-target.js';
export declare class GitOpsTarget {
    static argoCd(props: ArgoCdTargetProps): IGitOpsTarget;
    static flux(props: FluxTargetProps): IGitOpsTarget;
}

// ---- gitops/units.d.ts
import { DeliveryStage } from '../platform/output-folder.js';
export interface UnitObject {
    readonly path: string;
    readonly manifest: Record<string, any>;
}
export interface GitOpsUnit {
    readonly folder: string;
    readonly stage: DeliveryStage;
    readonly path: string;
    readonly objects: readonly UnitObject[];
}
export declare function unitsOf(objects: readonly (UnitObject & {
    readonly stage: DeliveryStage;
})[]): GitOpsUnit[];
export declare function namespacesOf(units: readonly GitOpsUnit[]): string[];
export declare function clusterKindsOf(units: readonly GitOpsUnit[]): {
    group: string;
    kind: string;
}[];

// ---- index.d.ts
export * from './core/environment.js';
export * from './core/image.js';
export * from './core/labels.js';
export * from './core/problems.js';
export * from './core/resources.js';
export * from './core/sync-wave.js';
export * from './platform/platform.js';
export * from './platform/output-folder.js';
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
export * from './synth/run.js';
export { SchemaValidator, type SchemaValidatorOptions, validateDirectory } from './validation/schema-validator.js';
export { type InputProblem, type LintMigrationsOptions, type LintMigrationsResult, type MigrationSummary, lintMigrations, MigrationInputError, } from './migrations/checker/index.js';

// ---- migrations/checker/annotations.d.ts
import { type Finding } from '../../validation/finding.js';
import { type MigrationFile } from './sql-file.js';
export type MigrationMarker = 'expand' | 'contract';
export interface Excuse {
    readonly rule: string;
    readonly reason: string;
    readonly location: string;
    readonly statementIndex?: number;
}
export declare function readMarker(file: MigrationFile): {
    readonly marker: MigrationMarker;
    readonly location?: string;
    readonly findings: Finding[];
};
export declare function readExcuses(file: MigrationFile): Excuse[];
export declare function squawkIgnoreFindings(file: MigrationFile): Finding[];

// ---- migrations/checker/classify-file.d.ts
import { type StatementClassification } from './classify.js';
import { type MigrationFile } from './sql-file.js';
export interface ClassifiedStatement extends StatementClassification {
    readonly file: string;
    readonly location: string;
    readonly index: number;
    readonly sql: string;
    readonly inTransaction: boolean;
}
export declare function classifyFile(file: MigrationFile, assumeInTransaction?: boolean): ClassifiedStatement[];

// ---- migrations/checker/classify.d.ts
export type StatementClass = 'expand' | 'contract' | 'blocking' | 'neutral';
export interface StatementClassification {
    readonly kind: string;
    readonly class: StatementClass;
    readonly blocking: boolean;
    readonly reason: string;
    readonly target?: string;
    readonly unclassifiable?: string;
}
export interface ClassifyContext {
    readonly createdTables?: ReadonlySet<string>;
}
export declare const CLASS_RANK: Readonly<Record<StatementClass, number>>;
export declare function relationName(rangeVar: any): string | undefined;
export declare function classifyStatement(node: Record<string, any>, context?: ClassifyContext): StatementClassification;

// ---- migrations/checker/errors.d.ts
export interface InputProblem {
    readonly location: string;
    readonly message: string;
}
export declare class MigrationInputError extends Error {
    readonly problems: readonly InputProblem[];
    constructor(problems: readonly InputProblem[]);
}
export declare function errorMessage(error: unknown): string;
export declare function describeFsError(error: unknown): string;

// ---- migrations/checker/excuses.d.ts
import { type Finding } from '../../validation/finding.js';
import { type Excuse } from './annotations.js';
import { type StatementFinding } from './statement-rules.js';
export interface ExcusedFinding {
    readonly finding: Finding;
    readonly reason: string;
    readonly excuse: string;
}
export declare function isExcusableRule(rule: string): boolean;
export declare function applyExcuses(findings: readonly StatementFinding[], excuses: readonly Excuse[]): {
    readonly findings: Finding[];
    readonly excused: ExcusedFinding[];
};

// ---- migrations/checker/index.d.ts
export { type Excuse, type MigrationMarker } from './annotations.js';
export { type ClassifyContext, type StatementClass, type StatementClassification, classifyStatement } from './classify.js';
export { type ClassifiedStatement, classifyFile } from './classify-file.js';
export { type InputProblem, MigrationInputError } from './errors.js';
export { type ExcusedFinding, isExcusableRule } from './excuses.js';
export { type LintMigrationsOptions, type LintMigrationsResult, type MigrationSummary, lintMigrations } from './lint.js';
export { type ImageChange, type ReleaseChanges, type ReleaseState, compareReleases, contractReleaseFindings } from './release.js';
export { type ReleaseSources, releaseStateAtRef, releaseStateOnDisk, workloadImages } from './release-state.js';
export { EXCUSABLE_MIGRATION_RULES, MigrationRule, type MigrationRuleId } from './rules.js';
export { type MigrationFile, type ParsedStatement, parseMigration, readMigrationDirectory } from './sql-file.js';
export { SQUAWK_RULES } from './squawk-rules.js';
export { type SquawkSettings } from './squawk.js';

// ---- migrations/checker/lint.d.ts
import { type Finding } from '../../validation/finding.js';
import { type MigrationMarker } from './annotations.js';
import { type ClassifiedStatement } from './classify-file.js';
import { type ExcusedFinding } from './excuses.js';
import { type ReleaseState } from './release.js';
import { type SquawkSettings } from './squawk.js';
export interface LintMigrationsOptions extends SquawkSettings {
    readonly base?: string;
    readonly manifests?: string;
    readonly workloads?: readonly string[];
    readonly previous?: ReleaseState;
    readonly current?: Pick<ReleaseState, 'images'>;
}
export interface MigrationSummary {
    readonly name: string;
    readonly isNew: boolean;
    readonly marker: MigrationMarker;
    readonly contract: boolean;
}
export interface LintMigrationsResult {
    readonly findings: readonly Finding[];
    readonly excused: readonly ExcusedFinding[];
    readonly statements: readonly ClassifiedStatement[];
    readonly migrations: readonly MigrationSummary[];
}
export declare function lintMigrations(dir: string, options?: LintMigrationsOptions): Promise<LintMigrationsResult>;

// ---- migrations/checker/procedural.d.ts
export interface ProceduralBody {
    readonly context: 'do-block' | 'function-body';
    readonly statements: readonly EmbeddedStatement[];
    readonly unclassifiable?: string;
}
export interface EmbeddedStatement {
    readonly node: Record<string, any>;
    readonly nodeType: string;
    readonly sql: string;
}
export declare function proceduralBody(nodeType: string, stmt: any, sql: string, depth?: number): Promise<ProceduralBody | undefined>;

// ---- migrations/checker/release-state.d.ts
import { type ReleaseState } from './release.js';
import { type MigrationFile } from './sql-file.js';
export interface ReleaseSources {
    readonly migrationsDir: string;
    readonly manifestsDir?: string;
    readonly workloads?: readonly string[];
}
export declare function workloadImages(manifests: ReadonlyMap<string, string>, workloads?: readonly string[]): Record<string, string>;
export declare function workloadImagesOf(objects: readonly unknown[], workloads?: readonly string[]): Record<string, string>;
export declare function readTreeAtRef(ref: string, dir: string, keep: (relativePath: string) => boolean): Promise<Map<string, string>>;
export declare function releaseStateAtRef(ref: string, sources: ReleaseSources): Promise<ReleaseState>;
export declare function releaseStateOnDisk(files: readonly MigrationFile[], sources: ReleaseSources): Promise<ReleaseState>;

// ---- migrations/checker/release.d.ts
import { type Finding } from '../../validation/finding.js';
import { type MigrationFile } from './sql-file.js';
export interface ReleaseState {
    readonly migrations: readonly string[];
    readonly images: Readonly<Record<string, string>>;
    readonly contents?: Readonly<Record<string, string>>;
}
export interface ImageChange {
    readonly workload: string;
    readonly previous: string;
    readonly current: string;
}
export interface ReleaseChanges {
    readonly newMigrations: readonly string[];
    readonly removedMigrations: readonly string[];
    readonly changedImages: readonly ImageChange[];
}
export declare function compareReleases(previous: ReleaseState, current: ReleaseState): ReleaseChanges;
export interface ContractMigration {
    readonly name: string;
    readonly location: string;
}
export declare function contractReleaseFindings(changes: ReleaseChanges, contracts: readonly ContractMigration[]): Finding[];
export declare function shippedMigrationFindings(dir: string, previous: ReleaseState, changes: ReleaseChanges, files: readonly MigrationFile[]): Promise<Finding[]>;

// ---- migrations/checker/rules.d.ts
export declare const MigrationRule: {
    readonly CONTRACT_UNMARKED: "migration/contract-unmarked";
    readonly CONTRACT_WITH_IMAGE_CHANGE: "migration/contract-with-image-change";
    readonly CONCURRENTLY_IN_TRANSACTION: "migration/concurrently-in-transaction";
    readonly TABLE_REWRITE: "migration/table-rewrite";
    readonly UNBATCHED_BACKFILL: "migration/unbatched-backfill";
    readonly EXPLICIT_LOCK: "migration/explicit-lock";
    readonly NON_IDEMPOTENT: "migration/non-idempotent";
    readonly APPLIED_MIGRATION_CHANGED: "migration/applied-migration-changed";
    readonly APPLIED_MIGRATION_REMOVED: "migration/applied-migration-removed";
    readonly OUT_OF_ORDER: "migration/out-of-order";
    readonly INVALID_MARKER: "migration/invalid-marker";
    readonly EXCUSE_MISSING_REASON: "migration/excuse-missing-reason";
    readonly EXCUSE_UNKNOWN_RULE: "migration/excuse-unknown-rule";
    readonly UNUSED_EXCUSE: "migration/unused-excuse";
    readonly UNCLASSIFIABLE: "migration/unclassifiable";
    readonly SQUAWK_IGNORE: "migration/squawk-ignore";
};
export type MigrationRuleId = (typeof MigrationRule)[keyof typeof MigrationRule];
export declare const EXCUSABLE_MIGRATION_RULES: ReadonlySet<string>;
export declare const COVERED_BY_SQUAWK: Readonly<Partial<Record<MigrationRuleId, readonly string[]>>>;

// ---- migrations/checker/source-text.d.ts
export declare class SourceText {
    readonly text: string;
    private readonly lineStarts;
    private readonly byteOfIndex;
    readonly byteLength: number;
    constructor(text: string);
    indexOfByte(byteOffset: number): number;
    indexOfCodePoint(codePoint: number): number;
    indexOfLineByte(line: number, byteColumn: number): number;
    position(index: number): {
        readonly line: number;
        readonly column: number;
    };
}

// ---- migrations/checker/sql-file.d.ts
import { type ProceduralBody } from './procedural.js';
import { SourceText } from './source-text.js';
export interface SqlComment {
    readonly start: number;
    readonly line: number;
    readonly column: number;
    readonly text: string;
}
export interface ParsedStatement {
    readonly index: number;
    readonly node: Record<string, any>;
    readonly nodeType: string;
    readonly start: number;
    readonly end: number;
    readonly line: number;
    readonly column: number;
    readonly sql: string;
    readonly comments: readonly SqlComment[];
    readonly body?: ProceduralBody;
}
export interface MigrationFile {
    readonly name: string;
    readonly path: string;
    readonly source: SourceText;
    readonly statements: readonly ParsedStatement[];
    readonly header: readonly SqlComment[];
    readonly comments: readonly SqlComment[];
}
export declare function locationOf(file: Pick<MigrationFile, 'path' | 'source'>, index: number): string;
export declare function decodeMigrationText(bytes: Uint8Array, displayPath: string): string;
export declare function parseMigration(name: string, displayPath: string, text: string): Promise<MigrationFile>;
export declare function isMigrationFileName(name: string): boolean;
export declare function sortMigrationNames(names: readonly string[]): string[];
export declare function readMigrationDirectory(dir: string): Promise<MigrationFile[]>;

// ---- migrations/checker/squawk-rules.d.ts
interface SquawkRule {
    readonly fix: string;
    readonly contract?: boolean;
}
export declare const SQUAWK_RULES: Readonly<Record<string, SquawkRule>>;
export declare function squawkFix(rule: string, message: string, help: string | null): string;
export declare function isContractSquawkRule(rule: string): boolean;
export {};

// ---- migrations/checker/squawk.d.ts
export interface SquawkSettings {
    readonly pgVersion?: string;
    readonly assumeInTransaction?: boolean;
}
export interface SquawkViolation {
    readonly file: string;
    readonly line: number;
    readonly column: number;
    readonly rule: string;
    readonly message: string;
    readonly help: string | null;
}
export declare function runSquawk(dir: string, names: readonly string[], settings?: SquawkSettings): Promise<SquawkViolation[]>;

// ---- migrations/checker/statement-rules.d.ts
import { type Finding } from '../../validation/finding.js';
import { type MigrationMarker } from './annotations.js';
import { type ClassifiedStatement } from './classify-file.js';
import { type ParsedStatement } from './sql-file.js';
export interface StatementFinding {
    readonly finding: Finding;
    readonly statement?: number;
}
export declare function statementValue(sql: string): string;
export declare function statementRuleFindings(statements: readonly ParsedStatement[], classified: readonly ClassifiedStatement[], marker: MigrationMarker): StatementFinding[];

// ---- migrations/migration.d.ts
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { ResourceRequirements } from '../core/resources.js';
import { PostgresCluster } from '../data/postgres/postgres-cluster.js';
import { WorkloadBase } from '../workloads/base/workload-base.js';
export interface MigrationProps {
    readonly database: PostgresCluster;
    readonly release: WorkloadBase;
    readonly command: readonly string[];
    readonly migrationsDir: string;
    readonly verify?: boolean;
    readonly compatibilityQueries?: string;
    readonly usedBy?: readonly WorkloadBase[];
    readonly lockTimeout?: Duration;
    readonly statementTimeout?: Duration;
    readonly backoffLimit?: number;
    readonly activeDeadlineSeconds?: number;
    readonly resources?: ResourceRequirements;
    readonly name?: string;
}
export declare class Migration extends Construct {
    static isMigration(x: unknown): x is Migration;
    readonly jobName: string;
    readonly namespace: string;
    readonly image: string;
    readonly migrationsDir: string;
    readonly verify: boolean;
    readonly compatibilityQueries?: string;
    readonly usedBy: readonly WorkloadBase[];
    readonly environment: string;
    readonly platformName: string;
    constructor(scope: Construct, id: string, props: MigrationProps);
}

// ---- platform/controllers.d.ts
import { Construct } from 'constructs';
import { HelmCrdPolicy } from '../gitops/helm-chart.js';
import { HelmInstallation } from '../gitops/helm-release.js';
export declare const CONTROLLER_CHARTS: {
    readonly argoRollouts: {
        readonly repoURL: "https://argoproj.github.io/argo-helm";
        readonly chart: "argo-rollouts";
        readonly version: "2.41.0";
        readonly appVersion: "v1.9.1";
        readonly tag: "argoproj/argo-helm@argo-rollouts-2.41.0";
    };
    readonly keda: {
        readonly repoURL: "https://kedacore.github.io/charts";
        readonly chart: "keda";
        readonly version: "2.20.2";
        readonly appVersion: "v2.20.2";
        readonly tag: "kedacore/charts@v2.20.2";
    };
    readonly cloudNativePg: {
        readonly repoURL: "https://cloudnative-pg.github.io/charts";
        readonly chart: "cloudnative-pg";
        readonly version: "0.29.0";
        readonly appVersion: "1.30.0";
        readonly tag: "cloudnative-pg/charts@cloudnative-pg-v0.29.0";
    };
};
export declare const GATEWAY_API_PLUGIN_VERSION = "v0.15.0";
export declare enum CpuArchitecture {
    AMD64 = "amd64",
    ARM64 = "arm64"
}
export interface ControllerOptions {
    readonly enabled?: boolean;
    readonly namespace?: string;
    readonly chartVersion?: string;
    readonly crds?: HelmCrdPolicy;
}
export interface ArgoRolloutsControllerOptions extends ControllerOptions {
    readonly gatewayApiPluginVersion?: string;
    readonly gatewayApiPluginArchitecture?: CpuArchitecture;
    readonly gatewayApiPluginSha256?: string;
}
export interface PlatformControllersProps {
    readonly argoCdNamespace?: string;
    readonly project?: string;
    readonly namePrefix?: string;
    readonly argoRollouts?: ArgoRolloutsControllerOptions;
    readonly keda?: ControllerOptions;
    readonly cloudNativePg?: ControllerOptions;
}
export declare class PlatformControllers extends Construct {
    readonly applications: {
        readonly argoRollouts?: HelmInstallation;
        readonly keda?: HelmInstallation;
        readonly cloudNativePg?: HelmInstallation;
    };
    readonly argoRolloutsServiceAccount = "argo-rollouts";
    constructor(scope: Construct, id: string, props?: PlatformControllersProps);
    private chart;
    private namespaceOf;
    private gatewayApiPlugin;
    private emitHttpRouteRbac;
}

// ---- platform/output-folder.d.ts
import { IConstruct } from 'constructs';
export declare enum DeliveryStage {
    PLATFORM = "platform",
    DATA = "data",
    MIGRATION = "migration",
    APP = "app"
}
export declare const DELIVERY_STAGES: readonly DeliveryStage[];
export interface OutputFolder {
    readonly name: string;
    readonly stage: DeliveryStage;
}
export declare function setOutputFolder(scope: IConstruct, folder: string, stage?: DeliveryStage): void;
export declare function outputFolderOf(scope: IConstruct): string | undefined;
export declare function folderInfoOfScope(scope: IConstruct): OutputFolder | undefined;
export declare function outputFolderInfoOf(scope: IConstruct): OutputFolder | undefined;
export declare function setFileStem(scope: IConstruct, stem: string): void;
export declare function fileStemOf(scope: IConstruct): string | undefined;

// ---- platform/platform.d.ts
import { App, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Environment } from '../core/environment.js';
import { IGitOpsTarget } from '../gitops/gitops-target.js';
export interface PlatformProps {
    readonly name?: string;
    readonly environments: readonly Environment[];
    readonly gitops?: IGitOpsTarget;
    readonly outputPath?: string;
}
export declare const PLATFORM_FOLDER = "platform";
export declare class Platform extends Construct {
    readonly name: string;
    readonly environments: readonly EnvironmentChart[];
    readonly gitops?: IGitOpsTarget;
    readonly outputPath: string;
    constructor(scope: App, id: string, props: PlatformProps);
    forEachEnvironment(define: (scope: EnvironmentChart) => void): void;
}
export declare class EnvironmentChart extends Chart {
    static of(scope: IConstruct): EnvironmentChart;
    readonly environment: Environment;
    readonly platform: Platform;
    readonly targetNamespace: string;
    constructor(platform: Platform, environment: Environment);
}

// ---- plugin/validation-plugin.d.ts
import type { Validation, ValidationContext } from 'cdk8s-cli/plugins';
import type { PodSecurityLevel } from '../validation/pod-security-rules.js';
import { type ValidationPolicy } from '../validation/validate-manifests.js';
export interface DeliveryValidationProperties {
    readonly crds?: string;
    readonly policy?: ValidationPolicy;
    readonly podSecurityLevel?: PodSecurityLevel;
}
export declare class DeliveryValidation implements Validation {
    private readonly properties;
    constructor(properties?: DeliveryValidationProperties);
    validate(context: ValidationContext): Promise<void>;
    private run;
}

// ---- pod/pre-stop.d.ts
export declare class PreStop {
    private readonly handler;
    readonly seconds: number;
    static sleep(seconds: number): PreStop;
    static exec(command: readonly string[], waitSeconds: number): PreStop;
    static httpGet(path: string, port: number, waitSeconds: number): PreStop;
    static none(): PreStop;
    private constructor();
    render(): Record<string, unknown> | undefined;
}

// ---- pod/probe.d.ts
export interface ProbeOptions {
    readonly port?: number | string;
    readonly periodSeconds?: number;
    readonly failureThreshold?: number;
    readonly initialDelaySeconds?: number;
    readonly timeoutSeconds?: number;
}
export declare class Probe {
    private readonly action;
    readonly options: ProbeOptions;
    static httpGet(path: string, options?: ProbeOptions): Probe;
    static tcpSocket(options?: ProbeOptions): Probe;
    static grpc(options?: ProbeOptions & {
        readonly service?: string;
    }): Probe;
    static exec(command: readonly string[], options?: ProbeOptions): Probe;
    private constructor();
    get httpPath(): string | undefined;
    problems(field: string): {
        field: string;
        value: unknown;
        message: string;
        fix: string;
    }[];
    render(defaultPort: number | string): Record<string, unknown>;
}

// ---- pod/security.d.ts
export interface PodSecurityOptions {
    readonly runAsUser?: number;
    readonly runAsGroup?: number;
    readonly readOnlyRootFilesystem?: boolean;
    readonly automountServiceAccountToken?: boolean;
}
export declare function podSecurityContext(options?: PodSecurityOptions): Record<string, unknown>;
export declare function containerSecurityContext(options?: PodSecurityOptions): Record<string, unknown>;
export declare function checkPodSecurity(options: PodSecurityOptions | undefined): {
    field: string;
    value: unknown;
    message: string;
    fix: string;
}[];

// ---- review/delivery-plan.d.ts
export type PodCount = number | string;
export type CanaryPlanStep = {
    readonly kind: 'setWeight';
    readonly weight: number;
} | {
    readonly kind: 'pause';
    readonly duration?: string;
} | {
    readonly kind: 'analysis';
    readonly templates: readonly string[];
} | {
    readonly kind: 'experiment';
    readonly templates: readonly string[];
    readonly analyses: readonly string[];
} | {
    readonly kind: 'other';
    readonly action: string;
};
export interface CanaryPlan {
    readonly kind: 'canary';
    readonly steps: readonly CanaryPlanStep[];
    readonly maxSurge: PodCount;
    readonly maxUnavailable: PodCount;
    readonly trafficRouter?: string;
    readonly backgroundAnalysis: readonly string[];
    readonly progressDeadlineSeconds: number;
    readonly progressDeadlineAbort: boolean;
    readonly abortScaleDownDelaySeconds: number;
}
export interface BlueGreenPlan {
    readonly kind: 'blueGreen';
    readonly activeService: string;
    readonly previewService?: string;
    readonly autoPromotionEnabled: boolean;
    readonly autoPromotionSeconds?: number;
    readonly scaleDownDelaySeconds: number;
    readonly abortScaleDownDelaySeconds: number;
    readonly previewReplicaCount?: number;
    readonly prePromotionAnalysis: readonly string[];
    readonly postPromotionAnalysis: readonly string[];
    readonly progressDeadlineSeconds: number;
    readonly progressDeadlineAbort: boolean;
}
export interface RollingPlan {
    readonly kind: 'rolling';
    readonly maxSurge: PodCount;
    readonly maxUnavailable: PodCount;
    readonly progressDeadlineSeconds?: number;
    readonly note?: string;
}
export interface RecreatePlan {
    readonly kind: 'recreate' | 'onDelete';
}
export type DeliveryPlan = CanaryPlan | BlueGreenPlan | RollingPlan | RecreatePlan;
export declare function deliveryPlanOf(manifest: Record<string, any>): DeliveryPlan | undefined;
export declare function analysisTemplatesOf(plan: DeliveryPlan | undefined): string[];
export declare function describeSteps(steps: readonly CanaryPlanStep[]): string;
export declare function describePlan(plan: DeliveryPlan): string;

// ---- review/diagrams/analysis-gate.d.ts
import { Flowchart } from './flowchart.js';
export interface FlowContext {
    readonly templates: ReadonlyMap<string, Record<string, any>>;
    readonly syncedBy?: string;
}
export declare const FLOW_NODES: {
    readonly start: "start";
    readonly abort: "abort";
    readonly paused: "paused";
    readonly done: "done";
};
export declare function gateLines(title: string, templateNames: readonly string[], context: FlowContext): string[];
export declare function addGate(chart: Flowchart, id: string, lines: readonly string[], abortId?: string): string;
export declare function addPausedNode(chart: Flowchart): void;
export declare function addStart(chart: Flowchart, manifest: Record<string, any>, context: FlowContext): void;
export declare const stepId: (i: number) => string;

// ---- review/diagrams/flowchart.d.ts
export type NodeShape = 'box' | 'rounded' | 'stadium' | 'decision' | 'hexagon';
export declare const CLASS_DEFS: Readonly<Record<string, string>>;
export type NodeClass = keyof typeof CLASS_DEFS;
export declare function escapeLabel(text: string): string;
export declare function label(lines: readonly string[]): string;
export declare function nodeId(prefix: string, ...parts: (string | number)[]): string;
export declare class Flowchart {
    private readonly direction;
    private readonly lines;
    private indent;
    constructor(direction?: 'TB' | 'LR');
    node(id: string, lines: readonly string[], shape?: NodeShape, cls?: NodeClass): this;
    edge(from: string, to: string, text?: string, style?: 'solid' | 'dotted'): this;
    subgraph(id: string, title: string, build: () => void, direction?: 'TB' | 'LR'): this;
    render(): string;
    private push;
}

// ---- review/diagrams/rollout-plan.d.ts
import { DeliveryPlan } from '../delivery-plan.js';
import { ReviewObject } from '../manifests.js';
import { Flowchart } from './flowchart.js';
import { FlowContext } from './analysis-gate.js';
export declare const ROLLOUT_PLAN_FILE = "ROLLOUT-PLAN.md";
export interface RolloutPlanFile {
    readonly path: string;
    readonly text: string;
}
export declare function deliveryFlow(manifest: Record<string, any>, plan: DeliveryPlan, context: FlowContext): Flowchart;
export declare function rolloutPlanMarkdown(platform: string, environment: string, objects: readonly ReviewObject[]): string;
export declare function rolloutPlans(objects: readonly ReviewObject[]): RolloutPlanFile[];

// ---- review/diagrams/sync-order.d.ts
import { DeliveryStage } from '../../platform/output-folder.js';
import { ReviewObject } from '../manifests.js';
import { Flowchart } from './flowchart.js';
export type GitOpsTool = 'Argo CD' | 'Flux' | undefined;
export declare function gitOpsToolOf(objects: readonly ReviewObject[]): GitOpsTool;
export interface PlanUnit {
    readonly folder: string;
    readonly stage: DeliveryStage;
    readonly objects: readonly ReviewObject[];
}
export declare function planUnits(objects: readonly ReviewObject[]): PlanUnit[];
export declare function unitSteps(unit: PlanUnit): {
    phase: string;
    wave: number;
    objects: ReviewObject[];
}[];
export declare const stepNodeId: (folder: string, phase: string, wave: number) => string;
export declare function syncOrderChart(objects: readonly ReviewObject[]): Flowchart;

// ---- review/diff/change.d.ts
export declare const RISK_FLAGS: {
    readonly 'pdb-removed': "a PodDisruptionBudget was removed while pods it protected remain: node drains may take them all down at once";
    readonly 'pdb-loosened': "a PodDisruptionBudget allows more voluntary disruptions than before";
    readonly 'canary-step-skipped': "the canary has fewer traffic steps, analysis gates or pauses than before: less verification before 100%";
    readonly 'canary-weight-jump': "the canary sends more traffic to an unverified version (a higher first weight or a bigger step between weights)";
    readonly 'analysis-weakened': "an analysis tolerates more before it fails (higher failureLimit, weaker threshold, fewer measurements, a metric removed)";
    readonly 'analysis-removed': "a Rollout no longer runs any analysis: nothing can abort a bad version automatically";
    readonly 'min-replicas-one': "a workload may now run on a single pod (autoscaling minimum or replicas lowered to 1 or 0): no redundancy during disruptions";
    readonly 'strategy-downgraded': "a production workload moved to a less protective strategy (canary or blue-green → rolling, or anything → recreate)";
    readonly 'rollback-window-shortened': "a blue-green keeps the old stack for a shorter time after promotion: a shorter window for an instant rollback";
    readonly 'contract-migration': "a new migration removes or reshapes what older code uses: old pods still running during the rollout may fail";
    readonly 'wave-moved': "an object syncs at another point of the sync order (wave or hook phase changed): check what it depends on and what depends on it";
};
export type RiskFlag = keyof typeof RISK_FLAGS;
export interface Risk {
    readonly flag: RiskFlag;
    readonly reason: string;
}
export type ChangeAspect = 'added' | 'removed' | 'renamed' | 'image' | 'replicas' | 'strategy' | 'canary-steps' | 'analysis' | 'disruption-budget' | 'autoscaling' | 'wave' | 'migration' | 'other';
export interface Change {
    readonly platform: string;
    readonly environment: string;
    readonly unit: string;
    readonly subject: string;
    readonly aspect: ChangeAspect;
    readonly field: string;
    readonly before?: string;
    readonly after?: string;
    readonly note?: string;
    readonly risks: readonly Risk[];
}
export interface DiffReport {
    readonly base: string;
    readonly dir: string;
    readonly changes: readonly Change[];
}
export type ChangeDraft = Omit<Change, 'platform' | 'environment' | 'unit'>;
export declare function risk(flag: RiskFlag, reason: string): Risk;
export declare function riskCounts(changes: readonly Change[]): [RiskFlag, number][];

// ---- review/diff/compare-analysis.d.ts
import { Comparison } from './compare-workloads.js';
export declare function conditionWeakened(kind: 'success' | 'failure', before: string | undefined, after: string | undefined): boolean | undefined;
export declare function compareAnalysisTemplates(before: Record<string, any>, after: Record<string, any>): Comparison;

// ---- review/diff/compare-workloads.d.ts
import { ChangeDraft } from './change.js';
export interface Comparison {
    readonly changes: ChangeDraft[];
    readonly covered: readonly RegExp[];
}
export declare function compareImages(before: Record<string, any>, after: Record<string, any>): Comparison;
export declare function compareStrategies(before: Record<string, any>, after: Record<string, any>, production: boolean): Comparison;
export declare function compareReplicas(before: Record<string, any>, after: Record<string, any>): Comparison;

// ---- review/diff/compare.d.ts
import { ReviewObject } from '../manifests.js';
import { Change, ChangeDraft } from './change.js';
export declare function compareObjects(a: Record<string, any>, b: Record<string, any>, production: boolean): ChangeDraft[];
export declare function compareManifests(before: readonly ReviewObject[], after: readonly ReviewObject[]): Change[];
export declare function sortChanges(changes: readonly Change[]): Change[];

// ---- review/diff/format.d.ts
import { Change, DiffReport } from './change.js';
export declare function describeChange(c: Change, value?: (s: string) => string): string;
export declare function formatText(report: DiffReport): string[];
export declare function formatMarkdown(report: DiffReport): string;

// ---- review/diff/index.d.ts
export { type Change, type ChangeAspect, type DiffReport, type Risk, type RiskFlag, RISK_FLAGS, riskCounts } from './change.js';
export { compareManifests, compareObjects } from './compare.js';
export { conditionWeakened } from './compare-analysis.js';
export { describeChange, formatMarkdown, formatText } from './format.js';
export { DiffInputError, parseManifests, readManifestsAtRef, readManifestsOnDisk } from './load.js';
export { type FindNewMigrationsOptions, findNewMigrations, type NewMigration } from './migrations.js';
export { semanticDiff, type SemanticDiffOptions } from './semantic-diff.js';

// ---- review/diff/load.d.ts
import { ReviewObject } from '../manifests.js';
export declare class DiffInputError extends Error {
    readonly problems: readonly {
        readonly location: string;
        readonly message: string;
    }[];
    constructor(problems: readonly {
        readonly location: string;
        readonly message: string;
    }[]);
}
export declare const isManifestFile: (p: string) => boolean;
export declare function readManifestsOnDisk(dir: string): Promise<Map<string, string>>;
export declare function readManifestsAtRef(ref: string, dir: string): Promise<Map<string, string>>;
export declare function parseManifests(files: ReadonlyMap<string, string>, label: string): ReviewObject[];

// ---- review/diff/migrations.d.ts
export interface NewMigration {
    readonly file: string;
    readonly directory: string;
    readonly name: string;
    readonly migrationClass: 'expand' | 'contract' | 'unparsable';
    readonly problem?: string;
    readonly contractStatements: readonly string[];
    readonly blockingStatements: readonly string[];
}
export interface FindNewMigrationsOptions {
    readonly base: string;
    readonly directories?: readonly string[];
    readonly cwd?: string;
}
export declare function findNewMigrations(options: FindNewMigrationsOptions): Promise<NewMigration[]>;

// ---- review/diff/semantic-diff.d.ts
import { DiffReport } from './change.js';
export interface SemanticDiffOptions {
    readonly dir?: string;
    readonly base?: string;
    readonly migrations?: readonly string[];
    readonly cwd?: string;
}
export declare function semanticDiff(options?: SemanticDiffOptions): Promise<DiffReport>;

// ---- review/index.d.ts
export { type ReviewObject, isProductionEnvironment } from './manifests.js';
export { type BlueGreenPlan, type CanaryPlan, type CanaryPlanStep, type DeliveryPlan, type RecreatePlan, type RollingPlan, deliveryPlanOf, describePlan, describeSteps } from './delivery-plan.js';
export { type Change, type ChangeAspect, type DiffReport, type FindNewMigrationsOptions, type NewMigration, type Risk, type RiskFlag, type SemanticDiffOptions, compareManifests, DiffInputError, findNewMigrations, formatMarkdown, formatText, RISK_FLAGS, riskCounts, semanticDiff, } from './diff/index.js';
export { Flowchart } from './diagrams/flowchart.js';
export { deliveryFlow, ROLLOUT_PLAN_FILE, rolloutPlanMarkdown, type RolloutPlanFile, rolloutPlans } from './diagrams/rollout-plan.js';
export { syncOrderChart } from './diagrams/sync-order.js';

// ---- review/manifests.d.ts
import { DeliveryStage } from '../platform/output-folder.js';
export interface ReviewObject {
    readonly path: string;
    readonly manifest: Record<string, any>;
    readonly stage?: DeliveryStage;
}
export interface Location {
    readonly platform: string;
    readonly environment: string;
    readonly unit: string;
}
export declare function locationOf(path: string): Location;
export declare const HOOK_ANNOTATION = "argocd.argoproj.io/hook";
export declare function waveOf(manifest: Record<string, any>): number;
export declare function hookOf(manifest: Record<string, any>): string | undefined;
export declare const WORKLOAD_KINDS: ReadonlySet<string>;
export declare function isWorkload(manifest: Record<string, any>): boolean;
export declare function subjectOf(manifest: Record<string, any>): string;
export declare function podSpecOf(manifest: Record<string, any>): Record<string, any> | undefined;
export declare function containersOf(manifest: Record<string, any>): Record<string, any>[];
export declare function byEnvironment<T extends ReviewObject>(objects: readonly T[]): Map<string, T[]>;
export declare function compareText(a: string, b: string): number;
export declare function isProductionEnvironment(name: string): boolean;

// ---- synth/run.d.ts
import { App } from 'cdk8s';
import { SchemaValidator } from '../validation/schema-validator.js';
export interface RunSynthOptions {
    readonly outdir?: string;
    readonly validator?: SchemaValidator;
    readonly crds?: string;
    readonly validateAll?: boolean;
}
export declare function runSynth(build: () => App, options?: RunSynthOptions): Promise<void>;

// ---- synth/synthesizer.d.ts
import { App } from 'cdk8s';
import { SynthError } from '../core/problems.js';
import { SYNC_WAVE_ANNOTATION } from '../core/sync-wave.js';
import { DeliveryStage } from '../platform/output-folder.js';
import { Finding } from '../validation/finding.js';
import type { SchemaValidator } from '../validation/schema-validator.js';
export interface SynthesizedObject {
    readonly path: string;
    readonly constructPath: string;
    readonly manifest: Record<string, any>;
    readonly stage?: DeliveryStage;
    readonly relocated?: boolean;
}
export interface SynthesizeOptions {
    readonly validator?: SchemaValidator;
}
export declare function synthesize(app: App, options?: SynthesizeOptions): SynthesizedObject[];
export declare function synthesizeWithFindings(app: App, options?: SynthesizeOptions): {
    readonly objects: SynthesizedObject[];
    readonly findings: Finding[];
};
export declare function withoutFindingsBelow(findings: readonly Finding[], problems: readonly Finding[]): Finding[];
export declare function toYaml(manifest: unknown): string;
export { SynthError, SYNC_WAVE_ANNOTATION };

// ---- traffic/gateway-routes.d.ts
import { Finding } from '../validation/finding.js';
import { Manifest } from '../validation/manifest.js';
export declare function checkGatewayRoutes(manifests: readonly Manifest[]): Finding[];

// ---- traffic/gateway.d.ts
import { Construct } from 'constructs';
import { TrafficRouter } from './traffic-router.js';
export declare const ENVOY_GATEWAY_CONTROLLER = "gateway.envoyproxy.io/gatewayclass-controller";
export declare class RouteNamespaces {
    readonly spec: {
        readonly from: 'Same' | 'All' | 'Selector';
        readonly selector?: Record<string, unknown>;
    };
    static same(): RouteNamespaces;
    static all(): RouteNamespaces;
    static withLabels(labels: Readonly<Record<string, string>>): RouteNamespaces;
    private constructor();
}
export interface HttpListenerProps {
    readonly name?: string;
    readonly port?: number;
    readonly hostname?: string;
}
export interface HttpsListenerProps extends HttpListenerProps {
    readonly certificateSecretName: string;
}
export declare class GatewayListener {
    readonly name: string;
    readonly protocol: 'HTTP' | 'HTTPS';
    readonly port: number;
    readonly hostname?: string | undefined;
    readonly certificateSecretName?: string | undefined;
    static http(props?: HttpListenerProps): GatewayListener;
    static https(props: HttpsListenerProps): GatewayListener;
    private constructor();
    toJson(routes: RouteNamespaces): Record<string, unknown>;
}
export interface GatewayClassProps {
    readonly name?: string;
    readonly controllerName?: string;
    readonly description?: string;
}
export declare class GatewayClass extends Construct {
    readonly name: string;
    constructor(scope: Construct, id: string, props?: GatewayClassProps);
}
export interface GatewayProps {
    readonly name?: string;
    readonly namespace?: string;
    readonly gatewayClassName: string;
    readonly listeners: readonly GatewayListener[];
    readonly routeNamespaces?: RouteNamespaces;
}
export interface GatewayRouterProps {
    readonly hostnames?: readonly string[];
    readonly pathPrefix?: string;
    readonly sectionName?: string;
}
export declare class Gateway extends Construct {
    readonly name: string;
    readonly namespace: string;
    readonly listeners: readonly GatewayListener[];
    constructor(scope: Construct, id: string, props: GatewayProps);
    router(props?: GatewayRouterProps): TrafficRouter;
    private check;
}

// ---- traffic/traffic-router.d.ts
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
export declare const GATEWAY_API_PLUGIN = "argoproj-labs/gatewayAPI";
export interface GatewayApiRouterProps {
    readonly gatewayName: string;
    readonly gatewayNamespace?: string;
    readonly sectionName?: string;
    readonly hostnames?: readonly string[];
    readonly pathPrefix?: string;
}
export interface NginxRouterProps {
    readonly host: string;
    readonly ingressClassName?: string;
    readonly pathPrefix?: string;
}
export interface RouteTarget {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Record<string, string>;
    readonly stableService: string;
    readonly canaryService?: string;
    readonly servicePort: number;
}
export declare abstract class TrafficRouter {
    static gatewayApi(props: GatewayApiRouterProps): TrafficRouter;
    static nginx(props: NginxRouterProps): TrafficRouter;
    abstract readonly kind: string;
    abstract problems(field: string): {
        field: string;
        value: unknown;
        message: string;
        fix: string;
    }[];
    abstract rolloutTrafficRouting(target: RouteTarget): Record<string, unknown>;
    abstract emit(scope: Construct, target: RouteTarget): ApiObject;
}

// ---- validation/argocd-rules.d.ts
import { type Finding } from './finding.js';
import { type Manifest } from './manifest.js';
export declare const ARGOCD_RULES: {
    readonly syncWave: "argocd/sync-wave";
    readonly explicitWave: "argocd/explicit-wave";
    readonly hook: "argocd/hook";
    readonly hookDeletePolicy: "argocd/hook-delete-policy";
    readonly deletePolicyWithoutHook: "argocd/delete-policy-without-hook";
    readonly namedHookJob: "argocd/named-hook-job";
    readonly hookTtl: "argocd/hook-ttl-with-hook-succeeded";
    readonly syncOptions: "argocd/sync-options";
};
export declare const ARGOCD_WARNING_RULES: ReadonlySet<string>;
export interface ArgoCdRuleOptions {
    readonly requireExplicitWave?: boolean;
}
export declare function checkArgoCdAnnotations(manifest: Manifest, options?: ArgoCdRuleOptions): Finding[];

// ---- validation/finding.d.ts
export interface Finding {
    readonly location: string;
    readonly field: string;
    readonly value?: unknown;
    readonly rule: string;
    readonly message: string;
    readonly fix: string;
}
export declare function renderValue(value: unknown): string;
export declare function formatFinding(finding: Finding): string;

// ---- validation/manifest-files.d.ts
import { type Manifest } from './manifest.js';
export interface ManifestSource {
    readonly file: string;
    readonly document: number;
    readonly item?: number;
    readonly object: string;
}
export interface InputProblem {
    readonly location: string;
    readonly message: string;
}
export interface ManifestFiles {
    readonly manifests: readonly Manifest[];
    readonly sources: ReadonlyMap<string, ManifestSource>;
    readonly files: readonly string[];
    readonly problems: readonly InputProblem[];
}
export declare const MAX_DOCUMENT_BYTES: number;
export declare function describeFsError(error: unknown): string;
export declare function readManifestFiles(target: string): Promise<ManifestFiles>;

// ---- validation/manifest.d.ts
import { type Finding } from './finding.js';
export interface Manifest {
    readonly object: any;
    readonly location: string;
}
export declare class FindingSink {
    private readonly location;
    readonly findings: Finding[];
    constructor(location: string);
    add(field: string, value: unknown, rule: string, message: string, fix: string): void;
}
export declare function isKind(object: any, group: string, kind: string): boolean;
export declare function nameOf(object: any): string;
export declare function namespaceOf(object: any): string | undefined;
export declare function sameNamespace(a: string | undefined, b: string | undefined): boolean;
export declare function isRecord(value: unknown): value is Record<string, any>;
export declare function isSet(value: unknown): boolean;
export declare function intOrStringValue(value: unknown): number;
export declare function parseGoDuration(text: string): number | undefined;
export declare function placeholderTags(text: string): string[];

// ---- validation/pod-security-rules.d.ts
import { type Finding } from './finding.js';
import { type Manifest } from './manifest.js';
export declare const POD_SECURITY_RULES: {
    readonly hostNamespaces: "pss/host-namespaces";
    readonly privileged: "pss/privileged";
    readonly capabilitiesBaseline: "pss/capabilities-baseline";
    readonly hostPathVolumes: "pss/host-path-volumes";
    readonly hostPorts: "pss/host-ports";
    readonly appArmorProfile: "pss/app-armor-profile";
    readonly seLinuxOptions: "pss/se-linux-options";
    readonly procMount: "pss/proc-mount";
    readonly seccompProfileBaseline: "pss/seccomp-profile-baseline";
    readonly sysctls: "pss/sysctls";
    readonly windowsHostProcess: "pss/windows-host-process";
    readonly hostProbesAndLifecycle: "pss/host-probes-and-lifecycle";
    readonly restrictedVolumes: "pss/restricted-volumes";
    readonly allowPrivilegeEscalation: "pss/allow-privilege-escalation";
    readonly runAsNonRoot: "pss/run-as-non-root";
    readonly runAsUser: "pss/run-as-user";
    readonly capabilitiesRestricted: "pss/capabilities-restricted";
    readonly seccompProfileRestricted: "pss/seccomp-profile-restricted";
};
export type PodSecurityLevel = 'baseline' | 'restricted';
export declare function checkPodSecurityStandards(manifest: Manifest, level?: PodSecurityLevel): Finding[];

// ---- validation/schema-validator.d.ts
import type { Finding } from './finding.js';
export interface SchemaValidatorOptions {
    readonly crdsDir?: string;
}
export declare class SchemaValidator {
    private readonly core;
    private readonly crds;
    private readonly ajv;
    private readonly walker;
    private readonly crdsDir;
    private readonly apiVersionsByKind;
    private readonly knownGroups;
    private readonly compiled;
    private constructor();
    static load(options?: SchemaValidatorOptions): Promise<SchemaValidator>;
    knows(apiVersion: string, kind: string): boolean;
    validate(manifest: unknown, location: string): Finding[];
    private checkTypeMeta;
    private compiledFor;
    private checkObjectMeta;
    private unknownKind;
}
export declare function checkObjectName(manifest: Record<string, unknown>, kind: string, location: string): Finding[];
export declare function validateDirectory(dir: string, validator?: SchemaValidator): Promise<Finding[]>;

// ---- validation/validate-manifests.d.ts
import type { Finding } from './finding.js';
import { type Manifest } from './manifest.js';
import { type ManifestSource } from './manifest-files.js';
import { type PodSecurityLevel } from './pod-security-rules.js';
import type { SchemaValidator } from './schema-validator.js';
export type { ManifestSource };
export declare const WARNING_RULE_IDS: ReadonlySet<string>;
export interface ValidateManifestsOptions {
    readonly schema?: SchemaValidator;
    readonly podSecurityLevel?: PodSecurityLevel;
    readonly policy?: ValidationPolicy;
    readonly projects?: boolean;
    readonly requireExplicitWave?: boolean;
}
export type ValidationPolicy = 'restricted' | 'baseline' | 'none';
export declare const VALIDATION_POLICIES: readonly ValidationPolicy[];
export interface ValidationResult {
    readonly errors: readonly Finding[];
    readonly warnings: readonly Finding[];
}
export declare function validateManifests(manifests: readonly Manifest[], options?: ValidateManifestsOptions): ValidationResult;
export interface LoadedManifests {
    readonly manifests: readonly Manifest[];
    readonly sources: ReadonlyMap<string, ManifestSource>;
    readonly files: readonly string[];
    readonly unreadable?: readonly {
        readonly location: string;
        readonly message: string;
    }[];
}
export declare class ManifestInputError extends Error {
    readonly problems: readonly {
        readonly location: string;
        readonly message: string;
    }[];
    constructor(problems: readonly {
        readonly location: string;
        readonly message: string;
    }[]);
}
export declare function loadManifests(target: string): Promise<LoadedManifests>;

// ---- workloads/base/serving-workload.d.ts
import { Construct } from 'constructs';
import { ServiceLevelObjectives } from '../../analysis/service-level-objectives.js';
import { CanaryProps, CanaryStrategy, RollingProps, RollingStrategy, Strategy } from '../../delivery/strategy.js';
import { RouteTarget, TrafficRouter } from '../../traffic/traffic-router.js';
import { WorkloadBase } from './workload-base.js';
import { WorkloadOverrides, WorkloadProps } from './workload-props.js';
export interface ServingWorkloadOverrides extends WorkloadOverrides {
    readonly strategy?: Strategy;
}
export interface ServingWorkloadProps extends WorkloadProps {
    readonly port?: number;
    readonly servicePort?: number;
    readonly trafficRouter?: TrafficRouter;
    readonly canary?: CanaryProps;
    readonly rolling?: RollingProps;
    readonly slo?: ServiceLevelObjectives;
    readonly environments?: {
        readonly [environment: string]: ServingWorkloadOverrides;
    };
}
export interface CanaryNames {
    readonly canaryServiceName: string;
    readonly analysisTemplateName: string;
}
export declare abstract class ServingWorkload extends WorkloadBase {
    readonly serviceName: string;
    readonly port: number;
    readonly servicePort: number;
    protected readonly servingProps: ServingWorkloadProps;
    protected constructor(scope: Construct, id: string, props: ServingWorkloadProps, component: string);
    protected resolveStrategy<S extends Strategy>(override: S | undefined, byEnvironment: () => S): {
        strategy: S;
        field: string;
    };
    protected routeTarget(canaryService?: string): RouteTarget;
    protected emitCanary(strategy: CanaryStrategy, field: string): CanaryNames;
    protected emitRolling(strategy: RollingStrategy): void;
    private checkBasicCanary;
}

// ---- workloads/base/workload-base.d.ts
import { Construct } from 'constructs';
import { Autoscaling } from '../../autoscaling/autoscaling.js';
import { Environment } from '../../core/environment.js';
import { reportProblem } from '../../core/problems.js';
import { ResolvedResources } from '../../core/resources.js';
import { PreStop } from '../../pod/pre-stop.js';
import { ClassDefaults, WorkloadOverrides, WorkloadProps } from './workload-props.js';
export declare abstract class WorkloadBase extends Construct {
    private readonly defaults;
    readonly name: string;
    readonly namespace: string;
    readonly environment: Environment;
    readonly platformName: string;
    readonly labels: Record<string, string>;
    readonly selector: Record<string, string>;
    readonly image: string;
    readonly resources: ResolvedResources;
    readonly autoscaling: Autoscaling;
    readonly terminationGracePeriodSeconds: number;
    readonly preStop: PreStop;
    readonly configMapNames: Readonly<Record<string, string>>;
    protected readonly props: WorkloadProps;
    protected readonly overrides: WorkloadOverrides;
    protected readonly propsUsable: boolean;
    protected constructor(scope: Construct, id: string, props: WorkloadProps, overrides: WorkloadOverrides | undefined, defaults: ClassDefaults);
    protected static overridesFor<T>(scope: Construct, environments: {
        readonly [environment: string]: T;
    } | undefined): T | undefined;
    protected problem(problem: Parameters<typeof reportProblem>[1]): void;
    protected podTemplate(port: number | undefined): Record<string, unknown>;
    protected get specReplicas(): number | undefined;
    protected emitDisruptionBudget(): void;
    protected emitAutoscaler(target: {
        apiVersion: string;
        kind: string;
    }): void;
    private get env();
    private resolveConfig;
    private resolveAutoscaling;
}

// ---- workloads/base/workload-props.d.ts
import { Autoscaling } from '../../autoscaling/autoscaling.js';
import { ConfigSource } from '../../config/config-source.js';
import { SecretKey } from '../../config/secret-reference.js';
import { ResourceRequirements } from '../../core/resources.js';
import { DisruptionBudget } from '../../disruption/disruption-budget.js';
import { PreStop } from '../../pod/pre-stop.js';
import { Probe } from '../../pod/probe.js';
import { PodSecurityOptions } from '../../pod/security.js';
export interface WorkloadOverrides {
    readonly image?: string;
    readonly replicas?: number;
    readonly autoscaling?: Autoscaling;
    readonly resources?: ResourceRequirements;
    readonly env?: Readonly<Record<string, string>>;
}
export interface WorkloadProps {
    readonly name?: string;
    readonly image: string;
    readonly command?: readonly string[];
    readonly args?: readonly string[];
    readonly env?: Readonly<Record<string, string>>;
    readonly secretEnv?: Readonly<Record<string, SecretKey>>;
    readonly config?: readonly ConfigSource[];
    readonly resources?: ResourceRequirements;
    readonly replicas?: number;
    readonly autoscaling?: Autoscaling;
    readonly readinessProbe?: Probe;
    readonly livenessProbe?: Probe;
    readonly startupProbe?: Probe;
    readonly preStop?: PreStop;
    readonly terminationGracePeriodSeconds?: number;
    readonly security?: PodSecurityOptions;
    readonly serviceAccountName?: string;
    readonly disruptionBudget?: DisruptionBudget;
}
export interface ClassDefaults {
    readonly component: string;
    readonly replicas: number;
    readonly preStop: PreStop;
    readonly terminationGracePeriodSeconds: number;
    readonly requiresReadinessProbe: boolean;
}

// ---- workloads/queue-worker.d.ts
import { Construct } from 'constructs';
import { RollingProps, RollingStrategy } from '../delivery/strategy.js';
import { PreStop } from '../pod/pre-stop.js';
import { Probe } from '../pod/probe.js';
import { WorkloadOverrides, WorkloadProps } from './base/workload-props.js';
import { WorkloadBase } from './base/workload-base.js';
export interface QueueWorkerProps extends WorkloadProps {
    readonly rolling?: RollingProps;
    readonly readinessProbe?: Probe;
    readonly preStop?: PreStop;
    readonly terminationGracePeriodSeconds?: number;
    readonly replicas?: number;
    readonly environments?: {
        readonly [environment: string]: WorkloadOverrides;
    };
}
export declare class QueueWorker extends WorkloadBase {
    readonly strategy: RollingStrategy;
    constructor(scope: Construct, id: string, props: QueueWorkerProps);
}

// ---- workloads/singleton.d.ts
import { Construct } from 'constructs';
import { WorkloadOverrides, WorkloadProps } from './base/workload-props.js';
import { WorkloadBase } from './base/workload-base.js';
export interface SingletonOverrides extends Omit<WorkloadOverrides, 'replicas' | 'autoscaling'> {
}
export interface SingletonProps extends Omit<WorkloadProps, 'replicas' | 'autoscaling' | 'disruptionBudget'> {
    readonly port?: number;
    readonly servicePort?: number;
    readonly environments?: {
        readonly [environment: string]: SingletonOverrides;
    };
}
export declare class Singleton extends WorkloadBase {
    constructor(scope: Construct, id: string, props: SingletonProps);
}

// ---- workloads/stateless-service.d.ts
import { Construct } from 'constructs';
import { CanaryStrategy, RollingStrategy } from '../delivery/strategy.js';
import { ServingWorkload, ServingWorkloadOverrides, ServingWorkloadProps } from './base/serving-workload.js';
export interface StatelessServiceOverrides extends ServingWorkloadOverrides {
    readonly strategy?: CanaryStrategy | RollingStrategy;
}
export interface StatelessServiceProps extends ServingWorkloadProps {
    readonly environments?: {
        readonly [environment: string]: StatelessServiceOverrides;
    };
}
export declare class StatelessService extends ServingWorkload {
    readonly strategy: CanaryStrategy | RollingStrategy;
    readonly canaryServiceName?: string;
    readonly analysisTemplateName?: string;
    constructor(scope: Construct, id: string, props: StatelessServiceProps);
}

// ---- workloads/web-frontend.d.ts
import { Construct } from 'constructs';
import { BlueGreenProps, BlueGreenStrategy, CanaryStrategy, RollingStrategy } from '../delivery/strategy.js';
import { ServingWorkload, ServingWorkloadOverrides, ServingWorkloadProps } from './base/serving-workload.js';
export interface WebFrontendOverrides extends ServingWorkloadOverrides {
    readonly strategy?: BlueGreenStrategy | CanaryStrategy | RollingStrategy;
}
export interface WebFrontendProps extends ServingWorkloadProps {
    readonly blueGreen?: BlueGreenProps;
    readonly environments?: {
        readonly [environment: string]: WebFrontendOverrides;
    };
}
export declare class WebFrontend extends ServingWorkload {
    readonly strategy: BlueGreenStrategy | CanaryStrategy | RollingStrategy;
    readonly previewServiceName?: string;
    readonly canaryServiceName?: string;
    readonly analysisTemplateName?: string;
    constructor(scope: Construct, id: string, props: WebFrontendProps);
    private emitBlueGreen;
}
