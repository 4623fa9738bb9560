import { ApiObject } from 'cdk8s';
import { beforeAll, describe, expect, it } from 'vitest';
import { Autoscaling } from '../../lib/autoscaling/autoscaling.js';
import { KedaCredentials } from '../../lib/autoscaling/keda/keda-credentials.js';
import { KedaTrigger } from '../../lib/autoscaling/keda/keda-trigger.js';
import { Environment } from '../../lib/core/environment.js';
import { SyncWave, syncAnnotations } from '../../lib/core/sync-wave.js';
import { PreStop } from '../../lib/pod/pre-stop.js';
import { Probe } from '../../lib/pod/probe.js';
import { toYaml } from '../../lib/synth/synthesizer.js';
import { formatFinding } from '../../lib/validation/finding.js';
import { KEDA_RULES } from '../../lib/validation/keda-rules.js';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { QueueWorker, QueueWorkerProps } from '../../lib/workloads/queue-worker.js';
import { DIGEST_IMAGE, manifestOf, objectsOf, synthFindings, synthPlatform } from '../helpers.js';

const ENDPOINT = 'nats-headless.nats.svc.cluster.local:8222';
const nats = (props: Partial<Parameters<typeof Autoscaling.natsJetStream>[0]> = {}) =>
  Autoscaling.natsJetStream({ minReplicas: 2, maxReplicas: 8, monitoringEndpoint: ENDPOINT, stream: 'ORDERS', consumer: 'orders-worker', lagThreshold: 50, ...props });
const base: QueueWorkerProps = { image: DIGEST_IMAGE, autoscaling: nats() };
const WAVE = 'argocd.argoproj.io/sync-wave';
const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;

function synthWorker(props: Partial<QueueWorkerProps> = {}, environments?: Environment[], extra?: (worker: QueueWorker) => void) {
  return synthPlatform((env) => {
    const worker = new QueueWorker(env, 'orders-worker', { ...base, ...props });
    extra?.(worker);
  }, environments);
}

const prodOnly = () => [Environment.prod()];
/** The synth findings of a worker that must fail, as one line each. */
const failures = (props: Partial<QueueWorkerProps>) => synthFindings(() => synthWorker(props, prodOnly())).map(formatFinding);

let validator: SchemaValidator;
beforeAll(async () => {
  validator = await SchemaValidator.load();
});

