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
import { SyncWave } from '../../../lib/core/sync-wave.js';

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
    expect(root.spec.project).toBe(`bitvault-${env}-gitops`);
    const children = objects.filter((o) => o.path.startsWith(`bitvault/${env}/argocd/`) && o.manifest.kind === 'Application' && !o.manifest.spec.source.chart);
    const unitFolders = [...new Set(objects.filter((o) => o.stage && o.path.startsWith(`bitvault/${env}/`)).map((o) => o.path.split('/')[2]))].sort();
    expect(children.map((c) => c.manifest.spec.source.path.replace(`dist/bitvault/${env}/`, '')).sort()).toEqual(unitFolders);
    // The Helm Applications of the data services sit in argocd/ themselves: their folders are gone (issue 12).
    expect(unitFolders).toEqual(['bitvault-web', 'bitvaultd', 'bitvaultd-migrations', 'gateway', 'platform', 'postgres', 'workers']);
    for (const c of children) {
      expect(c.manifest.spec.project).toBe(`bitvault-${env}`);
      expect(c.manifest.spec.destination).toEqual({ server: `https://${env}.k8s.bitvault.example:6443`, namespace: `bitvault-${env}` });
      expect(c.manifest.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
    }
    const charts = objects.filter((o) => o.path.startsWith(`bitvault/${env}/argocd/`) && o.manifest.kind === 'Application' && o.manifest.spec.source.chart);
    expect(charts.map((c) => [c.manifest.metadata.name, c.manifest.spec.project]).sort()).toEqual([
      [`bitvault-${env}-argo-rollouts`, `bitvault-${env}-platform`],
      [`bitvault-${env}-cloudnative-pg`, `bitvault-${env}-platform`],
      [`bitvault-${env}-keda`, `bitvault-${env}-platform`],
      [`bitvault-${env}-nats`, `bitvault-${env}`],
      [`bitvault-${env}-opensearch`, `bitvault-${env}`],
      [`bitvault-${env}-redis`, `bitvault-${env}`],
    ]);
  });

  it('orders the children by stage: platform, then data, then migrations, then apps; the project first', () => {
    const waves = Object.fromEntries(objects.filter((o) => o.path.startsWith('bitvault/prod/argocd/') && !o.path.includes('/application-bitvault-prod-platform.yaml')).map((o) => [o.manifest.metadata.name, Number(o.manifest.metadata.annotations[WAVE])]));
    expect(Number(at('bitvault/prod/argocd/application-bitvault-prod-platform.yaml').metadata.annotations[WAVE])).toBe(STAGE_WAVES.platform);
    expect(waves).toEqual({
      'bitvault-prod': -20,
      'bitvault-prod-platform': -20,
      'bitvault-prod-argo-rollouts': SyncWave.OPERATOR,
      'bitvault-prod-keda': SyncWave.OPERATOR,
      'bitvault-prod-cloudnative-pg': SyncWave.OPERATOR,
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

  it('lets the project deploy exactly what the units contain, cluster-scoped objects by name', () => {
    const project = at('bitvault/prod/argocd/appproject-bitvault-prod.yaml');
    expect(project.spec.destinations).toEqual([{ server: 'https://prod.k8s.bitvault.example:6443', namespace: 'bitvault-prod' }]);
    expect(project.spec.clusterResourceWhitelist).toEqual([
      { group: '', kind: 'Namespace', name: 'bitvault-prod' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'argo-rollouts-gateway-api' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding', name: 'argo-rollouts-gateway-api' },
    ]);
    expect(project.spec.sourceRepos).toEqual(['https://github.com/bitvault/platform.git', 'https://dandydeveloper.github.io/charts', 'https://nats-io.github.io/k8s/helm/charts/', 'https://opensearch-project.github.io/helm-charts/']);
    const platform = at('bitvault/prod/argocd/appproject-bitvault-prod-platform.yaml');
    expect(platform.spec.destinations.map((d: any) => d.namespace)).toEqual(['argo-rollouts', 'cnpg-system', 'keda', 'kube-system']);
    expect(platform.spec.clusterResourceWhitelist.map((k: any) => `${k.group}/${k.kind}${k.name ? `/${k.name}` : ''}`)).toEqual([
      '/Namespace/argo-rollouts',
      '/Namespace/cnpg-system',
      '/Namespace/keda',
      'admissionregistration.k8s.io/MutatingWebhookConfiguration',
      'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
      'apiextensions.k8s.io/CustomResourceDefinition',
      'apiregistration.k8s.io/APIService',
      'rbac.authorization.k8s.io/ClusterRole',
      'rbac.authorization.k8s.io/ClusterRoleBinding',
    ]);
    const gitops = at('bitvault/prod/bootstrap/appproject-bitvault-prod-gitops.yaml');
    expect(gitops.spec.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: 'argocd' }]);
    expect(gitops.spec.clusterResourceWhitelist).toBeUndefined();
    expect(gitops.spec.namespaceResourceWhitelist).toEqual([{ group: 'argoproj.io', kind: 'AppProject' }, { group: 'argoproj.io', kind: 'Application' }]);
  });

  it('validates every GitOps object against the pinned Argo CD CRDs', async () => {
    const validator = await SchemaValidator.load();
    const gitops = objects.filter((o) => !o.stage);
    expect(gitops.length).toBe(51);
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
