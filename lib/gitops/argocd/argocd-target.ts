import { syncWaveAnnotations } from '../../core/sync-wave.js';
import { MANAGED_BY_LABEL, PART_OF_LABEL } from '../../core/labels.js';
import { DeliveryStage } from '../../platform/output-folder.js';
import { Finding } from '../../validation/finding.js';
import { GITOPS_INSTANCE_ANNOTATION, type GitOpsTree } from '../../validation/gitops-tree.js';
import type { Manifest } from '../../validation/manifest.js';
import { ResourceScopes } from '../../validation/schema/scopes.js';
import { GitOpsObject, GitOpsRenderContext, IGitOpsTarget } from '../gitops-target.js';
import { chartFactsOf } from '../chart-catalogue.js';
import { GitOpsUnit, namespacesOf } from '../units.js';
import { checkArgoCdTree } from './tree-checks.js';
import { checkFactory } from '../../core/props/check-props.js';

/**
 * Waves of the child Applications inside an environment's root Application: the units sync stage by
 * stage. Argo CD waits for a child Application to be Healthy before the next wave only when the
 * `argoproj.io/Application` health check is configured in `argocd-cm` (removed from the defaults in
 * Argo CD 1.8; see the README), so the platform is ready before data, data before migrations, and the
 * migration has run before any app that uses the database.
 */
export const STAGE_WAVES: Readonly<Record<DeliveryStage, number>> = {
  [DeliveryStage.PLATFORM]: -10,
  [DeliveryStage.DATA]: 0,
  [DeliveryStage.MIGRATION]: 5,
  [DeliveryStage.APP]: 10,
};

/** The AppProject syncs before every child Application that belongs to it. */
const PROJECT_WAVE = -20;

/** How Argo CD syncs one environment's Applications. */
export class ArgoCdSyncPolicy {
  /** Sync on every commit; `prune` deletes what Git no longer has, `selfHeal` reverts drift. @default prune and selfHeal on */
  public static automated(options: { readonly prune?: boolean; readonly selfHeal?: boolean } = {}): ArgoCdSyncPolicy {
    return checkFactory(new ArgoCdSyncPolicy({ prune: options.prune ?? true, selfHeal: options.selfHeal ?? true }), 'ArgoCdSyncPolicy.automated', [options]);
  }

  /** Sync only when someone presses Sync (or runs `argocd app sync`). */
  public static manual(): ArgoCdSyncPolicy {
    return new ArgoCdSyncPolicy(undefined);
  }

  private constructor(
    /** The `automated` block, or undefined for manual sync. */
    public readonly automated: { readonly prune: boolean; readonly selfHeal: boolean } | undefined,
  ) {}
}

/** Props of {@link GitOpsTarget.argoCd}. */
export interface ArgoCdTargetProps {
  /** The Git repository holding dist/ (what Argo CD clones). */
  readonly repoURL: string;
  /** Branch, tag or commit to sync. @default 'HEAD' */
  readonly targetRevision?: string;
  /** Namespace Argo CD runs in. @default 'argocd' */
  readonly argoCdNamespace?: string;
  /** The cluster every environment deploys to. @default 'https://kubernetes.default.svc' (the cluster Argo CD runs in) */
  readonly destinationServer?: string;
  /** The cluster per environment name, where it is not `destinationServer`. @default `destinationServer` for every environment */
  readonly destinationServers?: { readonly [environment: string]: string };
  /**
   * The environments share one Argo CD (its `argocd` namespace holds every environment's Applications and
   * AppProjects). Otherwise each environment has an Argo CD of its own, running in the cluster it deploys to.
   * Environments that name the same destination cluster (other than the in-cluster default) share it either
   * way. Synth fails when two environments would then write the same object (an Application `keda`, a
   * ClusterRole, a chart's CRDs installed twice).
   * @default false: one Argo CD per environment
   */
  readonly sharedArgoCd?: boolean;
  /** Sync policy per environment name. @default automated prune + selfHeal in every environment */
  readonly syncPolicies?: { readonly [environment: string]: ArgoCdSyncPolicy };
}

/** The API server of the cluster Argo CD runs in. */
const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/**
 * The AppProjects of an environment: `environment` (the unit folders and the data services), `platform`
 * (the cluster-wide controllers, with exactly the cluster-scoped kinds their charts create) and `gitops`
 * (the root Application: Applications and AppProjects in the Argo CD namespace, nothing else).
 */
export function argoCdProjectNames(platform: string, environment: string): { readonly environment: string; readonly platform: string; readonly gitops: string } {
  const base = `${platform}-${environment}`;
  return { environment: base, platform: `${base}-platform`, gitops: `${base}-gitops` };
}

