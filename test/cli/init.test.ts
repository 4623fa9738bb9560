import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { initCommand, starterSettings } from '../../lib/cli/init.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

const ROOT_PACKAGE = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../package.json'), 'utf8'));

describe('cdk8s-delivery init', () => {
  it('GIVEN an empty folder THEN writes the starter, wired to the published package, and exits 0', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'cdk8s-delivery-init-')), 'shop-platform');
    const c = capture();
    expect(await initCommand.run([dir], c.io)).toBe(0);
    const files = (sub: string): string[] => readdirSync(path.join(dir, sub), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(sub, e.name)) : [path.join(sub, e.name)]));
    expect(files('').sort()).toEqual(['.github/workflows/platform.yaml', '.gitignore', 'apps/main.ts', 'cdk8s.yaml', 'package.json', 'tsconfig.json']);
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('shop-platform');
    expect(pkg.dependencies).toEqual({ 'cdk8s-delivery': `^${ROOT_PACKAGE.version}`, cdk8s: ROOT_PACKAGE.peerDependencies.cdk8s, constructs: ROOT_PACKAGE.peerDependencies.constructs });
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
    for (const step of ['npm ci', 'npm run synth', 'git status --porcelain -- dist', 'npx cdk8s-delivery validate dist', 'diff --base "origin/${{ github.base_ref }}" --format markdown', 'gh pr comment']) expect(run).toContain(step);
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
