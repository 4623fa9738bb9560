import { Construct } from 'constructs';
import { ServiceDelivery } from '../core/environment.js';
import { CanaryStrategy, RollingStrategy, Strategy } from '../delivery/strategy.js';
import { ServingWorkload, ServingWorkloadOverrides, ServingWorkloadProps } from './base/serving-workload.js';

/** What may differ per environment for a {@link StatelessService}. */
export interface StatelessServiceOverrides extends ServingWorkloadOverrides {
  /**
   * The strategy in this environment: `Strategy.canary(...)` or `Strategy.rolling(...)`.
   * @default from the environment's `statelessDelivery`: a canary built from `canary`, or a rolling update built from `rolling`
   */
  readonly strategy?: CanaryStrategy | RollingStrategy;
}

/** Props of a {@link StatelessService}. */
export interface StatelessServiceProps extends ServingWorkloadProps {
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
export class StatelessService extends ServingWorkload {
  /** The strategy used in this environment. */
  public readonly strategy: CanaryStrategy | RollingStrategy;
  /** Name of the canary Service, when a canary runs. */
  public readonly canaryServiceName?: string;
  /** Name of the AnalysisTemplate, when a canary runs. */
  public readonly analysisTemplateName?: string;

  constructor(scope: Construct, id: string, props: StatelessServiceProps) {
    super(scope, id, props, 'stateless-service');
    if (!this.propsUsable) {
      this.strategy = Strategy.rolling();
      return;
    }
    const override = StatelessService.overridesFor(this, props.environments)?.strategy;
    const { strategy, field } = this.resolveStrategy<CanaryStrategy | RollingStrategy>(override, () =>
      this.environment.statelessDelivery === ServiceDelivery.CANARY ? Strategy.canary(props.canary) : Strategy.rolling(props.rolling));
    this.strategy = strategy;

    if (strategy.kind === 'canary') {
      ({ canaryServiceName: this.canaryServiceName, analysisTemplateName: this.analysisTemplateName } = this.emitCanary(strategy, field));
    } else {
      this.emitRolling(strategy);
    }
  }
}
