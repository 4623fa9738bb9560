import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { CHART_CATALOGUE } from '../../lib/gitops/chart-catalogue.js';
import { CONTROLLER_CHARTS, GATEWAY_API_PLUGIN_VERSION } from '../../lib/platform/controllers.js';
import { NATS_CHART_VERSION } from '../../lib/data/helm/nats.js';
import { OPENSEARCH_CHART_VERSION } from '../../lib/data/helm/opensearch.js';
import { REDIS_HA_CHART_VERSION } from '../../lib/data/helm/redis.js';
import { CHARTS_DIR, distManifests, helmInstallsIn } from '../helm.js';

/**
 * Issue 12, point 4: every value key the library sets exists in that chart version's values.yaml. Helm ignores a
 * key a chart does not read, so a misspelt value renders fine and silently does nothing: the real render
 * (test/gitops/chart-render.test.ts, which also judges what every container runs with) cannot see it. The key lists
 * are read from the pinned chart sources in ../shared/charts (see its README) when the test runs.
 */
interface KeyList { keys: Set<string>; openMaps: string[]; verbatim: string[] }

/**
 * The value keys of a pinned chart: every dotted key path of its values.yaml; `openMaps`, the paths whose default is
 * an empty map or null (free-form: annotations, node selectors, security contexts, `merge` blocks), below which any
 * key is accepted; `verbatim`, the values its templates pass on as they are (`toYaml .Values.x`,
 * `.Values.x | toYaml`, redis-ha's `"secContext" .Values.x`), whose keys are Kubernetes fields.
 */
function keyList(chartFolder: string): KeyList {
  const dir = path.join(CHARTS_DIR, chartFolder);
  const keys: string[] = [];
  const openMaps: string[] = [];
  const walk = (node: unknown, prefix: string) => {
    if (node === null || (typeof node === 'object' && !Array.isArray(node) && Object.keys(node as object).length === 0)) {
      if (prefix) openMaps.push(prefix);
      return;
    }
    if (typeof node !== 'object' || Array.isArray(node)) return;
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      const p = prefix ? `${prefix}.${k}` : k;
      keys.push(p);
      walk(v, p);
    }
  };
  walk(YAML.parse(readFileSync(path.join(dir, 'values.yaml'), 'utf8')) ?? {}, '');
  const verbatim = new Set<string>();
  // The chart's own templates and files, not those of its dependencies in charts/ (our values do not reach them).
  const files: string[] = [];
  const list = (folder: string) => {
    for (const e of readdirSync(folder, { withFileTypes: true })) {
      if (e.isDirectory()) list(path.join(folder, e.name));
      else files.push(path.join(folder, e.name));
    }
  };
  for (const sub of ['templates', 'files']) if (existsSync(path.join(dir, sub))) list(path.join(dir, sub));
  for (const file of files) {
    const body = readFileSync(file, 'utf8');
    for (const m of body.matchAll(/toYaml\s+\(?\s*\.Values\.([\w.]+)/g)) verbatim.add(m[1]!);
    for (const m of body.matchAll(/\.Values\.([\w.]+)\s*\)?\s*\|\s*toYaml/g)) verbatim.add(m[1]!);
    for (const m of body.matchAll(/"secContext"\s+\.Values\.([\w.]+)/g)) verbatim.add(m[1]!);
  }
  return { keys: new Set(keys), openMaps, verbatim: [...verbatim] };
}

/** Dotted key paths of a values object; arrays and scalars are leaves. */
function keyPaths(values: unknown, prefix = ''): string[] {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return [];
  return Object.entries(values).flatMap(([k, v]) => {
    const p = prefix ? `${prefix}.${k}` : k;
    return [p, ...keyPaths(v, p)];
  });
}

