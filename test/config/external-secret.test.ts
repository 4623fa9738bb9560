import { App, Duration } from 'cdk8s';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExternalSecret, SecretStoreKind } from '../../lib/config/external-secret.js';
import { Environment } from '../../lib/core/environment.js';
import { SyncWave } from '../../lib/core/sync-wave.js';
import { Redis } from '../../lib/data/helm/redis.js';
import { Platform } from '../../lib/platform/platform.js';
import { synthesize } from '../../lib/synth/synthesizer.js';
import { formatFinding } from '../../lib/validation/finding.js';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { QueueWorker } from '../../lib/workloads/queue-worker.js';
import { DIGEST_IMAGE, synthFindings } from '../helpers.js';

/** Issue 23: Secrets created from a secret store by the External Secrets Operator (v2.9.0, external-secrets.io/v1). */

function synth(define: (env: Platform['environments'][number]) => void) {
  const app = new App();
  const platform = new Platform(app, 'acme', { environments: [Environment.prod()] });
  platform.forEachEnvironment(define);
  return synthesize(app);
}

let validator: SchemaValidator;
beforeAll(async () => {
  validator = await SchemaValidator.load();
});

describe('ExternalSecret', () => {
  const objects = synth((env) => {
    const auth = new ExternalSecret(env, 'redis-auth', { storeName: 'vault', data: { password: { key: 'acme/prod/redis', property: 'password' }, 'ca.crt': { key: 'acme/prod/ca', version: '3' } } });
    new Redis(env, 'cache', { password: auth.key('password') });
    new QueueWorker(env, 'worker', { image: DIGEST_IMAGE, secretEnv: { REDIS_PASSWORD: auth.key('password') } });
  });
  const es = objects.find((o) => o.manifest.kind === 'ExternalSecret')!;

  it('GIVEN a store and keys THEN writes the ExternalSecret to the platform folder, in the secret wave before its consumers', () => {
    expect(es.path).toBe('acme/prod/platform/externalsecret-redis-auth.yaml');
    const wave = (m: Record<string, any>) => Number(m.metadata.annotations['argocd.argoproj.io/sync-wave']);
    expect(wave(es.manifest)).toBe(SyncWave.SECRET);
    const consumers = objects.filter((o) => ['Application', 'Deployment'].includes(o.manifest.kind) && o.manifest.metadata.namespace !== 'argocd');
    for (const c of objects.filter((o) => o.manifest.kind === 'Deployment' || (o.manifest.kind === 'Application' && o.path.includes('/cache/')))) expect(wave(c.manifest), c.path).toBeGreaterThan(SyncWave.SECRET);
    expect(consumers.length).toBeGreaterThan(0);
  });

  it('maps each key of the Secret to its remote key, owned by the operator and kept when the store loses it', () => {
    expect(es.manifest.spec).toEqual({
      refreshInterval: '1h',
      secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' },
      target: { name: 'redis-auth', creationPolicy: 'Owner', deletionPolicy: 'Retain' },
      data: [
        { secretKey: 'ca.crt', remoteRef: { key: 'acme/prod/ca', version: '3' } },
        { secretKey: 'password', remoteRef: { key: 'acme/prod/redis', property: 'password' } },
      ],
    });
  });

  it('passes the pinned external-secrets v2.9.0 CRD schema', () => {
    expect(validator.knows('external-secrets.io/v1', 'ExternalSecret')).toBe(true);
    expect(validator.validate(es.manifest, es.path)).toEqual([]);
    const broken = { ...es.manifest, spec: { ...es.manifest.spec, target: { ...es.manifest.spec.target, creationPolicy: 'Sometimes' } } };
    expect(validator.validate(broken, 'broken').map((f) => f.field)).toContain('spec.target.creationPolicy');
  });

  it('its keys feed secretEnv and data service passwords', () => {
    const worker = objects.find((o) => o.manifest.kind === 'Deployment')!.manifest;
    expect(worker.spec.template.spec.containers[0].env).toContainEqual({ name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'redis-auth', key: 'password' } } });
  });

  it('takes a namespaced store and a refresh interval', () => {
    const one = synth((env) => new ExternalSecret(env, 'token', { name: 'api-token', storeName: 'team-store', storeKind: SecretStoreKind.NAMESPACED, refreshInterval: Duration.minutes(15), data: { token: { key: 'api' } } }));
    const m = one.find((o) => o.manifest.kind === 'ExternalSecret')!.manifest;
    expect([m.metadata.name, m.spec.secretStoreRef, m.spec.refreshInterval]).toEqual(['api-token', { name: 'team-store', kind: 'SecretStore' }, '15m']);
  });

  it('reports a key nobody maps, an empty data map, bad names and intervals, all at once', () => {
    const findings = synthFindings(() =>
      synth((env) => {
        const auth = new ExternalSecret(env, 'auth', { name: 'Auth!', storeName: 'vault', refreshInterval: Duration.millis(1500), data: { password: { key: ' ' }, 'bad key': { key: 'x' } } });
        new QueueWorker(env, 'worker', { image: DIGEST_IMAGE, secretEnv: { TOKEN: auth.key('token') } });
        new ExternalSecret(env, 'empty', { storeName: 'vault', data: {} });
      }),
    ).map(formatFinding);
    const text = findings.join('\n');
    expect(text).toContain('acme/prod/auth: name = "Auth!": is not a valid Secret name');
    expect(text).toContain('has no key "token", which a consumer reads');
    expect(text).toContain('data.password.key');
    expect(text).toContain('data.bad key');
    expect(text).toContain('refreshInterval');
    expect(text).toContain('acme/prod/empty: data');
  });
});
