import { App, Duration } from 'cdk8s';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Autoscaling } from '../../../lib/autoscaling/autoscaling.js';
import { Environment, ServiceDelivery } from '../../../lib/core/environment.js';
import { Platform } from '../../../lib/platform/platform.js';
import { Probe } from '../../../lib/pod/probe.js';
import { synthesize, SynthesizedObject } from '../../../lib/synth/synthesizer.js';
import { writeAtomically } from '../../../lib/synth/writer.js';
import { TrafficRouter } from '../../../lib/traffic/traffic-router.js';
import { StatelessService } from '../../../lib/workloads/stateless-service.js';
import { DIGEST_IMAGE } from '../../helpers.js';

/** Services in the estate. */
export const SERVICES = 16;

const router = TrafficRouter.gatewayApi({ gatewayName: 'edge', gatewayNamespace: 'edge-system', hostnames: ['shop.example'] });

/**
 * A shop of {@link SERVICES} stateless services with SLO analysis in staging and prod (canary in both,
 * rolling in dev), shaped unlike the reference apps. The second release bumps every image and changes
 * every service's SLO: the success-rate abort line 0.998 → 0.98 (the latency objective of every third
 * service, the confidence of every fifth) and one more path left out of the analysis.
 */
export function estate(release: 1 | 2): SynthesizedObject[] {
  const app = new App();
  const platform = new Platform(app, 'shop', { environments: [Environment.dev(), Environment.staging({ statelessDelivery: ServiceDelivery.CANARY }), Environment.prod()] });
  platform.forEachEnvironment((env) => {
    for (let i = 0; i < SERVICES; i++) {
      const digest = release === 1 ? DIGEST_IMAGE : DIGEST_IMAGE.replace(/a{64}$/, (i % 10).toString().repeat(64));
      new StatelessService(env, `svc-${String(i).padStart(2, '0')}`, {
        image: digest,
        readinessProbe: Probe.httpGet('/readyz'),
        trafficRouter: router,
        autoscaling: Autoscaling.horizontal({ minReplicas: 2, maxReplicas: 6 }),
        slo: release === 1
          ? { successRate: 0.999, latencyP99: Duration.millis(250), excludePaths: ['/healthz'] }
          : {
            successRate: 0.999,
            successRateFailBelow: 0.98,
            latencyP99: Duration.millis(i % 3 === 0 ? 500 : 250),
            confidence: i % 5 === 0 ? 0.999 : undefined,
            excludePaths: ['/healthz', '/metrics'],
          },
      });
    }
  });
  return synthesize(app);
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', '-c', 'commit.gpgsign=false', ...args], { cwd, stdio: 'pipe' });

/** A git repository whose HEAD holds dist/ of release 1 and whose working tree holds dist/ of release 2. */
export function estateRepo(): string {
  const repo = mkdtempSync(join(tmpdir(), 'diff-estate-'));
  git(repo, 'init', '-q', '-b', 'main');
  writeAtomically(estate(1), join(repo, 'dist'));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'release 1');
  writeAtomically(estate(2), join(repo, 'dist'));
  return repo;
}
