import { App } from 'cdk8s';
import { beforeAll, describe, expect, it } from 'vitest';
import { bitvault } from '../../../apps/bitvault/bitvault.js';
import { Environment } from '../../../lib/core/environment.js';
import { ArgoCdSyncPolicy, STAGE_WAVES } from '../../../lib/gitops/argocd/argocd-target.js';
import { GitOpsTarget } from '../../../lib/gitops/targets.js';
import { Platform } from '../../../lib/platform/platform.js';
import { Probe } from '../../../lib/pod/probe.js';
import { synthesize, SynthesizedObject } from '../../../lib/synth/synthesizer.js';
import { TrafficRouter } from '../../../lib/traffic/traffic-router.js';
import { SchemaValidator } from '../../../lib/validation/schema-validator.js';
import { StatelessService } from '../../../lib/workloads/stateless-service.js';
import { DIGEST_IMAGE, synthFindings } from '../../helpers.js';

const WAVE = 'argocd.argoproj.io/sync-wave';
let objects: SynthesizedObject[];
beforeAll(() => {
  const app = new App();
  bitvault(app);
  objects = synthesize(app);
});
const at = (path: string) => objects.find((o) => o.path === path)!.manifest;

describe('the Argo CD tree of bitvault', () => {
  it.each(['dev', 'staging', 'prod'])('%s: root app → argocd/ folder → one child per unit folder, every path exists in dist/', (env) => {
    const root = at(`bitvault/${env}/bootstrap/application-bitvault-${env}.yaml`);
    expect(root.spec.source).toEqual({ repoURL: 'https://github.com/bitvault/platform.git', targetRevision: 'main', path: `dist/bitvault/${env}/argocd` });
    const children = objects.filter((o) => o.path.startsWith(`bitvault/${env}/argocd/`) && o.manifest.kind === 'Application');
    const unitFolders = [...new Set(objects.filter((o) => o.stage && o.path.startsWith(`bitvault/${env}/`)).map((o) => o.path.split('/')[2]))].sort();
    expect(children.map((c) => c.manifest.spec.source.path.replace(`dist/bitvault/${env}/`, '')).sort()).toEqual(unitFolders);
    expect(unitFolders).toEqual(['bitvault-web', 'bitvaultd', 'bitvaultd-migrations', 'gateway', 'nats', 'opensearch', 'platform', 'postgres', 'redis', 'workers']);
    for (const c of children) {
      expect(c.manifest.spec.project).toBe(`bitvault-${env}`);
      expect(c.manifest.spec.destination.namespace).toBe(`bitvault-${env}`);
      expect(c.manifest.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
    }
  });

  it('orders the children by stage: platform, then data, then migrations, then apps; the project first', () => {
    const waves = Object.fromEntries(objects.filter((o) => o.path.startsWith('bitvault/prod/argocd/')).map((o) => [o.manifest.metadata.name, Number(o.manifest.metadata.annotations[WAVE])]));
    expect(waves).toEqual({
      'bitvault-prod': -20,
      'bitvault-prod-platform': STAGE_WAVES.platform,
      'bitvault-prod-postgres': STAGE_WAVES.data,
      'bitvault-prod-redis': STAGE_WAVES.data,
      'bitvault-prod-nats': STAGE_WAVES.data,
      'bitvault-prod-opensearch': STAGE_WAVES.data,
      'bitvault-prod-bitvaultd-migrations': STAGE_WAVES.migration,
      'bitvault-prod-gateway': STAGE_WAVES.app,
      'bitvault-prod-bitvaultd': STAGE_WAVES.app,
      'bitvault-prod-bitvault-web': STAGE_WAVES.app,
      'bitvault-prod-workers': STAGE_WAVES.app,
    });
    expect(STAGE_WAVES.platform).toBeLessThan(STAGE_WAVES.data);
    expect(STAGE_WAVES.data).toBeLessThan(STAGE_WAVES.migration);
    expect(STAGE_WAVES.migration).toBeLessThan(STAGE_WAVES.app);
  });

  it('ignores only the HTTPRoute weights the Gateway API plugin manages, and only where a canary runs', () => {
    const withIgnores = objects.filter((o) => o.manifest.kind === 'Application' && o.manifest.spec.ignoreDifferences).map((o) => o.manifest.metadata.name).sort();
    expect(withIgnores).toEqual(['bitvault-prod-bitvaultd', 'bitvault-prod-gateway']);
    const gateway = at('bitvault/prod/argocd/application-bitvault-prod-gateway.yaml');
    expect(gateway.spec.ignoreDifferences).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'gateway', namespace: 'bitvault-prod', jqPathExpressions: ['.spec.rules[].backendRefs[].weight'] }]);
    expect(gateway.spec.syncPolicy.syncOptions).toContain('RespectIgnoreDifferences=true');
  });

  it('lets the project deploy exactly what the units contain', () => {
    const project = at('bitvault/prod/argocd/appproject-bitvault-prod.yaml');
    expect(project.spec.destinations.map((d: any) => d.namespace)).toEqual(['argo-rollouts', 'argocd', 'bitvault-prod', 'cnpg-system', 'keda']);
    expect(project.spec.clusterResourceWhitelist).toEqual([
      { group: '', kind: 'Namespace' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
    ]);
    expect(project.spec.sourceRepos[0]).toBe('https://github.com/bitvault/platform.git');
  });

  it('validates every GitOps object against the pinned Argo CD CRDs', async () => {
    const validator = await SchemaValidator.load();
    const gitops = objects.filter((o) => !o.stage);
    expect(gitops.length).toBe(36);
    expect(gitops.flatMap((o) => validator.validate(o.manifest, o.path))).toEqual([]);
  });
});

describe('Argo CD target options', () => {
  function synthWith(policies?: Record<string, ArgoCdSyncPolicy>, repoURL = 'https://github.com/acme/platform.git') {
    const app = new App();
    const platform = new Platform(app, 'acme', {
      environments: [Environment.staging(), Environment.prod()],
      gitops: GitOpsTarget.argoCd({ repoURL, syncPolicies: policies }),
      outputPath: 'deploy/out',
    });
    platform.forEachEnvironment((env) => new StatelessService(env, 'api', { image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/readyz'), trafficRouter: TrafficRouter.gatewayApi({ gatewayName: 'public' }) }));
    return synthesize(app);
  }

  it('syncs automatically with prune and selfHeal by default; prod can be made manual', () => {
    const objs = synthWith({ prod: ArgoCdSyncPolicy.manual() });
    const staging = objs.find((o) => o.path === 'acme/staging/argocd/application-acme-staging-api.yaml')!.manifest;
    const prod = objs.find((o) => o.path === 'acme/prod/argocd/application-acme-prod-api.yaml')!.manifest;
    expect(staging.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    expect(prod.spec.syncPolicy.automated).toBeUndefined();
    expect(prod.spec.source.path).toBe('deploy/out/acme/prod/api');
  });

  it('rejects a repoURL Argo CD cannot clone', () => {
    const findings = synthFindings(() => synthWith(undefined, 'github.com/acme'));
    expect(findings.map((f) => [f.location, f.field, f.value])).toEqual([['acme', 'gitops.repoURL', 'github.com/acme']]);
  });
});
