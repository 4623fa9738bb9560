import { isDestinationPermitted, isSourcePermitted } from './argocd-project-rules.js';
import type { Finding } from './finding.js';
import { type GitOpsTree, readGitOpsTree } from './gitops-tree.js';
import { FindingSink, type Manifest, isKind, isRecord, nameOf } from './manifest.js';
import { ResourceScopes } from './schema/scopes.js';

/** Rules over the whole set of manifests: what one Argo CD (or Flux) would sync together. */
export const OBJECT_SET_RULES = {
  duplicate: 'gitops/duplicate-object',
  projectNotInSet: 'argocd/project-not-in-set',
  defaultProject: 'argocd/default-project',
  projectSource: 'argocd/project-source',
  projectDestination: 'argocd/project-destination',
} as const;

/** Warning-level: the AppProject may exist in the cluster already. */
export const OBJECT_SET_WARNING_RULES: ReadonlySet<string> = new Set([OBJECT_SET_RULES.projectNotInSet]);

const groupOf = (apiVersion: unknown) => (typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');

/** What {@link checkDuplicateObjects} knows beyond the manifests. */
export interface ObjectSetOptions {
  /** The GitOps tree of the set. @default read from the manifests themselves */
  readonly tree?: GitOpsTree;
  /** Which kinds are namespaced. @default the core kinds and the pinned CRDs */
  readonly scopes?: ResourceScopes;
}

/**
 * No two objects with the same group, kind, namespace and name in one cluster: applied together (one Argo CD
 * Application tree, one Flux Kustomization), the later one silently replaces the earlier, and two Applications that
 * own them fight forever under selfHeal. Which cluster each object goes to is read from the GitOps tree in the set
 * (./gitops-tree.ts: the roots' instance annotation, each Application's and Kustomization's folder and
 * destination), never from folder names; a set without GitOps objects is one cluster. The synth runs the same
 * check on what it is about to write, so both give the same verdict.
 */
export function checkDuplicateObjects(manifests: readonly Manifest[], options: ObjectSetOptions = {}): Finding[] {
  const tree = options.tree ?? readGitOpsTree(manifests);
  const scopes = options.scopes ?? ResourceScopes.pinned();
  const seen = new Map<string, Manifest>();
  const out: Finding[] = [];
  for (const m of manifests) {
    if (!isRecord(m.object) || typeof m.object.kind !== 'string' || !nameOf(m.object)) continue;
    const namespace = scopes.isNamespaced(m.object.apiVersion, m.object.kind) === false ? '' : (tree.namespaceOf(m) ?? '');
    const identity = `${groupOf(m.object.apiVersion)}|${m.object.kind}|${namespace}|${nameOf(m.object)}`;
    for (const cluster of tree.clustersOf(m)) {
      const first = seen.get(`${cluster}|${identity}`);
      if (!first) {
        seen.set(`${cluster}|${identity}`, m);
        continue;
      }
      const sink = new FindingSink(m.location);
      sink.add(
        'metadata.name',
        nameOf(m.object),
        OBJECT_SET_RULES.duplicate,
        `is the same ${groupOf(m.object.apiVersion) || 'core'}/${m.object.kind} ${namespace ? `${namespace}/` : ''}${nameOf(m.object)} as ${first.location}, and both are applied to ${cluster}: each apply overwrites the other, and two Applications that own it fight forever under selfHeal`,
        duplicateFix(m, sameSet(tree.appliersOf(first), tree.appliersOf(m))),
      );
      out.push(...sink.findings);
    }
  }
  return out;
}

const sameSet = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((x) => b.includes(x));

/** How to resolve a duplicate: within one folder's owner a rename; across owners, what the platform should say. */
function duplicateFix(m: Manifest, sameOwners: boolean): string {
  if (sameOwners) return 'rename one of the two objects';
  if (isKind(m.object, 'argoproj.io', 'Application') || isKind(m.object, 'argoproj.io', 'AppProject')) {
    return 'give each environment\'s Applications names of their own (PlatformControllers `namePrefix`, the data service\'s name): one Argo CD holds the Applications of every environment it syncs in one namespace; or, if each environment has an Argo CD of its own, leave out `sharedArgoCd`';
  }
  return 'rename one of the two; for cluster-wide objects (controllers, GatewayClass, ClusterRoles) of environments that really share this cluster, emit them in one environment only (PlatformControllers `enabled: false` in the others); if the environments do not share it, say where each one goes (`destinationServers` names each environment\'s cluster; without `sharedArgoCd` each environment has an Argo CD of its own, in its own cluster)';
}

/**
 * Every Argo CD Application's project allows its sources and destination, with Argo CD's matching
 * (./argocd-project-rules.ts), when the AppProject is in the set; one that is not is a warning (it may
 * exist in the cluster), and the built-in `default` project (every repository, destination and
 * cluster-scoped kind) is a policy finding.
 */
export function checkApplicationProjects(manifests: readonly Manifest[], options: Pick<ObjectSetOptions, 'tree'> = {}): Finding[] {
  const tree = options.tree ?? readGitOpsTree(manifests);
  // An Application is governed by the AppProjects of its own Argo CD: those applied to the same cluster (a manifest
  // may leave its namespace to `kubectl apply -n argocd`, so the namespace is not compared).
  const home = (m: Manifest) => tree.clustersOf(m)[0];
  const projects = new Map<string, Record<string, any>>();
  for (const m of manifests) if (isKind(m.object, 'argoproj.io', 'AppProject')) projects.set(`${home(m)}|${nameOf(m.object)}`, isRecord(m.object.spec) ? m.object.spec : {});
  const out: Finding[] = [];
  for (const m of manifests) {
    if (!isKind(m.object, 'argoproj.io', 'Application')) continue;
    const spec = isRecord(m.object.spec) ? m.object.spec : {};
    const name = typeof spec.project === 'string' && spec.project !== '' ? spec.project : 'default';
    const sink = new FindingSink(m.location);
    const project = projects.get(`${home(m)}|${name}`);
    if (!project) {
      if (name === 'default') sink.add('spec.project', name, OBJECT_SET_RULES.defaultProject, 'is the built-in "default" AppProject, which allows every repository, destination and cluster-scoped kind', 'use an AppProject that lists exactly the repositories, destinations and cluster-scoped kinds this Application needs');
      else sink.add('spec.project', name, OBJECT_SET_RULES.projectNotInSet, `names AppProject "${name}", which is not among the manifests checked: Argo CD refuses to sync the Application until it exists`, 'validate the AppProject together with its Applications, or create it first');
      out.push(...sink.findings);
      continue;
    }
    const sources = [spec.source, ...(Array.isArray(spec.sources) ? spec.sources : [])].filter(isRecord);
    sources.forEach((source, i) => {
      if (!isSourcePermitted(project, String(source.repoURL ?? ''))) {
        sink.add(spec.source ? 'spec.source.repoURL' : `spec.sources[${i}].repoURL`, source.repoURL, OBJECT_SET_RULES.projectSource, `is not allowed by the sourceRepos of AppProject "${name}": Argo CD refuses the Application`, 'add the repository (or a glob matching it) to the project\'s sourceRepos');
      }
    });
    const destination = isRecord(spec.destination) ? spec.destination : {};
    if (!isDestinationPermitted(project, destination, String(destination.namespace ?? ''))) {
      sink.add('spec.destination', destination, OBJECT_SET_RULES.projectDestination, `is not among the destinations of AppProject "${name}": Argo CD refuses the Application`, 'add the server (or name) and namespace to the project\'s destinations');
    }
    out.push(...sink.findings);
  }
  return out;
}
