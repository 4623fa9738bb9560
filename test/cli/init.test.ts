import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { initCommand, starterSettings } from '../../lib/cli/init.js';
import { dependencySource } from '../../lib/cli/init/dependency-source.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

const ROOT_PACKAGE = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../package.json'), 'utf8'));

describe('cdk8s-delivery init', () => {
  it('GIVEN an empty folder and --from a registry range THEN writes the starter, wired to that range, and exits 0', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'cdk8s-delivery-init-')), 'shop-platform');
    const c = capture();
    expect(await initCommand.run([dir, '--from', '^0.1.0'], c.io)).toBe(0);
    const files = (sub: string): string[] => readdirSync(path.join(dir, sub), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(sub, e.name)) : [path.join(sub, e.name)]));
    expect(files('').sort()).toEqual(['.github/workflows/platform.yaml', '.gitignore', 'apps/main.ts', 'cdk8s.yaml', 'package.json', 'tsconfig.json']);
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('shop-platform');
    expect(pkg.dependencies).toEqual({ 'cdk8s-delivery': '^0.1.0', cdk8s: ROOT_PACKAGE.peerDependencies.cdk8s, constructs: ROOT_PACKAGE.peerDependencies.constructs });
    // cdk8s.yaml: combined manifests go to a scratch folder, never dist/; the plugin is the installed CommonJS build
    const cdk8s = YAML.parse(readFileSync(path.join(dir, 'cdk8s.yaml'), 'utf8'));
    expect(cdk8s.output).toBe('.cdk8s.out');
    expect(cdk8s.validations).toEqual([{ package: './node_modules/cdk8s-delivery/build/cjs/plugin.cjs', version: ROOT_PACKAGE.version, class: 'DeliveryValidation' }]);
    expect(readFileSync(path.join(dir, '.gitignore'), 'utf8')).toContain('.cdk8s.out/');
    // apps/main.ts: imports only from the package entry
    const main = readFileSync(path.join(dir, 'apps/main.ts'), 'utf8');
    expect(main).toContain("from 'cdk8s-delivery'");
    expect(main).toContain('new StatelessService(');
    expect(main).toContain('new QueueWorker(');
    expect(main).not.toMatch(/from '\.\.?\//);
    // the workflow: install, synth, dist/ drift, validate, markdown diff on pull requests
    const workflow = YAML.parse(readFileSync(path.join(dir, '.github/workflows/platform.yaml'), 'utf8'));
    const run = workflow.jobs.platform.steps.map((s: { run?: string }) => s.run ?? '').join('\n');
    for (const step of ['npm ci', 'npm run synth', 'git status --porcelain -- dist', 'npm run validate', 'npx --no cdk8s-delivery diff --base "origin/${{ github.base_ref }}" --format markdown', 'gh pr comment']) expect(run).toContain(step);
    expect(workflow.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
  });

  it('GIVEN a folder with one of the files THEN writes nothing, names the file and exits 2', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cdk8s-delivery-init-'));
    mkdirSync(path.join(dir, 'apps'));
    writeFileSync(path.join(dir, 'apps/main.ts'), '// mine\n');
    const c = capture();
    expect(await initCommand.run([dir, '--name', 'shop'], c.io)).toBe(2);
    expect(c.err).toEqual([`error: ${path.join(dir, 'apps/main.ts')}: already exists (init never overwrites a file)`]);
    expect(readdirSync(dir)).toEqual(['apps']);
    expect(readFileSync(path.join(dir, 'apps/main.ts'), 'utf8')).toBe('// mine\n');
  });

  it('GIVEN a folder name that is no DNS label and no --name THEN a usage error names --name', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'cdk8s-delivery-init-')), '123');
    await expect(initCommand.run([dir], capture().io)).rejects.toThrow(/--name <platform>/);
  });

  it('takes the versions from the package itself', () => {
    const s = starterSettings('shop');
    expect([s.version, s.tools.tsx, s.tools.typescript, s.tools['cdk8s-cli']]).toEqual([ROOT_PACKAGE.version, ROOT_PACKAGE.devDependencies.tsx, ROOT_PACKAGE.devDependencies.typescript, ROOT_PACKAGE.devDependencies['cdk8s-cli']]);
  });
});

