import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * What a benchmark child process reports to the parent, as one JSON line on stdout: its phases (wall
 * milliseconds, in order), its own CPU time and peak RSS, and what it wrote.
 */
export interface ChildReport {
  /** Milliseconds from process start (node's time origin) to the first line of the worker: node + tsx boot. */
  readonly bootMs: number;
  /** Wall milliseconds per phase, in order. */
  readonly phases: Record<string, number>;
  /**
   * User + system CPU milliseconds of the whole process tree up to the report: this process's own, plus that of every
   * child process it waited for (PGlite's, git, squawk: /proc/self/stat cutime + cstime).
   */
  readonly cpuMs: number;
  /** CPU milliseconds of the child processes alone (included in `cpuMs`). */
  readonly childCpuMs: number;
  /**
   * Peak resident set size, in MiB: this process's own peak (the kernel's maxRSS), or with the tree sampler (runSynth's
   * runs) the larger of it and the tree's sampled peak (every 5 ms: this process's RSS plus each live descendant's own peak so far, VmHWM, which
   * over-counts a child whose peak has passed rather than missing it).
   */
  readonly maxRssMiB: number;
  /** This process's own peak RSS, in MiB (the figure before child processes were counted). */
  readonly ownMaxRssMiB: number;
  /** Objects (files) written. */
  readonly objects: number;
  /** Bytes written. */
  readonly bytes: number;
  /** Figures of a particular worker (e.g. validate-worker's documents per CPU second). */
  readonly extra?: Record<string, unknown>;
}

/** Times the phases of a child process, from its first line. */
export class PhaseClock {
  public readonly bootMs = performance.now();
  private last = performance.now();
  public readonly phases: Record<string, number> = {};
  /** The process tree's sampler, with `{ tree: true }` (a worker whose child processes hold memory: runSynth's PGlite). */
  private readonly tree: { stop(): number } | undefined;

  constructor(options: { tree?: boolean } = {}) {
    this.tree = options.tree ? treeRssSampler() : undefined;
  }

  /** Runs `work` as the named phase. */
  public async time<T>(name: string, work: () => T | Promise<T>): Promise<T> {
    const start = performance.now();
    const result = await work();
    this.last = performance.now();
    this.phases[name] = this.last - start;
    return result;
  }

  /** Prints the report as the last line of stdout. */
  public report(written: { objects: number; bytes: number }, extra?: Record<string, unknown>): void {
    const cpu = process.cpuUsage();
    const childCpuMs = childrenCpuMs();
    // maxRSS is in KiB.
    const ownMaxRssMiB = process.resourceUsage().maxRSS / 1024;
    const report: ChildReport = {
      bootMs: this.bootMs,
      phases: this.phases,
      cpuMs: (cpu.user + cpu.system) / 1000 + childCpuMs,
      childCpuMs,
      maxRssMiB: Math.max(ownMaxRssMiB, this.tree?.stop() ?? 0),
      ownMaxRssMiB,
      objects: written.objects,
      bytes: written.bytes,
      ...(extra ? { extra } : {}),
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  }
}

/** CPU milliseconds of the child processes this one waited for (Linux: /proc/self/stat fields 16–17, in clock ticks of 1/100 s). */
function childrenCpuMs(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    // After "pid (comm) ", field 3 (state) is index 0: cutime is field 16, cstime 17.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return 0;
  }
}

/**
 * The process tree's peak RSS in MiB, sampled in a worker thread (it runs while the main thread is busy): every 5 ms,
 * this process's VmRSS plus, for each descendant (/proc/PID/task/TID/children, recursively), its VmHWM. `stop()` ends
 * the sampling and returns the peak (0 where /proc is not there). The sampler's own thread counts in the figure.
 */
function treeRssSampler(): { stop(): number } {
  const peak = new Float64Array(new SharedArrayBuffer(16));
  const code = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const peak = new Float64Array(workerData.buffer);
const kib = (pid, field) => { try { return Number(new RegExp('^' + field + ':[ \t]+([0-9]+)', 'm').exec(fs.readFileSync('/proc/' + pid + '/status', 'utf8'))[1]); } catch { return 0; } };
const children = (pid) => { const out = []; try { for (const t of fs.readdirSync('/proc/' + pid + '/task')) { try { for (const c of fs.readFileSync('/proc/' + pid + '/task/' + t + '/children', 'utf8').split(' ')) if (c.trim()) out.push(c.trim()); } catch {} } } catch {} return out; };
const sample = () => {
  let total = kib(workerData.pid, 'VmRSS');
  const stack = children(workerData.pid);
  while (stack.length) { const c = stack.pop(); total += kib(c, 'VmHWM'); stack.push(...children(c)); }
  if (total / 1024 > peak[0]) peak[0] = total / 1024;
};
const timer = setInterval(() => { if (peak[1]) clearInterval(timer); else sample(); }, 5);
sample();
`;
  let worker: Worker | undefined;
  try {
    worker = new Worker(code, { eval: true, workerData: { buffer: peak.buffer, pid: process.pid } });
    worker.unref();
  } catch {
    /* no sampler: the process's own peak only */
  }
  return {
    stop() {
      peak[1] = 1;
      void worker?.terminate();
      return peak[0]!;
    },
  };
}

/** Files and bytes below `dir` (after the timed phases: not part of any figure but the counts). */
export function countFiles(dir: string): { objects: number; bytes: number } {
  let objects = 0;
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    objects++;
    bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return { objects, bytes };
}

/** `--name value` from argv, or `fallback`. */
export function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? process.argv[i + 1] : fallback;
  if (value === undefined) throw new Error(`missing --${name}`);
  return value;
}
