import { describe, expect, it } from 'vitest';
import { MigrationInputError, type ReleaseState, compareReleases, lintMigrations } from '../../../lib/migrations/checker/index.js';
import { TIMEOUTS, TempRepo, deployment, fixtureFiles, migrationsDir } from './helpers.js';

const HISTORY = fixtureFiles('history');
const CONTRACT = fixtureFiles('contract');
const RELEASE_4: ReleaseState = { migrations: Object.keys(HISTORY), images: { api: 'registry.example/api@sha256:4444', worker: 'registry.example/worker@sha256:4444' } };

describe('compareReleases', () => {
  it('GIVEN two release states WHEN compared THEN it lists new and removed migrations and the workloads whose image changed', () => {
    // GIVEN
    const previous: ReleaseState = { migrations: ['0001.sql', '0002.sql'], images: { api: 'api:1', worker: 'worker:1' } };
    const current: ReleaseState = { migrations: ['0001.sql', '0004.sql', '0003.sql'], images: { api: 'api:2', worker: 'worker:1', reports: 'reports:1' } };
    // WHEN
    const changes = compareReleases(previous, current);
    // THEN a new workload (reports) has no old pods, so it is not an image change
    expect(changes).toEqual({
      newMigrations: ['0003.sql', '0004.sql'],
      removedMigrations: ['0002.sql'],
      changedImages: [{ workload: 'api', previous: 'api:1', current: 'api:2' }],
    });
  });
});

describe('a contract migration and image changes in the same release (previous/current states)', () => {
  const dir = migrationsDir({ ...HISTORY, ...CONTRACT });
  // The new release's migrations are the files in dir; only its images are given.
  const current = (images: Record<string, string>) => ({ images });

  it('GIVEN the contract migration ships with a new api image WHEN linted THEN it is rejected at the marker', async () => {
    // GIVEN
    const images = { ...RELEASE_4.images, api: 'registry.example/api@sha256:5555' };
    // WHEN
    const { findings } = await lintMigrations(dir, { previous: RELEASE_4, current: current(images) });
    // THEN
    expect(findings).toEqual([
      {
        location: `${dir}/0004_drop_owner_name.sql:1:1`,
        field: 'release',
        value: ['api'],
        rule: 'migration/contract-with-image-change',
        message: 'contract migration 0004_drop_owner_name.sql ships in the same release as new images of api: their old pods still run during the rollout and may use what it removes',
        fix: 'ship the image change in one release and this contract migration alone in a later release, once no running pod uses the old shape',
      },
    ]);
  });

  it('GIVEN the contract migration ships alone (same images) WHEN linted THEN it is accepted and only the new file is linted', async () => {
    // WHEN
    const result = await lintMigrations(dir, { previous: RELEASE_4, current: current(RELEASE_4.images) });
    // THEN
    expect(result.findings).toEqual([]);
    expect(result.migrations.map((m) => `${m.name} new=${m.isNew} contract=${m.contract}`)).toEqual([
      '0001_create_accounts.sql new=false contract=false',
      '0002_index_ledger_account.sql new=false contract=false',
      '0003_add_display_name.sql new=false contract=false',
      '0004_drop_owner_name.sql new=true contract=true',
    ]);
  });

  it('GIVEN an unmarked migration whose contract statement is excused WHEN it ships with an image change THEN it is still a contract migration and rejected', async () => {
    // GIVEN
    const excused = migrationsDir({
      '0004.sql': `${TIMEOUTS}-- cdk8s-delivery:allow migration/contract-unmarked reason: unused since release 3\nALTER TABLE accounts DROP COLUMN IF EXISTS owner_name;\n`,
    });
    // WHEN
    const { findings } = await lintMigrations(excused, {
      previous: { migrations: [], images: { api: 'api:1' } },
      current: { images: { api: 'api:2' } },
    });
    // THEN reported at the contract statement, since there is no marker
    expect(findings.map(({ location, rule }) => `${location} ${rule}`)).toEqual([`${excused}/0004.sql:4:1 migration/contract-with-image-change`]);
  });
});

