/**
 * Cold start of the installed package vs the tsx-based start it replaces (a benchmark, not a test: it prints
 * figures). `npx tsx bench/cold-start.ts [runs]` (default 5 runs per figure).
 *
 * Packs the repository (npm pack: builds first), installs the tarball into a fresh project under /tmp (outside
 * the repository, no ../shared) and times, each in a new process:
 *   validate --help          the installed bin (compiled ESM)   vs  bin/cdk8s-delivery.mjs (tsx compiling lib/)
 *   validate <reference>     the same, over a copy of this repository's dist/ (schemas loaded, every object checked)
 *   init + first synth       `cdk8s-delivery init` + `npm run synth` of the starter (compiled library, the app run by
 *                            the starter's tsx)  vs  the same app importing lib/ from source through tsx
 * Wall time is the median (min–max) of the runs; CPU is user+system from /usr/bin/time. The machine is shared:
 * the load average is printed before and after.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.argv[2] ?? 5);

interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
}

function timed(command: string, args: readonly string[], cwd: string, expectStatus = 0): Sample {
  const started = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', command, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const wallMs = performance.now() - started;
  if (r.status !== expectStatus) throw new Error(`${command} ${args.join(' ')}: exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  const [user, system] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { wallMs, cpuMs: (user! + system!) * 1000 };
}

function summary(samples: readonly Sample[]): string {
  const wall = samples.map((s) => s.wallMs).sort((a, b) => a - b);
  const cpu = samples.map((s) => s.cpuMs).sort((a, b) => a - b);
  const median = (xs: number[]) => xs[Math.floor(xs.length / 2)]!;
  return `${median(wall).toFixed(0).padStart(6)} ms wall (${wall[0]!.toFixed(0)}–${wall.at(-1)!.toFixed(0)}), ${median(cpu).toFixed(0).padStart(5)} ms CPU`;
}

function repeat(run: () => Sample): Sample[] {
  return Array.from({ length: RUNS }, run);
}

const work = mkdtempSync('/tmp/cdk8s-delivery-cold-start-');
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`cold start, ${RUNS} runs per figure, node ${process.version}, work folder ${work}`);
console.log(`load average before: ${load()}`);

execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
const tarball = path.join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
const project = path.join(work, 'project');
cpSync(path.join(ROOT, '.ci/consumer/app/migrations'), path.join(project, 'migrations'), { recursive: true });
writeFileSync(path.join(project, 'package.json'), '{ "name": "cold-start", "version": "1.0.0", "private": true, "type": "module" }\n');
const install = timed('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, 'cdk8s', 'constructs', 'tsx@4.23.15'], project);
console.log(`npm install of the tarball with cdk8s, constructs, tsx: ${summary([install])} (once; npm cache warm)`);
const reference = path.join(work, 'reference-dist');
cpSync(path.join(ROOT, 'dist'), reference, { recursive: true });

const installedBin = path.join(project, 'node_modules/cdk8s-delivery/build/esm/cli.js');
const tsxBin = path.join(ROOT, 'bin/cdk8s-delivery.mjs');
const rows: [string, string, string][] = [];
const measure = (label: string, installed: () => Sample, tsx: () => Sample) => {
  repeat(installed); // warm the file cache once per figure: both sides then read from memory
  tsx();
  rows.push([label, summary(repeat(installed)), summary(repeat(tsx))]);
};

measure('validate --help', () => timed('node', [installedBin, 'validate', '--help'], project), () => timed('node', [tsxBin, 'validate', '--help'], ROOT));
measure('validate <reference dist/>', () => timed('node', [installedBin, 'validate', reference], project), () => timed('node', [tsxBin, 'validate', reference], ROOT));

// init + first synth: the starter in a fresh folder that shares the installed node_modules (no install timed).
let n = 0;
const initAndSynth = (): Sample => {
  const dir = path.join(work, `init-${n++}`);
  const init = timed('node', [installedBin, 'init', dir, '--name', 'shop'], work);
  cpSync(path.join(project, 'node_modules'), path.join(dir, 'node_modules'), { recursive: true, verbatimSymlinks: true });
  const synth = timed(path.join(dir, 'node_modules/.bin/tsx'), ['apps/main.ts'], dir);
  rmSync(dir, { recursive: true, force: true });
  return { wallMs: init.wallMs + synth.wallMs, cpuMs: init.cpuMs + synth.cpuMs };
};
// The same starter app, with the library loaded from lib/ through tsx (the start before the package was built).
execFileSync('node', [installedBin, 'init', path.join(work, 'source-starter'), '--name', 'shop'], { stdio: 'ignore' });
const sourceApp = path.join(ROOT, `.cold-start-app-${process.pid}.ts`);
writeFileSync(sourceApp, readFileSync(path.join(work, 'source-starter/apps/main.ts'), 'utf8').replace("from 'cdk8s-delivery'", "from './lib/index.js'"));
const fromSource = (): Sample => {
  const outdir = mkdtempSync(path.join(work, 'source-synth-'));
  const sample = timed(path.join(ROOT, 'node_modules/.bin/tsx'), [sourceApp], outdir);
  rmSync(outdir, { recursive: true, force: true });
  return sample;
};
try {
  measure('init + first synth (starter)', initAndSynth, fromSource);
} finally {
  rmSync(sourceApp, { force: true });
}

console.log('');
console.log(`${'figure'.padEnd(30)}  ${'installed package (compiled)'.padEnd(44)}  tsx-based start (lib/ from source)`);
for (const [label, installed, tsx] of rows) console.log(`${label.padEnd(30)}  ${installed.padEnd(44)}  ${tsx}`);
console.log(`\nload average after: ${load()} (2 cores shared with other work: compare the columns, not runs on different days)`);
rmSync(work, { recursive: true, force: true });
