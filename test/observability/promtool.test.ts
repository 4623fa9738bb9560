import { parser } from '@prometheus-io/lezer-promql';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { BURN_RATE_ALERT_NAME, SLO_RECORDS } from '../../lib/observability/slo-rules.js';
import { DIST, distEnvironments, distObjects } from './dist.js';
import { budget } from '../load-budget.js';
import { counter, promtool, scratch, series, writeRuleFile } from './promtool.js';

// The rule groups of dist/ through the real promtool (Debian's prometheus package, as .ci/run installs it):
// `promtool check rules` on every group, and `promtool test rules` on synthetic series against the gateway's
// prod rules (objective 99.9 %, error budget 0.1 %): the Google SRE workbook's properties of multi-window,
// multi-burn-rate alerts, and the recorded ratio against the canary analysis's own count of the same series.

const NS = 'bitvault-prod';
const HIST = 'http_server_request_duration_seconds';
const HASH = '7c9d8f6b54';
const PODS = [`gateway-${HASH}-x2k9q`, `gateway-${HASH}-b6d8m`];
const BUDGET = 0.001;

let dir: string;
let rule: Record<string, any>;
let ruleFile: string;
beforeAll(() => {
  dir = scratch();
  rule = parse(readFileSync(path.join(DIST, 'bitvault/prod/gateway/prometheusrule-gateway-slo.yaml'), 'utf8'));
  ruleFile = writeRuleFile(dir, 'gateway-slo', rule);
});

describe('promtool check rules', () => {
  it('passes every rule group of every PrometheusRule in dist/', async () => {
    const files: string[] = [];
    let groups = 0;
    const scratchDir = scratch();
    for (const env of distEnvironments()) {
      for (const o of await distObjects(env)) {
        if (o.object.kind !== 'PrometheusRule') continue;
        files.push(writeRuleFile(scratchDir, `${env.replace('/', '-')}-${o.object.metadata.name}`, o.object));
        groups += o.object.spec.groups.length;
      }
    }
    expect(files.length).toBeGreaterThanOrEqual(7);
    const { status, output } = promtool(['check', 'rules', ...files]);
    expect(status, output).toBe(0);
    expect(output.match(/SUCCESS: \d+ rules found/g), output).toHaveLength(files.length);
    expect(groups).toBe(files.length * 2);
  });

  it('is not vacuous: a rule with a broken expression fails', () => {
    const broken = structuredClone(rule);
    broken.spec.groups[0].rules[0].expr = 'sum(rate(x[5m])';
    const { status } = promtool(['check', 'rules', writeRuleFile(dir, 'broken', broken)]);
    expect(status).not.toBe(0);
  });
});

/** Input series: per pod, 2xx and 5xx answers per minute over segments, all faster than the latency objective. */
function traffic(segments: readonly (readonly [ok: number, errors: number, minutes: number])[], pods = PODS): { series: string; values: string }[] {
  const out: { series: string; values: string }[] = [];
  for (const pod of pods) {
    for (const [code, pick] of [['200', 0], ['500', 1]] as const) {
      const values = counter(segments.map((s) => [s[pick] / pods.length, s[2]] as const));
      const labels = { namespace: NS, pod, http_route: '/api/orders', http_response_status_code: code };
      out.push({ series: series(`${HIST}_count`, labels), values });
      out.push({ series: series(`${HIST}_bucket`, { ...labels, le: '0.25' }), values });
    }
  }
  return out;
}

/** The label set of a firing burn-rate alert of the gateway in prod. */
function alertLabels(severity: string, longWindow: string, shortWindow: string, slo = 'availability'): Record<string, string> {
  return { alertname: BURN_RATE_ALERT_NAME, alertstate: 'firing', environment: 'prod', long_window: longWindow, namespace: NS, service: 'gateway', severity, short_window: shortWindow, slo, team: 'bitvault' };
}

