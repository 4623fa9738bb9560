import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { stat, Stat } from './measure.js';

/** The machine a run was measured on. */
export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly kubectl: string;
  readonly platform: string;
}

/** nproc, the CPU model from /proc/cpuinfo, memory, node and kubectl versions. */
export function machine(): Machine {
  let cpuModel = 'unknown';
  try {
    cpuModel = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel;
  } catch { /* not Linux */ }
  const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  return {
    cpus: availableParallelism(),
    cpuModel,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kubectl: kubectl.status === 0 ? kubectl.stdout.trim().split('\n').join(', ') : 'not installed',
    platform: `${process.platform}-${process.arch}`,
  };
}

/** The machine's noise at one moment: load averages and the spread of a fixed CPU task. */
export interface Noise {
  readonly loadavg: readonly number[];
  /** Milliseconds of one fixed task (SHA-256 of 64 MiB), over `runs` repetitions. */
  readonly fixedTaskMs: Stat;
}

const BLOCK = Buffer.alloc(1 << 20, 7);

/** Times the same fixed task several times: its spread is the machine's own noise, independent of our code. */
export function noise(runs = 7): Noise {
  const load = loadavg().map((l) => Math.round(l * 100) / 100);
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    const hash = createHash('sha256');
    for (let i = 0; i < 64; i++) hash.update(BLOCK);
    hash.digest();
    times.push(performance.now() - start);
  }
  return { loadavg: load, fixedTaskMs: stat(times) };
}
