/**
 * CLI start time of the built package (issue 25: ≤ 0.3 s for `--help` and for `validate` of a small folder).
 *
 *   npx tsx bench/cli-start.ts [--runs 7] [--cli build/esm/cli.js] [--node <node>] [--folder dist/bitvault/dev/bitvault-web]
 *                              [--mixed-folder dist/bitvault/prod] [--limit 0.3] [--report-only] [--json]
 *
 * Runs `npm run build` first (or pass `--cli` to an installed bin). Each figure is the median of `--runs` cold
 * processes (`node <cli> …`), wall time from spawn to exit as the parent sees it, and user + system CPU from
 * /usr/bin/time when it is installed. The machine is shared: the load average and the fixed CPU task of
 * bench/machine.ts are printed before and after, and a run at a load above the number of cores says so. Prints one
 * `PASS`/`FAIL` line per target, as bench/report.ts does; exits 1 when a target fails, unless `--report-only`.
 *
 * The CLI keeps two caches in the user's cache folder (`$XDG_CACHE_HOME/cdk8s-delivery/`): Node's module compile
 * cache (Node ≥ 22.1) and the compiled CRD validators (lib/validation/schema/validator-cache.ts). Each process here
 * gets its own XDG_CACHE_HOME, never the user's:
 * - **first run**: an empty cache folder for every run: what a fresh CI machine or a new version pays once;
 * - **warm**: one cache folder filled by an untimed first run (which also fills the page cache): every later run;
 * - **no validator cache**: warm, with `CDK8S_DELIVERY_VALIDATOR_CACHE=off` (Node's compile cache still warm): what
 *   the validator cache saves.
 * The targets are the warm `--help` and `validate <small folder>`; the other rows are printed beside them.
 *
 * The small folder holds a Deployment, a Service, an HPA, a PDB and an HTTPRoute: the HTTPRoute is a pinned CRD with
 * CEL rules and patterns, so `validate` loads RE2 and CEL besides the core kinds' validators, and ajv to compile the
 * HTTPRoute schema when its validator is not cached. The mixed folder (dist/bitvault/prod, 66 files: Rollouts,
 * AnalysisTemplates, Argo CD Applications, CloudNativePG, KEDA, External Secrets, Prometheus Operator kinds…) shows
 * what the cache does for a larger set of kinds.
 *
 * `measureCliStart()` returns the same targets (`Target` of bench/report.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Noise, noise } from './machine.js';
import { ROOT, type Stat, stat } from './measure.js';
import type { Target } from './report.js';

/** Options of {@link measureCliStart}. */
export interface CliStartOptions {
  /** The CLI to start. @default build/esm/cli.js of this repository (`npm run build`) */
  readonly cli?: string;
  /** A small folder of manifests for `validate`. @default dist/bitvault/dev/bitvault-web (5 objects) */
  readonly folder?: string;
  /** A larger folder of many kinds for `validate`. @default dist/bitvault/prod (66 objects) */
  readonly mixedFolder?: string;
  /** Timed runs per command (after one untimed warm-up). @default 7 */
  readonly runs?: number;
  /** The target, in seconds of median wall time. @default 0.3 */
  readonly limitSeconds?: number;
  /** The Node.js executable. @default the one running this script */
  readonly node?: string;
}

/** Which cache folder a run starts with (see the file's header). */
export type CacheState = 'first run' | 'warm' | 'no validator cache';

/** The figures of one command. */
export interface CliStartMeasurement {
  readonly label: string;
  readonly args: readonly string[];
  readonly cache: CacheState;
  readonly exitCode: number;
  readonly wallMs: Stat;
  /** User + system CPU, when /usr/bin/time is installed. */
  readonly cpuMs?: Stat;
}

/** Everything {@link measureCliStart} measured. */
export interface CliStartResult {
  readonly node: string;
  readonly cli: string;
  readonly runs: number;
  readonly noiseBefore: Noise;
  readonly noiseAfter: Noise;
  readonly measurements: readonly CliStartMeasurement[];
  readonly targets: readonly Target[];
}

const TIME = '/usr/bin/time';

/** One cold start: wall time from spawn to exit, CPU from /usr/bin/time (its last stderr line). */
function once(node: string, cli: string, args: readonly string[], expectedExit: number, env: NodeJS.ProcessEnv): { wallMs: number; cpuMs?: number } {
  const withTime = existsSync(TIME);
  const [command, commandArgs] = withTime ? [TIME, ['-f', '%U %S', node, cli, ...args]] : [node, [cli, ...args]];
  const started = performance.now();
  const r = spawnSync(command, commandArgs, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, maxBuffer: 64 * 2 ** 20 });
  const wallMs = performance.now() - started;
  if (r.error) throw r.error;
  if (r.status !== expectedExit) throw new Error(`cli-start: node ${cli} ${args.join(' ')} exited ${r.status}, expected ${expectedExit}\n${r.stderr}`);
  if (!withTime) return { wallMs };
  const [user, system] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { wallMs, cpuMs: (user! + system!) * 1000 };
}

interface CliCommand {
  readonly label: string;
  readonly args: readonly string[];
  readonly exitCode: number;
  readonly cache: CacheState;
  readonly target: boolean;
}

