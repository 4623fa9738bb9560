import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MigrationInputError } from '../../../lib/migrations/checker/index.js';
import { readTreeAtRef } from '../../../lib/migrations/checker/release-state.js';
import { TempRepo } from './helpers.js';

/** Puts a `git` first on PATH that logs its first argument to a file, then runs the real git; returns the log. */
function loggedGit(): () => string[] {
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'logged-git-'));
  const log = path.join(bin, 'log');
  fs.writeFileSync(path.join(bin, 'git'), `#!/bin/sh\necho "$1" >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
  process.env.PATH = `${bin}${path.delimiter}${process.env.PATH}`;
  return () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);
}

describe('readTreeAtRef', () => {
  const path0 = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path0;
  });

  function repo(): TempRepo {
    const r = new TempRepo();
    r.write({ 'db/0001_a.sql': 'CREATE TABLE a (id int);\n', 'db/0002_b.sql': 'CREATE TABLE b (id int);\n', 'db/notes/x.txt': 'x\n' });
    r.commit('two migrations');
    r.git('tag', 'v1');
    return r;
  }

  it('GIVEN a ref WHEN the folder is read THEN two git processes (ls-tree, cat-file): rev-parse is not run', async () => {
    const r = repo();
    const calls = loggedGit();
    const files = await readTreeAtRef('v1', r.path('db'), (p) => p.endsWith('.sql'));
    expect([...files]).toEqual([['0001_a.sql', 'CREATE TABLE a (id int);\n'], ['0002_b.sql', 'CREATE TABLE b (id int);\n']]);
    expect(calls()).toEqual(['ls-tree', 'cat-file']);
  });

  it('GIVEN a ref that does not exist, or one that is not a commit THEN rev-parse says why: an unknown ref', async () => {
    const r = repo();
    const dir = r.path('db');
    const tree = r.git('rev-parse', 'HEAD^{tree}').trim();
    for (const ref of ['release-99', tree, '--output=x']) {
      const error = await readTreeAtRef(ref, dir, () => true).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationInputError);
      expect((error as MigrationInputError).problems).toEqual([{ location: dir, message: `unknown git ref "${ref}" (or ${dir} is not in a git repository)` }]);
    }
    expect(fs.existsSync(path.join(dir, 'x'))).toBe(false);
  });
});
