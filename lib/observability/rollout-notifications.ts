/**
 * Built-in triggers of the Argo Rollouts notification catalogue (notifications-install.yaml) a Rollout can subscribe
 * to. The controller's administrator configures the services (`service.slack` …) and templates; the Rollout only
 * subscribes.
 */
export enum RolloutNotificationTrigger {
  /** The rollout was aborted: an analysis failed, the progress deadline passed, or someone aborted it. */
  ROLLOUT_ABORTED = 'on-rollout-aborted',
  /** The rollout paused: an inconclusive analysis, or a pause step waiting for a human. */
  ROLLOUT_PAUSED = 'on-rollout-paused',
  /** An AnalysisRun failed. */
  ANALYSIS_RUN_FAILED = 'on-analysis-run-failed',
  /** An AnalysisRun errored (its queries failed). */
  ANALYSIS_RUN_ERROR = 'on-analysis-run-error',
  /** The rollout completed: the new release is stable. */
  ROLLOUT_COMPLETED = 'on-rollout-completed',
}

/** Subscriptions of a workload's Rollout to Argo Rollouts notifications. */
export interface RolloutNotificationsProps {
  /**
   * The notification service, as the controller's `argo-rollouts-notification-configmap` names it (`service.slack`
   * → 'slack', `service.webhook.oncall` → 'oncall').
   */
  readonly service: string;
  /** Who is told: Slack channels, e-mail addresses, … as the service understands them. */
  readonly recipients: readonly string[];
  /** What they are told of. @default [ROLLOUT_ABORTED, ROLLOUT_PAUSED]: why a release did not go through */
  readonly triggers?: readonly RolloutNotificationTrigger[];
}

/** The subscription annotation prefix (`notifications.argoproj.io/subscribe.<trigger>.<service>: <recipients>`). */
export const NOTIFICATION_SUBSCRIBE_PREFIX = 'notifications.argoproj.io/subscribe';

const SERVICE = /^[a-z0-9]([-a-z0-9_]*[a-z0-9])?$/;

type P = { field: string; value: unknown; message: string; fix: string };

/** Problems with {@link RolloutNotificationsProps} (fields relative to `field`). */
export function notificationProblems(props: RolloutNotificationsProps | undefined, field = 'notifications'): P[] {
  if (!props) return [];
  const out: P[] = [];
  const triggers = props.triggers ?? DEFAULT_TRIGGERS;
  const longest = Math.max(...triggers.map((t) => `subscribe.${t}.`.length));
  if (!SERVICE.test(props.service) || longest + props.service.length > 63) {
    out.push({ field: `${field}.service`, value: props.service, message: `must be the name of a configured notification service (lower-case letters, digits, - and _), at most ${Math.max(1, 63 - longest)} characters so that the annotation name stays within 63`, fix: "use the name after `service.` in argo-rollouts-notification-configmap, e.g. 'slack'" });
  }
  if (props.recipients.length === 0) out.push({ field: `${field}.recipients`, value: [], message: 'must name at least one recipient', fix: "add e.g. 'deployments' (a Slack channel)" });
  props.recipients.forEach((r, i) => {
    if (r.trim() === '' || r.includes(';') || /\s/.test(r)) out.push({ field: `${field}.recipients[${i}]`, value: r, message: "must be one recipient without spaces or ';' (the annotation separates recipients with ';')", fix: 'list each recipient separately' });
  });
  if (triggers.length === 0) out.push({ field: `${field}.triggers`, value: [], message: 'must name at least one trigger', fix: 'omit it for aborts and pauses' });
  const known = new Set<string>(Object.values(RolloutNotificationTrigger));
  triggers.forEach((t, i) => {
    if (!known.has(t)) out.push({ field: `${field}.triggers[${i}]`, value: t, message: 'is not a trigger of the Argo Rollouts notification catalogue', fix: `use one of RolloutNotificationTrigger: ${[...known].join(', ')}` });
  });
  return out;
}

const DEFAULT_TRIGGERS: readonly RolloutNotificationTrigger[] = [RolloutNotificationTrigger.ROLLOUT_ABORTED, RolloutNotificationTrigger.ROLLOUT_PAUSED];

/** The Rollout's subscription annotations; none without props. */
export function notificationAnnotations(props: RolloutNotificationsProps | undefined): Record<string, string> {
  if (!props) return {};
  const recipients = props.recipients.join(';');
  return Object.fromEntries([...new Set(props.triggers ?? DEFAULT_TRIGGERS)].map((t) => [`${NOTIFICATION_SUBSCRIBE_PREFIX}.${t}.${props.service}`, recipients]));
}
