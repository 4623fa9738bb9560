import { ApiObject } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ConfigSource } from '../../lib/config/config-source.js';
import { SecretKey } from '../../lib/config/secret-reference.js';
import { Environment } from '../../lib/core/environment.js';
import { Probe } from '../../lib/pod/probe.js';
import { StatelessService, StatelessServiceProps } from '../../lib/workloads/stateless-service.js';
import { DIGEST_IMAGE, manifestOf, synthFindings, synthPlatform } from '../helpers.js';

const base: StatelessServiceProps = { image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/readyz'), replicas: 10 };

function synthWith(settings: string, extra: Partial<StatelessServiceProps> = {}) {
  return synthPlatform((env) => new StatelessService(env, 'api', {
    ...base,
    config: [ConfigSource.files('settings', { 'app.yaml': settings }, { mountPath: '/etc/api' }), ConfigSource.env('flags', { FEATURE_X: 'on' })],
    secretEnv: { DATABASE_PASSWORD: SecretKey.of('db-app', 'password') },
    ...extra,
  }), [Environment.prod()]);
}

describe('configuration that rolls like code', () => {
  const objects = synthWith('level: info\n');
  const files = objects.filter((o) => o.manifest.kind === 'ConfigMap');

  it('emits immutable, content-hashed ConfigMaps, pruned last, before the workloads, in stable files', () => {
    expect(files.map((o) => o.path)).toEqual(['acme/prod/api/configmap-api-flags.yaml', 'acme/prod/api/configmap-api-settings.yaml']);
    for (const { manifest } of files) {
      expect(manifest.metadata.name).toMatch(/^api-(settings|flags)-[0-9a-f]{10}$/);
      expect(manifest.immutable).toBe(true);
      expect(manifest.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '5', 'argocd.argoproj.io/sync-options': 'PruneLast=true' });
    }
  });

  it('mounts the files and reads the env from the hashed names, and secrets by reference only', () => {
    const pod = manifestOf(objects, 'prod', 'Rollout', 'api').spec.template.spec;
    const settings = files.find((o) => o.path.endsWith('settings.yaml'))!.manifest.metadata.name;
    const flags = files.find((o) => o.path.endsWith('flags.yaml'))!.manifest.metadata.name;
    expect(pod.volumes).toContainEqual({ name: 'config-settings', configMap: { name: settings } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'config-settings', mountPath: '/etc/api', readOnly: true });
    expect(pod.containers[0].envFrom).toEqual([{ configMapRef: { name: flags } }]);
    expect(pod.containers[0].env).toEqual([{ name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-app', key: 'password' } } }]);
    expect(objects.some((o) => o.manifest.kind === 'Secret')).toBe(false);
  });

  it('a config change renames the ConfigMap and changes the pod template, so it ships through the canary', () => {
    const changed = synthWith('level: debug\n');
    const before = new Map(objects.map((o) => [o.path, JSON.stringify(o.manifest)]));
    const diff = changed.filter((o) => before.get(o.path) !== JSON.stringify(o.manifest)).map((o) => o.path);
    expect(diff).toEqual(['acme/prod/api/configmap-api-settings.yaml', 'acme/prod/api/rollout-api.yaml']);
    expect(changed.map((o) => o.path)).toEqual(objects.map((o) => o.path));
  });

  it('hashes deterministically, independent of key order', () => {
    expect(ConfigSource.env('a', { X: '1', Y: '2' }).contentHash()).toBe(ConfigSource.env('a', { Y: '2', X: '1' }).contentHash());
    expect(ConfigSource.env('a', { X: '1' }).contentHash()).not.toBe(ConfigSource.env('a', { X: '2' }).contentHash());
  });
});

describe('secrets never reach dist/', () => {
  it('rejects a credential given as a literal env value, without echoing it', () => {
    const findings = synthFindings(() => synthWith('x', { env: { API_TOKEN: 's3cr3t', LOG_LEVEL: 'info' } }));
    expect(findings).toEqual([expect.objectContaining({ location: 'acme/prod/api', field: 'env.API_TOKEN', value: '<redacted>', rule: 'security/secret-in-env' })]);
    expect(JSON.stringify(findings)).not.toContain('s3cr3t');
  });

  it('rejects any emitted Secret with inline data', () => {
    const findings = synthFindings(() => synthPlatform((env) => {
      const api = new StatelessService(env, 'api', base);
      new ApiObject(api, 'secret', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'acme-prod', annotations: { 'argocd.argoproj.io/sync-wave': '5' } }, stringData: { password: 'hunter2' } });
    }, [Environment.prod()]));
    expect(findings).toEqual([expect.objectContaining({ location: 'acme/prod/api/secret', field: 'stringData', value: ['password: <redacted>'], rule: 'security/inline-secret' })]);
  });

  it('rejects bad config names, keys and mount paths', () => {
    const findings = synthFindings(() => synthWith('x', {
      config: [ConfigSource.env('Bad Name', { 'not-an-env': '1' }), ConfigSource.files('f', { 'a/b': 'x' }, { mountPath: 'etc' })],
      secretEnv: {},
    }));
    expect(findings.map((f) => [f.field, f.value])).toEqual([
      ['config[0].name', 'Bad Name'],
      ['config[0].data["not-an-env"]', 'not-an-env'],
      ['config[1].data["a/b"]', 'a/b'],
      ['config[1].mountPath', 'etc'],
    ]);
  });
});
