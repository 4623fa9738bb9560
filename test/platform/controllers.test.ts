import { beforeAll, describe, expect, it } from 'vitest';
import { Environment } from '../../lib/core/environment.js';
import { SyncWave } from '../../lib/core/sync-wave.js';
import { CpuArchitecture, PlatformControllers, PlatformControllersProps } from '../../lib/platform/controllers.js';
import { toYaml } from '../../lib/synth/synthesizer.js';
import { HelmCrdPolicy } from '../../lib/gitops/helm-chart.js';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { manifestOf, objectsOf, synthFindings, synthPlatform } from '../helpers.js';

function synthControllers(props?: PlatformControllersProps, environments?: Environment[]) {
  return synthPlatform((env) => new PlatformControllers(env, 'controllers', props), environments);
}

const wave = (o: Record<string, any>) => Number(o.metadata.annotations['argocd.argoproj.io/sync-wave']);

let validator: SchemaValidator;
beforeAll(async () => {
  validator = await SchemaValidator.load();
});

describe('PlatformControllers', () => {
  // GIVEN the default controllers in every environment
  const objects = synthControllers();

  it('writes every object to the platform folder', () => {
    expect(objectsOf(objects, 'prod', 'platform').map((o) => o.path)).toEqual([
      'acme/prod/platform/application-argo-rollouts.yaml',
      'acme/prod/platform/application-cloudnative-pg.yaml',
      'acme/prod/platform/application-keda.yaml',
      'acme/prod/platform/clusterrole-argo-rollouts-gateway-api.yaml',
      'acme/prod/platform/clusterrolebinding-argo-rollouts-gateway-api.yaml',
      'acme/prod/platform/namespace-acme-prod.yaml',
      'acme/prod/platform/networkpolicy-allow-dns.yaml',
      'acme/prod/platform/networkpolicy-default-deny.yaml',
    ]);
  });

  it('orders namespace, RBAC and operators in negative waves, after the namespace and before the data services', () => {
    const waves = objectsOf(objects, 'prod', 'platform').map((o) => [o.manifest.kind, o.manifest.metadata.name, wave(o.manifest)]);
    expect(waves).toEqual([
      ['Application', 'argo-rollouts', -10],
      ['Application', 'cloudnative-pg', -10],
      ['Application', 'keda', -10],
      ['ClusterRole', 'argo-rollouts-gateway-api', -20],
      ['ClusterRoleBinding', 'argo-rollouts-gateway-api', -20],
      ['Namespace', 'acme-prod', -30],
      ['NetworkPolicy', 'allow-dns', -20],
      ['NetworkPolicy', 'default-deny', -20],
    ]);
    for (const [, , w] of waves) expect(w).toBeLessThan(SyncWave.DATA);
  });

  it('pins each controller chart to the version that ships the pinned CRDs, server-side applied into its own namespace', () => {
    const sources = ['argo-rollouts', 'keda', 'cloudnative-pg'].map((name) => {
      const app = manifestOf(objects, 'prod', 'Application', name);
      return [app.metadata.namespace, app.spec.source.repoURL, app.spec.source.chart, app.spec.source.targetRevision, app.spec.destination.namespace, app.spec.syncPolicy.syncOptions];
    });
    const options = ['CreateNamespace=true', 'ServerSideApply=true'];
    expect(sources).toEqual([
      ['argocd', 'https://argoproj.github.io/argo-helm', 'argo-rollouts', '2.41.0', 'argo-rollouts', options],
      ['argocd', 'https://kedacore.github.io/charts', 'keda', '2.20.2', 'keda', options],
      ['argocd', 'https://cloudnative-pg.github.io/charts', 'cloudnative-pg', '0.29.0', 'cnpg-system', options],
    ]);
    for (const name of ['argo-rollouts', 'keda', 'cloudnative-pg']) {
      const app = manifestOf(objects, 'prod', 'Application', name);
      expect(app.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
      expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    }
  });

  it('installs Argo Rollouts with one replica, the dashboard, kept CRDs and the Gateway API plugin registered by chart value', () => {
    const values = manifestOf(objects, 'prod', 'Application', 'argo-rollouts').spec.source.helm.valuesObject;
    const pod = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
    const container = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
    expect(values).toEqual({
      fullnameOverride: 'argo-rollouts',
      installCRDs: true,
      keepCRDs: true,
      crdAnnotations: { 'argocd.argoproj.io/sync-options': 'Prune=false' },
      controller: {
        replicas: 1,
        image: { tag: 'v1.9.1' },
        trafficRouterPlugins: [{ name: 'argoproj-labs/gatewayAPI', location: 'https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/v0.15.0/gatewayapi-plugin-linux-amd64' }],
      },
      podSecurityContext: pod,
      containerSecurityContext: container,
      // Issue 12: the chart gives the dashboard `containerSecurityContext: {}`.
      dashboard: { enabled: true, podSecurityContext: pod, containerSecurityContext: container },
      providerRBAC: { providers: { gatewayAPI: true } },
    });
  });

  it('keeps the CRDs KEDA and CloudNativePG template through their chart values (skipCrds covers only crds/)', () => {
    const keda = manifestOf(objects, 'prod', 'Application', 'keda').spec.source.helm.valuesObject;
    expect(keda.crds).toEqual({ install: true, additionalAnnotations: { 'helm.sh/resource-policy': 'keep', 'argocd.argoproj.io/sync-options': 'Prune=false' } });
    expect(manifestOf(objects, 'prod', 'Application', 'cloudnative-pg').spec.source.helm.valuesObject.crds).toEqual({ create: true });
    const skipped = synthControllers({ keda: { crds: HelmCrdPolicy.SKIP }, argoRollouts: { crds: HelmCrdPolicy.SKIP } }, [Environment.prod()]);
    const skippedKeda = manifestOf(skipped, 'prod', 'Application', 'keda').spec.source.helm;
    expect([skippedKeda.valuesObject.crds, skippedKeda.skipCrds]).toEqual([{ install: false }, true]);
    expect(manifestOf(skipped, 'prod', 'Application', 'argo-rollouts').spec.source.helm.valuesObject.installCRDs).toBe(false);
  });

  it('gives the Argo Rollouts ServiceAccount access to HTTPRoutes, cluster-wide and without a namespace', () => {
    const role = manifestOf(objects, 'prod', 'ClusterRole', 'argo-rollouts-gateway-api');
    expect(role.metadata.namespace).toBeUndefined();
    expect(role.rules).toEqual([{ apiGroups: ['gateway.networking.k8s.io'], resources: ['httproutes'], verbs: ['get', 'list', 'watch', 'update', 'patch'] }]);
    const binding = manifestOf(objects, 'prod', 'ClusterRoleBinding', 'argo-rollouts-gateway-api');
    expect(binding.metadata.namespace).toBeUndefined();
    expect([binding.roleRef, binding.subjects]).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'argo-rollouts-gateway-api' },
      [{ kind: 'ServiceAccount', name: 'argo-rollouts', namespace: 'argo-rollouts' }],
    ]);
  });

  it('validates against the pinned Application CRD and the core RBAC schema', () => {
    expect(objects.flatMap((o) => validator.validate(o.manifest, o.path))).toEqual([]);
  });
});

