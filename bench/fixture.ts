import { App, Duration } from 'cdk8s';
import { createHash } from 'node:crypto';
import {
  Autoscaling,
  ConfigSource,
  EnvironmentChart,
  Environment,
  Migration,
  Nats,
  ObjectStoreCredentials,
  Platform,
  PlatformControllers,
  PostgresBackup,
  PostgresCluster,
  Probe,
  QueueWorker,
  SecretKey,
  Singleton,
  StatelessService,
  TrafficRouter,
  WebFrontend,
} from '../lib/index.js';
import type { WorkloadBase } from '../lib/workloads/base/workload-base.js';

/** Options of {@link buildFixture}. */
export interface FixtureOptions {
  /** Number of services, over all platforms. */
  readonly services: number;
  /** Services per Platform: teams split a large estate into platforms of at most this many. @default 100 */
  readonly platformSize?: number;
  /** Mixed into every image digest; change it to simulate a release of every service. @default '' */
  readonly release?: string;
  /**
   * One service (its index) released with this digest seed instead: a one-service change, what an incremental synth
   * re-synthesizes. @default none
   */
  readonly changed?: { readonly service: number; readonly release: string };
  /**
   * The SQL migrations of every database. Outside a git repository (or not committed) they count as new,
   * so a synth lints them: a release that ships migrations. @default {@link MIGRATIONS_DIR}
   */
  readonly migrationsDir?: string;
}

/** The workload class of the i-th service: per block of 20, 11 stateless, 3 web, 5 workers, 1 singleton. */
export type ServiceClass = 'stateless' | 'web' | 'worker' | 'singleton';

/** The class of service number `i` (55 % stateless, 15 % web, 25 % workers, 5 % singletons). */
export function classOf(i: number): ServiceClass {
  const slot = i % 20;
  if (slot < 11) return 'stateless';
  if (slot < 14) return 'web';
  if (slot < 19) return 'worker';
  return 'singleton';
}

/** Services served by one PostgresCluster (and its Migration). */
export const SERVICES_PER_DATABASE = 50;

/** The SQL migrations every fixture database runs (relative to the repository root, where the bench runs). */
export const MIGRATIONS_DIR = 'bench/fixture-migrations';

/** A deterministic, well-formed image digest for a service and release. */
export function imageOf(service: string, release = ''): string {
  const digest = createHash('sha256').update(`${service}@${release}`).digest('hex');
  return `ghcr.io/bench/${service}@sha256:${digest}`;
}

/**
 * The scale fixture: `services` services split into platforms of at most `platformSize` (named
 * `team-01`, `team-02`, …), each in dev, staging and prod, built through the real constructs.
 *
 * Per platform and environment: one NATS (the workers' queue), and per 50 services one PostgresCluster
 * with its Migration (a PreSync Job released with the group's first service, used by all 50).
 * The first platform also carries the environment's PlatformControllers (Argo Rollouts, KEDA,
 * CloudNativePG are cluster singletons that one platform team installs, not every team).
 */
export function buildFixture(app: App, options: FixtureOptions): Platform[] {
  const size = Math.max(1, options.platformSize ?? 100);
  const platforms: Platform[] = [];
  for (let first = 0, p = 1; first < options.services; first += size, p++) {
    const count = Math.min(size, options.services - first);
    platforms.push(teamPlatform(app, `team-${String(p).padStart(2, '0')}`, first, count, p === 1, options));
  }
  return platforms;
}

function teamPlatform(app: App, name: string, first: number, count: number, withControllers: boolean, options: FixtureOptions): Platform {
  const release = options.release ?? '';
  const platform = new Platform(app, name, { environments: [Environment.dev(), Environment.staging(), Environment.prod()] });
  platform.forEachEnvironment((env) => {
    const ns = env.targetNamespace;
    if (withControllers) new PlatformControllers(env, 'controllers');
    const nats = new Nats(env, 'nats', { storageSize: '20Gi' });
    const databases: PostgresCluster[] = [];
    for (let d = 0; d * SERVICES_PER_DATABASE < count; d++) {
      databases.push(new PostgresCluster(env, `postgres-${d}`, {
        image: 'ghcr.io/cloudnative-pg/postgresql:17.5@sha256:c6ff736e1e5aacfff4be43dbe293901a3f351610a632e34ad668d5f5e06793f8',
        storageSize: '50Gi',
        walStorageSize: '10Gi',
        resources: { cpuRequestMillis: 1000, memoryRequestMebibytes: 2048 },
        database: `app${d}`,
        backup: PostgresBackup.objectStore({
          destinationPath: `s3://${name}-backups/postgres-${d}`,
          credentials: ObjectStoreCredentials.s3({ secretName: 'postgres-backup-s3' }),
          retentionPolicy: '30d',
          schedule: '0 0 2 * * *',
        }),
        environments: { dev: { storageSize: '5Gi', backup: PostgresBackup.none('dev data is disposable; recreated from fixtures') } },
      }));
    }
    for (const [d, database] of databases.entries()) {
      const users: WorkloadBase[] = [];
      for (let local = d * SERVICES_PER_DATABASE; local < Math.min(count, (d + 1) * SERVICES_PER_DATABASE); local++) {
        users.push(service(env, first + local, database, `${nats.name}-headless.${ns}.svc.cluster.local:8222`, options.changed?.service === first + local ? options.changed.release : release));
      }
      // The first service of the group owns the schema; every service of the group uses the database.
      new Migration(env, `postgres-${d}-migrations`, { database, release: users[0]!, migrationsDir: options.migrationsDir ?? MIGRATIONS_DIR, usedBy: users, name: `postgres-${d}-migrate` });
    }
  });
  return platform;
}

