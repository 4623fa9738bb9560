import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

interface PackResult {
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: readonly { readonly path: string }[];
}

let pack: PackResult;
beforeAll(() => {
  // `npm pack --dry-run` runs the prepack script (npm run build) first, as a real pack does.
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--silent'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  pack = (JSON.parse(out.slice(out.indexOf('['))) as PackResult[])[0]!;
}, 180_000);

describe('the npm package', () => {
  it('ships the build, the schemas, README, LICENSE and package.json: no source, test, bench or dist/ file', () => {
    const files = pack.files.map((f) => f.path).sort();
    const allowed = /^(build\/(esm|cjs|types)\/.+|schemas\/(crds|core)\.json|schemas\/inputs\.sha256|README\.md|LICENSE|package\.json)$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    expect(files.filter((f) => /^(test|bench|dist|lib|apps|imports|scripts)\//.test(f) || f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    for (const f of ['build/esm/index.js', 'build/esm/cli.js', 'build/esm/plugin.js', 'build/cjs/index.cjs', 'build/cjs/plugin.cjs', 'build/types/index.d.ts', 'build/types/index.d.ts.map', 'build/types/package.json', 'schemas/crds.json', 'schemas/core.json', 'README.md', 'LICENSE']) {
      expect(files).toContain(f);
    }
  });

  it('stays small: under 1 MB packed, under 4 MB unpacked', () => {
    expect(pack.size).toBeLessThan(1_000_000);
    expect(pack.unpackedSize).toBeLessThan(4_000_000);
  });

  it('points main, types, exports and bin at files it ships', () => {
    const files = new Set(pack.files.map((f) => f.path));
    const targets = [manifest.main, manifest.types, ...Object.values(manifest.bin as Record<string, string>), ...Object.values(manifest.exports as Record<string, string | Record<string, string>>).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e)))];
    expect(targets.map((t: string) => t.replace(/^\.\//, '')).filter((t: string) => !files.has(t))).toEqual([]);
    expect(Object.keys(manifest.exports['.'])).toEqual(['types', 'import', 'require']);
  });

  it('takes cdk8s and constructs as peers, pins every runtime dependency exactly, and needs no TypeScript loader', () => {
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['cdk8s', 'constructs']);
    expect(Object.keys(manifest.dependencies)).not.toEqual(expect.arrayContaining(['cdk8s']));
    for (const name of ['cdk8s', 'constructs', 'tsx', 'typescript']) expect(manifest.dependencies[name]).toBeUndefined();
    for (const [name, version] of Object.entries(manifest.dependencies as Record<string, string>)) expect(`${name}@${version}`).toMatch(/@\d+\.\d+\.\d+$/);
    const cli = readFileSync(path.join(ROOT, manifest.bin['cdk8s-delivery']), 'utf8');
    expect(cli.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(cli).not.toContain('tsx');
  });
});
