import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { CHART_CATALOGUE } from '../../lib/gitops/chart-catalogue.js';
import { CONTROLLER_CHARTS, GATEWAY_API_PLUGIN_VERSION } from '../../lib/platform/controllers.js';
import { NATS_CHART_VERSION } from '../../lib/data/helm/nats.js';
import { OPENSEARCH_CHART_VERSION } from '../../lib/data/helm/opensearch.js';
import { REDIS_HA_CHART_VERSION } from '../../lib/data/helm/redis.js';

/**
 * Issue 12, point 4: every value key the library sets exists in that chart version's values.yaml, and the
 * security values reach every container the chart renders. The key lists are derived from the upstream
 * values.yaml at the pinned tag by scripts/chart-value-keys.ts (test/fixtures/charts/<chart>-<version>.json);
 * the containers from the chart templates (test/fixtures/charts/containers.json).
 */
const FIXTURES = 'test/fixtures/charts';
interface KeyList { source: string; keys: string[]; openMaps: string[]; verbatim: string[] }
const keyList = (id: string): KeyList => JSON.parse(readFileSync(join(FIXTURES, `${id}.json`), 'utf8'));
const containers: Record<string, { source: string; containers: { container: string; template: string; when?: string; off?: string; securityContext?: string; podSecurityContext?: string }[] }> = JSON.parse(readFileSync(join(FIXTURES, 'containers.json'), 'utf8')).charts;

/** Every Helm installation in the committed dist/: chart, version and the values we set. */
function helmInstalls(): { path: string; chart: string; version: string; repoURL: string; values: Record<string, unknown> }[] {
  const out: { path: string; chart: string; version: string; repoURL: string; values: Record<string, unknown> }[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.yaml')) {
        const m = YAML.parse(readFileSync(p, 'utf8'));
        if (m.kind === 'Application' && m.spec.source.chart) out.push({ path: p, chart: m.spec.source.chart, version: m.spec.source.targetRevision, repoURL: m.spec.source.repoURL, values: m.spec.source.helm?.valuesObject ?? {} });
        if (m.kind === 'HelmRelease') out.push({ path: p, chart: m.spec.chart.spec.chart, version: m.spec.chart.spec.version, repoURL: '', values: m.spec.values ?? {} });
      }
    }
  };
  walk('dist');
  return out;
}

/** Dotted key paths of a values object; arrays and scalars are leaves. */
function keyPaths(values: unknown, prefix = ''): string[] {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return [];
  return Object.entries(values).flatMap(([k, v]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    return [path, ...keyPaths(v, path)];
  });
}

const get = (values: any, path: string) => path.split('.').reduce((v, k) => (v === undefined || v === null ? undefined : v[k]), values);

/** Keys that are not in the chart's values.yaml nor below a free-form or verbatim value. */
function unknownKeys(values: Record<string, unknown>, list: KeyList): string[] {
  const keys = new Set(list.keys);
  const open = [...list.openMaps, ...list.verbatim];
  return keyPaths(values).filter((path) => !keys.has(path) && !open.some((o) => path.startsWith(`${o}.`)));
}

