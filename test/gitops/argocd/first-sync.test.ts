import { ApiObject, App } from 'cdk8s';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { BITVAULT_CLUSTERS, bitvault } from '../../../apps/bitvault/bitvault.js';
import { Environment } from '../../../lib/core/environment.js';
import { SecretKey } from '../../../lib/config/secret-reference.js';
import { Redis } from '../../../lib/data/helm/redis.js';
import { GitOpsTarget } from '../../../lib/gitops/targets.js';
import { PlatformControllers } from '../../../lib/platform/controllers.js';
import { EnvironmentChart, Platform } from '../../../lib/platform/platform.js';
import { synthesize } from '../../../lib/synth/synthesizer.js';
import { isDestinationPermitted, isGroupKindPermitted, isSourcePermitted } from '../../../lib/validation/argocd-project-rules.js';
import { synthFindings } from '../../helpers.js';

/** Every manifest of the committed dist/, by path below dist/. */
function committedDist(): { path: string; manifest: Record<string, any> }[] {
  const out: { path: string; manifest: Record<string, any> }[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.yaml')) out.push({ path: relative('dist', p), manifest: YAML.parse(readFileSync(p, 'utf8')) });
    }
  };
  walk('dist');
  return out;
}

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');
const identity = (m: Record<string, any>) => `${groupOf(m.apiVersion)}/${m.kind}/${m.metadata?.namespace ?? ''}/${m.metadata?.name}`;
const IN_CLUSTER = 'https://kubernetes.default.svc';

