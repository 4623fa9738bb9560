import { App } from 'cdk8s';
import { beforeAll, describe, expect, it } from 'vitest';
import { homelab } from '../../apps/homelab/homelab.js';
import { synthesize, SynthesizedObject, toYaml } from '../../lib/synth/synthesizer.js';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { synthFindings } from '../helpers.js';

// GIVEN the homelab reference platform
let objects: SynthesizedObject[];
beforeAll(() => {
  const app = new App();
  homelab(app);
  objects = synthesize(app);
});
const at = (path: string) => {
  const found = objects.find((o) => o.path === path);
  expect(found, path).toBeDefined();
  return found!.manifest;
};
const folder = (name: string) => objects.filter((o) => o.path.startsWith(`homelab/prod/${name}/`));

describe('the homelab reference platform', () => {
  it('has one environment, prod, and these folders', () => {
    expect([...new Set(objects.map((o) => o.path.split('/').slice(0, 3).join('/')))]).toEqual([
      'homelab/prod/bootstrap',
      'homelab/prod/companions',
      'homelab/prod/flux',
      'homelab/prod/inference',
      'homelab/prod/mlflow',
      'homelab/prod/platform',
    ]);
  });

  it('is delivered by Flux: apps wait for the platform (controllers, Gateway) through dependsOn', () => {
    expect(at('homelab/prod/bootstrap/kustomization-homelab-prod.yaml').spec.path).toBe('./dist/homelab/prod/flux');
    expect(at('homelab/prod/flux/gitrepository-homelab-prod.yaml').spec).toEqual({ interval: '1m', url: 'https://github.com/homelab/platform.git', ref: { branch: 'main' } });
    const units = folder('flux').filter((o) => o.manifest.kind === 'Kustomization').map((o) => [o.manifest.metadata.name, o.manifest.spec.dependsOn?.map((d: { name: string }) => d.name), o.manifest.spec.wait, o.manifest.spec.timeout]);
    expect(units).toEqual([
      ['homelab-prod-companions', ['homelab-prod-platform'], true, '25m'],
      ['homelab-prod-inference', ['homelab-prod-platform'], true, '25m'],
      ['homelab-prod-mlflow', ['homelab-prod-platform'], true, '25m'],
      ['homelab-prod-platform', undefined, true, '25m'],
    ]);
  });

  it('installs Argo Rollouts as the ADR describes: Argo HelmRepository, ci-cd, one replica, dashboard, CRDs CreateReplace', () => {
    const release = at('homelab/prod/platform/helmrelease-argo-rollouts.yaml');
    const repository = at('homelab/prod/platform/helmrepository-argo-rollouts.yaml');
    expect(release.spec.chart.spec).toEqual({ chart: 'argo-rollouts', version: '2.41.0', sourceRef: { kind: 'HelmRepository', name: repository.metadata.name } });
    expect([release.metadata.namespace, repository.metadata.namespace, repository.spec.url]).toEqual(['flux-system', 'flux-system', 'https://argoproj.github.io/argo-helm']);
    expect([release.spec.targetNamespace, release.spec.install.createNamespace]).toEqual(['ci-cd', true]);
    expect([release.spec.values.controller.replicas, release.spec.values.dashboard.enabled]).toEqual([1, true]);
    expect([release.spec.install.crds, release.spec.upgrade.crds]).toEqual(['CreateReplace', 'CreateReplace']);
    // AND the Gateway API plugin may edit HTTPRoutes from the ci-cd namespace
    expect(at('homelab/prod/platform/clusterrolebinding-argo-rollouts-gateway-api.yaml').subjects).toEqual([{ kind: 'ServiceAccount', name: 'argo-rollouts', namespace: 'ci-cd' }]);
    // AND nothing installs KEDA or CloudNativePG
    expect(objects.filter((o) => o.manifest.kind === 'HelmRelease').map((o) => o.manifest.metadata.name)).toEqual(['argo-rollouts']);
  });

  it('routes through Envoy Gateway: one GatewayClass, one Gateway, and every HTTPRoute attached to it', () => {
    expect(at('homelab/prod/platform/gatewayclass-envoy-gateway.yaml').spec.controllerName).toBe('gateway.envoyproxy.io/gatewayclass-controller');
    const gateway = at('homelab/prod/platform/gateway-homelab.yaml');
    expect([gateway.metadata.namespace, gateway.spec.gatewayClassName, gateway.spec.listeners.map((l: any) => `${l.name}:${l.protocol}:${l.port}:${l.hostname}`)]).toEqual([
      'homelab-prod', 'envoy-gateway', ['http:HTTP:80:*.homelab.example', 'https:HTTPS:443:*.homelab.example'],
    ]);
    const routes = objects.filter((o) => o.manifest.kind === 'HTTPRoute').map((o) => [o.manifest.metadata.name, o.manifest.spec.hostnames, o.manifest.spec.parentRefs]);
    const parentRefs = [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'homelab', namespace: 'homelab-prod' }];
    expect(routes).toEqual([
      ['companions', ['companions.homelab.example'], parentRefs],
      ['inference', ['inference.homelab.example'], parentRefs],
      ['mlflow', ['mlflow.homelab.example'], parentRefs],
    ]);
  });

  it('ships the inference endpoint as a canary: 10% → analysis → 30% → analysis through the Gateway API plugin', () => {
    const rollout = at('homelab/prod/inference/rollout-inference.yaml');
    const canary = rollout.spec.strategy.canary;
    const analysis = { templates: [{ templateName: 'inference-slo' }], args: [{ name: 'namespace', value: 'homelab-prod' }, { name: 'workload', value: 'inference' }, { name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } }, { name: 'stable-hash', valueFrom: { podTemplateHashValue: 'Stable' } }] };
    // (the step before the last lets a canary that is not significantly bad on to 30 %: its verdict line is z)
    const first = { ...analysis, args: [...analysis.args, { name: 'verdict-pass-line', value: '2.326' }] };
    expect(canary.steps).toEqual([{ setWeight: 10 }, { analysis: first }, { setWeight: 30 }, { analysis }]);
    expect([canary.stableService, canary.canaryService, canary.trafficRouting]).toEqual(['inference', 'inference-canary', { plugins: { 'argoproj-labs/gatewayAPI': { httpRoute: 'inference', namespace: 'homelab-prod' } } }]);
    // AND the route's backends are exactly the stable and canary Services
    expect(at('homelab/prod/inference/httproute-inference.yaml').spec.rules[0].backendRefs.map((b: any) => [b.name, b.weight])).toEqual([['inference', 100], ['inference-canary', 0]]);
    // AND the analysis holds inference-sized SLOs: 99 % success (abort at 1.5 % errors), p99 latency 5 s (abort above 10 s)
    const template = at('homelab/prod/inference/analysistemplate-inference-slo.yaml');
    expect(template.metadata.annotations).toMatchObject({ 'delivery.cdk8s.io/slo-success-rate': '0.99', 'delivery.cdk8s.io/slo-latency-p99-seconds': '5' });
    const [success, latency] = template.spec.metrics;
    // (raised by the stable's ratio up to the 2 × cap, 3 %)
    expect(success.provider.prometheus.query).toContain('0.015, 0.03) or vector(0.015)');
    expect(latency.provider.prometheus.query).toContain('le=~"10([.]0+)?"');
    // AND the probe path is left out of both
    for (const m of [success, latency]) expect(m.provider.prometheus.query).toContain('http_route!~"/health"');
    // AND Flux checks its health by phase and leaves the plugin's weights alone
    const unit = at('homelab/prod/flux/kustomization-homelab-prod-inference.yaml');
    expect(unit.spec.healthCheckExprs.map((h: any) => h.kind)).toEqual(['Rollout']);
    expect(unit.spec.ignore[0].target).toEqual({ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'inference', namespace: 'homelab-prod' });
  });

  it('ships the Companions frontend blue-green: smoke test through the preview Service, then the flip', () => {
    const blueGreen = at('homelab/prod/companions/rollout-companions.yaml').spec.strategy.blueGreen;
    expect([blueGreen.activeService, blueGreen.previewService, blueGreen.autoPromotionEnabled, blueGreen.scaleDownDelaySeconds]).toEqual(['companions', 'companions-preview', true, 600]);
    expect(blueGreen.prePromotionAnalysis.templates).toEqual([{ templateName: 'companions-smoke-test' }]);
    expect(at('homelab/prod/companions/httproute-companions.yaml').spec.rules[0].backendRefs.map((b: any) => b.name)).toEqual(['companions']);
  });

  it('ships MLflow, an infrastructure service, on a plain rolling update', () => {
    expect(folder('mlflow').map((o) => o.manifest.kind)).toEqual(['Deployment', 'HTTPRoute', 'PodDisruptionBudget', 'Service']);
    expect(at('homelab/prod/mlflow/deployment-mlflow.yaml').spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } });
  });

  it('validates every object against the real schemas (Flux, Gateway API, Argo Rollouts, Kubernetes)', async () => {
    const validator = await SchemaValidator.load();
    expect(objects.flatMap((o) => validator.validate(o.manifest, o.path))).toEqual([]);
  });

  it('refuses a tag-only image in prod', () => {
    const findings = synthFindings(() => synthesize((() => { const app = new App(); homelab(app, { images: { inference: 'ghcr.io/homelab/inference:latest' } }); return app; })()));
    expect(findings.map((f) => [f.location, f.field, f.value])).toEqual([['homelab/prod/inference', 'image', 'ghcr.io/homelab/inference:latest']]);
  });

  it('prod: snapshot of the GitOps layer', () => {
    expect(objects.filter((o) => !o.stage).map((o) => `# ${o.path}\n${toYaml(o.manifest)}`).join('---\n')).toMatchSnapshot();
  });
});
