import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App } from 'cdk8s';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Environment } from '../../lib/core/environment.js';
import { Platform } from '../../lib/platform/platform.js';
import { Probe } from '../../lib/pod/probe.js';
import { runSynth } from '../../lib/synth/run.js';
import { formatFinding } from '../../lib/validation/finding.js';
import { StatelessService } from '../../lib/workloads/stateless-service.js';
import { DIGEST_IMAGE } from '../helpers.js';
import { budget } from '../load-budget.js';
import { BIN, type LauncherRun, ROOT, runProcess } from './launcher.js';

type Run = LauncherRun;

/**
 * Runs the real launcher. `unprivileged` makes file permissions apply even when the tests run as root
 * (as CI does): root's permission-override capabilities are dropped for the child (setpriv), so it
 * still reads the repository but is refused where a normal user would be.
 */
function cli(args: string[], options: { cwd?: string; unprivileged?: boolean; timeoutMs?: number } = {}): Promise<Run> {
  const [command, argv] = options.unprivileged && process.getuid?.() === 0
    ? ['setpriv', ['--bounding-set', '-dac_override,-dac_read_search', process.execPath, BIN, ...args]]
    : [process.execPath, [BIN, ...args]];
  // Budgets scale with the machine's load (test/load-budget.ts): 30 s is twice the slowest child at the baseline.
  return runProcess(command, argv, { cwd: options.cwd, env: { HOME: os.tmpdir() }, timeoutMs: budget(options.timeoutMs ?? 30_000) });
}

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = 0;
});

