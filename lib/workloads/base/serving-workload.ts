import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { analysisStepArgs, evidenceProblems, SloAnalysisTemplate, verdictWindowSeconds } from '../../analysis/slo-analysis-template.js';
import { resolveSlo, ServiceLevelObjectives } from '../../analysis/service-level-objectives.js';
import { notificationAnnotations, notificationProblems, RolloutNotificationsProps } from '../../observability/rollout-notifications.js';
import { watchSlo } from '../../observability/slo-watch.js';
import { checkCanarySteps } from '../../delivery/canary-step.js';
import { emitDeployment } from '../../delivery/deployment.js';
import { emitCanaryRollout } from '../../delivery/rollout.js';
import { CanaryProps, CanaryStrategy, checkSurge, RollingProps, RollingStrategy, Strategy } from '../../delivery/strategy.js';
import { emitService } from '../../traffic/service.js';
import { RouteTarget, TrafficRouter } from '../../traffic/traffic-router.js';
import { WorkloadBase } from './workload-base.js';
import { PreStop } from '../../pod/pre-stop.js';
import { ClassDefaults, WorkloadOverrides, WorkloadProps } from './workload-props.js';

/** What may differ per environment for every traffic-serving workload class. */
export interface ServingWorkloadOverrides extends WorkloadOverrides {
  /** The strategy in this environment. @default from the environment */
  readonly strategy?: Strategy;
}

/** Props shared by the traffic-serving workload classes ({@link StatelessService}, {@link WebFrontend}). */
export interface ServingWorkloadProps extends WorkloadProps {
  /** Container port, named `http`. @default 8080 */
  readonly port?: number;
  /** Port of the Services. @default 80 */
  readonly servicePort?: number;
  /**
   * How canary traffic is split. Without a router the canary is "basic": weights are approximated by pod
   * counts, so the replica count must be able to express the smallest weight.
   * @default none
   */
  readonly trafficRouter?: TrafficRouter;
  /** The canary, where the environment canaries. @default 10% → analysis → 30% → analysis → 100%, maxSurge 25%, maxUnavailable 0 */
  readonly canary?: CanaryProps;
  /** The rolling update, where the environment rolls. @default maxSurge 25%, maxUnavailable 0 */
  readonly rolling?: RollingProps;
  /**
   * Service level objectives the canary analysis checks, and that the service's PrometheusRule watches after it
   * (recording rules, burn-rate alerts: see `monitoring`). @default success rate 99.5 %, p99 latency 500 ms where a
   * canary is analysed; elsewhere none
   */
  readonly slo?: ServiceLevelObjectives;
  /**
   * Argo Rollouts notifications of the workload's Rollout (where it has one): subscriptions to the controller's
   * notification service, by default on abort and on pause. @default none
   */
  readonly notifications?: RolloutNotificationsProps;
  /**
   * Pod readiness gates: condition types a controller sets on the pod, all True before it counts as Ready (and a
   * rollout moves on), e.g. `target-health.elbv2.k8s.aws/<target-group-binding>` (AWS Load Balancer Controller) or
   * `cloud.google.com/load-balancer-neg-ready` (GKE NEG): no traffic until the load balancer sees the pod healthy.
   * @default none
   */
  readonly readinessGates?: readonly string[];
  /** Per-environment overrides, keyed by environment name. @default none */
  readonly environments?: { readonly [environment: string]: ServingWorkloadOverrides };
}

/** Names of what a canary emitted. */
export interface CanaryNames {
  readonly canaryServiceName: string;
  readonly analysisTemplateName: string;
}

/**
 * What every traffic-serving workload shares, between {@link WorkloadBase} and the concrete classes: the
 * container and Service ports, the stable (or active) Service, the traffic router's route, the
 * PodDisruptionBudget, strategy resolution per environment, and the two deliveries they have in common:
 * the Argo Rollouts canary with SLO analysis and the plain rolling Deployment.
 */
export abstract class ServingWorkload extends WorkloadBase {
  /** Name of the stable Service (the active Service of a blue-green): the one users reach. */
  public readonly serviceName: string;
  /** Container port. */
  public readonly port: number;
  /** Port of the Services. */
  public readonly servicePort: number;

  /** The props, with their serving-specific fields. */
  protected readonly servingProps: ServingWorkloadProps;

