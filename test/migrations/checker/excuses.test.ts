import { describe, expect, it } from 'vitest';
import { lintMigrations } from '../../../lib/migrations/checker/index.js';
import { TIMEOUTS, migrationsDir } from './helpers.js';

const DROP = 'ALTER TABLE accounts DROP COLUMN IF EXISTS owner_name;';
const INDEX = 'CREATE INDEX IF NOT EXISTS accounts_owner_idx ON accounts (owner_name);';

async function lint(sql: string) {
  const dir = migrationsDir({ '0001.sql': `${TIMEOUTS}${sql}\n` });
  return { dir, ...(await lintMigrations(dir)) };
}

describe('excuses (-- cdk8s-delivery:allow <rule> reason: <why>)', () => {
  it('GIVEN an excuse with a known rule and a reason right above the statement WHEN linted THEN the finding is waived and kept for review', async () => {
    // GIVEN / WHEN
    const { dir, findings, excused, migrations } = await lint(`-- cdk8s-delivery:allow migration/contract-unmarked reason: column unused since release 41\n${DROP}`);
    // THEN
    expect(findings).toEqual([]);
    expect(excused).toEqual([
      {
        finding: expect.objectContaining({ location: `${dir}/0001.sql:4:1`, rule: 'migration/contract-unmarked', field: 'drop-column' }),
        reason: 'column unused since release 41',
        excuse: `${dir}/0001.sql:3:1`,
      },
    ]);
    // AND the file still counts as a contract migration for the release rule
    expect(migrations[0].contract).toBe(true);
  });

  it('GIVEN an excuse naming a squawk rule WHEN linted THEN that squawk finding is waived', async () => {
    // GIVEN / WHEN
    const { findings, excused } = await lint(`-- cdk8s-delivery:allow squawk/require-concurrent-index-creation reason: lookup table with 12 rows\n${INDEX}`);
    // THEN
    expect(findings).toEqual([]);
    expect(excused.map((e) => e.finding.rule)).toEqual(['squawk/require-concurrent-index-creation']);
  });

  it('GIVEN an excuse without a reason WHEN linted THEN it is rejected and the finding stays', async () => {
    // GIVEN / WHEN
    const { dir, findings, excused } = await lint(`-- cdk8s-delivery:allow migration/contract-unmarked\n${DROP}`);
    // THEN
    expect(excused).toEqual([]);
    expect(findings.map(({ location, field, value, rule, message }) => ({ location, field, value, rule, message }))).toEqual([
      {
        location: `${dir}/0001.sql:3:1`,
        field: 'excuse',
        value: 'migration/contract-unmarked',
        rule: 'migration/excuse-missing-reason',
        message: 'the excuse for migration/contract-unmarked gives no reason, so it waives nothing',
      },
      {
        location: `${dir}/0001.sql:4:1`,
        field: 'drop-column',
        value: 'ALTER TABLE accounts DROP COLUMN IF EXISTS owner_name',
        rule: 'migration/contract-unmarked',
        message: expect.stringMatching(/^drop-column is a contract change/),
      },
    ]);
  });

  it('GIVEN an excuse with an empty reason WHEN linted THEN it is rejected like a missing one', async () => {
    // GIVEN / WHEN
    const { findings } = await lint(`-- cdk8s-delivery:allow migration/contract-unmarked reason:   \n${DROP}`);
    // THEN
    expect(findings.map((f) => f.rule)).toEqual(['migration/excuse-missing-reason', 'migration/contract-unmarked']);
  });

  it('GIVEN an excuse for an unknown rule WHEN linted THEN it is rejected and the finding stays', async () => {
    // GIVEN / WHEN
    const { dir, findings } = await lint(`-- cdk8s-delivery:allow contract/drop-column reason: column unused since release 41\n${DROP}`);
    // THEN
    expect(findings[0]).toEqual({
      location: `${dir}/0001.sql:3:1`,
      field: 'excuse',
      value: 'contract/drop-column',
      rule: 'migration/excuse-unknown-rule',
      message: 'the excuse names an unknown rule "contract/drop-column"',
      fix: 'name the rule exactly as the finding prints it (migration/… or squawk/…): write `-- cdk8s-delivery:allow <rule> reason: <why it is safe here>` right above the statement',
    });
    expect(findings.map((f) => f.rule)).toEqual(['migration/excuse-unknown-rule', 'migration/contract-unmarked']);
  });

  it('GIVEN an excuse for a release rule WHEN linted THEN it is rejected: release rules cannot be waived from inside the file', async () => {
    // GIVEN / WHEN
    const { findings } = await lint(`-- cdk8s-delivery:allow migration/contract-with-image-change reason: trust me\n${DROP}`);
    // THEN
    expect(findings[0]).toMatchObject({
      rule: 'migration/excuse-unknown-rule',
      message: 'migration/contract-with-image-change is checked per release or per file and cannot be excused from inside a migration',
    });
    // Issue 21: the fix says it cannot be excused, why, what to do, and what can be excused.
    expect(findings[0]!.fix).toBe('remove the excuse: migration/contract-with-image-change cannot be excused because it judges the release, not a statement: old pods of the changed images still run during the rollout and use what the contract removes. Ship the image change in one release and the contract migration alone in a later one; with the default runner (MigrationRunner.psql()) a commit that only adds the file is such a release. An excuse can waive only migration/concurrently-in-transaction, migration/contract-unmarked, migration/explicit-lock, migration/non-idempotent, migration/table-rewrite, migration/unbatched-backfill, migration/unclassifiable and every squawk/… rule');
  });

  it('GIVEN an excuse for a rule that does not fire on the statement below WHEN linted THEN it is reported as unused', async () => {
    // GIVEN / WHEN
    const { dir, findings } = await lint(`-- cdk8s-delivery:allow squawk/ban-drop-column reason: column unused since release 41\n${DROP}`);
    // THEN squawk/ban-drop-column is folded into migration/contract-unmarked, which the excuse should name
    expect(findings.map(({ location, rule, message }) => ({ location, rule, message }))).toEqual([
      {
        location: `${dir}/0001.sql:3:1`,
        rule: 'migration/unused-excuse',
        message: 'squawk/ban-drop-column does not fire on the statement below, so the excuse waives nothing (rules that fire there: migration/contract-unmarked)',
      },
      { location: `${dir}/0001.sql:4:1`, rule: 'migration/contract-unmarked', message: expect.any(String) },
    ]);
  });

  it('GIVEN an excuse that is not right above a statement WHEN linted THEN it waives nothing and is reported', async () => {
    // GIVEN an excuse trailing the statement on its line, and one at the end of the file
    const { dir, findings } = await lint(`${INDEX} -- cdk8s-delivery:allow squawk/require-concurrent-index-creation reason: small table\n-- cdk8s-delivery:allow migration/non-idempotent reason: nothing below`);
    // THEN
    expect(findings.map(({ location, rule, message }) => ({ location, rule, message }))).toEqual([
      { location: `${dir}/0001.sql:3:1`, rule: 'squawk/require-concurrent-index-creation', message: expect.any(String) },
      { location: `${dir}/0001.sql:3:${INDEX.length + 2}`, rule: 'migration/unused-excuse', message: 'the excuse for squawk/require-concurrent-index-creation is not right above a statement, so it waives nothing' },
      { location: `${dir}/0001.sql:4:1`, rule: 'migration/unused-excuse', message: 'the excuse for migration/non-idempotent is not right above a statement, so it waives nothing' },
    ]);
  });

  it('GIVEN an excuse above one statement WHEN the next statement breaks the same rule THEN only the first is waived', async () => {
    // GIVEN / WHEN
    const { dir, findings } = await lint(`-- cdk8s-delivery:allow migration/contract-unmarked reason: unused since release 41\n${DROP}\nALTER TABLE accounts DROP COLUMN IF EXISTS nickname;`);
    // THEN
    expect(findings.map(({ location, rule }) => `${location} ${rule}`)).toEqual([`${dir}/0001.sql:5:1 migration/contract-unmarked`]);
  });
});
