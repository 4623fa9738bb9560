import { ANALYSIS_WARNING_RULES, checkAnalysisTemplate } from './analysis-rules.js';
import { type Finding, renderValue } from './finding.js';
import {
  FindingSink,
  type Manifest,
  intOrStringValue,
  isKind,
  isRecord,
  isSet,
  nameOf,
  namespaceOf,
  parseGoDuration,
  sameNamespace,
} from './manifest.js';

/**
 * Offline equivalents of the checks the Argo Rollouts v1.9.1 controller runs at reconcile time.
 *
 * There is no admission webhook: a Rollout that passes the CRD schema is stored, then the controller
 * marks it InvalidSpec and reports only the first error (rollout/controller.go getRolloutValidationErrors).
 * These rules report every problem at once. Each rule cites the upstream function it mirrors:
 * `pkg/apis/rollouts/validation/validation.go` (spec), `validation_references.go` (referenced objects),
 * `rollout/controller.go` (how referenced objects are looked up) and `utils/analysis` (AnalysisRuns).
 * Rules marked "policy" go beyond upstream because the upstream behaviour is a known trap.
 *
 * Field paths are the real ones (`spec.strategy.canary.steps[1]`); upstream's own messages omit
 * `canary.` because it passes `spec.strategy` as the parent path.
 */

/** Rule ids whose findings are warnings: the object is accepted but behaves in a way to avoid. */
export const WARNING_RULES: ReadonlySet<string> = new Set(['rollout/indefinite-pause', ...ANALYSIS_WARNING_RULES]);

/** The only plugin key under which the Gateway API traffic router is found (plugin `PluginName`). */
const GATEWAY_API_PLUGIN = 'argoproj-labs/gatewayAPI';

/** Traffic router plugins this platform registers in `argo-rollouts-config` (`trafficRouterPlugins`). */
const KNOWN_TRAFFIC_ROUTER_PLUGINS: ReadonlySet<string> = new Set([GATEWAY_API_PLUGIN]);

/** Step kinds of the v1.9.1 CanaryStep type; a step must set exactly one. */
const STEP_ACTIONS = [
  'setWeight',
  'pause',
  'analysis',
  'experiment',
  'setCanaryScale',
  'setHeaderRoute',
  'setMirrorRoute',
  'plugin',
] as const;

/** Label every Rollout adds to its pods and Service selectors; exempt from selector checks. */
const POD_TEMPLATE_HASH = 'rollouts-pod-template-hash';

/** Annotation the controller writes on Services it manages (serviceutil.HasManagedByAnnotation). */
const MANAGED_BY = 'argo-rollouts.argoproj.io/managed-by';

const CANARY = 'spec.strategy.canary';
const BLUE_GREEN = 'spec.strategy.blueGreen';
const TRAFFIC_ROUTING = `${CANARY}.trafficRouting`;

/** The objects of the set that Rollouts refer to, by metadata.name (in set order), so a lookup is not a scan. */
interface ManifestIndex {
  readonly services: ByName;
  readonly analysisTemplates: ByName;
  readonly clusterAnalysisTemplates: ByName;
  readonly httpRoutes: ByName;
  readonly ingresses: ByName;
  /** The Rollouts referencing each Service name (each Rollout once, in set order). */
  readonly rolloutsByService: ByName;
}

type ByName = ReadonlyMap<unknown, readonly Manifest[]>;

function byName(manifests: readonly Manifest[]): Map<unknown, Manifest[]> {
  const map = new Map<unknown, Manifest[]>();
  for (const m of manifests) {
    const name = nameOf(m.object);
    const list = map.get(name);
    if (list) list.push(m);
    else map.set(name, [m]);
  }
  return map;
}

/** The first object named `name` whose namespace matches (the semantics of the scans this replaces). */
function lookup(index: ByName, name: unknown, namespace: string | undefined): Manifest | undefined {
  return index.get(name)?.find((m) => sameNamespace(namespaceOf(m.object), namespace));
}

/** Everything one rule needs about the Rollout under check. */
interface RolloutContext {
  readonly manifest: Manifest;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly spec: Record<string, any>;
  readonly index: ManifestIndex;
  readonly sink: FindingSink;
}

/**
 * Checks every `argoproj.io` Rollout in `manifests`, using the other objects of the set (Services,
 * AnalysisTemplates, ClusterAnalysisTemplates, HTTPRoutes, Ingresses) for reference checks.
 * Findings whose rule is in {@link WARNING_RULES} are warnings.
 */
export function checkRollouts(manifests: readonly Manifest[]): Finding[] {
  const of = (group: string, kind: string) => manifests.filter((m) => isKind(m.object, group, kind));
  const rollouts = of('argoproj.io', 'Rollout');
  const rolloutsByService = new Map<unknown, Manifest[]>();
  for (const r of rollouts) {
    for (const ref of referencedServices(isRecord(r.object.spec) ? r.object.spec : {})) {
      const list = rolloutsByService.get(ref.name);
      if (!list) rolloutsByService.set(ref.name, [r]);
      else if (list[list.length - 1] !== r) list.push(r);
    }
  }
  const index: ManifestIndex = {
    services: byName(of('', 'Service')),
    analysisTemplates: byName(of('argoproj.io', 'AnalysisTemplate')),
    clusterAnalysisTemplates: byName(of('argoproj.io', 'ClusterAnalysisTemplate')),
    httpRoutes: byName(of('gateway.networking.k8s.io', 'HTTPRoute')),
    ingresses: byName([...of('networking.k8s.io', 'Ingress'), ...of('extensions', 'Ingress')]),
    rolloutsByService,
  };
  return rollouts.flatMap((manifest) => {
    const ctx: RolloutContext = {
      manifest,
      name: nameOf(manifest.object),
      namespace: namespaceOf(manifest.object),
      spec: isRecord(manifest.object.spec) ? manifest.object.spec : {},
      index,
      sink: new FindingSink(manifest.location),
    };
    checkSpec(ctx);
    checkStrategy(ctx);
    checkServices(ctx);
    checkIngresses(ctx);
    checkAnalyses(ctx);
    return ctx.sink.findings;
  });
}

// ---------------------------------------------------------------------------------------------------
// Spec (validation.go ValidateRolloutSpec)
// ---------------------------------------------------------------------------------------------------

