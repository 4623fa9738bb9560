// Strict props (issue 20): a plain JavaScript app (no TypeScript to catch it) with a misspelt prop, a misspelt
// nested prop and a Migration with the `command` prop an earlier version had (replaced by `runner`) and without its
// required `migrationsDir`. The synth must fail naming each one, with the nearest
// valid prop, and leave dist/ as it was. Run from a consumer project with `node misspelt-props.mjs`.
import { App, Duration } from 'cdk8s';
import { Autoscaling, Environment, Migration, Platform, PostgresBackup, PostgresCluster, Probe, runSynth, StatelessService } from 'cdk8s-delivery';

await runSynth(() => {
  const app = new App();
  const shop = new Platform(app, 'shop', { environments: [Environment.dev(), Environment.prod()] });
  shop.forEachEnvironment((env) => {
    const db = new PostgresCluster(env, 'postgres', {
      image: `ghcr.io/cloudnative-pg/postgresql:17.5@sha256:${'c'.repeat(64)}`,
      storageSize: '10Gi',
      backup: PostgresBackup.none('consumer test'),
    });
    const api = new StatelessService(env, 'api', {
      image: `ghcr.io/shop/api@sha256:${'a'.repeat(64)}`,
      readinessProbe: Probe.httpGet('/readyz'),
      autoscalling: Autoscaling.horizontal({ minReplicas: 10, maxReplicas: 20 }),
      slo: { latencyP99: Duration.millis(250), latencyP99FailAbov: Duration.millis(500) },
    });
    new Migration(env, 'api-migrations', { database: db, release: api, command: ['api', 'migrate'] });
  });
  return app;
});
