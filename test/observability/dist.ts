import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadManifests } from '../../lib/validation/validate-manifests.js';

/** The committed dist/, as the reference platforms synthesize it. */
export const DIST = path.resolve(import.meta.dirname, '../../dist');

/** One object of dist/ with its unit (the folder below the environment). */
export interface DistObject {
  readonly object: Record<string, any>;
  /** `<platform>/<environment>` */
  readonly env: string;
  /** The GitOps unit: the folder below the environment. */
  readonly unit: string;
}

/** Every environment folder of dist/ (`<platform>/<environment>`). */
export function distEnvironments(): string[] {
  return readdirSync(DIST)
    .filter((p) => statSync(path.join(DIST, p)).isDirectory())
    .flatMap((platform) => readdirSync(path.join(DIST, platform)).filter((e) => statSync(path.join(DIST, platform, e)).isDirectory()).map((e) => `${platform}/${e}`))
    .sort();
}

/** The objects of one environment folder. */
export async function distObjects(env: string): Promise<DistObject[]> {
  const loaded = await loadManifests(path.join(DIST, env));
  return loaded.manifests.map((m) => {
    const rel = path.relative(path.join(DIST, env), m.file ?? m.location.split(': ')[0]!);
    return { object: m.object, env, unit: rel.split(path.sep)[0]! };
  });
}

/** Kubernetes' random-name alphabet: two pod-template hashes and a pod suffix drawn from it. */
export const STABLE_HASH = '7c9d8f6b54';
export const CANARY_HASH = '5f8b6d9c7';
export const POD_SUFFIX = 'x2k9q';

/** A pod a workload object makes: its labels and name, as the controllers make them. */
export interface SimulatedPod {
  readonly owner: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Record<string, string>;
}

/**
 * The pods of the workload objects of an environment, as their controllers name and label them: a Rollout's stable
 * and canary pods (template labels plus `rollouts-pod-template-hash`), a Deployment's (plus `pod-template-hash`), a
 * Job's (`<job>-<suffix>`, plus the Job's `batch.kubernetes.io/job-name`), a StatefulSet's (`<name>-0`).
 */
export function simulatedPods(objects: readonly DistObject[]): SimulatedPod[] {
  const out: SimulatedPod[] = [];
  for (const { object: o } of objects) {
    const ns = o.metadata?.namespace as string;
    const owner = `${o.kind}/${o.metadata?.name}`;
    const template = o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
    const labels = template?.metadata?.labels as Record<string, string> | undefined;
    if (!labels || !template?.spec?.containers) continue;
    const name = o.metadata.name as string;
    switch (o.kind) {
      case 'Rollout':
        for (const hash of [STABLE_HASH, CANARY_HASH]) out.push({ owner, namespace: ns, name: `${name}-${hash}-${POD_SUFFIX}`, labels: { ...labels, 'rollouts-pod-template-hash': hash } });
        break;
      case 'Deployment':
        out.push({ owner, namespace: ns, name: `${name}-${STABLE_HASH}-${POD_SUFFIX}`, labels: { ...labels, 'pod-template-hash': STABLE_HASH } });
        break;
      case 'Job':
        out.push({ owner, namespace: ns, name: `${name}-${POD_SUFFIX}`, labels: { ...labels, 'batch.kubernetes.io/job-name': name } });
        break;
      case 'StatefulSet':
        out.push({ owner, namespace: ns, name: `${name}-0`, labels });
        break;
      default:
        out.push({ owner, namespace: ns, name: `${name}-${POD_SUFFIX}`, labels });
    }
  }
  return out;
}

/** Whether a label selector (matchLabels and matchExpressions) selects a label set. */
export function selects(selector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] }, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const inValues = has && (e.values ?? []).includes(labels[e.key]!);
    if (e.operator === 'In' && !inValues) return false;
    if (e.operator === 'NotIn' && inValues) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
