import { App, Duration } from 'cdk8s';
import {
  Autoscaling,
  ConfigSource,
  Environment,
  EnvironmentChart,
  ExternalSecret,
  GitOpsTarget,
  Migration,
  Nats,
  NetworkPeer,
  ObjectStoreCredentials,
  OpenSearch,
  Platform,
  PlatformControllers,
  PostgresBackup,
  PostgresCluster,
  Probe,
  SmokeTestExpectation,
  QueueWorker,
  Redis,
  Release,
  SecretKey,
  StatelessService,
  TrafficRouter,
  WebFrontend,
} from '../../lib/index.js';

/**
 * The bitvault release file: per workload and environment, the image (by digest) and where it came from. Shipping
 * is a change of this file (`cdk8s-delivery release set|promote --file apps/bitvault/release.yaml`), rolling back a
 * `git revert` of it. The digests are placeholders of the right shape, not pullable images.
 */
export const BITVAULT_RELEASE = Release.fromFile(new URL('./release.yaml', import.meta.url));

/** What prod runs, per workload, as the release file records it. */
export const BITVAULT_IMAGES = BITVAULT_RELEASE.images('prod') as Readonly<Record<'gateway' | 'bitvaultd' | 'bitvault-web' | 'workers' | 'postgres', string>>;

/** The API server of each bitvault environment's cluster, as registered in the shared Argo CD. */
export const BITVAULT_CLUSTERS = {
  dev: 'https://dev.k8s.bitvault.example:6443',
  staging: 'https://staging.k8s.bitvault.example:6443',
  prod: 'https://prod.k8s.bitvault.example:6443',
} as const;

/** Options of the bitvault reference platform (tests use them to vary it). */
export interface BitvaultOptions {
  /** The release read. @default BITVAULT_RELEASE (apps/bitvault/release.yaml) */
  readonly release?: Release;
  /** A workload's prod image instead of the release's (tests vary a release with it). @default the release's */
  readonly images?: Partial<Record<keyof typeof BITVAULT_IMAGES, string>>;
}

/**
 * The "bitvault" reference platform from ../shared/seeds/deployment-strategy.txt, in dev, staging and
 * prod:
 * - platform (negative waves): namespace, Argo Rollouts (+ Gateway API plugin), KEDA, CloudNativePG;
 * - data (wave 0): Postgres (CloudNativePG, PITR backups), Redis, NATS JetStream, OpenSearch;
 * - migrations: bitvaultd's expand/contract SQL history, run as a PreSync hook Job before the apps;
 * - apps (positive waves): gateway and bitvaultd (canary + SLO analysis in prod), bitvault-web
 *   (blue-green in prod), workers (rolling everywhere, KEDA on NATS queue depth).
 */