const ARGOCD_KINDS = new Set(['Application', 'AppProject', 'ApplicationSet']);

/** True for the Argo CD objects themselves (they live in Argo CD's namespace, in Argo CD's cluster). */
export function isArgoCdObject(manifest: Record<string, any>): boolean {
  return ARGOCD_KINDS.has(manifest?.kind) && String(manifest?.apiVersion ?? '').startsWith('argoproj.io/');
}

/**
 * Argo CD app-of-apps per environment:
 * - `<platform>/<env>/bootstrap/`: the root Application and its `-gitops` AppProject, applied once by hand
 *   (`kubectl apply -n argocd -f ...`); the root syncs the `argocd/` folder;
 * - `<platform>/<env>/argocd/`: the environment's AppProjects, one child Application per unit folder, each
 *   in the wave of its stage, and the Helm Applications (controllers, data services), moved here from their
 *   folders: an Application object lives in Argo CD's namespace, not in a folder another Application syncs
 *   (that would be the same Application twice when their names meet, and a unit of the environment's
 *   cluster holding an object of Argo CD's).
 */
export class ArgoCdTarget implements IGitOpsTarget {
  public readonly kind = 'argocd';
  /** Namespace Argo CD runs in. */
  public readonly namespace: string;
  private readonly server: string;
  private readonly revision: string;

  constructor(private readonly props: ArgoCdTargetProps) {
    this.namespace = props.argoCdNamespace ?? 'argocd';
    this.server = props.destinationServer ?? IN_CLUSTER_SERVER;
    this.revision = props.targetRevision ?? 'HEAD';
  }

  /** The API server an environment deploys to. */
  public destinationServerOf(environment: string): string {
    return this.props.destinationServers?.[environment] ?? this.server;
  }

  public problems(): Finding[] {
    const out: Finding[] = [];
    if (!/^(https:\/\/|ssh:\/\/|git@)[^\s]+$/.test(this.props.repoURL ?? '')) {
      out.push({ location: 'gitops', field: 'repoURL', value: this.props.repoURL, rule: 'props/invalid', message: 'is not a Git URL Argo CD can clone', fix: 'use e.g. "https://github.com/org/platform.git"' });
    }
    for (const [env, server] of Object.entries({ destinationServer: this.server, ...Object.fromEntries(Object.entries(this.props.destinationServers ?? {}).map(([k, v]) => [`destinationServers.${k}`, v])) })) {
      if (!/^https:\/\/[^\s/]+/.test(server)) out.push({ location: 'gitops', field: env, value: server, rule: 'props/invalid', message: 'is not the https:// URL of a Kubernetes API server', fix: `use e.g. "${IN_CLUSTER_SERVER}" or the server of a cluster registered in Argo CD` });
    }
    return out;
  }

  public relocate(path: string, manifest: Record<string, any>): string | undefined {
    if (!isArgoCdObject(manifest)) return undefined;
    const [platform, environment, , ...rest] = path.split('/');
    return `${platform}/${environment}/argocd/${rest.join('/')}`;
  }

  public checkTree(objects: readonly Manifest[], tree: GitOpsTree, scopes: ResourceScopes): Finding[] {
    return checkArgoCdTree(objects, tree, scopes);
  }

  /**
   * The Argo CD that syncs an environment, as written into its bootstrap objects ({@link GITOPS_INSTANCE_ANNOTATION}):
   * the platform's one Argo CD with `sharedArgoCd`; otherwise the environment's own (`<platform>-<environment>`),
   * which runs in the cluster it deploys to — so environments that name the same destination cluster share it.
   */
  public argoCdInstanceOf(platform: string, environment: string, environments: readonly string[]): string {
    if (this.props.sharedArgoCd) return platform;
    const server = this.destinationServerOf(environment);
    if (server !== IN_CLUSTER_SERVER && environments.some((e) => e !== environment && this.destinationServerOf(e) === server)) return `${platform}@${server.replace(/^https:\/\//, '')}`;
    return `${platform}-${environment}`;
  }

