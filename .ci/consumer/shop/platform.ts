// The consumer tests' own platform, shaped like no reference platform: a shop with two canary services with SLOs,
// a blue-green storefront, a KEDA/NATS worker, Postgres with migrations, Redis and NATS, controllers and a Gateway
// in every environment (each environment is its own cluster with its own Argo CD, the Argo CD target's default),
// plain cdk8s-plus objects beside the workloads, a low-traffic service; delivered by Argo CD or by Flux
// (SHOP_GITOPS=flux). Written against the installed package's entry point only, as a platform team would.
// For the review-comment test, SHOP_SERVICES=N adds N more canary services with SLOs, and SHOP_RELEASE=2 changes
// every service's SLO (a looser abort line, fewer requests for a pass, restarts tolerated, excluded paths) as one pull request would.
import { App, Cron, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  Autoscaling,
  Environment,
  FluxGitRef,
  Gateway,
  GatewayClass,
  GatewayListener,
  GitOpsTarget,
  Migration,
  Nats,
  NetworkPeer,
  Platform,
  PlatformControllers,
  PostgresBackup,
  PostgresCluster,
  Probe,
  QueueWorker,
  Redis,
  Release,
  SecretKey,
  SmokeTestExpectation,
  StatelessService,
  WebFrontend,
} from 'cdk8s-delivery';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
// The images of orders, catalog, storefront and fulfilment per environment (issue 24): release.yaml at the project's
// root, changed with `cdk8s-delivery release set|promote` (.ci/consumer/run.sh takes it through a release).
const release = Release.fromFile(new URL('../release.yaml', import.meta.url));
const REPO = 'https://git.example.com/shop/platform.git';

export function shop(gitops: 'argocd' | 'flux' = (process.env.SHOP_GITOPS as 'argocd' | 'flux' | undefined) ?? 'argocd'): App {
  const app = new App();
  const platform = new Platform(app, 'shop', {
    environments: [Environment.dev(), Environment.staging(), Environment.prod()],
    gitops: gitops === 'flux' ? GitOpsTarget.flux({ url: REPO, ref: FluxGitRef.branch('main') }) : GitOpsTarget.argoCd({ repoURL: REPO, targetRevision: 'main' }),
  });
  platform.forEachEnvironment((env) => {
    const ns = env.targetNamespace;
    // Every environment is a cluster of its own: its controllers and its Gateway.
    new PlatformControllers(env, 'controllers', {});
    const envoy = new GatewayClass(env, 'envoy', { description: 'Envoy Gateway' });
    const gateway = new Gateway(env, 'public', {
      gatewayClassName: envoy.name,
      listeners: [GatewayListener.http({ hostname: '*.shop.example' }), GatewayListener.https({ hostname: '*.shop.example', certificateSecretName: 'shop-tls' })],
    });

    const db = new PostgresCluster(env, 'orders-db', {
      image: `ghcr.io/cloudnative-pg/postgresql:17.5@${digest('c')}`,
      storageSize: '20Gi',
      database: 'orders',
      owner: 'orders',
      backup: PostgresBackup.none('consumer test: no object store'),
    });
    new Redis(env, 'cache', { password: SecretKey.of('cache-auth', 'password'), storageSize: '4Gi' });
    const nats = new Nats(env, 'events', { storageSize: '10Gi' });

    const orders = new StatelessService(env, 'orders', {
      image: release.image(env, 'orders'),
      port: 8080,
      readinessProbe: Probe.httpGet('/healthz/ready'),
      autoscaling: Autoscaling.horizontal({ minReplicas: 2, maxReplicas: 8 }),
      trafficRouter: gateway.router({ hostnames: ['orders.shop.example'] }),
      secretEnv: { DATABASE_PASSWORD: SecretKey.of(db.appSecretName, 'password') },
      slo: { successRate: 0.995, latencyP99: Duration.millis(250) },
    });
    new StatelessService(env, 'catalog', {
      image: release.image(env, 'catalog'),
      port: 8080,
      readinessProbe: Probe.httpGet('/ready'),
      replicas: 3,
      trafficRouter: gateway.router({ hostnames: ['catalog.shop.example'] }),
      // A low-traffic service: 3 req/s of user traffic, so each analysis step takes longer to see enough requests.
      slo: { successRate: 0.99, latencyP99: Duration.millis(500), excludePaths: ['/metrics'], expectedRequestsPerSecond: 3, count: 7 },
    });
    new WebFrontend(env, 'storefront', {
      image: release.image(env, 'storefront'),
      port: 3000,
      readinessProbe: Probe.httpGet('/api/health'),
      replicas: 2,
      trafficRouter: gateway.router({ hostnames: ['www.shop.example'] }),
      blueGreen: { smokeTest: { path: '/api/health', expect: SmokeTestExpectation.jsonEquals('{$.status}', 'ok') } },
    });
    const fulfilment = new QueueWorker(env, 'fulfilment', {
      image: release.image(env, 'fulfilment'),
      // It marks orders shipped through the orders API: a path the network policies cannot derive.
      allowTo: [NetworkPeer.of(orders)],
      autoscaling: Autoscaling.natsJetStream({
        minReplicas: 1,
        maxReplicas: 4,
        monitoringEndpoint: `${nats.name}-headless.${ns}.svc.cluster.local:8222`,
        stream: 'ORDERS',
        consumer: 'fulfilment',
        lagThreshold: 50,
      }),
    });
    const release2 = process.env.SHOP_RELEASE === '2';
    for (let i = 1; i <= Number(process.env.SHOP_SERVICES ?? 0); i++) {
      new StatelessService(env, `svc-${String(i).padStart(2, '0')}`, {
        image: `ghcr.io/shop/svc-${i}@${digest('7')}`,
        port: 8080,
        readinessProbe: Probe.httpGet('/ready'),
        replicas: 2,
        trafficRouter: gateway.router({ hostnames: [`svc-${i}.shop.example`] }),
        slo: release2
          ? { successRate: 0.995, successRateFailBelow: 0.97, latencyP99: Duration.millis(500), minRequests: 50, maxRestarts: 2, excludePaths: ['/metrics', '/internal/batch'] }
          : { successRate: 0.995, latencyP99: Duration.millis(250) },
      });
    }
    new Migration(env, 'orders-migrations', { database: db, release: orders, migrationsDir: 'migrations', usedBy: [orders, fulfilment] });

    // Plain cdk8s-plus objects next to the workloads: a ConfigMap, a nightly CronJob and a small Deployment.
    new kplus.ConfigMap(env, 'feature-flags', { data: { checkout_v2: 'false' } });
    new kplus.CronJob(env, 'nightly-report', {
      schedule: Cron.schedule({ minute: '0', hour: '3' }),
      containers: [{ image: `ghcr.io/shop/reports@${digest('f')}`, args: ['nightly'], securityContext: { user: 1000 } }],
    });
    new kplus.Deployment(env, 'admin', {
      replicas: 1,
      containers: [{ image: `ghcr.io/shop/admin@${digest('9')}`, portNumber: 8080, securityContext: { user: 1000 } }],
    });
  });
  return app;
}