function checkSpec(ctx: RolloutContext): void {
  const { spec, sink } = ctx;
  // ValidateRolloutSpec: apivalidation.ValidateNonnegativeField (the CRD sets no minimum)
  for (const key of ['replicas', 'minReadySeconds', 'revisionHistoryLimit', 'progressDeadlineSeconds']) {
    if (typeof spec[key] === 'number' && spec[key] < 0) {
      sink.add(
        `spec.${key}`,
        spec[key],
        'rollout/negative-value',
        `spec.${key} is ${renderValue(spec[key])}; it must be 0 or more.`,
        `Set spec.${key} to a non-negative number, or remove it to use the default.`,
      );
    }
  }

  // Policy (argo-rollouts #3825, #4110, #4935: workloadRef breaks with HPA/KEDA). Upstream
  // ValidateRolloutSpec also rejects workloadRef together with a template.
  if (isSet(spec.workloadRef)) {
    sink.add(
      'spec.workloadRef',
      spec.workloadRef,
      'rollout/workload-ref',
      `spec.workloadRef ${renderValue(spec.workloadRef)} is used; workload references break with HPA and KEDA scaling.`,
      'Remove spec.workloadRef and put the pod template inline under spec.template.',
    );
  }

  // ValidateRolloutSpec -> ValidatePodTemplateSpecForReplicaSet: a template with at least one container.
  const template = spec.template;
  const containers = isRecord(template) && isRecord(template.spec) ? template.spec.containers : undefined;
  if (!Array.isArray(containers) || containers.length === 0) {
    sink.add(
      'spec.template',
      template,
      'rollout/missing-template',
      `spec.template ${renderValue(template)} has no containers, so no ReplicaSet can be created.`,
      'Define spec.template with metadata.labels and at least one container under spec.template.spec.containers.',
    );
  }

  // ValidateRolloutSpec: selector required and non-empty unless workloadRef supplies it.
  const selector = spec.selector;
  const matchLabels = isRecord(selector?.matchLabels) ? selector.matchLabels : {};
  const expressions: unknown[] = Array.isArray(selector?.matchExpressions) ? selector.matchExpressions : [];
  if (!isSet(spec.workloadRef) && Object.keys(matchLabels).length + expressions.length === 0) {
    sink.add(
      'spec.selector',
      selector,
      'rollout/missing-selector',
      `spec.selector ${renderValue(selector)} is missing or empty; an empty selector is invalid.`,
      'Set spec.selector.matchLabels to the labels of spec.template.metadata.labels that identify this workload.',
    );
  } else if (isRecord(template)) {
    // ValidatePodTemplateSpecForReplicaSet: "`selector` does not match template `labels`"
    const labels = isRecord(template.metadata?.labels) ? template.metadata.labels : {};
    const unmatched = unmatchedSelectorTerms(matchLabels, expressions, labels);
    if (unmatched.length > 0) {
      sink.add(
        'spec.template.metadata.labels',
        template.metadata?.labels,
        'rollout/selector-mismatch',
        `spec.selector does not match the template labels ${renderValue(template.metadata?.labels)}: ${unmatched.join('; ')}.`,
        'Add every spec.selector.matchLabels entry (same key, same value) to spec.template.metadata.labels.',
      );
    }
  }

  // ValidateRolloutSpec: "must be greater than minReadySeconds" (defaults 600 and 0)
  const deadline = typeof spec.progressDeadlineSeconds === 'number' ? spec.progressDeadlineSeconds : 600;
  const minReady = typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0;
  if (deadline <= minReady) {
    sink.add(
      'spec.progressDeadlineSeconds',
      deadline,
      'rollout/progress-deadline',
      `progressDeadlineSeconds ${renderValue(deadline)} is not greater than minReadySeconds ${renderValue(minReady)}.`,
      `Set spec.progressDeadlineSeconds above ${minReady} (default 600), or lower spec.minReadySeconds.`,
    );
  }
}

function unmatchedSelectorTerms(matchLabels: Record<string, any>, expressions: unknown[], labels: Record<string, any>): string[] {
  const unmatched: string[] = [];
  for (const [key, value] of Object.entries(matchLabels)) {
    if (labels[key] !== value) unmatched.push(`${key}=${value} (template has ${renderValue(labels[key])})`);
  }
  for (const expression of expressions) {
    if (!isRecord(expression)) continue;
    const values: unknown[] = Array.isArray(expression.values) ? expression.values : [];
    const has = Object.hasOwn(labels, expression.key);
    const ok =
      expression.operator === 'In' ? has && values.includes(labels[expression.key])
      : expression.operator === 'NotIn' ? !has || !values.includes(labels[expression.key])
      : expression.operator === 'Exists' ? has
      : expression.operator === 'DoesNotExist' ? !has
      : false;
    if (!ok) unmatched.push(`${expression.key} ${expression.operator} ${renderValue(values)}`);
  }
  return unmatched;
}

// ---------------------------------------------------------------------------------------------------
// Strategy (validation.go ValidateRolloutStrategy*)
// ---------------------------------------------------------------------------------------------------

function checkStrategy(ctx: RolloutContext): void {
  const strategy = isRecord(ctx.spec.strategy) ? ctx.spec.strategy : {};
  const canary = isRecord(strategy.canary);
  const blueGreen = isRecord(strategy.blueGreen);
  // ValidateRolloutStrategy: "Rollout has missing field" / "Multiple Strategies can not be listed"
  if (canary === blueGreen) {
    ctx.sink.add(
      'spec.strategy',
      Object.keys(strategy),
      'rollout/strategy-one-of',
      `spec.strategy sets ${canary ? 'both canary and blueGreen' : 'neither canary nor blueGreen'} (keys: ${renderValue(Object.keys(strategy))}); exactly one is required.`,
      'Keep exactly one of spec.strategy.canary or spec.strategy.blueGreen.',
    );
    return;
  }
  if (blueGreen) checkBlueGreen(ctx, strategy.blueGreen);
  else checkCanary(ctx, strategy.canary);
}

function checkBlueGreen(ctx: RolloutContext, blueGreen: Record<string, any>): void {
  const { sink } = ctx;
  // CRD `required: [activeService]`; ValidateRolloutStrategyBlueGreen then compares it with previewService.
  if (!nonEmptyString(blueGreen.activeService)) {
    sink.add(
      `${BLUE_GREEN}.activeService`,
      blueGreen.activeService,
      'rollout/active-service-required',
      `blueGreen.activeService is ${renderValue(blueGreen.activeService)}; a blue-green Rollout needs the Service that receives production traffic.`,
      'Set spec.strategy.blueGreen.activeService to the name of the production Service.',
    );
  } else if (blueGreen.activeService === blueGreen.previewService) {
    // ValidateRolloutStrategyBlueGreen: DuplicatedServicesBlueGreenMessage
    sink.add(
      `${BLUE_GREEN}.activeService`,
      blueGreen.activeService,
      'rollout/duplicate-services',
      `activeService and previewService are both ${renderValue(blueGreen.activeService)}; two different Services are required.`,
      'Point spec.strategy.blueGreen.previewService at a separate preview Service.',
    );
  }
  // ValidateRolloutStrategyBlueGreen: ScaleDownLimitLargerThanRevisionLimit (revisionHistoryLimit default 10)
  const historyLimit = typeof ctx.spec.revisionHistoryLimit === 'number' ? ctx.spec.revisionHistoryLimit : 10;
  if (typeof blueGreen.scaleDownDelayRevisionLimit === 'number' && historyLimit < blueGreen.scaleDownDelayRevisionLimit) {
    sink.add(
      `${BLUE_GREEN}.scaleDownDelayRevisionLimit`,
      blueGreen.scaleDownDelayRevisionLimit,
      'rollout/scale-down-revision-limit',
      `scaleDownDelayRevisionLimit ${renderValue(blueGreen.scaleDownDelayRevisionLimit)} is larger than revisionHistoryLimit ${historyLimit}.`,
      `Lower scaleDownDelayRevisionLimit to at most ${historyLimit}, or raise spec.revisionHistoryLimit.`,
    );
  }
  checkAntiAffinity(sink, blueGreen.antiAffinity, `${BLUE_GREEN}.antiAffinity`);
}

