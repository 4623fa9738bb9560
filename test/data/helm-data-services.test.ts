import { beforeAll, describe, expect, it } from 'vitest';
import { SecretKey } from '../../lib/config/secret-reference.js';
import { Environment } from '../../lib/core/environment.js';
import { Nats } from '../../lib/data/helm/nats.js';
import { OpenSearch } from '../../lib/data/helm/opensearch.js';
import { Redis, RedisProps } from '../../lib/data/helm/redis.js';
import { EnvironmentChart } from '../../lib/platform/platform.js';
import { toYaml } from '../../lib/synth/synthesizer.js';
import { formatFinding } from '../../lib/validation/finding.js';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { manifestOf, objectsOf, synthFindings, synthPlatform } from '../helpers.js';

const password = SecretKey.of('cache-auth', 'password');

function defineAll(env: EnvironmentChart) {
  new Redis(env, 'cache', { password });
  new Nats(env, 'queue', {});
  new OpenSearch(env, 'search', { adminPassword: SecretKey.of('search-admin', 'password'), storageClass: 'fast' });
}

function synthRedis(props: Partial<RedisProps> = {}, environments?: Environment[]) {
  return synthPlatform((env) => new Redis(env, 'cache', { password, ...props }), environments);
}

const RESTRICTED_POD = { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } };
const RESTRICTED_CONTAINER = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } };

let validator: SchemaValidator;
beforeAll(async () => {
  validator = await SchemaValidator.load();
});

