import type { Machine, Noise } from './machine.js';
import { Sample, Stat, stat } from './measure.js';

/** The figures of one measurement over its runs. */
export interface Measurement {
  readonly runs: number;
  readonly wallMs: Stat;
  /** Wall time less a baseline's input-loading phase: what the ratios compare. */
  readonly comparedMs: Stat;
  readonly cpuMs?: Stat;
  readonly maxRssMiB?: Stat;
  /** Per phase (boot, import, input, construct, synth, write), when the child reports them. */
  readonly phases?: Record<string, Stat>;
  readonly objects: number;
  readonly bytes: number;
  /** Median compared time per object written, in microseconds. */
  readonly perObjectUs: number;
  readonly samples: readonly Sample[];
}

/** Everything measured at one N. */
export interface SizeResult {
  readonly n: number;
  readonly platforms: number;
  readonly runs: number;
  readonly measurements: Record<string, Measurement>;
  readonly kustomize?: { builds: number; layout: string; objectsPerEnvironment: number; overlayEntries: number };
  ratios?: Record<string, number>;
}

/** A goal of issue 25, checked on the measured figures. */
export interface Target {
  readonly name: string;
  readonly value?: number;
  readonly limit: string;
  /** Undefined when the run did not measure what the target needs (e.g. N = 1000 in CI). */
  readonly pass?: boolean;
  /** The 1-minute load average during the measurements the value comes from (their median). */
  readonly load?: number;
  /** Figures beside the value: the CPU-time ratio, or the value at a smaller N when the goal's N was not measured. */
  readonly note?: string;
}

/** The whole run, as written to bench/out/results.json. */
export interface Results {
  readonly date: string;
  readonly machine: Machine;
  readonly noiseBefore: Noise;
  noiseAfter?: Noise;
  readonly options: Record<string, unknown>;
  readonly sizes: SizeResult[];
  reference?: { npmRunSynth: Measurement; worker: Measurement };
  scaling?: Record<string, number>;
  targets?: Target[];
}

/** Summarizes the samples of one measurement. */
export function measurement(samples: readonly Sample[]): Measurement {
  const optional = (pick: (s: Sample) => number | undefined) => {
    const values = samples.map(pick).filter((v): v is number => v !== undefined);
    return values.length === samples.length ? stat(values) : undefined;
  };
  const phaseNames = Object.keys(samples[0]?.phases ?? {});
  const comparedMs = stat(samples.map((s) => s.comparedMs));
  const objects = samples[0]?.objects ?? 0;
  return {
    runs: samples.length,
    wallMs: stat(samples.map((s) => s.wallMs)),
    comparedMs,
    cpuMs: optional((s) => s.cpuMs),
    maxRssMiB: optional((s) => s.maxRssMiB),
    phases: phaseNames.length ? Object.fromEntries(phaseNames.map((p) => [p, stat(samples.map((s) => s.phases![p]!))])) : undefined,
    objects,
    bytes: samples[0]?.bytes ?? 0,
    perObjectUs: objects ? (comparedMs.median * 1000) / objects : 0,
    samples,
  };
}

/** In-process work: the phases after boot and module loading (construct, synth, write). */
function workMs(m: Measurement | undefined): number | undefined {
  if (!m?.phases) return undefined;
  return ['construct', 'synth', 'write'].reduce((sum, p) => sum + (m.phases![p]?.median ?? 0), 0);
}

const div = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? a / b : undefined);