describe('QueueWorker scaled by KEDA on the NATS JetStream backlog', () => {
  // GIVEN a worker on Autoscaling.natsJetStream with the account read from a Secret, in dev, staging and prod
  const objects = synthWorker({ autoscaling: nats({ credentials: KedaCredentials.fromSecret('nats-monitoring', { account: 'account' }) }) });

  it.each(ENVIRONMENTS)('%s emits a Deployment, PDB, ScaledObject and TriggerAuthentication, and no Service', (env) => {
    expect(objectsOf(objects, env, 'orders-worker').map((o) => o.path)).toEqual([
      `acme/${env}/orders-worker/deployment-orders-worker.yaml`,
      `acme/${env}/orders-worker/poddisruptionbudget-orders-worker.yaml`,
      `acme/${env}/orders-worker/scaledobject-orders-worker.yaml`,
      `acme/${env}/orders-worker/triggerauthentication-orders-worker-nats-jetstream.yaml`,
    ]);
  });

  it.each(ENVIRONMENTS)('%s rolls with maxSurge 25%% and maxUnavailable 0, leaves spec.replicas to KEDA and opens no port', (env) => {
    const deployment = manifestOf(objects, env, 'Deployment', 'orders-worker');
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } });
    expect('replicas' in deployment.spec).toBe(false);
    const container = deployment.spec.template.spec.containers[0];
    expect(container.ports).toBeUndefined();
    expect(deployment.metadata.labels['app.kubernetes.io/component']).toBe('queue-worker');
  });

  it('targets the Deployment with the replica bounds scaled per environment (2..8 → dev 1..2, staging 1..4, prod 2..8)', () => {
    const bounds = ENVIRONMENTS.map((env) => {
      const spec = manifestOf(objects, env, 'ScaledObject', 'orders-worker').spec;
      expect(spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders-worker' });
      return [spec.minReplicaCount, spec.maxReplicaCount];
    });
    expect(bounds).toEqual([[1, 2], [1, 4], [2, 8]]);
  });

  it('writes the trigger, the polling, cooldown and scale-down settings out explicitly', () => {
    const spec = manifestOf(objects, 'prod', 'ScaledObject', 'orders-worker').spec;
    expect(spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders-worker' },
      minReplicaCount: 2,
      maxReplicaCount: 8,
      pollingInterval: 30,
      cooldownPeriod: 300,
      advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: 300 } } } },
      triggers: [
        {
          type: 'nats-jetstream',
          name: 'nats-jetstream',
          // The account comes from the Secret, so it is not written here too.
          metadata: { natsServerMonitoringEndpoint: ENDPOINT, stream: 'ORDERS', consumer: 'orders-worker', lagThreshold: '50', activationLagThreshold: '0', useHttps: 'false' },
          authenticationRef: { name: 'orders-worker-nats-jetstream', kind: 'TriggerAuthentication' },
        },
      ],
    });
  });

  it('reads the credentials through a TriggerAuthentication that maps parameters to Secret keys', () => {
    const auth = manifestOf(objects, 'prod', 'TriggerAuthentication', 'orders-worker-nats-jetstream');
    expect(auth.metadata.namespace).toBe('acme-prod');
    expect(auth.spec).toEqual({ secretTargetRef: [{ parameter: 'account', name: 'nats-monitoring', key: 'account' }] });
  });

  it('puts the TriggerAuthentication before, and the ScaledObject in the same wave as, the Deployment', () => {
    const waves = Object.fromEntries(objectsOf(objects, 'prod', 'orders-worker').map((o) => [o.manifest.kind, Number(o.manifest.metadata.annotations[WAVE])]));
    expect(waves).toEqual({ TriggerAuthentication: SyncWave.CONFIG, PodDisruptionBudget: SyncWave.APP_SUPPORT, Deployment: SyncWave.APP, ScaledObject: SyncWave.APP });
    for (const kind of ['ScaledObject', 'TriggerAuthentication']) {
      const custom = objectsOf(objects, 'prod', 'orders-worker').find((o) => o.manifest.kind === kind)!.manifest;
      expect(custom.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('SkipDryRunOnMissingResource=true');
    }
  });

  it('shuts down gracefully: 120 s to checkpoint, and no preStop delay (a worker has no endpoints to drain)', () => {
    const pod = manifestOf(objects, 'prod', 'Deployment', 'orders-worker').spec.template.spec;
    expect(pod.terminationGracePeriodSeconds).toBe(120);
    expect(pod.containers[0].lifecycle).toBeUndefined();
  });

  it('has a PDB that always allows an eviction, whatever KEDA scaled to', () => {
    expect(manifestOf(objects, 'prod', 'PodDisruptionBudget', 'orders-worker').spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'orders-worker', 'app.kubernetes.io/part-of': 'acme' } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });

  it('validates every object against the Kubernetes core schema and the pinned KEDA CRDs', () => {
    expect(objects.length).toBeGreaterThan(12);
    expect(objects.flatMap((o) => validator.validate(o.manifest, o.path))).toEqual([]);
  });
});

