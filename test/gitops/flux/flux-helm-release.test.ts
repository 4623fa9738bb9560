import { Duration } from 'cdk8s';
import { beforeAll, describe, expect, it } from 'vitest';
import { SecretKey } from '../../../lib/config/secret-reference.js';
import { Environment } from '../../../lib/core/environment.js';
import { Redis } from '../../../lib/data/helm/redis.js';
import { FluxHelmRelease, FluxHelmReleaseProps } from '../../../lib/gitops/flux/flux-helm-release.js';
import { HelmChart, HelmCrdPolicy } from '../../../lib/gitops/helm-chart.js';
import { GitOpsTarget } from '../../../lib/gitops/targets.js';
import { PlatformControllers } from '../../../lib/platform/controllers.js';
import { EnvironmentChart } from '../../../lib/platform/platform.js';
import { SynthesizedObject, toYaml } from '../../../lib/synth/synthesizer.js';
import { SchemaValidator } from '../../../lib/validation/schema-validator.js';
import { synthFindings } from '../../helpers.js';
import { ENVIRONMENTS, synthWith } from './fixture.js';

const flux = GitOpsTarget.flux({ url: 'https://github.com/acme/platform.git' });
const argo = GitOpsTarget.argoCd({ repoURL: 'https://github.com/acme/platform.git' });
const of = (objects: SynthesizedObject[], env: string, kind: string) => objects.filter((o) => o.path.startsWith(`acme/${env}/`) && o.manifest.kind === kind).map((o) => o.manifest);

/** Every HelmRelease with the HelmRepository its chart's sourceRef resolves to (same namespace unless given). */
function pairs(objects: SynthesizedObject[], env: string) {
  const repositories = of(objects, env, 'HelmRepository');
  return of(objects, env, 'HelmRelease').map((release) => {
    const ref = release.spec.chart.spec.sourceRef;
    const matches = repositories.filter((r) => ref.kind === 'HelmRepository' && r.metadata.name === ref.name && r.metadata.namespace === (ref.namespace ?? release.metadata.namespace));
    expect(matches, release.metadata.name).toHaveLength(1);
    return { release, repository: matches[0] };
  });
}

let validator: SchemaValidator;
beforeAll(async () => {
  validator = await SchemaValidator.load();
});