  public render(ctx: GitOpsRenderContext): GitOpsObject[] {
    const names = argoCdProjectNames(ctx.platform, ctx.environment);
    const scopes = ctx.scopes ?? ResourceScopes.pinned();
    // What the bootstrap objects are applied to by hand: the tree's root, from which every check reads the clusters.
    const bootstrap = { [GITOPS_INSTANCE_ANNOTATION]: this.argoCdInstanceOf(ctx.platform, ctx.environment, ctx.environments ?? [ctx.environment]) };
    const project = names.environment;
    const server = this.destinationServerOf(ctx.environment);
    const labels = { [PART_OF_LABEL]: ctx.platform, [MANAGED_BY_LABEL]: 'cdk8s-delivery', 'app.kubernetes.io/component': 'gitops' };
    const policy = this.props.syncPolicies?.[ctx.environment] ?? ArgoCdSyncPolicy.automated();
    const relocated = ctx.relocated ?? [];
    const helmApps = relocated.filter((o) => o.manifest.kind === 'Application').map((o) => o.manifest);
    const appsOf = (name: string) => helmApps.filter((a) => a.spec?.project === name);
    const out: GitOpsObject[] = [];
    const appProject = (name: string, description: string, spec: Record<string, unknown>, wave: number, annotations: Record<string, string> = {}) => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name, namespace: this.namespace, labels, annotations: { ...syncWaveAnnotations(wave), ...annotations } },
      spec: { description, ...spec, orphanedResources: { warn: true } },
    });

    const envApps = appsOf(project);
    const envNamespaces = new Set([...namespacesOf(ctx.units), ...envApps.flatMap(helmNamespaces)]);
    out.push({
      path: `${ctx.platform}/${ctx.environment}/argocd/appproject-${project}.yaml`,
      manifest: appProject(project, `${ctx.platform} ${ctx.environment}: generated by cdk8s-delivery`, {
        sourceRepos: [this.props.repoURL, ...repos(envApps)],
        destinations: [...envNamespaces].sort().map((namespace) => ({ server, namespace })),
        clusterResourceWhitelist: [...clusterObjectsOf(ctx.units, scopes), ...helmClusterKinds(envApps)],
      }, PROJECT_WAVE),
    });

    const platformApps = appsOf(names.platform);
    if (platformApps.length > 0) {
      out.push({
        path: `${ctx.platform}/${ctx.environment}/argocd/appproject-${names.platform}.yaml`,
        manifest: appProject(names.platform, `${ctx.platform} ${ctx.environment}: cluster-wide controllers, generated by cdk8s-delivery`, {
          sourceRepos: repos(platformApps),
          destinations: [...new Set(platformApps.flatMap(helmNamespaces))].sort().map((namespace) => ({ server, namespace })),
          clusterResourceWhitelist: helmClusterKinds(platformApps),
          namespaceResourceWhitelist: helmNamespacedKinds(platformApps),
        }, PROJECT_WAVE),
      });
    }

    out.push(...relocated);
    for (const unit of ctx.units) {
      out.push({
        path: `${ctx.platform}/${ctx.environment}/argocd/application-${project}-${unit.folder}.yaml`,
        manifest: this.application(`${project}-${unit.folder}`, project, `${ctx.outputPath}/${unit.path}`, { server, namespace: ctx.namespace }, STAGE_WAVES[unit.stage], policy, labels, unit),
      });
    }

    out.push({
      path: `${ctx.platform}/${ctx.environment}/bootstrap/appproject-${names.gitops}.yaml`,
      manifest: appProject(names.gitops, `${ctx.platform} ${ctx.environment}: the root Application (Argo CD objects only), generated by cdk8s-delivery`, {
        sourceRepos: [this.props.repoURL],
        destinations: [{ server: IN_CLUSTER_SERVER, namespace: this.namespace }],
        namespaceResourceWhitelist: [{ group: 'argoproj.io', kind: 'AppProject' }, { group: 'argoproj.io', kind: 'Application' }],
      }, PROJECT_WAVE, bootstrap),
    });
    const root = this.application(project, names.gitops, `${ctx.outputPath}/${ctx.platform}/${ctx.environment}/argocd`, { server: IN_CLUSTER_SERVER, namespace: this.namespace }, 0, ArgoCdSyncPolicy.automated(), labels);
    root.metadata.annotations = { ...root.metadata.annotations, ...bootstrap };
    out.push({ path: `${ctx.platform}/${ctx.environment}/bootstrap/application-${project}.yaml`, manifest: root });
    return out;
  }

  private application(name: string, project: string, path: string, destination: { server: string; namespace: string }, wave: number, policy: ArgoCdSyncPolicy, labels: Record<string, string>, unit?: GitOpsUnit): Record<string, any> {
    const syncPolicy: Record<string, unknown> = {
      syncOptions: ['PrunePropagationPolicy=foreground'],
      retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
    };
    if (policy.automated) syncPolicy.automated = { ...policy.automated };
    const spec: Record<string, any> = {
      project,
      source: { repoURL: this.props.repoURL, targetRevision: this.revision, path },
      destination,
      syncPolicy,
    };
    const routes = unit ? pluginManagedRoutes(unit) : [];
    if (routes.length > 0) {
      // The Argo Rollouts Gateway API plugin moves the backendRef weights during a canary; selfHeal
      // would move them back. Only those weights are ignored, and a sync respects that.
      spec.ignoreDifferences = routes.map((r) => ({ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: r.name, namespace: r.namespace, jqPathExpressions: ['.spec.rules[].backendRefs[].weight'] }));
      (syncPolicy.syncOptions as string[]).push('RespectIgnoreDifferences=true');
    }
    return {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name, namespace: this.namespace, labels, annotations: syncWaveAnnotations(wave), finalizers: ['resources-finalizer.argocd.argoproj.io'] },
      spec,
    };
  }
}

