import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesize } from '../../../lib/synth/synthesizer.js';
import { writeAtomically } from '../../../lib/synth/writer.js';
import { API_IMAGE, shopWith } from '../../migrations/runner/job-runner.js';

const TIMEOUTS = "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\n";
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', '-c', 'commit.gpgsign=false', ...args], { cwd, stdio: 'pipe' });

/** The migrations folder of the api, inside the fixture repository. */
export const API_MIGRATIONS = 'migrations/api';

/**
 * A git repository whose HEAD shipped the api (dev and prod) with an expand migration, and whose working tree
 * is the next release, synthesized: the contract migration `0002_drop_owner_name.sql`, and the api image
 * `image` (the same as before: a contract release alone).
 */
export function contractReleaseRepo(image = API_IMAGE): string {
  const repo = mkdtempSync(join(tmpdir(), 'diff-contract-'));
  git(repo, 'init', '-q', '-b', 'main');
  const dir = join(repo, API_MIGRATIONS);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '0001_accounts.sql'), `${TIMEOUTS}CREATE TABLE IF NOT EXISTS accounts (id bigint PRIMARY KEY, owner_name text, display_name text);\n`);
  writeAtomically(synthesize(shopWith(dir)), join(repo, 'dist'));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'release 1');
  writeFileSync(join(dir, '0002_drop_owner_name.sql'), `-- migration: contract\n${TIMEOUTS}ALTER TABLE accounts DROP COLUMN IF EXISTS owner_name;\n`);
  writeAtomically(synthesize(shopWith(dir, image)), join(repo, 'dist'));
  return repo;
}
