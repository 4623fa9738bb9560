import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { promqlSyntaxError } from '../../lib/analysis/check/promql.js';
import { type CliIo, ExitCode } from '../../lib/cli/command.js';
import { main } from '../../lib/cli/main.js';
import { SLO_ANNOTATION } from '../../lib/observability/slo-rules.js';

function capture(): CliIo & { readonly stdout: string[]; readonly stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
}

const DIST = path.resolve(import.meta.dirname, '../../dist');
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

async function exportSlo(...args: string[]) {
  const io = capture();
  const code = await main(['slo', 'export', ...args], io);
  return { code, io, documents: code === ExitCode.OK && !args.includes('--out') ? parseAllDocuments(io.stdout.join('\n')).map((d) => d.toJS()) : [] };
}

/**
 * The shape the OpenSLO v1 specification gives an SLO (github.com/OpenSLO/OpenSLO, README "SLO" and
 * pkg/openslo/v1/slo.go): apiVersion openslo/v1, kind SLO, metadata.name (a DNS label of at most 63 characters),
 * spec.service naming a Service, spec.indicator (metadata and spec) or spec.indicatorRef, spec.timeWindow (one
 * window with a duration shorthand and isRolling), spec.budgetingMethod (Occurrences, Timeslices or RatioTimeslices),
 * spec.objectives with targets in (0, 1). A ratioMetric has `counter`, `total` and exactly one of `good` and `bad`,
 * each a metricSource with a type and a spec.
 */
function openSloProblems(doc: any, services: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const check = (ok: boolean, what: string) => ok || out.push(`${doc?.metadata?.name}: ${what}`);
  check(doc.apiVersion === 'openslo/v1', 'apiVersion is openslo/v1');
  check(doc.kind === 'SLO', 'kind is SLO');
  check(typeof doc.metadata?.name === 'string' && DNS_LABEL.test(doc.metadata.name) && doc.metadata.name.length <= 63, 'metadata.name is a DNS label');
  const spec = doc.spec ?? {};
  check(services.has(spec.service), 'spec.service names a Service document');
  check((spec.indicator !== undefined) !== (spec.indicatorRef !== undefined), 'exactly one of spec.indicator and spec.indicatorRef');
  if (spec.indicator) {
    check(DNS_LABEL.test(spec.indicator.metadata?.name ?? ''), 'spec.indicator.metadata.name');
    const ratio = spec.indicator.spec?.ratioMetric;
    check(ratio !== undefined && typeof ratio.counter === 'boolean', 'spec.indicator.spec.ratioMetric.counter');
    check((ratio?.good !== undefined) !== (ratio?.bad !== undefined), 'ratioMetric: exactly one of good and bad');
    for (const part of [ratio?.good ?? ratio?.bad, ratio?.total]) {
      check(part?.metricSource?.type === 'Prometheus' && typeof part.metricSource.spec?.query === 'string', 'ratioMetric metricSource: type and spec.query');
      check(promqlSyntaxError(part?.metricSource?.spec?.query ?? '') === undefined, 'the query is PromQL');
    }
  }
  check(Array.isArray(spec.timeWindow) && spec.timeWindow.length === 1 && /^\d+[mhdwMQY]$/.test(spec.timeWindow[0].duration) && typeof spec.timeWindow[0].isRolling === 'boolean', 'spec.timeWindow: one window, duration shorthand, isRolling');
  check(['Occurrences', 'Timeslices', 'RatioTimeslices'].includes(spec.budgetingMethod), 'spec.budgetingMethod');
  check(Array.isArray(spec.objectives) && spec.objectives.length > 0 && spec.objectives.every((o: any) => typeof o.target === 'number' && o.target > 0 && o.target < 1), 'spec.objectives[].target in (0, 1)');
  return out;
}

