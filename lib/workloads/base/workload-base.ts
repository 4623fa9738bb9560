import { envVarProblems } from '../../core/env-vars.js';
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Autoscaling } from '../../autoscaling/autoscaling.js';
import { emitHorizontalPodAutoscaler } from '../../autoscaling/horizontal-pod-autoscaler.js';
import { emitKedaAutoscaler } from '../../autoscaling/keda/scaled-object.js';
import { Environment } from '../../core/environment.js';
import { emitConfigMap } from '../../config/config-map.js';
import { looksLikeSecretName } from '../../config/secret-reference.js';
import { checkImage } from '../../core/image.js';
import { commonLabels, selectorLabels } from '../../core/labels.js';
import { reportProblem } from '../../core/problems.js';
import { checkProps } from '../../core/props/check-props.js';
import { checkResources, resolveResources, ResolvedResources } from '../../core/resources.js';
import { ApiObject } from 'cdk8s';
import { DisruptionBudget } from '../../disruption/disruption-budget.js';
import { SyncWave, syncWaveAnnotations } from '../../core/sync-wave.js';
import { emitPodDisruptionBudget } from '../../disruption/pod-disruption-budget.js';
import { emitPodMonitor, monitoringProblems, resolveScrape, ResolvedScrape } from '../../observability/monitoring.js';
import { setOutputFolder } from '../../platform/output-folder.js';
import { EnvironmentChart } from '../../platform/platform.js';
import { NetworkEndpoint } from '../../network/environment-network.js';
import { renderPodTemplate } from '../../pod/pod-template.js';
import { PreStop } from '../../pod/pre-stop.js';
import { checkPodSecurity } from '../../pod/security.js';
import { checkExtraContainers, sidecarShutdownSeconds } from '../../pod/containers.js';
import { checkScheduling, PodScheduling } from '../../pod/scheduling.js';
import { emitVolumeClaim } from '../../pod/volumes.js';
import { ClassDefaults, WorkloadOverrides, WorkloadProps } from './workload-props.js';

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Resolves what every workload class shares, once: names and labels, the environment's image policy,
 * replica and resource scaling, probes, graceful shutdown, the secure pod template, the PDB and the HPA.
 * Concrete classes add their delivery strategy and the objects only they emit.
 *
 * A workload writes all its objects to `dist/<platform>/<environment>/<name>/`.
 */
export abstract class WorkloadBase extends Construct {
  /** Workload name (also the folder name and the name of its main objects). */
  public readonly name: string;
  /** The namespace it runs in. */
  public readonly namespace: string;
  /** The environment it is synthesized for. */
  public readonly environment: Environment;
  /** The platform name. */
  public readonly platformName: string;
  /** Labels on every object. */
  public readonly labels: Record<string, string>;
  /** The pod selector (a subset of the pod labels). */
  public readonly selector: Record<string, string>;
  /** The image used in this environment. */
  public readonly image: string;
  /** Resolved requests and limits. */
  public readonly resources: ResolvedResources;
  /** Resolved autoscaling, with the environment's replica scale applied. */
  public readonly autoscaling: Autoscaling;
  /** Seconds from SIGTERM to SIGKILL. */
  public readonly terminationGracePeriodSeconds: number;
  /** The preStop action. */
  public readonly preStop: PreStop;
  /** Names of the content-hashed ConfigMaps this workload reads, by source name. */
  public readonly configMapNames: Readonly<Record<string, string>>;
  /** Its pods as the environment's network policies see them (issue 23). */
  protected readonly networkEndpoint?: NetworkEndpoint;

  protected readonly props: WorkloadProps;
  protected readonly overrides: WorkloadOverrides;
  /**
   * False when a required prop is missing or a prop has the wrong type (reported by the props check): the workload
   * then emits nothing, since nothing right could be built from such props, and subclasses build nothing either.
   */
  protected readonly propsUsable: boolean;
  /** Whether and how Prometheus scrapes the pods, once decided (see {@link scrapeTarget}). */
  private scrape?: { readonly target: ResolvedScrape | undefined };

