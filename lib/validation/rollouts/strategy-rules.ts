import { renderValue } from '../finding.js';
import { FindingSink, intOrStringValue, isRecord, isSet, parseGoDuration } from '../manifest.js';
import { BLUE_GREEN, CANARY, GATEWAY_API_PLUGIN, type RolloutContext, STEP_ACTIONS, TRAFFIC_ROUTING, nonEmptyString } from './context.js';
import { checkPlugins } from './plugin-rules.js';

/** Strategy rules: canary, blue-green, steps and traffic routing (validation.go ValidateRolloutStrategy*). */

/** The step actions validation.go hasMultipleStepsType allows one of. */
const EXCLUSIVE_STEP_ACTIONS = ['setWeight', 'pause', 'experiment', 'analysis'];

// Strategy (validation.go ValidateRolloutStrategy*)

export function checkStrategy(ctx: RolloutContext): void {
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

export function checkBlueGreen(ctx: RolloutContext, blueGreen: Record<string, any>): void {
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

export function checkCanary(ctx: RolloutContext, canary: Record<string, any>): void {
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

export function requiresTrafficRouting(sink: FindingSink, field: string, value: unknown, what: string): void {
  sink.add(
    field,
    value,
    'rollout/requires-traffic-routing',
    `${what} ${renderValue(value)} only works with spec.strategy.canary.trafficRouting, which is not set.`,
    `Configure spec.strategy.canary.trafficRouting (e.g. the ${GATEWAY_API_PLUGIN} plugin), or remove ${what}.`,
  );
}

/** validation.go requireCanaryStableServices */
export function requiresCanaryStableServices(trafficRouting: Record<string, any>, canary: Record<string, any>): boolean {
  return (
    (isSet(trafficRouting.alb) && !isSet(canary.pingPong)) ||
    (isSet(trafficRouting.istio) && !isSet(trafficRouting.istio.destinationRule) && !isSet(canary.pingPong)) ||
    ['smi', 'apisix', 'ambassador', 'nginx', 'appMesh', 'traefik'].some((key) => isSet(trafficRouting[key]))
  );
}

/** validation.go getIntOrPercentValue: "N%" gives N, any other string goes through Atoi (0 if not a number). */
export function intOrPercentValue(value: unknown): number {
  if (typeof value === 'string' && /^[0-9]+%$/.test(value)) return Number.parseInt(value, 10);
  return intOrStringValue(value);
}

export function checkPingPong(sink: FindingSink, pingPong: Record<string, any>, trafficRouting: Record<string, any> | undefined): void {
  // PingPongWithRouterOnlyMessage: ping-pong works with the ALB and Istio routers only.
  if (trafficRouting && !isSet(trafficRouting.alb) && !isSet(trafficRouting.istio)) {
    sink.add(
      `${TRAFFIC_ROUTING}.alb`,
      trafficRouting.alb,
      'rollout/ping-pong',
      `pingPong is set with traffic routing ${renderValue(Object.keys(trafficRouting))}; ping-pong works with the ALB and Istio traffic routers only.`,
      'Use trafficRouting.alb or trafficRouting.istio with pingPong, or canaryService/stableService without it.',
    );
  }
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

export function checkStep(
  ctx: RolloutContext,
  trafficRouting: Record<string, any> | undefined,
  step: Record<string, any>,
  index: number,
): void {
  const { sink } = ctx;
  const path = `${CANARY}.steps[${index}]`;
  // hasMultipleStepsType: at most one of setWeight, pause, experiment and analysis (setCanaryScale,
  // setHeaderRoute, setMirrorRoute and plugin combine with them); InvalidStepMessage: at least one action.
  const actions = STEP_ACTIONS.filter((key) => isSet(step[key]));
  const exclusive = EXCLUSIVE_STEP_ACTIONS.filter((key) => isSet(step[key]));
  if (actions.length === 0 || exclusive.length > 1) {
    sink.add(
      path,
      actions,
      'rollout/step-one-action',
      actions.length === 0
        ? `Step ${index} sets no action (keys: ${renderValue(Object.keys(step))}).`
        : `Step ${index} sets ${renderValue(exclusive)}; a step may set only one of ${EXCLUSIVE_STEP_ACTIONS.join(', ')}.`,
      `Split the step so each one sets at most one of ${EXCLUSIVE_STEP_ACTIONS.join(', ')}.`,
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
export function hasRouter(trafficRouting: Record<string, any> | undefined, router: string): boolean {
  if (!trafficRouting || !isSet(trafficRouting[router])) return false;
  return router !== 'plugins' || (isRecord(trafficRouting.plugins) && Object.keys(trafficRouting.plugins).length > 0);
}

/** RolloutPause.DurationSeconds(): int seconds, an integer string, or a Go duration; -1 when invalid. */
export function pauseDurationSeconds(duration: unknown): number {
  if (typeof duration === 'number') return Math.trunc(duration);
  if (typeof duration !== 'string') return -1;
  if (/^[+-]?\d+$/.test(duration)) return Number.parseInt(duration, 10);
  const seconds = parseGoDuration(duration);
  return seconds === undefined ? -1 : Math.trunc(seconds);
}

/** k8s fieldpath.ExtractFieldPathAsString for the metadata paths it supports. */
export function isDownwardApiMetadataPath(path: string): boolean {
  return /^metadata\.(name|namespace|uid|labels|annotations)$/.test(path) || /^metadata\.(labels|annotations)\[(['"]).+\2\]$/.test(path);
}

/**
 * Policy (FIELD-NOTES: a basic canary approximates weights by pod counts): without traffic routing,
 * setWeight w on R replicas is only exact when R * w / 100 is a whole number of at least one pod.
 */
export function checkPodApproximatedWeights(ctx: RolloutContext, trafficRouting: Record<string, any> | undefined, steps: unknown[]): void {
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
export function checkAntiAffinity(sink: FindingSink, antiAffinity: unknown, path: string): void {
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