describe('cdk8s-delivery slo export --format openslo', () => {
  it('writes the SLOs of the bitvault prod services as OpenSLO v1 documents, as the platform declares them', async () => {
    const { code, io, documents } = await exportSlo(path.join(DIST, 'bitvault/prod'), '--format', 'openslo');
    expect(code, io.stderr.join('\n')).toBe(ExitCode.OK);
    const services = new Set(documents.filter((d) => d.kind === 'Service').map((d) => d.metadata.name as string));
    expect([...services]).toEqual(['bitvaultd', 'gateway']);
    const slos = documents.filter((d) => d.kind === 'SLO');
    for (const slo of slos) expect(openSloProblems(slo, services)).toEqual([]);
    // Recovered from dist/ alone: the objectives of apps/bitvault/bitvault.ts (gateway 99.9 %, p99 250 ms; bitvaultd 99.95 %, p99 100 ms).
    const summary = slos.map((d) => [d.metadata.name, d.spec.objectives[0].target, d.spec.timeWindow[0].duration, d.spec.indicator.spec.ratioMetric.good?.metricSource.spec.query.match(/le=~"([^"]+)"/)?.[1] ?? null]);
    expect(summary).toEqual([
      ['bitvaultd-availability', 0.9995, '30d', null],
      ['bitvaultd-latency', 0.99, '30d', '0[.]10*'],
      ['gateway-availability', 0.999, '30d', null],
      ['gateway-latency', 0.99, '30d', '0[.]250*'],
    ]);
    expect(slos[2].spec.indicator.spec.ratioMetric.bad.metricSource.spec.query).toContain('http_response_status_code=~"5.."');
  });

  it('writes the homelab inference SLOs too, and to a file with --out', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'slo-export-')), 'slos.yaml');
    const { code, io } = await exportSlo(path.join(DIST, 'homelab/prod'), '--out', out);
    expect(code, io.stderr.join('\n')).toBe(ExitCode.OK);
    const documents = parseAllDocuments(readFileSync(out, 'utf8')).map((d) => d.toJS());
    expect(documents.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(['Service/inference', 'SLO/inference-availability', 'SLO/inference-latency']);
    expect(io.stderr).toEqual([`wrote 3 OpenSLO documents to ${out}`]);
  });

  it('the shape check is not vacuous: a document without a budgeting method or with a good and a bad query fails it', async () => {
    const { documents } = await exportSlo(path.join(DIST, 'bitvault/prod'));
    const slo = structuredClone(documents.find((d) => d.kind === 'SLO'));
    delete slo.spec.budgetingMethod;
    slo.spec.indicator.spec.ratioMetric.good = slo.spec.indicator.spec.ratioMetric.total;
    expect(openSloProblems(slo, new Set([slo.spec.service]))).toEqual([`${slo.metadata.name}: ratioMetric: exactly one of good and bad`, `${slo.metadata.name}: spec.budgetingMethod`]);
  });

  it('bad input exits 2 with the reason: two environments, a folder without SLOs, an unreadable annotation, another format', async () => {
    const both = await exportSlo(path.join(DIST, 'bitvault'));
    expect(both.code).toBe(ExitCode.INPUT_ERROR);
    expect(both.io.stderr.join('\n')).toContain('export one environment folder at a time');
    const none = await exportSlo(path.join(DIST, 'bitvault/prod/postgres'));
    expect(none.code).toBe(ExitCode.INPUT_ERROR);
    expect(none.io.stderr.join('\n')).toMatch(/holds no SLO/);
    const dir = mkdtempSync(path.join(tmpdir(), 'slo-export-'));
    writeFileSync(path.join(dir, 'rule.yaml'), stringify({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'x', namespace: 'y', annotations: { [SLO_ANNOTATION]: '{"service":"x"' } }, spec: { groups: [] } }));
    const broken = await exportSlo(dir);
    expect(broken.code).toBe(ExitCode.INPUT_ERROR);
    expect(broken.io.stderr.join('\n')).toMatch(new RegExp(`rule\\.yaml: PrometheusRule/y/x: annotation ${SLO_ANNOTATION.replace('.', '\\.')}: is not JSON`));
    const format = await exportSlo(path.join(DIST, 'bitvault/prod'), '--format', 'sloth');
    expect(format.code).toBe(ExitCode.INPUT_ERROR);
    expect(format.io.stderr.join('\n')).toContain('--format must be openslo');
  });
});