describe('QueueWorker options', () => {
  it('scales to zero when idle through idleReplicaCount 0, keeping minReplicaCount as the floor under load', () => {
    const objs = synthWorker({ autoscaling: nats({ scaleToZero: true, cooldownSeconds: 600, pollingIntervalSeconds: 10, activationLagThreshold: 5, useHttps: true }) }, prodOnly());
    const spec = manifestOf(objs, 'prod', 'ScaledObject', 'orders-worker').spec;
    expect([spec.idleReplicaCount, spec.minReplicaCount, spec.maxReplicaCount, spec.cooldownPeriod, spec.pollingInterval]).toEqual([0, 2, 8, 600, 10]);
    expect(spec.triggers[0].metadata).toEqual({ natsServerMonitoringEndpoint: ENDPOINT, account: '$G', stream: 'ORDERS', consumer: 'orders-worker', lagThreshold: '50', activationLagThreshold: '5', useHttps: 'true' });
    expect(spec.triggers[0].authenticationRef).toBeUndefined();
    expect(objs.flatMap((o) => validator.validate(o.manifest, o.path))).toEqual([]);
  });

  it('emits a fallback and a custom scale-down window, and passes the schema', () => {
    const objs = synthWorker({ autoscaling: nats({ fallback: { failureThreshold: 3, replicas: 4 }, scaleDownStabilizationSeconds: 120 }) }, prodOnly());
    const spec = manifestOf(objs, 'prod', 'ScaledObject', 'orders-worker').spec;
    expect(spec.fallback).toEqual({ failureThreshold: 3, replicas: 4 });
    expect(spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds).toBe(120);
    expect(objs.flatMap((o) => validator.validate(o.manifest, o.path))).toEqual([]);
  });

  it('takes the custom rolling parameters, preStop and grace period', () => {
    const objs = synthWorker({ rolling: { maxSurge: 2, maxUnavailable: '50%' }, preStop: PreStop.exec(['/bin/drain'], 10), terminationGracePeriodSeconds: 300 }, prodOnly());
    const deployment = manifestOf(objs, 'prod', 'Deployment', 'orders-worker');
    expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxSurge: 2, maxUnavailable: '50%' });
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(300);
    expect(deployment.spec.template.spec.containers[0].lifecycle).toEqual({ preStop: { exec: { command: ['/bin/drain'] } } });
  });

  it('runs a fixed count without an autoscaler (2 by default, scaled per environment)', () => {
    const objs = synthWorker({ autoscaling: undefined });
    expect(ENVIRONMENTS.map((env) => manifestOf(objs, env, 'Deployment', 'orders-worker').spec.replicas)).toEqual([1, 1, 2]);
    expect(objs.filter((o) => ['ScaledObject', 'HorizontalPodAutoscaler', 'TriggerAuthentication'].includes(o.manifest.kind))).toEqual([]);
  });

  it('takes an HPA instead of KEDA, and a per-environment override replaces the autoscaler rather than adding one', () => {
    const objs = synthWorker({ environments: { dev: { autoscaling: Autoscaling.horizontal({ minReplicas: 1, maxReplicas: 3 }) }, staging: { autoscaling: Autoscaling.fixed(1) } } });
    const autoscalers = (env: string) => objectsOf(objs, env, 'orders-worker').map((o) => o.manifest.kind).filter((k) => ['ScaledObject', 'HorizontalPodAutoscaler'].includes(k));
    expect(ENVIRONMENTS.map(autoscalers)).toEqual([['HorizontalPodAutoscaler'], [], ['ScaledObject']]);
    expect(manifestOf(objs, 'dev', 'HorizontalPodAutoscaler', 'orders-worker').spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders-worker' });
    expect(manifestOf(objs, 'staging', 'Deployment', 'orders-worker').spec.replicas).toBe(1);
  });

  it('exposes the resolved autoscaling per environment (KEDA, with scaled bounds)', () => {
    const seen: [string, string, number, number][] = [];
    synthPlatform((env) => {
      const worker = new QueueWorker(env, 'orders-worker', base);
      seen.push([env.environment.name, worker.autoscaling.kind, worker.autoscaling.props.minReplicas, worker.autoscaling.props.maxReplicas]);
    });
    expect(seen).toEqual([['dev', 'keda', 1, 2], ['staging', 'keda', 1, 4], ['prod', 'keda', 2, 8]]);
  });

  it('accepts a readiness probe on an explicit port, and none at all', () => {
    const objs = synthWorker({ readinessProbe: Probe.httpGet('/healthz', { port: 8081 }), livenessProbe: Probe.exec(['/bin/alive']) }, prodOnly());
    const container = manifestOf(objs, 'prod', 'Deployment', 'orders-worker').spec.template.spec.containers[0];
    expect(container.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 8081 });
    expect(container.livenessProbe.exec).toEqual({ command: ['/bin/alive'] });
    expect(container.ports).toBeUndefined();
  });
});