/** Measures the cold start of `--help` and `validate <small folder>` and checks them against the target. */
export function measureCliStart(options: CliStartOptions = {}): CliStartResult {
  const cli = path.resolve(options.cli ?? path.join(ROOT, 'build/esm/cli.js'));
  const folder = path.resolve(options.folder ?? path.join(ROOT, 'dist/bitvault/dev/bitvault-web'));
  const mixedFolder = path.resolve(options.mixedFolder ?? path.join(ROOT, 'dist/bitvault/prod'));
  const runs = options.runs ?? 7;
  const limitSeconds = options.limitSeconds ?? 0.3;
  const node = options.node ?? process.execPath;
  if (!existsSync(cli)) throw new Error(`cli-start: ${cli} does not exist: run \`npm run build\` first, or pass --cli`);
  for (const f of [folder, mixedFolder]) if (!existsSync(f)) throw new Error(`cli-start: the folder ${f} does not exist: pass --folder or --mixed-folder`);
  const commands: CliCommand[] = [
    { label: '--help', args: ['--help'], exitCode: 0, cache: 'warm', target: true },
    { label: 'validate <small folder>', args: ['validate', folder], exitCode: 0, cache: 'warm', target: true },
    { label: 'validate <small folder>', args: ['validate', folder], exitCode: 0, cache: 'first run', target: false },
    { label: 'validate <small folder>', args: ['validate', folder], exitCode: 0, cache: 'no validator cache', target: false },
    { label: 'validate <mixed folder>', args: ['validate', mixedFolder], exitCode: 0, cache: 'warm', target: false },
    { label: 'validate <mixed folder>', args: ['validate', mixedFolder], exitCode: 0, cache: 'first run', target: false },
    { label: 'validate <mixed folder>', args: ['validate', mixedFolder], exitCode: 0, cache: 'no validator cache', target: false },
  ];
  const scratch = mkdtempSync(path.join(tmpdir(), 'cli-start-'));
  try {
    const warm = { XDG_CACHE_HOME: path.join(scratch, 'warm') };
    let fresh = 0;
    const envOf = (c: CliCommand): NodeJS.ProcessEnv =>
      c.cache === 'first run' ? { XDG_CACHE_HOME: path.join(scratch, `first-${fresh++}`) } : c.cache === 'warm' ? warm : { ...warm, CDK8S_DELIVERY_VALIDATOR_CACHE: 'off' };
    const noiseBefore = noise();
    for (const c of commands) once(node, cli, c.args, c.exitCode, c.cache === 'first run' ? envOf(c) : warm); // warm-up: page cache and the warm cache folder, not timed
    const samples = commands.map(() => [] as { wallMs: number; cpuMs?: number }[]);
    // Interleaved run by run, so a drift of the machine's load hits every command alike.
    for (let r = 0; r < runs; r++) commands.forEach((c, i) => samples[i]!.push(once(node, cli, c.args, c.exitCode, envOf(c))));
    const noiseAfter = noise();
    const measurements = commands.map((c, i): CliStartMeasurement => {
      const cpu = samples[i]!.map((s) => s.cpuMs).filter((v): v is number => v !== undefined);
      return { label: c.label, args: c.args, cache: c.cache, exitCode: c.exitCode, wallMs: stat(samples[i]!.map((s) => s.wallMs)), cpuMs: cpu.length === runs ? stat(cpu) : undefined };
    });
    const targets = measurements
      .filter((_, i) => commands[i]!.target)
      .map((m): Target => {
        const value = m.wallMs.median / 1000;
        return { name: `CLI start, \`cdk8s-delivery ${m.label}\`, ${m.cache} (s, median wall)`, value, limit: `≤ ${limitSeconds} s`, pass: value <= limitSeconds };
      });
    const version = node === process.execPath ? process.version : spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    return { node: version, cli, runs, noiseBefore, noiseAfter, measurements, targets };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const f0 = (v: number) => Math.round(v).toString();
const range = (s: Stat) => `${f0(s.median)} ms (${f0(s.min)}–${f0(s.max)})`;
const noiseLine = (label: string, n: Noise) => `${label}: load ${n.loadavg.join(' / ')}; fixed CPU task ${f0(n.fixedTaskMs.median)} ms (${f0(n.fixedTaskMs.min)}–${f0(n.fixedTaskMs.max)})`;

/** The human-readable report: noise, one row per command, the targets as `PASS`/`FAIL` lines. */
export function cliStartReport(result: CliStartResult): string {
  const cpus = availableParallelism();
  const out = [
    `CLI start: node ${result.node}, ${result.cli}, ${result.runs} run(s) per command, ${cpus} CPU(s)`,
    noiseLine('noise before', result.noiseBefore),
    noiseLine('noise after ', result.noiseAfter),
  ];
  const load = Math.max(result.noiseBefore.loadavg[0]!, result.noiseAfter.loadavg[0]!);
  if (load > cpus) out.push(`WARNING: the 1-minute load reached ${load.toFixed(1)} on ${cpus} CPUs: wall times are inflated; compare the CPU column, or rerun on a quiet machine.`);
  for (const m of result.measurements) out.push(`  ${m.label.padEnd(24)}  ${m.cache.padEnd(18)}  wall ${range(m.wallMs)}${m.cpuMs ? `, CPU ${range(m.cpuMs)}` : ''}`);
  out.push('targets:');
  for (const t of result.targets) out.push(`  ${t.pass === undefined ? 'n/a ' : t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${t.value === undefined ? '–' : t.value.toFixed(2)} (target ${t.limit})`);
  return out.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const opt = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  try {
    const result = measureCliStart({ cli: opt('cli'), node: opt('node'), folder: opt('folder'), mixedFolder: opt('mixed-folder'), runs: opt('runs') === undefined ? undefined : Number(opt('runs')), limitSeconds: opt('limit') === undefined ? undefined : Number(opt('limit')) });
    if (argv.includes('--json')) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    (argv.includes('--json') ? process.stderr : process.stdout).write(`${cliStartReport(result)}\n`);
    if (result.targets.some((t) => t.pass === false) && !argv.includes('--report-only')) process.exitCode = 1;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
}
