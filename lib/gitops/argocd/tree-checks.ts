import { isDestinationPermitted, isGroupKindPermitted, isSourcePermitted } from '../../validation/argocd-project-rules.js';
import { Finding } from '../../validation/finding.js';
import type { GitOpsTree } from '../../validation/gitops-tree.js';
import { isKind, type Manifest } from '../../validation/manifest.js';
import type { ResourceScopes } from '../../validation/schema/scopes.js';
import { chartFactsOf } from '../chart-catalogue.js';

const groupOf = (apiVersion: unknown) => (typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');

/**
 * The checks an Argo CD operator would make before the first sync of a platform's tree (all environments), on top
 * of `gitops/duplicate-object` (../../validation/object-set-rules.ts), which the synth runs for every target. Which
 * Argo CD holds an Application and which cluster it deploys to come from the tree (../../validation/gitops-tree.ts):
 *
 * - `gitops/chart-installed-twice`: a chart that creates cluster-scoped objects (CRDs, ClusterRoles, webhooks)
 *   installed into one cluster by two Applications.
 * - `argocd/project-*`: every Application names an AppProject of its own Argo CD that the tree defines and that
 *   allows its sources, its destination and every object it deploys (kinds and namespaces), with Argo CD's own
 *   matching (../../validation/argocd-project-rules.ts). For a Helm source the chart's kinds come from the chart
 *   catalogue; charts it does not list are checked by source and destination only. Whether an object is
 *   namespaced comes from the schemas (`scopes`), not from whether its manifest names a namespace.
 */
export function checkArgoCdTree(objects: readonly Manifest[], tree: GitOpsTree, scopes: ResourceScopes): Finding[] {
  const findings: Finding[] = [];
  const applications = objects.filter((o) => isKind(o.object, 'argoproj.io', 'Application'));

  const charts = new Map<string, Manifest>();
  for (const app of applications) {
    const source = app.object.spec?.source;
    if (!source?.chart) continue;
    const facts = chartFactsOf(source.repoURL, source.chart, source.targetRevision);
    if (!facts || facts.clusterKinds.length === 0) continue;
    for (const cluster of tree.destinationsOf(app)) {
      const key = `${cluster}|${source.repoURL}|${source.chart}`;
      const first = charts.get(key);
      if (!first) {
        charts.set(key, app);
        continue;
      }
      findings.push({
        location: app.location,
        field: 'spec.source.chart',
        value: source.chart,
        rule: 'gitops/chart-installed-twice',
        message: `installs chart ${source.chart}, which creates cluster-scoped objects (${facts.clusterKinds.map((k) => k.kind).join(', ')}), into ${cluster}, where ${first.location} installs it already: the two releases overwrite each other's CRDs and ClusterRoles`,
        fix: 'install the controller in one environment per cluster (PlatformControllers `enabled: false` in the others), or deploy the environments to different clusters (`destinationServers`)',
      });
    }
  }

  // An Application is governed by the AppProjects of its own Argo CD: those applied to the same cluster.
  const home = (m: Manifest) => tree.clustersOf(m)[0];
  const projects = new Map<string, Record<string, any>>();
  for (const o of objects) {
    if (isKind(o.object, 'argoproj.io', 'AppProject')) projects.set(`${home(o)}|${o.object.metadata?.name}`, o.object.spec ?? {});
  }
  for (const app of applications) {
    const spec = app.object.spec ?? {};
    const projectName = spec.project ?? 'default';
    const project = projects.get(`${home(app)}|${projectName}`);
    const argoCd = `the Argo CD in ${tree.clustersOf(app)[0]}`;
    const finding = (field: string, value: unknown, rule: string, message: string, fix: string) => findings.push({ location: app.location, field, value, rule, message, fix });
    if (!project) {
      finding('spec.project', projectName, 'argocd/project-not-found', `names AppProject "${projectName}", which the tree does not define for ${argoCd}${projectName === 'default' ? ' (the built-in "default" project allows every repository, destination and cluster-scoped kind)' : ''}`, 'use a project the platform defines (the environment\'s own, or its "-platform" project for cluster-wide controllers)');
      continue;
    }
    const sources = [spec.source, ...(spec.sources ?? [])].filter(Boolean);
    sources.forEach((source: any, i: number) => {
      if (!isSourcePermitted(project, String(source.repoURL ?? ''))) {
        finding(spec.source ? 'spec.source.repoURL' : `spec.sources[${i - 1}].repoURL`, source.repoURL, 'argocd/project-source', `is not allowed by the sourceRepos of AppProject "${projectName}"`, 'add the repository to the project\'s sourceRepos, or use the project that owns it');
      }
    });
    const destination = spec.destination ?? {};
    if (!isDestinationPermitted(project, destination, String(destination.namespace ?? ''))) {
      finding('spec.destination', destination, 'argocd/project-destination', `is not among the destinations of AppProject "${projectName}"`, 'add the server and namespace to the project\'s destinations');
    }
    for (const object of deployedBy(app, objects, tree, scopes)) {
      const namespaced = object.namespace !== undefined;
      if (!isGroupKindPermitted(project, object.group, object.kind, object.name, namespaced)) {
        finding('spec.project', projectName, 'argocd/project-kind', `AppProject "${projectName}" does not allow ${namespaced ? 'namespaced' : 'cluster-scoped'} ${object.group || 'core'}/${object.kind}${object.name ? ` "${object.name}"` : ''}, which this Application deploys (${object.from}): the sync fails with "not permitted in project"`, `add it to the project's ${namespaced ? 'namespaceResourceWhitelist' : 'clusterResourceWhitelist'}, or deploy it from another project`);
      } else if (namespaced && !isDestinationPermitted(project, destination, object.namespace!)) {
        finding('spec.project', projectName, 'argocd/project-destination', `AppProject "${projectName}" does not allow namespace "${object.namespace}", where this Application deploys ${object.kind} (${object.from})`, 'add the namespace to the project\'s destinations');
      }
    }
  }
  return findings;
}

interface DeployedObject {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  /** The namespace it lands in; undefined for a cluster-scoped object. */
  readonly namespace?: string;
  readonly from: string;
}

/** The objects an Application deploys, as far as the tree tells: a folder's files, or a pinned chart's kinds. */
function deployedBy(app: Manifest, objects: readonly Manifest[], tree: GitOpsTree, scopes: ResourceScopes): DeployedObject[] {
  const spec = app.object.spec ?? {};
  const source = spec.source ?? {};
  const out: DeployedObject[] = [];
  if (typeof source.path === 'string' && source.repoURL) {
    for (const o of objects) {
      if (!tree.appliersOf(o).includes(app)) continue;
      const m = o.object;
      // A kind no schema knows is taken as cluster-scoped when its manifest names no namespace.
      const namespaced = scopes.isNamespaced(m.apiVersion, m.kind) ?? m.metadata?.namespace !== undefined;
      out.push({ group: groupOf(m.apiVersion), kind: m.kind, name: String(m.metadata?.name ?? ''), namespace: namespaced ? tree.namespaceOf(o) ?? '' : undefined, from: o.location });
    }
  } else if (source.chart) {
    const facts = chartFactsOf(source.repoURL, source.chart, source.targetRevision);
    if (!facts) return out;
    const from = `chart ${facts.chart} ${facts.version}`;
    for (const k of facts.clusterKinds) out.push({ ...k, name: '', from });
    const namespace = typeof spec.destination?.namespace === 'string' ? spec.destination.namespace : '';
    for (const k of facts.namespacedKinds) out.push({ ...k, name: '', namespace, from });
    for (const extra of facts.extraNamespaces) for (const k of extra.kinds) out.push({ ...k, name: '', namespace: extra.namespace, from });
    if ((spec.syncPolicy?.syncOptions ?? []).includes('CreateNamespace=true') && spec.destination?.namespace) {
      out.push({ group: '', kind: 'Namespace', name: spec.destination.namespace, from: 'CreateNamespace=true' });
    }
  }
  return out;
}
