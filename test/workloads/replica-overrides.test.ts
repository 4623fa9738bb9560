import { describe, expect, it } from 'vitest';
import { Autoscaling } from '../../lib/autoscaling/autoscaling.js';
import { SecretKey } from '../../lib/config/secret-reference.js';
import { Environment } from '../../lib/core/environment.js';
import { Redis } from '../../lib/data/helm/redis.js';
import { PostgresBackup } from '../../lib/data/postgres/postgres-backup.js';
import { PostgresCluster } from '../../lib/data/postgres/postgres-cluster.js';
import { Probe } from '../../lib/pod/probe.js';
import { QueueWorker } from '../../lib/workloads/queue-worker.js';
import { StatelessService } from '../../lib/workloads/stateless-service.js';
import { DIGEST_IMAGE, manifestOf, synthPlatform } from '../helpers.js';

/**
 * Issue 20: "a per-environment `replicas` override is scaled again by the environment's replica scale". An override
 * under `environments.<name>` says what that environment runs: a final value. The environment's replica scale
 * (dev 0.25, staging 0.5) applies to the workload-wide value only.
 */
const environments = [Environment.dev(), Environment.staging(), Environment.prod()];
const PG_IMAGE = `ghcr.io/cloudnative-pg/postgresql:17.5@sha256:${'c'.repeat(64)}`;

describe('per-environment replica overrides are final values', () => {
  it('GIVEN a service with replicas 20 and dev: { replicas: 2 } THEN dev runs 2 (scaled again it was 1), staging the scaled 10, prod 20', () => {
    const objects = synthPlatform((env) => new StatelessService(env, 'api', { image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/readyz'), replicas: 20, environments: { dev: { replicas: 2 } } }), environments);
    expect([manifestOf(objects, 'dev', 'Deployment', 'api').spec.replicas, manifestOf(objects, 'staging', 'Deployment', 'api').spec.replicas, manifestOf(objects, 'prod', 'Rollout', 'api').spec.replicas]).toEqual([2, 10, 20]);
  });

  it('GIVEN a worker autoscaled 4..12 with staging: its own bounds 3..6 THEN staging\'s HPA is 3..6 as written, dev\'s the scaled 1..3', () => {
    const objects = synthPlatform((env) => new QueueWorker(env, 'jobs', {
      image: DIGEST_IMAGE,
      autoscaling: Autoscaling.horizontal({ minReplicas: 4, maxReplicas: 12 }),
      environments: { staging: { autoscaling: Autoscaling.horizontal({ minReplicas: 3, maxReplicas: 6 }) } },
    }), environments);
    const bounds = (env: string) => {
      const hpa = manifestOf(objects, env, 'HorizontalPodAutoscaler', 'jobs');
      return [hpa.spec.minReplicas, hpa.spec.maxReplicas];
    };
    expect([bounds('dev'), bounds('staging'), bounds('prod')]).toEqual([[1, 3], [3, 6], [4, 12]]);
  });

  it('GIVEN Redis (dev: 3 members) and Postgres (dev: 2, staging: 3 instances) THEN each environment runs its override as written', () => {
    const objects = synthPlatform((env) => {
      new Redis(env, 'cache', { password: SecretKey.of('cache-auth', 'password'), replicas: 5, environments: { dev: { replicas: 3 } } });
      new PostgresCluster(env, 'db', { image: PG_IMAGE, storageSize: '10Gi', backup: PostgresBackup.none('test'), environments: { staging: { instances: 3 }, dev: { instances: 2 } } });
    }, environments);
    const members = (env: string) => manifestOf(objects, env, 'Application', `acme-${env}-cache`).spec.source.helm.valuesObject.replicas;
    // Redis: 5 scaled is dev 2→3 (odd), staging 3, prod 5; dev's own 3 stays 3 (scaled again it was 1).
    expect([members('dev'), members('staging'), members('prod')]).toEqual([3, 3, 5]);
    const instances = (env: string) => manifestOf(objects, env, 'Cluster', 'db').spec.instances;
    // Postgres: 3 scaled is dev 1, staging 2; the overrides are what each environment runs.
    expect([instances('dev'), instances('staging'), instances('prod')]).toEqual([2, 3, 3]);
  });
});