/** HTTPRoutes whose weights a Rollout in the same unit manages through the Gateway API plugin. */
function pluginManagedRoutes(unit: GitOpsUnit): { name: string; namespace: string }[] {
  const out: { name: string; namespace: string }[] = [];
  for (const o of unit.objects) {
    const plugin = o.manifest.kind === 'Rollout' ? o.manifest.spec?.strategy?.canary?.trafficRouting?.plugins?.['argoproj-labs/gatewayAPI'] : undefined;
    if (plugin?.httpRoute) out.push({ name: plugin.httpRoute, namespace: plugin.namespace ?? o.manifest.metadata.namespace });
  }
  return out;
}

/** Chart repositories of Helm Applications, sorted. */
function repos(apps: readonly Record<string, any>[]): string[] {
  return [...new Set(apps.map((a) => String(a.spec?.source?.repoURL)))].sort();
}

/** The namespaces a Helm Application writes to: its destination and what its chart adds. */
function helmNamespaces(app: Record<string, any>): string[] {
  const facts = factsOf(app);
  return [app.spec?.destination?.namespace, ...(facts?.extraNamespaces ?? []).map((e) => e.namespace)].filter((n): n is string => typeof n === 'string');
}

function factsOf(app: Record<string, any>) {
  const source = app.spec?.source ?? {};
  return source.chart ? chartFactsOf(source.repoURL, source.chart, source.targetRevision) : undefined;
}

const byGroupKind = (a: { group: string; kind: string; name?: string }, b: { group: string; kind: string; name?: string }) => {
  const x = `${a.group}/${a.kind}/${a.name ?? ''}`;
  const y = `${b.group}/${b.kind}/${b.name ?? ''}`;
  return x < y ? -1 : x > y ? 1 : 0;
};

/** Cluster-scoped kinds the charts of these Applications create, plus the Namespaces `CreateNamespace=true` creates (by name). */
function helmClusterKinds(apps: readonly Record<string, any>[]): { group: string; kind: string; name?: string }[] {
  const out = new Map<string, { group: string; kind: string; name?: string }>();
  for (const app of apps) {
    for (const k of factsOf(app)?.clusterKinds ?? []) out.set(`${k.group}/${k.kind}`, { group: k.group, kind: k.kind });
    if ((app.spec?.syncPolicy?.syncOptions ?? []).includes('CreateNamespace=true')) {
      const name = String(app.spec.destination.namespace);
      out.set(`/Namespace/${name}`, { group: '', kind: 'Namespace', name });
    }
  }
  return [...out.values()].sort(byGroupKind);
}

/** Namespaced kinds the charts of these Applications create. */
function helmNamespacedKinds(apps: readonly Record<string, any>[]): { group: string; kind: string }[] {
  const out = new Map<string, { group: string; kind: string }>();
  for (const app of apps) for (const k of factsOf(app)?.namespacedKinds ?? []) out.set(`${k.group}/${k.kind}`, { group: k.group, kind: k.kind });
  return [...out.values()].sort(byGroupKind);
}

/**
 * The cluster-scoped objects of the units, each allowed by group, kind and exact name. Scope comes from the schemas
 * (a ConfigMap without `metadata.namespace` lands in the destination namespace: it is no cluster-scoped object); a
 * kind no schema knows counts as cluster-scoped when its manifest names no namespace.
 */
function clusterObjectsOf(units: readonly GitOpsUnit[], scopes: ResourceScopes): { group: string; kind: string; name: string }[] {
  const out = new Map<string, { group: string; kind: string; name: string }>();
  for (const u of units) {
    for (const o of u.objects) {
      if (scopes.isNamespaced(o.manifest.apiVersion, o.manifest.kind) ?? Boolean(o.manifest.metadata?.namespace)) continue;
      const apiVersion = String(o.manifest.apiVersion);
      const group = apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
      const name = String(o.manifest.metadata?.name);
      out.set(`${group}/${o.manifest.kind}/${name}`, { group, kind: o.manifest.kind, name });
    }
  }
  return [...out.values()].sort(byGroupKind);
}
