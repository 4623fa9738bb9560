/**
 * `npx tsx bench/verify-migrations.ts [--runs 5] [--dir apps/bitvault/migrations/bitvaultd]`: what
 * `lint-migrations --verify` costs. Each run is a cold `cdk8s-delivery` process, as a user or CI runs it:
 *
 * - `lint`: `lint-migrations <dir>` (parser, classifier, squawk), the baseline;
 * - `verify, no cache`: `lint-migrations <dir> --verify` with `CDK8S_DELIVERY_PGLITE_CACHE=off`: the
 *   same plus PGlite's start-up with initdb in WebAssembly, the migrations applied, snapshotted after
 *   each statement, and applied a second time: a user's very first run;
 * - `verify, cached`: the same with the initdb cache warm (every later run).
 *
 * Then the phases of one in-process verification (`verifyMigrations` timings): PGlite with initdb,
 * from the cache, and from an in-memory dump (`pgliteFactory`: a synth with several histories, the
 * tests). Prints figures with the machine's load; asserts nothing.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readMigrationDirectory } from '../lib/migrations/checker/sql-file.js';
import { pgliteFactory, startPglite, verifyMigrations } from '../lib/migrations/verify/index.js';
import { machine, noise } from './machine.js';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1]! : fallback; };
const runs = Number(opt('runs', '5'));
const dir = opt('dir', 'apps/bitvault/migrations/bitvaultd');
const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/cdk8s-delivery.mjs');

const stat = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: Math.round(s[0]), median: Math.round(s[Math.floor(s.length / 2)]), max: Math.round(s[s.length - 1]) };
};
const show = (label: string, xs: number[]) => {
  const { min, median, max } = stat(xs);
  console.log(`${label.padEnd(44)} median ${String(median).padStart(6)} ms   min ${String(min).padStart(6)}   max ${String(max).padStart(6)}   (${xs.length} runs)`);
};

function cold(args: string[], env: Record<string, string> = {}): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`cdk8s-delivery ${args.join(' ')} exited ${r.status}: ${r.stdout}${r.stderr}`);
  return ms;
}

const m = machine();
console.log(`machine: ${JSON.stringify(m)}`);
console.log(`noise before: ${JSON.stringify(noise())}`);
console.log(`history: ${dir}`);
const lint: number[] = [];
const uncached: number[] = [];
const cached: number[] = [];
cold(['lint-migrations', dir, '--verify']); // warms the initdb cache
for (let r = 0; r < runs; r++) {
  lint.push(cold(['lint-migrations', dir]));
  uncached.push(cold(['lint-migrations', dir, '--verify'], { CDK8S_DELIVERY_PGLITE_CACHE: 'off' }));
  cached.push(cold(['lint-migrations', dir, '--verify']));
}
show('cold process: lint-migrations', lint);
show('cold process: --verify, no cache (initdb)', uncached);
show('cold process: --verify, cached initdb', cached);

const files = await readMigrationDirectory(dir);
const phases: Record<string, number[]> = {};
const record = (prefix: string, t: Record<string, number>) => {
  for (const [k, v] of Object.entries(t)) (phases[`${prefix} ${k}`] ??= []).push(v);
};
for (let r = 0; r < runs; r++) record('PGlite initdb:', (await verifyMigrations(dir, files, undefined, { engine: () => startPglite({ cacheDir: false }) })).timings as unknown as Record<string, number>);
for (let r = 0; r < runs; r++) record('PGlite cached:', (await verifyMigrations(dir, files, undefined, { engine: () => startPglite() })).timings as unknown as Record<string, number>);
const factory = pgliteFactory();
await (await factory()).close(); // the one initdb, outside the figures
for (let r = 0; r < runs; r++) record('PGlite from dump:', (await verifyMigrations(dir, files, undefined, { engine: factory })).timings as unknown as Record<string, number>);
for (const [label, xs] of Object.entries(phases)) show(`in-process ${label}`, xs);
console.log(`noise after: ${JSON.stringify(noise())}`);
