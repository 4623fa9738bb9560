// The consumer tests' app: what a platform team writes, importing only from the package entry.
import { App } from 'cdk8s';
import {
  Autoscaling,
  Environment,
  GitOpsTarget,
  Migration,
  MigrationRunner,
  Platform,
  PostgresBackup,
  PostgresCluster,
  Probe,
  QueueWorker,
  SecretKey,
  StatelessService,
} from 'cdk8s-delivery';

const digest = (n: string) => n.repeat(64);

export function platform(): App {
  const app = new App();
  const shop = new Platform(app, 'shop', {
    environments: [Environment.dev(), Environment.prod()],
    gitops: GitOpsTarget.argoCd({ repoURL: 'https://github.com/shop/platform.git', targetRevision: 'main' }),
  });
  shop.forEachEnvironment((env) => {
    const db = new PostgresCluster(env, 'postgres', {
      image: `ghcr.io/cloudnative-pg/postgresql:17.5@sha256:${digest('c')}`,
      storageSize: '10Gi',
      database: 'shop',
      owner: 'shop',
      backup: PostgresBackup.none('consumer test: no object store'),
    });
    const api = new StatelessService(env, 'api', {
      image: `ghcr.io/shop/api@sha256:${digest('a')}`,
      port: 8080,
      readinessProbe: Probe.httpGet('/readyz'),
      replicas: 10,
      secretEnv: { DATABASE_PASSWORD: SecretKey.of(db.appSecretName, 'password') },
    });
    const worker = new QueueWorker(env, 'worker', {
      image: `ghcr.io/shop/worker@sha256:${digest('b')}`,
      autoscaling: Autoscaling.horizontal({ minReplicas: 2, maxReplicas: 6 }),
    });
    new Migration(env, 'api-migrations', { database: db, release: api, runner: MigrationRunner.command(['api', 'migrate']), migrationsDir: 'migrations', usedBy: [api, worker] });
  });
  return app;
}
