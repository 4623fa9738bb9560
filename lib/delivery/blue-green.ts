import type { Problem } from '../core/problems.js';
import { BlueGreenStrategy } from './strategy.js';

/** What {@link checkBlueGreen} needs to know about the workload in this environment. */
export interface BlueGreenContext {
  /** Name of the active Service (the one the route sends users to). */
  readonly activeService: string;
  /** The preview Service name in use. */
  readonly previewService: string;
  /** Most pods the workload runs in this environment: its replicas, or the HPA's maxReplicas. */
  readonly maxReplicas: number;
  /** Environment name, for messages. */
  readonly environment: string;
  /** Longest the pre-promotion smoke test can take, in seconds. */
  readonly smokeTestMaxSeconds: number;
}

/** A day: a longer wait or delay is a unit mistake (milliseconds?) or a manual gate in disguise. */
const MAX_SECONDS = 86_400;
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** The preview Service name: explicit, or `<workload>-preview`. */
export function previewServiceName(strategy: BlueGreenStrategy, workload: string): string {
  return strategy.previewServiceName ?? `${workload}-preview`;
}

/**
 * Problems with a blue-green's values (fields relative to `field`). Argo Rollouts has no admission
 * webhook: values it cannot use are only found at reconcile time, or never (an ignored field), so each
 * is checked here with the reason.
 */
export function checkBlueGreen(strategy: BlueGreenStrategy, field: string, ctx: BlueGreenContext): Problem[] {
  const out: Problem[] = [];
  const whole = (value: unknown, min: number, max: number) => typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

  if (typeof strategy.autoPromotionEnabled !== 'boolean') {
    out.push({ field: `${field}.autoPromotionEnabled`, value: strategy.autoPromotionEnabled, message: 'must be true or false', fix: 'omit it (true: the smoke test gates promotion), or set false for a manual promotion' });
  }
  const autoSeconds = strategy.autoPromotionSeconds;
  if (autoSeconds !== undefined) {
    if (!whole(autoSeconds, 1, MAX_SECONDS)) {
      out.push({ field: `${field}.autoPromotionSeconds`, value: autoSeconds, message: `must be a whole number of seconds from 1 to ${MAX_SECONDS}`, fix: 'use e.g. 300, or omit it to promote as soon as the smoke test passed' });
    } else if (strategy.autoPromotionEnabled === false) {
      out.push({
        field: `${field}.autoPromotionSeconds`,
        value: autoSeconds,
        rule: 'rollout/auto-promotion-seconds-ignored',
        message: 'is ignored when autoPromotionEnabled is false: the Rollout would wait for a manual promotion forever (argoproj/argo-rollouts#2000)',
        fix: 'remove autoPromotionEnabled: false to promote after the wait, or remove autoPromotionSeconds for a manual promotion',
      });
    } else if (autoSeconds <= ctx.smokeTestMaxSeconds) {
      out.push({
        field: `${field}.autoPromotionSeconds`,
        value: autoSeconds,
        rule: 'rollout/auto-promotion-skips-smoke-test',
        message: `is not longer than the smoke test can take (${ctx.smokeTestMaxSeconds}s): Argo Rollouts marks a pre-promotion analysis still running when autoPromotionSeconds elapse as successful, so green could be promoted untested`,
        fix: `set autoPromotionSeconds above ${ctx.smokeTestMaxSeconds}, or shorten the smoke test (count, interval, timeoutSeconds)`,
      });
    }
  }
  if (!whole(strategy.scaleDownDelaySeconds, 0, MAX_SECONDS)) {
    out.push({ field: `${field}.scaleDownDelaySeconds`, value: strategy.scaleDownDelaySeconds, message: `must be a whole number of seconds from 0 to ${MAX_SECONDS}: it is how long the old stack stays up for an instant rollback`, fix: 'use e.g. 600 (the default), or at least 30 to cover kube-proxy propagation' });
  }
  const abortDelay = strategy.abortScaleDownDelaySeconds;
  if (abortDelay !== undefined && !whole(abortDelay, 0, MAX_SECONDS)) {
    out.push({ field: `${field}.abortScaleDownDelaySeconds`, value: abortDelay, message: `must be a whole number of seconds from 0 to ${MAX_SECONDS} (0 keeps the aborted stack until the next release)`, fix: 'use e.g. 30, or omit it' });
  }
  const preview = strategy.previewReplicaCount;
  if (preview !== undefined && !whole(preview, 1, ctx.maxReplicas)) {
    out.push({
      field: `${field}.previewReplicaCount`,
      value: preview,
      message: `must be a whole number from 1 to the ${ctx.maxReplicas} replica(s) the workload runs at most in environment "${ctx.environment}": green is scaled to the full count before the flip anyway`,
      fix: `use a count from 1 to ${ctx.maxReplicas}, or omit it to preview at full size`,
    });
  }
  if (strategy.previewServiceName !== undefined && (!DNS_LABEL.test(strategy.previewServiceName) || strategy.previewServiceName.length > 63)) {
    out.push({ field: `${field}.previewServiceName`, value: strategy.previewServiceName, message: 'is not a lower-case DNS label of at most 63 characters', fix: 'use lower-case letters, digits and dashes, e.g. "web-preview"' });
  } else if (ctx.previewService === ctx.activeService) {
    out.push({
      field: `${field}.previewServiceName`,
      value: ctx.previewService,
      rule: 'rollout/duplicate-services',
      message: `is the active Service's name too: Argo Rollouts needs two Services (it would point users at the untested stack) and marks the Rollout InvalidSpec`,
      fix: `use another name, e.g. "${ctx.activeService}-preview" (the default)`,
    });
  }
  return out;
}
