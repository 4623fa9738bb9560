import { ApiObject, App } from 'cdk8s';
import { Construct } from 'constructs';
import { Autoscaling } from '../../../lib/autoscaling/autoscaling.js';
import { SecretKey } from '../../../lib/config/secret-reference.js';
import { Environment } from '../../../lib/core/environment.js';
import { SyncWave, syncWaveAnnotations } from '../../../lib/core/sync-wave.js';
import { CustomDataResource } from '../../../lib/data/custom-data-resource.js';
import { Redis } from '../../../lib/data/helm/redis.js';
import { IGitOpsTarget } from '../../../lib/gitops/gitops-target.js';
import { PlatformControllers } from '../../../lib/platform/controllers.js';
import { DeliveryStage, setOutputFolder } from '../../../lib/platform/output-folder.js';
import { EnvironmentChart, Platform } from '../../../lib/platform/platform.js';
import { Probe } from '../../../lib/pod/probe.js';
import { synthesize, SynthesizedObject } from '../../../lib/synth/synthesizer.js';
import { TrafficRouter } from '../../../lib/traffic/traffic-router.js';
import { StatelessService } from '../../../lib/workloads/stateless-service.js';
import { WebFrontend } from '../../../lib/workloads/web-frontend.js';
import { DIGEST_IMAGE } from '../../helpers.js';

/** The environments of the fixture platform. */
export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;

/**
 * A plain batch/v1 Job in its own folder of stage MIGRATION, standing in for the Migration construct: what
 * matters to the GitOps layer is the folder's stage and that it holds a Job.
 */
export function migrationJob(env: EnvironmentChart): ApiObject {
  const folder = new Construct(env, 'db-migrations');
  setOutputFolder(folder, 'db-migrations', DeliveryStage.MIGRATION);
  return new ApiObject(folder, 'job', {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'db-migrate', namespace: env.targetNamespace, annotations: syncWaveAnnotations(SyncWave.MIGRATION) },
    spec: {
      backoffLimit: 2,
      template: {
        spec: {
          restartPolicy: 'Never',
          securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'migrate',
            image: DIGEST_IMAGE,
            command: ['migrate', 'up'],
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '128Mi' } },
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
          }],
        },
      },
    },
  });
}

/**
 * A representative platform: controllers (Helm), Redis (Helm) and a CloudNativePG Cluster (a plain custom
 * resource), both deletion-protected, a migration Job, a canary service with the Gateway API router and a
 * blue-green web frontend.
 */
export function defineFixture(env: EnvironmentChart): void {
  new PlatformControllers(env, 'controllers', { cloudNativePg: { enabled: false } });
  new Redis(env, 'redis', { password: SecretKey.of('redis-auth', 'password') });
  new CustomDataResource(env, 'orders-db', { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', spec: { instances: 3, storage: { size: '10Gi' } } });
  migrationJob(env);
  new StatelessService(env, 'api', {
    image: DIGEST_IMAGE,
    readinessProbe: Probe.httpGet('/readyz'),
    autoscaling: Autoscaling.horizontal({ minReplicas: 3, maxReplicas: 6 }),
    trafficRouter: TrafficRouter.gatewayApi({ gatewayName: 'public', gatewayNamespace: 'gateway-system', hostnames: ['api.acme.example'] }),
  });
  new WebFrontend(env, 'web', {
    image: DIGEST_IMAGE,
    readinessProbe: Probe.httpGet('/healthz'),
    trafficRouter: TrafficRouter.gatewayApi({ gatewayName: 'public', gatewayNamespace: 'gateway-system', hostnames: ['acme.example'] }),
  });
}

/** Synthesizes the "acme" platform with a GitOps target (or none). */
export function synthWith(gitops: IGitOpsTarget | undefined, define: (env: EnvironmentChart) => void = defineFixture, environments: Environment[] = [Environment.dev(), Environment.staging(), Environment.prod()], outputPath?: string): SynthesizedObject[] {
  const app = new App();
  const platform = new Platform(app, 'acme', { environments, gitops, outputPath });
  platform.forEachEnvironment(define);
  return synthesize(app);
}
