import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { ChildReport, countFiles } from './child.js';

/** The repository root (bench/..). */
export const ROOT = new URL('..', import.meta.url).pathname.replace(/\/$/, '');

/** One run of one measurement. */
export interface Sample {
  /** Wall milliseconds measured by the parent, from spawn to exit. */
  readonly wallMs: number;
  /** The time compared across measurements: the wall time less any input-loading phase of a baseline. */
  readonly comparedMs: number;
  /** User + system CPU milliseconds (the child's own figure, or /usr/bin/time's for kubectl). */
  readonly cpuMs?: number;
  /** Peak RSS in MiB. */
  readonly maxRssMiB?: number;
  /** The child's phases (ms) including `boot` (node + tsx start), when it reports them. */
  readonly phases?: Record<string, number>;
  readonly objects: number;
  readonly bytes: number;
  /** 1-minute load average just before the run. */
  readonly load: number;
  /** A worker's own figures (validate-worker: documentsPerCpuSecond, cpuPhasesMs). */
  readonly extra?: Record<string, unknown>;
}

/** Median, min and max of a figure over runs; spread is (max − min) / median, in percent. */
export interface Stat {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly spreadPct: number;
}

/** The statistics of a list of numbers. */
export function stat(values: readonly number[]): Stat {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const min = sorted[0]!;
  const max = sorted[sorted.length - 1]!;
  return { median, min, max, spreadPct: median > 0 ? (100 * (max - min)) / median : 0 };
}

/** Flushes dirty pages, so one run's write-back does not land in the next run's timing. */
export function settle(): void {
  spawnSync('sync');
}

/** A fresh, empty scratch directory for one run's output (removed, untimed, after the run). */
export function scratch(root: string, name: string): string {
  const dir = join(root, name);
  rmSync(dir, { recursive: true, force: true });
  return dir;
}

/** Where a child runs, and whether its output is kept for the next run. */
export interface RunOptions {
  /** Working directory. @default the repository root */
  readonly cwd?: string;
  /** Keep `out` after the run (a synth replacing its previous output, like `npm run synth` does). @default false */
  readonly keep?: boolean;
  /** Extra environment variables of the child. @default none */
  readonly env?: Record<string, string>;
}

/**
 * Runs `node --import tsx bench/<worker> ...args` as a cold child process; wall time measured here, the
 * rest reported by the child on its last stdout line.
 */
export function runWorker(worker: string, args: readonly string[], out: string, options: RunOptions = {}): Sample {
  settle();
  const load = loadavg()[0]!;
  const cwd = options.cwd ?? ROOT;
  const start = performance.now();
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(cwd, 'bench', worker), ...args], { cwd, encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, ...options.env } });
  const wallMs = performance.now() - start;
  if (child.status !== 0) throw new Error(`${worker} ${args.join(' ')} failed (${child.status}):\n${child.stderr}${child.stdout}`);
  const report = JSON.parse(child.stdout.trim().split('\n').pop()!) as ChildReport;
  if (!options.keep) rmSync(out, { recursive: true, force: true });
  return {
    wallMs,
    comparedMs: wallMs - (report.phases.input ?? 0),
    cpuMs: report.cpuMs,
    maxRssMiB: report.maxRssMiB,
    phases: { boot: report.bootMs, ...report.phases },
    objects: report.objects,
    bytes: report.bytes,
    load,
    ...(report.extra ? { extra: report.extra } : {}),
  };
}

const GNU_TIME = '/usr/bin/time';

/**
 * Runs `kubectl kustomize <dir> -o <out>/` for each build, in sequence (one file per object, like our
 * output), and sums them: one sample. CPU and peak RSS come from GNU time when it is installed.
 */
export function runKustomize(builds: readonly { environment: string; dir: string }[], out: string): Sample {
  settle();
  const load = loadavg()[0]!;
  let wallMs = 0;
  let cpuMs: number | undefined = existsSync(GNU_TIME) ? 0 : undefined;
  let maxRssMiB: number | undefined = cpuMs === undefined ? undefined : 0;
  builds.forEach((b, i) => {
    const target = join(out, `${i}-${b.environment}`);
    mkdirSync(target, { recursive: true });
    const command = ['kubectl', 'kustomize', b.dir, '-o', `${target}/`];
    const argv = cpuMs === undefined ? command : [GNU_TIME, '-f', '%U %S %M', ...command];
    const start = performance.now();
    const child = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', maxBuffer: 64 << 20 });
    wallMs += performance.now() - start;
    if (child.status !== 0) throw new Error(`${command.join(' ')} failed (${child.status}):\n${child.stderr}`);
    if (cpuMs !== undefined) {
      const [user, system, rssKiB] = child.stderr.trim().split('\n').pop()!.split(' ').map(Number);
      cpuMs += (user! + system!) * 1000;
      maxRssMiB = Math.max(maxRssMiB!, rssKiB! / 1024);
    }
  });
  const written = countTree(out);
  rmSync(out, { recursive: true, force: true });
  return { wallMs, comparedMs: wallMs, cpuMs, maxRssMiB, ...written, load };
}

/** Runs a command (e.g. `npm run synth`) in `cwd`, without a shell; wall time only. `out` is kept. */
export function runCommand(argv: readonly string[], cwd: string, out: string): Sample {
  settle();
  const load = loadavg()[0]!;
  const start = performance.now();
  const child = spawnSync(argv[0]!, argv.slice(1), { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  const wallMs = performance.now() - start;
  if (child.status !== 0) throw new Error(`${argv.join(' ')} failed (${child.status}):\n${child.stderr}${child.stdout}`);
  return { wallMs, comparedMs: wallMs, ...countTree(out), load };
}

function countTree(dir: string): { objects: number; bytes: number } {
  return existsSync(dir) ? countFiles(dir) : { objects: 0, bytes: 0 };
}