/** One service of the mix, with props varied the way real services differ. */
function service(env: EnvironmentChart, i: number, db: PostgresCluster, natsMonitoring: string, release: string): WorkloadBase {
  const name = `svc-${String(i).padStart(4, '0')}`;
  const image = imageOf(name, release);
  const ns = env.targetNamespace;
  const env_ = { DATABASE_HOST: `${db.readWriteServiceName}.${ns}.svc.cluster.local`, LOG_LEVEL: i % 3 === 0 ? 'debug' : 'info' };
  const secretEnv = { DATABASE_PASSWORD: SecretKey.of(db.appSecretName, 'password') };
  // Every fourth service follows a release candidate by tag in dev (tags are allowed in dev only).
  const environments = i % 4 === 0 ? { dev: { image: `ghcr.io/bench/${name}:1.${i % 10}.0-rc1` } } : undefined;
  const cpu = 100 + (i % 5) * 50;
  const memory = 128 * (1 + (i % 4));
  switch (classOf(i)) {
    case 'stateless':
      return new StatelessService(env, name, {
        image,
        port: 8080,
        readinessProbe: Probe.httpGet('/readyz'),
        livenessProbe: i % 2 === 0 ? Probe.httpGet('/livez', { periodSeconds: 10, failureThreshold: 6 }) : undefined,
        resources: { cpuRequestMillis: cpu, memoryRequestMebibytes: memory, memoryLimitMebibytes: memory * 2 },
        autoscaling: Autoscaling.horizontal({ minReplicas: 3, maxReplicas: 12, cpuUtilizationPercent: 70 }),
        trafficRouter: TrafficRouter.gatewayApi({ gatewayName: 'internal', gatewayNamespace: 'gateway-system', hostnames: [`${name}.bench.internal`] }),
        config: [i % 2 === 0
          ? ConfigSource.files('config', { 'app.yaml': `service: ${name}\ntimeouts:\n  request: 10s\n` }, { mountPath: '/etc/app' })
          : ConfigSource.env('settings', { FEATURE_FLAGS: `flag-${i % 7}`, REGION: 'eu-west-1' })],
        env: env_,
        secretEnv,
        slo: { successRate: 0.999, latencyP99: Duration.millis([100, 250, 500, 750, 1000][i % 5]!) },
        environments,
      });
    case 'web':
      return new WebFrontend(env, name, {
        image,
        port: 3000,
        readinessProbe: Probe.httpGet('/api/health'),
        resources: { cpuRequestMillis: cpu, memoryRequestMebibytes: 384, memoryLimitMebibytes: 512 },
        autoscaling: Autoscaling.horizontal({ minReplicas: 2, maxReplicas: 8 }),
        trafficRouter: TrafficRouter.gatewayApi({ gatewayName: 'public', gatewayNamespace: 'gateway-system', hostnames: [`${name}.bench.example`] }),
        blueGreen: { smokeTest: { path: '/api/health' } },
        environments,
      });
    case 'worker':
      return new QueueWorker(env, name, {
        image,
        resources: { cpuRequestMillis: cpu, memoryRequestMebibytes: memory },
        env: { ...env_, NATS_URL: `nats://nats.${ns}.svc.cluster.local:4222` },
        secretEnv,
        autoscaling: Autoscaling.natsJetStream({
          minReplicas: 1,
          maxReplicas: 10,
          monitoringEndpoint: natsMonitoring,
          stream: 'JOBS',
          consumer: name,
          lagThreshold: 100,
          activationLagThreshold: 10,
        }),
        environments,
      });
    case 'singleton':
      return new Singleton(env, name, {
        image,
        port: 8080,
        readinessProbe: Probe.httpGet('/readyz'),
        resources: { cpuRequestMillis: cpu, memoryRequestMebibytes: memory },
        env: env_,
        secretEnv,
        environments,
      });
  }
}