describe('chart-based data services', () => {
  // GIVEN Redis, NATS and OpenSearch defined once for dev, staging and prod
  const objects = synthPlatform(defineAll);

  it('emit one Argo CD Application each, in wave 0, named after the environment, released under the service name', () => {
    expect(objectsOf(objects, 'prod').filter((o) => o.manifest.kind === 'Application').map((o) => o.path)).toEqual([
      'acme/prod/cache/application-acme-prod-cache.yaml',
      'acme/prod/queue/application-acme-prod-queue.yaml',
      'acme/prod/search/application-acme-prod-search.yaml',
    ]);
    for (const name of ['cache', 'queue', 'search']) {
      const app = manifestOf(objects, 'prod', 'Application', `acme-prod-${name}`);
      expect(app.metadata.namespace).toBe('argocd');
      expect(app.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '0', 'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true,Prune=false,Delete=false' });
      expect(app.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
      expect(app.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'acme-prod' });
      expect(app.spec.source.helm.releaseName).toBe(name);
      // The platform folder owns the namespace and its Pod Security labels: no CreateNamespace here.
      expect(app.spec.syncPolicy).toEqual({ automated: { prune: true, selfHeal: true }, retry: { limit: -1, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } } });
    }
  });

  it('pin each chart from its upstream repository', () => {
    const sources = ['cache', 'queue', 'search'].map((name) => {
      const { repoURL, chart, targetRevision } = manifestOf(objects, 'prod', 'Application', `acme-prod-${name}`).spec.source;
      return [repoURL, chart, targetRevision];
    });
    expect(sources).toEqual([
      ['https://dandydeveloper.github.io/charts', 'redis-ha', '4.38.0'],
      ['https://nats-io.github.io/k8s/helm/charts/', 'nats', '2.12.3'],
      ['https://opensearch-project.github.io/helm-charts/', 'opensearch', '3.6.0'],
    ]);
  });

  it.each([
    ['dev', 1],
    ['staging', 3],
    ['prod', 3],
  ])('%s runs %i member(s): 3 scaled, rounded up to an odd quorum', (env, members) => {
    const values = (name: string) => manifestOf(objects, env, 'Application', `acme-${env}-${name}`).spec.source.helm.valuesObject;
    expect([values('cache').replicas, values('queue').config.cluster.replicas, values('search').replicas]).toEqual([members, members, members]);
  });

  it('Redis: Sentinel with AUTH from an existing Secret, a majority quorum, persistence and restricted pods', () => {
    const values = manifestOf(objects, 'prod', 'Application', 'acme-prod-cache').spec.source.helm.valuesObject;
    expect(values).toMatchObject({ fullnameOverride: 'cache', auth: true, existingSecret: 'cache-auth', authKey: 'password', persistentVolume: { enabled: true, size: '10Gi' }, haproxy: { enabled: false } });
    expect(values.sentinel.quorum).toBe(2);
    expect(values.redis.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '256Mi' } });
    expect(values.securityContext).toEqual(RESTRICTED_POD);
    expect(values.containerSecurityContext).toEqual({ ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: true });
    expect(values.redis.config).toEqual({ 'min-replicas-to-write': 1 });
    // The chart renders no PodDisruptionBudget unless asked (test/gitops/chart-render.test.ts renders it).
    expect(values.podDisruptionBudget).toEqual({ maxUnavailable: 1 });
    const dev = manifestOf(objects, 'dev', 'Application', 'acme-dev-cache').spec.source.helm.valuesObject;
    expect([dev.sentinel.quorum, dev.redis.config]).toEqual([1, { 'min-replicas-to-write': 0 }]);
  });

  it('NATS: JetStream on a file store per member, clustered from 3 members, single server in dev, no nats-box', () => {
    const values = manifestOf(objects, 'prod', 'Application', 'acme-prod-queue').spec.source.helm.valuesObject;
    expect(values.config).toEqual({ cluster: { enabled: true, replicas: 3 }, jetstream: { enabled: true, fileStore: { enabled: true, pvc: { enabled: true, size: '10Gi' } } } });
    expect(values.container.merge.securityContext).toEqual({ ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: true });
    expect(values.podTemplate.merge.spec.securityContext).toEqual(RESTRICTED_POD);
    expect(values.natsBox).toEqual({ enabled: false });
    // The metrics exporter is off, but restricted when `values` turn it on.
    expect(values.promExporter).toEqual({ merge: { securityContext: { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: true } } });
    expect(manifestOf(objects, 'dev', 'Application', 'acme-dev-queue').spec.source.helm.valuesObject.config.cluster).toEqual({ enabled: false, replicas: 1 });
  });

  it('OpenSearch: admin password from a Secret, heap at half the memory request, no root init container, single-node in dev', () => {
    const values = manifestOf(objects, 'prod', 'Application', 'acme-prod-search').spec.source.helm.valuesObject;
    expect(values).toMatchObject({ clusterName: 'search', masterService: 'search-master', singleNode: false, opensearchJavaOpts: '-Xms1024m -Xmx1024m', sysctl: { enabled: false }, sysctlInit: { enabled: false } });
    expect(values.persistence).toEqual({ enabled: true, enableInitChown: false, size: '8Gi', storageClass: 'fast' });
    expect(values.extraEnvs).toEqual([{ name: 'OPENSEARCH_INITIAL_ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: 'search-admin', key: 'password' } } }]);
    expect([values.podSecurityContext, values.securityContext]).toEqual([RESTRICTED_POD, RESTRICTED_CONTAINER]);
    const dev = manifestOf(objects, 'dev', 'Application', 'acme-dev-search').spec.source.helm.valuesObject;
    expect([dev.singleNode, dev.opensearchJavaOpts, dev.resources.requests]).toEqual([true, '-Xms512m -Xmx512m', { cpu: '500m', memory: '1024Mi' }]);
  });

  it('validate against the pinned Argo CD Application CRD', () => {
    expect(objects.flatMap((o) => validator.validate(o.manifest, o.path))).toEqual([]);
  });
});

describe('chart-based data services: options and errors', () => {
  it('merges escape-hatch values over the typed ones and applies per-environment overrides', () => {
    const objects = synthRedis({ values: { redis: { config: { 'maxmemory-policy': 'allkeys-lru' } }, haproxy: { enabled: true } }, environments: { prod: { replicas: 5, storageSize: '50Gi' } } }, [Environment.prod()]);
    const values = manifestOf(objects, 'prod', 'Application', 'acme-prod-cache').spec.source.helm.valuesObject;
    expect([values.replicas, values.persistentVolume.size, values.haproxy.enabled, values.redis.config, values.redis.resources.requests.cpu]).toEqual([5, '50Gi', true, { 'min-replicas-to-write': 1, 'maxmemory-policy': 'allkeys-lru' }, '100m']);
  });

  it('refuses inline secret values in escape-hatch values, without printing them', () => {
    const findings = synthFindings(() => synthRedis({ values: { auth: true, redisPassword: 'hunter2' } }, [Environment.prod()]));
    expect(findings.map(formatFinding)).toEqual([
      'acme/prod/cache: values.redisPassword = "<redacted>": is a secret value written inline: it would be committed to Git in plain text [security/inline-secret] Fix: put the value in a Secret (External Secrets Operator, Sealed Secrets or by hand) and use the chart\'s existing-secret value instead',
    ]);
  });

  it('refuses escape-hatch values that turn on chart parts no value makes restricted, naming the template', () => {
    // GIVEN OpenSearch with the chart's privileged sysctl init container turned on, and Redis on a hostPath
    const search = synthFindings(() => synthPlatform((env) => new OpenSearch(env, 'search', { adminPassword: SecretKey.of('search-admin', 'password'), values: { sysctlInit: { enabled: true } } }), [Environment.prod()]));
    expect(search.map(formatFinding)).toEqual([
      'acme/prod/search: values.sysctlInit.enabled = true: turns on the init container "sysctl", which templates/statefulset.yaml runs privileged and as root whatever the values say, in chart opensearch 3.6.0: namespace "acme-prod" enforces Pod Security "restricted" and rejects the pod, so the service never starts [data/chart-pod-not-restricted] Fix: set vm.max_map_count to at least 262144 on the nodes (node image, bootstrap script or a privileged DaemonSet in a namespace of its own)',
    ]);
    const cache = synthFindings(() => synthRedis({ values: { persistentVolume: { enabled: false }, hostPath: { path: '/srv/redis' } } }, [Environment.dev()]));
    expect(cache.map((f) => [f.field, f.value, f.rule])).toEqual([['values.hostPath.path', '/srv/redis', 'data/chart-pod-not-restricted']]);
    // AND a switch that needs another one stays accepted without it: the init container alone renders restricted
    expect(() => synthRedis({ values: { sysctlImage: { enabled: true } } }, [Environment.dev()])).not.toThrow();
    expect(() => synthRedis({ values: { sysctlImage: { mountHostSys: true } } }, [Environment.dev()])).not.toThrow();
  });

  it('refuses an even member count, and fewer than 3 in production-like environments unless opted out', () => {
    const findings = synthFindings(() => synthRedis({ replicas: 2 }, [Environment.prod()]));
    expect(findings.map((f) => [f.field, f.value, f.rule, f.message])).toEqual([['replicas', 2, 'data/odd-members', 'is even: a quorum of 2 members survives as many failures as 1']]);
    const single = synthFindings(() => synthRedis({ replicas: 1 }, [Environment.prod()]));
    expect(single.map((f) => [f.field, f.rule, f.message])).toEqual([['replicas', 'data/high-availability', 'gives 1 member in production-like environment "prod": one failure then stops the service']]);
    expect(manifestOf(synthRedis({ replicas: 1, allowFewerThanThreeReplicas: true }, [Environment.prod()]), 'prod', 'Application', 'acme-prod-cache').spec.source.helm.valuesObject.replicas).toBe(1);
  });

  it('refuses an unpinned chart version and a malformed Secret reference', () => {
    const findings = synthFindings(() => synthRedis({ chartVersion: '4.x', password: SecretKey.of('Cache Auth', 'pass word') }, [Environment.dev()]));
    expect(findings.map((f) => [f.location, f.field, f.value])).toEqual([
      ['acme/dev/cache', 'password.secretName', 'Cache Auth'],
      ['acme/dev/cache', 'password.key', 'pass word'],
      ['acme/dev/cache/application', 'chart.version', '4.x'],
    ]);
  });
});

describe('chart-based data services snapshots', () => {
  const objects = synthPlatform(defineAll);
  it.each(['dev', 'staging', 'prod'])('%s', (env) => {
    const yaml = objectsOf(objects, env)
      .filter((o) => !o.path.includes('/platform/'))
      .map((o) => `# ${o.path}\n${toYaml(o.manifest)}`)
      .join('---\n');
    expect(yaml).toMatchSnapshot();
  });
});