  /**
   * @param component the `app.kubernetes.io/component` label of the class. Every serving class shares the
   * other defaults: 3 replicas, a readiness probe required, and a 5 s preStop sleep (endpoint removal
   * propagates asynchronously; 5 s covers kube-proxy and most load balancers) inside a 30 s grace period.
   */
  protected constructor(scope: Construct, id: string, props: ServingWorkloadProps, component: string) {
    const defaults: ClassDefaults = { component, replicas: 3, preStop: PreStop.sleep(5), terminationGracePeriodSeconds: 30, requiresReadinessProbe: true };
    super(scope, id, props, WorkloadBase.overridesFor(scope, props.environments), defaults);
    this.servingProps = props;
    this.port = props.port ?? 8080;
    this.servicePort = props.servicePort ?? 80;
    this.serviceName = this.name;
    if (!this.propsUsable) return;
    for (const [field, value] of [['port', this.port], ['servicePort', this.servicePort]] as const) {
      if (!(Number.isInteger(value) && value >= 1 && value <= 65535)) this.problem({ field, value, message: 'must be a port number from 1 to 65535', fix: `set ${field} to e.g. 8080` });
    }
    for (const p of props.trafficRouter?.problems('trafficRouter') ?? []) this.problem(p);
    for (const p of notificationProblems(props.notifications)) this.problem(p);
    (props.readinessGates ?? []).forEach((gate, i) => {
      if (!/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(gate) || gate.length > 316) {
        this.problem({ field: `readinessGates[${i}]`, value: gate, message: 'is not a pod condition type (a qualified name)', fix: 'use the condition your load balancer controller sets, e.g. "cloud.google.com/load-balancer-neg-ready"' });
      }
    });
    // Network policy (issue 23): clients and the router's proxies reach the container port.
    if (this.networkEndpoint) {
      this.networkEndpoint.clientPorts.push(this.port);
      this.networkEndpoint.ingressNamespaces.push(...(props.trafficRouter?.proxyNamespaces(this.namespace) ?? []));
    }
    emitService(this, 'service', { name: this.serviceName, namespace: this.namespace, labels: this.labels, selector: this.selector, port: this.servicePort });
    this.emitDisruptionBudget();
  }

  /** Readiness gates of the pods (issue 23), checked as condition types. */
  protected override get readinessGates(): readonly string[] | undefined {
    return this.servingProps?.readinessGates;
  }

  /**
   * The strategy of this environment: the environment's override, or the class default the environment
   * asks for. Returns it with the prop path its problems are reported under, and checks surge values.
   */
  protected resolveStrategy<S extends Strategy>(override: S | undefined, byEnvironment: () => S): { strategy: S; field: string } {
    const strategy = override ?? byEnvironment();
    const field = override ? `environments.${this.environment.name}.strategy` : strategy.kind;
    if (strategy instanceof CanaryStrategy || strategy instanceof RollingStrategy) {
      for (const p of checkSurge(strategy.surge, field)) this.problem(p);
    }
    // With the strategy known and before any pod is rendered: the scrape target and the SLO rules (issue 22).
    const watch = watchSlo(this, { strategy, slo: this.servingProps.slo, probePaths: this.probePaths, monitoring: this.props.monitoring });
    for (const p of watch.problems) this.problem(p);
    this.scrapeTarget(watch.scrapeByDefault, this.port, watch.scrapeInterval);
    return { strategy, field };
  }

  /** The Rollout's annotations beyond its wave: the notification subscriptions. */
  protected get rolloutAnnotations(): Record<string, string> {
    return notificationAnnotations(this.servingProps.notifications);
  }

  /** The HTTP paths of the probes, left out of the SLIs. */
  private get probePaths(): string[] {
    return [this.servingProps.readinessProbe, this.servingProps.livenessProbe, this.servingProps.startupProbe].map((p) => p?.httpPath).filter((p): p is string => p !== undefined);
  }

  /** What the router needs to route to this workload. */
  protected routeTarget(canaryService?: string): RouteTarget {
    return { name: this.name, namespace: this.namespace, labels: this.labels, stableService: this.serviceName, canaryService, servicePort: this.servicePort };
  }