function checkCanary(ctx: RolloutContext, canary: Record<string, any>): void {
  const { sink } = ctx;
  const trafficRouting = isRecord(canary.trafficRouting) ? canary.trafficRouting : undefined;
  const plugins = isRecord(trafficRouting?.plugins) ? trafficRouting.plugins : {};
  const hasPlugins = Object.keys(plugins).length > 0;

  // invalidMaxSurgeMaxUnavailable (defaults.GetMaxSurgeOrDefault / GetMaxUnavailableOrDefault: "25%")
  const maxSurge = isSet(canary.maxSurge) ? canary.maxSurge : '25%';
  const maxUnavailable = isSet(canary.maxUnavailable) ? canary.maxUnavailable : '25%';
  if (intOrPercentValue(maxSurge) === 0 && intOrPercentValue(maxUnavailable) === 0) {
    sink.add(
      `${CANARY}.maxSurge`,
      maxSurge,
      'rollout/max-surge-unavailable-zero',
      `maxSurge ${renderValue(maxSurge)} and maxUnavailable ${renderValue(maxUnavailable)} are both zero, so no pod can ever be replaced.`,
      'Set canary.maxSurge (e.g. "25%" or 1) or canary.maxUnavailable to a value above zero.',
    );
  }

  // ValidateRolloutStrategyCanary: DuplicatedServicesCanaryMessage
  if (nonEmptyString(canary.canaryService) && canary.canaryService === canary.stableService) {
    sink.add(
      `${CANARY}.stableService`,
      canary.stableService,
      'rollout/duplicate-services',
      `canaryService and stableService are both ${renderValue(canary.stableService)}; two different Services are required.`,
      'Point spec.strategy.canary.canaryService and stableService at two separate Services.',
    );
  }

  // ValidateRolloutStrategyCanary: ping-pong services
  if (isRecord(canary.pingPong)) checkPingPong(sink, canary.pingPong, trafficRouting);

  // requireCanaryStableServices; the Gateway API plugin also looks both Services up in the HTTPRoute.
  if (trafficRouting && (requiresCanaryStableServices(trafficRouting, canary) || GATEWAY_API_PLUGIN in plugins)) {
    for (const key of ['stableService', 'canaryService'] as const) {
      if (!nonEmptyString(canary[key])) {
        sink.add(
          `${CANARY}.${key}`,
          canary[key],
          'rollout/traffic-routing-services-required',
          `canary.${key} is ${renderValue(canary[key])}, but traffic routing needs both a canary and a stable Service.`,
          `Set spec.strategy.canary.${key} to the Service that selects the ${key === 'stableService' ? 'stable' : 'canary'} pods.`,
        );
      }
    }
  }

  if (!trafficRouting) {
    // ValidateRolloutStrategyCanary: InvalidCanaryScaleDownDelay, InvalidCanaryDynamicStableScale
    for (const key of ['scaleDownDelaySeconds', 'dynamicStableScale'] as const) {
      if (isSet(canary[key]) && canary[key] !== false) requiresTrafficRouting(sink, `${CANARY}.${key}`, canary[key], `canary.${key}`);
    }
  } else {
    // ValidateRolloutStrategyCanary: InvalidCanaryDynamicStableScaleWithScaleDownDelay
    if (isSet(canary.scaleDownDelaySeconds) && canary.dynamicStableScale === true) {
      sink.add(
        `${CANARY}.dynamicStableScale`,
        true,
        'rollout/dynamic-stable-scale-delay',
        `dynamicStableScale true cannot be combined with scaleDownDelaySeconds ${renderValue(canary.scaleDownDelaySeconds)}.`,
        'Remove spec.strategy.canary.scaleDownDelaySeconds, or set dynamicStableScale to false.',
      );
    }
    // ValidateRolloutStrategyCanary: InvalidCanaryMaxWeightOnlySupportInNginxAndPlugins
    if (isSet(trafficRouting.maxTrafficWeight) && !isSet(trafficRouting.nginx) && !hasPlugins) {
      sink.add(
        `${TRAFFIC_ROUTING}.maxTrafficWeight`,
        trafficRouting.maxTrafficWeight,
        'rollout/max-traffic-weight-unsupported',
        `maxTrafficWeight ${renderValue(trafficRouting.maxTrafficWeight)} is only supported with the nginx router or traffic router plugins.`,
        'Remove trafficRouting.maxTrafficWeight (weights are then 0..100), or route through nginx or a plugin.',
      );
    }
  }

  // Policy (argo-rollouts #4898: deadlocks on abort in v1.9.1, fixed after the release).
  if (canary.dynamicStableScale === true && isSet(canary.abortScaleDownDelaySeconds)) {
    sink.add(
      `${CANARY}.abortScaleDownDelaySeconds`,
      canary.abortScaleDownDelaySeconds,
      'rollout/dynamic-stable-scale-abort-delay',
      `abortScaleDownDelaySeconds ${renderValue(canary.abortScaleDownDelaySeconds)} with dynamicStableScale deadlocks an aborted rollout in v1.9.1 (argo-rollouts #4898).`,
      'Remove spec.strategy.canary.abortScaleDownDelaySeconds while dynamicStableScale is true.',
    );
  }

  const steps: unknown[] = Array.isArray(canary.steps) ? canary.steps : [];
  steps.forEach((step, index) => checkStep(ctx, trafficRouting, isRecord(step) ? step : {}, index));
  checkPodApproximatedWeights(ctx, trafficRouting, steps);
  checkAntiAffinity(sink, canary.antiAffinity, `${CANARY}.antiAffinity`);
  checkPlugins(ctx, canary, plugins);
}

function requiresTrafficRouting(sink: FindingSink, field: string, value: unknown, what: string): void {
  sink.add(
    field,
    value,
    'rollout/requires-traffic-routing',
    `${what} ${renderValue(value)} only works with spec.strategy.canary.trafficRouting, which is not set.`,
    `Configure spec.strategy.canary.trafficRouting (e.g. the ${GATEWAY_API_PLUGIN} plugin), or remove ${what}.`,
  );
}

