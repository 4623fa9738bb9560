import { App } from 'cdk8s';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Environment } from '../../lib/core/environment.js';
import { PostgresBackup } from '../../lib/data/postgres/postgres-backup.js';
import { PostgresCluster } from '../../lib/data/postgres/postgres-cluster.js';
import { Migration } from '../../lib/migrations/migration.js';
import { checkMigrations } from '../../lib/migrations/synth-check.js';
import { pgliteFactory } from '../../lib/migrations/verify/index.js';
import { Platform } from '../../lib/platform/platform.js';
import { Probe } from '../../lib/pod/probe.js';
import { synthesize } from '../../lib/synth/synthesizer.js';
import { StatelessService } from '../../lib/workloads/stateless-service.js';

/**
 * Issue 26, defect 2 at synth: a Migration whose SQL never ends made `npm run synth` hang. The synth's
 * verification runs within the same budget as `lint-migrations --verify`, shared by every history.
 */

const TIMEOUTS = "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\n";

describe('synth-time verification within a budget', () => {
  it('GIVEN a Migration with an endless loop WHEN the synth verifies it with a 2 s file budget THEN it stops with a synth error naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cdk8s-delivery-synth-budget-'));
    writeFileSync(join(dir, '0001_loop.sql'), `${TIMEOUTS}DO $$ BEGIN LOOP END LOOP; END $$;\n`);
    const app = new App();
    new Platform(app, 'shop', { environments: [Environment.dev(), Environment.prod()] }).forEachEnvironment((env) => {
      const db = new PostgresCluster(env, 'db', { image: `ghcr.io/cloudnative-pg/postgresql:17@sha256:${'b'.repeat(64)}`, storageSize: '10Gi', backup: PostgresBackup.none('test') });
      const api = new StatelessService(env, 'api', { image: `ghcr.io/acme/api@sha256:${'1'.repeat(64)}`, readinessProbe: Probe.httpGet('/readyz'), replicas: 10 });
      new Migration(env, 'api-migrations', { database: db, release: api, migrationsDir: dir });
    });
    const started = performance.now();
    const run = checkMigrations(app, synthesize(app), { engine: pgliteFactory(), baseRef: 'HEAD', outdir: join(dir, 'dist'), verifyBudget: { fileSeconds: 2 } });
    const findings = await run;
    // One verification per history, reported at every environment's Migration, naming the file.
    expect(findings.map((f) => [f.location, f.rule])).toEqual(['dev', 'prod'].map((env) => [`shop/${env}/api-migrations: ${join(dir, '0001_loop.sql')}`, 'migration/input']));
    expect(findings[0]!.message).toMatch(/^verification stopped: the migration ran past the budget of one file \(2 s/);
    // initdb included: well under a minute, where it never returned.
    expect(performance.now() - started).toBeLessThan(120_000);
  }, 180_000);
});