describe('validate as a hostile or unlucky user runs it (issue 13.4)', () => {
  it.concurrent('GIVEN a FIFO as the path WHEN validated THEN it exits 2 at once instead of hanging', { timeout: budget(60_000) }, async () => {
    // GIVEN nothing ever writes to the FIFO
    const fifo = path.join(tmp('fifo-'), 'manifests.yaml');
    execFileSync('mkfifo', [fifo]);
    // WHEN
    const result = await cli(['validate', fifo], { timeoutMs: 20_000 });
    // THEN
    expect(result).toEqual({ code: 2, stdout: '', stderr: `error: ${fifo}: is a FIFO (named pipe), not a manifest file or folder\n` });
  });

  it.concurrent('GIVEN a symlink to a privileged Pod and a .json Deployment in the folder WHEN validated THEN both are checked and it exits 1', { timeout: budget(60_000) }, async () => {
    // GIVEN
    const outside = tmp('outside-');
    fs.writeFileSync(path.join(outside, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: root, namespace: ops}\nspec:\n  containers: [{name: c, image: "r.example/c:1", securityContext: {privileged: true}}]\n');
    const dir = tmp('linked-');
    fs.symlinkSync(path.join(outside, 'pod.yaml'), path.join(dir, 'pod.yaml'));
    fs.writeFileSync(path.join(dir, 'cm.json'), JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ops' }, data: { a: 'b' } }));
    // WHEN
    const result = await cli(['validate', dir]);
    // THEN
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${dir}/pod.yaml: Pod/ops/root: spec.containers[0].securityContext.privileged = true`);
    expect(result.stdout.trim().split('\n').at(-1)).toMatch(/\(2 objects in 2 files\)$/);
  });
});

describe('messages (issue 13.8)', () => {
  it.concurrent('GIVEN a folder without the execute bit WHEN validated or linted by a normal user THEN each says permission denied, not "unexpected error"', { timeout: budget(60_000) }, async () => {
    // GIVEN folders that can be listed but not entered
    const root = tmp('noexec-');
    const manifests = path.join(root, 'manifests');
    const migrations = path.join(root, 'migrations');
    fs.mkdirSync(manifests);
    fs.mkdirSync(migrations);
    fs.writeFileSync(path.join(manifests, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n');
    fs.writeFileSync(path.join(migrations, '0001.sql'), 'SELECT 1;\n');
    fs.chmodSync(manifests, 0o644);
    fs.chmodSync(migrations, 0o644);
    // WHEN (without root's override of permissions)
    const [validate, lint] = await Promise.all([cli(['validate', manifests], { unprivileged: true }), cli(['lint-migrations', migrations], { unprivileged: true })]);
    // THEN
    expect(validate.code).toBe(2);
    expect(validate.stderr).toBe(`error: ${manifests}/cm.yaml: permission denied: check its read permission, and the execute (search) permission of every directory on its path\n`);
    expect(lint.code).toBe(2);
    expect(lint.stderr).toMatch(new RegExp(`^error: ${migrations}/0001.sql: cannot read the migration: permission denied \\(EACCES\\)`));
    expect(`${validate.stderr}${lint.stderr}`).not.toContain('unexpected error');
  });

  it.concurrent('GIVEN unreadable input for validate, lint-migrations and diff with JSON output WHEN run THEN all three print the one documented shape and exit 2', { timeout: budget(60_000) }, async () => {
    // GIVEN
    const missing = path.join(tmp('json-'), 'missing');
    // WHEN
    const runs = await Promise.all([
      cli(['validate', missing, '--json']),
      cli(['lint-migrations', missing, '--json']),
      cli(['diff', '--dir', missing, '--format', 'json']),
      cli(['validate', '--bogus', '--json']),
    ]);
    // THEN
    for (const run of runs) {
      expect(run.code).toBe(2);
      const document = JSON.parse(run.stdout);
      expect(Object.keys(document)).toEqual(['ok', 'exitCode', 'errors']);
      expect(document).toMatchObject({ ok: false, exitCode: 2 });
      expect(document.errors.length).toBeGreaterThan(0);
      for (const e of document.errors) expect(Object.keys(e)).toEqual(['location', 'message']);
    }
  });

  it.concurrent('GIVEN refs that look like options WHEN linted THEN git reads them as refs, never as options (--end-of-options)', { timeout: budget(60_000) }, async () => {
    // GIVEN a release ref whose name starts with a dash, and a ref that git would otherwise take as --output=<file>
    const dir = tmp('refs-');
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: dir });
    git('init', '-q');
    fs.mkdirSync(path.join(dir, 'migrations'));
    fs.writeFileSync(path.join(dir, 'migrations', '0001.sql'), "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\nCREATE TABLE IF NOT EXISTS t (id int);\n");
    git('add', '-A');
    git('commit', '-qm', 'first');
    git('update-ref', 'refs/heads/-release', 'HEAD');
    const target = path.join(dir, 'pwned');
    // WHEN
    const [dashed, output] = await Promise.all([
      cli(['lint-migrations', 'migrations', '--base=-release'], { cwd: dir }),
      cli(['lint-migrations', 'migrations', `--base=--output=${target}`], { cwd: dir }),
    ]);
    // THEN
    expect(dashed).toEqual({ code: 0, stdout: 'lint-migrations: no violations (1 migration, 0 new)\n', stderr: 'note: no --manifests (and no ./dist): workload images were not compared, so contract migrations were not checked against image changes\n' });
    expect(output.code).toBe(2);
    expect(output.stderr).toContain('unknown git ref "--output=');
    expect(fs.existsSync(target)).toBe(false);
  });

  it('GIVEN NaN and Infinity values WHEN a finding is formatted THEN they print as NaN and Infinity, not null', () => {
    expect(formatFinding({ location: 'a', field: 'f', value: { x: Number.NaN, y: [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY] }, rule: 'r/x', message: 'm', fix: 'f' }))
      .toBe('a: f = {"x":NaN,"y":[Infinity,-Infinity]}: m [r/x] Fix: f');
    expect(formatFinding({ location: 'a', field: 'replicas', value: Number.NaN, rule: 'r/x', message: 'm', fix: 'f' })).toBe('a: replicas = NaN: m [r/x] Fix: f');
  });

  it('GIVEN two workloads with one id, and a workload with an empty id WHEN synthesized THEN each is a finding with path, rule and fix, and nothing is written', async () => {
    // GIVEN
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...a) => { errors.push(a.join(' ')); });
    const outdir = path.join(tmp('ids-'), 'dist');
    const app = (id: string, twice: boolean) => () => {
      const root = new App();
      const env = new Platform(root, 'acme', { environments: [Environment.dev()] }).environments[0]!;
      const props = { image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/readyz') };
      new StatelessService(env, id, props);
      if (twice) new StatelessService(env, id, props);
      return root;
    };
    // WHEN
    await runSynth(app('api', true), { outdir });
    await runSynth(app('', false), { outdir });
    // THEN
    expect(errors[0]).toMatch(/^synth failed with 1 problem:\n {2}- test\/cli\/hardening\.test\.ts:\d+:\d+: id = "api": is already the id of another construct in environment "dev": .* \[construct\/duplicate-id\] Fix: give one of the two constructs another id/);
    expect(errors[2]).toMatch(/^synth failed with 1 problem:\n {2}- test\/cli\/hardening\.test\.ts:\d+:\d+: id = "": a construct was created with an empty id: .* \[construct\/empty-id\] Fix: pass a non-empty id/);
    expect(errors.join('\n')).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(outdir)).toBe(false);
  });

  it('GIVEN an exception thrown by the app\'s own code WHEN synthesized THEN the message names the file and line that threw, with no stack trace (issue 20)', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...a) => { errors.push(a.join(' ')); });
    const outdir = path.join(tmp('throws-'), 'dist');
    const line = new Error().stack!.split('\n')[1]!.match(/:(\d+):\d+\)?$/)![1];
    await runSynth(() => { throw new TypeError('config.replicas is not iterable'); }, { outdir });
    expect(errors[0]).toBe(`synth failed: config.replicas is not iterable (at test/cli/hardening.test.ts:${Number(line) + 1}:34)\ndist/ was left unchanged. (Set DEBUG=1 for the stack trace.)`.replace('dist/', `${outdir}/`));
  });

  it('GIVEN an app with problems WHEN run by `cdk8s synth` THEN the problem list is the last thing printed: no stack trace, exit code non-zero', { timeout: budget(120_000) }, async () => {
    // GIVEN a cdk8s project whose app fails
    const project = tmp('cdk8s-app-');
    fs.writeFileSync(path.join(project, 'package.json'), '{"type": "module"}\n');
    fs.writeFileSync(path.join(project, 'main.ts'), `import { App } from '${ROOT}/node_modules/cdk8s/lib/index.js';
import { runSynth } from '${ROOT}/lib/synth/run.js';
import { Environment } from '${ROOT}/lib/core/environment.js';
import { Platform } from '${ROOT}/lib/platform/platform.js';
import { StatelessService } from '${ROOT}/lib/workloads/stateless-service.js';
import { Probe } from '${ROOT}/lib/pod/probe.js';
void runSynth(() => {
  const app = new App();
  const env = new Platform(app, 'acme', { environments: [Environment.dev()] }).environments[0]!;
  new StatelessService(env, 'api', { image: 'ghcr.io/acme/api:latest', readinessProbe: Probe.httpGet('/readyz'), replicas: Number.NaN });
  return app;
}, { outdir: 'dist' });
`);
    fs.writeFileSync(path.join(project, 'cdk8s.yaml'), `language: typescript\napp: ${path.join(ROOT, 'node_modules/.bin/tsx')} main.ts\noutput: .cdk8s.out\n`);
    // WHEN
    const result = await runProcess(process.execPath, [path.join(ROOT, 'node_modules/cdk8s-cli/bin/cdk8s'), 'synth', '--no-check-upgrade'], { cwd: project });
    // THEN
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('synth failed with');
    expect(result.stderr).toContain('replicas = NaN');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(path.join(project, 'dist'))).toBe(false);
  });
});