describe('against a git ref (--base)', () => {
  /** Release 4 committed: the history, the api Deployment and the migration hook Job. */
  function releasedRepo(): TempRepo {
    const repo = new TempRepo();
    repo.write(Object.fromEntries(Object.entries(HISTORY).map(([name, sql]) => [`db/migrations/${name}`, sql])));
    repo.write({
      'dist/bank/prod/api/deployment-api.yaml': deployment('api', 'registry.example/api@sha256:4444'),
      'dist/bank/prod/web/deployment-web.yaml': deployment('web', 'registry.example/web@sha256:4444'),
      'dist/bank/prod/api/job-api-migrate.yaml': deployment('api-migrate', 'registry.example/api@sha256:4444', { 'argocd.argoproj.io/hook': 'PreSync' }).replace('kind: Deployment', 'kind: Job'),
    });
    repo.commit('release 4');
    return repo;
  }

  it('GIVEN a new contract migration and a new api image since the ref WHEN linted THEN it is rejected', async () => {
    // GIVEN
    const repo = releasedRepo();
    repo.write({ 'db/migrations/0004_drop_owner_name.sql': CONTRACT['0004_drop_owner_name.sql'], 'dist/bank/prod/api/deployment-api.yaml': deployment('api', 'registry.example/api@sha256:5555') });
    // WHEN
    const { findings } = await lintMigrations(repo.path('db/migrations'), { base: 'HEAD', manifests: repo.path('dist') });
    // THEN
    expect(findings).toEqual([
      expect.objectContaining({
        location: `${repo.path('db/migrations')}/0004_drop_owner_name.sql:1:1`,
        rule: 'migration/contract-with-image-change',
        value: ['Deployment/bank-prod/api/app'],
      }),
    ]);
  });

  it('GIVEN only the hook Job image or an unrelated workload changed WHEN linted with the database users THEN the contract migration is accepted', async () => {
    // GIVEN the migration Job runs the new image (it always does), and web (which does not use this database) changed too
    const repo = releasedRepo();
    repo.write({
      'db/migrations/0004_drop_owner_name.sql': CONTRACT['0004_drop_owner_name.sql'],
      'dist/bank/prod/api/job-api-migrate.yaml': deployment('api-migrate', 'registry.example/api@sha256:5555', { 'argocd.argoproj.io/hook': 'PreSync' }).replace('kind: Deployment', 'kind: Job'),
      'dist/bank/prod/web/deployment-web.yaml': deployment('web', 'registry.example/web@sha256:5555'),
    });
    // WHEN
    const scoped = await lintMigrations(repo.path('db/migrations'), { base: 'HEAD', manifests: repo.path('dist'), workloads: ['api'] });
    const everyWorkload = await lintMigrations(repo.path('db/migrations'), { base: 'HEAD', manifests: repo.path('dist') });
    // THEN
    expect(scoped.findings).toEqual([]);
    expect(everyWorkload.findings.map((f) => f.value)).toEqual([['Deployment/bank-prod/web/app']]);
  });

  it('GIVEN shipped migrations were edited, reformatted, removed, or a new one sorts before them WHEN linted THEN the forward-only rules report it', async () => {
    // GIVEN
    const repo = releasedRepo();
    repo.write({
      // a real edit
      'db/migrations/0003_add_display_name.sql': `${TIMEOUTS}ALTER TABLE accounts ADD COLUMN IF NOT EXISTS display_name varchar(80);\n`,
      // comments and whitespace only: not an edit
      'db/migrations/0002_index_ledger_account.sql': `-- reworded\n${HISTORY['0002_index_ledger_account.sql'].replace(/\n\n/g, '\n')}`,
      'db/migrations/0000_early.sql': `${TIMEOUTS}SELECT 1;\n`,
    });
    repo.remove('db/migrations/0001_create_accounts.sql');
    const dir = repo.path('db/migrations');
    // WHEN
    const { findings } = await lintMigrations(dir, { base: 'HEAD' });
    // THEN
    expect(findings.map(({ location, rule, message }) => ({ location, rule, message }))).toEqual([
      {
        location: `${dir}/0000_early.sql:1:1`,
        rule: 'migration/out-of-order',
        message: 'new migration 0000_early.sql sorts before 0003_add_display_name.sql, which already shipped: databases that applied 0003_add_display_name.sql would run it out of order, or never',
      },
      {
        location: `${dir}/0001_create_accounts.sql:1:1`,
        rule: 'migration/applied-migration-removed',
        message: 'a migration that already shipped was removed: databases that applied it keep its changes, new databases never get them',
      },
      {
        location: `${dir}/0003_add_display_name.sql:1:1`,
        rule: 'migration/applied-migration-changed',
        message: 'a migration that already shipped was edited: databases that applied it never run the new version',
      },
    ]);
  });

  it('GIVEN a ref that does not exist WHEN linted THEN it rejects as unreadable input', async () => {
    // GIVEN
    const repo = releasedRepo();
    const dir = repo.path('db/migrations');
    // WHEN
    const error = await lintMigrations(dir, { base: 'release-99' }).catch((e: unknown) => e);
    // THEN
    expect(error).toBeInstanceOf(MigrationInputError);
    expect((error as MigrationInputError).problems).toEqual([{ location: dir, message: `unknown git ref "release-99" (or ${dir} is not in a git repository)` }]);
  });
});