/** Fills in the ratios and scaling, and checks the targets of issue 7. */
export function evaluate(results: Results): Target[] {
  for (const size of results.sizes) {
    const m = size.measurements;
    const entries: [string, number | undefined][] = [
      ['oursOverRawCdk8s', div(m.ours?.comparedMs.median, m.rawCdk8s?.comparedMs.median)],
      ['oursOverFloor', div(m.ours?.comparedMs.median, m.floor?.comparedMs.median)],
      ['rawCdk8sOverFloor', div(m.rawCdk8s?.comparedMs.median, m.floor?.comparedMs.median)],
      ['oursOverRawCdk8sCpu', div(m.ours?.cpuMs?.median, m.rawCdk8s?.cpuMs?.median)],
      ['oursOverRawCdk8sWork', div(workMs(m.ours), workMs(m.rawCdk8s))],
      ['kustomizeOverOurs', div(m.kustomize?.wallMs.median, m.ours?.wallMs.median)],
      ['kustomizeOverOursCpu', div(m.kustomize?.cpuMs?.median, m.ours?.cpuMs?.median)],
      ['kustomizeOverOursPerObject', div(m.kustomize?.perObjectUs, m.ours?.perObjectUs)],
      ['pipelineOverRawCdk8s', div(m.oursPipeline?.comparedMs.median, m.rawCdk8s?.comparedMs.median)],
      ['pipelineOverRawCdk8sCpu', div(m.oursPipeline?.cpuMs?.median, m.rawCdk8s?.cpuMs?.median)],
      ['incrementalOverRawCdk8s', div(m.oursIncremental?.comparedMs.median, m.rawCdk8s?.comparedMs.median)],
      ['incrementalOverRawCdk8sCpu', div(m.oursIncremental?.cpuMs?.median, m.rawCdk8s?.cpuMs?.median)],
      ['validateDocumentsPerCpuSecond', documentsPerCpuSecond(m.validate)],
      ['onePlatformOverPlatformsOf100', div(m.oursOnePlatform?.wallMs.median, m.ours?.wallMs.median)],
    ];
    size.ratios = Object.fromEntries(entries.filter((e): e is [string, number] => e[1] !== undefined));
  }
  const at = (n: number) => results.sizes.find((s) => s.n === n);
  const small = at(100);
  const large = at(1000);
  results.scaling = Object.fromEntries(Object.entries({
    oursWall: div(large?.measurements.ours?.wallMs.median, small?.measurements.ours?.wallMs.median),
    oursWork: div(workMs(large?.measurements.ours), workMs(small?.measurements.ours)),
    rawCdk8sWall: div(large?.measurements.rawCdk8s?.comparedMs.median, small?.measurements.rawCdk8s?.comparedMs.median),
    objects: div(large?.measurements.ours?.objects, small?.measurements.ours?.objects),
  }).filter((e): e is [string, number] => e[1] !== undefined));
  // The goals of issue 25. Those at N = 1000 print n/a when N = 1000 was not measured (CI runs N = 100), with the
  // figure of the largest N measured beside them, labelled with its N: a figure, not the goal.
  const largest = [...results.sizes].sort((a, b) => b.n - a.n)[0];
  const fallback = largest && largest.n < 1000 ? largest : undefined;
  const goal = (name: string, limit: string, ok: (v: number) => boolean, pick: (size: SizeResult) => { value?: number; load?: number; cpu?: number } | undefined): Target => {
    const at = large ? pick(large) : undefined;
    const cpu = (figure: { cpu?: number } | undefined) => (figure?.cpu === undefined ? '' : `CPU-time ratio ${f2(figure.cpu)}`);
    if (at?.value !== undefined) return { name, value: at.value, limit, pass: ok(at.value), load: at.load, note: cpu(at) || undefined };
    const small = fallback ? pick(fallback) : undefined;
    const note = small?.value !== undefined ? `not measured at N=1000 (run with --n 1000 --pipeline-large); at N=${fallback!.n}: ${f2(small.value)}${small.cpu === undefined ? '' : `, ${cpu(small)}`}, load ${f2(small.load)}` : 'not measured in this run';
    return { name, limit, note };
  };
  const ratio = (key: string, measured: string, cpuKey?: string) => (size: SizeResult) => ({ value: size.ratios?.[key], load: medianLoad(size.measurements[measured]), cpu: cpuKey ? size.ratios?.[cpuKey] : undefined });
  const npmRunSynth = results.reference?.npmRunSynth;
  return [
    goal('runSynth (npm run synth: every check) N=1000 × 3 envs, cold, vs raw cdk8s ApiObjects (wall)', '≤ 1.5', (v) => v <= 1.5, ratio('pipelineOverRawCdk8s', 'oursPipeline', 'pipelineOverRawCdk8sCpu')),
    goal('runSynth after a one-service change (incremental) N=1000 vs raw cdk8s ApiObjects (wall)', '≤ 1.2', (v) => v <= 1.2, ratio('incrementalOverRawCdk8s', 'oursIncremental', 'incrementalOverRawCdk8sCpu')),
    goal('runSynth peak RSS N=1000, cold, process tree (MiB)', '≤ 400', (v) => v <= 400, (size) => ({ value: size.measurements.oursPipeline?.maxRssMiB?.median, load: medianLoad(size.measurements.oursPipeline) })),
    goal('full synth without the checks N=1000 vs raw cdk8s ApiObjects (wall)', '≤ 1.2', (v) => v <= 1.2, ratio('oursOverRawCdk8s', 'ours', 'oursOverRawCdk8sCpu')),
    goal('validate of the N=1000 estate, documents per second per core (read + check CPU time)', '≥ 2000', (v) => v >= 2000, (size) => ({ value: size.ratios?.validateDocumentsPerCpuSecond, load: medianLoad(size.measurements.validate) })),
    npmRunSynth
      ? { name: 'cold `npm run synth` of the reference platforms (median wall ms)', value: npmRunSynth.wallMs.median, limit: '≤ 1500', pass: npmRunSynth.wallMs.median <= 1500, load: medianLoad(npmRunSynth), note: results.reference?.worker ? `runSynth in a bare node + tsx: ${f0(results.reference.worker.wallMs.median)} ms` : undefined }
      : { name: 'cold `npm run synth` of the reference platforms (median wall ms)', limit: '≤ 1500', note: 'not measured in this run' },
  ];
}

