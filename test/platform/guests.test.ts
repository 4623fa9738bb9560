import { Cron } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { beforeAll, describe, expect, it } from 'vitest';
import { ArgoCdTarget } from '../../lib/gitops/argocd/argocd-target.js';
import { DeliveryStage } from '../../lib/platform/output-folder.js';
import { DeliveryUnit } from '../../lib/platform/guests.js';
import type { EnvironmentChart } from '../../lib/platform/platform.js';
import { synthesize, type SynthesizedObject } from '../../lib/synth/synthesizer.js';
import { ResourceScopes } from '../../lib/validation/schema/scopes.js';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { validateManifests } from '../../lib/validation/validate-manifests.js';
import { shopApp, type ShopDelivery } from '../fixtures/shop/shop.js';
import { synthFindings } from '../helpers.js';

/**
 * Issue 20: plain cdk8s objects as first-class guests. cdk8s-plus objects added to the shop: a ConfigMap in the
 * orders service's unit, a CronJob in a unit of its own (DeliveryUnit), a Deployment with its Service directly in
 * the environment.
 */
const REPORT_IMAGE = `ghcr.io/shop/reports@sha256:${'5'.repeat(64)}`;
const ADMIN_IMAGE = `ghcr.io/shop/admin@sha256:${'6'.repeat(64)}`;

function guests(env: EnvironmentChart, container: Partial<kplus.ContainerProps> = {}): void {
  const orders = env.node.findChild('orders');
  new kplus.ConfigMap(orders, 'flags', { data: { CHECKOUT_V2: 'off' } });
  const reports = new DeliveryUnit(env, 'reports');
  new kplus.CronJob(reports, 'nightly', { schedule: Cron.daily(), containers: [{ image: REPORT_IMAGE, args: ['--since', '24h'] }] });
  const admin = new kplus.Deployment(env, 'admin', { replicas: 1, containers: [{ image: ADMIN_IMAGE, portNumber: 8080, ...container }] });
  admin.exposeViaService();
}

let validator: SchemaValidator;
beforeAll(async () => {
  validator = await SchemaValidator.load();
});

const guestsOf = (objects: readonly SynthesizedObject[], env: string) => objects.filter((o) => o.path.startsWith(`shop/${env}/`) && o.constructPath.match(/\/(orders\/flags|reports\/nightly|admin)\//));

describe.each<ShopDelivery>(['argocd', 'flux'])('cdk8s-plus objects in the shop, delivered with %s', (delivery) => {
  let objects: SynthesizedObject[];
  beforeAll(() => {
    // GIVEN a ConfigMap, a CronJob and a Deployment (with its Service) of cdk8s-plus WHEN synthesized
    objects = synthesize(shopApp({ delivery, extra: (env) => guests(env) }), { validator });
  });

  it('THEN each lands in its unit: the workload\'s it was created in, its DeliveryUnit, or one named after it — not platform/', () => {
    expect(guestsOf(objects, 'prod').map((o) => `${o.path.split('/')[2]} ${o.manifest.kind}`).sort()).toEqual(['admin Deployment', 'admin Service', 'orders ConfigMap', 'reports CronJob']);
    const stageOf = (folder: string) => objects.find((o) => o.path.startsWith(`shop/prod/${folder}/`))!.stage;
    expect([stageOf('orders'), stageOf('reports'), stageOf('admin')]).toEqual([DeliveryStage.APP, DeliveryStage.APP, DeliveryStage.APP]);
  });

  it('THEN each gets the environment\'s namespace, the platform\'s labels and (Argo CD only) a wave for its kind', () => {
    for (const o of guestsOf(objects, 'prod')) {
      expect(o.manifest.metadata.namespace, o.path).toBe('shop-prod');
      expect(o.manifest.metadata.labels, o.path).toMatchObject({ 'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/managed-by': 'cdk8s-delivery' });
    }
    const waves = Object.fromEntries(guestsOf(objects, 'prod').map((o) => [o.manifest.kind, o.manifest.metadata.annotations?.['argocd.argoproj.io/sync-wave']]));
    // The ConfigMap before the workloads that read it, the Service before its Deployment, as the constructs' own objects.
    expect(waves).toEqual(delivery === 'argocd' ? { ConfigMap: '5', CronJob: '20', Deployment: '20', Service: '10' } : { ConfigMap: undefined, CronJob: undefined, Deployment: undefined, Service: undefined });
  });

  it('THEN their pods meet Pod Security "restricted": the seccomp profile and dropped capabilities cdk8s-plus leaves out are filled in', () => {
    for (const o of guestsOf(objects, 'prod').filter((x) => ['CronJob', 'Deployment'].includes(x.manifest.kind))) {
      const pod = o.manifest.kind === 'CronJob' ? o.manifest.spec.jobTemplate.spec.template.spec : o.manifest.spec.template.spec;
      expect(pod.securityContext, o.path).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.containers[0].securityContext, o.path).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true });
    }
  });

  it('THEN every object passes the upstream schemas and every rule validate applies (restricted policy)', () => {
    const mine = objects.filter((o) => o.path.startsWith('shop/'));
    expect(mine.flatMap((o) => validator.validate(o.manifest, o.path))).toEqual([]);
    expect(validateManifests(mine.map((o) => ({ object: o.manifest, location: o.path, file: o.path })), { schema: validator }).errors).toEqual([]);
  });

  it('THEN the GitOps tool syncs the new units after the migration, like every app', () => {
    if (delivery === 'argocd') {
      const application = objects.find((o) => o.path === 'shop/prod/argocd/application-shop-prod-reports.yaml')!.manifest;
      expect([application.metadata.annotations['argocd.argoproj.io/sync-wave'], application.spec.source.path]).toEqual(['10', 'dist/shop/prod/reports']);
    } else {
      const kustomization = objects.find((o) => o.path === 'shop/prod/flux/kustomization-shop-prod-admin.yaml')!.manifest;
      expect([kustomization.spec.path, kustomization.spec.dependsOn]).toEqual(['./dist/shop/prod/admin', [{ name: 'shop-prod-orders-migrations' }]]);
    }
  });
});

