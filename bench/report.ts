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

/** A target of issue 7, checked on the measured figures. */
export interface Target {
  readonly name: string;
  readonly value?: number;
  readonly limit: string;
  /** Undefined when the run did not measure what the target needs. */
  readonly pass?: boolean;
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
  const check = (name: string, value: number | undefined, limit: string, ok: (v: number) => boolean): Target =>
    ({ name, value, limit, pass: value === undefined ? undefined : ok(value) });
  return [
    check('full synth N=1000 × 3 envs vs raw cdk8s ApiObjects (ours/raw, cold wall)', large?.ratios?.oursOverRawCdk8s, '≤ 1.3', (v) => v <= 1.3),
    check('kustomize on the equivalent overlays vs full synth N=1000 (kustomize/ours, wall)', large?.ratios?.kustomizeOverOurs, '≥ 10', (v) => v >= 10),
    check('linear growth: wall(1000)/wall(100)', results.scaling.oursWall, '≤ 11', (v) => v <= 11),
    check('cold `npm run synth` of the reference platforms (median ms)', results.reference?.npmRunSynth.wallMs.median, '< 3000', (v) => v < 3000),
  ];
}

const f0 = (v: number | undefined) => (v === undefined ? '–' : Math.round(v).toString());
const f2 = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(2));
const range = (s: Stat | undefined) => (s ? `${f0(s.median)} (${f0(s.min)}–${f0(s.max)})` : '–');
const pad = (cells: string[], widths: number[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();

const LABELS: Record<string, string> = {
  ours: 'ours: full synth',
  oursPipeline: 'ours: runSynth',
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
  out.push('', 'targets:');
  for (const t of results.targets ?? []) out.push(`  ${t.pass === undefined ? 'n/a ' : t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${f2(t.value)} (target ${t.limit})`);
  return out.join('\n');
}
