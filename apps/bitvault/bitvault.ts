import { App, Duration } from 'cdk8s';
import {
  Autoscaling,
  Environment,
  Platform,
  Probe,
  StatelessService,
  TrafficRouter,
} from '../../lib/index.js';

/** Release digests of the bitvault images (what CI pushed; bumping one is a one-line change). */
export const BITVAULT_IMAGES = {
  gateway: 'ghcr.io/bitvault/gateway@sha256:10cb0a0b2f05e025519b7df660a0c82d43090bd21e876c822257342449d0dbde',
  gatewayNext: 'ghcr.io/bitvault/gateway@sha256:ee9baaeac199c6167c7bbb10477d11870b9e2e74219ce6eb97ac84aaaee05f9b',
  bitvaultd: 'ghcr.io/bitvault/bitvaultd@sha256:3b0ac7bc928d32699f03eeef6f7629a4c4585e6e4bbee5474ae503a6e9127f72',
} as const;

/** Options of the bitvault reference platform (tests use them to vary it). */
export interface BitvaultOptions {
  readonly images?: Partial<Record<keyof typeof BITVAULT_IMAGES, string>>;
}

/**
 * The "bitvault" reference platform from ../shared/seeds/deployment-strategy.txt: gateway and bitvaultd
 * are traffic-serving stateless services, canaried with SLO analysis in prod and rolled in dev/staging.
 */
export function bitvault(app: App, options: BitvaultOptions = {}): Platform {
  const images = { ...BITVAULT_IMAGES, ...options.images };
  const platform = new Platform(app, 'bitvault', {
    environments: [Environment.dev(), Environment.staging(), Environment.prod()],
  });

  platform.forEachEnvironment((env) => {
    new StatelessService(env, 'gateway', {
      image: images.gateway,
      port: 8080,
      readinessProbe: Probe.httpGet('/readyz'),
      livenessProbe: Probe.httpGet('/livez', { periodSeconds: 10, failureThreshold: 6 }),
      resources: { cpuRequestMillis: 250, memoryRequestMebibytes: 256, memoryLimitMebibytes: 512 },
      autoscaling: Autoscaling.horizontal({ minReplicas: 3, maxReplicas: 12, cpuUtilizationPercent: 70 }),
      trafficRouter: TrafficRouter.gatewayApi({ gatewayName: 'public', gatewayNamespace: 'gateway-system', hostnames: ['api.bitvault.example'] }),
      slo: {
        successRate: 0.999,
        latencyP99: Duration.millis(300),
        errorBudgetBurnRateFailAbove: 14.4,
        cpuSaturationPassBelow: 0.8,
      },
      environments: {
        // dev follows the release candidate by tag (tags are allowed in dev only).
        dev: { image: 'ghcr.io/bitvault/gateway:1.15.0-rc1' },
        staging: { image: images.gatewayNext },
      },
    });

    new StatelessService(env, 'bitvaultd', {
      image: images.bitvaultd,
      port: 9090,
      readinessProbe: Probe.grpc(),
      startupProbe: Probe.grpc({ failureThreshold: 30 }),
      resources: { cpuRequestMillis: 500, memoryRequestMebibytes: 512, memoryLimitMebibytes: 1024 },
      replicas: 4,
      // bitvaultd drains long-lived gRPC streams: a longer preStop window and grace period.
      terminationGracePeriodSeconds: 45,
      trafficRouter: TrafficRouter.gatewayApi({ gatewayName: 'internal', gatewayNamespace: 'gateway-system', hostnames: ['bitvaultd.bitvault.internal'] }),
      slo: { successRate: 0.9995, latencyP99: Duration.millis(150) },
    });
  });
  return platform;
}