export function bitvault(app: App, options: BitvaultOptions = {}): Platform {
  const release = options.release ?? BITVAULT_RELEASE;
  // Every image comes from the release file, per environment: dev, staging and prod move on their own.
  const image = (env: EnvironmentChart, workload: keyof typeof BITVAULT_IMAGES) => (env.environment.name === 'prod' && options.images?.[workload]) || release.image(env, workload);
  const platform = new Platform(app, 'bitvault', {
    environments: [Environment.dev(), Environment.staging(), Environment.prod()],
    // One Argo CD (in the management cluster) syncs the three environments, each on a cluster of its own
    // (registered in Argo CD under these API server URLs).
    gitops: GitOpsTarget.argoCd({
      repoURL: 'https://github.com/bitvault/platform.git',
      targetRevision: 'main',
      sharedArgoCd: true,
      destinationServers: BITVAULT_CLUSTERS,
    }),
  });

  platform.forEachEnvironment((env) => {
    const ns = env.targetNamespace;
    // Every cluster runs its own controllers; their Applications share Argo CD's namespace, so the names carry the environment.
    new PlatformControllers(env, 'controllers', { namePrefix: `${ns}-` });

    // Credentials come from the bitvault Vault through the External Secrets Operator (ClusterSecretStore `vault`):
    // the Secrets are created in wave −5, before the data services and apps that read them; no value is in Git.
    const vaultPath = (name: string) => `bitvault/${env.environment.name}/${name}`;
    const redisAuth = new ExternalSecret(env, 'redis-auth', { storeName: 'vault', data: { password: { key: vaultPath('redis'), property: 'password' } } });
    const opensearchAdmin = new ExternalSecret(env, 'opensearch-admin', { storeName: 'vault', data: { password: { key: vaultPath('opensearch'), property: 'admin-password' } } });
    const backupS3 = new ExternalSecret(env, 'postgres-backup-s3', {
      storeName: 'vault',
      data: { ACCESS_KEY_ID: { key: vaultPath('postgres-backup'), property: 'access-key-id' }, ACCESS_SECRET_KEY: { key: vaultPath('postgres-backup'), property: 'secret-access-key' } },
    });

    // Data services: operator-managed, wave 0, never a canary.
    const postgres = new PostgresCluster(env, 'postgres', {
      image: image(env, 'postgres'),
      storageSize: '50Gi',
      walStorageSize: '10Gi',
      resources: { cpuRequestMillis: 1000, memoryRequestMebibytes: 2048 },
      database: 'bitvault',
      owner: 'bitvault',
      backup: PostgresBackup.objectStore({
        destinationPath: 's3://bitvault-backups/postgres',
        credentials: ObjectStoreCredentials.s3({ secretName: backupS3.secretName }),
        retentionPolicy: '30d',
        schedule: '0 0 2 * * *',
      }),
      environments: {
        dev: { storageSize: '5Gi', backup: PostgresBackup.none('dev data is disposable; recreated from fixtures') },
      },
    });
    const redis = new Redis(env, 'redis', { password: redisAuth.key('password'), storageSize: '8Gi' });
    const nats = new Nats(env, 'nats', { storageSize: '20Gi' });
    new OpenSearch(env, 'opensearch', { adminPassword: opensearchAdmin.key('password'), storageSize: '100Gi' });

    const database = {
      DATABASE_HOST: `${postgres.readWriteServiceName}.${ns}.svc.cluster.local`,
      DATABASE_NAME: 'bitvault',
    };
    const databaseSecret = { DATABASE_PASSWORD: SecretKey.of(postgres.appSecretName, 'password') };

    // Traffic-serving stateless services: canary with SLO analysis in prod, rolling elsewhere.
    const gateway = new StatelessService(env, 'gateway', {
      image: image(env, 'gateway'),
      port: 8080,
      readinessProbe: Probe.httpGet('/readyz'),
      livenessProbe: Probe.httpGet('/livez', { periodSeconds: 10, failureThreshold: 6 }),
      resources: { cpuRequestMillis: 250, memoryRequestMebibytes: 256, memoryLimitMebibytes: 512 },
      autoscaling: Autoscaling.horizontal({ minReplicas: 3, maxReplicas: 12, cpuUtilizationPercent: 70 }),
      trafficRouter: TrafficRouter.gatewayApi({ gatewayName: 'public', gatewayNamespace: 'gateway-system', hostnames: ['api.bitvault.example'] }),
      // The gateway's rate limiter keeps its counters in Redis (through Sentinel); reading the Redis password is what
      // opens the path to Redis in the network policies.
      env: { RATE_LIMIT_REDIS_SENTINELS: `${redis.name}.${ns}.svc.cluster.local:26379`, RATE_LIMIT_REDIS_MASTER: 'mymaster' },
      secretEnv: { RATE_LIMIT_REDIS_PASSWORD: redisAuth.key('password') },
      config: [ConfigSource.files('routes', { 'routes.yaml': 'upstreams:\n  bitvaultd: bitvaultd:80\ntimeouts:\n  request: 10s\n' }, { mountPath: '/etc/gateway' })],
      // Latency lines on the OTel bucket boundaries (0.25 s, 0.5 s): between two boundaries the histogram
      // can only interpolate.
      slo: {
        successRate: 0.999,
        latencyP99: Duration.millis(250),
        latencyP99FailAbove: Duration.millis(500),
        cpuSaturationPassBelow: 0.8,
      },
    });

    const bitvaultd = new StatelessService(env, 'bitvaultd', {
      image: image(env, 'bitvaultd'),
      port: 9090,
      readinessProbe: Probe.grpc(),
      startupProbe: Probe.grpc({ failureThreshold: 30 }),
      resources: { cpuRequestMillis: 500, memoryRequestMebibytes: 512, memoryLimitMebibytes: 1024 },
      replicas: 4,
      env: database,
      secretEnv: databaseSecret,
      // The gateway forwards to bitvaultd (its routes.yaml): a path the network policies cannot derive.
      allowFrom: [NetworkPeer.of(gateway)],
      // bitvaultd drains long-lived gRPC streams: a longer grace period.
      terminationGracePeriodSeconds: 45,
      trafficRouter: TrafficRouter.gatewayApi({ gatewayName: 'internal', gatewayNamespace: 'gateway-system', hostnames: ['bitvaultd.bitvault.internal'] }),
      // p99 100 ms (an OTel bucket boundary; 150 ms fell inside the 0.1–0.25 s bucket), abort at 250 ms.
      // Abort at 0.2 % errors (4 × the budget): at ~0.5 errors per 2 m window a lower line is crossed by
      // one burst of 3 errors counted in two overlapping windows (simulate: 1 % false aborts at 0.1 %).
      slo: { successRate: 0.9995, successRateFailBelow: 0.998, latencyP99: Duration.millis(100), latencyP99FailAbove: Duration.millis(250) },
    });

    // The SSR web frontend: blue-green in prod (smoke test on the preview stack, instant rollback).
    new WebFrontend(env, 'bitvault-web', {
      image: image(env, 'bitvault-web'),
      port: 3000,
      readinessProbe: Probe.httpGet('/api/health'),
      resources: { cpuRequestMillis: 200, memoryRequestMebibytes: 384, memoryLimitMebibytes: 512 },
      autoscaling: Autoscaling.horizontal({ minReplicas: 2, maxReplicas: 8 }),
      trafficRouter: TrafficRouter.gatewayApi({ gatewayName: 'public', gatewayNamespace: 'gateway-system', hostnames: ['bitvault.example'] }),
      // The health document must say so: a 200 with {"status":"down"} is no pass.
      blueGreen: { smokeTest: { path: '/api/health', expect: SmokeTestExpectation.jsonEquals('{$.status}', 'ok') } },
    });

    // Workers: idempotent consumers, rolling everywhere, scaled by KEDA on NATS JetStream queue depth.
    const workers = new QueueWorker(env, 'workers', {
      image: image(env, 'workers'),
      resources: { cpuRequestMillis: 250, memoryRequestMebibytes: 256 },
      env: { ...database, NATS_URL: `nats://${nats.name}.${ns}.svc.cluster.local:4222` },
      secretEnv: databaseSecret,
      autoscaling: Autoscaling.natsJetStream({
        minReplicas: 2,
        // Only the consumer leader reports an accurate pending count (kedacore/keda#3860): stay conservative.
        maxReplicas: 10,
        monitoringEndpoint: `${nats.name}-headless.${ns}.svc.cluster.local:8222`,
        stream: 'BITVAULT_JOBS',
        consumer: 'workers',
        lagThreshold: 100,
        activationLagThreshold: 10,
      }),
    });

    // bitvaultd's schema: its SQL files travel with the manifests and psql (from the database's own image)
    // applies them before any app of the release syncs.
    new Migration(env, 'bitvaultd-migrations', {
      database: postgres,
      release: bitvaultd,
      migrationsDir: 'apps/bitvault/migrations/bitvaultd',
      usedBy: [bitvaultd, workers],
    });
  });
  return platform;
}
