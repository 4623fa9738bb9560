import { describe, expect, it } from 'vitest';
import { rolloutPlans } from '../../../lib/review/diagrams/rollout-plan.js';
import { synthesize, toYaml } from '../../../lib/synth/synthesizer.js';
import { shopApp } from '../../fixtures/shop/shop.js';

/**
 * Issue 20: "Flux output carries argocd.argoproj.io/sync-wave annotations and Argo CD wording". The shop
 * (controllers, Gateway, data services, a migration, canaries, blue-green, a KEDA worker) on Flux.
 */
describe('Flux output speaks Flux', () => {
  // GIVEN the shop delivered by Flux
  const objects = synthesize(shopApp({ delivery: 'flux' }));
  const kustomizations = (env: string) => new Map(objects.filter((o) => o.path.startsWith(`shop/${env}/flux/`) && o.manifest.kind === 'Kustomization').map((o) => [o.manifest.metadata.name as string, o.manifest]));

  it('GIVEN the shop on Flux THEN no file, the rollout plans included, holds an Argo CD annotation or the words Argo CD', () => {
    expect(objects.length).toBeGreaterThan(120);
    const argoCd = /argocd\.argoproj\.io|Argo ?CD/i;
    expect(objects.filter((o) => argoCd.test(toYaml(o.manifest))).map((o) => o.path)).toEqual([]);
    const plans = rolloutPlans(objects);
    expect(plans.map((p) => p.path)).toEqual(['shop/dev/ROLLOUT-PLAN.md', 'shop/prod/ROLLOUT-PLAN.md', 'shop/staging/ROLLOUT-PLAN.md']);
    expect(plans.filter((p) => argoCd.test(p.text)).map((p) => p.path)).toEqual([]);
  });

  it('GIVEN the shop on Flux THEN the order is the Kustomizations\' dependsOn: platform, then data, then the migration, then the apps', () => {
    const units = kustomizations('prod');
    const dependsOn = (unit: string) => (units.get(`shop-prod-${unit}`)?.spec.dependsOn ?? []).map((d: { name: string }) => d.name.replace('shop-prod-', '')).sort();
    expect(dependsOn('platform')).toEqual([]);
    for (const data of ['nats', 'postgres', 'redis']) expect(dependsOn(data), data).toEqual(['platform']);
    expect(dependsOn('orders-migrations')).toEqual(['nats', 'postgres', 'redis']);
    for (const app of ['fulfilment', 'orders', 'payments', 'storefront']) expect(dependsOn(app), app).toEqual(['orders-migrations']);
    // The migration Job is no PreSync hook under Flux: its unit is forced, so a new image replaces the immutable Job.
    expect(units.get('shop-prod-orders-migrations')!.spec.force).toBe(true);
    const job = objects.find((o) => o.path.startsWith('shop/prod/orders-migrations/') && o.manifest.kind === 'Job')!.manifest;
    expect(job.metadata.annotations).toBeUndefined();
  });

  it('GIVEN the shop on Flux THEN the database is protected from pruning the Flux way', () => {
    const cluster = objects.find((o) => o.path === 'shop/prod/postgres/cluster-postgres.yaml')!.manifest;
    expect(cluster.metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
  });
});
