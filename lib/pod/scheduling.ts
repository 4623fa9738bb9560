/** Where pods may run: tolerations, node selection and affinity, priority (issue 23). */

/** The effect of a taint a toleration matches. */
export enum TaintEffect {
  /** New pods are not scheduled on the node. */
  NO_SCHEDULE = 'NoSchedule',
  /** The scheduler avoids the node. */
  PREFER_NO_SCHEDULE = 'PreferNoSchedule',
  /** Running pods are evicted too (after `tolerationSeconds`, if set). */
  NO_EXECUTE = 'NoExecute',
}

/** A toleration of a node taint. */
export interface Toleration {
  /** The taint's key, e.g. `nvidia.com/gpu` or `dedicated`. */
  readonly key: string;
  /** The taint's value; leave it out to tolerate every value of the key (operator `Exists`). @default any value */
  readonly value?: string;
  /** The effect tolerated. @default every effect */
  readonly effect?: TaintEffect;
  /** With `NoExecute`: how long the pod stays on a node after the taint appears. @default forever */
  readonly tolerationSeconds?: number;
}

/** Operators of a node label requirement. */
export enum NodeSelectorOperator {
  IN = 'In',
  NOT_IN = 'NotIn',
  EXISTS = 'Exists',
  DOES_NOT_EXIST = 'DoesNotExist',
  GT = 'Gt',
  LT = 'Lt',
}

/** A requirement on a node label. */
export interface NodeLabelRequirement {
  /** The label key, e.g. `kubernetes.io/arch` or `topology.kubernetes.io/zone`. */
  readonly key: string;
  /** How the values apply. */
  readonly operator: NodeSelectorOperator;
  /** The values (one integer for Gt/Lt, none for Exists/DoesNotExist). @default none */
  readonly values?: readonly string[];
}

/** Node affinity of a workload's pods. */
export interface NodeAffinity {
  /** Requirements every node must meet (ANDed; `requiredDuringSchedulingIgnoredDuringExecution`). @default none */
  readonly required?: readonly NodeLabelRequirement[];
  /** Preferences, each with a weight from 1 to 100. @default none */
  readonly preferred?: readonly { readonly weight: number; readonly requirements: readonly NodeLabelRequirement[] }[];
}

/** The scheduling fields of a pod spec. */
export interface PodScheduling {
  readonly tolerations?: readonly Toleration[];
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly nodeAffinity?: NodeAffinity;
  readonly priorityClassName?: string;
}

