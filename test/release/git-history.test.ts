import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatRelease, ReleaseFileState } from '../../lib/index.js';
import { readBlobs, ReleaseGitHistory } from '../../lib/release/git-history.js';
import { proofCommits } from '../../lib/release/release-operations.js';
import { git, image } from './release-repo.js';

const state = (dev: string, prod?: { image: string; commit?: string; from?: string }): ReleaseFileState => ({
  platform: 'shop',
  environments: ['dev', 'prod'],
  workloads: { api: { dev: { image: dev, since: '2026-12-01T10:00:00Z', history: [] }, ...(prod ? { prod: { since: '2026-12-02T10:00:00Z', history: [], ...prod } } : {}) } },
});

/** A repository whose release.yaml is committed twice (api 1, then api 2), then replaced by a folder of that name. */
function repository(): { repo: string; file: string; first: string; second: string; folder: string; before: string } {
  const repo = mkdtempSync(path.join(tmpdir(), 'git-history-'));
  git(repo, 'init', '-q');
  writeFileSync(path.join(repo, 'README.md'), 'no release file yet: «ü»\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'before');
  const before = git(repo, 'rev-parse', 'HEAD').trim();
  const file = path.join(repo, 'release.yaml');
  const commit = (s: ReleaseFileState) => {
    writeFileSync(file, formatRelease(s));
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'release');
    return git(repo, 'rev-parse', 'HEAD').trim();
  };
  const first = commit(state(image('api', '1')));
  const second = commit(state(image('api', '2')));
  rmSync(file);
  mkdirSync(file);
  writeFileSync(path.join(file, 'x'), 'a folder now\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'folder');
  const folder = git(repo, 'rev-parse', 'HEAD').trim();
  // The history is of the file as it was: put it back (uncommitted) for ReleaseGitHistory.of to find.
  rmSync(file, { recursive: true });
  writeFileSync(file, formatRelease(state(image('api', '2'))));
  return { repo, file, first, second, folder, before };
}

describe('ReleaseGitHistory', () => {
  const path0 = process.env.PATH;
  afterEach(() => {
    process.env.PATH = path0;
  });

  it('GIVEN proof commits THEN prefetch reads them in one git process and stateAt answers as git show does, without git', () => {
    const { file, first, second, folder, before } = repository();
    const unknown = 'f'.repeat(40);
    const commits = [first, second, before, unknown, folder, first.slice(0, 12)];
    // The answers of stateAt alone: a `git show` per commit.
    const expected = commits.map((c) => ReleaseGitHistory.of(file)!.stateAt(c));
    expect(expected[0]?.workloads.api?.dev?.image).toBe(image('api', '1'));
    expect(expected[1]?.workloads.api?.dev?.image).toBe(image('api', '2'));
    expect(expected[2]).toBeUndefined(); // no release file in that commit
    expect(expected[3]).toBeUndefined(); // no such commit in the clone
    expect(expected[4]).toBeNull(); // a folder: `git show` lists it, which does not parse
    expect(expected[5]?.workloads.api?.dev?.image).toBe(image('api', '1')); // a short id

    const history = ReleaseGitHistory.of(file)!;
    history.prefetch(commits);
    // The folder is left to git show: without git, only it changes (undefined, as for a commit not in the clone).
    process.env.PATH = '';
    const answers = commits.map((c) => history.stateAt(c));
    expect(answers).toEqual([...expected.slice(0, 4), undefined, expected[5]]);
  });

  it('GIVEN specs THEN readBlobs returns each file\'s text byte for byte, null for what is missing, and leaves out folders', () => {
    const { repo, first, folder, before } = repository();
    const blobs = readBlobs(repo, [`${before}:README.md`, `${first}:release.yaml`, `${before}:release.yaml`, `${'0'.repeat(40)}:release.yaml`, `${folder}:release.yaml`, 'a\nb']);
    expect(blobs.get(`${before}:README.md`)).toBe('no release file yet: «ü»\n');
    expect(blobs.get(`${first}:release.yaml`)).toBe(formatRelease(state(image('api', '1'))));
    expect(blobs.get(`${before}:release.yaml`)).toBeNull();
    expect(blobs.get(`${'0'.repeat(40)}:release.yaml`)).toBeNull();
    expect(blobs.has(`${folder}:release.yaml`)).toBe(false);
    expect(blobs.has('a\nb')).toBe(false);
    expect(readBlobs(path.join(tmpdir()), [`${first}:release.yaml`]).size).toBe(0); // not in a repository: nothing
  });
});

describe('proofCommits', () => {
  it('GIVEN records THEN only the commits promotionViolations checks against git: promoted from the previous environment, not bypassed', () => {
    expect(proofCommits(state(image('api', '1'), { image: image('api', '1') }))).toEqual([]);
    expect(proofCommits(state(image('api', '1'), { image: image('api', '1'), from: 'dev', commit: 'a'.repeat(40) }))).toEqual(['a'.repeat(40)]);
    expect(proofCommits(state(image('api', '1'), { image: image('api', '1'), from: 'staging', commit: 'a'.repeat(40) }))).toEqual([]);
    expect(proofCommits(state(image('api', '1'), { image: image('api', '1'), from: 'dev', commit: 'a'.repeat(40), bypass: 'hotfix' } as never))).toEqual([]);
    expect(proofCommits({ ...state(image('api', '1')), workloads: { api: { dev: { image: image('api', '1'), since: '2026-12-01T10:00:00Z', from: 'x', commit: 'b'.repeat(40), history: [] } } } })).toEqual([]);
  });
});
