import { SYNC_WAVE_ANNOTATION } from '../core/sync-wave.js';
import { DeliveryStage } from '../platform/output-folder.js';

/**
 * A manifest as the review tools see it: its path relative to the output folder
 * (`<platform>/<environment>/<folder>/<file>`) and the object. A {@link SynthesizedObject} is one; so is a
 * manifest read back from dist/ or from git.
 */
export interface ReviewObject {
  readonly path: string;
  readonly manifest: Record<string, any>;
  /** Delivery stage of the object's unit folder; undefined for the GitOps objects (and for manifests read from disk). */
  readonly stage?: DeliveryStage;
}

/** Where a path sits in the output layout. Missing levels are `-`, so hand-placed files still group. */
export interface Location {
  readonly platform: string;
  readonly environment: string;
  /** The unit (app) folder. */
  readonly unit: string;
}

/** The platform, environment and unit folder of a path `<platform>/<environment>/<unit>/<file>`. */
export function locationOf(path: string): Location {
  const parts = path.split('/');
  const folders = parts.slice(0, -1);
  return { platform: folders[0] ?? '-', environment: folders[1] ?? '-', unit: folders.slice(2).join('/') || '-' };
}

/** Annotation Argo CD reads the hook phase from. */
export const HOOK_ANNOTATION = 'argocd.argoproj.io/hook';

/** The object's Argo CD sync wave (0 when unset, as Argo CD treats it). */
export function waveOf(manifest: Record<string, any>): number {
  const raw = manifest.metadata?.annotations?.[SYNC_WAVE_ANNOTATION];
  const wave = raw === undefined ? 0 : Number(raw);
  return Number.isFinite(wave) ? wave : 0;
}

/** The object's Argo CD hook phase (`PreSync`, `PostSync`, …), if it is a hook. */
export function hookOf(manifest: Record<string, any>): string | undefined {
  const hook = manifest.metadata?.annotations?.[HOOK_ANNOTATION];
  return typeof hook === 'string' && hook !== '' ? hook : undefined;
}

/** The kinds whose pods a strategy replaces (what a reviewer calls a workload). */
export const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Deployment', 'Rollout', 'StatefulSet', 'DaemonSet']);

/** True for Deployments, Rollouts, StatefulSets and DaemonSets. */
export function isWorkload(manifest: Record<string, any>): boolean {
  return WORKLOAD_KINDS.has(manifest.kind);
}

/** `Kind/name`, how reviewers name an object. */
export function subjectOf(manifest: Record<string, any>): string {
  const part = (v: unknown, absent: string) => (v === undefined || v === null ? absent : typeof v === 'string' ? v : JSON.stringify(v));
  return `${part(manifest.kind, 'Object')}/${part(manifest.metadata?.name, 'unnamed')}`;
}

/** The pod spec of a workload, Job or CronJob. */
export function podSpecOf(manifest: Record<string, any>): Record<string, any> | undefined {
  if (manifest.kind === 'CronJob') return manifest.spec?.jobTemplate?.spec?.template?.spec;
  if (manifest.kind === 'Pod') return manifest.spec;
  return manifest.spec?.template?.spec;
}

/** Every container (init containers first) of a pod spec. */
export function containersOf(manifest: Record<string, any>): Record<string, any>[] {
  const spec = podSpecOf(manifest);
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].filter((c) => c && typeof c === 'object');
}

/** Objects grouped by `<platform>/<environment>`, in path order. */
export function byEnvironment<T extends ReviewObject>(objects: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const o of [...objects].sort((a, b) => compareText(a.path, b.path))) {
    const { platform, environment } = locationOf(o.path);
    const key = `${platform}/${environment}`;
    out.set(key, [...(out.get(key) ?? []), o]);
  }
  return out;
}

/** Code-point order (locale-independent, so output is the same on every machine). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Environments whose names mean production (`prod`, `production`, `prd`, optionally with a suffix such as
 * `prod-eu`): where a downgraded strategy is a risk and not just a change.
 */
export function isProductionEnvironment(name: string): boolean {
  return /^(prod|production|prd)([-_.].*)?$/.test(name);
}
