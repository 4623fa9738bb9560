import { isDestinationPermitted, isGroupKindPermitted, isSourcePermitted } from '../../validation/argocd-project-rules.js';
import { Finding } from '../../validation/finding.js';
import { chartFactsOf } from '../chart-catalogue.js';
import { GitOpsObject } from '../gitops-target.js';

const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/** What {@link checkArgoCdTree} needs to know about the target. */
export interface ArgoCdTreeContext {
  readonly platform: string;
  readonly environments: readonly string[];
  /** Every object of the platform, GitOps objects included; paths are `<platform>/<env>/<folder>/<file>`. */
  readonly objects: readonly GitOpsObject[];
  readonly outputPath: string;
  readonly argoCdNamespace: string;
  /** Which Argo CD syncs an environment: equal strings for environments sharing one. */
  argoCdOf(environment: string): string;
  /** Which cluster an environment deploys to: equal strings for the same cluster. */
  clusterOf(environment: string): string;
  /** The API server an environment deploys to. */
  serverOf(environment: string): string;
}

const groupOf = (apiVersion: unknown) => (typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');
const envOf = (path: string) => path.split('/')[1]!;
const folderOf = (path: string) => path.split('/').slice(0, 3).join('/');
const isGitOpsFolder = (path: string) => ['argocd', 'bootstrap'].includes(path.split('/')[2]!);

/**
 * The checks an Argo CD operator would make before the first sync of a platform's tree (all environments):
 *
 * - `gitops/duplicate-object`: no two objects with the same group, kind, namespace and name within what one
 *   Argo CD syncs: the objects of its namespace (argocd/ and bootstrap/ of every environment it serves) and
 *   of each destination cluster. Two such objects fight forever under selfHeal.
 * - `gitops/chart-installed-twice`: a chart that creates cluster-scoped objects (CRDs, ClusterRoles,
 *   webhooks) installed into one cluster by two Applications.
 * - `argocd/project-*`: every Application names an AppProject of the same Argo CD that the tree defines and
 *   that allows its sources, its destination and every object it deploys (kinds and namespaces), with Argo
 *   CD's own matching (../../validation/argocd-project-rules.ts). For a Helm source the chart's kinds come
 *   from the chart catalogue; charts it does not list are checked by source and destination only.
 */
export function checkArgoCdTree(ctx: ArgoCdTreeContext): Finding[] {
  const findings: Finding[] = [];
  const domainOf = (o: GitOpsObject) => (isGitOpsFolder(o.path) ? `Argo CD ${ctx.argoCdOf(envOf(o.path))}` : ctx.clusterOf(envOf(o.path)));

  const seen = new Map<string, GitOpsObject>();
  for (const o of ctx.objects) {
    const m = o.manifest;
    const identity = `${domainOf(o)}|${groupOf(m.apiVersion)}|${m.kind}|${m.metadata?.namespace ?? ''}|${m.metadata?.name}`;
    const first = seen.get(identity);
    if (!first) {
      seen.set(identity, o);
      continue;
    }
    const across = envOf(first.path) !== envOf(o.path);
    findings.push({
      location: o.path,
      field: 'metadata.name',
      value: m.metadata?.name,
      rule: 'gitops/duplicate-object',
      message: `is the same ${groupOf(m.apiVersion) || 'core'}/${m.kind} ${m.metadata?.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata?.name} as ${first.path}, and both are synced into ${domainOf(o)}: each sync overwrites the other and selfHeal makes them fight forever`,
      fix: across
        ? 'install the cluster-wide controllers in one environment only (PlatformControllers `enabled: false` elsewhere) or give each environment its own names (PlatformControllers `namePrefix`), or deploy the environments to different clusters (`destinationServers`) with `sharedArgoCd` set as it really is'
        : 'rename one of the two objects (or folders)',
    });
  }

  const applications = ctx.objects.filter((o) => o.manifest.kind === 'Application' && groupOf(o.manifest.apiVersion) === 'argoproj.io');
  const clusterOfApp = (o: GitOpsObject) => {
    const server = o.manifest.spec?.destination?.server;
    // The in-cluster server is the cluster of the Argo CD that syncs the Application.
    if (!server || server === IN_CLUSTER_SERVER) return ctx.serverOf(envOf(o.path)) === IN_CLUSTER_SERVER ? ctx.clusterOf(envOf(o.path)) : `the cluster of Argo CD ${ctx.argoCdOf(envOf(o.path))}`;
    return server === ctx.serverOf(envOf(o.path)) ? ctx.clusterOf(envOf(o.path)) : server;
  };
  const charts = new Map<string, GitOpsObject>();
  for (const app of applications) {
    const source = app.manifest.spec?.source;
    if (!source?.chart) continue;
    const facts = chartFactsOf(source.repoURL, source.chart, source.targetRevision);
    if (!facts || facts.clusterKinds.length === 0) continue;
    const key = `${clusterOfApp(app)}|${source.repoURL}|${source.chart}`;
    const first = charts.get(key);
    if (!first) {
      charts.set(key, app);
      continue;
    }
    findings.push({
      location: app.path,
      field: 'spec.source.chart',
      value: source.chart,
      rule: 'gitops/chart-installed-twice',
      message: `installs chart ${source.chart}, which creates cluster-scoped objects (${facts.clusterKinds.map((k) => k.kind).join(', ')}), into ${clusterOfApp(app)}, where ${first.path} installs it already: the two releases overwrite each other's CRDs and ClusterRoles`,
      fix: 'install the controller in one environment per cluster (PlatformControllers `enabled: false` in the others), or deploy the environments to different clusters (`destinationServers`)',
    });
  }

  const projects = new Map<string, Record<string, any>>();
  for (const o of ctx.objects) {
    if (o.manifest.kind === 'AppProject' && groupOf(o.manifest.apiVersion) === 'argoproj.io') projects.set(`${domainOf(o)}|${o.manifest.metadata?.name}`, o.manifest.spec ?? {});
  }
  for (const app of applications) {
    const spec = app.manifest.spec ?? {};
    const projectName = spec.project ?? 'default';
    const argoCd = `Argo CD ${ctx.argoCdOf(envOf(app.path))}`;
    const project = projects.get(`${argoCd}|${projectName}`);
    const finding = (field: string, value: unknown, rule: string, message: string, fix: string) => findings.push({ location: app.path, field, value, rule, message, fix });
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
    for (const object of deployedBy(app, ctx)) {
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
  readonly namespace?: string;
  readonly from: string;
}

/** The objects an Application deploys, as far as the tree tells: a folder's files, or a pinned chart's kinds. */
function deployedBy(app: GitOpsObject, ctx: ArgoCdTreeContext): DeployedObject[] {
  const spec = app.manifest.spec ?? {};
  const source = spec.source ?? {};
  const out: DeployedObject[] = [];
  if (typeof source.path === 'string' && source.repoURL) {
    for (const o of ctx.objects) {
      const folder = folderOf(o.path);
      if (source.path !== folder && !source.path.endsWith(`/${folder}`)) continue;
      const m = o.manifest;
      // A manifest without a namespace lands in the Application's destination namespace, unless cluster-scoped:
      // our synthesized objects always carry the namespace of namespaced kinds.
      out.push({ group: groupOf(m.apiVersion), kind: m.kind, name: String(m.metadata?.name ?? ''), namespace: m.metadata?.namespace, from: o.path });
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
