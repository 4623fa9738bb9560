import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { budget } from '../load-budget.js';

/**
 * Issue 26, defect 10: a TypeScript syntax error in the user's app printed esbuild's "Transform failed" with a stack
 * of esbuild's internals (tsx stops before the library runs). `init`'s synth script (and this repository's) runs
 * the app with the app-errors preload: one block naming file:line:column, exit 1.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const PRELOAD = path.join(ROOT, 'lib/synth/app-errors.ts');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cdk8s-delivery-app-errors-'));
  dirs.push(dir);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

async function run(cwd: string, preload = true): Promise<{ code: number; stderr: string }> {
  try {
    await promisify(execFile)(TSX, [...(preload ? ['--import', PRELOAD] : []), 'apps/main.ts'], { cwd, timeout: budget(60_000) });
    return { code: 0, stderr: '' };
  } catch (error) {
    const e = error as { code?: number; stderr?: string };
    return { code: e.code ?? -1, stderr: e.stderr ?? '' };
  }
}

describe('a syntax error in the app', () => {
  it('GIVEN apps/main.ts with a syntax error WHEN run as init\'s synth script runs it THEN one block with apps/main.ts:line:column, no stack, exit 1', async () => {
    const dir = project({ 'apps/main.ts': "import { App } from 'cdk8s';\n\nconst app = new App(;\n" });
    const bare = await run(dir, false);
    expect(bare.stderr).toMatch(/\n\s+at .*esbuild/); // what the user saw before
    const { code, stderr } = await run(dir);
    expect(code).toBe(1);
    expect(stderr.trim()).toBe([
      'synth failed: the app has a syntax error, so it did not run and its output was left unchanged:',
      '  - apps/main.ts:3:21: Unexpected ";"',
      'Fix the TypeScript above (`npx tsc --noEmit` lists every type error too).',
    ].join('\n'));
  }, budget(120_000));

  it('GIVEN the syntax error in a module the app imports THEN that module\'s file and line', async () => {
    const dir = project({ 'apps/main.ts': "import { build } from './platform.js';\nbuild();\n", 'apps/platform.ts': 'export function build() {\n  return { a: 1,, };\n}\n' });
    const { code, stderr } = await run(dir);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^ {2}- apps\/platform\.ts:2:\d+: /m);
    expect(stderr).not.toMatch(/^\s+at /m);
  }, budget(120_000));

  it('GIVEN this repository\'s synth script (package.json: tsx\'s ES module hooks only) THEN the same one block', async () => {
    // The script's node flags, each module resolved from the repository (the project has no node_modules).
    const script = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { synth: string } }).scripts.synth.split(' ');
    expect(script.slice(0, 3)).toEqual(['node', '--import', 'tsx/esm']);
    const resolve = (m: string) => pathToFileURL(m.startsWith('./') ? path.join(ROOT, m) : createRequire(path.join(ROOT, 'package.json')).resolve(m)).href;
    const args = script.slice(1).map((a, i, all) => (all[i - 1] === '--import' ? resolve(a) : a));
    // An ES module package, as this repository is ("type": "module": tsx's require hook is not there for CommonJS .ts).
    const dir = project({ 'package.json': '{ "type": "module" }\n', 'apps/main.ts': "import { App } from 'cdk8s';\n\nconst app = new App(;\n" });
    const error = await promisify(execFile)(process.execPath, args, { cwd: dir, timeout: budget(60_000) }).then(() => undefined, (e: { code?: number; stderr?: string }) => e);
    expect(error?.code).toBe(1);
    expect(error?.stderr?.trim()).toBe([
      'synth failed: the app has a syntax error, so it did not run and its output was left unchanged:',
      '  - apps/main.ts:3:21: Unexpected ";"',
      'Fix the TypeScript above (`npx tsc --noEmit` lists every type error too).',
    ].join('\n'));
  }, budget(120_000));

  it('GIVEN any other uncaught error THEN it is printed as Node prints it, with its stack, exit 1', async () => {
    const dir = project({ 'apps/main.ts': "setTimeout(() => { throw new RangeError('boom'); });\n" });
    const { code, stderr } = await run(dir);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^RangeError: boom\n\s+at /);
  }, budget(120_000));
});
