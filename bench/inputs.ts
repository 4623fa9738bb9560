/**
 * `npx tsx bench/inputs.ts`: how `validate` and `lint-migrations` scale with the size of their input, at
 * 1×, 10× and 100×, to show growth is linear (issue 13: a 250 000-key mapping and a 10 MB .sql file
 * never finished). Every measurement is a cold child process running the real command line
 * (bench/input-worker.ts), after one untimed warm-up; the median of `--runs` (default 3) is printed.
 *
 *   npx tsx bench/inputs.ts [--runs 3] [--max 100] [--series <name part>] [--json]
 *
 * Series:
 * - validate, one mapping: a ConfigMap whose `data` has 2 500 / 25 000 / 250 000 keys in one document
 *   (the YAML library's own duplicate-key check was quadratic in this);
 * - validate, many documents: 0.5 / 5 / 50 MB of Deployments and ConfigMaps in one file;
 * - lint-migrations: one .sql file of 0.1 / 1 / 10 MB (ALTER TABLE … ADD COLUMN and INSERT … ON CONFLICT,
 *   comments and multi-byte text), parsed, classified and checked by squawk.
 * "ms per added 1×" is the slope between two sizes: equal down a series means linear.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { machine } from './machine.js';

const ROOT = resolve(import.meta.dirname, '..');
const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1]! : fallback; };
const runs = Number(opt('runs', '3'));
const factors = [1, 10, 100].filter((f) => f <= Number(opt('max', '100')));
const only = opt('series', '');
const tmp = mkdtempSync(join(tmpdir(), 'cdk8s-delivery-inputs-'));

interface Sample { readonly wallMs: number; readonly ms: number; readonly cpuMs: number; readonly maxRssMiB: number; readonly code: number }

function measure(args: readonly string[]): Sample {
  const start = performance.now();
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/input-worker.ts'), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
  const wallMs = performance.now() - start;
  if (child.status !== 0) throw new Error(`worker failed: ${child.stderr.trim().split('\n')[0]}`);
  return { wallMs, ...JSON.parse(child.stdout.trim().split('\n').at(-1)!) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function wideMapping(keys: number): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: wide', '  namespace: shop', 'data:'];
  // Short keys, so 250 000 of them stay under the API server's 3 MiB and are parsed, not refused.
  for (let i = 0; i < keys; i++) lines.push(`  k${i.toString(36)}: v`);
  return `${lines.join('\n')}\n`;
}

function manyDocuments(bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const doc = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  namespace: shop
  labels: {app: app-${i}}
spec:
  replicas: 2
  selector: {matchLabels: {app: app-${i}}}
  template:
    metadata: {labels: {app: app-${i}}}
    spec:
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: app
          image: registry.example/app@sha256:${'a'.repeat(64)}
          securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
          resources: {requests: {cpu: 100m, memory: 128Mi}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: app-${i}, namespace: shop}
data:
  settings.json: '{"name": "app-${i}", "description": "naïve café ${'x'.repeat(300)}"}'
---
`;
    parts.push(doc);
    size += doc.length;
  }
  return parts.join('');
}

function sqlFile(bytes: number): string {
  const parts = ["SET lock_timeout = '2s';\nSET statement_timeout = '5min';\n"];
  let size = parts[0]!.length;
  for (let i = 0; size < bytes; i++) {
    const p = `-- add column ${i}\nALTER TABLE accounts ADD COLUMN IF NOT EXISTS c${i} text; /* é */\nINSERT INTO t (id, name) VALUES (${i}, 'naïve ${i}') ON CONFLICT DO NOTHING;\n`;
    parts.push(p);
    size += p.length;
  }
  return parts.join('');
}

interface Series { readonly name: string; readonly unit: string; readonly base: number; readonly make: (dir: string, size: number) => string[] }

const SERIES: Series[] = [
  { name: 'validate, one mapping', unit: 'keys', base: 2_500, make: (dir, keys) => { writeFileSync(join(dir, 'wide.yaml'), wideMapping(keys)); return ['validate', join(dir, 'wide.yaml')]; } },
  { name: 'validate, many documents', unit: 'bytes', base: 500_000, make: (dir, bytes) => { writeFileSync(join(dir, 'many.yaml'), manyDocuments(bytes)); return ['validate', join(dir, 'many.yaml')]; } },
  { name: 'lint-migrations', unit: 'bytes', base: 100_000, make: (dir, bytes) => { mkdirSync(join(dir, 'm')); writeFileSync(join(dir, 'm', '0001.sql'), sqlFile(bytes)); return ['lint-migrations', join(dir, 'm')]; } },
];

const fmtSize = (unit: string, n: number) => (unit === 'bytes' ? `${(n / 1e6).toFixed(1)} MB` : `${n.toLocaleString('en-US')} keys`);
const rows: { series: string; factor: number; size: string; code: number; wallMs: number; ms: number; cpuMs: number; maxRssMiB: number; marginalMs?: number; marginalCpuMs?: number }[] = [];
const dash = (n: number | undefined) => (n === undefined ? '–' : n.toFixed(0));
const loadBefore = loadavg()[0]!;
try {
  for (const series of SERIES.filter((s) => only === '' || s.name.includes(only))) {
    for (const factor of factors) {
      const dir = mkdtempSync(join(tmp, 'in-'));
      const args = series.make(dir, series.base * factor);
      if (factor === factors[0]) measure(args); // warm-up: tsx's cache, the page cache
      const samples = Array.from({ length: runs }, () => measure(args));
      const ms = median(samples.map((s) => s.ms));
      const cpuMs = median(samples.map((s) => s.cpuMs));
      const previous = rows.filter((r) => r.series === series.name).at(-1);
      rows.push({
        series: series.name, factor, size: fmtSize(series.unit, series.base * factor), code: samples[0]!.code,
        wallMs: median(samples.map((s) => s.wallMs)), ms, cpuMs,
        maxRssMiB: median(samples.map((s) => s.maxRssMiB)),
        marginalMs: previous ? (ms - previous.ms) / (factor - previous.factor) : undefined,
        marginalCpuMs: previous ? (cpuMs - previous.cpuMs) / (factor - previous.factor) : undefined,
      });
      process.stderr.write(`${series.name} ${factor}×: ${ms.toFixed(0)} ms\n`);
      rmSync(dir, { recursive: true, force: true });
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const m = machine();
if (argv.includes('--json')) {
  process.stdout.write(`${JSON.stringify({ date: new Date().toISOString(), machine: m, loadBefore, loadAfter: loadavg()[0], runs, rows }, null, 2)}\n`);
} else {
  const lines = [
    `input scaling (${m.cpus} cores, ${m.cpuModel}, node ${m.node}; 1-min load ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after; median of ${runs})`,
    '',
    '| command | × | input | exit | command ms | ms per added 1× | CPU ms | CPU ms per added 1× | wall ms (with start-up) | peak RSS MiB |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.series} | ${r.factor} | ${r.size} | ${r.code} | ${r.ms.toFixed(0)} | ${dash(r.marginalMs)} | ${r.cpuMs.toFixed(0)} | ${dash(r.marginalCpuMs)} | ${r.wallMs.toFixed(0)} | ${r.maxRssMiB.toFixed(0)} |`),
    '',
    '"ms per added 1×" is (time − time at the previous size) / (factor − previous factor): the cost of each',
    'further 1× of input once the fixed cost (schemas, parser and squawk start-up) is paid. Equal figures',
    'down a series mean linear growth; a quadratic step would multiply it by ~10 at each row. CPU time is',
    'this process\'s (squawk runs in a child process of its own); on a loaded machine it is the steadier figure.',
  ];
  for (const series of SERIES) {
    const mine = rows.filter((r) => r.series === series.name);
    if (mine.length >= 2) lines.push(`${series.name}: ${mine.at(-1)!.factor}× the input takes ${(mine.at(-1)!.ms / mine[0]!.ms).toFixed(1)}× the time`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
