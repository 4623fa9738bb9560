import { App, Duration } from 'cdk8s';
import {
  Certificate,
  Environment,
  EnvironmentChart,
  FluxGitRef,
  Gateway,
  GatewayClass,
  GatewayListener,
  GitOpsTarget,
  NetworkPolicies,
  Platform,
  PlatformControllers,
  Probe,
  Release,
  SmokeTestExpectation,
  StatelessService,
  Strategy,
  WebFrontend,
} from '../../lib/index.js';

/**
 * The homelab release file. One environment, so it is also the first: `cdk8s-delivery release set <workload>=<image>
 * --env prod --file apps/homelab/release.yaml` records a digest directly (there is no earlier environment to prove a
 * run in), and the file keeps the history that `git revert` rolls back to. The digests are placeholders of the right
 * shape, not pullable images.
 */
export const HOMELAB_RELEASE = Release.fromFile(new URL('./release.yaml', import.meta.url));

/** What the homelab runs, per workload, as the release file records it. */
export const HOMELAB_IMAGES = HOMELAB_RELEASE.images('prod') as Readonly<Record<'inference' | 'companions' | 'mlflow', string>>;

/** The domain the homelab's Gateway serves (a wildcard certificate covers its subdomains). */
export const HOMELAB_DOMAIN = 'homelab.example';

/** Options of the homelab reference platform (tests use them to vary it). */
export interface HomelabOptions {
  /** The release read. @default HOMELAB_RELEASE (apps/homelab/release.yaml) */
  readonly release?: Release;
  /** A workload's image instead of the release's (tests vary a release with it). @default the release's */
  readonly images?: Partial<Record<keyof typeof HOMELAB_IMAGES, string>>;
}

/**
 * The homelab from ../shared/seeds/adr-argo-rollouts-progressive-delivery.txt, delivered by Flux:
 * - platform: the namespace, the Argo Rollouts controller as the ADR installs it (chart `argo-rollouts` from the
 *   Argo HelmRepository, namespace `ci-cd`, one replica, dashboard on, CRDs CreateReplace; its Kustomization
 *   waits), and Envoy Gateway routing (a GatewayClass and the `homelab` Gateway, HTTP and HTTPS);
 * - apps: the AI inference endpoint as a canary with SLO analysis, the Companions frontend blue-green, and
 *   MLflow (an infrastructure service) on plain rolling updates.
 *
 * One environment, `prod`: a homelab is one cluster with one Flux, and the controllers, the GatewayClass and
 * the HTTPRoute RBAC are cluster-wide, so a second environment on the same cluster would have to leave them
 * out and could not test them anyway. KEDA and CloudNativePG are off: nothing here uses them.
 */
