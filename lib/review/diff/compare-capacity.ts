import { subjectOf } from '../manifests.js';
import { ChangeDraft, risk, Risk } from './change.js';
import { Comparison } from './compare-workloads.js';

type Bound = { readonly value: number; readonly percent: boolean };

function bound(v: unknown): Bound | undefined {
  if (typeof v === 'number') return { value: v, percent: false };
  const m = typeof v === 'string' ? /^(\d+)(%?)$/.exec(v) : null;
  return m ? { value: Number(m[1]), percent: m[2] === '%' } : undefined;
}

const show = (v: unknown) => (v === undefined ? 'unset' : String(v));

/**
 * PodDisruptionBudget bounds. More allowed disruptions (a higher maxUnavailable, a lower minAvailable,
 * both in the same unit) is `pdb-loosened`; a switch between minAvailable and maxUnavailable is listed
 * for a human to compare, since it depends on the replica count.
 */
export function compareDisruptionBudgets(before: Record<string, any>, after: Record<string, any>): Comparison {
  const subject = subjectOf(after);
  const changes: ChangeDraft[] = [];
  for (const field of ['maxUnavailable', 'minAvailable'] as const) {
    const a = before.spec?.[field];
    const b = after.spec?.[field];
    if (a === b) continue;
    const x = bound(a);
    const y = bound(b);
    let risks: Risk[] = [];
    let note: string | undefined;
    if (x && y && x.percent === y.percent) {
      const looser = field === 'maxUnavailable' ? y.value > x.value : y.value < x.value;
      if (looser) risks = [risk('pdb-loosened', `${field} ${show(a)} → ${show(b)}: more pods may be evicted at once`)];
    } else if (a !== undefined && b !== undefined) {
      note = 'compare by hand';
    }
    changes.push({ subject, aspect: 'disruption-budget', field, before: show(a), after: show(b), note, risks });
  }
  if (JSON.stringify(before.spec?.selector) !== JSON.stringify(after.spec?.selector)) {
    changes.push({ subject, aspect: 'disruption-budget', field: 'selector', before: JSON.stringify(before.spec?.selector?.matchLabels ?? before.spec?.selector ?? {}), after: JSON.stringify(after.spec?.selector?.matchLabels ?? after.spec?.selector ?? {}), note: 'check it still selects the workload', risks: [] });
  }
  return { changes, covered: [/^spec\.(maxUnavailable|minAvailable|selector)(\.|\[|$)/] };
}

function minimumRisk(field: string, a: number, b: number): Risk[] {
  return b <= 1 && a > 1 ? [risk('min-replicas-one', `${field} ${a} → ${b}`)] : [];
}

function bounds(subject: string, field: string, a: number, b: number, risks: Risk[] = []): ChangeDraft[] {
  return a === b ? [] : [{ subject, aspect: 'autoscaling', field, before: String(a), after: String(b), risks }];
}

/** HorizontalPodAutoscaler bounds; a minimum lowered to one pod is `min-replicas-one`. */
export function compareHorizontalAutoscalers(before: Record<string, any>, after: Record<string, any>): Comparison {
  const subject = subjectOf(after);
  const minA = before.spec?.minReplicas ?? 1;
  const minB = after.spec?.minReplicas ?? 1;
  return {
    changes: [
      ...bounds(subject, 'minReplicas', minA, minB, minimumRisk('minReplicas', minA, minB)),
      ...bounds(subject, 'maxReplicas', before.spec?.maxReplicas, after.spec?.maxReplicas),
    ],
    covered: [/^spec\.(minReplicas|maxReplicas)$/],
  };
}

const TRIGGER_THRESHOLDS = ['lagThreshold', 'activationLagThreshold', 'threshold', 'activationThreshold', 'value', 'targetValue', 'activationTargetValue', 'queueLength', 'activationQueueLength'];

/**
 * KEDA ScaledObject bounds (minReplicaCount defaults to 0, maxReplicaCount to 100) and the thresholds of
 * each trigger (e.g. NATS JetStream `lagThreshold`); a minimum lowered to one pod or none is
 * `min-replicas-one`.
 */
export function compareScaledObjects(before: Record<string, any>, after: Record<string, any>): Comparison {
  const subject = subjectOf(after);
  const minA = before.spec?.minReplicaCount ?? 0;
  const minB = after.spec?.minReplicaCount ?? 0;
  const changes: ChangeDraft[] = [
    ...bounds(subject, 'minReplicaCount', minA, minB, minimumRisk('minReplicaCount', minA, minB)),
    ...bounds(subject, 'maxReplicaCount', before.spec?.maxReplicaCount ?? 100, after.spec?.maxReplicaCount ?? 100),
  ];
  const triggers = (m: Record<string, any>) => new Map<string, Record<string, any>>((m.spec?.triggers ?? []).map((t: any, i: number) => [String(t?.name ?? `${t?.type}#${i}`), t ?? {}]));
  const a = triggers(before);
  const b = triggers(after);
  for (const name of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const old = a.get(name);
    const now = b.get(name);
    if (!old || !now) {
      changes.push({ subject, aspect: 'autoscaling', field: `trigger ${name}`, before: old?.type, after: now?.type, note: old ? 'removed' : 'added', risks: [] });
      continue;
    }
    for (const key of TRIGGER_THRESHOLDS) {
      const x = old.metadata?.[key];
      const y = now.metadata?.[key];
      if (x !== y) changes.push({ subject, aspect: 'autoscaling', field: `trigger ${name} ${key}`, before: show(x), after: show(y), risks: [] });
    }
  }
  const thresholdFields = TRIGGER_THRESHOLDS.join('|');
  return { changes, covered: [/^spec\.(minReplicaCount|maxReplicaCount)$/, new RegExp(`^spec\\.triggers\\[[^\\]]+\\]\\.metadata\\.(${thresholdFields})$`)] };
}
