// ---- index.d.ts
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
    readonly sloAlerting: SloAlerting;
    constructor(props: EnvironmentProps);
    scaleReplicas(replicas: number): number;
    problems(): {
        field: string;
        value: unknown;
        message: string;
        fix: string;
    }[];
}
export interface EnvironmentOptions {
    readonly namespace?: string;
    readonly replicaScale?: number;
    readonly resourceScale?: number;
    readonly imagePolicy?: ImagePolicy;
    readonly statelessDelivery?: ServiceDelivery;
    readonly frontendDelivery?: FrontendDelivery;
    readonly sloAlerting?: SloAlerting;
}
export interface EnvironmentProps extends EnvironmentOptions {
    readonly name: string;
}
export declare enum FrontendDelivery {
    BLUE_GREEN = "blue-green",
    CANARY = "canary",
    ROLLING = "rolling"
}
export declare enum ServiceDelivery {
    CANARY = "canary",
    ROLLING = "rolling"
}
export declare enum SloAlerting {
    PAGE_AND_TICKET = "page-and-ticket",
    TICKET = "ticket",
    NONE = "none"
}
export declare enum ImagePolicy {
    REQUIRE_DIGEST = "require-digest",
    ALLOW_TAG = "allow-tag"
}
export declare const SyncWave: {
    readonly NAMESPACE: -30;
    readonly CRD: -25;
    readonly RBAC: -20;
    readonly NETWORK_POLICY: -20;
    readonly OPERATOR: -10;
    readonly SECRET: -5;
    readonly DATA: 0;
    readonly MIGRATION: 0;
    readonly CONFIG: 5;
    readonly APP_SUPPORT: 10;
    readonly APP: 20;
    readonly ROLLOUT: 30;
};
export type SyncWaveValue = (typeof SyncWave)[keyof typeof SyncWave];
export interface ResolvedResources {
    readonly cpuRequestMillis: number;
    readonly cpuLimitMillis?: number;
    readonly memoryRequestMebibytes: number;
    readonly memoryLimitMebibytes: number;
}
export interface ResourceRequirements {
    readonly cpuRequestMillis?: number;
    readonly cpuLimitMillis?: number;
    readonly memoryRequestMebibytes?: number;
    readonly memoryLimitMebibytes?: number;
}
export declare const COMPONENT_LABEL = "app.kubernetes.io/component";
export declare const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export declare const NAME_LABEL = "app.kubernetes.io/name";
export declare const PART_OF_LABEL = "app.kubernetes.io/part-of";
export interface Problem {
    readonly field: string;
    readonly value?: unknown;
    readonly message: string;
    readonly fix: string;
    readonly rule?: string;
}
export declare function reportProblem(scope: IConstruct, problem: Problem): void;
export declare class SynthError extends Error {
    readonly findings: readonly Finding[];
    constructor(findings: readonly Finding[]);
}
export declare class EnvironmentChart extends Chart {
    static of(scope: IConstruct): EnvironmentChart;
    readonly environment: Environment;
    readonly platform: Platform;
    readonly targetNamespace: string;
    readonly network: EnvironmentNetwork;
    constructor(platform: Platform, environment: Environment);
}
export declare class Platform extends Construct {
    readonly name: string;
    readonly environments: readonly EnvironmentChart[];
    readonly gitops?: IGitOpsTarget;
    readonly outputPath: string;
    readonly networkPolicies: NetworkPolicies;
    constructor(scope: App, id: string, props: PlatformProps);
    forEachEnvironment(define: (scope: EnvironmentChart) => void): void;
}
export interface PlatformProps {
    readonly name?: string;
    readonly environments: readonly Environment[];
    readonly gitops?: IGitOpsTarget;
    readonly outputPath?: string;
    readonly networkPolicies?: NetworkPolicies;
}
export declare enum DeliveryStage {
    PLATFORM = "platform",
    DATA = "data",
    MIGRATION = "migration",
    APP = "app"
}
export declare class DeliveryUnit extends Construct {
    readonly folder: string;
    readonly stage: DeliveryStage;
    constructor(scope: Construct, id: string, props?: DeliveryUnitProps);
}
export interface DeliveryUnitProps {
    readonly folder?: string;
    readonly stage?: DeliveryStage;
}
export interface ArgoRolloutsControllerOptions extends ControllerOptions {
    readonly gatewayApiPluginVersion?: string;
    readonly gatewayApiPluginArchitecture?: CpuArchitecture;
    readonly gatewayApiPluginSha256?: string;
}
export interface ControllerOptions {
    readonly enabled?: boolean;
    readonly namespace?: string;
    readonly chartVersion?: string;
    readonly crds?: HelmCrdPolicy;
}
export declare enum CpuArchitecture {
    AMD64 = "amd64",
    ARM64 = "arm64"
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
export interface PlatformControllersProps {
    readonly argoCdNamespace?: string;
    readonly project?: string;
    readonly namePrefix?: string;
    readonly argoRollouts?: ArgoRolloutsControllerOptions;
    readonly keda?: ControllerOptions;
    readonly cloudNativePg?: ControllerOptions;
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
export interface ProbeOptions {
    readonly port?: number | string;
    readonly periodSeconds?: number;
    readonly failureThreshold?: number;
    readonly initialDelaySeconds?: number;
    readonly timeoutSeconds?: number;
}
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
export interface PodSecurityOptions {
    readonly runAsUser?: number;
    readonly runAsGroup?: number;
    readonly readOnlyRootFilesystem?: boolean;
    readonly automountServiceAccountToken?: boolean;
}
export interface ExtraContainer {
    readonly name: string;
    readonly image: string;
    readonly command?: readonly string[];
    readonly args?: readonly string[];
    readonly env?: Readonly<Record<string, string>>;
    readonly secretEnv?: Readonly<Record<string, SecretKey>>;
    readonly resources?: ResourceRequirements;
    readonly volumeMounts?: readonly ExtraVolumeMount[];
}
export interface ExtraVolumeMount {
    readonly volume: string;
    readonly mountPath: string;
    readonly readOnly?: boolean;
}
export interface SidecarContainer extends ExtraContainer {
    readonly port?: number;
    readonly readinessProbe?: Probe;
    readonly preStop?: PreStop;
}
export interface NodeAffinity {
    readonly required?: readonly NodeLabelRequirement[];
    readonly preferred?: readonly {
        readonly weight: number;
        readonly requirements: readonly NodeLabelRequirement[];
    }[];
}
export interface NodeLabelRequirement {
    readonly key: string;
    readonly operator: NodeSelectorOperator;
    readonly values?: readonly string[];
}
export declare enum NodeSelectorOperator {
    IN = "In",
    NOT_IN = "NotIn",
    EXISTS = "Exists",
    DOES_NOT_EXIST = "DoesNotExist",
    GT = "Gt",
    LT = "Lt"
}
export declare enum TaintEffect {
    NO_SCHEDULE = "NoSchedule",
    PREFER_NO_SCHEDULE = "PreferNoSchedule",
    NO_EXECUTE = "NoExecute"
}
export interface Toleration {
    readonly key: string;
    readonly value?: string;
    readonly effect?: TaintEffect;
    readonly tolerationSeconds?: number;
}
export interface EmptyDirOptions {
    readonly sizeLimitMebibytes?: number;
    readonly memory?: boolean;
}
export interface PersistentVolumeOptions {
    readonly storageSize: string;
    readonly storageClass?: string;
}
export declare class WorkloadVolume {
    readonly name: string;
    readonly mountPath: string;
    readonly source: {
        readonly kind: 'emptyDir';
        readonly sizeLimitMebibytes: number;
        readonly memory: boolean;
    } | {
        readonly kind: 'persistent';
        readonly storageSize: string;
        readonly storageClass?: string;
    };
    static emptyDir(name: string, mountPath: string, options?: EmptyDirOptions): WorkloadVolume;
    static persistent(name: string, mountPath: string, options: PersistentVolumeOptions): WorkloadVolume;
    private constructor();
    problems(field: string): {
        field: string;
        value: unknown;
        message: string;
        fix: string;
    }[];
    render(claimName: string): Record<string, unknown>;
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
export interface CanaryProps {
    readonly steps?: readonly CanaryStep[];
    readonly maxSurge?: PodCount;
    readonly maxUnavailable?: PodCount;
    readonly abortScaleDownDelaySeconds?: number;
}
export declare class CanaryStrategy extends Strategy {
    readonly surge: Surge;
    readonly steps: readonly CanaryStep[];
    readonly abortScaleDownDelaySeconds?: number | undefined;
    readonly kind: "canary";
    constructor(surge: Surge, steps: readonly CanaryStep[], abortScaleDownDelaySeconds?: number | undefined);
}
export type PodCount = number | string;
export declare class RecreateStrategy extends Strategy {
    readonly kind: "recreate";
}
export interface RollingProps {
    readonly maxSurge?: PodCount;
    readonly maxUnavailable?: PodCount;
}
export declare class RollingStrategy extends Strategy {
    readonly surge: Surge;
    readonly kind: "rolling";
    constructor(surge: Surge);
}
export declare abstract class Strategy {
    static rolling(props?: RollingProps): RollingStrategy;
    static canary(props?: CanaryProps): CanaryStrategy;
    static blueGreen(props?: BlueGreenProps): BlueGreenStrategy;
    static recreate(): RecreateStrategy;
    abstract readonly kind: string;
}
export interface Surge {
    readonly maxSurge: PodCount;
    readonly maxUnavailable: PodCount;
}
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
export interface ConstructPeerOptions {
    readonly ports?: readonly number[];
}
export interface NamespacePeerOptions extends NetworkPeerOptions {
    readonly podLabels?: Readonly<Record<string, string>>;
}
export declare class NetworkPeer {
    readonly kind: 'construct' | 'namespace' | 'cidr';
    readonly peer: {
        readonly target?: IConstruct;
        readonly namespace?: string;
        readonly podLabels?: Readonly<Record<string, string>>;
        readonly cidr?: string;
        readonly ports?: readonly number[];
    };
    static of(target: IConstruct, options?: ConstructPeerOptions): NetworkPeer;
    static namespace(name: string, options?: NamespacePeerOptions): NetworkPeer;
    static cidr(cidr: string, options?: NetworkPeerOptions): NetworkPeer;
    private constructor();
    get ports(): readonly number[] | undefined;
    problems(field: string): {
        field: string;
        value: unknown;
        message: string;
        fix: string;
    }[];
}
export interface NetworkPeerOptions {
    readonly ports?: readonly number[];
}
export interface IsolatedNetworkProps {
    readonly prometheusNamespace?: string;
    readonly ingressControllerNamespaces?: readonly string[];
    readonly dns?: NetworkPeer;
    readonly kubernetesApi?: NetworkPeer;
    readonly objectStore?: NetworkPeer;
    readonly controllerNamespaces?: {
        readonly argoRollouts?: string;
        readonly keda?: string;
        readonly cloudNativePg?: string;
    };
}
export declare class NetworkPolicies {
    readonly enabled: boolean;
    readonly props: IsolatedNetworkProps;
    readonly reason: string | undefined;
    static isolated(props?: IsolatedNetworkProps): NetworkPolicies;
    static disabled(reason: string): NetworkPolicies;
    private constructor();
    problems(field: string): {
        field: string;
        value: unknown;
        message: string;
        fix: string;
    }[];
}
export declare class EnvironmentNetwork extends Construct {
    private readonly namespace;
    private readonly partOf;
    readonly policies: NetworkPolicies;
    static of(scope: IConstruct): EnvironmentNetwork | undefined;
    private readonly endpoints;
    private readonly controllerNamespaces;
    private edgeCache?;
    private edgeIndex?;
    constructor(chart: IConstruct, folder: Construct, namespace: string, partOf: string, policies: NetworkPolicies);
    get enabled(): boolean;
    setControllerNamespace(controller: NetworkController, namespace: string): void;
    register(endpoint: Omit<NetworkEndpoint, 'clientPorts' | 'metricsPorts' | 'members' | 'ingressNamespaces' | 'controllers' | 'needsKubernetesApi' | 'needsObjectStore' | 'credentials' | 'serviceNames' | 'readsSecrets' | 'envValues' | 'connectsTo' | 'allowTo' | 'allowFrom'> & Partial<NetworkEndpoint>): NetworkEndpoint;
    endpointOf(construct: IConstruct): NetworkEndpoint | undefined;
    private policy;
    private edges;
    private computeEdges;
    private edgesByEndpoint;
    private specOf;
    private controllerNamespace;
    private peerSelector;
    private peerRule;
}
export type NetworkController = 'argoRollouts' | 'keda' | 'cloudNativePg';
export interface NetworkEndpoint {
    readonly construct: IConstruct;
    readonly name: string;
    readonly podLabels: Readonly<Record<string, string>>;
    clientPorts: PolicyPort[];
    metricsPorts: PolicyPort[];
    members: boolean;
    ingressNamespaces: string[];
    controllers: {
        controller: NetworkController;
        ports: PolicyPort[];
    }[];
    needsKubernetesApi: boolean;
    needsObjectStore: boolean;
    credentials: string[];
    serviceNames: string[];
    readsSecrets: string[];
    envValues: string[];
    connectsTo: IConstruct[];
    allowTo: NetworkPeer[];
    allowFrom: NetworkPeer[];
}
export type PolicyPort = number | string;
export declare class Certificate extends Construct {
    readonly secretName: string;
    constructor(scope: Construct, id: string, props: CertificateProps);
}
export interface CertificateProps {
    readonly secretName?: string;
    readonly dnsNames: readonly string[];
    readonly issuerName: string;
    readonly issuerKind?: IssuerKind;
    readonly duration?: Duration;
    readonly renewBefore?: Duration;
}
export declare enum IssuerKind {
    CLUSTER = "ClusterIssuer",
    NAMESPACED = "Issuer"
}
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
    readonly tlsSecretName?: string;
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
    abstract proxyNamespaces(workloadNamespace: string): string[];
}
export declare class Gateway extends Construct {
    readonly name: string;
    readonly namespace: string;
    readonly listeners: readonly GatewayListener[];
    constructor(scope: Construct, id: string, props: GatewayProps);
    router(props?: GatewayRouterProps): TrafficRouter;
    private check;
}
export declare class GatewayClass extends Construct {
    readonly name: string;
    constructor(scope: Construct, id: string, props?: GatewayClassProps);
}
export interface GatewayClassProps {
    readonly name?: string;
    readonly controllerName?: string;
    readonly description?: string;
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
export interface HttpListenerProps {
    readonly name?: string;
    readonly port?: number;
    readonly hostname?: string;
}
export interface HttpsListenerProps extends HttpListenerProps {
    readonly certificateSecretName: string;
}
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
export declare enum NoData {
    PASS = "pass",
    FAIL = "fail",
    INCONCLUSIVE = "inconclusive"
}
export declare const OTEL_HTTP_BUCKETS: readonly number[];
export interface PrometheusSource {
    readonly address?: string;
    readonly requestDurationHistogram?: string;
    readonly routeLabel?: string;
    readonly statusCodeLabel?: string;
    readonly errorStatusRegex?: string;
    readonly scrapeInterval?: Duration;
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
    readonly baselineCap?: number;
    readonly analyseRestarts?: boolean;
    readonly maxRestarts?: number;
    readonly expectedRequestsPerSecond?: number;
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
export interface MonitoringProps {
    readonly scrape?: boolean;
    readonly metricsPort?: number;
    readonly metricsPath?: string;
    readonly selectorLabels?: Readonly<Record<string, string>>;
    readonly team?: string;
    readonly runbookUrl?: string;
    readonly sloPeriod?: Duration;
}
export declare enum RolloutNotificationTrigger {
    ROLLOUT_ABORTED = "on-rollout-aborted",
    ROLLOUT_PAUSED = "on-rollout-paused",
    ANALYSIS_RUN_FAILED = "on-analysis-run-failed",
    ANALYSIS_RUN_ERROR = "on-analysis-run-error",
    ROLLOUT_COMPLETED = "on-rollout-completed"
}
export interface RolloutNotificationsProps {
    readonly service: string;
    readonly recipients: readonly string[];
    readonly triggers?: readonly RolloutNotificationTrigger[];
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
export interface HorizontalAutoscalingProps {
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly cpuUtilizationPercent?: number;
    readonly scaleDownStabilizationSeconds?: number;
}
export interface KedaAutoscalingProps extends KedaBounds, KedaScalingOptions {
    readonly triggers: readonly KedaTrigger[];
}
export interface KedaBounds {
    readonly minReplicas: number;
    readonly maxReplicas: number;
}
export interface NatsJetStreamAutoscalingProps extends KedaBounds, KedaScalingOptions, NatsJetStreamScalerProps {
}
export declare class KedaCredentials {
    readonly secretName: string;
    readonly parameters: Readonly<Record<string, string>>;
    static fromSecret(secretName: string, parameters: Readonly<Record<string, string>>): KedaCredentials;
    private constructor();
    get parameterNames(): string[];
    problems(field: string, accepted: readonly string[]): Problem[];
    renderSpec(): Record<string, unknown>;
}
export interface KedaFallback {
    readonly failureThreshold: number;
    readonly replicas: number;
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
export interface KedaScalingOptions {
    readonly scaleToZero?: boolean;
    readonly cooldownSeconds?: number;
    readonly pollingIntervalSeconds?: number;
    readonly fallback?: KedaFallback;
    readonly scaleDownStabilizationSeconds?: number;
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
export declare class ExternalSecret extends Construct {
    readonly secretName: string;
    readonly keys: readonly string[];
    constructor(scope: Construct, id: string, props: ExternalSecretProps);
    key(key: string): SecretKey;
}
export interface ExternalSecretProps {
    readonly name?: string;
    readonly storeName: string;
    readonly storeKind?: SecretStoreKind;
    readonly data: Readonly<Record<string, RemoteSecretKey>>;
    readonly refreshInterval?: Duration;
}
export interface RemoteSecretKey {
    readonly key: string;
    readonly property?: string;
    readonly version?: string;
}
export declare enum SecretStoreKind {
    NAMESPACED = "SecretStore",
    CLUSTER = "ClusterSecretStore"
}
export interface SchedulingProps {
    readonly tolerations?: readonly Toleration[];
    readonly nodeSelector?: Readonly<Record<string, string>>;
    readonly nodeAffinity?: NodeAffinity;
    readonly priorityClassName?: string;
}
export interface WorkloadOverrides extends SchedulingProps {
    readonly image?: string;
    readonly replicas?: number;
    readonly autoscaling?: Autoscaling;
    readonly resources?: ResourceRequirements;
    readonly env?: Readonly<Record<string, string>>;
}
export interface WorkloadProps extends SchedulingProps {
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
    readonly createServiceAccount?: boolean;
    readonly imagePullSecrets?: readonly string[];
    readonly initContainers?: readonly ExtraContainer[];
    readonly sidecars?: readonly SidecarContainer[];
    readonly volumes?: readonly WorkloadVolume[];
    readonly disruptionBudget?: DisruptionBudget;
    readonly monitoring?: MonitoringProps;
    readonly allowTo?: readonly NetworkPeer[];
    readonly allowFrom?: readonly NetworkPeer[];
}
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
    protected readonly networkEndpoint?: NetworkEndpoint;
    protected readonly props: WorkloadProps;
    protected readonly overrides: WorkloadOverrides;
    protected readonly propsUsable: boolean;
    private scrape?;
    protected constructor(scope: Construct, id: string, props: WorkloadProps, overrides: WorkloadOverrides | undefined, defaults: ClassDefaults);
    protected static overridesFor<T>(scope: Construct, environments: {
        readonly [environment: string]: T;
    } | undefined): T | undefined;
    protected problem(problem: Parameters<typeof reportProblem>[1]): void;
    protected scrapeTarget(byDefault: boolean, httpPort: number | undefined, interval?: Duration): void;
    protected podTemplate(port: number | undefined): Record<string, unknown>;
    protected get readinessGates(): readonly string[] | undefined;
    private get scheduling();
    private checkPodExtras;
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
    protected get readinessGates(): readonly string[] | undefined;
    protected resolveStrategy<S extends Strategy>(override: S | undefined, byEnvironment: () => S): {
        strategy: S;
        field: string;
    };
    protected get rolloutAnnotations(): Record<string, string>;
    private get probePaths();
    protected routeTarget(canaryService?: string): RouteTarget;
    protected emitCanary(strategy: CanaryStrategy, field: string): CanaryNames;
    protected emitRolling(strategy: RollingStrategy): void;
    private checkBasicCanary;
}
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
    readonly notifications?: RolloutNotificationsProps;
    readonly readinessGates?: readonly string[];
    readonly environments?: {
        readonly [environment: string]: ServingWorkloadOverrides;
    };
}
export declare class StatelessService extends ServingWorkload {
    readonly strategy: CanaryStrategy | RollingStrategy;
    readonly canaryServiceName?: string;
    readonly analysisTemplateName?: string;
    constructor(scope: Construct, id: string, props: StatelessServiceProps);
}
export interface StatelessServiceOverrides extends ServingWorkloadOverrides {
    readonly strategy?: CanaryStrategy | RollingStrategy;
}
export interface StatelessServiceProps extends ServingWorkloadProps {
    readonly environments?: {
        readonly [environment: string]: StatelessServiceOverrides;
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
export interface WebFrontendOverrides extends ServingWorkloadOverrides {
    readonly strategy?: BlueGreenStrategy | CanaryStrategy | RollingStrategy;
}
export interface WebFrontendProps extends ServingWorkloadProps {
    readonly blueGreen?: BlueGreenProps;
    readonly environments?: {
        readonly [environment: string]: WebFrontendOverrides;
    };
}
export declare class QueueWorker extends WorkloadBase {
    readonly strategy: RollingStrategy;
    constructor(scope: Construct, id: string, props: QueueWorkerProps);
}
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
export declare class Singleton extends WorkloadBase {
    constructor(scope: Construct, id: string, props: SingletonProps);
}
export interface SingletonOverrides extends Omit<WorkloadOverrides, 'replicas' | 'autoscaling'> {
}
export interface SingletonProps extends Omit<WorkloadProps, 'replicas' | 'autoscaling' | 'disruptionBudget'> {
    readonly port?: number;
    readonly servicePort?: number;
    readonly environments?: {
        readonly [environment: string]: SingletonOverrides;
    };
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
    protected registerNetwork(endpoint: Pick<NetworkEndpoint, 'podLabels' | 'clientPorts' | 'metricsPorts' | 'serviceNames'> & Partial<Pick<NetworkEndpoint, 'credentials' | 'controllers' | 'needsKubernetesApi' | 'needsObjectStore'>>): void;
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
export interface DataServiceProps {
    readonly name?: string;
    readonly deletionProtection?: boolean;
}
export declare class PostgresCluster extends DataService {
    readonly instances: number;
    readonly appSecretName: string;
    readonly readWriteServiceName: string;
    readonly readOnlyServiceName: string;
    readonly backup?: PostgresBackup;
    readonly image: string;
    constructor(scope: Construct, id: string, props: PostgresClusterProps);
    private resolveInstances;
    private checkIdentifiers;
    private renderBackup;
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
export declare enum PrimaryUpdateMethod {
    SWITCHOVER = "switchover",
    RESTART = "restart"
}
export declare enum PrimaryUpdateStrategy {
    UNSUPERVISED = "unsupervised",
    SUPERVISED = "supervised"
}
export declare enum BackupCompression {
    GZIP = "gzip",
    BZIP2 = "bzip2",
    LZ4 = "lz4",
    SNAPPY = "snappy"
}
export declare enum BackupOwnerReference {
    SELF = "self",
    CLUSTER = "cluster",
    NONE = "none"
}
export declare class NoBackup extends PostgresBackup {
    readonly reason: string;
    readonly kind: "none";
    constructor(reason: string);
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
export declare abstract class PostgresBackup {
    static objectStore(props: ObjectStoreBackupProps): PostgresBackup;
    static none(reason: string): PostgresBackup;
    abstract readonly kind: 'object-store' | 'none';
}
export interface ResolvedObjectStoreBackup extends Required<Omit<ObjectStoreBackupProps, 'endpointURL' | 'serverName'>> {
    readonly endpointURL?: string;
    readonly serverName?: string;
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
export interface S3CredentialsProps {
    readonly secretName: string;
    readonly accessKeyIdKey?: string;
    readonly secretAccessKeyKey?: string;
    readonly regionKey?: string;
    readonly sessionTokenKey?: string;
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
export interface HelmDataServiceDefaults {
    readonly component: string;
    readonly repoURL: string;
    readonly chart: string;
    readonly chartVersion: string;
    readonly storageSize: string;
    readonly resources: ResourceRequirements;
    readonly unrestrictedSwitches?: readonly UnrestrictedChartSwitch[];
}
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
export interface UnrestrictedChartSwitch {
    readonly paths: readonly string[];
    readonly renders: string;
    readonly fix: string;
}
export declare class Redis extends HelmDataService {
    constructor(scope: Construct, id: string, props: RedisProps);
}
export interface RedisProps extends HelmDataServiceProps {
    readonly password: SecretKey;
}
export declare class Nats extends HelmDataService {
    constructor(scope: Construct, id: string, props?: NatsProps);
}
export interface NatsProps extends HelmDataServiceProps {
}
export declare class OpenSearch extends HelmDataService {
    constructor(scope: Construct, id: string, props: OpenSearchProps);
}
export interface OpenSearchProps extends HelmDataServiceProps {
    readonly adminPassword: SecretKey;
}
export declare class CustomDataResource extends DataService {
    readonly apiObject: ApiObject;
    constructor(scope: Construct, id: string, props: CustomDataResourceProps);
}
export interface CustomDataResourceProps extends DataServiceProps {
    readonly apiVersion: string;
    readonly kind: string;
    readonly spec: Readonly<Record<string, unknown>>;
}
export declare class Migration extends Construct {
    static isMigration(x: unknown): x is Migration;
    readonly jobName: string;
    readonly namespace: string;
    readonly image: string;
    readonly runner: MigrationRunner;
    readonly sqlConfigMaps: readonly string[];
    readonly migrationsDir: string;
    readonly verify: boolean;
    readonly compatibilityQueries?: string;
    readonly usedBy: readonly WorkloadBase[];
    readonly environment: string;
    readonly platformName: string;
    constructor(scope: Construct, id: string, props: MigrationProps);
    private deliverSql;
}
export interface MigrationProps {
    readonly database: PostgresCluster;
    readonly release: WorkloadBase;
    readonly runner?: MigrationRunner;
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
export declare class MigrationRunner {
    readonly kind: MigrationRunnerKind;
    readonly command: readonly string[] | undefined;
    readonly image: string | undefined;
    static psql(options?: PsqlMigrationRunnerOptions): MigrationRunner;
    static command(command: readonly string[]): MigrationRunner;
    private constructor();
}
export declare enum MigrationRunnerKind {
    PSQL = "psql",
    COMMAND = "command"
}
export interface PsqlMigrationRunnerOptions {
    readonly image?: string;
}
export interface ClassifiedStatement extends StatementClassification {
    readonly file: string;
    readonly location: string;
    readonly index: number;
    readonly sql: string;
    readonly inTransaction: boolean;
}
export interface ExcusedFinding {
    readonly finding: Finding;
    readonly reason: string;
    readonly excuse: string;
}
export interface InputProblem {
    readonly location: string;
    readonly message: string;
}
export interface LintMigrationsOptions extends SquawkSettings {
    readonly base?: string;
    readonly manifests?: string;
    readonly workloads?: readonly string[];
    readonly previous?: ReleaseState;
    readonly current?: Pick<ReleaseState, 'images'>;
}
export interface LintMigrationsResult {
    readonly findings: readonly Finding[];
    readonly excused: readonly ExcusedFinding[];
    readonly statements: readonly ClassifiedStatement[];
    readonly migrations: readonly MigrationSummary[];
}
export declare function lintMigrations(dir: string, options?: LintMigrationsOptions): Promise<LintMigrationsResult>;
export declare class MigrationInputError extends Error {
    readonly problems: readonly InputProblem[];
    constructor(problems: readonly InputProblem[]);
}
export type MigrationMarker = 'expand' | 'contract';
export interface MigrationSummary {
    readonly name: string;
    readonly isNew: boolean;
    readonly marker: MigrationMarker;
    readonly contract: boolean;
}
export interface ReleaseState {
    readonly migrations: readonly string[];
    readonly images: Readonly<Record<string, string>>;
    readonly contents?: Readonly<Record<string, string>>;
}
export interface SquawkSettings {
    readonly pgVersion?: string;
    readonly assumeInTransaction?: boolean;
}
export type StatementClass = 'expand' | 'contract' | 'blocking' | 'neutral';
export interface StatementClassification {
    readonly kind: string;
    readonly class: StatementClass;
    readonly blocking: boolean;
    readonly reason: string;
    readonly target?: string;
    readonly unclassifiable?: string;
}
export declare function formatRelease(state: ReleaseFileState): string;
export declare function parseRelease(text: string): {
    state?: ReleaseFileState;
    problems: ReleaseFileProblem[];
};
export declare const RELEASE_API_VERSION = "delivery.cdk8s.io/v1alpha1";
export declare const RELEASE_KIND = "Release";
export interface ReleaseEntry extends ReleaseRecord {
    readonly history: readonly ReleaseRecord[];
}
export interface ReleaseFileProblem {
    readonly field: string;
    readonly value?: unknown;
    readonly message: string;
    readonly fix: string;
}
export interface ReleaseFileState {
    readonly platform: string;
    readonly environments: readonly string[];
    readonly workloads: Readonly<Record<string, Readonly<Record<string, ReleaseEntry>>>>;
}
export interface ReleaseRecord {
    readonly image: string;
    readonly since: string;
    readonly from?: string;
    readonly commit?: string;
    readonly bypass?: string;
}
export interface PromotionViolation {
    readonly workload: string;
    readonly environment: string;
    readonly image: string;
    readonly message: string;
    readonly fix: string;
}
export declare class Release {
    private readonly fileProblems;
    private readonly options;
    static fromFile(file: string | URL, options?: ReleaseFileOptions): Release;
    private static read;
    readonly file: string;
    readonly state?: ReleaseFileState;
    private readonly checked;
    private violations?;
    private constructor();
    image(scope: IConstruct, workload: string): string;
    runs(scope: IConstruct, workload: string): boolean;
    images(environment: string): Record<string, string>;
    promotionViolations(): readonly PromotionViolation[];
    private displayName;
    private check;
}
export interface ReleaseFileOptions {
    readonly gitHistory?: boolean;
}
export declare class GitOpsTarget {
    static argoCd(props: ArgoCdTargetProps): IGitOpsTarget;
    static flux(props: FluxTargetProps): IGitOpsTarget;
}
export interface GitOpsObject {
    readonly path: string;
    readonly manifest: Record<string, any>;
}
export interface GitOpsRenderContext {
    readonly platform: string;
    readonly environment: string;
    readonly namespace: string;
    readonly units: readonly GitOpsUnit[];
    readonly outputPath: string;
    readonly relocated?: readonly GitOpsObject[];
    readonly scopes?: ResourceScopes;
    readonly environments?: readonly string[];
}
export interface IGitOpsTarget {
    readonly kind: string;
    render(context: GitOpsRenderContext): GitOpsObject[];
    problems(): Finding[];
    adapt?(manifest: Record<string, any>): void;
    relocate?(path: string, manifest: Record<string, any>): string | undefined;
    checkTree?(objects: readonly Manifest[], tree: GitOpsTree, scopes: ResourceScopes): Finding[];
}
export interface GitOpsUnit {
    readonly folder: string;
    readonly stage: DeliveryStage;
    readonly path: string;
    readonly objects: readonly UnitObject[];
}
export interface UnitObject {
    readonly path: string;
    readonly manifest: Record<string, any>;
}
export interface HelmInstallation {
    readonly name: string;
    readonly apiObject: ApiObject;
}
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
    checkTree(objects: readonly Manifest[], tree: GitOpsTree, scopes: ResourceScopes): Finding[];
    argoCdInstanceOf(platform: string, environment: string, environments: readonly string[]): string;
    render(ctx: GitOpsRenderContext): GitOpsObject[];
    private application;
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
export declare class FluxGitRef {
    readonly kind: 'branch' | 'tag' | 'commit';
    readonly value: string;
    static branch(name: string): FluxGitRef;
    static tag(name: string): FluxGitRef;
    static commit(sha: string): FluxGitRef;
    private constructor();
    problems(field: string): Finding[];
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
    adapt(manifest: Record<string, any>): void;
    private metadata;
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
export interface HelmChartProps {
    readonly repoURL: string;
    readonly chart: string;
    readonly version: string;
    readonly releaseName?: string;
    readonly values?: Readonly<Record<string, unknown>>;
    readonly crds?: HelmCrdPolicy;
}
export declare enum HelmCrdPolicy {
    CREATE_REPLACE = "CreateReplace",
    SKIP = "Skip"
}
export declare function runSynth(build: () => App, options?: RunSynthOptions): Promise<void>;
export interface RunSynthOptions {
    readonly outdir?: string;
    readonly validator?: SchemaValidator;
    readonly crds?: string;
    readonly validateAll?: boolean;
}
export interface SynthesizedObject {
    readonly path: string;
    readonly constructPath: string;
    readonly manifest: Record<string, any>;
    readonly stage?: DeliveryStage;
    readonly relocated?: boolean;
}
export declare function synthesize(app: App, options?: SynthesizeOptions): SynthesizedObject[];
export interface SynthesizeOptions {
    readonly validator?: SchemaValidator;
    readonly scopes?: ResourceScopes;
}
export interface Finding {
    readonly location: string;
    readonly field: string;
    readonly value?: unknown;
    readonly rule: string;
    readonly message: string;
    readonly fix: string;
}
export declare function formatFinding(finding: Finding): string;
export interface Manifest {
    readonly object: any;
    readonly location: string;
    readonly file?: string;
}
export declare const GITOPS_INSTANCE_ANNOTATION = "delivery.cdk8s.io/gitops-instance";
export interface GitOpsTree {
    clustersOf(manifest: Manifest): readonly string[];
    namespaceOf(manifest: Manifest): string | undefined;
    appliersOf(manifest: Manifest): readonly Manifest[];
    destinationsOf(manifest: Manifest): readonly string[];
}
export declare function readGitOpsTree(manifests: readonly Manifest[]): GitOpsTree;
export declare class ResourceScopes {
    private static pinnedScopes;
    static pinned(): ResourceScopes;
    private readonly scopes;
    private readonly custom;
    constructor(table: ScopeTable);
    with(crds: readonly {
        readonly group: string;
        readonly kind: string;
        readonly namespaced: boolean;
    }[]): ResourceScopes;
    isCustomResource(apiVersion: unknown, kind: unknown): boolean;
    isNamespaced(apiVersion: unknown, kind: unknown): boolean | undefined;
}
export interface ScopeTable {
    readonly namespaced: readonly string[];
    readonly cluster: readonly string[];
    readonly custom?: readonly string[];
}
export interface ManifestSource {
    readonly file: string;
    readonly document: number;
    readonly item?: number;
    readonly object: string;
}
export type PodSecurityLevel = 'baseline' | 'restricted';
export declare class SchemaValidator {
    private readonly core;
    private readonly crds;
    private readonly ajv;
    private readonly walker;
    private readonly crdsDir;
    readonly scopes: ResourceScopes;
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
export interface SchemaValidatorOptions {
    readonly crdsDir?: string;
}
export declare function validateDirectory(dir: string, validator?: SchemaValidator): Promise<Finding[]>;
export interface LoadedManifests {
    readonly manifests: readonly Manifest[];
    readonly sources: ReadonlyMap<string, ManifestSource>;
    readonly files: readonly string[];
    readonly unreadable?: readonly {
        readonly location: string;
        readonly message: string;
    }[];
}
export declare function loadManifests(target: string): Promise<LoadedManifests>;
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
export interface ValidateManifestsOptions {
    readonly schema?: SchemaValidator;
    readonly podSecurityLevel?: PodSecurityLevel;
    readonly policy?: ValidationPolicy;
    readonly projects?: boolean;
    readonly requireExplicitWave?: boolean;
    readonly objectSet?: boolean;
}
export type ValidationPolicy = 'restricted' | 'baseline' | 'none';
export interface ValidationResult {
    readonly errors: readonly Finding[];
    readonly warnings: readonly Finding[];
}
export declare function validateManifests(manifests: readonly Manifest[], options?: ValidateManifestsOptions): ValidationResult;
export declare const VALIDATION_POLICIES: readonly ValidationPolicy[];
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
    readonly lineDiff?: readonly string[];
    readonly risks: readonly Risk[];
}
export type ChangeAspect = 'added' | 'removed' | 'renamed' | 'image' | 'replicas' | 'strategy' | 'canary-steps' | 'analysis' | 'disruption-budget' | 'autoscaling' | 'wave' | 'migration' | 'promotion' | 'other';
export declare const COMMENT_BUDGET = 60000;
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
export interface DiffReport {
    readonly base: string;
    readonly dir: string;
    readonly changes: readonly Change[];
}
export declare function formatMarkdown(report: DiffReport, options?: MarkdownOptions): string;
export declare function formatText(report: DiffReport): string[];
export interface MarkdownOptions {
    readonly maxChars?: number;
}
export interface Risk {
    readonly flag: RiskFlag;
    readonly reason: string;
}
export type RiskFlag = keyof typeof RISK_FLAGS;
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
    readonly 'release-bypass': "an image reaches an environment without having run in the previous one: the release file records a bypass of the promotion rule (`--force --reason`)";
};
export declare function semanticDiff(options?: SemanticDiffOptions): Promise<DiffReport>;
export interface SemanticDiffOptions {
    readonly dir?: string;
    readonly base?: string;
    readonly migrations?: readonly string[];
    readonly cwd?: string;
}
export interface ReviewObject {
    readonly path: string;
    readonly manifest: Record<string, any>;
    readonly stage?: DeliveryStage;
}
export declare const ROLLOUT_PLAN_FILE = "ROLLOUT-PLAN.md";
export declare function rolloutPlans(objects: readonly ReviewObject[]): RolloutPlanFile[];
export interface RolloutPlanFile {
    readonly path: string;
    readonly text: string;
}

// ---- plugin/validation-plugin.d.ts
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