/** Keys that are not in the chart's values.yaml nor below a free-form or verbatim value. */
function unknownKeys(values: Readonly<Record<string, unknown>>, list: KeyList): string[] {
  const open = [...list.openMaps, ...list.verbatim];
  return keyPaths(values).filter((p) => !list.keys.has(p) && !open.some((o) => p.startsWith(`${o}.`)));
}

const PINNED = ['argo-rollouts-2.41.0', 'keda-2.20.2', 'cloudnative-pg-0.29.0', 'redis-ha-4.38.0', 'nats-2.12.3', 'opensearch-3.6.0'];

describe('chart values against the upstream charts (issue 12)', () => {
  const installs = helmInstallsIn(distManifests());

  it('pins exactly the charts the catalogue describes, whose sources at those versions are in ../shared/charts', () => {
    const pinned = [...new Set(installs.map((i) => `${i.chart}-${i.version}`))].sort();
    expect(pinned).toEqual(CHART_CATALOGUE.map((c) => `${c.chart}-${c.version}`).sort());
    expect(pinned).toEqual([...PINNED].sort());
    for (const id of pinned) {
      const chart = YAML.parse(readFileSync(path.join(CHARTS_DIR, id, 'Chart.yaml'), 'utf8'));
      expect(`${chart.name}-${chart.version}`).toBe(id);
    }
    expect([CONTROLLER_CHARTS.argoRollouts.version, CONTROLLER_CHARTS.keda.version, CONTROLLER_CHARTS.cloudNativePg.version]).toEqual(['2.41.0', '2.20.2', '0.29.0']);
    expect([REDIS_HA_CHART_VERSION, NATS_CHART_VERSION, OPENSEARCH_CHART_VERSION]).toEqual(['4.38.0', '2.12.3', '3.6.0']);
    // argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi: tags v0.11.0 ... v0.15.0, none newer.
    expect(GATEWAY_API_PLUGIN_VERSION).toBe('v0.15.0');
  });

  it.each(PINNED)('%s: every value key we set exists in the chart\'s values.yaml', (id) => {
    const mine = installs.filter((i) => `${i.chart}-${i.version}` === id);
    expect(mine.length).toBeGreaterThan(0);
    const list = keyList(id);
    for (const install of mine) expect(unknownKeys(install.values, list), install.source).toEqual([]);
  });

  it('catches a key the chart does not have (the check can fail)', () => {
    expect(unknownKeys({ dashboard: { enabled: true, securityContext: {} }, controller: { replicas: 1 } }, keyList('argo-rollouts-2.41.0'))).toEqual(['dashboard.securityContext']);
    expect(unknownKeys({ crds: { additionalAnnotations: { 'helm.sh/resource-policy': 'keep' } } }, keyList('keda-2.20.2'))).toEqual([]);
    expect(unknownKeys({ promExporter: { merge: { securityContext: {} } }, promExporter2: { enabled: true } }, keyList('nats-2.12.3'))).toEqual(['promExporter2', 'promExporter2.enabled']);
  });

  it('keeps the CRDs the controller charts template when the release goes (helm.sh/resource-policy: keep; under Argo CD also Prune=false, which means nothing to Flux)', () => {
    for (const install of installs.filter((i) => i.chart === 'keda')) {
      const annotations = install.tool === 'Argo CD' ? { 'helm.sh/resource-policy': 'keep', 'argocd.argoproj.io/sync-options': 'Prune=false' } : { 'helm.sh/resource-policy': 'keep' };
      expect(install.values.crds, install.source).toEqual({ install: true, additionalAnnotations: annotations });
    }
    const rollouts = installs.filter((i) => i.chart === 'argo-rollouts');
    expect(rollouts.some((i) => i.tool === 'Flux')).toBe(true);
    for (const install of rollouts) {
      expect([install.values.installCRDs, install.values.keepCRDs, install.values.crdAnnotations], install.source).toEqual([true, true, install.tool === 'Argo CD' ? { 'argocd.argoproj.io/sync-options': 'Prune=false' } : undefined]);
    }
  });
});
