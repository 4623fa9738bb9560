import { analysisTemplatesOf, BlueGreenPlan, CanaryPlan, CanaryPlanStep, DeliveryPlan, deliveryPlanOf, describePlan, describeSteps, PodCount } from '../delivery-plan.js';
import { containersOf, subjectOf } from '../manifests.js';
import { ChangeDraft, risk, Risk } from './change.js';
import { describeImageChange, parseImage, shortImage } from './images.js';

/** What a comparator found, and which leaf fields it has explained (the rest is listed as "other fields"). */
export interface Comparison {
  readonly changes: ChangeDraft[];
  readonly covered: readonly RegExp[];
}

const IMAGE_FIELD = /^spec\.(template|jobTemplate\.spec\.template)\.spec\.(initContainers|containers)\[[^\]]+\]\.image$/;
const STRATEGY_FIELDS = /^spec\.(strategy|updateStrategy|progressDeadlineSeconds|progressDeadlineAbort)(\.|\[|$)/;
/** The strategy fields a plan explains when its kind and steps did not change (step args and the like stay "other fields"). */
const PLAN_FIELDS = [
  /^spec\.(progressDeadlineSeconds|progressDeadlineAbort)$/,
  /^spec\.strategy\.(type|rollingUpdate\.maxSurge|rollingUpdate\.maxUnavailable)$/,
  /^spec\.updateStrategy\.(type|rollingUpdate\.(maxSurge|maxUnavailable))$/,
  /^spec\.strategy\.canary\.(maxSurge|maxUnavailable|abortScaleDownDelaySeconds|trafficRouting(\.|\[|$)|analysis\.templates(\.|\[|$))/,
  /^spec\.strategy\.canary\.steps\[\d+\]\.(setWeight|pause(\.|$)|analysis\.templates(\.|\[|$))/,
  /^spec\.strategy\.blueGreen\.(activeService|previewService|autoPromotionEnabled|autoPromotionSeconds|previewReplicaCount|scaleDownDelaySeconds|abortScaleDownDelaySeconds|(pre|post)PromotionAnalysis\.templates(\.|\[|$))/,
];

/** Strictness of a strategy: a downgrade is a move to a lower rank. */
const RANK: Record<DeliveryPlan['kind'], number> = { canary: 3, blueGreen: 3, rolling: 2, onDelete: 1, recreate: 0 };

/** Image changes of every container of a workload, Job or CronJob (containers added or removed too). */
export function compareImages(before: Record<string, any>, after: Record<string, any>): Comparison {
  const subject = subjectOf(after);
  const images = (m: Record<string, any>) => new Map(containersOf(m).map((c) => [String(c.name), String(c.image)]));
  const a = images(before);
  const b = images(after);
  const changes: ChangeDraft[] = [];
  for (const name of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const old = a.get(name);
    const now = b.get(name);
    if (old === now) continue;
    if (old !== undefined && now !== undefined) {
      changes.push({ subject, aspect: 'image', field: `image ${name}`, ...describeImageChange(old, now), risks: [] });
    } else {
      changes.push({ subject, aspect: 'image', field: `container ${name}`, before: old && shortImage(parseImage(old)), after: now && shortImage(parseImage(now)), note: old === undefined ? 'added' : 'removed', risks: [] });
    }
  }
  return { changes, covered: [IMAGE_FIELD] };
}

const count = (v: PodCount | undefined) => (v === undefined ? undefined : String(v));

function signatureCounts(steps: readonly CanaryPlanStep[]): Record<string, number> {
  const out: Record<string, number> = { 'traffic step': 0, 'analysis gate': 0, pause: 0, experiment: 0 };
  for (const s of steps) {
    if (s.kind === 'setWeight') out['traffic step']++;
    if (s.kind === 'analysis') out['analysis gate']++;
    if (s.kind === 'pause') out.pause++;
    if (s.kind === 'experiment') out.experiment++;
  }
  return out;
}

/** Traffic before the first gate, and the biggest step between weights (the final promotion to 100% aside). */
function exposure(steps: readonly CanaryPlanStep[]): { first: number; biggestStep: number } {
  const weights = steps.flatMap((s) => (s.kind === 'setWeight' ? [s.weight] : []));
  let previous = 0;
  let biggestStep = 0;
  for (const w of weights) {
    biggestStep = Math.max(biggestStep, w - previous);
    previous = w;
  }
  return { first: weights[0] ?? 100, biggestStep };
}

function stepRisks(a: CanaryPlan, b: CanaryPlan): Risk[] {
  const risks: Risk[] = [];
  const before = signatureCounts(a.steps);
  const after = signatureCounts(b.steps);
  const fewer = Object.keys(before).filter((k) => after[k] < before[k]).map((k) => `${k}s ${before[k]} → ${after[k]}`);
  if (fewer.length > 0) risks.push(risk('canary-step-skipped', `fewer ${fewer.join(', ')}`));
  const x = exposure(a.steps);
  const y = exposure(b.steps);
  const jumps: string[] = [];
  if (y.first > x.first) jumps.push(`first weight ${x.first}% → ${y.first}%`);
  if (y.biggestStep > x.biggestStep) jumps.push(`biggest weight step ${x.biggestStep} → ${y.biggestStep} points`);
  if (jumps.length > 0) risks.push(risk('canary-weight-jump', jumps.join(', ')));
  return risks;
}

function setting(subject: string, field: string, before: unknown, after: unknown, risks: Risk[] = []): ChangeDraft[] {
  if (before === after) return [];
  return [{ subject, aspect: 'strategy', field, before: before === undefined ? undefined : String(before), after: after === undefined ? undefined : String(after), risks }];
}

function compareCanaries(subject: string, a: CanaryPlan, b: CanaryPlan): ChangeDraft[] {
  const out: ChangeDraft[] = [];
  const stepsBefore = describeSteps(a.steps);
  const stepsAfter = describeSteps(b.steps);
  if (stepsBefore !== stepsAfter) out.push({ subject, aspect: 'canary-steps', field: 'canary steps', before: stepsBefore, after: stepsAfter, risks: stepRisks(a, b) });
  out.push(...setting(subject, 'canary maxSurge', count(a.maxSurge), count(b.maxSurge)));
  out.push(...setting(subject, 'canary maxUnavailable', count(a.maxUnavailable), count(b.maxUnavailable)));
  out.push(...setting(subject, 'traffic routing', a.trafficRouter ?? 'none (basic canary)', b.trafficRouter ?? 'none (basic canary)'));
  out.push(...setting(subject, 'background analysis', a.backgroundAnalysis.join(', ') || 'none', b.backgroundAnalysis.join(', ') || 'none'));
  out.push(...setting(subject, 'progressDeadlineAbort', a.progressDeadlineAbort, b.progressDeadlineAbort));
  out.push(...setting(subject, 'abortScaleDownDelaySeconds', a.abortScaleDownDelaySeconds, b.abortScaleDownDelaySeconds));
  return out;
}

function compareBlueGreens(subject: string, a: BlueGreenPlan, b: BlueGreenPlan): ChangeDraft[] {
  const shorter = b.scaleDownDelaySeconds < a.scaleDownDelaySeconds ? [risk('rollback-window-shortened', `blue kept ${a.scaleDownDelaySeconds} s → ${b.scaleDownDelaySeconds} s after promotion`)] : [];
  return [
    ...setting(subject, 'activeService', a.activeService, b.activeService),
    ...setting(subject, 'previewService', a.previewService ?? 'none', b.previewService ?? 'none'),
    ...setting(subject, 'autoPromotionEnabled', a.autoPromotionEnabled, b.autoPromotionEnabled),
    ...setting(subject, 'autoPromotionSeconds', a.autoPromotionSeconds ?? 'none', b.autoPromotionSeconds ?? 'none'),
    ...setting(subject, 'previewReplicaCount', a.previewReplicaCount ?? 'full size', b.previewReplicaCount ?? 'full size'),
    ...setting(subject, 'scaleDownDelaySeconds', a.scaleDownDelaySeconds, b.scaleDownDelaySeconds, shorter),
    ...setting(subject, 'abortScaleDownDelaySeconds', a.abortScaleDownDelaySeconds, b.abortScaleDownDelaySeconds),
    ...setting(subject, 'prePromotionAnalysis', a.prePromotionAnalysis.join(', ') || 'none', b.prePromotionAnalysis.join(', ') || 'none'),
    ...setting(subject, 'postPromotionAnalysis', a.postPromotionAnalysis.join(', ') || 'none', b.postPromotionAnalysis.join(', ') || 'none'),
    ...setting(subject, 'progressDeadlineAbort', a.progressDeadlineAbort, b.progressDeadlineAbort),
  ];
}

/**
 * Strategy changes of a workload: the strategy itself (a downgrade in production is a risk), canary
 * steps (skipped steps, bigger weight jumps), blue-green settings (a shorter rollback window), rolling
 * surge, and analysis removed from a Rollout that still is progressive.
 */
export function compareStrategies(before: Record<string, any>, after: Record<string, any>, production: boolean): Comparison {
  const subject = subjectOf(after);
  const a = deliveryPlanOf(before);
  const b = deliveryPlanOf(after);
  if (!a || !b) return { changes: [], covered: [] };
  const changes: ChangeDraft[] = [];
  const reshaped = a.kind !== b.kind || (a.kind === 'canary' && b.kind === 'canary' && describeSteps(a.steps) !== describeSteps(b.steps));
  if (a.kind !== b.kind) {
    const downgraded = production && RANK[b.kind] < RANK[a.kind];
    changes.push({ subject, aspect: 'strategy', field: 'strategy', before: describePlan(a), after: describePlan(b), risks: downgraded ? [risk('strategy-downgraded', `${a.kind} → ${b.kind} in a production environment`)] : [] });
  } else if (a.kind === 'canary' && b.kind === 'canary') {
    changes.push(...compareCanaries(subject, a, b));
  } else if (a.kind === 'blueGreen' && b.kind === 'blueGreen') {
    changes.push(...compareBlueGreens(subject, a, b));
  } else if (a.kind === 'rolling' && b.kind === 'rolling') {
    changes.push(...setting(subject, 'maxSurge', count(a.maxSurge), count(b.maxSurge)));
    changes.push(...setting(subject, 'maxUnavailable', count(a.maxUnavailable), count(b.maxUnavailable)));
  }
  const templatesBefore = analysisTemplatesOf(a);
  const templatesAfter = analysisTemplatesOf(b);
  const stillProgressive = b.kind === 'canary' || b.kind === 'blueGreen';
  if (stillProgressive && templatesBefore.join() !== templatesAfter.join()) {
    const removed = templatesBefore.length > 0 && templatesAfter.length === 0;
    changes.push({ subject, aspect: 'analysis', field: 'analysis templates', before: templatesBefore.join(', ') || 'none', after: templatesAfter.join(', ') || 'none', risks: removed ? [risk('analysis-removed', 'the Rollout ran analysis before and runs none now')] : [] });
  }
  const progressDeadline = (p: DeliveryPlan) => ('progressDeadlineSeconds' in p ? p.progressDeadlineSeconds : undefined);
  changes.push(...setting(subject, 'progressDeadlineSeconds', progressDeadline(a), progressDeadline(b)));
  // A new strategy or new steps renumber every strategy field: the plan says it all. Otherwise only the
  // fields the plan shows are explained, and e.g. changed analysis args remain visible as "other fields".
  return { changes, covered: reshaped ? [STRATEGY_FIELDS] : PLAN_FIELDS };
}

/** Fixed replica counts (`spec.replicas`); lowering them to one pod or none is a risk. */
export function compareReplicas(before: Record<string, any>, after: Record<string, any>): Comparison {
  const a = before.spec?.replicas;
  const b = after.spec?.replicas;
  if (a === b) return { changes: [], covered: [/^spec\.replicas$/] };
  const describe = (n: unknown) => (n === undefined ? 'unset (autoscaler or default 1)' : String(n));
  const single = typeof b === 'number' && b <= 1 && (typeof a !== 'number' || a > 1);
  return {
    changes: [{ subject: subjectOf(after), aspect: 'replicas', field: 'replicas', before: describe(a), after: describe(b), risks: single ? [risk('min-replicas-one', `replicas ${describe(a)} → ${b}`)] : [] }],
    covered: [/^spec\.replicas$/],
  };
}