/** A promql_expr_test of the firing page alerts at a time. */
function pagesAt(minutes: number, firing: Record<string, string>[]) {
  return { expr: `ALERTS{alertname="${BURN_RATE_ALERT_NAME}", severity="page", alertstate="firing"}`, eval_time: `${minutes}m`, exp_samples: firing.map((labels) => ({ labels: series('ALERTS', labels), value: 1 })) };
}

/** Runs one promtool unit test (rule file: the gateway's prod rules); returns promtool's verdict. */
function unitTest(name: string, test: Record<string, unknown>): { status: number; output: string } {
  const file = path.join(dir, `${name}.test.yaml`);
  writeFileSync(file, stringify({ rule_files: [ruleFile], evaluation_interval: '1m', tests: [{ interval: '1m', ...test }] }, { lineWidth: 0 }));
  return promtool(['test', 'rules', file]);
}

const HEALTHY = 360; // minutes of healthy traffic first: the 6-hour windows hold no burn of an earlier history
const RPM = 600; // requests per minute (10 req/s)

describe('promtool test rules: the burn-rate alerts on synthetic series', () => {
  it('a 15 × burn pages once the long window holds it (58 of 60 minutes), not before, and resets within the short window once it stops', { timeout: budget(60_000) }, () => {
    const burn = 15 * BUDGET * RPM; // 9 errors a minute
    const { status, output } = unitTest('burn-15x', {
      input_series: traffic([[RPM, 0, HEALTHY], [RPM - burn, burn, 90], [RPM, 0, 30]]),
      promql_expr_test: [
        pagesAt(HEALTHY + 50, []),
        pagesAt(HEALTHY + 62, [alertLabels('page', '1h', '5m')]),
        pagesAt(HEALTHY + 85, [alertLabels('page', '1h', '5m')]),
        // 90 minutes at 15 × over 6 hours is 3.75 ×: the 6h/30m page (6 ×) stays quiet.
        pagesAt(HEALTHY + 90, [alertLabels('page', '1h', '5m')]),
        pagesAt(HEALTHY + 95, []),
      ],
    });
    expect(status, output).toBe(0);
  });

  it('a total outage pages within the short window (5 minutes), with an alert promtool checks label for label and annotation for annotation', { timeout: budget(60_000) }, () => {
    const page = rule.spec.groups[0].rules.find((r: any) => r.alert && r.labels.severity === 'page' && r.labels.long_window === '1h');
    const tickets = rule.spec.groups[0].rules.filter((r: any) => r.alert && r.labels.severity === 'ticket');
    const exp = (r: any) => ({ exp_labels: { ...r.labels, namespace: NS }, exp_annotations: r.annotations });
    const { status, output } = unitTest('outage', {
      input_series: traffic([[RPM, 0, HEALTHY], [0, RPM, 10]]),
      alert_rule_test: [
        { eval_time: `${HEALTHY}m`, alertname: BURN_RATE_ALERT_NAME, exp_alerts: [] },
        // Two minutes in: the hour holds 2 minutes of 100 % errors (33 ×), the 5 minutes 2 of 5 (400 ×): a page. Over
        // a day and 2 hours, and over 3 days and 6 hours, the burn is past 3 × and 1 × too: the two tickets.
        { eval_time: `${HEALTHY + 2}m`, alertname: BURN_RATE_ALERT_NAME, exp_alerts: [exp(page), ...tickets.map(exp)] },
      ],
      promql_expr_test: [pagesAt(HEALTHY + 5, [alertLabels('page', '1h', '5m'), alertLabels('page', '6h', '30m')])],
    });
    expect(status, output).toBe(0);
  });

  it('a 1 × burn (the budget spent exactly over the period) never pages, and failing probes are not errors', { timeout: budget(60_000) }, () => {
    const burn = BUDGET * RPM;
    const probes = PODS.map((pod) => ({ series: series(`${HIST}_count`, { namespace: NS, pod, http_route: '/readyz', http_response_status_code: '503' }), values: counter([[12, 480]]) }));
    const availability = `{namespace="${NS}", service="gateway", slo="availability"}`;
    const { status, output } = unitTest('burn-1x', {
      input_series: [...traffic([[RPM - burn, burn, 480]]), ...probes],
      promql_expr_test: [
        { expr: `count_over_time(ALERTS{alertname="${BURN_RATE_ALERT_NAME}", severity="page"}[8h])`, eval_time: '480m', exp_samples: [] },
        ...['5m', '1h', '6h', '3d'].map((w) => ({ expr: `abs(${SLO_RECORDS.burnRate(w as '5m')}${availability} - 1) < bool 1e-6`, eval_time: '480m', exp_samples: [{ labels: `{namespace="${NS}", service="gateway", slo="availability"}`, value: 1 }] })),
        // The budget: the 30-day ratio is the budget's own, so nothing remains of it.
        { expr: `abs(${SLO_RECORDS.budgetRemaining}${availability}) < bool 1e-6`, eval_time: '480m', exp_samples: [{ labels: `{namespace="${NS}", service="gateway", slo="availability"}`, value: 1 }] },
      ],
    });
    expect(status, output).toBe(0);
  });

  it('a five-minute blip at 50 × does not page: the short windows see it, the long ones do not agree', { timeout: budget(60_000) }, () => {
    const blip = 50 * BUDGET * RPM;
    const availability = `{namespace="${NS}", service="gateway", slo="availability"}`;
    const { status, output } = unitTest('blip', {
      input_series: traffic([[RPM, 0, HEALTHY], [RPM - blip, blip, 5], [RPM, 0, 120]]),
      promql_expr_test: [
        { expr: `count_over_time(ALERTS{alertname="${BURN_RATE_ALERT_NAME}", severity="page"}[2h])`, eval_time: `${HEALTHY + 125}m`, exp_samples: [] },
        // The 5-minute burn rate did pass 14.4 ×, and the 30-minute one 6 ×: only the long windows kept the page back.
        { expr: `max_over_time(${SLO_RECORDS.burnRate('5m')}${availability}[2h]) > bool 14.4`, eval_time: `${HEALTHY + 125}m`, exp_samples: [{ labels: `{namespace="${NS}", service="gateway", slo="availability"}`, value: 1 }] },
        { expr: `max_over_time(${SLO_RECORDS.burnRate('30m')}${availability}[2h]) > bool 6`, eval_time: `${HEALTHY + 125}m`, exp_samples: [{ labels: `{namespace="${NS}", service="gateway", slo="availability"}`, value: 1 }] },
      ],
    });
    expect(status, output).toBe(0);
  });

  it('the latency SLI counts the requests above the histogram bucket at the objective (250 ms)', { timeout: budget(60_000) }, () => {
    const labels = (pod: string) => ({ namespace: NS, pod, http_route: '/api/orders', http_response_status_code: '200' });
    const input = PODS.flatMap((pod) => [
      { series: series(`${HIST}_count`, labels(pod)), values: counter([[300, 120]]) },
      { series: series(`${HIST}_bucket`, { ...labels(pod), le: '0.25' }), values: counter([[291, 120]]) },
      { series: series(`${HIST}_bucket`, { ...labels(pod), le: '0.5' }), values: counter([[299, 120]]) },
    ]);
    const { status, output } = unitTest('latency', {
      input_series: input,
      promql_expr_test: ['5m', '1h'].map((w) => ({
        expr: `abs(${SLO_RECORDS.errorRatio(w)}{namespace="${NS}", service="gateway", slo="latency"} - 0.03) < bool 1e-9`,
        eval_time: '120m',
        exp_samples: [{ labels: `{namespace="${NS}", service="gateway", slo="latency"}`, value: 1 }],
      })),
    });
    expect(status, output).toBe(0);
  });
});

