import { Construct } from 'constructs';
import { resolveSmokeTest, smokeTestArgs, SmokeTestAnalysisTemplate, smokeTestMaxSeconds } from '../analysis/smoke-test-analysis-template.js';
import { FrontendDelivery } from '../core/environment.js';
import { checkBlueGreen, previewServiceName } from '../delivery/blue-green.js';
import { emitBlueGreenRollout } from '../delivery/rollout.js';
import { BlueGreenProps, BlueGreenStrategy, CanaryStrategy, RollingStrategy, Strategy } from '../delivery/strategy.js';
import { emitService } from '../traffic/service.js';
import { ServingWorkload, ServingWorkloadOverrides, ServingWorkloadProps } from './base/serving-workload.js';

/** What may differ per environment for a {@link WebFrontend}. */
export interface WebFrontendOverrides extends ServingWorkloadOverrides {
  /**
   * The strategy in this environment: `Strategy.blueGreen(...)`, `Strategy.canary(...)` or `Strategy.rolling(...)`.
   * @default from the environment's `frontendDelivery`: a blue-green built from `blueGreen`, a canary built from `canary`, or a rolling update built from `rolling`
   */
  readonly strategy?: BlueGreenStrategy | CanaryStrategy | RollingStrategy;
}

/** Props of a {@link WebFrontend}. */
export interface WebFrontendProps extends ServingWorkloadProps {
  /** The blue-green, where the environment ships frontends blue-green. @default smoke test of '/' on the preview Service, automatic promotion, blue kept 600 s */
  readonly blueGreen?: BlueGreenProps;
  /** Per-environment overrides, keyed by environment name. @default none */
  readonly environments?: { readonly [environment: string]: WebFrontendOverrides };
}

/**
 * A traffic-serving, stateless web frontend (the seed's bitvault-web, server-side rendered).
 *
 * Where the environment ships frontends blue-green (prod): an Argo Rollouts blue-green Rollout. Green
 * comes up at full size behind the preview Service `<name>-preview`, a smoke-test AnalysisTemplate GETs it
 * through that Service, then the active Service `<name>` is flipped to green; blue stays for an instant
 * rollback. The route (HTTPRoute or Ingress) always points at the active Service. Where the environment
 * asks for a canary: exactly the {@link StatelessService} canary. Where it rolls (dev, staging): a
 * Deployment with a rolling update. Every variant has the PodDisruptionBudget, the optional HPA, a
 * required readiness probe, graceful shutdown and a restricted pod.
 *
 * The very first release of a new Rollout goes live without the smoke test: Argo Rollouts skips analysis
 * on the initial deploy, when there is no blue stack to protect.
 */
export class WebFrontend extends ServingWorkload {
  /** The strategy used in this environment. */
  public readonly strategy: BlueGreenStrategy | CanaryStrategy | RollingStrategy;
  /** Name of the preview Service, when a blue-green runs. */
  public readonly previewServiceName?: string;
  /** Name of the canary Service, when a canary runs. */
  public readonly canaryServiceName?: string;
  /** Name of the AnalysisTemplate: the smoke test (blue-green) or the SLO analysis (canary). */
  public readonly analysisTemplateName?: string;

  constructor(scope: Construct, id: string, props: WebFrontendProps) {
    super(scope, id, props, 'web-frontend');
    if (!this.propsUsable) {
      this.strategy = Strategy.rolling();
      return;
    }
    const override = WebFrontend.overridesFor(this, props.environments)?.strategy;
    const { strategy, field } = this.resolveStrategy<BlueGreenStrategy | CanaryStrategy | RollingStrategy>(override, () => {
      switch (this.environment.frontendDelivery) {
        case FrontendDelivery.BLUE_GREEN: return Strategy.blueGreen(props.blueGreen);
        case FrontendDelivery.CANARY: return Strategy.canary(props.canary);
        default: return Strategy.rolling(props.rolling);
      }
    });
    this.strategy = strategy;

    if (strategy.kind === 'blueGreen') {
      this.previewServiceName = previewServiceName(strategy, this.name);
      this.analysisTemplateName = `${this.name}-smoke-test`;
      this.emitBlueGreen(strategy, field, this.previewServiceName, this.analysisTemplateName);
    } else if (strategy.kind === 'canary') {
      ({ canaryServiceName: this.canaryServiceName, analysisTemplateName: this.analysisTemplateName } = this.emitCanary(strategy, field));
    } else {
      this.emitRolling(strategy);
    }
  }

  /** Preview Service, route to the active Service, smoke-test template, blue-green Rollout and HPA. */
  private emitBlueGreen(strategy: BlueGreenStrategy, field: string, previewService: string, templateName: string): void {
    const smoke = resolveSmokeTest(strategy.smokeTest, `${field}.smokeTest`);
    for (const p of smoke.problems) this.problem(p);
    for (const p of checkBlueGreen(strategy, field, {
      activeService: this.serviceName,
      previewService,
      maxReplicas: this.autoscaling.props.maxReplicas,
      environment: this.environment.name,
      smokeTestMaxSeconds: smokeTestMaxSeconds(smoke.resolved),
    })) this.problem(p);

    // Both Services select the same pod labels; the controller adds `rollouts-pod-template-hash` to each
    // selector, pointing the active one at blue and the preview one at green until the flip.
    emitService(this, 'preview-service', { name: previewService, namespace: this.namespace, labels: this.labels, selector: this.selector, port: this.servicePort });
    // One backend, the active Service: blue-green flips selectors, not route weights.
    this.servingProps.trafficRouter?.emit(this, this.routeTarget());
    new SmokeTestAnalysisTemplate(this, 'smoke-test', { name: templateName, namespace: this.namespace, labels: this.labels, smokeTest: smoke.resolved });
    // Network policy (issue 23): the smoke test's GETs come from the Argo Rollouts controller (web provider).
    this.networkEndpoint?.controllers.push({ controller: 'argoRollouts', ports: [this.port] });
    emitBlueGreenRollout(this, {
      name: this.name,
      namespace: this.namespace,
      labels: this.labels,
      selector: this.selector,
      // Left out under an HPA, which then sizes both stacks; previewReplicaCount pins green while previewed.
      replicas: this.specReplicas,
      podTemplate: this.podTemplate(this.port),
      annotations: this.rolloutAnnotations,
      strategy,
      activeService: this.serviceName,
      previewService,
      prePromotionAnalysis: { templates: [{ templateName }], args: smokeTestArgs(previewService, this.namespace, this.servicePort) },
    });
    this.emitAutoscaler({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' });
  }
}
