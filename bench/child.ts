import { readdirSync, statSync } from 'node:fs';
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
  /** User + system CPU milliseconds of the whole process, up to the report. */
  readonly cpuMs: number;
  /** Peak resident set size, in MiB. */
  readonly maxRssMiB: number;
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
    const report: ChildReport = {
      bootMs: this.bootMs,
      phases: this.phases,
      cpuMs: (cpu.user + cpu.system) / 1000,
      // maxRSS is in KiB.
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
      objects: written.objects,
      bytes: written.bytes,
      ...(extra ? { extra } : {}),
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  }
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