describe('chart values against the upstream charts (issue 12)', () => {
  const installs = helmInstalls();

  it('pins exactly the charts the catalogue and the key lists describe, at tags that exist', () => {
    const pinned = [...new Set(installs.map((i) => `${i.chart}-${i.version}`))].sort();
    expect(pinned).toEqual(CHART_CATALOGUE.map((c) => `${c.chart}-${c.version}`).sort());
    expect(pinned).toEqual(['argo-rollouts-2.41.0', 'cloudnative-pg-0.29.0', 'keda-2.20.2', 'nats-2.12.3', 'opensearch-3.6.0', 'redis-ha-4.38.0']);
    for (const id of pinned) {
      const list = keyList(id);
      const facts = CHART_CATALOGUE.find((c) => `${c.chart}-${c.version}` === id)!;
      // The key list, the catalogue and the containers were read at the same tag.
      expect(list.source.split(':')[0], id).toBe(facts.source.split(':')[0]);
      expect(containers[id]!.source.split(':')[0], id).toBe(facts.source.split(':')[0]);
    }
    expect([CONTROLLER_CHARTS.argoRollouts.version, CONTROLLER_CHARTS.keda.version, CONTROLLER_CHARTS.cloudNativePg.version]).toEqual(['2.41.0', '2.20.2', '0.29.0']);
    expect([REDIS_HA_CHART_VERSION, NATS_CHART_VERSION, OPENSEARCH_CHART_VERSION]).toEqual(['4.38.0', '2.12.3', '3.6.0']);
    // argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi: tags v0.11.0 ... v0.15.0, none newer.
    expect(GATEWAY_API_PLUGIN_VERSION).toBe('v0.15.0');
  });

  it.each(['argo-rollouts-2.41.0', 'keda-2.20.2', 'cloudnative-pg-0.29.0', 'redis-ha-4.38.0', 'nats-2.12.3', 'opensearch-3.6.0'])('%s: every value key we set exists in the chart\'s values.yaml', (id) => {
    const mine = installs.filter((i) => `${i.chart}-${i.version}` === id);
    expect(mine.length).toBeGreaterThan(0);
    for (const install of mine) expect(unknownKeys(install.values, keyList(id)), install.path).toEqual([]);
  });

  it('catches a key the chart does not have (the check can fail)', () => {
    expect(unknownKeys({ dashboard: { enabled: true, securityContext: {} }, controller: { replicas: 1 } }, keyList('argo-rollouts-2.41.0'))).toEqual(['dashboard.securityContext']);
    expect(unknownKeys({ crds: { additionalAnnotations: { 'helm.sh/resource-policy': 'keep' } } }, keyList('keda-2.20.2'))).toEqual([]);
  });

  it.each(Object.keys(containers))('%s: restricted security contexts reach every container the chart renders', (id) => {
    for (const install of installs.filter((i) => `${i.chart}-${i.version}` === id)) {
      for (const c of containers[id]!.containers) {
        const where = `${install.path}: ${c.container} (${c.template})`;
        if (c.off) {
          expect(get(install.values, c.off) ?? false, `${where} must stay off`).toBe(false);
          continue;
        }
        if (c.when) expect(get(install.values, c.when), where).toBe(true);
        const container = get(install.values, c.securityContext!) ?? {};
        const pod = get(install.values, c.podSecurityContext!) ?? {};
        expect(container.allowPrivilegeEscalation, where).toBe(false);
        expect(container.capabilities?.drop, where).toContain('ALL');
        expect(container.runAsNonRoot ?? pod.runAsNonRoot, where).toBe(true);
        expect((container.seccompProfile ?? pod.seccompProfile)?.type, where).toBe('RuntimeDefault');
      }
    }
  });

  it('keeps the CRDs the controller charts template when the release goes (helm.sh/resource-policy: keep; under Argo CD also Prune=false, which means nothing to Flux)', () => {
    const argoCd = (path: string) => path.endsWith('.yaml') && path.includes('/application-');
    for (const install of installs.filter((i) => i.chart === 'keda')) {
      const annotations = argoCd(install.path) ? { 'helm.sh/resource-policy': 'keep', 'argocd.argoproj.io/sync-options': 'Prune=false' } : { 'helm.sh/resource-policy': 'keep' };
      expect(install.values.crds, install.path).toEqual({ install: true, additionalAnnotations: annotations });
    }
    const rollouts = installs.filter((i) => i.chart === 'argo-rollouts');
    expect(rollouts.some((i) => !argoCd(i.path))).toBe(true);
    for (const install of rollouts) {
      expect([install.values.installCRDs, install.values.keepCRDs, install.values.crdAnnotations], install.path).toEqual([true, true, argoCd(install.path) ? { 'argocd.argoproj.io/sync-options': 'Prune=false' } : undefined]);
    }
  });
});
