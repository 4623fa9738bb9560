import type { ScenarioResult, SimulationResult, Trial } from './simulate.js';

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
    '| template | scenario | verdicts | aborted in step 1 | expected | acceptance | deciding (most trials) |',
    '|---|---|---|---|---|---|---|',
    ...sim.results.map((r) => `| ${r.template} | ${r.title} | ${verdicts(r)} | ${r.counts.Failed + r.counts.Error > 0 ? `${r.abortedInFirstStep}/${r.counts.Failed + r.counts.Error}` : '-'} | ${r.expectation} | ${r.accepted ? 'met' : '**not met**'} | ${r.why.replace(/\|/g, '\\|')} |`),
    '',
  ];
  for (const s of sim.skipped) out.push(`- skipped ${s.template}: ${s.reason}`);
  out.push('', 'Each chart: the deciding metric of the first trial at each measurement (labels: minutes after the canary started and the measurement phase), and its pass line.', '');
  for (const r of sim.results) {
    const c = chart(r);
    if (!c) continue;
    out.push(`## ${r.template} · ${r.scenario}`, '', `${r.title}: ${verdicts(r)}; ${r.why}.`, '', c, '');
  }
  return out.join('\n');
}