export function homelab(app: App, options: HomelabOptions = {}): Platform {
  const release = options.release ?? HOMELAB_RELEASE;
  const image = (env: EnvironmentChart, workload: keyof typeof HOMELAB_IMAGES) => options.images?.[workload] ?? release.image(env, workload);
  const platform = new Platform(app, 'homelab', {
    environments: [Environment.prod()],
    // Envoy Gateway runs the Gateway's proxies in its own namespace, not the Gateway's: they reach the apps from there.
    networkPolicies: NetworkPolicies.isolated({ ingressControllerNamespaces: ['envoy-gateway-system'] }),
    gitops: GitOpsTarget.flux({
      url: 'https://github.com/homelab/platform.git',
      ref: FluxGitRef.branch('main'),
      // An inference canary loads its model (up to 5 minutes) and runs two 5-minute analyses before it is
      // Healthy: the Kustomization waits that long before it reports a failure.
      timeout: Duration.minutes(25),
    }),
  });

  platform.forEachEnvironment((env) => {
    new PlatformControllers(env, 'controllers', {
      argoRollouts: { namespace: 'ci-cd' },
      keda: { enabled: false },
      cloudNativePg: { enabled: false },
    });

    // Envoy Gateway (installed with the cluster) programs this class; the Gateway terminates TLS with the
    // wildcard certificate cert-manager keeps in its Secret.
    // ADR-0045 (TLS certificate strategy): cert-manager issues the wildcard certificate; a wildcard needs the DNS-01
    // challenge, which the cluster's ClusterIssuer `letsencrypt-dns` answers.
    const wildcard = new Certificate(env, 'homelab-wildcard', { dnsNames: [HOMELAB_DOMAIN, `*.${HOMELAB_DOMAIN}`], issuerName: 'letsencrypt-dns' });
    const envoy = new GatewayClass(env, 'envoy-gateway', { description: 'Envoy Gateway (homelab ingress)' });
    const gateway = new Gateway(env, 'homelab', {
      gatewayClassName: envoy.name,
      listeners: [
        GatewayListener.http({ hostname: `*.${HOMELAB_DOMAIN}` }),
        GatewayListener.https({ hostname: `*.${HOMELAB_DOMAIN}`, certificateSecretName: wildcard.secretName }),
      ],
    });

    // The AI inference endpoint: canary 10% → analysis → 30% → analysis → 100% through the Gateway, aborted
    // when the model's answers fail or slow down. Inference is slow by nature: the SLO is seconds, not ms.
    new StatelessService(env, 'inference', {
      image: image(env, 'inference'),
      port: 8000,
      readinessProbe: Probe.httpGet('/health'),
      // Loading a model takes minutes: up to 5 of them (within the Rollout's 10-minute progress deadline)
      // before the probes judge the pod.
      startupProbe: Probe.httpGet('/health', { periodSeconds: 10, failureThreshold: 30 }),
      resources: { cpuRequestMillis: 2000, memoryRequestMebibytes: 8192, memoryLimitMebibytes: 12288 },
      replicas: 2,
      // Streams of generated tokens take long to finish: drain them before the pod stops.
      terminationGracePeriodSeconds: 120,
      trafficRouter: gateway.router({ hostnames: [`inference.${HOMELAB_DOMAIN}`] }),
      // Lines on the OTel bucket boundaries (5 s, 10 s): 4 s and 8 s fell inside buckets.
      // Abort at 1.5 % errors: at 2 % a 5 % 5xx canary (24 errors in 480 requests) escaped 1 trial in 100.
      slo: { successRate: 0.99, successRateFailBelow: 0.985, latencyP99: Duration.seconds(5), latencyP99FailAbove: Duration.seconds(10) },
    });

    // The Companions frontend: blue-green, green smoke-tested through the preview Service, then flipped.
    new WebFrontend(env, 'companions', {
      image: image(env, 'companions'),
      port: 3000,
      readinessProbe: Probe.httpGet('/api/health'),
      resources: { cpuRequestMillis: 200, memoryRequestMebibytes: 256, memoryLimitMebibytes: 512 },
      replicas: 2,
      trafficRouter: gateway.router({ hostnames: [`companions.${HOMELAB_DOMAIN}`] }),
      // The health document must say so: a 200 with {"status":"down"} is no pass.
      blueGreen: { smokeTest: { path: '/api/health', expect: SmokeTestExpectation.jsonEquals('{$.status}', 'ok') } },
    });

    // MLflow, an infrastructure service: low-risk releases on a plain rolling update in every environment.
    new StatelessService(env, 'mlflow', {
      image: image(env, 'mlflow'),
      port: 5000,
      readinessProbe: Probe.httpGet('/health'),
      resources: { cpuRequestMillis: 250, memoryRequestMebibytes: 512, memoryLimitMebibytes: 1024 },
      replicas: 2,
      trafficRouter: gateway.router({ hostnames: [`mlflow.${HOMELAB_DOMAIN}`] }),
      environments: Object.fromEntries(platform.environments.map((e) => [e.environment.name, { strategy: Strategy.rolling() }])),
    });
  });
  return platform;
}