  protected constructor(scope: Construct, id: string, props: WorkloadProps, overrides: WorkloadOverrides | undefined, private readonly defaults: ClassDefaults) {
    super(scope, id);
    const chart = EnvironmentChart.of(this);
    // Unknown keys, missing required props and wrong types (JavaScript, or tsx which does not type-check), with the
    // concrete class's schema (this.constructor), before anything reads the props.
    this.propsUsable = checkProps(this, props);
    this.props = props;
    this.overrides = overrides ?? {};
    this.name = props.name ?? id;
    this.namespace = chart.targetNamespace;
    this.environment = chart.environment;
    this.platformName = chart.platform.name;
    this.labels = commonLabels(this.platformName, this.name, defaults.component);
    this.selector = selectorLabels(this.platformName, this.name);
    setOutputFolder(this, this.name);
    if (!this.propsUsable) {
      this.image = '';
      this.resources = resolveResources(undefined, this.environment.resourceScale);
      this.autoscaling = Autoscaling.fixed(defaults.replicas);
      this.preStop = defaults.preStop;
      this.terminationGracePeriodSeconds = defaults.terminationGracePeriodSeconds;
      this.configMapNames = {};
      return;
    }

    if (!DNS_LABEL.test(this.name) || this.name.length > 52) {
      // 52 leaves room for the "-canary" / "-preview" suffixes and the ReplicaSet hash within 63.
      this.problem({ field: 'name', value: this.name, message: 'is not a lower-case DNS label of at most 52 characters', fix: 'use lower-case letters, digits and dashes, starting with a letter' });
    }

    this.image = this.overrides.image ?? props.image;
    const imageProblem = checkImage(this.image, this.environment.imagePolicy, this.environment.name);
    if (imageProblem) this.problem({ field: this.overrides.image ? `environments.${this.environment.name}.image` : 'image', value: this.image, rule: 'props/image', ...imageProblem });

    const resources = this.overrides.resources ?? props.resources;
    for (const p of checkResources(resources)) this.problem(p);
    this.resources = resolveResources(resources, this.environment.resourceScale);
    for (const p of checkPodSecurity(props.security)) this.problem(p);

    if (defaults.requiresReadinessProbe && !props.readinessProbe) {
      this.problem({
        field: 'readinessProbe',
        value: undefined,
        rule: 'props/readiness-probe-required',
        message: 'is required: without it a pod receives traffic, and a rollout proceeds, before the app can serve',
        fix: "add `readinessProbe: Probe.httpGet('/readyz')` (or Probe.tcpSocket() / Probe.grpc())",
      });
    }
    for (const [key, probe] of [['readinessProbe', props.readinessProbe], ['livenessProbe', props.livenessProbe], ['startupProbe', props.startupProbe]] as const) {
      for (const p of probe?.problems(key) ?? []) this.problem(p);
    }

    this.preStop = props.preStop ?? defaults.preStop;
    this.terminationGracePeriodSeconds = props.terminationGracePeriodSeconds ?? defaults.terminationGracePeriodSeconds;
    if (!(Number.isInteger(this.preStop.seconds) && this.preStop.seconds >= 0)) {
      this.problem({ field: 'preStop', value: this.preStop.seconds, message: 'must wait a whole number of seconds of at least 0', fix: 'use PreStop.sleep(5)' });
    }
    // Native sidecars stop after the app, inside the same grace period: their preStop counts too (issue 23).
    const sidecarSeconds = sidecarShutdownSeconds(props.sidecars ?? []);
    const shutdown = this.preStop.seconds + sidecarSeconds;
    if (!(Number.isInteger(this.terminationGracePeriodSeconds) && this.terminationGracePeriodSeconds > shutdown)) {
      this.problem({
        field: 'terminationGracePeriodSeconds',
        value: this.terminationGracePeriodSeconds,
        message: sidecarSeconds === 0
          ? `must be a whole number greater than the preStop time (${this.preStop.seconds}s): the grace period includes preStop, so the app would be killed before it could drain`
          : `must be a whole number greater than the preStop time (${this.preStop.seconds}s) plus the sidecars' preStop (${sidecarSeconds}s): the sidecars stop after the app, in the same grace period, and would be killed before the app drained through them`,
        fix: `set terminationGracePeriodSeconds to at least ${shutdown + 10}`,
      });
    }
    this.checkPodExtras(props);

    this.configMapNames = this.resolveConfig();
    // Network policy (issue 23): the pods, what they read and whom they name; serving classes add their port.
    this.networkEndpoint = chart.network.register({
      construct: this,
      name: this.name,
      podLabels: this.selector,
      metricsPorts: ['http', 'metrics'],
      readsSecrets: Object.values(props.secretEnv ?? {}).map((k) => k.secretName),
      envValues: Object.values(this.env),
      allowTo: [...(props.allowTo ?? [])],
      allowFrom: [...(props.allowFrom ?? [])],
    });
    this.autoscaling = this.resolveAutoscaling();
    const budget = props.disruptionBudget ?? DisruptionBudget.maxUnavailable(1);
    for (const p of budget.problems('disruptionBudget')) this.problem(p);
    for (const p of monitoringProblems(props.monitoring)) this.problem(p);
  }

