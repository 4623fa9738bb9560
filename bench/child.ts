import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
   * over-counts a child whose peak has passed rather than missing it; the sampler, a process of its own, is left out).
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
  private readonly tree: TreeSampler | undefined;

  constructor(options: { tree?: boolean } = {}) {
    this.tree = options.tree ? treeRssSampler() : undefined;
  }

  /**
   * Resolves when the tree sampler has taken its first sample (at once without one). Starting a node process takes
   * 50 ms on a quiet machine and over a second at load 12: a worker that starts a child right away waits for this, or
   * a short-lived child's peak could pass before anything samples it. Rejects after `timeoutMs`.
   */
  public async sampling(timeoutMs = 30_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.tree && !this.tree.sampled()) {
      if (performance.now() > deadline) throw new Error(`the tree sampler took no sample in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
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
 * The process tree's peak RSS in MiB, sampled by a small process of its own (it runs while this one is busy): every
 * 5 ms, this process's VmRSS plus, for each descendant (/proc/PID/task/TID/children, recursively) but the sampler
 * itself, its VmHWM. `stop()` ends the sampling and returns the peak (0 where /proc is not there).
 *
 * Until session 33 the sampler was a worker thread of this process: its isolate (~10 MiB, measured) was counted in
 * this process's own RSS and maxRSS, which the raw baseline does not carry. A process of its own is not counted: it
 * leaves itself out of the tree it sums, and it is not a part of this process's RSS.
 */
interface TreeSampler {
  /** Whether the first sample has been written. */
  sampled(): boolean;
  /** Ends the sampling; the peak in MiB. */
  stop(): number;
}

function treeRssSampler(): TreeSampler {
  let dir: string;
  let sampler: ChildProcess;
  const code = `
const fs = require('node:fs');
const [pid, file] = [Number(process.argv[1]), process.argv[2]];
const out = fs.openSync(file, 'r+');
const kib = (p, field) => { try { return Number(new RegExp('^' + field + ':[ \t]+([0-9]+)', 'm').exec(fs.readFileSync('/proc/' + p + '/status', 'utf8'))[1]); } catch { return 0; } };
const children = (p) => { const found = []; try { for (const t of fs.readdirSync('/proc/' + p + '/task')) { try { for (const c of fs.readFileSync('/proc/' + p + '/task/' + t + '/children', 'utf8').split(' ')) if (c.trim() && Number(c) !== process.pid) found.push(c.trim()); } catch {} } } catch {} return found; };
let peak = 0;
const sample = () => {
  // The worker ended without stopping it (it crashed): remove the figure's folder, then end.
  if (!fs.existsSync('/proc/' + pid)) { fs.rmSync(require('node:path').dirname(file), { recursive: true, force: true }); process.exit(0); }
  let total = kib(pid, 'VmRSS');
  const stack = children(pid);
  while (stack.length) { const c = stack.pop(); total += kib(c, 'VmHWM'); stack.push(...children(c)); }
  // Fixed width, written in place: the reader never sees half of a figure.
  if (total / 1024 > peak) fs.writeSync(out, (peak = total / 1024).toFixed(3).padStart(16), 0);
};
setInterval(sample, 5);
sample();
`;
  try {
    dir = mkdtempSync(join(tmpdir(), 'bench-tree-rss-'));
    writeFileSync(join(dir, 'peak'), '0'.padStart(16));
    sampler = spawn(process.execPath, ['-e', code, String(process.pid), join(dir, 'peak')], { stdio: 'ignore', env: { ...process.env, NODE_OPTIONS: '' } });
    sampler.unref();
  } catch {
    return { sampled: () => true, stop: () => 0 }; // no sampler: the process's own peak only
  }
  return {
    sampled: () => Number(readFileSync(join(dir, 'peak'), 'utf8')) > 0,
    stop() {
      sampler.kill('SIGKILL');
      try {
        return Number(readFileSync(join(dir, 'peak'), 'utf8')) || 0;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
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