/** validation.go requireCanaryStableServices */
function requiresCanaryStableServices(trafficRouting: Record<string, any>, canary: Record<string, any>): boolean {
  return (
    (isSet(trafficRouting.alb) && !isSet(canary.pingPong)) ||
    (isSet(trafficRouting.istio) && !isSet(trafficRouting.istio.destinationRule)) ||
    ['smi', 'apisix', 'ambassador', 'nginx', 'appMesh', 'traefik'].some((key) => isSet(trafficRouting[key]))
  );
}

/** validation.go getIntOrPercentValue: "N%" gives N, any other string goes through Atoi (0 if not a number). */
function intOrPercentValue(value: unknown): number {
  if (typeof value === 'string' && /^[0-9]+%$/.test(value)) return Number.parseInt(value, 10);
  return intOrStringValue(value);
}

function checkPingPong(sink: FindingSink, pingPong: Record<string, any>, trafficRouting: Record<string, any> | undefined): void {
  for (const key of ['pingService', 'pongService'] as const) {
    if (!nonEmptyString(pingPong[key])) {
      sink.add(
        `${CANARY}.pingPong.${key}`,
        pingPong[key],
        'rollout/ping-pong',
        `pingPong.${key} is ${renderValue(pingPong[key])}; ping-pong needs both a ping and a pong Service.`,
        `Set spec.strategy.canary.pingPong.${key} to a Service name.`,
      );
    }
  }
  if (nonEmptyString(pingPong.pingService) && pingPong.pingService === pingPong.pongService) {
    sink.add(
      `${CANARY}.pingPong.pingService`,
      pingPong.pingService,
      'rollout/ping-pong',
      `pingService and pongService are both ${renderValue(pingPong.pingService)}; two different Services are required.`,
      'Point pingService and pongService at two separate Services.',
    );
  }
  if (isRecord(trafficRouting?.alb) && !nonEmptyString(trafficRouting.alb.rootService)) {
    sink.add(
      `${TRAFFIC_ROUTING}.alb.rootService`,
      trafficRouting.alb.rootService,
      'rollout/ping-pong',
      `alb.rootService is ${renderValue(trafficRouting.alb.rootService)}; ALB with ping-pong needs the root Service.`,
      'Set spec.strategy.canary.trafficRouting.alb.rootService to the Service the Ingress routes to.',
    );
  }
}

function checkStep(
  ctx: RolloutContext,
  trafficRouting: Record<string, any> | undefined,
  step: Record<string, any>,
  index: number,
): void {
  const { sink } = ctx;
  const path = `${CANARY}.steps[${index}]`;
  // hasMultipleStepsType + InvalidStepMessage. Policy: upstream only rejects combinations of
  // setWeight/pause/experiment/analysis; the controller then silently runs one of the others.
  const actions = STEP_ACTIONS.filter((key) => isSet(step[key]));
  if (actions.length !== 1) {
    sink.add(
      path,
      actions,
      'rollout/step-one-action',
      actions.length === 0
        ? `Step ${index} sets no action (keys: ${renderValue(Object.keys(step))}).`
        : `Step ${index} sets ${actions.length} actions ${renderValue(actions)}; a step must do exactly one thing.`,
      `Split the step so each one sets exactly one of ${STEP_ACTIONS.join(', ')}.`,
    );
  }

  // InvalidSetWeightMessage with weightutil.MaxTrafficWeight (trafficRouting.maxTrafficWeight or 100)
  const maxWeight = typeof trafficRouting?.maxTrafficWeight === 'number' ? trafficRouting.maxTrafficWeight : 100;
  if (isSet(step.setWeight) && (typeof step.setWeight !== 'number' || step.setWeight < 0 || step.setWeight > maxWeight)) {
    sink.add(
      `${path}.setWeight`,
      step.setWeight,
      'rollout/set-weight-range',
      `setWeight ${renderValue(step.setWeight)} is outside 0..${maxWeight} (maxTrafficWeight).`,
      `Use a setWeight between 0 and ${maxWeight}.`,
    );
  }

  if (isRecord(step.pause)) {
    const duration = step.pause.duration;
    if (!isSet(duration)) {
      // Policy (argoproj/argo-cd#19422): a paused Rollout is Suspended and blocks later sync waves.
      sink.add(
        `${path}.pause`,
        step.pause,
        'rollout/indefinite-pause',
        `Step ${index} pauses indefinitely (pause ${renderValue(step.pause)}); Argo CD reports the Rollout as Suspended and later sync waves wait until someone promotes it.`,
        'Give the pause a duration (e.g. pause: {duration: 5m}) and gate promotion with an analysis step instead.',
      );
    } else if (pauseDurationSeconds(duration) < 0) {
      // RolloutPause.DurationSeconds() < 0: InvalidDurationMessage
      sink.add(
        `${path}.pause.duration`,
        duration,
        'rollout/invalid-pause-duration',
        `pause.duration ${renderValue(duration)} is neither a non-negative number of seconds nor a Go duration string.`,
        'Write the pause duration as seconds (300) or a Go duration ("5m", "1h30m").',
      );
    }
  }

  // InvalidSetCanaryScaleTrafficPolicy
  if (isSet(step.setCanaryScale) && !trafficRouting) requiresTrafficRouting(sink, `${path}.setCanaryScale`, step.setCanaryScale, 'setCanaryScale');

  // InvalidSetHeaderRouteTrafficPolicy / InvalidSetMirrorRouteTrafficPolicy, then managedRoutes
  for (const key of ['setHeaderRoute', 'setMirrorRoute'] as const) {
    if (!isRecord(step[key])) continue;
    const routers = key === 'setHeaderRoute' ? ['istio', 'alb', 'apisix', 'plugins'] : ['istio', 'plugins'];
    if (!routers.some((router) => hasRouter(trafficRouting, router))) {
      sink.add(
        `${path}.${key}`,
        step[key],
        'rollout/route-step-traffic-routing',
        `${key} ${renderValue(step[key])} needs trafficRouting with one of ${routers.join(', ')}.`,
        `Configure one of ${routers.join(', ')} under spec.strategy.canary.trafficRouting, or remove the ${key} step.`,
      );
    } else if (trafficRouting) {
      // ValidateStepRouteFoundInManagedRoute / MissingFieldMessage for managedRoutes
      const managed: unknown[] = Array.isArray(trafficRouting.managedRoutes) ? trafficRouting.managedRoutes : [];
      const name = step[key].name;
      if (!managed.some((route) => isRecord(route) && route.name === name)) {
        sink.add(
          `${path}.${key}.name`,
          name,
          'rollout/managed-route-missing',
          `Route ${renderValue(name)} of ${key} is not listed in trafficRouting.managedRoutes ${renderValue(trafficRouting.managedRoutes)}.`,
          `Add "- name: ${name}" to spec.strategy.canary.trafficRouting.managedRoutes.`,
        );
      }
    }
  }

  // InvalidCanaryExperimentTemplateWeightWithoutTrafficRouting and the supported-router check
  const experimentTemplates: unknown[] = Array.isArray(step.experiment?.templates) ? step.experiment.templates : [];
  experimentTemplates.forEach((template, t) => {
    if (!isRecord(template) || !isSet(template.weight)) return;
    const supported = ['alb', 'smi', 'istio', 'plugins'];
    if (!supported.some((router) => hasRouter(trafficRouting, router))) {
      sink.add(
        `${path}.experiment.templates[${t}].weight`,
        template.weight,
        'rollout/experiment-weight-traffic-routing',
        `Experiment template weight ${renderValue(template.weight)} needs trafficRouting with one of ${supported.join(', ')}.`,
        'Remove the experiment template weight, or route traffic with one of the supported routers.',
      );
    }
  });

  // InvalidAnalysisArgsMessage: fieldRef paths under metadata must be readable by the downward API.
  const argLists: Array<[string, unknown]> = [[`${path}.analysis.args`, step.analysis?.args]];
  const analyses: unknown[] = Array.isArray(step.experiment?.analyses) ? step.experiment.analyses : [];
  analyses.forEach((analysis, a) => argLists.push([`${path}.experiment.analyses[${a}].args`, isRecord(analysis) ? analysis.args : undefined]));
  for (const [argsPath, args] of argLists) {
    if (!Array.isArray(args)) continue;
    args.forEach((arg, a) => {
      const fieldPath = arg?.valueFrom?.fieldRef?.fieldPath;
      if (typeof fieldPath === 'string' && fieldPath.startsWith('metadata') && !isDownwardApiMetadataPath(fieldPath)) {
        sink.add(
          `${argsPath}[${a}].valueFrom.fieldRef.fieldPath`,
          fieldPath,
          'rollout/analysis-arg-field-ref',
          `fieldRef ${renderValue(fieldPath)} is not a metadata field the downward API can read.`,
          "Use metadata.name, metadata.namespace, metadata.uid, metadata.labels['key'] or metadata.annotations['key'].",
        );
      }
    });
  }
}

