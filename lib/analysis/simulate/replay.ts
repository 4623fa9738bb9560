import { type ProviderOutcome, runAnalysis } from '../evaluate/analysis-run.js';
import type { PrometheusClient } from './prometheus.js';
import { metricsForStep, stepSeconds, type Subject } from './subjects.js';

/** Options of {@link replay}. */
export interface ReplayOptions {
  /** Unix seconds. */
  readonly from: number;
  readonly to: number;
  /** Seconds between simulated canary starts. @default 1800 */
  readonly everySeconds?: number;
}

/** How one template would have judged the stable pods standing in for a canary. */
export interface ReplayResult {
  readonly template: string;
  readonly starts: number;
  readonly successful: number;
  /** Would have aborted (Failed or Error). */
  readonly aborted: number;
  /** Would have paused for a human (Inconclusive). */
  readonly paused: number;
  /** Deciding reasons of the aborts and pauses, most common first. */
  readonly reasons: readonly { readonly reason: string; readonly count: number }[];
  /** The canary starts that would have been aborted or paused (Unix seconds), at most 20. */
  readonly badStarts: readonly { readonly at: number; readonly verdict: string; readonly reason: string }[];
}

/**
 * Replays the Prometheus templates of an environment over real history: as if a canary had started
 * every `everySeconds` from `from`, each analysis step in turn, with every pod of the workload standing
 * in for the canary (the canary-hash matches any pod) and no stable to compare against. The history is
 * what the release would have been judged on, so every abort or pause is a false one, unless the
 * service really was unhealthy then.
 */
export async function replay(client: PrometheusClient, subjects: readonly Subject[], options: ReplayOptions): Promise<{ results: ReplayResult[]; skipped: { template: string; reason: string }[] }> {
  const every = options.everySeconds ?? 1800;
  const results: ReplayResult[] = [];
  const skipped: { template: string; reason: string }[] = [];
  for (const s of subjects) {
    if (s.kind !== 'prometheus') {
      if (s.kind === 'skipped') skipped.push({ template: s.template, reason: s.reason });
      continue;
    }
    const duration = stepSeconds(s.metrics);
    const total = duration * s.steps.length;
    const starts: number[] = [];
    for (let t = options.from; t + total <= options.to; t += every) starts.push(t);
    if (starts.length === 0) {
      skipped.push({ template: s.template, reason: `the range is shorter than one canary (${total} s)` });
      continue;
    }
    const args: Record<string, string> = { ...(s.steps[0]?.args ?? {}), namespace: s.steps[0]?.args.namespace ?? s.namespace, workload: s.workload, 'canary-hash': '[a-z0-9]+', 'stable-hash': 'no-stable-in-replay' };
    const cache = new Map<string, Map<number, ProviderOutcome>>();
    for (const m of s.metrics) {
      const query = m.query.replace(/\{\{\s*args\.([A-Za-z0-9_.-]+)\s*\}\}/g, (whole, name: string) => args[name] ?? whole);
      const times = new Set<number>();
      for (const start of starts) for (let j = 0; j < s.steps.length; j++) for (let i = 0; i < (m.count ?? 1); i++) times.add(start + j * duration + (m.initialDelaySeconds ?? 0) + i * (m.intervalSeconds ?? 0));
      const sorted = [...times].sort((a, b) => a - b);
      const step = sorted.reduce((g, t) => gcdOf(g, t - sorted[0]!), 0) || 60;
      const r = await client.queryRange(query, sorted[0]!, sorted[sorted.length - 1]!, step);
      const map = new Map<number, ProviderOutcome>();
      for (const t of sorted) map.set(t, 'error' in r ? { error: r.error } : { result: r.byTime.get(t) ?? [], value: JSON.stringify(r.byTime.get(t) ?? []) });
      cache.set(m.name, map);
    }
    let successful = 0;
    let aborted = 0;
    let paused = 0;
    const reasons = new Map<string, number>();
    const badStarts: { at: number; verdict: string; reason: string }[] = [];
    for (const start of starts) {
      let verdict = 'Successful';
      let reason = '';
      for (let j = 0; j < s.steps.length; j++) {
        const outcome = runAnalysis(metricsForStep(s.metrics, s.steps[j]?.args ?? {}), (m, at) => cache.get(m.name)?.get(start + j * duration + at) ?? { error: 'measurement off the replay grid (error retry): not replayed' }, 3600);
        if (outcome.phase !== 'Successful') {
          verdict = outcome.phase;
          reason = `step ${j + 1} · ${outcome.decidingMetric} · ${outcome.message}`;
          break;
        }
      }
      if (verdict === 'Successful') successful++;
      else {
        if (verdict === 'Inconclusive') paused++;
        else aborted++;
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
        if (badStarts.length < 20) badStarts.push({ at: start, verdict, reason });
      }
    }
    results.push({
      template: s.template,
      starts: starts.length,
      successful,
      aborted,
      paused,
      reasons: [...reasons.entries()].sort((a, b) => b[1] - a[1]).map(([reason, count]) => ({ reason, count })),
      badStarts,
    });
  }
  return { results, skipped };
}

function gcdOf(a: number, b: number): number {
  return b === 0 ? a : gcdOf(b, a % b);
}

/** The plain-text report. */
export function formatReplay(r: { results: readonly ReplayResult[]; skipped: readonly { template: string; reason: string }[] }): string {
  const pct = (n: number, of: number) => `${Math.round((1000 * n) / Math.max(1, of)) / 10} %`;
  const out: string[] = [];
  for (const x of r.results) {
    out.push(`${x.template}: ${x.starts} simulated canaries: ${pct(x.successful, x.starts)} promoted, ${pct(x.aborted, x.starts)} aborted, ${pct(x.paused, x.starts)} paused`);
    for (const reason of x.reasons.slice(0, 5)) out.push(`  ${reason.count} × ${reason.reason}`);
    for (const b of x.badStarts.slice(0, 5)) out.push(`  e.g. canary started ${new Date(b.at * 1000).toISOString()}: ${b.verdict}`);
  }
  for (const s of r.skipped) out.push(`skipped ${s.template}: ${s.reason}`);
  return out.join('\n');
}
