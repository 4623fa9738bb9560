import { isKind, isRecord, type Manifest } from './manifest.js';

/**
 * The annotation that names the GitOps instance — the Argo CD or the Flux — an object is applied to by hand: the
 * GitOps targets write it on each environment's bootstrap objects (the root Application and its AppProject, the
 * root Kustomization). Everything else follows from the tree: what a root applies lands in that instance's
 * cluster, an Application's in-cluster destination is the cluster of the Argo CD that holds it, any other
 * destination server is a cluster of its own. Equal values mean the same instance: one Argo CD that syncs several
 * environments (`sharedArgoCd`) writes the same value into each environment's bootstrap objects.
 */
export const GITOPS_INSTANCE_ANNOTATION = 'delivery.cdk8s.io/gitops-instance';

/** The API server of the cluster an Argo CD runs in, as an Application destination names it. */
const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/** The cluster of objects whose tree says nothing (no GitOps object applies them): the one cluster the set is assumed to be. */
export const ASSUMED_CLUSTER = 'the cluster these manifests are applied to';

/** What the GitOps objects of a set of manifests say about where each manifest is applied. */
export interface GitOpsTree {
  /**
   * The clusters a manifest is applied to (usually one): a readable name, equal names for the same cluster —
   * `the cluster of Argo CD shop-dev`, `https://prod.example:6443`, or {@link ASSUMED_CLUSTER}.
   */
  clustersOf(manifest: Manifest): readonly string[];
  /**
   * The namespace a namespaced manifest lands in: the Flux Kustomization's `spec.targetNamespace` (which overrides
   * the manifest's own), the manifest's `metadata.namespace`, or the Argo CD Application's destination namespace.
   */
  namespaceOf(manifest: Manifest): string | undefined;
  /** The Argo CD Applications and Flux Kustomizations that apply a manifest's file. */
  appliersOf(manifest: Manifest): readonly Manifest[];
  /**
   * The clusters an Argo CD Application (of any source: a folder, a Helm chart) or a Flux Kustomization deploys
   * to; for other objects, where they are applied ({@link clustersOf}).
   */
  destinationsOf(manifest: Manifest): readonly string[];
}

/** A GitOps object that applies a folder of the repository: an Argo CD Application or a Flux Kustomization. */
interface Applier {
  readonly manifest: Manifest;
  readonly tool: 'Argo CD' | 'Flux';
  /** Folder paths in the repository, as written (`dist/shop/dev/orders`, `./dist/shop/dev/flux`). */
  readonly paths: readonly string[];
  /** Whether files below the folder's subfolders are applied too (Flux always; Argo CD with `directory.recurse`). */
  readonly recursive: boolean;
}