/** Whether trafficRouting configures this router (`plugins` counts only when it has an entry). */
function hasRouter(trafficRouting: Record<string, any> | undefined, router: string): boolean {
  if (!trafficRouting || !isSet(trafficRouting[router])) return false;
  return router !== 'plugins' || (isRecord(trafficRouting.plugins) && Object.keys(trafficRouting.plugins).length > 0);
}

/** RolloutPause.DurationSeconds(): int seconds, an integer string, or a Go duration; -1 when invalid. */
function pauseDurationSeconds(duration: unknown): number {
  if (typeof duration === 'number') return Math.trunc(duration);
  if (typeof duration !== 'string') return -1;
  if (/^[+-]?\d+$/.test(duration)) return Number.parseInt(duration, 10);
  const seconds = parseGoDuration(duration);
  return seconds === undefined ? -1 : Math.trunc(seconds);
}

/** k8s fieldpath.ExtractFieldPathAsString for the metadata paths it supports. */
function isDownwardApiMetadataPath(path: string): boolean {
  return /^metadata\.(name|namespace|uid|labels|annotations)$/.test(path) || /^metadata\.(labels|annotations)\[(['"]).+\2\]$/.test(path);
}

/**
 * Policy (FIELD-NOTES: a basic canary approximates weights by pod counts): without traffic routing,
 * setWeight w on R replicas is only exact when R * w / 100 is a whole number of at least one pod.
 */
function checkPodApproximatedWeights(ctx: RolloutContext, trafficRouting: Record<string, any> | undefined, steps: unknown[]): void {
  const replicas = ctx.spec.replicas;
  if (trafficRouting || typeof replicas !== 'number') return;
  steps.forEach((step, index) => {
    const weight = isRecord(step) ? step.setWeight : undefined;
    if (typeof weight !== 'number' || weight <= 0 || weight >= 100) return;
    const pods = (replicas * weight) / 100;
    if (pods >= 1 && Number.isInteger(pods)) return;
    const exact = [...Array(99).keys()].map((w) => w + 1).filter((w) => Number.isInteger((replicas * w) / 100) && (replicas * w) / 100 >= 1);
    ctx.sink.add(
      `${CANARY}.steps[${index}].setWeight`,
      weight,
      'rollout/weight-not-achievable',
      `setWeight ${renderValue(weight)} on ${replicas} replicas is ${pods} pods; without traffic routing the weight is approximated by whole pods.`,
      exact.length > 0
        ? `Use a weight that is a whole number of pods (with ${replicas} replicas: ${exact.slice(0, 6).join(', ')}...), raise spec.replicas, or add trafficRouting.`
        : `Raise spec.replicas (${replicas} cannot express any weight below 100) or add trafficRouting.`,
    );
  });
}

/** validation.go ValidateRolloutStrategyAntiAffinity */
function checkAntiAffinity(sink: FindingSink, antiAffinity: unknown, path: string): void {
  if (!isRecord(antiAffinity)) return;
  const preferred = antiAffinity.preferredDuringSchedulingIgnoredDuringExecution;
  const required = antiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
  if (isSet(preferred) === isSet(required)) {
    sink.add(
      path,
      Object.keys(antiAffinity),
      'rollout/anti-affinity',
      `antiAffinity sets ${isSet(preferred) ? 'both' : 'neither of'} preferredDuringSchedulingIgnoredDuringExecution and requiredDuringSchedulingIgnoredDuringExecution (keys ${renderValue(Object.keys(antiAffinity))}).`,
      'Set exactly one of preferredDuringSchedulingIgnoredDuringExecution or requiredDuringSchedulingIgnoredDuringExecution.',
    );
  }
  if (isRecord(preferred) && (typeof preferred.weight !== 'number' || preferred.weight < 1 || preferred.weight > 100)) {
    sink.add(
      `${path}.preferredDuringSchedulingIgnoredDuringExecution.weight`,
      preferred.weight,
      'rollout/anti-affinity',
      `antiAffinity weight ${renderValue(preferred.weight)} is outside 1..100.`,
      'Set the preferred anti-affinity weight between 1 and 100.',
    );
  }
}

// ---------------------------------------------------------------------------------------------------
// Traffic router plugins (policy; rollouts-plugin-trafficrouter-gatewayapi)
// ---------------------------------------------------------------------------------------------------

/** Route list fields of the plugin config (GatewayAPITrafficRouting); one must be set (GatewayAPIManifestError). */
const GATEWAY_ROUTE_FIELDS = [
  'httpRoute',
  'httpRoutes',
  'grpcRoute',
  'grpcRoutes',
  'tcpRoute',
  'tcpRoutes',
  'tlsRoute',
  'tlsRoutes',
  'httpRouteSelector',
  'grpcRouteSelector',
  'tcpRouteSelector',
  'tlsRouteSelector',
] as const;

function checkPlugins(ctx: RolloutContext, canary: Record<string, any>, plugins: Record<string, any>): void {
  const { sink } = ctx;
  for (const [key, config] of Object.entries(plugins)) {
    const path = `${TRAFFIC_ROUTING}.plugins[${key}]`;
    if (!KNOWN_TRAFFIC_ROUTER_PLUGINS.has(key)) {
      // Policy (argo-rollouts #4569): the controller ignores an unregistered key and never shifts traffic.
      const nearMiss = [...KNOWN_TRAFFIC_ROUTER_PLUGINS].find((known) => looksLike(key, known));
      sink.add(
        path,
        key,
        'rollout/unknown-traffic-router-plugin',
        nearMiss
          ? `Traffic router plugin key ${renderValue(key)} is not ${renderValue(nearMiss)}; a wrong key is silently ignored and traffic never shifts.`
          : `Traffic router plugin key ${renderValue(key)} is not registered on this platform; it would be ignored and traffic never shifts.`,
        `Rename the key to ${renderValue(nearMiss ?? GATEWAY_API_PLUGIN)} exactly (case-sensitive).`,
      );
      continue;
    }
    if (key === GATEWAY_API_PLUGIN) checkGatewayApiPlugin(ctx, canary, isRecord(config) ? config : {}, path);
  }
}

/** Same name up to case, punctuation and the `argoproj-labs/` prefix. */
function looksLike(key: string, known: string): boolean {
  const normalize = (text: string) => text.toLowerCase().replace(/^argoproj-labs\//, '').replace(/[^a-z0-9]/g, '');
  return normalize(key) === normalize(known);
}

function checkGatewayApiPlugin(ctx: RolloutContext, canary: Record<string, any>, config: Record<string, any>, path: string): void {
  const { sink } = ctx;
  if (!GATEWAY_ROUTE_FIELDS.some((field) => isSet(config[field]) && config[field] !== '' && !(Array.isArray(config[field]) && config[field].length === 0))) {
    sink.add(
      path,
      config,
      'rollout/gateway-api-config',
      `The ${GATEWAY_API_PLUGIN} config ${renderValue(config)} names no route; the plugin fails with "No routes configured".`,
      `Set httpRoute: <HTTPRoute name> (and namespace if the route lives elsewhere) under plugins["${GATEWAY_API_PLUGIN}"].`,
    );
    return;
  }
  const routes: Array<[string, unknown]> = [];
  if (isSet(config.httpRoute)) routes.push([`${path}.httpRoute`, config.httpRoute]);
  if (Array.isArray(config.httpRoutes)) config.httpRoutes.forEach((route: any, i: number) => routes.push([`${path}.httpRoutes[${i}].name`, route?.name]));
  const namespace = nonEmptyString(config.namespace) ? config.namespace : ctx.namespace;
  for (const [field, name] of routes) {
    if (!nonEmptyString(name)) {
      sink.add(field, name, 'rollout/gateway-api-config', `HTTPRoute name ${renderValue(name)} is empty.`, 'Set the HTTPRoute name the plugin should update.');
      continue;
    }
    const route = lookup(ctx.index.httpRoutes, name, namespace);
    if (!route) continue; // not in this set: the route may be owned elsewhere
    // plugin getBackendRefs: "backendRef was not found in httpRoute"
    const backendNames = new Set<string>();
    const rules: unknown[] = Array.isArray(route.object.spec?.rules) ? route.object.spec.rules : [];
    for (const rule of rules) for (const ref of isRecord(rule) && Array.isArray(rule.backendRefs) ? rule.backendRefs : []) backendNames.add(ref?.name);
    for (const key of ['canaryService', 'stableService'] as const) {
      const service = canary[key];
      if (!nonEmptyString(service) || backendNames.has(service)) continue;
      sink.add(
        field,
        name,
        'rollout/gateway-api-backend-refs',
        `HTTPRoute ${renderValue(name)} has no backendRef named ${renderValue(service)} (the ${key}); its backendRefs are ${renderValue([...backendNames])}, so the plugin cannot set weights.`,
        `Add a backendRef "- name: ${service}" (kind Service, with its port) to a rule of HTTPRoute ${name}.`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Referenced Services and Ingresses (controller.go getReferencedServices / getReferencedIngresses,
// validation_references.go ValidateService / ValidateIngress)
// ---------------------------------------------------------------------------------------------------

type ServiceRole = 'active' | 'preview' | 'stable' | 'canary';

function referencedServices(spec: Record<string, any>): Array<{ role: ServiceRole; name: string; field: string }> {
  const strategy = isRecord(spec.strategy) ? spec.strategy : {};
  const refs: Array<{ role: ServiceRole; name: string; field: string }> = [];
  const push = (role: ServiceRole, owner: any, key: string, field: string) => {
    if (nonEmptyString(owner?.[key])) refs.push({ role, name: owner[key], field });
  };
  if (isRecord(strategy.blueGreen)) {
    push('active', strategy.blueGreen, 'activeService', `${BLUE_GREEN}.activeService`);
    push('preview', strategy.blueGreen, 'previewService', `${BLUE_GREEN}.previewService`);
  } else if (isRecord(strategy.canary)) {
    push('stable', strategy.canary, 'stableService', `${CANARY}.stableService`);
    push('canary', strategy.canary, 'canaryService', `${CANARY}.canaryService`);
  }
  return refs;
}

function checkServices(ctx: RolloutContext): void {
  const { sink, spec } = ctx;
  const templateLabels = isRecord(spec.template?.metadata?.labels) ? spec.template.metadata.labels : {};
  for (const ref of referencedServices(spec)) {
    const service = lookup(ctx.index.services, ref.name, ctx.namespace);
    if (!service) {
      sink.add(
        ref.field,
        ref.name,
        'rollout/service-not-found',
        `Service ${renderValue(ref.name)} is not in the manifest set${ctx.namespace ? ` for namespace ${renderValue(ctx.namespace)}` : ''}; the controller marks the Rollout InvalidSpec until it exists.`,
        `Add a Service named ${ref.name} in the Rollout's namespace, or fix the name.`,
      );
      continue;
    }
    // ValidateService: every selector label except rollouts-pod-template-hash must be on the pods.
    const selector = isRecord(service.object.spec?.selector) ? service.object.spec.selector : {};
    for (const [key, value] of Object.entries(selector)) {
      if (key === POD_TEMPLATE_HASH || templateLabels[key] === value || roleMetadataHasLabel(spec, ref.role, key, value)) continue;
      sink.add(
        ref.field,
        ref.name,
        'rollout/service-selector-mismatch',
        `Service ${renderValue(ref.name)} selects ${key}=${value}, but the pod template has ${key}=${renderValue(templateLabels[key])}; it would select no Rollout pods.`,
        `Make Service ${ref.name} select only labels of spec.template.metadata.labels (here ${key}: ${renderValue(templateLabels[key] ?? value)}).`,
      );
    }
    // ValidateService: conditions.ServiceReferencingManagedService
    const managedBy = service.object.metadata?.annotations?.[MANAGED_BY];
    if (nonEmptyString(managedBy) && managedBy !== ctx.name) {
      sink.add(
        ref.field,
        ref.name,
        'rollout/service-shared',
        `Service ${renderValue(ref.name)} is annotated as managed by Rollout ${renderValue(managedBy)}.`,
        `Give Rollout ${ctx.name} its own Service, or remove the ${MANAGED_BY} annotation if ${managedBy} no longer exists.`,
      );
    }
    // Policy: the controller rewrites the Service selector for one Rollout; two Rollouts would fight over it.
    const others = (ctx.index.rolloutsByService.get(ref.name) ?? []).filter(
      (other) => other !== ctx.manifest && sameNamespace(namespaceOf(other.object), ctx.namespace),
    );
    if (others.length > 0) {
      const names = others.map((other) => nameOf(other.object));
      sink.add(
        ref.field,
        ref.name,
        'rollout/service-shared',
        `Service ${renderValue(ref.name)} is also referenced by Rollout(s) ${renderValue(names)}; a Service can be managed by one Rollout only.`,
        `Give each Rollout its own ${ref.role} Service.`,
      );
    }
  }
}

/** validation_references.go validSvcSelectorForType: stable/canary/active/preview metadata labels count too. */
function roleMetadataHasLabel(spec: Record<string, any>, role: ServiceRole, key: string, value: unknown): boolean {
  const strategy = spec.strategy ?? {};
  const metadata =
    role === 'stable' ? strategy.canary?.stableMetadata
    : role === 'canary' ? strategy.canary?.canaryMetadata
    : role === 'active' ? strategy.blueGreen?.activeMetadata
    : strategy.blueGreen?.previewMetadata;
  return isRecord(metadata?.labels) && metadata.labels[key] === value;
}

function checkIngresses(ctx: RolloutContext): void {
  const canary = ctx.spec.strategy?.canary;
  const trafficRouting = isRecord(canary?.trafficRouting) ? canary.trafficRouting : undefined;
  if (!trafficRouting) return;
  const refs: Array<{ field: string; name: unknown; service: unknown }> = [];
  if (isRecord(trafficRouting.alb)) {
    const alb = trafficRouting.alb;
    const service = nonEmptyString(alb.rootService) ? alb.rootService : canary.stableService;
    if (isSet(alb.ingress)) refs.push({ field: `${TRAFFIC_ROUTING}.alb.ingress`, name: alb.ingress, service });
    if (Array.isArray(alb.ingresses)) alb.ingresses.forEach((name: unknown, i: number) => refs.push({ field: `${TRAFFIC_ROUTING}.alb.ingresses[${i}]`, name, service }));
  } else if (isRecord(trafficRouting.nginx)) {
    const nginx = trafficRouting.nginx;
    if (isSet(nginx.stableIngress)) refs.push({ field: `${TRAFFIC_ROUTING}.nginx.stableIngress`, name: nginx.stableIngress, service: canary.stableService });
    if (Array.isArray(nginx.stableIngresses)) nginx.stableIngresses.forEach((name: unknown, i: number) => refs.push({ field: `${TRAFFIC_ROUTING}.nginx.stableIngresses[${i}]`, name, service: canary.stableService }));
  }
  for (const ref of refs) {
    const ingress = lookup(ctx.index.ingresses, ref.name, ctx.namespace);
    if (!ingress) {
      ctx.sink.add(
        ref.field,
        ref.name,
        'rollout/ingress-not-found',
        `Ingress ${renderValue(ref.name)} is not in the manifest set; the controller marks the Rollout InvalidSpec until it exists.`,
        `Add Ingress ${String(ref.name)} in the Rollout's namespace, or fix the name.`,
      );
    } else if (!ingressHasService(ingress.object, ref.service)) {
      // validation_references.go reportErrors: "ingress `%s` has no rules using service %s backend"
      ctx.sink.add(
        ref.field,
        ref.name,
        'rollout/ingress-missing-backend',
        `Ingress ${renderValue(ref.name)} has no rule with backend Service ${renderValue(ref.service)}.`,
        `Route a path of Ingress ${String(ref.name)} to Service ${String(ref.service)}.`,
      );
    }
  }
}

/** ingressutil.HasRuleWithService, for networking.k8s.io/v1 and extensions/v1beta1 backends. */
function ingressHasService(ingress: any, service: unknown): boolean {
  const rules: unknown[] = Array.isArray(ingress.spec?.rules) ? ingress.spec.rules : [];
  return rules.some(
    (rule: any) =>
      Array.isArray(rule?.http?.paths) &&
      rule.http.paths.some((p: any) => (p?.backend?.service?.name ?? p?.backend?.serviceName) === service),
  );
}

// ---------------------------------------------------------------------------------------------------
// Referenced analysis (controller.go getReferencedRolloutAnalyses, validation_references.go
// ValidateAnalysisTemplatesWithType, utils/analysis helpers.go NewAnalysisRunFromTemplates)
// ---------------------------------------------------------------------------------------------------

type AnalysisType = 'PrePromotion' | 'PostPromotion' | 'Inline' | 'Background';

function referencedAnalyses(spec: Record<string, any>): Array<{ type: AnalysisType; path: string; analysis: Record<string, any> }> {
  const strategy = isRecord(spec.strategy) ? spec.strategy : {};
  const refs: Array<{ type: AnalysisType; path: string; analysis: Record<string, any> }> = [];
  if (isRecord(strategy.blueGreen)) {
    const bg = strategy.blueGreen;
    if (isRecord(bg.prePromotionAnalysis)) refs.push({ type: 'PrePromotion', path: `${BLUE_GREEN}.prePromotionAnalysis`, analysis: bg.prePromotionAnalysis });
    if (isRecord(bg.postPromotionAnalysis)) refs.push({ type: 'PostPromotion', path: `${BLUE_GREEN}.postPromotionAnalysis`, analysis: bg.postPromotionAnalysis });
  } else if (isRecord(strategy.canary)) {
    const steps: unknown[] = Array.isArray(strategy.canary.steps) ? strategy.canary.steps : [];
    steps.forEach((step: any, i) => {
      if (isRecord(step?.analysis)) refs.push({ type: 'Inline', path: `${CANARY}.steps[${i}].analysis`, analysis: step.analysis });
    });
    if (isRecord(strategy.canary.analysis)) refs.push({ type: 'Background', path: `${CANARY}.analysis`, analysis: strategy.canary.analysis });
  }
  return refs;
}

function checkAnalyses(ctx: RolloutContext): void {
  for (const ref of referencedAnalyses(ctx.spec)) checkAnalysis(ctx, ref.type, ref.path, ref.analysis);
}

function checkAnalysis(ctx: RolloutContext, type: AnalysisType, path: string, analysis: Record<string, any>): void {
  const { sink } = ctx;
  const templateRefs: unknown[] = Array.isArray(analysis.templates) ? analysis.templates : [];
  if (templateRefs.length === 0) {
    sink.add(
      `${path}.templates`,
      analysis.templates,
      'rollout/analysis-template-not-found',
      `The analysis lists no templates (${renderValue(analysis.templates)}); its AnalysisRun has no metrics and ends in Error.`,
      'List at least one AnalysisTemplate under templates (templateName, plus clusterScope: true for a ClusterAnalysisTemplate).',
    );
    return;
  }

  // controller.go getReferencedAnalysisTemplates: "AnalysisTemplate '%s' not found"
  const templates: Array<{ manifest: Manifest; field: string }> = [];
  templateRefs.forEach((ref: any, j) => {
    const name = ref?.templateName;
    const cluster = ref?.clusterScope === true;
    const found = cluster
      ? ctx.index.clusterAnalysisTemplates.get(name)?.[0]
      : lookup(ctx.index.analysisTemplates, name, ctx.namespace);
    if (found) {
      templates.push({ manifest: found, field: `${path}.templates[${j}]` });
      return;
    }
    const kind = cluster ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
    sink.add(
      `${path}.templates[${j}].templateName`,
      name,
      'rollout/analysis-template-not-found',
      `${kind} ${renderValue(name)} is not in the manifest set${cluster ? '' : ' for the Rollout namespace'}; the controller marks the Rollout InvalidSpec.`,
      `Add ${kind} ${String(name)}${cluster ? '' : " in the Rollout's namespace"}, or fix templateName${cluster ? '' : ' (set clusterScope: true for a ClusterAnalysisTemplate)'}.`,
    );
  });
  if (templates.length < templateRefs.length) return; // upstream stops at the first missing template

  // helpers.go flattenMetrics: "two metrics have the same name '%s'"
  const metricOwner = new Map<string, string>();
  for (const { manifest } of templates) {
    for (const metric of metricsOf(manifest)) {
      const owner = metricOwner.get(metric.name);
      if (owner !== undefined) {
        sink.add(
          `${path}.templates`,
          metric.name,
          'rollout/analysis-duplicate-metric',
          `Metric ${renderValue(metric.name)} is defined by both ${renderValue(owner)} and ${renderValue(nameOf(manifest.object))}; the templates of one analysis are merged into one AnalysisRun.`,
          `Rename metric ${metric.name} in one of the templates so metric names are unique across the analysis.`,
        );
      } else metricOwner.set(metric.name, nameOf(manifest.object));
    }
  }

  // helpers.go flattenArgs ("specified multiple times with different values") and MergeArgs/ResolveArgs
  // ("args.%s was not resolved"). Any arg the Rollout passes by name resolves (buildAnalysisArgs).
  const combined = new Map<string, { value?: string; valueFrom: boolean; template: string }>();
  for (const { manifest } of templates) {
    for (const arg of argsOf(manifest)) {
      const previous = combined.get(arg.name);
      if (previous?.value !== undefined && arg.value !== undefined && previous.value !== arg.value) {
        sink.add(
          `${path}.templates`,
          arg.name,
          'rollout/analysis-arg-conflict',
          `Argument ${renderValue(arg.name)} has default ${renderValue(previous.value)} in ${renderValue(previous.template)} and ${renderValue(arg.value)} in ${renderValue(nameOf(manifest.object))}.`,
          `Give argument ${arg.name} the same default in every template of this analysis, or rename it in one of them.`,
        );
      }
      if (!previous || previous.value === undefined) combined.set(arg.name, { ...arg, template: nameOf(manifest.object) });
    }
  }
  const passed = new Set((Array.isArray(analysis.args) ? analysis.args : []).map((arg: any) => arg?.name));
  for (const [name, arg] of combined) {
    if (arg.value !== undefined || arg.valueFrom || passed.has(name)) continue;
    sink.add(
      `${path}.args`,
      name,
      'rollout/analysis-arg-missing',
      `Template ${renderValue(arg.template)} needs argument ${renderValue(name)}, which has no default and is not passed here.`,
      `Add "- name: ${name}" with a value (or valueFrom) under ${path}.args.`,
    );
  }

  for (const { manifest, field } of templates) {
    const templateName = nameOf(manifest.object);
    // ValidateAnalysisTemplateWithType: only background analysis may run forever (Metric.EffectiveCount() == nil).
    if (type !== 'Background') {
      for (const metric of metricsOf(manifest)) {
        if (!runsForever(metric.raw, argsOf(manifest))) continue;
        sink.add(
          field,
          templateName,
          'rollout/analysis-runs-forever',
          `Metric ${renderValue(metric.name)} of ${renderValue(templateName)} has interval ${renderValue(metric.raw.interval)} but no count (${renderValue(metric.raw.count)}), so it never finishes; only background analysis may run indefinitely.`,
          `Set count on metric ${metric.name} (e.g. count: 5), or move the template to spec.strategy.canary.analysis.`,
        );
      }
    }
    // analysis controller: ValidateMetrics when the AnalysisRun starts; an invalid template ends it in Error.
    for (const finding of checkAnalysisTemplate(manifest)) {
      if (WARNING_RULES.has(finding.rule)) continue;
      sink.add(
        field,
        templateName,
        'rollout/analysis-template-invalid',
        `${manifest.object.kind} ${renderValue(templateName)} used here is invalid at ${finding.field} [${finding.rule}]: ${finding.message}`,
        finding.fix,
      );
    }
  }
}

function metricsOf(template: Manifest): Array<{ name: string; raw: Record<string, any> }> {
  const metrics: unknown[] = Array.isArray(template.object.spec?.metrics) ? template.object.spec.metrics : [];
  return metrics.filter(isRecord).map((raw) => ({ name: String(raw.name), raw }));
}

function argsOf(template: Manifest): Array<{ name: string; value?: string; valueFrom: boolean }> {
  const args: unknown[] = Array.isArray(template.object.spec?.args) ? template.object.spec.args : [];
  return args
    .filter((arg): arg is Record<string, any> => isRecord(arg) && typeof arg.name === 'string')
    .map((arg) => ({ name: arg.name, value: typeof arg.value === 'string' ? arg.value : undefined, valueFrom: isSet(arg.valueFrom) }));
}

/**
 * Metric.EffectiveCount() == nil after validation_references.go resolves the template args: args with a
 * default keep it, every other arg becomes "dummy-value" (so a templated count without a default counts as 0).
 */
function runsForever(metric: Record<string, any>, args: Array<{ name: string; value?: string }>): boolean {
  const resolve = (value: unknown): unknown =>
    typeof value !== 'string'
      ? value
      : value.replace(/\{\{(.*?)\}\}/gs, (_whole, tag: string) => {
          const name = tag.trim().replace(/^args\./, '');
          return args.find((arg) => arg.name === name)?.value ?? 'dummy-value';
        });
  const count = isSet(metric.count) ? intOrStringValue(resolve(metric.count)) : 0;
  const interval = resolve(metric.interval);
  return count === 0 && isSet(interval) && interval !== '';
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
