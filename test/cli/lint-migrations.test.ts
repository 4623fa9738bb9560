import { describe, expect, it } from 'vitest';
import { ROOT, runLauncher } from './launcher.js';
import { TempRepo, deployment, fixtureFiles } from '../migrations/checker/helpers.js';

const FIXTURES = 'test/fixtures/migrations';

const cli = (args: string[], cwd = ROOT) => runLauncher(args, { cwd });

describe('cdk8s-delivery lint-migrations (the real bin)', () => {
  it.concurrent('GIVEN safe migrations WHEN linted THEN it prints a summary and exits 0', async () => {
    // WHEN
    const { code, stdout, stderr } = await cli(['lint-migrations', `${FIXTURES}/history`]);
    // THEN
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: 'lint-migrations: no violations (3 migrations, 3 new)\n', stderr: '' });
  });

  it.concurrent('GIVEN unsafe migrations WHEN linted THEN it prints one line per finding (location, kind, statement, why, rule, fix) and exits 1', async () => {
    // WHEN
    const { code, stdout } = await cli(['lint-migrations', `${FIXTURES}/unsafe`]);
    // THEN
    expect(code).toBe(1);
    expect(stdout.split('\n')).toEqual([
      `${FIXTURES}/unsafe/0001_unsafe.sql:4:1: drop-column = "ALTER TABLE accounts DROP COLUMN IF EXISTS owner_name": drop-column is a contract change in a migration not marked as one: the previous release still reads or writes the column while it runs next to the new one [migration/contract-unmarked] Fix: stop using the column in one release, then drop it in a later release, in a migration marked \`-- migration: contract\`, once no running version reads it: ALTER TABLE … DROP COLUMN IF EXISTS …`,
      `${FIXTURES}/unsafe/0001_unsafe.sql:5:1: create-index = "CREATE INDEX IF NOT EXISTS accounts_created_at_idx ON accounts (created_at)": During normal index creation, table updates are blocked, but reads are still allowed. [squawk/require-concurrent-index-creation] Fix: CREATE INDEX CONCURRENTLY IF NOT EXISTS … outside a transaction`,
      'lint-migrations: 2 violations (1 migration, 1 new)',
      '',
    ]);
  });

  it.concurrent('GIVEN --json WHEN linted THEN it prints the findings, migrations and classified statements as JSON', async () => {
    // WHEN
    const { code, stdout } = await cli(['lint-migrations', `${FIXTURES}/unsafe`, '--json']);
    // THEN
    const output = JSON.parse(stdout);
    expect(code).toBe(1);
    expect(output.ok).toBe(false);
    expect(output.findings.map((f: any) => `${f.location} ${f.rule}`)).toEqual([
      `${FIXTURES}/unsafe/0001_unsafe.sql:4:1 migration/contract-unmarked`,
      `${FIXTURES}/unsafe/0001_unsafe.sql:5:1 squawk/require-concurrent-index-creation`,
    ]);
    expect(output.statements.map((s: any) => `${s.kind} ${s.class} ${s.blocking}`)).toEqual(['set neutral false', 'set neutral false', 'drop-column contract false', 'create-index blocking true']);
    expect(output.migrations).toEqual([{ name: '0001_unsafe.sql', isNew: true, marker: 'expand', contract: true }]);
    expect(output.excused).toEqual([]);
  });

  it.concurrent('GIVEN SQL that does not parse WHEN linted THEN it prints the parser position without a stack trace and exits 2', async () => {
    // WHEN
    const human = await cli(['lint-migrations', `${FIXTURES}/unparsable`]);
    const json = await cli(['lint-migrations', `${FIXTURES}/unparsable`, '--json']);
    // THEN
    const error = `${FIXTURES}/unparsable/0002_typo.sql:4:3`;
    expect(human).toEqual({ code: 2, stdout: '', stderr: `error: ${error}: SQL does not parse: syntax error at or near "DROPP"\n` });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ ok: false, exitCode: 2, errors: [{ location: error, message: 'SQL does not parse: syntax error at or near "DROPP"' }] });
  });

  it.concurrent('GIVEN a missing directory or bad arguments WHEN run THEN it exits 2 with one message', async () => {
    // WHEN
    const missing = await cli(['lint-migrations', `${FIXTURES}/nope`]);
    const noDir = await cli(['lint-migrations']);
    // THEN
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(new RegExp(`^error: ${FIXTURES}/nope: cannot read the migrations directory: no such file or directory \\(ENOENT\\)\\n$`));
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toMatch(/^cdk8s-delivery lint-migrations: missing the migrations directory\n\nusage: cdk8s-delivery lint-migrations <dir>/);
  });

  it.concurrent('GIVEN --base in a repository with dist/ WHEN a contract migration ships with a new image THEN it exits 1, and 0 once the image is back', async () => {
    // GIVEN release 4 committed, then the contract migration and a new api image
    const repo = new TempRepo();
    repo.write({
      ...Object.fromEntries(Object.entries(fixtureFiles('history')).map(([name, sql]) => [`db/${name}`, sql])),
      'dist/bank/prod/api/deployment-api.yaml': deployment('api', 'registry.example/api@sha256:4444'),
    });
    repo.commit('release 4');
    repo.write({ 'db/0004_drop_owner_name.sql': fixtureFiles('contract')['0004_drop_owner_name.sql'], 'dist/bank/prod/api/deployment-api.yaml': deployment('api', 'registry.example/api@sha256:5555') });
    // WHEN (dist/ is the default --manifests when it exists)
    const withImage = await cli(['lint-migrations', 'db', '--base', 'HEAD'], repo.root);
    repo.write({ 'dist/bank/prod/api/deployment-api.yaml': deployment('api', 'registry.example/api@sha256:4444') });
    const alone = await cli(['lint-migrations', 'db', '--base', 'HEAD'], repo.root);
    const withoutManifests = await cli(['lint-migrations', '.', '--base', 'HEAD'], repo.path('db'));
    // THEN
    expect(withImage.code).toBe(1);
    expect(withImage.stdout).toContain('db/0004_drop_owner_name.sql:1:1: release = ["Deployment/bank-prod/api/app"]: contract migration 0004_drop_owner_name.sql ships in the same release as new images of Deployment/bank-prod/api/app');
    expect(alone).toEqual({ code: 0, stdout: 'lint-migrations: no violations (4 migrations, 1 new)\n', stderr: '' });
    // AND without manifests the image check cannot run, which the CLI says
    expect(withoutManifests.stderr).toBe('note: no --manifests (and no ./dist): workload images were not compared, so contract migrations were not checked against image changes\n');
  });
});