describe('PlatformControllers options', () => {
  it('turns controllers off for shared clusters and follows the Argo CD namespace, project and controller namespace', () => {
    // GIVEN KEDA and CloudNativePG installed elsewhere, Argo Rollouts in the ADR's ci-cd namespace
    const objects = synthControllers(
      {
        argoCdNamespace: 'gitops',
        project: 'platform',
        keda: { enabled: false },
        cloudNativePg: { enabled: false },
        argoRollouts: { namespace: 'ci-cd', gatewayApiPluginArchitecture: CpuArchitecture.ARM64, gatewayApiPluginSha256: 'a'.repeat(64) },
      },
      [Environment.prod()],
    );
    // THEN
    expect(objectsOf(objects, 'prod', 'platform').map((o) => o.manifest.kind)).toEqual(['Application', 'ClusterRole', 'ClusterRoleBinding', 'Namespace', 'NetworkPolicy', 'NetworkPolicy']);
    const app = manifestOf(objects, 'prod', 'Application', 'argo-rollouts');
    expect([app.metadata.namespace, app.spec.project, app.spec.destination.namespace]).toEqual(['gitops', 'platform', 'ci-cd']);
    expect(app.spec.source.helm.valuesObject.controller.trafficRouterPlugins).toEqual([
      { name: 'argoproj-labs/gatewayAPI', location: 'https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/v0.15.0/gatewayapi-plugin-linux-arm64', sha256: 'a'.repeat(64) },
    ]);
    expect(manifestOf(objects, 'prod', 'ClusterRoleBinding', 'argo-rollouts-gateway-api').subjects[0].namespace).toBe('ci-cd');
  });

  it('emits only the namespace when every controller is off', () => {
    const objects = synthControllers({ argoRollouts: { enabled: false }, keda: { enabled: false }, cloudNativePg: { enabled: false } }, [Environment.dev()]);
    expect(objectsOf(objects, 'dev', 'platform').map((o) => o.manifest.kind)).toEqual(['Namespace', 'NetworkPolicy', 'NetworkPolicy']);
  });

  it('reports a bad namespace, plugin version, checksum and chart version', () => {
    const findings = synthFindings(() =>
      synthControllers({ argoRollouts: { namespace: 'Argo_Rollouts', gatewayApiPluginVersion: 'latest', gatewayApiPluginSha256: 'abc' }, keda: { chartVersion: '2.x' } }, [Environment.prod()]),
    );
    expect(findings.map((f) => [f.location, f.field, f.value])).toEqual([
      ['acme/prod/controllers', 'argoRollouts.namespace', 'Argo_Rollouts'],
      ['acme/prod/controllers', 'argoRollouts.gatewayApiPluginVersion', 'latest'],
      ['acme/prod/controllers', 'argoRollouts.gatewayApiPluginSha256', 'abc'],
      ['acme/prod/controllers/keda', 'chart.version', '2.x'],
    ]);
  });
});

describe('PlatformControllers snapshots', () => {
  const objects = synthControllers();
  it.each(['dev', 'staging', 'prod'])('%s', (env) => {
    const yaml = objectsOf(objects, env, 'platform').map((o) => `# ${o.path}\n${toYaml(o.manifest)}`).join('---\n');
    expect(yaml).toMatchSnapshot();
  });
});