describe('init: the starter installs cdk8s-delivery the way init was obtained (issue 20)', () => {
  const base = { name: 'cdk8s-delivery', version: '0.1.0', env: {} };

  it('GIVEN `npx --package ./cdk8s-delivery-0.1.0.tgz cdk8s-delivery init shop` THEN the dependency is that tarball, relative to the new project', () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'cdk8s-delivery-src-'));
    writeFileSync(path.join(cwd, 'cdk8s-delivery-0.1.0.tgz'), '');
    const source = dependencySource({ ...base, env: { npm_config_package: './cdk8s-delivery-0.1.0.tgz' }, cwd, projectDir: path.join(cwd, 'shop'), packageDir: '/npx/cache/node_modules/cdk8s-delivery' });
    expect(source).toMatchObject({ spec: 'file:../cdk8s-delivery-0.1.0.tgz', registry: false });
  });

  it('GIVEN npx ran from its cache folder with no --package in the environment THEN the spec npx wrote there is rebased onto the new project', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'cdk8s-delivery-npx-'));
    const cache = path.join(root, 'cache');
    mkdirSync(path.join(cache, 'node_modules/cdk8s-delivery'), { recursive: true });
    writeFileSync(path.join(root, 'cdk8s-delivery-0.1.0.tgz'), '');
    writeFileSync(path.join(cache, 'package.json'), JSON.stringify({ dependencies: { 'cdk8s-delivery': 'file:../cdk8s-delivery-0.1.0.tgz' } }));
    const source = dependencySource({ ...base, cwd: '/elsewhere', projectDir: path.join(root, 'work/shop'), packageDir: path.join(cache, 'node_modules/cdk8s-delivery') });
    expect(source).toMatchObject({ spec: 'file:../../cdk8s-delivery-0.1.0.tgz', registry: false });
  });

  it('GIVEN a release URL or a git reference THEN it is written as given', () => {
    for (const spec of ['https://github.com/acme/cdk8s-delivery/releases/download/v0.1.0/cdk8s-delivery-0.1.0.tgz', 'github:acme/cdk8s-delivery#v0.1.0']) {
      expect(dependencySource({ ...base, env: { npm_config_package: spec }, cwd: '/', projectDir: '/p', packageDir: '/x/cdk8s-delivery' })).toMatchObject({ spec, registry: false });
    }
  });

  it('GIVEN init from the registry (cdk8s-delivery@0.1.0) THEN the registry range; GIVEN nothing known THEN ^version and it says so', () => {
    expect(dependencySource({ ...base, env: { npm_config_package: 'cdk8s-delivery@0.1.0' }, cwd: '/', projectDir: '/p', packageDir: '/x/cdk8s-delivery' })).toMatchObject({ spec: '0.1.0', registry: true });
    expect(dependencySource({ ...base, cwd: '/', projectDir: '/p', packageDir: '/repo' })).toMatchObject({ spec: '^0.1.0', registry: true });
  });

  it('GIVEN --from a tarball that does not exist THEN a usage error names it and --from', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'cdk8s-delivery-init-')), 'shop');
    await expect(initCommand.run([dir, '--from', './missing-0.1.0.tgz'], capture().io)).rejects.toThrow(/missing-0\.1\.0\.tgz, which does not exist: pass --from/);
  });

  it('GIVEN the starter THEN it emits what its comments say: in prod a canary gated by api-slo from the default SLOs, in dev a Deployment', async () => {
    const { execFileSync } = await import('node:child_process');
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'cdk8s-delivery-init-')), 'shop');
    expect(await initCommand.run([dir, '--from', '^0.1.0'], capture().io)).toBe(0);
    // The starter from source: the package entry and cdk8s resolved in this repository (the consumer tests run it installed).
    const repo = path.join(import.meta.dirname, '../..');
    const main = readFileSync(path.join(dir, 'apps/main.ts'), 'utf8')
      .replace("from 'cdk8s-delivery'", `from '${path.join(repo, 'lib/index.ts')}'`)
      .replace("from 'cdk8s'", `from '${createRequire(path.join(repo, 'package.json')).resolve('cdk8s')}'`);
    writeFileSync(path.join(dir, 'apps/main.ts'), main);
    execFileSync(process.execPath, [path.join(repo, 'node_modules/tsx/dist/cli.mjs'), 'apps/main.ts'], { cwd: dir, stdio: 'pipe' });
    const prod = path.join(dir, 'dist/shop/prod/api');
    const rollout = YAML.parse(readFileSync(path.join(prod, 'rollout-api.yaml'), 'utf8'));
    expect(rollout.spec.strategy.canary.steps.map((s: Record<string, unknown>) => Object.keys(s)[0])).toEqual(['setWeight', 'analysis', 'setWeight', 'analysis']);
    const template = YAML.parse(readFileSync(path.join(prod, 'analysistemplate-api-slo.yaml'), 'utf8'));
    expect(template.metadata.annotations).toMatchObject({ 'delivery.cdk8s.io/slo-success-rate': '0.995', 'delivery.cdk8s.io/slo-latency-p99-seconds': '0.5' });
    expect(readFileSync(path.join(dir, 'apps/main.ts'), 'utf8')).toContain('AnalysisTemplate api-slo, derived from the default SLOs (99.5 % success, p99 500 ms');
    expect(YAML.parse(readFileSync(path.join(dir, 'dist/shop/dev/api/deployment-api.yaml'), 'utf8')).spec.strategy.type).toBe('RollingUpdate');
  }, 120_000);
});
