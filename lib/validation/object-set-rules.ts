import { isDestinationPermitted, isSourcePermitted } from './argocd-project-rules.js';
import type { Finding } from './finding.js';
import { FindingSink, type Manifest, isKind, isRecord, nameOf, namespaceOf } from './manifest.js';

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

/**
 * No two objects with the same group, kind, namespace and name: applied together (one Argo CD
 * Application tree, one Flux Kustomization), the later one silently replaces the earlier, and two
 * Applications that own them fight forever under selfHeal. Validate one sync's tree at a time, the
 * GitOps folders (argocd/, bootstrap/, flux/) included.
 */
export function checkDuplicateObjects(manifests: readonly Manifest[]): Finding[] {
  const clusterOf = destinationClusters(manifests);
  const seen = new Map<string, Manifest>();
  const out: Finding[] = [];
  for (const m of manifests) {
    if (!isRecord(m.object) || typeof m.object.kind !== 'string' || !nameOf(m.object)) continue;
    const key = `${clusterOf(m)}|${groupOf(m.object.apiVersion)}|${m.object.kind}|${namespaceOf(m.object) ?? ''}|${nameOf(m.object)}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, m);
      continue;
    }
    const sink = new FindingSink(m.location);
    sink.add('metadata.name', nameOf(m.object), OBJECT_SET_RULES.duplicate, `is the same ${groupOf(m.object.apiVersion) || 'core'}/${m.object.kind} as ${first.location}: applied together, one overwrites the other (Argo CD reports the resource as appearing twice and syncs one of them)`, 'rename one of the two, or validate the trees of different clusters separately');
    out.push(...sink.findings);
  }
  return out;
}

/**
 * Which cluster a manifest is applied to, as far as the set tells: the destination server of the Argo CD
 * Application whose directory source holds the manifest's file (so one Argo CD's tree spanning several
 * clusters is not one namespace of names); Argo CD's own objects go to Argo CD's cluster; anything else to
 * the one cluster the set is assumed to be.
 */
function destinationClusters(manifests: readonly Manifest[]): (m: Manifest) => string {
  const sources: { path: string; server: string }[] = [];
  for (const m of manifests) {
    if (!isKind(m.object, 'argoproj.io', 'Application')) continue;
    const path = m.object.spec?.source?.path;
    const server = m.object.spec?.destination?.server ?? m.object.spec?.destination?.name;
    if (typeof path === 'string' && path !== '' && typeof server === 'string') sources.push({ path: path.replace(/\/+$/, ''), server });
  }
  return (m) => {
    if (isKind(m.object, 'argoproj.io', 'Application') || isKind(m.object, 'argoproj.io', 'AppProject')) return 'argocd';
    const file = m.location.split(': ')[0]!;
    const dir = file.slice(0, file.lastIndexOf('/'));
    const owner = sources.find((s) => dir === s.path || dir.endsWith(`/${s.path}`) || s.path.endsWith(`/${dir}`));
    return owner ? owner.server : '';
  };
}

/**
 * Every Argo CD Application's project allows its sources and destination, with Argo CD's matching
 * (./argocd-project-rules.ts), when the AppProject is in the set; one that is not is a warning (it may
 * exist in the cluster), and the built-in `default` project (every repository, destination and
 * cluster-scoped kind) is a policy finding.
 */
export function checkApplicationProjects(manifests: readonly Manifest[]): Finding[] {
  const projects = new Map<string, Record<string, any>>();
  for (const m of manifests) if (isKind(m.object, 'argoproj.io', 'AppProject')) projects.set(nameOf(m.object), isRecord(m.object.spec) ? m.object.spec : {});
  const out: Finding[] = [];
  for (const m of manifests) {
    if (!isKind(m.object, 'argoproj.io', 'Application')) continue;
    const spec = isRecord(m.object.spec) ? m.object.spec : {};
    const name = typeof spec.project === 'string' && spec.project !== '' ? spec.project : 'default';
    const sink = new FindingSink(m.location);
    const project = projects.get(name);
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