type Problem = { field: string; value: unknown; message: string; fix: string };

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Problems with the scheduling props (fields named by `fieldOf`, which points at an override when one is used). */
export function checkScheduling(s: PodScheduling, fieldOf: (prop: keyof PodScheduling) => string): Problem[] {
  const out: Problem[] = [];
  (s.tolerations ?? []).forEach((t, i) => {
    const f = `${fieldOf('tolerations')}[${i}]`;
    if (!LABEL_KEY.test(t.key ?? '')) out.push({ field: `${f}.key`, value: t.key, message: 'is not a taint key', fix: 'use the key of the node taint, e.g. "dedicated" or "nvidia.com/gpu"' });
    if (t.value !== undefined && !LABEL_VALUE.test(t.value)) out.push({ field: `${f}.value`, value: t.value, message: 'is not a taint value', fix: 'use letters, digits, "-", "_" and "."' });
    if (t.tolerationSeconds !== undefined && t.effect !== TaintEffect.NO_EXECUTE) out.push({ field: `${f}.tolerationSeconds`, value: t.tolerationSeconds, message: 'only applies to the NoExecute effect', fix: 'set effect: TaintEffect.NO_EXECUTE, or remove tolerationSeconds' });
    if (t.tolerationSeconds !== undefined && !(Number.isInteger(t.tolerationSeconds) && t.tolerationSeconds >= 0)) out.push({ field: `${f}.tolerationSeconds`, value: t.tolerationSeconds, message: 'must be a whole number of at least 0', fix: 'use e.g. 300' });
  });
  for (const [k, v] of Object.entries(s.nodeSelector ?? {})) {
    if (!LABEL_KEY.test(k)) out.push({ field: `${fieldOf('nodeSelector')}.${k}`, value: k, message: 'is not a label key', fix: 'use a node label key such as "kubernetes.io/arch"' });
    if (!LABEL_VALUE.test(v)) out.push({ field: `${fieldOf('nodeSelector')}.${k}`, value: v, message: 'is not a label value', fix: 'use letters, digits, "-", "_" and "." (at most 63)' });
  }
  const requirements = (list: readonly NodeLabelRequirement[], f: string) =>
    list.forEach((r, i) => {
      const values = r.values ?? [];
      if (!LABEL_KEY.test(r.key)) out.push({ field: `${f}[${i}].key`, value: r.key, message: 'is not a label key', fix: 'use a node label key such as "topology.kubernetes.io/zone"' });
      const needs = { In: 'some', NotIn: 'some', Exists: 'none', DoesNotExist: 'none', Gt: 'one', Lt: 'one' }[r.operator];
      if ((needs === 'some' && values.length === 0) || (needs === 'none' && values.length > 0) || (needs === 'one' && !(values.length === 1 && /^-?[0-9]+$/.test(values[0])))) {
        out.push({ field: `${f}[${i}].values`, value: values, message: `does not fit operator ${r.operator}: it takes ${needs === 'some' ? 'one or more values' : needs === 'none' ? 'no values' : 'exactly one integer'}`, fix: 'give the values the operator needs' });
      }
    });
  requirements(s.nodeAffinity?.required ?? [], `${fieldOf('nodeAffinity')}.required`);
  (s.nodeAffinity?.preferred ?? []).forEach((p, i) => {
    if (!(Number.isInteger(p.weight) && p.weight >= 1 && p.weight <= 100)) out.push({ field: `${fieldOf('nodeAffinity')}.preferred[${i}].weight`, value: p.weight, message: 'must be a whole number from 1 to 100', fix: 'use e.g. 50' });
    requirements(p.requirements, `${fieldOf('nodeAffinity')}.preferred[${i}].requirements`);
  });
  if (s.priorityClassName !== undefined && !/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(s.priorityClassName)) {
    out.push({ field: fieldOf('priorityClassName'), value: s.priorityClassName, message: 'is not a PriorityClass name', fix: 'use the name of a PriorityClass of the cluster, e.g. "high-priority"' });
  }
  return out;
}

/** The pod spec fields of the scheduling props. */
export function renderScheduling(s: PodScheduling): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.tolerations?.length) {
    out.tolerations = s.tolerations.map((t) => ({
      key: t.key,
      operator: t.value === undefined ? 'Exists' : 'Equal',
      ...(t.value !== undefined ? { value: t.value } : {}),
      ...(t.effect ? { effect: t.effect } : {}),
      ...(t.tolerationSeconds !== undefined ? { tolerationSeconds: t.tolerationSeconds } : {}),
    }));
  }
  if (s.nodeSelector && Object.keys(s.nodeSelector).length > 0) out.nodeSelector = { ...s.nodeSelector };
  const expressions = (list: readonly NodeLabelRequirement[]) => list.map((r) => ({ key: r.key, operator: r.operator, ...(r.values?.length ? { values: [...r.values] } : {}) }));
  const affinity: Record<string, unknown> = {};
  if (s.nodeAffinity?.required?.length) affinity.requiredDuringSchedulingIgnoredDuringExecution = { nodeSelectorTerms: [{ matchExpressions: expressions(s.nodeAffinity.required) }] };
  if (s.nodeAffinity?.preferred?.length) affinity.preferredDuringSchedulingIgnoredDuringExecution = s.nodeAffinity.preferred.map((p) => ({ weight: p.weight, preference: { matchExpressions: expressions(p.requirements) } }));
  if (Object.keys(affinity).length > 0) out.affinity = { nodeAffinity: affinity };
  if (s.priorityClassName) out.priorityClassName = s.priorityClassName;
  return out;
}