  /**
   * The Argo Rollouts canary: canary Service, route with both backends, SLO AnalysisTemplate, Rollout and
   * HPA. Checks the steps, the basic-canary replica count and the SLO.
   */
  protected emitCanary(strategy: CanaryStrategy, field: string): CanaryNames {
    const router = this.servingProps.trafficRouter;
    const canaryServiceName = `${this.name}-canary`;
    emitService(this, 'canary-service', { name: canaryServiceName, namespace: this.namespace, labels: this.labels, selector: this.selector, port: this.servicePort });
    const target = this.routeTarget(canaryServiceName);
    router?.emit(this, target);

    for (const p of checkCanarySteps(strategy.steps, `${field}.steps`)) this.problem(p);
    this.checkBasicCanary(strategy, router, field);
    const probePaths = [this.servingProps.readinessProbe, this.servingProps.livenessProbe, this.servingProps.startupProbe].map((p) => p?.httpPath).filter((p): p is string => p !== undefined);
    const { resolved, problems } = resolveSlo(this.servingProps.slo, 'slo', probePaths);
    for (const p of problems) this.problem(p);
    if (problems.length === 0) for (const p of evidenceProblems(strategy.steps, resolved, `${field}.steps`)) this.problem(p);
    const analysisTemplateName = `${this.name}-slo`;
    new SloAnalysisTemplate(this, 'analysis', { name: analysisTemplateName, namespace: this.namespace, labels: this.labels, slo: resolved, verdictWindow: Duration.seconds(verdictWindowSeconds(strategy.steps, resolved)) });

    const autoscaled = this.autoscaling.isAutoscaled;
    if (strategy.abortScaleDownDelaySeconds !== undefined && autoscaled && router) {
      this.problem({
        field: `${field}.abortScaleDownDelaySeconds`,
        value: strategy.abortScaleDownDelaySeconds,
        rule: 'rollout/dynamic-stable-scale-abort-delay',
        message: 'cannot be combined with autoscaling: autoscaled canaries use dynamicStableScale, and with an explicit abortScaleDownDelaySeconds an abort deadlocks in Argo Rollouts v1.9.1 (argoproj/argo-rollouts#4898)',
        fix: 'remove abortScaleDownDelaySeconds',
      });
    }
    emitCanaryRollout(this, {
      name: this.name,
      namespace: this.namespace,
      labels: this.labels,
      selector: this.selector,
      replicas: this.specReplicas,
      podTemplate: this.podTemplate(this.port),
      annotations: this.rolloutAnnotations,
      strategy,
      stableService: this.serviceName,
      canaryService: canaryServiceName,
      trafficRouting: router?.rolloutTrafficRouting(target),
      // The steps before the last analysis step advance a canary that is not significantly bad; the last one promotes only on its verdict.
      analysis: { templates: [{ templateName: analysisTemplateName }], args: analysisStepArgs(this.namespace, this.name, resolved.z) },
      lastAnalysis: { templates: [{ templateName: analysisTemplateName }], args: analysisStepArgs(this.namespace, this.name) },
      // One HPA averages over stable and canary pods (argo-rollouts#2857, #3849); scaling the stable
      // down as the canary takes traffic keeps the total, and the HPA's view, honest.
      dynamicStableScale: autoscaled && router !== undefined,
    });
    this.emitAutoscaler({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' });
    return { canaryServiceName, analysisTemplateName };
  }

  /** The rolling Deployment, its route (one backend) and HPA. */
  protected emitRolling(strategy: RollingStrategy): void {
    this.servingProps.trafficRouter?.emit(this, this.routeTarget());
    emitDeployment(this, { name: this.name, namespace: this.namespace, labels: this.labels, selector: this.selector, replicas: this.specReplicas, podTemplate: this.podTemplate(this.port), strategy });
    this.emitAutoscaler({ apiVersion: 'apps/v1', kind: 'Deployment' });
  }

  /**
   * Without a router, Argo Rollouts approximates weights with pod counts: 10% of 3 pods is no pod at all.
   * The fewest replicas must express the smallest weight.
   */
  private checkBasicCanary(strategy: CanaryStrategy, router: TrafficRouter | undefined, strategyField: string): void {
    if (router) return;
    const weights = strategy.steps.filter((s) => s.action === 'setWeight').map((s) => s.weight!).filter((w) => w > 0);
    if (weights.length === 0) return;
    const smallest = Math.min(...weights);
    const fewest = this.autoscaling.props.minReplicas;
    const needed = Math.ceil(100 / smallest);
    if (fewest < needed) {
      this.problem({
        field: this.autoscaling.isAutoscaled ? 'autoscaling.minReplicas' : 'replicas',
        value: fewest,
        rule: 'rollout/basic-canary-weight',
        message: `cannot express a ${smallest}% canary without a traffic router: weights are approximated by pod counts, which needs at least ${needed} pods in environment "${this.environment.name}"`,
        fix: `set trafficRouter (e.g. TrafficRouter.gatewayApi({...})), or raise the replica count to ${needed}, or make the first ${strategyField} step at least ${Math.ceil(100 / fewest)}%`,
      });
    }
  }
}