  /** The overrides of the environment `scope` is in, from a per-environment overrides map. */
  protected static overridesFor<T>(scope: Construct, environments: { readonly [environment: string]: T } | undefined): T | undefined {
    return environments?.[EnvironmentChart.of(scope).environment.name];
  }

  /** Records a problem with this workload's props; synth reports it with this construct's path. */
  protected problem(problem: Parameters<typeof reportProblem>[1]): void {
    reportProblem(this, problem);
  }

  /**
   * Decides, once, whether Prometheus scrapes the pods (`monitoring.scrape`, else `byDefault`), and emits the
   * PodMonitor when it does; the pod template then declares the metrics port. A class with a reason to scrape by
   * default (a service with an SLO) decides before rendering its pods; for the others the first pod template decides,
   * with scraping off unless asked for. `interval` is the scrape interval (the SLO's, which its analysis counts at).
   */
  protected scrapeTarget(byDefault: boolean, httpPort: number | undefined, interval: Duration = Duration.seconds(30)): void {
    if (this.scrape) return;
    const monitoring = this.props.monitoring;
    const target = monitoringProblems(monitoring).length > 0 ? undefined : resolveScrape(monitoring, byDefault, httpPort, interval);
    this.scrape = { target };
    if (target) emitPodMonitor(this, { name: this.name, namespace: this.namespace, labels: { ...this.labels, ...monitoring?.selectorLabels }, podSelector: this.selector, scrape: target });
  }

  /** The rendered pod template (secure by default). */
  protected podTemplate(port: number | undefined): Record<string, unknown> {
    this.scrapeTarget(false, port);
    const scrape = this.scrape?.target;
    return renderPodTemplate({
      labels: this.labels,
      containerName: this.name,
      image: this.image,
      port,
      metricsPort: scrape?.declarePort ? scrape.containerPort : undefined,
      command: this.props.command,
      args: this.props.args,
      env: this.env,
      secretEnv: Object.fromEntries(Object.entries(this.props.secretEnv ?? {}).map(([k, v]) => [k, v.renderValueFrom()])),
      envFromConfigMaps: (this.props.config ?? []).filter((c) => c.mountPath === undefined).map((c) => this.configMapNames[c.name]),
      configMounts: (this.props.config ?? []).filter((c) => c.mountPath !== undefined).map((c) => ({ volume: `config-${c.name}`, configMap: this.configMapNames[c.name], mountPath: c.mountPath! })),
      readinessProbe: this.props.readinessProbe,
      livenessProbe: this.props.livenessProbe,
      startupProbe: this.props.startupProbe,
      resources: this.resources,
      preStop: this.preStop,
      terminationGracePeriodSeconds: this.terminationGracePeriodSeconds,
      serviceAccountName: this.props.createServiceAccount ? this.name : this.props.serviceAccountName,
      security: this.props.security,
      spreadSelector: this.selector,
      scheduling: this.scheduling,
      imagePullSecrets: this.props.imagePullSecrets,
      initContainers: this.props.initContainers,
      sidecars: this.props.sidecars,
      resourceScale: this.environment.resourceScale,
      volumes: (this.props.volumes ?? []).map((volume) => ({ volume, claimName: `${this.name}-${volume.name}` })),
      readinessGates: this.readinessGates,
    });
  }

  /** Readiness gates of the pods (serving classes have the prop). */
  protected get readinessGates(): readonly string[] | undefined {
    return undefined;
  }