describe('QueueWorker: one autoscaler per workload', () => {
  it('cannot take an HPA and KEDA together: the autoscaling prop holds one value', () => {
    const props: QueueWorkerProps = {
      image: DIGEST_IMAGE,
      // @ts-expect-error an array of autoscalers is not an Autoscaling
      autoscaling: [nats(), Autoscaling.horizontal({ minReplicas: 1, maxReplicas: 3 })],
    };
    expect(Array.isArray(props.autoscaling)).toBe(true);
  });

  it('fails the synth when an HPA is forced onto the KEDA-scaled Deployment through an escape hatch', () => {
    const findings = synthFindings(() =>
      synthWorker({}, prodOnly(), (worker) => {
        new ApiObject(worker, 'extra-hpa', {
          apiVersion: 'autoscaling/v2',
          kind: 'HorizontalPodAutoscaler',
          metadata: { name: 'orders-worker-cpu', namespace: worker.namespace, annotations: syncAnnotations(SyncWave.APP_SUPPORT) },
          spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders-worker' }, minReplicas: 1, maxReplicas: 4 },
        });
      }),
    );
    expect(findings).toEqual([
      {
        location: 'acme/prod/orders-worker/scaled-object',
        field: 'spec.scaleTargetRef',
        value: 'orders-worker',
        rule: KEDA_RULES.hpaConflict,
        message: 'The workload orders-worker (apps/v1.Deployment) is already scaled by HPA "orders-worker-cpu" (acme/prod/orders-worker/extra-hpa); KEDA rejects a second autoscaler on one workload, and the two would fight over the replica count.',
        fix: 'Remove HPA orders-worker-cpu and let KEDA create its own, or annotate the ScaledObject scaledobject.keda.sh/transfer-hpa-ownership: "true" and set spec.advanced.horizontalPodAutoscalerConfig.name to "orders-worker-cpu" to adopt it.',
      },
    ]);
  });

  it('fails the synth when a second ScaledObject is forced onto the same Deployment', () => {
    const findings = synthFindings(() =>
      synthWorker({}, prodOnly(), (worker) => {
        new ApiObject(worker, 'extra-so', {
          apiVersion: 'keda.sh/v1alpha1',
          kind: 'ScaledObject',
          metadata: { name: 'orders-worker-cron', namespace: worker.namespace, annotations: syncAnnotations(SyncWave.APP, { customResource: true }) },
          spec: { scaleTargetRef: { name: 'orders-worker' }, minReplicaCount: 1, maxReplicaCount: 2, triggers: [{ type: 'cron', metadata: { timezone: 'UTC', start: '0 8 * * *', end: '0 18 * * *', desiredReplicas: '2' } }] },
        });
      }),
    );
    expect(findings.map((f) => [f.location, f.field, f.rule])).toEqual([['acme/prod/orders-worker/extra-so', 'spec.scaleTargetRef', KEDA_RULES.duplicateScaledObject]]);
  });

  it('fails the synth on a forced ScaledObject whose derived HPA name is too long (the props cap names at 52)', () => {
    const long = `w${'-x'.repeat(27)}`;
    const findings = synthFindings(() =>
      synthWorker({}, prodOnly(), (worker) => {
        new ApiObject(worker, 'long-so', {
          apiVersion: 'keda.sh/v1alpha1',
          kind: 'ScaledObject',
          metadata: { name: long, namespace: worker.namespace, annotations: syncAnnotations(SyncWave.APP, { customResource: true }) },
          spec: { scaleTargetRef: { name: 'missing-worker' }, minReplicaCount: 1, maxReplicaCount: 2, triggers: [{ type: 'cron', metadata: {} }] },
        });
      }),
    );
    // The missing target is only a warning, so the name is the one error.
    expect(findings.map((f) => [f.field, f.value, f.rule])).toEqual([['metadata.name', long, KEDA_RULES.hpaNameLength]]);
  });
});