describe('the committed dist/ converges on a real Argo CD or Flux (issue 12)', () => {
  const dist = committedDist();

  it('no two objects share group/kind/namespace/name within what one Argo CD or one Flux syncs', () => {
    // bitvault: one shared Argo CD (argocd/ and bootstrap/ of every environment in its namespace), one cluster per
    // environment (BITVAULT_CLUSTERS). homelab: one Flux per environment, syncing its whole tree.
    const domainOf = (path: string) => {
      const [platform, env, folder] = path.split('/');
      if (platform === 'bitvault') return ['argocd', 'bootstrap'].includes(folder!) ? 'bitvault argocd' : `bitvault cluster ${env}`;
      return `${platform} flux ${env}`;
    };
    const seen = new Map<string, string>();
    const duplicates: string[] = [];
    for (const o of dist) {
      const key = `${domainOf(o.path)}|${identity(o.manifest)}`;
      if (seen.has(key)) duplicates.push(`${o.path} = ${seen.get(key)}`);
      else seen.set(key, o.path);
    }
    expect(duplicates).toEqual([]);
    // The defect of issue 12: the child Application of a data folder and the Helm Application inside it.
    expect(dist.filter((o) => o.manifest.kind === 'Application' && o.manifest.metadata.name === 'bitvault-dev-nats').map((o) => o.path)).toEqual(['bitvault/dev/argocd/application-bitvault-dev-nats.yaml']);
  });

  it('every Application names an AppProject the tree defines, which allows its source, destination and every object it deploys', () => {
    const projects = new Map(dist.filter((o) => o.manifest.kind === 'AppProject').map((o) => [o.manifest.metadata.name, o.manifest.spec]));
    const applications = dist.filter((o) => o.manifest.kind === 'Application' && o.path.startsWith('bitvault/'));
    expect(applications.length).toBeGreaterThan(30);
    const problems: string[] = [];
    for (const app of applications) {
      const spec = app.manifest.spec;
      const project = projects.get(spec.project);
      if (!project || spec.project === 'default') {
        problems.push(`${app.path}: project ${spec.project} not defined`);
        continue;
      }
      if (!isSourcePermitted(project, spec.source.repoURL)) problems.push(`${app.path}: source ${spec.source.repoURL}`);
      if (!isDestinationPermitted(project, spec.destination, spec.destination.namespace)) problems.push(`${app.path}: destination ${JSON.stringify(spec.destination)}`);
      if (spec.source.path) {
        const folder = spec.source.path.replace(/^dist\//, '');
        for (const o of dist.filter((d) => d.path.startsWith(`${folder}/`))) {
          const namespace = o.manifest.metadata?.namespace;
          if (!isGroupKindPermitted(project, groupOf(o.manifest.apiVersion), o.manifest.kind, o.manifest.metadata.name, namespace !== undefined)) problems.push(`${app.path}: kind of ${o.path}`);
          if (namespace !== undefined && !isDestinationPermitted(project, spec.destination, namespace)) problems.push(`${app.path}: namespace of ${o.path}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('keeps the controllers out of the environment project: their own platform project allows the CRDs and webhooks, the environment project does not', () => {
    const project = (name: string) => dist.find((o) => o.manifest.kind === 'AppProject' && o.manifest.metadata.name === name)!.manifest.spec;
    const env = project('bitvault-prod');
    const platform = project('bitvault-prod-platform');
    for (const kind of ['CustomResourceDefinition']) {
      expect(isGroupKindPermitted(platform, 'apiextensions.k8s.io', kind, 'rollouts.argoproj.io', false)).toBe(true);
      expect(isGroupKindPermitted(env, 'apiextensions.k8s.io', kind, 'rollouts.argoproj.io', false)).toBe(false);
    }
    expect(isGroupKindPermitted(platform, 'admissionregistration.k8s.io', 'ValidatingWebhookConfiguration', 'keda-admission', false)).toBe(true);
    // The environment project allows its own cluster-scoped objects by name only.
    expect(isGroupKindPermitted(env, '', 'Namespace', 'bitvault-prod', false)).toBe(true);
    expect(isGroupKindPermitted(env, '', 'Namespace', 'kube-system', false)).toBe(false);
    expect(isGroupKindPermitted(env, 'rbac.authorization.k8s.io', 'ClusterRole', 'cluster-admin', false)).toBe(false);
    for (const o of dist.filter((d) => d.manifest.kind === 'Application' && d.manifest.spec.source.chart)) {
      const chart = o.manifest.spec.source.chart;
      expect(o.manifest.spec.project, `${o.path}`).toBe(['argo-rollouts', 'keda', 'cloudnative-pg'].includes(chart) ? `${o.path.split('/').slice(0, 2).join('-')}-platform` : o.path.split('/').slice(0, 2).join('-'));
    }
  });

  it('sends every environment to its own cluster and keeps the Argo CD objects in Argo CD\'s cluster', () => {
    for (const o of dist.filter((d) => d.manifest.kind === 'Application' && d.path.startsWith('bitvault/'))) {
      const env = o.path.split('/')[1] as keyof typeof BITVAULT_CLUSTERS;
      const root = o.path.includes('/bootstrap/');
      expect(o.manifest.spec.destination.server, o.path).toBe(root ? IN_CLUSTER : BITVAULT_CLUSTERS[env]);
    }
  });
});

/** A one-environment-per-cluster platform with a Redis and the controllers. */
function platformWith(options: { shared?: boolean; servers?: Record<string, string>; prefix?: boolean; redisProject?: string; controllersProject?: string; extra?: (env: EnvironmentChart) => void } = {}): App {
  const app = new App();
  const platform = new Platform(app, 'acme', {
    environments: [Environment.dev(), Environment.prod()],
    gitops: GitOpsTarget.argoCd({ repoURL: 'https://github.com/acme/platform.git', sharedArgoCd: options.shared, destinationServers: options.servers }),
  });
  platform.forEachEnvironment((env) => {
    new PlatformControllers(env, 'controllers', { namePrefix: options.prefix ? `${env.targetNamespace}-` : undefined, project: options.controllersProject });
    new Redis(env, 'redis', { password: SecretKey.of('redis-auth', 'password'), project: options.redisProject, allowFewerThanThreeReplicas: true });
    options.extra?.(env);
  });
  return app;
}

describe('first-sync checks at synth (issue 12)', () => {
  it('passes the reference platform', () => {
    const app = new App();
    bitvault(app);
    expect(() => synthesize(app)).not.toThrow();
  });

  it('refuses two environments sharing one Argo CD that emit the same Application names', () => {
    const findings = synthFindings(() => synthesize(platformWith({ shared: true, servers: { dev: 'https://dev.example:6443', prod: 'https://prod.example:6443' } })));
    const duplicates = findings.filter((f) => f.rule === 'gitops/duplicate-object');
    expect(duplicates.map((f) => f.value).sort()).toEqual(['argo-rollouts', 'cloudnative-pg', 'keda']);
    expect(duplicates[0]!.message).toContain('acme/dev/argocd/application-');
    expect(duplicates[0]!.fix).toContain('namePrefix');
    // With per-environment names and clusters, nothing collides.
    expect(() => synthesize(platformWith({ shared: true, prefix: true, servers: { dev: 'https://dev.example:6443', prod: 'https://prod.example:6443' } }))).not.toThrow();
  });

  it('refuses two environments on the same cluster installing the same controllers (CRDs, ClusterRoles)', () => {
    const findings = synthFindings(() => synthesize(platformWith({ prefix: true, servers: { dev: 'https://one.example:6443', prod: 'https://one.example:6443' } })));
    expect(findings.filter((f) => f.rule === 'gitops/chart-installed-twice').map((f) => f.value).sort()).toEqual(['argo-rollouts', 'cloudnative-pg', 'keda']);
    const clusterRole = findings.find((f) => f.rule === 'gitops/duplicate-object' && f.value === 'argo-rollouts-gateway-api');
    expect(clusterRole?.message).toContain('https://one.example:6443');
    expect(clusterRole?.fix).toContain('enabled: false');
    // A shared Argo CD with the in-cluster default is one cluster too.
    expect(synthFindings(() => synthesize(platformWith({ shared: true, prefix: true }))).some((f) => f.rule === 'gitops/chart-installed-twice')).toBe(true);
  });

  it('refuses an Application in the "default" project or in a project the tree does not define', () => {
    const findings = synthFindings(() => synthesize(platformWith({ redisProject: 'default' })));
    expect(findings.filter((f) => f.rule === 'argocd/project-not-found').map((f) => [f.location.replace(/ \(.*$/, ''), f.value])).toEqual([
      ['acme/dev/redis/application/application', 'default'],
      ['acme/prod/redis/application/application', 'default'],
    ]);
    expect(findings[0]!.message).toContain('allows every repository');
  });

  it('refuses a project that does not allow the kinds the chart creates', () => {
    // The controllers in a hand-written project that allows ClusterRoles from argo-helm only (globs as Argo CD reads them).
    const restricted = (env: EnvironmentChart) => {
      if (env.environment.name !== 'dev') return;
      new ApiObject(env, 'restricted', {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'AppProject',
        metadata: { name: 'restricted', namespace: 'argocd', annotations: { 'argocd.argoproj.io/sync-wave': '-20' } },
        spec: { sourceRepos: ['https://argoproj.github.io/*'], destinations: [{ server: '*', namespace: '*' }], clusterResourceWhitelist: [{ group: 'rbac.authorization.k8s.io', kind: 'Cluster*' }, { group: '', kind: 'Namespace' }] },
      });
    };
    const findings = synthFindings(() => synthesize(platformWith({ controllersProject: 'restricted', extra: restricted })));
    const kinds = findings.filter((f) => f.rule === 'argocd/project-kind' && f.location.includes('acme/dev/argocd/application-keda.yaml'));
    expect(kinds.map((f) => f.message.match(/cluster-scoped ([^\s,]+)/)?.[1])).toEqual(expect.arrayContaining(['apiextensions.k8s.io/CustomResourceDefinition', 'apiregistration.k8s.io/APIService']));
    expect(findings.some((f) => f.rule === 'argocd/project-source' && f.value === 'https://kedacore.github.io/charts')).toBe(true);
    expect(findings.some((f) => f.rule === 'argocd/project-source' && f.location.includes('application-argo-rollouts.yaml'))).toBe(false);
    expect(findings.some((f) => f.location.includes('acme/dev/argocd/application-argo-rollouts.yaml') && f.message.includes('ClusterRole'))).toBe(false);
    // "restricted" is not a project of prod's Argo CD (one Argo CD per environment by default).
    expect(findings.some((f) => f.rule === 'argocd/project-not-found' && f.location.includes('acme/prod/'))).toBe(true);
  });
});
