import { Construct } from 'constructs';
import { analysisStepArgs, SloAnalysisTemplate } from '../analysis/slo-analysis-template.js';
import { resolveSlo, ServiceLevelObjectives } from '../analysis/service-level-objectives.js';
import { ServiceDelivery } from '../core/environment.js';
import { checkCanarySteps } from '../delivery/canary-step.js';
import { emitDeployment } from '../delivery/deployment.js';
import { emitCanaryRollout } from '../delivery/rollout.js';
import { CanaryProps, CanaryStrategy, checkSurge, RollingProps, RollingStrategy, Strategy } from '../delivery/strategy.js';
import { EnvironmentChart } from '../platform/platform.js';
import { PreStop } from '../pod/pre-stop.js';
import { emitService } from '../traffic/service.js';
import { TrafficRouter } from '../traffic/traffic-router.js';
import { WorkloadOverrides, WorkloadProps } from './base/workload-props.js';
import { WorkloadBase } from './base/workload-base.js';

/** What may differ per environment for a {@link StatelessService}. */
export interface StatelessServiceOverrides extends WorkloadOverrides {
  /**
   * The strategy in this environment: `Strategy.canary(...)` or `Strategy.rolling(...)`.
   * @default from the environment's `statelessDelivery`: a canary built from `canary`, or a rolling update built from `rolling`
   */
  readonly strategy?: CanaryStrategy | RollingStrategy;
}

/** Props of a {@link StatelessService}. */
export interface StatelessServiceProps extends WorkloadProps {
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
  /** Service level objectives the canary analysis checks. @default success rate 99.5 %, p99 latency 500 ms */
  readonly slo?: ServiceLevelObjectives;
  /** Per-environment overrides, keyed by environment name. @default none */
  readonly environments?: { readonly [environment: string]: StatelessServiceOverrides };
}

/**
 * A traffic-serving stateless service (the seed's gateway and bitvaultd).
 *
 * Where the environment canaries (prod): an Argo Rollouts Rollout with SLO analysis gates, automatic
 * abort, stable and canary Services, the traffic router's route, an AnalysisTemplate, a
 * PodDisruptionBudget and optionally an HPA. Where it rolls (dev, staging): a Deployment with a rolling
 * update, plus the same Service, route, PodDisruptionBudget and autoscaler.
 */
export class StatelessService extends WorkloadBase {
  /** The strategy used in this environment. */
  public readonly strategy: CanaryStrategy | RollingStrategy;
  /** Name of the stable Service. */
  public readonly serviceName: string;
  /** Name of the canary Service, when a canary runs. */
  public readonly canaryServiceName?: string;
  /** Name of the AnalysisTemplate, when a canary runs. */
  public readonly analysisTemplateName?: string;

  constructor(scope: Construct, id: string, props: StatelessServiceProps) {
    const chart = EnvironmentChart.of(scope);
    const overrides = props.environments?.[chart.environment.name];
    super(scope, id, props, overrides, {
      component: 'stateless-service',
      replicas: 3,
      // Endpoint removal propagates asynchronously; 5 s covers kube-proxy and most load balancers.
      preStop: PreStop.sleep(5),
      terminationGracePeriodSeconds: 30,
      requiresReadinessProbe: true,
    });
    for (const key of Object.keys(props.environments ?? {})) {
      if (!chart.platform.environments.some((e) => e.environment.name === key)) {
        this.problem({ field: `environments.${key}`, value: key, message: `names no environment of platform "${chart.platform.name}"`, fix: `use one of: ${chart.platform.environments.map((e) => e.environment.name).join(', ')}` });
      }
    }

    const port = props.port ?? 8080;
    const servicePort = props.servicePort ?? 80;
    for (const [field, value] of [['port', port], ['servicePort', servicePort]] as const) {
      if (!(Number.isInteger(value) && value >= 1 && value <= 65535)) this.problem({ field, value, message: 'must be a port number from 1 to 65535', fix: `set ${field} to e.g. 8080` });
    }
    for (const p of props.trafficRouter?.problems('trafficRouter') ?? []) this.problem(p);

    this.strategy = overrides?.strategy ?? (this.environment.statelessDelivery === ServiceDelivery.CANARY ? Strategy.canary(props.canary) : Strategy.rolling(props.rolling));
    const strategyField = overrides?.strategy ? `environments.${this.environment.name}.strategy` : this.strategy.kind;
    for (const p of checkSurge(this.strategy.surge, strategyField)) this.problem(p);

    this.serviceName = this.name;
    emitService(this, 'service', { name: this.serviceName, namespace: this.namespace, labels: this.labels, selector: this.selector, port: servicePort });
    const podTemplate = this.podTemplate(port);
    this.emitDisruptionBudget();

    if (this.strategy.kind === 'canary') {
      this.canaryServiceName = `${this.name}-canary`;
      emitService(this, 'canary-service', { name: this.canaryServiceName, namespace: this.namespace, labels: this.labels, selector: this.selector, port: servicePort });
      const target = { name: this.name, namespace: this.namespace, labels: this.labels, stableService: this.serviceName, canaryService: this.canaryServiceName, servicePort };
      props.trafficRouter?.emit(this, target);

      for (const p of checkCanarySteps(this.strategy.steps, `${strategyField}.steps`)) this.problem(p);
      this.checkBasicCanary(this.strategy, props.trafficRouter, strategyField);
      const { resolved, problems } = resolveSlo(props.slo);
      for (const p of problems) this.problem(p);
      this.analysisTemplateName = `${this.name}-slo`;
      new SloAnalysisTemplate(this, 'analysis', { name: this.analysisTemplateName, namespace: this.namespace, labels: this.labels, slo: resolved });

      const autoscaled = this.autoscaling.isAutoscaled;
      if (this.strategy.abortScaleDownDelaySeconds !== undefined && autoscaled && props.trafficRouter) {
        this.problem({
          field: `${strategyField}.abortScaleDownDelaySeconds`,
          value: this.strategy.abortScaleDownDelaySeconds,
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
        podTemplate,
        strategy: this.strategy,
        stableService: this.serviceName,
        canaryService: this.canaryServiceName,
        trafficRouting: props.trafficRouter?.rolloutTrafficRouting(target),
        analysis: { templates: [{ templateName: this.analysisTemplateName }], args: analysisStepArgs(this.namespace, this.name) },
        // One HPA averages over stable and canary pods (argo-rollouts#2857, #3849); scaling the stable
        // down as the canary takes traffic keeps the total, and the HPA's view, honest.
        dynamicStableScale: autoscaled && props.trafficRouter !== undefined,
      });
      this.emitAutoscaler({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' });
    } else {
      props.trafficRouter?.emit(this, { name: this.name, namespace: this.namespace, labels: this.labels, stableService: this.serviceName, servicePort });
      emitDeployment(this, { name: this.name, namespace: this.namespace, labels: this.labels, selector: this.selector, replicas: this.specReplicas, podTemplate, strategy: this.strategy });
      this.emitAutoscaler({ apiVersion: 'apps/v1', kind: 'Deployment' });
    }
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