  /** The scheduling props of this environment: each field from the environment's override, else the workload's. */
  private get scheduling(): PodScheduling {
    const pick = <K extends keyof PodScheduling>(k: K) => this.overrides[k] ?? this.props[k];
    return { tolerations: pick('tolerations'), nodeSelector: pick('nodeSelector'), nodeAffinity: pick('nodeAffinity'), priorityClassName: pick('priorityClassName') };
  }

  /** Scheduling, identity, extra containers and volumes (issue 23): checks, and the ServiceAccount and claims they emit. */
  private checkPodExtras(props: WorkloadProps): void {
    const env = this.environment.name;
    for (const p of checkScheduling(this.scheduling, (k) => (this.overrides[k] !== undefined ? `environments.${env}.${k}` : k))) this.problem(p);
    const volumes = props.volumes ?? [];
    volumes.forEach((v, i) => {
      for (const p of v.problems(`volumes[${i}]`)) this.problem(p);
      if (volumes.findIndex((w) => w.name === v.name) !== i) this.problem({ field: `volumes[${i}].name`, value: v.name, message: 'is used by another volume of the workload', fix: 'give every volume a distinct name' });
    });
    for (const p of checkExtraContainers(props.initContainers ?? [], props.sidecars ?? [], this.name, volumes.map((v) => v.name))) this.problem(p);
    [...(props.initContainers ?? []).map((c, i) => [`initContainers[${i}].image`, c.image] as const), ...(props.sidecars ?? []).map((c, i) => [`sidecars[${i}].image`, c.image] as const)].forEach(([field, image]) => {
      const imageProblem = checkImage(image, this.environment.imagePolicy, env);
      if (imageProblem) this.problem({ field, value: image, rule: 'props/image', ...imageProblem });
    });
    (props.imagePullSecrets ?? []).forEach((name, i) => {
      if (!/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(name)) this.problem({ field: `imagePullSecrets[${i}]`, value: name, message: 'is not a Secret name', fix: 'use the name of a kubernetes.io/dockerconfigjson Secret of the namespace' });
    });
    if (props.createServiceAccount && props.serviceAccountName !== undefined) {
      this.problem({ field: 'createServiceAccount', value: true, message: `is set together with serviceAccountName "${props.serviceAccountName}": the pods can run as one ServiceAccount only`, fix: 'remove one of the two' });
    }
    if (props.createServiceAccount) {
      new ApiObject(this, 'service-account', {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: this.name, namespace: this.namespace, labels: this.labels, annotations: syncWaveAnnotations(SyncWave.CONFIG) },
        automountServiceAccountToken: props.security?.automountServiceAccountToken ?? false,
      });
    }
    for (const v of volumes.filter((x) => x.source.kind === 'persistent')) {
      if (!this.defaults.allowsPersistentVolumes) {
        this.problem({ field: `volumes[${volumes.indexOf(v)}]`, value: v.name, message: 'is a ReadWriteOnce claim, which several replicas (and a rollout\'s old and new pods) cannot share', fix: 'use a Singleton for a workload with a disk of its own, a data service, or WorkloadVolume.emptyDir' });
        continue;
      }
      emitVolumeClaim(this, { name: `${this.name}-${v.name}`, namespace: this.namespace, labels: this.labels, volume: v });
    }
  }

  /** The replica count for `spec.replicas`, or undefined when an autoscaler owns it. */
  protected get specReplicas(): number | undefined {
    return this.autoscaling.isAutoscaled ? undefined : this.autoscaling.props.minReplicas;
  }

  /** Emits the PodDisruptionBudget. */
  protected emitDisruptionBudget(): void {
    emitPodDisruptionBudget(this, {
      name: this.name,
      namespace: this.namespace,
      labels: this.labels,
      selector: this.selector,
      budget: this.props.disruptionBudget ?? DisruptionBudget.maxUnavailable(1),
    });
  }

  /** Emits the autoscaler (an HPA, or a KEDA ScaledObject and its TriggerAuthentications), targeting the given workload kind. */
  protected emitAutoscaler(target: { apiVersion: string; kind: string }): void {
    if (this.autoscaling.keda) {
      const { minReplicas, maxReplicas } = this.autoscaling.props;
      emitKedaAutoscaler(this, { name: this.name, namespace: this.namespace, labels: this.labels, target: { ...target, name: this.name }, minReplicas, maxReplicas, scaling: this.autoscaling.keda });
      return;
    }
    if (this.autoscaling.kind !== 'hpa') return;
    const p = this.autoscaling.props;
    emitHorizontalPodAutoscaler(this, {
      name: this.name,
      namespace: this.namespace,
      labels: this.labels,
      target: { ...target, name: this.name },
      minReplicas: p.minReplicas,
      maxReplicas: p.maxReplicas,
      cpuUtilizationPercent: p.cpuUtilizationPercent ?? 70,
      scaleDownStabilizationSeconds: p.scaleDownStabilizationSeconds ?? 300,
    });
  }

  /** Plain environment variables, per-environment ones merged over the shared ones. */
  private get env(): Record<string, string> {
    return { ...(this.props.env ?? {}), ...(this.overrides.env ?? {}) };
  }

  private resolveConfig(): Record<string, string> {
    for (const p of envVarProblems(this.props.env, 'env')) this.problem(p);
    for (const p of envVarProblems(this.overrides.env, `environments.${this.environment.name}.env`)) this.problem(p);
    for (const p of envVarProblems(this.props.secretEnv, 'secretEnv', { values: false })) this.problem(p);
    for (const [name, value] of Object.entries(this.env)) {
      if (looksLikeSecretName(name) && value !== '') {
        this.problem({
          field: `env.${name}`,
          value: '<redacted>',
          rule: 'security/secret-in-env',
          message: 'looks like a credential given as a literal value, which would be committed to dist/ in plain text',
          fix: `read it from an existing Secret: \`secretEnv: { ${name}: SecretKey.of('<secret>', '<key>') }\``,
        });
      }
    }
    for (const [name, key] of Object.entries(this.props.secretEnv ?? {})) {
      for (const p of key.problems(`secretEnv.${name}`)) this.problem(p);
      if (name in this.env) this.problem({ field: `secretEnv.${name}`, value: name, message: 'is also set in env', fix: 'set the variable in one place only' });
    }
    const names: Record<string, string> = {};
    (this.props.config ?? []).forEach((source, i) => {
      for (const p of source.problems(`config[${i}]`)) this.problem(p);
      if (source.name in names) {
        this.problem({ field: `config[${i}].name`, value: source.name, message: 'is used by two config sources of this workload', fix: 'give every config source a distinct name' });
        return;
      }
      names[source.name] = emitConfigMap(this, { workload: this.name, namespace: this.namespace, labels: this.labels, source });
    });
    return names;
  }

  private resolveAutoscaling(): Autoscaling {
    const env = this.environment.name;
    const autoscaling = this.overrides.autoscaling ?? this.props.autoscaling;
    const autoscalingField = this.overrides.autoscaling ? `environments.${env}.autoscaling` : 'autoscaling';
    const replicas = this.overrides.replicas ?? this.props.replicas;
    const replicasField = this.overrides.replicas !== undefined ? `environments.${env}.replicas` : 'replicas';
    if (autoscaling?.isAutoscaled && replicas !== undefined) {
      this.problem({ field: replicasField, value: replicas, message: 'is set together with autoscaling; the autoscaler owns the replica count, so spec.replicas is left out', fix: 'remove `replicas`, or drop `autoscaling` for a fixed count' });
    }
    const chosen = autoscaling ?? Autoscaling.fixed(replicas ?? this.defaults.replicas);
    const problems = chosen.problems(autoscalingField);
    // A fixed count comes from `replicas`, so report it under that name.
    for (const p of problems) this.problem(autoscaling ? p : { ...p, field: replicasField });
    if (problems.length > 0) return chosen;
    // A per-environment `replicas` or `autoscaling` says what this environment runs: a final value. The
    // environment's replica scale applies to the workload-wide values only.
    const own = autoscaling ? this.overrides.autoscaling !== undefined : this.overrides.replicas !== undefined;
    if (own) return chosen;
    const scale = (n: number) => this.environment.scaleReplicas(n);
    return chosen.withBounds(scale(chosen.props.minReplicas), scale(chosen.props.maxReplicas));
  }
}
