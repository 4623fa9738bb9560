import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DiffInputError, semanticDiff } from '../../../lib/review/diff/index.js';
import { MIGRATIONS, releaseRepo } from './release-repo.js';

describe('semanticDiff (a git repository with two releases)', () => {
  // GIVEN HEAD = release 1; working tree = gateway digest bump, weaker prod analysis, migrations 0005 (expand) and 0006 (contract)
  const repo = releaseRepo();
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it('WHEN diffed against HEAD THEN it explains exactly the known changes, with their flags', async () => {
    // WHEN
    const report = await semanticDiff({ cwd: repo });
    // THEN
    const contract = { flag: 'contract-migration', reason: 'old pods still running during the rollout may use what it removes; ship it alone, after no running version uses the old shape' };
    const migrations = (environment: string) => [
      { platform: 'bitvault', environment, unit: 'bitvaultd-migrations', subject: 'migration 0005_add_accounts_email.sql', aspect: 'migration', field: 'new migration', after: 'expand', note: `${MIGRATIONS}/0005_add_accounts_email.sql`, risks: [] },
      { platform: 'bitvault', environment, unit: 'bitvaultd-migrations', subject: 'migration 0006_drop_accounts_display_name.sql', aspect: 'migration', field: 'new migration', after: 'contract (drop-column)', note: `${MIGRATIONS}/0006_drop_accounts_display_name.sql`, risks: [contract] },
    ];
    expect(report).toEqual({
      base: 'HEAD',
      dir: 'dist',
      changes: [
        ...migrations('dev'),
        ...migrations('prod'),
        { platform: 'bitvault', environment: 'prod', unit: 'gateway', subject: 'AnalysisTemplate/gateway-slo', aspect: 'analysis', field: 'metric success-rate failureLimit', before: '1', after: '3', risks: [{ flag: 'analysis-weakened', reason: 'failureLimit 1 → 3: more failed measurements are tolerated before the analysis fails' }] },
        { platform: 'bitvault', environment: 'prod', unit: 'gateway', subject: 'Rollout/gateway', aspect: 'image', field: 'image gateway', before: 'sha256:10cb0a0b2f05', after: 'sha256:ffffffffffff', note: 'ghcr.io/bitvault/gateway', risks: [] },
        ...migrations('staging'),
      ],
    });
  });

  it('WHEN given the migrations directory explicitly THEN the same two migrations are found', async () => {
    // WHEN
    const report = await semanticDiff({ cwd: repo, migrations: [MIGRATIONS] });
    // THEN
    expect(report.changes.filter((c) => c.aspect === 'migration' && c.environment === 'prod').map((c) => [c.subject, c.after])).toEqual([
      ['migration 0005_add_accounts_email.sql', 'expand'],
      ['migration 0006_drop_accounts_display_name.sql', 'contract (drop-column)'],
    ]);
  });

  it('GIVEN the prod rollout plan changed too THEN it is no change: only manifests (.yaml, .yml, .json) are compared', async () => {
    // GIVEN: the plan's diagram shows the gateway digest, so synth rewrote it
    const changedFiles = execFileSync('git', ['diff', '--name-only', 'HEAD', '--', 'dist'], { cwd: repo, encoding: 'utf8' }).trim().split('\n');
    expect(changedFiles).toEqual(['dist/bitvault/prod/ROLLOUT-PLAN.md', 'dist/bitvault/prod/gateway/analysistemplate-gateway-slo.yaml', 'dist/bitvault/prod/gateway/rollout-gateway.yaml']);
    // WHEN
    const report = await semanticDiff({ cwd: repo });
    // THEN
    expect(report.changes.filter((c) => c.aspect !== 'migration').map((c) => c.subject)).toEqual(['AnalysisTemplate/gateway-slo', 'Rollout/gateway']);
  });

  it('WHEN the ref is unknown or the folder is missing THEN DiffInputError names them as given', async () => {
    // WHEN / THEN
    await expect(semanticDiff({ cwd: repo, base: 'release-9' })).rejects.toEqual(new DiffInputError([{ location: 'dist', message: 'unknown git ref "release-9" (or dist is not in a git repository)' }]));
    await expect(semanticDiff({ cwd: repo, dir: 'missing' })).rejects.toBeInstanceOf(DiffInputError);
  });

  it('WHEN a manifest is not YAML THEN DiffInputError names the file and the position', async () => {
    // GIVEN
    const broken = join(repo, 'dist/bitvault/dev/broken.yaml');
    writeFileSync(broken, 'kind: [unclosed\n');
    try {
      // WHEN / THEN
      const error = await semanticDiff({ cwd: repo }).catch((e) => e);
      expect(error).toBeInstanceOf(DiffInputError);
      expect((error as DiffInputError).problems.map((p) => p.location)).toEqual(['working tree:bitvault/dev/broken.yaml:2:1']);
    } finally {
      rmSync(broken);
    }
  });
});