describe('the AppProject of an environment with plain cdk8s objects (issue 20)', () => {
  it('GIVEN cdk8s-plus objects in the environment THEN clusterResourceWhitelist lists only cluster-scoped kinds, by the schemas', () => {
    const objects = synthesize(shopApp({ delivery: 'argocd', extra: (env) => guests(env) }));
    const project = objects.find((o) => o.path === 'shop/prod/argocd/appproject-shop-prod.yaml')!.manifest;
    const scopes = ResourceScopes.pinned();
    const whitelist: { group: string; kind: string; name?: string }[] = project.spec.clusterResourceWhitelist;
    expect(whitelist.filter((k) => scopes.isNamespaced(k.group ? `${k.group}/v1` : 'v1', k.kind) !== false)).toEqual([]);
    expect(whitelist.map((k) => `${k.group}/${k.kind}/${k.name}`)).toEqual([
      '/Namespace/shop-prod',
      'gateway.networking.k8s.io/GatewayClass/envoy',
      'rbac.authorization.k8s.io/ClusterRole/argo-rollouts-gateway-api',
      'rbac.authorization.k8s.io/ClusterRoleBinding/argo-rollouts-gateway-api',
    ]);
  });

  it('GIVEN a unit with a ConfigMap and a CronJob that name no namespace WHEN the AppProject is rendered THEN they are not cluster-scoped objects', () => {
    // The defect of the issue, at the target itself: scope was taken from metadata.namespace being set.
    const target = new ArgoCdTarget({ repoURL: 'https://github.com/shop/platform.git' });
    const unit = (kind: string, apiVersion: string) => ({ path: `shop/prod/reports/${kind.toLowerCase()}-x.yaml`, manifest: { apiVersion, kind, metadata: { name: 'x' } } });
    const rendered = target.render({
      platform: 'shop',
      environment: 'prod',
      namespace: 'shop-prod',
      outputPath: 'dist',
      units: [{ folder: 'reports', stage: DeliveryStage.APP, path: 'shop/prod/reports', objects: [unit('ConfigMap', 'v1'), unit('CronJob', 'batch/v1'), unit('ClusterRole', 'rbac.authorization.k8s.io/v1')] }],
    });
    const project = rendered.find((o) => o.manifest.kind === 'AppProject' && o.manifest.metadata.name === 'shop-prod')!.manifest;
    expect(project.spec.clusterResourceWhitelist).toEqual([{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'x' }]);
  });
});

describe('Pod Security of plain cdk8s objects is enforced, with the field and the fix', () => {
  it('GIVEN a cdk8s-plus container that asks for privileged mode WHEN synthesized THEN the synth fails at the construct, naming the field', () => {
    const findings = synthFindings(() => synthesize(shopApp({ extra: (env) => guests(env, { securityContext: { privileged: true, allowPrivilegeEscalation: true } }) })));
    const admin = findings.filter((f) => f.location === 'shop/prod/admin/Resource');
    expect(admin.map((f) => [f.field, f.value, f.rule])).toEqual([
      ['spec.template.spec.containers[0].securityContext.privileged', true, 'pss/privileged'],
      ['spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation', true, 'pss/allow-privilege-escalation'],
    ]);
    expect(admin.every((f) => f.fix.length > 0)).toBe(true);
  });

  it('GIVEN two constructs that put one folder in two stages THEN the synth says so', () => {
    const findings = synthFindings(() => synthesize(shopApp({ extra: (env) => new DeliveryUnit(env, 'late-postgres', { folder: 'postgres', stage: DeliveryStage.APP }) && new kplus.ConfigMap(env.node.findChild('late-postgres'), 'c') })));
    expect(findings.map((f) => [f.rule, f.value])).toEqual([
      ['synth/unit-stage', 'shop/dev/postgres'],
      ['synth/unit-stage', 'shop/staging/postgres'],
      ['synth/unit-stage', 'shop/prod/postgres'],
    ]);
  });
});