describe('Helm charts under a Flux target', () => {
  // GIVEN the same controllers and Redis, once for each target
  const define = (env: EnvironmentChart) => {
    new PlatformControllers(env, 'controllers', { argoRollouts: { namespace: 'ci-cd' } });
    new Redis(env, 'redis', { password: SecretKey.of('redis-auth', 'password') });
  };
  const objects = synthWith(flux, define);
  const argoObjects = synthWith(argo, define);

  it('emits a HelmRepository and a HelmRelease instead of each Argo CD Application', () => {
    expect(objects.filter((o) => o.path.startsWith('acme/prod/') && o.stage).map((o) => o.path)).toEqual([
      'acme/prod/platform/clusterrole-argo-rollouts-gateway-api.yaml',
      'acme/prod/platform/clusterrolebinding-argo-rollouts-gateway-api.yaml',
      'acme/prod/platform/helmrelease-argo-rollouts.yaml',
      'acme/prod/platform/helmrelease-cloudnative-pg.yaml',
      'acme/prod/platform/helmrelease-keda.yaml',
      'acme/prod/platform/helmrepository-argo-rollouts.yaml',
      'acme/prod/platform/helmrepository-cloudnative-pg.yaml',
      'acme/prod/platform/helmrepository-keda.yaml',
      'acme/prod/platform/namespace-acme-prod.yaml',
      'acme/prod/platform/networkpolicy-allow-dns.yaml',
      'acme/prod/platform/networkpolicy-default-deny.yaml',
      'acme/prod/platform/networkpolicy-redis.yaml',
      'acme/prod/redis/helmrelease-acme-prod-redis.yaml',
      'acme/prod/redis/helmrepository-acme-prod-redis.yaml',
    ]);
    expect(of(objects, 'prod', 'Application')).toEqual([]);
  });

  it.each(ENVIRONMENTS)('%s: every HelmRelease resolves its HelmRepository, pins the chart the Application pinned, and creates and replaces CRDs', (env) => {
    const applications = new Map(of(argoObjects, env, 'Application').map((a) => [a.metadata.name, a]));
    const found = pairs(objects, env).map(({ release, repository }) => {
      const application = applications.get(release.metadata.name)!;
      // THEN repository, chart, version, release name, namespace and values are the Application's
      expect(repository.spec.url).toBe(application.spec.source.repoURL);
      expect(release.spec.chart.spec.chart).toBe(application.spec.source.chart);
      expect(release.spec.chart.spec.version).toBe(application.spec.source.targetRevision);
      expect(release.spec.chart.spec.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(release.spec.releaseName).toBe(application.spec.source.helm.releaseName);
      expect(release.spec.targetNamespace).toBe(application.spec.destination.namespace);
      // The same values, without the Argo CD annotation the Application gives the CRDs (Prune=false): Flux's CRDs are kept by helm.sh/resource-policy.
      expect(release.spec.values).toEqual(withoutArgoCdKeys(application.spec.source.helm.valuesObject));
      expect(JSON.stringify(release)).not.toContain('argocd.argoproj.io');
      expect([release.spec.install.crds, release.spec.upgrade.crds]).toEqual(['CreateReplace', 'CreateReplace']);
      return [release.metadata.namespace, release.metadata.name, release.spec.targetNamespace, release.spec.install.createNamespace];
    });
    expect(found).toEqual([
      ['flux-system', 'argo-rollouts', 'ci-cd', true],
      ['flux-system', 'cloudnative-pg', 'cnpg-system', true],
      ['flux-system', 'keda', 'keda', true],
      // The environment's namespace belongs to the platform folder (with its Pod Security labels): never created by Helm.
      ['flux-system', `acme-${env}-redis`, `acme-${env}`, undefined],
    ]);
  });

  it('installs Argo Rollouts as the seed says: chart argo-rollouts from the Argo repository, ci-cd, one replica, dashboard, CRDs CreateReplace', () => {
    const [{ release, repository }] = pairs(objects, 'prod').filter((p) => p.release.metadata.name === 'argo-rollouts');
    expect(repository.spec).toEqual({ url: 'https://argoproj.github.io/argo-helm', interval: '10m' });
    expect(release.spec).toMatchObject({
      releaseName: 'argo-rollouts',
      targetNamespace: 'ci-cd',
      chart: { spec: { chart: 'argo-rollouts', version: '2.41.0' } },
      install: { crds: 'CreateReplace', createNamespace: true, remediation: { retries: 3 } },
      upgrade: { crds: 'CreateReplace', cleanupOnFail: true, remediation: { retries: 3, strategy: 'rollback' } },
      values: { controller: { replicas: 1 }, dashboard: { enabled: true, containerSecurityContext: { allowPrivilegeEscalation: false } } },
    });
  });

  it('keeps the deletion protection of data services: a HelmRelease removed from Git is not pruned', () => {
    const [redis] = of(objects, 'prod', 'HelmRelease').filter((r) => r.metadata.name === 'acme-prod-redis');
    expect(redis.metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    // No Argo CD sync wave under Flux (issue 20): the units' dependsOn order them.
    const [controller] = of(objects, 'prod', 'HelmRelease').filter((r) => r.metadata.name === 'keda');
    expect(controller.metadata.annotations).toBeUndefined();
  });

  it('validates every object against the pinned Flux CRDs and the core schemas', () => {
    expect(objects.flatMap((o) => validator.validate(o.manifest, o.path))).toEqual([]);
  });
});

describe('FluxHelmRelease', () => {
  const chart = HelmChart.of({ repoURL: 'https://charts.example.com', chart: 'thing', version: '1.2.3', values: { replicas: 2 } });
  const base: FluxHelmReleaseProps = { name: 'thing', chart, targetNamespace: 'things' };
  const synth = (props: Partial<FluxHelmReleaseProps> = {}, environments?: Environment[]) => synthWith(flux, (env) => new FluxHelmRelease(env, 'thing', { ...base, ...props }), environments);

  it('leaves CRDs alone with HelmCrdPolicy.SKIP, and uses the given Flux namespace and interval', () => {
    const objects = synth({ chart: HelmChart.of({ repoURL: 'https://charts.example.com', chart: 'thing', version: '1.2.3', crds: HelmCrdPolicy.SKIP }), fluxNamespace: 'gitops', interval: Duration.minutes(30) }, [Environment.prod()]);
    const [release] = of(objects, 'prod', 'HelmRelease');
    const [repository] = of(objects, 'prod', 'HelmRepository');
    expect([release.metadata.namespace, release.spec.interval, release.spec.install.crds, release.spec.upgrade.crds, release.spec.values]).toEqual(['gitops', '30m', 'Skip', 'Skip', undefined]);
    expect([repository.metadata.namespace, repository.spec.interval]).toEqual(['gitops', '30m']);
  });

  it('reports an unpinned chart and a name helm-controller cannot put in a label, both at once', () => {
    const findings = synthFindings(() => synth({ name: `a${'b'.repeat(63)}`, chart: HelmChart.of({ repoURL: 'https://charts.example.com', chart: 'thing', version: '^1.2' }) }, [Environment.prod()]));
    expect(findings.map((f) => [f.location, f.field, f.value, f.rule])).toEqual([
      ['acme/prod/thing', 'chart.version', '^1.2', 'props/invalid'],
      ['acme/prod/thing', 'name', `a${'b'.repeat(63)}`, 'props/invalid'],
    ]);
  });

  it.each(ENVIRONMENTS)('%s: snapshot', (env) => {
    const objects = synth();
    const yaml = objects.filter((o) => o.path.startsWith(`acme/${env}/thing/helm`)).map((o) => `# ${o.path}\n${toYaml(o.manifest)}`).join('---\n');
    expect(yaml).toMatchSnapshot();
  });
});

/** Chart values without Argo CD's annotation keys, and without the maps that leaves empty. */
function withoutArgoCdKeys(values: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [key, value] of Object.entries(values)) {
    if (key.startsWith('argocd.argoproj.io/')) continue;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const inner = withoutArgoCdKeys(value);
      if (Object.keys(inner).length > 0) out[key] = inner;
    } else out[key] = value;
  }
  return out;
}
