// Issue 21: a contract release alone reads, in the review diff, as exactly that.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { formatText, semanticDiff } from '../../../lib/review/diff/index.js';
import { contractReleaseRepo } from './migration-release.js';

const NEW_API = `ghcr.io/acme/api@sha256:${'2'.repeat(64)}`;

describe('the review diff of a release that delivers SQL', () => {
  const alone = contractReleaseRepo();
  const withImage = contractReleaseRepo(NEW_API);
  afterAll(() => {
    rmSync(alone, { recursive: true, force: true });
    rmSync(withImage, { recursive: true, force: true });
  });

  it('GIVEN a contract migration shipped alone WHEN diffed THEN each environment shows the delivered file, that it is contract, and no image change: no risk flag', async () => {
    const report = await semanticDiff({ cwd: alone });
    const forEnv = (environment: string) => [
      {
        platform: 'shop', environment, unit: 'api-migrations', subject: 'migration 0002_drop_owner_name.sql', aspect: 'migration', field: 'new migration', after: 'contract (drop-column)',
        note: 'migrations/api/0002_drop_owner_name.sql; shipped alone, no image change in this release: safe by expand/contract', risks: [],
      },
      {
        platform: 'shop', environment, unit: 'api-migrations', subject: 'Job/api-migrate', aspect: 'migration', field: 'delivered SQL', before: '1 file',
        after: '2 files: + 0002_drop_owner_name.sql (contract)', note: 'migration-only release: no image change', risks: [],
      },
    ];
    expect(report.changes).toEqual([...forEnv('dev'), ...forEnv('prod')]);
    expect(formatText(report)).not.toContain('contract-migration');
  });

  it('GIVEN the same contract migration with a new api image WHEN diffed THEN it keeps the contract-migration flag, naming the image change', async () => {
    const report = await semanticDiff({ cwd: withImage });
    const prod = report.changes.filter((c) => c.environment === 'prod' && c.aspect === 'migration');
    expect(prod.map((c) => [c.field, c.note, c.risks.map((r) => r.flag)])).toEqual([
      ['new migration', 'migrations/api/0002_drop_owner_name.sql', ['contract-migration']],
      ['delivered SQL', 'with new images of Rollout/api', []],
    ]);
    expect(prod[0]!.risks[0]!.reason).toMatch(/^ships in the same release as new images of Rollout\/api: their old pods still run/);
  });
});
