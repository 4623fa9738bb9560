import { describe, expect, it } from 'vitest';
import { deepMerge, HelmChart, HelmCrdPolicy } from '../../lib/gitops/helm-chart.js';

const chart = (version: string, repoURL = 'https://kedacore.github.io/charts', name = 'keda') => HelmChart.of({ repoURL, chart: name, version });

describe('HelmChart', () => {
  it('defaults the release name to the chart name, no values, and CRDs kept up to date', () => {
    // GIVEN a chart with only the required props
    const c = chart('2.20.2');
    // THEN
    expect([c.releaseName, c.values, c.crds]).toEqual(['keda', {}, HelmCrdPolicy.CREATE_REPLACE]);
    expect(c.problems('chart')).toEqual([]);
  });

  it.each(['latest', '*', '^2.20.0', '2.x', '>=2.0.0', 'v2.20.2', '2.20'])('refuses the unpinned version %j', (version) => {
    expect(chart(version).problems('chart')).toEqual([
      {
        field: 'chart.version',
        value: version,
        message: 'is not an exact chart version: a range, "latest" or "*" lets the installed chart change without a commit, so a revert would not restore it',
        fix: 'pin an exact SemVer version such as "2.41.1" (see `helm search repo <repo>/<chart> --versions`)',
      },
    ]);
  });

  it('accepts pre-release versions, and refuses plain-http repositories and "<repo>/<chart>" names', () => {
    expect(chart('1.0.0-rc.1').problems('c')).toEqual([]);
    expect(chart('1.0.0', 'http://charts.example.com', 'kedacore/keda').problems('c').map((p) => [p.field, p.value])).toEqual([
      ['c.repoURL', 'http://charts.example.com'],
      ['c.chart', 'kedacore/keda'],
    ]);
  });

  it('deep-merges values: objects merge, arrays and scalars replace, inputs untouched', () => {
    // GIVEN typed values and an escape-hatch override
    const base = { a: { b: 1, c: [1, 2] }, d: 'x' };
    const over = { a: { c: [3], e: true }, d: 'y' };
    // WHEN
    const merged = chart('1.0.0').withValues(base).withValues(over);
    // THEN
    expect(merged.values).toEqual({ a: { b: 1, c: [3], e: true }, d: 'y' });
    expect(base).toEqual({ a: { b: 1, c: [1, 2] }, d: 'x' });
    expect(deepMerge({ a: { b: 1 } }, { a: null })).toEqual({ a: null });
  });
});
