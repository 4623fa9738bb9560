import type { PowerReport, ScenarioResult, SimulationResult, TimeToVerdict, Trial } from './simulate.js';

const pct = (n: number, of: number) => `${Math.round((1000 * n) / Math.max(1, of)) / 10} %`;

function verdicts(r: ScenarioResult): string {
  const parts: string[] = [];
  for (const [k, label] of [['Successful', 'successful'], ['Failed', 'failed'], ['Inconclusive', 'paused'], ['Error', 'error']] as const) {
    if (r.counts[k] > 0) parts.push(`${pct(r.counts[k], r.trials)} ${label}`);
  }
  return parts.join(', ');
}

/** The plain-text table: scenario × template → verdicts, what decided, whether the acceptance holds. */
export function formatSimulation(sim: SimulationResult): string {
  const rows = sim.results.map((r) => [r.template, r.scenario, verdicts(r), r.counts.Failed + r.counts.Error > 0 ? `${r.abortedInFirstStep}/${r.counts.Failed + r.counts.Error}` : '-', r.accepted ? 'ok' : 'NOT MET', r.expectation, r.why]);
  const head = ['template', 'scenario', 'verdicts', 'aborted in step 1', 'acceptance', 'expected', 'deciding (most trials)'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const out = [line(head), ...rows.map(line)];
  for (const s of sim.skipped) out.push(`skipped ${s.template}: ${s.reason}`);
  const pauses = sim.results.filter((r) => r.counts.Inconclusive > 0);
  if (pauses.length > 0) {
    out.push('', 'pauses (Inconclusive: the rollout waits for a human):');
    for (const r of pauses) out.push(`  ${r.template} · ${r.scenario}: ${r.counts.Inconclusive}/${r.trials} · ${r.reasons.filter((x) => !x.reason.startsWith('all ') && /inconclusive/.test(x.reason)).slice(0, 2).map((x) => `${x.count} × ${x.reason}`).join('; ')}`);
  }
  if (sim.power.length > 0) out.push('', formatPower(sim.power));
  const unmet = sim.results.filter((r) => !r.accepted).length;
  out.push('', `${sim.results.length} scenario runs of ${sim.trials} seeded trials each, ${unmet === 0 ? 'every acceptance met' : `${unmet} acceptance(s) NOT met`} (${sim.seconds.toFixed(1)} s)`);
  return out.join('\n');
}

/** The series of one metric over a trial: minutes since canary start → value (undefined = no data). */
function series(trial: Trial, metric: string): { x: number; y: number | undefined; step: number; phase: string }[] {
  const out: { x: number; y: number | undefined; step: number; phase: string }[] = [];
  for (const s of trial.steps) {
    for (const m of s.outcome.measurements) {
      if (m.metric !== metric) continue;
      let y: number | undefined;
      try {
        const v = JSON.parse(m.value ?? '[]');
        y = Array.isArray(v) && typeof v[0] === 'number' && Number.isFinite(v[0]) ? v[0] : undefined;
      } catch {
        y = undefined;
      }
      out.push({ x: Math.round(((s.startedAt + m.at) / 60) * 100) / 100, y, step: s.step, phase: m.phase });
    }
  }
  return out;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** A Mermaid xychart of the deciding metric in the first trial, its pass line, and the decision points. */
export function chart(r: ScenarioResult): string | undefined {
  const metric = r.example.metric ?? Object.keys(r.lines)[0];
  if (!metric) return undefined;
  const points = series(r.example, metric);
  if (points.length === 0) return undefined;
  const values = points.map((p) => p.y).filter((y): y is number => y !== undefined);
  const line = r.lines[metric];
  const all = [...values, ...(line !== undefined ? [line] : [])];
  const lo = Math.floor(Math.min(0, ...all) - 1);
  const hi = Math.ceil(Math.max(1, ...all) + 1);
  const ys = points.map((p) => round(Math.max(lo, Math.min(hi, p.y ?? lo))));
  const labels = points.map((p) => `"${p.x}m ${p.phase.slice(0, 4)}"`);
  const out = [
    '```mermaid',
    'xychart-beta',
    `  title "${r.template} · ${r.scenario} · ${metric} (trial 1)${values.length < points.length ? ' · no data drawn at the axis minimum' : ''}"`,
    `  x-axis [${labels.join(', ')}]`,
    `  y-axis "${metric} result[0]" ${lo} --> ${hi}`,
    `  line [${ys.join(', ')}]`,
  ];
  if (line !== undefined) out.push(`  line [${points.map(() => line).join(', ')}]`);
  out.push('```');
  return out.join('\n');
}

/** The Markdown report: the table, then a chart per scenario. */
export function markdownReport(sim: SimulationResult): string {
  const out = [
    '# Canary analysis simulation',
    '',
    `${sim.trials} seeded trials per template and scenario, run on a local Prometheus with the emitted queries, the conditions evaluated and the AnalysisRun loop applied as Argo Rollouts v1.9.1 does. Verdicts: successful = promoted, failed/error = aborted, paused = inconclusive (the rollout waits for a human).`,
    '',
    '## Verdicts',
    '',
    markdownMatrix(sim),
    '',
    '## Per template and scenario: what decided',
    '',
    '| template | scenario | verdicts | aborted in step 1 | expected | acceptance | deciding (most trials) |',
    '|---|---|---|---|---|---|---|',
    ...sim.results.map((r) => `| ${r.template} | ${r.title} | ${verdicts(r)} | ${r.counts.Failed + r.counts.Error > 0 ? `${r.abortedInFirstStep}/${r.counts.Failed + r.counts.Error}` : '-'} | ${r.expectation} | ${r.accepted ? 'met' : '**not met**'} | ${r.why.replace(/\|/g, '\\|')} |`),
    '',
  ];
  for (const s of sim.skipped) out.push(`- skipped ${s.template}: ${s.reason}`);
  const pauses = sim.results.filter((r) => r.counts.Inconclusive > 0);
  if (pauses.length > 0) {
    out.push('', '## Pauses', '', 'Every template × scenario with paused trials (Inconclusive: the rollout waits for a human), and why:', '');
    for (const r of pauses) out.push(`- ${r.template} · \`${r.scenario}\`: ${r.counts.Inconclusive}/${r.trials} paused · ${r.reasons.filter((x) => /inconclusive/.test(x.reason)).map((x) => `${x.count} × ${x.reason}`).join('; ')}`);
  }
  if (sim.power.length > 0) {
    out.push('', '## Power', '', 'The smallest regression each template aborts in its first analysis step in ≥ 95 % of trials (in brackets: the rung below and its abort rate), at the declared traffic (the analysis-parameters annotation\'s `expectedRequestsPerSecond`), `--rps`, or the default; then the time to a verdict at low traffic.', '', markdownPower(sim.power));
  }
  out.push('', 'Each chart: the deciding metric of the first trial at each measurement (labels: minutes after the canary started and the measurement phase), and its pass line.', '');
  for (const r of sim.results) {
    const c = chart(r);
    if (!c) continue;
    out.push(`## ${r.template} · ${r.scenario}`, '', `${r.title}: ${verdicts(r)}; ${r.why}.`, '', c, '');
  }
  return out.join('\n');
}

const num = (n: number) => String(Math.round(n * 1e6) / 1e6);
const percent = (n: number) => `${num(Math.round(n * 1e6) / 1e4)} %`;

/** "7 × (0.7 %)", or "> 20 ×" when not even the largest rung is aborted in step 1 in ≥ 95 %. */
function detected(multiple: number | undefined, ladder: PowerReport['errorLadder'], show: (m: number) => string): string {
  if (multiple === undefined) return `> ${num(ladder[ladder.length - 1]!.multiple)} × (none of the rungs)`;
  const i = ladder.findIndex((r) => r.multiple === multiple);
  const below = i > 0 ? `, ${num(ladder[i - 1]!.multiple)} ×: ${Math.round(100 * ladder[i - 1]!.abortedInFirstStep)} %` : '';
  return `${num(multiple)} × (${show(multiple)}${below})`;
}

function verdictTime(t: TimeToVerdict): string {
  const parts: string[] = [];
  for (const [k, label] of [['Successful', 'promoted'], ['Failed', 'aborted'], ['Error', 'error'], ['Inconclusive', 'paused']] as const) {
    if (t.counts[k] > 0) parts.push(`${Math.round((100 * t.counts[k]) / t.trials)} % ${label}`);
  }
  const when = t.medianMinutes === undefined ? '' : ` after ${t.medianMinutes} min (p95 ${t.p95Minutes} min)`;
  return `${parts.join(', ')}${when}`;
}

/** Rows of the power table: template, traffic, step 1, smallest 5xx and p99 regressions aborted in step 1. */
function powerRows(power: readonly PowerReport[]): string[][] {
  return power.map((p) => [
    p.template,
    `${num(p.rps)} req/s (${p.rpsFrom === 'declared' ? 'declared' : p.rpsFrom === 'given' ? '--rps' : 'default'})`,
    `${p.weight} % for ${num(p.stepSeconds / 60)} min`,
    detected(p.errorMultiple, p.errorLadder, (m) => `${percent(Math.min(1, m * p.errorBudget))} 5xx`),
    detected(p.latencyMultiple, p.latencyLadder, (m) => `p99 ${num(m * p.latencyP99)} s`),
  ]);
}

/** The power report as text: what each template aborts in step 1, and the time to a verdict at low traffic. */
export function formatPower(power: readonly PowerReport[]): string {
  const head = ['template', 'traffic', 'step 1', 'smallest 5xx regression aborted in step 1 (≥ 95 %)', 'smallest p99 regression aborted in step 1 (≥ 95 %)'];
  const rows = powerRows(power);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const out = [`power (${power[0]?.trials ?? 0} seeded trials per rung; multiples of the error budget and of the p99 objective):`, line(head), ...rows.map(line)];
  const low = power.filter((p) => p.lowTraffic.length > 0);
  if (low.length > 0) {
    out.push('', 'time to a verdict at low traffic (minutes from the canary start):');
    for (const p of low) for (const t of p.lowTraffic) out.push(`  ${p.template} · ${t.scenario}: ${verdictTime(t)}`);
  }
  return out.join('\n');
}

/** The power report as Markdown tables. */
function markdownPower(power: readonly PowerReport[]): string {
  const out = [
    `| template | traffic | step 1 | smallest 5xx regression aborted in step 1 (≥ 95 % of ${power[0]?.trials ?? 0}) | smallest p99 regression aborted in step 1 (≥ 95 %) |`,
    '|---|---|---|---|---|',
    ...powerRows(power).map((r) => `| ${r.join(' | ')} |`),
  ];
  const low = power.filter((p) => p.lowTraffic.length > 0);
  if (low.length > 0) {
    const ids = [...new Set(low.flatMap((p) => p.lowTraffic.map((t) => t.scenario)))];
    out.push('', `| template | ${ids.join(' | ')} |`, `|---|${ids.map(() => '---').join('|')}|`);
    for (const p of low) out.push(`| ${p.template} | ${ids.map((id) => { const t = p.lowTraffic.find((x) => x.scenario === id); return t ? verdictTime(t) : '-'; }).join(' | ')} |`);
  }
  return out.join('\n');
}

/** One cell of the verdict matrix: "100 % aborted · 100/100 in step 1", "97 % promoted, 3 % paused". */
function cellText(r: ScenarioResult): string {
  const parts: string[] = [];
  for (const [k, label] of [['Successful', 'promoted'], ['Failed', 'aborted'], ['Error', 'error (aborted)'], ['Inconclusive', 'paused']] as const) {
    if (r.counts[k] > 0) parts.push(`${pct(r.counts[k], r.trials)} ${label}`);
  }
  const aborted = r.counts.Failed + r.counts.Error;
  return `${parts.join(', ')}${aborted > 0 ? ` · ${r.abortedInFirstStep}/${aborted} in step 1` : ''}${r.accepted ? '' : ' · **not met**'}`;
}

/** The verdict matrix of the Prometheus templates: a row per scenario (with its acceptance), a column per template. */
function markdownMatrix(sim: SimulationResult): string {
  const slo = sim.results.filter((r) => r.kind === 'prometheus');
  const templates = [...new Set(slo.map((r) => r.template))];
  const scenarios = [...new Set(slo.map((r) => r.scenario))];
  const out = [
    `| scenario | acceptance | ${templates.join(' | ')} |`,
    `|---|---|${templates.map(() => '---').join('|')}|`,
  ];
  for (const id of scenarios) {
    const first = slo.find((r) => r.scenario === id)!;
    out.push(`| \`${id}\`: ${first.title.replace(/\|/g, '\\|')} | ${first.expectation} | ${templates.map((t) => { const r = slo.find((x) => x.template === t && x.scenario === id); return r ? cellText(r) : '-'; }).join(' | ')} |`);
  }
  return out.join('\n');
}
