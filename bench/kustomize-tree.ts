import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';

/** An object as dumped by synth-worker. */
export interface DumpedObject {
  readonly path: string;
  readonly manifest: Record<string, any>;
}

/** What {@link writeKustomizeTree} wrote. */
export interface KustomizeTree {
  /** One overlay per platform and environment: what an Argo CD Application points at and builds. */
  readonly builds: { readonly environment: string; readonly dir: string }[];
  /** One kustomization per environment aggregating every platform's overlay (one build per environment). */
  readonly aggregateBuilds: { readonly environment: string; readonly dir: string }[];
  /** Objects each environment emits: the prod objects of every platform. */
  readonly objectsPerEnvironment: number;
  /** Patches, image and replica entries written over all overlays. */
  readonly overlayEntries: number;
}

const WORKLOAD_KINDS = new Set(['Deployment', 'Rollout']);

/** Argo Rollouts' kinds are unknown to kustomize's images and replicas transformers until configured. */
const ROLLOUT_CONFIG = {
  images: [{ path: 'spec/template/spec/containers/image', kind: 'Rollout' }],
  replicas: [{ path: 'spec/replicas', kind: 'Rollout' }],
};

/**
 * The kustomize equivalent of the synthesized objects, laid out as a team would: per platform, a base
 * holding the prod objects (one file per object) and three overlays (dev, staging, prod) that set the
 * namespace, pin every workload's image, set replicas where the environment fixes them, and patch each
 * workload's container resources to the environment's values. Each overlay is one build, as Argo CD
 * runs it per Application; per environment, one kustomization also aggregates the platforms' overlays
 * (one build per environment, slower: see bench/README.md). Every environment emits the prod object set.
 */
export function writeKustomizeTree(objects: readonly DumpedObject[], root: string): KustomizeTree {
  const byPlatformEnv = new Map<string, DumpedObject[]>();
  for (const o of objects) {
    const [platform, environment] = o.path.split('/');
    const key = `${platform}/${environment}`;
    const group = byPlatformEnv.get(key);
    if (group) group.push(o);
    else byPlatformEnv.set(key, [o]);
  }
  const platforms = [...new Set(objects.map((o) => o.path.split('/')[0]!))].sort();
  const environments = [...new Set(objects.map((o) => o.path.split('/')[1]!))].sort();
  let objectsPerEnvironment = 0;
  let overlayEntries = 0;
  const builds: { environment: string; dir: string }[] = [];
  for (const platform of platforms) {
    const base = byPlatformEnv.get(`${platform}/prod`) ?? [];
    objectsPerEnvironment += base.length;
    const resources = base.map((o) => o.path.split('/').slice(2).join('/'));
    base.forEach((o, i) => write(join(root, platform, 'base', resources[i]!), stringify(o.manifest)));
    write(join(root, platform, 'base', 'kustomization.yaml'), stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources }));
    const baseKinds = new Map(base.filter((o) => WORKLOAD_KINDS.has(o.manifest.kind)).map((o) => [o.manifest.metadata.name as string, o.manifest.kind as string]));
    for (const environment of environments) {
      const overlay = overlayOf(byPlatformEnv.get(`${platform}/${environment}`) ?? [], baseKinds, environment === 'prod' ? undefined : `${platform}-${environment}`);
      overlayEntries += overlay.images.length + overlay.replicas.length + overlay.patches.length;
      const dir = join(root, platform, 'overlays', environment);
      write(join(dir, 'rollout-config.yaml'), stringify(ROLLOUT_CONFIG));
      write(join(dir, 'kustomization.yaml'), stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['../../base'], configurations: ['rollout-config.yaml'], ...overlay }));
      builds.push({ environment, dir });
    }
  }
  const aggregateBuilds = environments.map((environment) => {
    const dir = join(root, 'environments', environment);
    write(join(dir, 'kustomization.yaml'), stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: platforms.map((p) => `../../${p}/overlays/${environment}`) }));
    return { environment, dir };
  });
  return { builds, aggregateBuilds, objectsPerEnvironment, overlayEntries };
}

/** The overlay fields that turn the prod base into this environment's workloads. */
function overlayOf(objects: readonly DumpedObject[], baseKinds: ReadonlyMap<string, string>, namespace: string | undefined) {
  const images: Record<string, string>[] = [];
  const replicas: { name: string; count: number }[] = [];
  const patches: { target: { kind: string; name: string }; patch: string }[] = [];
  for (const o of objects) {
    const m = o.manifest;
    const baseKind = baseKinds.get(m.metadata?.name);
    if (!WORKLOAD_KINDS.has(m.kind) || baseKind === undefined) continue;
    const container = m.spec.template.spec.containers[0];
    const image = String(container.image);
    const at = image.indexOf('@');
    const colon = image.lastIndexOf(':');
    images.push(at >= 0 ? { name: image.slice(0, at), digest: image.slice(at + 1) } : { name: image.slice(0, colon), newTag: image.slice(colon + 1) });
    if (typeof m.spec.replicas === 'number') replicas.push({ name: m.metadata.name, count: m.spec.replicas });
    patches.push({
      target: { kind: baseKind, name: m.metadata.name },
      patch: stringify([{ op: 'replace', path: '/spec/template/spec/containers/0/resources', value: container.resources }]),
    });
  }
  return { ...(namespace ? { namespace } : {}), images, replicas, patches };
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}