/** The file of a manifest: `Manifest.file`, or the part of `location` before `: ` (validate's `file: Kind/ns/name`). */
export function fileOf(manifest: Manifest): string {
  if (manifest.file !== undefined) return manifest.file;
  return manifest.location.split(': ')[0]!.replace(/#\d+(\.items\[\d+\])?$/, '');
}

const dirOf = (file: string) => (file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '');
const segments = (p: string) => p.split('/').filter((s) => s !== '' && s !== '.');

/**
 * Reads the GitOps tree of a set of manifests: which Argo CD Application or Flux Kustomization applies each file
 * (by the folder paths they name, matched against the files' folders whatever the folder holding the set is called),
 * and so into which cluster, starting from the roots that carry {@link GITOPS_INSTANCE_ANNOTATION}. A set without
 * GitOps objects (or hand-written roots without the annotation) is one cluster, {@link ASSUMED_CLUSTER}.
 */
export function readGitOpsTree(manifests: readonly Manifest[]): GitOpsTree {
  const appliers = manifests.flatMap((m): Applier[] => {
    const o = m.object;
    if (isKind(o, 'argoproj.io', 'Application') && isRecord(o.spec)) {
      const sources = [o.spec.source, ...(Array.isArray(o.spec.sources) ? o.spec.sources : [])].filter((s): s is Record<string, any> => isRecord(s) && typeof s.path === 'string' && s.chart === undefined);
      if (sources.length === 0) return [];
      return [{ manifest: m, tool: 'Argo CD', paths: sources.map((s) => s.path), recursive: sources.some((s) => s.directory?.recurse === true) }];
    }
    if (isKind(o, 'kustomize.toolkit.fluxcd.io', 'Kustomization') && isRecord(o.spec)) {
      return [{ manifest: m, tool: 'Flux', paths: [typeof o.spec.path === 'string' ? o.spec.path : './'], recursive: true }];
    }
    return [];
  });
  const localFolder = alignRepositoryPaths(appliers.flatMap((a) => a.paths), manifests.map((m) => dirOf(fileOf(m))));
  // Folder → the appliers of exactly that folder, and of it and everything below (recursive ones).
  const exact = new Map<string, Set<Applier>>();
  const below = new Map<string, Set<Applier>>();
  for (const a of appliers) {
    for (const folder of a.paths.map(localFolder)) {
      if (folder === undefined) continue;
      const index = a.recursive ? below : exact;
      index.set(folder, (index.get(folder) ?? new Set()).add(a));
    }
  }
  const order = new Map(appliers.map((a, i) => [a, i]));
  const appliersByManifest = new Map<Manifest, Applier[]>();
  const appliersOf = (m: Manifest): Applier[] => {
    let found = appliersByManifest.get(m);
    if (found) return found;
    const dir = dirOf(fileOf(m));
    const owners = new Set(exact.get(dir) ?? []);
    for (let at = dir; ; at = dirOf(at)) {
      for (const a of below.get(at) ?? []) owners.add(a);
      if (at === '' || at === '/') break;
    }
    owners.forEach((a) => a.manifest === m && owners.delete(a));
    // In the order of the set (indexed: a scan of every applier per manifest cost objects × Applications).
    found = [...owners].sort((a, b) => order.get(a)! - order.get(b)!);
    appliersByManifest.set(m, found);
    return found;
  };

  const clusters = new Map<Manifest, readonly string[]>();
  const visiting = new Set<Manifest>();
  const clustersOf = (m: Manifest): readonly string[] => {
    const known = clusters.get(m);
    if (known) return known;
    if (visiting.has(m)) return [ASSUMED_CLUSTER]; // a cycle of Applications: nothing to learn from it
    visiting.add(m);
    const owners = appliersOf(m);
    let out: string[];
    if (owners.length > 0) {
      out = [...new Set(owners.flatMap((a) => clustersOf(a.manifest).map((home) => destinationOf(a.manifest, home))))];
    } else {
      const instance = m.object?.metadata?.annotations?.[GITOPS_INSTANCE_ANNOTATION];
      out = [typeof instance === 'string' && instance !== '' ? `the cluster of ${toolOf(m)} ${instance}` : ASSUMED_CLUSTER];
    }
    visiting.delete(m);
    clusters.set(m, out);
    return out;
  };

  return {
    clustersOf,
    appliersOf: (m) => appliersOf(m).map((a) => a.manifest),
    destinationsOf: (m) => [...new Set(clustersOf(m).map((home) => destinationOf(m, home)))],
    namespaceOf(m) {
      const owners = appliersOf(m);
      const nonEmpty = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
      const flux = owners.find((a) => a.tool === 'Flux' && nonEmpty(a.manifest.object.spec.targetNamespace));
      if (flux) return flux.manifest.object.spec.targetNamespace;
      const own = nonEmpty(m.object?.metadata?.namespace);
      if (own) return own;
      return owners.map((a) => (a.tool === 'Argo CD' ? nonEmpty(a.manifest.object.spec.destination?.namespace) : undefined)).find((n) => n !== undefined);
    },
  };
}

/** Argo CD or Flux, by the API group of a GitOps object (what the instance annotation names). */
function toolOf(m: Manifest): string {
  const apiVersion = String(m.object?.apiVersion ?? '');
  if (apiVersion.startsWith('argoproj.io/')) return 'Argo CD';
  if (apiVersion.includes('toolkit.fluxcd.io/')) return 'Flux';
  return 'GitOps instance';
}

/**
 * The cluster an Argo CD Application or a Flux Kustomization or HelmRelease applies to, given the cluster it lives
 * in (`home`): an Application's in-cluster destination (or none) is the cluster of its own Argo CD; a named cluster
 * is one registered in that Argo CD; a server URL is that cluster. Flux applies to its own cluster unless the
 * object names a kubeconfig. Any other object: `home`.
 */
function destinationOf(m: Manifest, home: string): string {
  const spec = isRecord(m.object?.spec) ? m.object.spec : {};
  if (String(m.object?.apiVersion ?? '').includes('toolkit.fluxcd.io/')) {
    const secret = spec.kubeConfig?.secretRef?.name;
    return typeof secret === 'string' ? `the cluster of kubeconfig Secret ${secret} (from ${home})` : home;
  }
  if (!isKind(m.object, 'argoproj.io', 'Application')) return home;
  const server = spec.destination?.server;
  const name = spec.destination?.name;
  if (typeof server === 'string' && server !== '' && server !== IN_CLUSTER_SERVER) return server.replace(/\/+$/, '');
  if (typeof name === 'string' && name !== '' && name !== 'in-cluster' && (typeof server !== 'string' || server === '')) return `the cluster "${name}" registered in ${home}`;
  return home;
}

/**
 * Maps folder paths as GitOps objects name them in the repository (`dist/shop/dev/orders`) to the folders of the
 * manifests at hand (`dist/shop/dev/orders`, `/tmp/copy/shop/dev/orders`, `shop/dev/orders` below dist/): the
 * repository prefix and local prefix that the most paths agree on, each path matched on its longest common
 * suffix with a local folder. A copy of dist/ under any name, or the synth's own paths below the output folder,
 * resolve alike. Paths outside the matched prefix resolve to nothing.
 */
function alignRepositoryPaths(paths: readonly string[], localDirs: readonly string[]): (path: string) => string | undefined {
  const dirs = [...new Set(localDirs)];
  const byLast = new Map<string, string[]>();
  for (const d of dirs) {
    const last = segments(d).at(-1) ?? '';
    byLast.set(last, [...(byLast.get(last) ?? []), d]);
  }
  const votes = new Map<string, { repo: string[]; local: string; count: number }>();
  for (const p of new Set(paths)) {
    const ps = segments(p);
    if (ps.length === 0) continue;
    const voted = new Set<string>();
    for (const d of byLast.get(ps.at(-1)!) ?? []) {
      const ds = d.split('/');
      let s = 0;
      while (s < ps.length && s < ds.length && ps[ps.length - 1 - s] === ds[ds.length - 1 - s]) s++;
      const repo = ps.slice(0, ps.length - s);
      const local = ds.slice(0, ds.length - s).join('/');
      const key = `${repo.join('/')}\u0000${local}`;
      if (voted.has(key)) continue;
      voted.add(key);
      const entry = votes.get(key) ?? { repo, local, count: 0 };
      entry.count++;
      votes.set(key, entry);
    }
  }
  const best = [...votes.values()].sort((a, b) => b.count - a.count || a.repo.length - b.repo.length)[0];
  if (!best) return () => undefined;
  return (p) => {
    const ps = segments(p);
    if (ps.length < best.repo.length || best.repo.some((s, i) => ps[i] !== s)) return undefined;
    const rest = ps.slice(best.repo.length).join('/');
    if (best.local === '') return rest;
    return rest === '' ? best.local : `${best.local}/${rest}`;
  };
}