/** Median 1-minute load average over a measurement's runs. */
function medianLoad(m: Measurement | undefined): number | undefined {
  return m?.samples.length ? stat(m.samples.map((s) => s.load)).median : undefined;
}

/** Documents per CPU second of validate-worker (read + check), median over its runs. */
function documentsPerCpuSecond(m: Measurement | undefined): number | undefined {
  const values = (m?.samples ?? []).map((s) => s.extra?.documentsPerCpuSecond).filter((v): v is number => typeof v === 'number');
  return values.length ? stat(values).median : undefined;
}

const f0 = (v: number | undefined) => (v === undefined ? '–' : Math.round(v).toString());
const f2 = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(2));
const range = (s: Stat | undefined) => (s ? `${f0(s.median)} (${f0(s.min)}–${f0(s.max)})` : '–');
const pad = (cells: string[], widths: number[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();

const LABELS: Record<string, string> = {
  ours: 'ours: full synth',
  oursPipeline: 'ours: runSynth, cold',
  oursIncremental: 'ours: runSynth, 1 changed',
  validate: 'validate (read+check)',
  oursOnePlatform: 'ours, one platform',
  rawCdk8s: 'raw cdk8s ApiObject',
  floor: 'floor: toYaml + write',
  kustomize: 'kubectl kustomize',
};

function rows(measurements: Record<string, Measurement>): string[] {
  const header = ['measurement', 'wall ms median (min–max)', 'spread', 'compared ms', 'CPU ms', 'peak RSS', 'objects', 'MiB', 'µs/object'];
  const widths = [22, 26, 7, 12, 8, 9, 8, 6, 9];
  const lines = [pad(header, widths)];
  for (const [name, m] of Object.entries(measurements)) {
    lines.push(pad([LABELS[name] ?? name, range(m.wallMs), `${f0(m.wallMs.spreadPct)}%`, f0(m.comparedMs.median), f0(m.cpuMs?.median), m.maxRssMiB ? `${f0(m.maxRssMiB.median)} MiB` : '–', String(m.objects), (m.bytes / 2 ** 20).toFixed(1), m.perObjectUs.toFixed(0)], widths));
    if (m.phases) lines.push(`    phases (median ms): ${Object.entries(m.phases).map(([p, s]) => `${p} ${f0(s.median)}`).join(' · ')}`);
  }
  return lines;
}

/** The human-readable report. */
export function table(results: Results): string {
  const { machine: m, noiseBefore: nb, noiseAfter: na } = results;
  const noiseLine = (label: string, n: Noise | undefined) => n ? `${label}: load ${n.loadavg.join(' / ')}; fixed CPU task ${f0(n.fixedTaskMs.median)} ms (${f0(n.fixedTaskMs.min)}–${f0(n.fixedTaskMs.max)}, spread ${f0(n.fixedTaskMs.spreadPct)}%)` : '';
  const out = [
    `machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, node ${m.node}, ${m.platform}; kubectl ${m.kubectl}`,
    noiseLine('noise before', nb),
    noiseLine('noise after ', na),
  ];
  const loads = [nb.loadavg[0]!, na?.loadavg[0] ?? 0, ...results.sizes.flatMap((z) => Object.values(z.measurements).flatMap((x) => x.samples.map((y) => y.load)))];
  if (Math.max(...loads) > m.cpus) {
    out.push(`WARNING: the 1-minute load reached ${Math.max(...loads).toFixed(1)} on ${m.cpus} CPUs during the run: other processes competed for the CPUs, so wall times are inflated unevenly; compare the CPU columns, or rerun on a quiet machine.`);
  }
  for (const size of results.sizes) {
    const k = size.kustomize;
    out.push('', `N=${size.n}: ${size.platforms} platform(s) × 3 environments, ${size.runs} run(s) each${k ? `; kustomize: ${k.builds} builds (${k.layout}), ${k.objectsPerEnvironment} objects per environment, ${k.overlayEntries} overlay entries` : ''}`);
    out.push(...rows(size.measurements));
    out.push(`  ratios: ${Object.entries(size.ratios ?? {}).map(([r, v]) => `${r} ${f2(v)}`).join(' · ')}`);
  }
  if (results.scaling) out.push('', `scaling 100 → 1000: ${Object.entries(results.scaling).map(([r, v]) => `${r} ${f2(v)}`).join(' · ')}`);
  if (results.reference) {
    out.push('', 'reference platforms (apps/), cold:');
    out.push(...rows({ 'npm run synth': results.reference.npmRunSynth, 'runSynth, node+tsx': results.reference.worker }));
  }
  out.push('', 'goals (issue 25), each with the 1-minute load of its measurements:');
  for (const t of results.targets ?? []) {
    out.push(`  ${t.pass === undefined ? 'n/a ' : t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${f2(t.value)} (goal ${t.limit})${t.load === undefined ? '' : `, load ${f2(t.load)}`}${t.note ? `; ${t.note}` : ''}`);
  }
  return out.join('\n');
}