/**
 * The canary analysis's own counts in its success-rate query, with the template's args filled in: E, the canary's
 * errors (`sqrt(E)`), and N, its requests (`sqrt(N * line)`), as the query text has them.
 */
function analysisCounts(query: string): { errors: string; total: string } {
  const tree = parser.parse(query);
  const sqrtBodies: string[] = [];
  const totals: string[] = [];
  tree.iterate({
    enter: (node) => {
      if (node.name !== 'FunctionCall' || !query.slice(node.from, node.to).startsWith('sqrt(') || !query.slice(node.from, node.to).includes(HASH)) return;
      const body = node.node.getChild('FunctionCallBody')!.firstChild!;
      sqrtBodies.push(query.slice(body.from, body.to));
      if (body.name === 'BinaryExpr' && body.getChild('Mul')) totals.push(query.slice(body.firstChild!.from, body.firstChild!.to));
    },
  });
  return { errors: sqrtBodies[0]!, total: totals[0]! };
}

describe('promtool test rules: the recorded ratio is the analysis ratio', () => {
  it("on the same series, the 5-minute error ratio recorded for the gateway equals the canary analysis's errors ÷ requests over its 5-minute evidence window", { timeout: budget(60_000) }, () => {
    const template = parse(readFileSync(path.join(DIST, 'bitvault/prod/gateway/analysistemplate-gateway-slo.yaml'), 'utf8'));
    const params = JSON.parse(template.metadata.annotations['delivery.cdk8s.io/analysis-parameters']);
    expect(params.evidenceWindowSeconds).toBe(300);
    const query = (template.spec.metrics.find((m: any) => m.name === 'success-rate').provider.prometheus.query as string)
      .replaceAll('{{args.namespace}}', NS)
      .replaceAll('{{args.workload}}', 'gateway')
      .replaceAll('{{args.canary-hash}}', HASH)
      .replaceAll('{{args.stable-hash}}', '6b8d4f9c5');
    const { errors, total } = analysisCounts(query);
    expect(errors).toMatch(/or vector\(0\)\)$/);
    expect(total).toMatch(/^sum_over_time\(/);
    // Scraped every 30 s (the analysis's counting step): two pods with different traffic and error shares, 4xx answers
    // (requests, not errors), failing probes (neither), and another workload of the namespace erroring (not counted).
    const s = (pod: string, route: string, code: string) => series(`${HIST}_count`, { namespace: NS, pod, http_route: route, http_response_status_code: code });
    const input = [
      { series: s(PODS[0]!, '/api/orders', '200'), values: counter([[97, 120]]) },
      { series: s(PODS[0]!, '/api/orders', '500'), values: counter([[3, 120]]) },
      { series: s(PODS[0]!, '/api/orders', '404'), values: counter([[10, 120]]) },
      { series: s(PODS[1]!, '/api/orders', '200'), values: counter([[49, 120]]) },
      { series: s(PODS[1]!, '/api/orders', '503'), values: counter([[1, 120]]) },
      { series: s(PODS[1]!, '/readyz', '503'), values: counter([[1, 120]]) },
      { series: s(`bitvaultd-${HASH}-q7w2z`, '/api', '500'), values: counter([[50, 120]]) },
    ];
    const recorded = `${SLO_RECORDS.errorRatio('5m')}{namespace="${NS}", service="gateway", slo="availability"}`;
    const file = path.join(dir, 'ratio.test.yaml');
    writeFileSync(file, stringify({
      rule_files: [ruleFile],
      evaluation_interval: '30s',
      tests: [{
        interval: '30s',
        input_series: input,
        promql_expr_test: [
          // (3 + 1) errors in (97 + 3 + 10 + 49 + 1) requests every 30 s.
          { expr: `abs(${recorded} - 0.025) < bool 1e-9`, eval_time: '50m', exp_samples: [{ labels: `{namespace="${NS}", service="gateway", slo="availability"}`, value: 1 }] },
          { expr: `abs((${errors}) / (${total}) - 0.025) < bool 1e-9`, eval_time: '50m', exp_samples: [{ labels: '{}', value: 1 }] },
          // on(): the analysis's result has no labels, so the difference has none either.
          { expr: `abs(${recorded} - on() ((${errors}) / (${total}))) < bool 1e-9`, eval_time: '50m', exp_samples: [{ labels: '{}', value: 1 }] },
        ],
      }],
    }, { lineWidth: 0 }));
    const { status, output } = promtool(['test', 'rules', file]);
    expect(status, output).toBe(0);
  });
});
