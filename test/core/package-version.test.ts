import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installedPackage } from '../../lib/core/package-version.js';

describe('installedPackage', () => {
  it('GIVEN a resolved entry of an installed package whose exports hide its package.json THEN its name and version', () => {
    const entry = createRequire(import.meta.url).resolve('@bufbuild/cel');
    const manifest = createRequire(import.meta.url)('../../node_modules/@bufbuild/cel/package.json') as { version: string };
    expect(installedPackage(entry)).toEqual({ name: '@bufbuild/cel', version: manifest.version });
  });

  it('GIVEN a dist folder with a package.json of its own but no name or version THEN it walks past it; with a name, only that package counts', () => {
    const root = mkdtempSync(join(tmpdir(), 'package-version-'));
    mkdirSync(join(root, 'lib', 'dist', 'cjs'), { recursive: true });
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'outer', version: '9.9.9' }));
    writeFileSync(join(root, 'lib', 'package.json'), JSON.stringify({ name: 'lib', version: '1.2.3' }));
    writeFileSync(join(root, 'lib', 'dist', 'cjs', 'package.json'), JSON.stringify({ type: 'commonjs' }));
    const entry = join(root, 'lib', 'dist', 'cjs', 'index.js');
    expect(installedPackage(entry)).toEqual({ name: 'lib', version: '1.2.3' });
    expect(installedPackage(entry, 'outer')).toEqual({ name: 'outer', version: '9.9.9' });
    expect(installedPackage(entry, 'absent')).toBeUndefined();
  });
});