describe('QueueWorker errors', () => {
  it('rejects min > max with the KEDA rule id', () => {
    expect(failures({ autoscaling: nats({ minReplicas: 5, maxReplicas: 2 }) })).toEqual([
      'acme/prod/orders-worker: autoscaling.minReplicas = 5: is greater than maxReplicas (2); KEDA rejects the ScaledObject [keda/replica-bounds] Fix: lower minReplicas to at most 2 or raise maxReplicas to at least 5',
    ]);
  });

  it('rejects negative and zero bounds, pointing at scaleToZero for the idle case', () => {
    expect(failures({ autoscaling: nats({ minReplicas: -1, maxReplicas: 0 }) })).toEqual([
      'acme/prod/orders-worker: autoscaling.minReplicas = -1: must be a whole number of at least 1 (KEDA would default to 0 and scale to zero) [props/invalid] Fix: set minReplicas to 1 or more; to scale to zero when idle, add `scaleToZero: true`',
      'acme/prod/orders-worker: autoscaling.maxReplicas = 0: must be a whole number of at least 1 [props/invalid] Fix: set maxReplicas to 1 or more',
    ]);
    expect(failures({ autoscaling: nats({ minReplicas: 0 }) }).map((f) => f.split(' [')[0])).toEqual([
      'acme/prod/orders-worker: autoscaling.minReplicas = 0: must be a whole number of at least 1 (KEDA would default to 0 and scale to zero)',
    ]);
  });

  it('requires the stream and the consumer', () => {
    expect(failures({ autoscaling: nats({ stream: '', consumer: 'orders worker' }) })).toEqual([
      'acme/prod/orders-worker: autoscaling.stream = "": is required and must be a NATS stream name (no whitespace, ".", "*", ">" or slashes) [keda/nats-jetstream-metadata] Fix: set stream to the JetStream stream the workers read, e.g. "ORDERS"',
      'acme/prod/orders-worker: autoscaling.consumer = "orders worker": is required and must be a NATS consumer name (no whitespace, ".", "*", ">" or slashes) [keda/nats-jetstream-metadata] Fix: set consumer to the JetStream consumer the workers pull with, e.g. "orders-worker"',
    ]);
  });

  it('rejects a lag threshold that is not a positive whole number, and a negative activation threshold', () => {
    const lag = 'must be a whole number of messages of at least 1: it is the backlog each replica is sized for [keda/nats-jetstream-metadata] Fix: set lagThreshold to the backlog one replica clears in an acceptable time, e.g. 50';
    expect(failures({ autoscaling: nats({ lagThreshold: 0 }) })).toEqual([`acme/prod/orders-worker: autoscaling.lagThreshold = 0: ${lag}`]);
    expect(failures({ autoscaling: nats({ lagThreshold: 2.5, activationLagThreshold: -1 }) })).toEqual([
      `acme/prod/orders-worker: autoscaling.lagThreshold = 2.5: ${lag}`,
      'acme/prod/orders-worker: autoscaling.activationLagThreshold = -1: must be a whole number of messages of at least 0 [keda/nats-jetstream-metadata] Fix: use 0 to wake on any message',
    ]);
  });

  it('requires host:port for the monitoring endpoint, from the props or the credentials, not both', () => {
    expect(failures({ autoscaling: nats({ monitoringEndpoint: 'http://nats:8222/jsz' }) })).toEqual([
      'acme/prod/orders-worker: autoscaling.monitoringEndpoint = "http://nats:8222/jsz": must be host:port without a scheme or path: KEDA builds http(s)://<endpoint>/jsz itself [keda/nats-jetstream-metadata] Fix: drop "http://" and any path (set useHttps: true for HTTPS), e.g. "nats-headless.nats.svc.cluster.local:8222"',
    ]);
    expect(failures({ autoscaling: nats({ monitoringEndpoint: undefined }) }).map((f) => f.split(': is')[0])).toEqual(['acme/prod/orders-worker: autoscaling.monitoringEndpoint = undefined']);
    const both = KedaCredentials.fromSecret('nats-monitoring', { natsServerMonitoringEndpoint: 'endpoint' });
    expect(failures({ autoscaling: nats({ credentials: both }) })).toEqual([
      `acme/prod/orders-worker: autoscaling.monitoringEndpoint = "${ENDPOINT}": is set and also read from credentials; KEDA takes the TriggerAuthentication value and ignores this one [keda/nats-jetstream-metadata] Fix: remove monitoringEndpoint, or drop natsServerMonitoringEndpoint from the credentials`,
    ]);
    const objs = synthWorker({ autoscaling: nats({ monitoringEndpoint: undefined, credentials: both }) }, prodOnly());
    expect(manifestOf(objs, 'prod', 'ScaledObject', 'orders-worker').spec.triggers[0].metadata.natsServerMonitoringEndpoint).toBeUndefined();
  });

  it('rejects credentials for parameters the scaler does not read from a TriggerAuthentication', () => {
    expect(failures({ autoscaling: nats({ credentials: KedaCredentials.fromSecret('Nats', { password: 'pw' }) }) })).toEqual([
      'acme/prod/orders-worker: autoscaling.credentials.secretName = "Nats": is not a valid Secret name (a lower-case DNS subdomain) [props/invalid] Fix: use the name of an existing Secret in the workload namespace, e.g. "nats-monitoring"',
      'acme/prod/orders-worker: autoscaling.credentials.parameters.password = "password": is not a parameter this scaler reads from a TriggerAuthentication (it reads: account, natsServerMonitoringEndpoint) [props/invalid] Fix: use one of: account, natsServerMonitoringEndpoint',
    ]);
  });

  it('rejects scale to zero and fallback with only cpu/memory triggers, and repeated trigger names (the KEDA rules, at the props)', () => {
    const cpuOnly = Autoscaling.keda({ minReplicas: 1, maxReplicas: 4, triggers: [KedaTrigger.cpu({ utilizationPercent: 70 })], scaleToZero: true, fallback: { failureThreshold: 3, replicas: 2 } });
    expect(synthFindings(() => synthWorker({ autoscaling: cpuOnly }, prodOnly())).map((f) => [f.field, f.rule])).toEqual([
      ['autoscaling.scaleToZero', KEDA_RULES.scaleToZero],
      ['autoscaling.fallback', KEDA_RULES.fallback],
    ]);
    const trigger = KedaTrigger.natsJetStream({ monitoringEndpoint: ENDPOINT, stream: 'ORDERS', consumer: 'orders-worker', lagThreshold: 50 });
    const twice = Autoscaling.keda({ minReplicas: 1, maxReplicas: 4, triggers: [trigger, trigger] });
    expect(failures({ autoscaling: twice })).toEqual([
      'acme/prod/orders-worker: autoscaling.triggers[1].name = "nats-jetstream": is used by an earlier trigger; KEDA rejects a ScaledObject whose trigger names repeat [keda/duplicate-trigger-name] Fix: give each trigger its own name',
    ]);
  });

  it('requires a port on HTTP, TCP and gRPC probes (a worker has none to default to)', () => {
    expect(failures({ readinessProbe: Probe.httpGet('/healthz'), livenessProbe: Probe.grpc() })).toEqual([
      "acme/prod/orders-worker: readinessProbe.port = undefined: is required: a worker has no container port for the probe to default to [props/invalid] Fix: give the port the app serves health on, e.g. Probe.httpGet('/healthz', { port: 8081 }), or use Probe.exec([...])",
      "acme/prod/orders-worker: livenessProbe.port = undefined: is required: a worker has no container port for the probe to default to [props/invalid] Fix: give the port the app serves health on, e.g. Probe.httpGet('/healthz', { port: 8081 }), or use Probe.exec([...])",
    ]);
  });

  it('reports replicas set together with autoscaling, an unknown environment key and a rolling update that cannot progress', () => {
    const findings = synthFindings(() => synthWorker({ replicas: 3, rolling: { maxSurge: 0, maxUnavailable: 0 }, environments: { production: { replicas: 1 } } }, prodOnly()));
    // The props check (environment keys) runs before the workload resolves its props.
    expect(findings.map((f) => [f.field, f.value])).toEqual([
      ['environments.production', 'production'],
      ['replicas', 3],
      ['rolling.maxSurge', 0],
    ]);
  });
});

describe('QueueWorker snapshots', () => {
  const objects = synthWorker({ autoscaling: nats({ credentials: KedaCredentials.fromSecret('nats-monitoring', { account: 'account' }) }) });
  it.each(ENVIRONMENTS)('%s', (env) => {
    const yaml = objectsOf(objects, env, 'orders-worker').map((o) => `# ${o.path}\n${toYaml(o.manifest)}`).join('---\n');
    expect(yaml).toMatchSnapshot();
  });
});
