import { describe, expect, it } from 'vitest';
import type { Finding } from '../../lib/validation/finding.js';
import { checkKeda, KEDA_RULES, KEDA_WARNING_RULES } from '../../lib/validation/keda-rules.js';
import type { Manifest } from '../../lib/validation/manifest.js';

// ---------------------------------------------------------------------------------------------------
// Fixtures: a valid set (Deployment + ScaledObject on the NATS backlog + its TriggerAuthentication).
// Each test changes one thing and asserts the exact findings.
// ---------------------------------------------------------------------------------------------------

const NS = 'jobs';
const SO_LOCATION = 'out/scaledobject.yaml: ScaledObject/jobs/worker';

function deployment(name = 'worker', resources: Record<string, unknown> = { requests: { cpu: '100m', memory: '128Mi' } }): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: 'registry.example/worker:1.0.0', resources }] } },
    },
  };
}

function natsTrigger(metadata: Record<string, unknown> = {}): any {
  return {
    type: 'nats-jetstream',
    name: 'backlog',
    metadata: { natsServerMonitoringEndpoint: 'nats-headless.nats.svc.cluster.local:8222', account: '$G', stream: 'ORDERS', consumer: 'worker', lagThreshold: '50', ...metadata },
  };
}

function scaledObject(spec: Record<string, unknown> = {}, name = 'worker', annotations?: Record<string, string>): any {
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name, namespace: NS, ...(annotations ? { annotations } : {}) },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'worker' }, minReplicaCount: 1, maxReplicaCount: 5, triggers: [natsTrigger()], ...spec },
  };
}

function hpa(name: string, target: Record<string, unknown> = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'worker' }, metadata: Record<string, unknown> = {}): any {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace: NS, ...metadata },
    spec: { scaleTargetRef: target, minReplicas: 1, maxReplicas: 5 },
  };
}

function triggerAuthentication(name: string, parameters: string[]): any {
  return { apiVersion: 'keda.sh/v1alpha1', kind: 'TriggerAuthentication', metadata: { name, namespace: NS }, spec: { secretTargetRef: parameters.map((p) => ({ parameter: p, name: 'nats', key: p })) } };
}

function manifest(object: any): Manifest {
  const location = object.kind === 'ScaledObject' && object.metadata.name === 'worker' ? SO_LOCATION : `out/${object.kind.toLowerCase()}-${object.metadata.name}.yaml`;
  return { object, location };
}

/** The valid set with `so` as its ScaledObject, plus `extra` objects. */
function set(so: any = scaledObject(), ...extra: any[]): Manifest[] {
  return [deployment(), so, ...extra].map(manifest);
}

const finding = (field: string, value: unknown, rule: string, message: string, fix: string, location = SO_LOCATION): Finding => ({ location, field, value, rule, message, fix });

describe('checkKeda: the valid set', () => {
  it('reports nothing for a Deployment scaled by one ScaledObject', () => {
    expect(checkKeda(set())).toEqual([]);
  });

  it('ignores sets without ScaledObjects', () => {
    expect(checkKeda([manifest(deployment()), manifest(hpa('worker'))])).toEqual([]);
  });
});

describe('checkKeda: one autoscaler per workload (verifyHpas, verifyScaledObjects)', () => {
  it('rejects an HPA on the workload the ScaledObject scales', () => {
    // GIVEN an HPA targeting the same Deployment, WHEN checked, THEN the ScaledObject is rejected
    expect(checkKeda(set(scaledObject(), hpa('worker-hpa')))).toEqual([
      finding(
        'spec.scaleTargetRef',
        'worker',
        KEDA_RULES.hpaConflict,
        'The workload worker (apps/v1.Deployment) is already scaled by HPA "worker-hpa" (out/horizontalpodautoscaler-worker-hpa.yaml); KEDA rejects a second autoscaler on one workload, and the two would fight over the replica count.',
        'Remove HPA worker-hpa and let KEDA create its own, or annotate the ScaledObject scaledobject.keda.sh/transfer-hpa-ownership: "true" and set spec.advanced.horizontalPodAutoscalerConfig.name to "worker-hpa" to adopt it.',
      ),
    ]);
  });

  it('accepts HPAs on other workloads, HPAs opted out of the check, owned HPAs and a named ownership transfer', () => {
    const transfer = scaledObject({ advanced: { horizontalPodAutoscalerConfig: { name: 'worker-hpa' } } }, 'worker', { 'scaledobject.keda.sh/transfer-hpa-ownership': 'true' });
    expect(checkKeda(set(scaledObject(), hpa('api', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }), deployment('api')))).toEqual([]);
    // An HPA on an argoproj.io Rollout of the same name is another workload (group/version/kind differ).
    expect(checkKeda(set(scaledObject(), hpa('rollout-hpa', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'worker' })))).toEqual([]);
    expect(checkKeda(set(scaledObject(), hpa('worker-hpa', undefined, { annotations: { 'validations.keda.sh/hpa-ownership': 'false' } })))).toEqual([]);
    expect(checkKeda(set(scaledObject(), hpa('keda-hpa-worker', undefined, { ownerReferences: [{ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', name: 'worker', uid: 'u' }] })))).toEqual([]);
    expect(checkKeda(set(transfer, hpa('worker-hpa')))).toEqual([]);
  });

  it('defaults an empty scaleTargetRef apiVersion and kind to apps/v1 Deployment, like the webhook', () => {
    expect(checkKeda(set(scaledObject({ scaleTargetRef: { name: 'worker' } }), hpa('worker-hpa'))).map((f) => f.rule)).toEqual([KEDA_RULES.hpaConflict]);
  });

  it('requires an ownership transfer to name the HPA it adopts', () => {
    const transfer = scaledObject({}, 'worker', { 'scaledobject.keda.sh/transfer-hpa-ownership': 'true' });
    expect(checkKeda(set(transfer, hpa('worker-hpa')))).toEqual([
      finding(
        'spec.advanced.horizontalPodAutoscalerConfig.name',
        undefined,
        KEDA_RULES.hpaConflict,
        'The workload worker (apps/v1.Deployment) is scaled by HPA "worker-hpa"; an ownership transfer must name that HPA in advanced settings.',
        'Set spec.advanced.horizontalPodAutoscalerConfig.name to "worker-hpa".',
      ),
    ]);
  });

  it('rejects the second of two ScaledObjects on one workload, and accepts two on two workloads', () => {
    const second = scaledObject({}, 'worker-2');
    expect(checkKeda(set(scaledObject(), second))).toEqual([
      finding(
        'spec.scaleTargetRef',
        'worker',
        KEDA_RULES.duplicateScaledObject,
        `The workload worker (apps/v1.Deployment) is already managed by ScaledObject "worker" (${SO_LOCATION}).`,
        'Merge the triggers into ScaledObject worker (one ScaledObject per workload), or delete one of them.',
        'out/scaledobject-worker-2.yaml',
      ),
    ]);
    const other = scaledObject({ scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' } }, 'api');
    expect(checkKeda(set(scaledObject(), other, deployment('api')))).toEqual([]);
  });

  it('rejects two ScaledObjects that would create the same HPA', () => {
    const named = (name: string, target: string) => scaledObject({ scaleTargetRef: { name: target }, advanced: { horizontalPodAutoscalerConfig: { name: 'shared-hpa' } } }, name);
    expect(checkKeda(set(named('worker', 'worker'), named('api', 'api'), deployment('api')))).toEqual([
      finding('spec.advanced.horizontalPodAutoscalerConfig.name', 'shared-hpa', KEDA_RULES.hpaNameConflict, 'The HPA "shared-hpa" is already managed by ScaledObject "worker".', 'Give each ScaledObject its own HPA name.', 'out/scaledobject-api.yaml'),
    ]);
  });
});

describe('checkKeda: names (verifyName)', () => {
  it('accepts a 54-character name (keda-hpa-<name> is exactly 63) and rejects 55', () => {
    const ok = 'w'.repeat(54);
    const long = 'w'.repeat(55);
    expect(checkKeda(set(scaledObject({}, ok)))).toEqual([]);
    expect(checkKeda(set(scaledObject({}, long)))).toEqual([
      finding(
        'metadata.name',
        long,
        KEDA_RULES.hpaNameLength,
        `The HPA name "keda-hpa-${long}" KEDA derives is 64 characters long; it must fit 63, or KEDA never creates the HPA.`,
        'Shorten the ScaledObject name to at most 54 characters, or set spec.advanced.horizontalPodAutoscalerConfig.name to a shorter HPA name.',
        `out/scaledobject-${long}.yaml`,
      ),
    ]);
  });

  it('accepts a long name with a short custom HPA name, up to the 63-character label limit', () => {
    const custom = { advanced: { horizontalPodAutoscalerConfig: { name: 'worker-hpa' } } };
    expect(checkKeda(set(scaledObject(custom, 'w'.repeat(63))))).toEqual([]);
    expect(checkKeda(set(scaledObject(custom, 'w'.repeat(64))))).toEqual([
      finding(
        'metadata.name',
        'w'.repeat(64),
        KEDA_RULES.nameLength,
        `ScaledObject name "${'w'.repeat(64)}" is 64 characters long; it is used as the scaledobject.keda.sh/name label value, which allows at most 63.`,
        'Shorten the ScaledObject name to at most 54 characters (so keda-hpa-<name> fits too).',
        `out/scaledobject-${'w'.repeat(64)}.yaml`,
      ),
    ]);
  });
});

describe('checkKeda: replica bounds (CheckReplicaCountBoundsAreValid)', () => {
  it('accepts min = max and rejects min > max', () => {
    expect(checkKeda(set(scaledObject({ minReplicaCount: 5 })))).toEqual([]);
    expect(checkKeda(set(scaledObject({ minReplicaCount: 6 })))).toEqual([
      finding('spec.minReplicaCount', 6, KEDA_RULES.replicaBounds, 'minReplicaCount 6 is greater than maxReplicaCount 5; KEDA rejects the ScaledObject.', 'Lower minReplicaCount to at most 5, or raise maxReplicaCount to at least 6.'),
    ]);
  });

  it('compares with the default maxReplicaCount of 100 when it is unset', () => {
    const unsetMax = (min: number) => scaledObject({ minReplicaCount: min, maxReplicaCount: undefined });
    expect(checkKeda(set(unsetMax(100)))).toEqual([]);
    expect(checkKeda(set(unsetMax(101)))).toEqual([
      finding('spec.minReplicaCount', 101, KEDA_RULES.replicaBounds, 'minReplicaCount 101 is greater than maxReplicaCount 100 (the default); KEDA rejects the ScaledObject.', 'Lower minReplicaCount to at most 100, or raise maxReplicaCount to at least 101.'),
    ]);
  });

  it('accepts idleReplicaCount 0 below minReplicaCount, and rejects it at or above', () => {
    expect(checkKeda(set(scaledObject({ idleReplicaCount: 0 })))).toEqual([]);
    expect(checkKeda(set(scaledObject({ idleReplicaCount: 1 })))).toEqual([
      finding('spec.idleReplicaCount', 1, KEDA_RULES.idleReplicas, 'idleReplicaCount 1 is not less than minReplicaCount 1; KEDA rejects the ScaledObject.', 'Set idleReplicaCount to 0 and minReplicaCount to at least 1 (0 is the only idle count KEDA supports, kedacore/keda#2314).'),
    ]);
  });

  it('counts an unset minReplicaCount as 0 and an explicit 0 as 1, like the webhook', () => {
    expect(checkKeda(set(scaledObject({ idleReplicaCount: 0, minReplicaCount: 0 })))).toEqual([]);
    expect(checkKeda(set(scaledObject({ idleReplicaCount: 0, minReplicaCount: undefined })))).toEqual([
      finding('spec.idleReplicaCount', 0, KEDA_RULES.idleReplicas, 'idleReplicaCount 0 is not less than minReplicaCount 0 (unset counts as 0); KEDA rejects the ScaledObject.', 'Set idleReplicaCount to 0 and minReplicaCount to at least 1 (0 is the only idle count KEDA supports, kedacore/keda#2314).'),
    ]);
  });
});

describe('checkKeda: cpu and memory triggers (verifyCPUMemoryScalers)', () => {
  const cpu = { type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } };
  const memory = { type: 'memory', metricType: 'Utilization', metadata: { value: '80', containerName: 'worker' } };

  it('accepts cpu and memory triggers when the container requests (or limits) them', () => {
    expect(checkKeda(set(scaledObject({ triggers: [natsTrigger(), cpu, memory] })))).toEqual([]);
    const limitsOnly = [deployment('worker', { limits: { cpu: '1', memory: '1Gi' } }), scaledObject({ triggers: [natsTrigger(), cpu, memory] })].map(manifest);
    expect(checkKeda(limitsOnly)).toEqual([]);
  });

  it('rejects a cpu trigger on a container without a cpu request or limit', () => {
    const noCpu = [deployment('worker', { requests: { memory: '128Mi' } }), scaledObject({ triggers: [natsTrigger(), cpu] })].map(manifest);
    expect(checkKeda(noCpu)).toEqual([
      finding(
        'spec.triggers[1]',
        'worker',
        KEDA_RULES.cpuMemoryResources,
        'The cpu trigger needs a cpu request on container "worker" of Deployment worker, which sets none (nor does a LimitRange default in the namespace); KEDA rejects the ScaledObject.',
        'Set resources.requests.cpu on container worker, or scale on another trigger.',
      ),
    ]);
  });

  it('accepts the missing request when a LimitRange in the namespace defaults it, and ignores Rollout targets', () => {
    const limitRange = { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'defaults', namespace: NS }, spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '100m' } }] } };
    expect(checkKeda([deployment('worker', {}), scaledObject({ triggers: [natsTrigger(), cpu] }), limitRange].map(manifest))).toEqual([]);
    const rollout = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'worker', namespace: NS }, spec: { template: { spec: { containers: [{ name: 'worker' }] } } } };
    const onRollout = scaledObject({ scaleTargetRef: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'worker' }, triggers: [natsTrigger(), cpu] });
    expect(checkKeda([rollout, onRollout].map(manifest))).toEqual([]);
  });

  it('rejects scale to zero with only cpu/memory triggers, and accepts it with a minimum of 1', () => {
    expect(checkKeda(set(scaledObject({ triggers: [cpu], minReplicaCount: 1 })))).toEqual([]);
    expect(checkKeda(set(scaledObject({ triggers: [cpu], minReplicaCount: 0 })))).toEqual([
      finding('spec.minReplicaCount', 0, KEDA_RULES.scaleToZero, 'The ScaledObject has only cpu/memory triggers and minReplicaCount 0; scale to zero does not work with them, so KEDA rejects it.', 'Set minReplicaCount to 1 or more, or add an event trigger.'),
    ]);
  });

  it('policy: flags an idle count with only cpu/memory triggers (accepted upstream, but never wakes)', () => {
    expect(checkKeda(set(scaledObject({ triggers: [cpu], idleReplicaCount: 0 })))).toEqual([
      finding('spec.idleReplicaCount', 0, KEDA_RULES.scaleToZero, 'The ScaledObject has only cpu/memory triggers and an idleReplicaCount; they are never active, so the workload would sit at the idle count for good.', 'Remove idleReplicaCount, or add an event trigger.'),
    ]);
  });
});

describe('checkKeda: fallback (CheckFallbackValid)', () => {
  const fallback = { failureThreshold: 3, replicas: 2 };

  it('accepts a fallback with an AverageValue event trigger (the default metric type)', () => {
    expect(checkKeda(set(scaledObject({ fallback })))).toEqual([]);
    expect(checkKeda(set(scaledObject({ fallback, triggers: [{ ...natsTrigger(), metricType: 'AverageValue' }] })))).toEqual([]);
  });

  it('rejects a fallback when every event trigger uses Value and the rest are cpu/memory', () => {
    const so = scaledObject({ fallback, triggers: [{ ...natsTrigger(), metricType: 'Value' }, { type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } }] });
    expect(checkKeda(set(so))).toEqual([
      finding('spec.fallback', fallback, KEDA_RULES.fallback, 'Fallback needs at least one trigger that is not cpu or memory and uses the AverageValue metric type; KEDA rejects the ScaledObject.', 'Add such a trigger (AverageValue is the default metricType), or remove spec.fallback.'),
    ]);
  });

  it('with scalingModifiers, requires their metricType to be AverageValue', () => {
    const modifiers = (metricType: string) => scaledObject({ fallback, advanced: { scalingModifiers: { formula: 'backlog', target: '50', metricType } } });
    expect(checkKeda(set(modifiers('AverageValue')))).toEqual([]);
    expect(checkKeda(set(modifiers('Value')))).toEqual([
      finding('spec.advanced.scalingModifiers.metricType', 'Value', KEDA_RULES.fallback, 'Fallback needs scalingModifiers.metricType AverageValue; KEDA rejects the ScaledObject.', 'Set spec.advanced.scalingModifiers.metricType to AverageValue, or remove spec.fallback.'),
    ]);
  });
});

describe('checkKeda: triggers (ValidateTriggers)', () => {
  it('rejects repeated trigger names and accepts distinct (or absent) ones', () => {
    expect(checkKeda(set(scaledObject({ triggers: [natsTrigger(), { ...natsTrigger(), name: 'backlog-2' }, { ...natsTrigger(), name: undefined }] })))).toEqual([]);
    expect(checkKeda(set(scaledObject({ triggers: [natsTrigger(), natsTrigger()] })))).toEqual([
      finding('spec.triggers[1].name', 'backlog', KEDA_RULES.duplicateTriggerName, 'Trigger name "backlog" is defined more than once; KEDA requires unique trigger names.', 'Give each trigger its own name.'),
    ]);
  });

  it('rejects useCachedMetrics on cpu, memory and cron, and accepts it elsewhere', () => {
    expect(checkKeda(set(scaledObject({ triggers: [{ ...natsTrigger(), useCachedMetrics: true }] })))).toEqual([]);
    const cron = { type: 'cron', name: 'office-hours', useCachedMetrics: true, metadata: { timezone: 'UTC', start: '0 8 * * *', end: '0 18 * * *', desiredReplicas: '2' } };
    expect(checkKeda(set(scaledObject({ triggers: [natsTrigger(), cron] })))).toEqual([
      finding('spec.triggers[1].useCachedMetrics', true, KEDA_RULES.cachedMetrics, 'useCachedMetrics is not supported for the cron scaler; KEDA rejects the ScaledObject.', 'Remove useCachedMetrics from this trigger.'),
    ]);
  });
});

describe('checkKeda: nats-jetstream metadata (the scaler parses it at reconcile)', () => {
  it('reports every unparsable or missing field at once', () => {
    const broken = scaledObject({ triggers: [{ type: 'nats-jetstream', metadata: { lagThreshold: '5x', activationLagThreshold: '1.5', useHttps: 'yes', natsServerMonitoringEndpoint: 'http://nats:8222' } }] });
    const at = 'spec.triggers[0].metadata';
    expect(checkKeda(set(broken))).toEqual([
      finding(`${at}.stream`, undefined, KEDA_RULES.natsMetadata, 'The nats-jetstream trigger has no stream; the scaler fails and the ScaledObject never becomes Ready.', 'Set metadata.stream.'),
      finding(`${at}.consumer`, undefined, KEDA_RULES.natsMetadata, 'The nats-jetstream trigger has no consumer; the scaler fails and the ScaledObject never becomes Ready.', 'Set metadata.consumer.'),
      finding(`${at}.lagThreshold`, '5x', KEDA_RULES.natsMetadata, 'lagThreshold "5x" is not an integer; the scaler fails to parse it.', 'Write lagThreshold as a whole number in quotes, e.g. "50".'),
      finding(`${at}.activationLagThreshold`, '1.5', KEDA_RULES.natsMetadata, 'activationLagThreshold "1.5" is not an integer; the scaler fails to parse it.', 'Write activationLagThreshold as a whole number in quotes, e.g. "50".'),
      finding(`${at}.useHttps`, 'yes', KEDA_RULES.natsMetadata, 'useHttps "yes" is not a boolean; the scaler fails to parse it.', 'Write "true" or "false".'),
      finding(`${at}.natsServerMonitoringEndpoint`, 'http://nats:8222', KEDA_RULES.natsMetadata, 'natsServerMonitoringEndpoint "http://nats:8222" has a scheme or path; KEDA builds http(s)://<endpoint>/jsz itself.', 'Give host:port only (e.g. "nats-headless.nats.svc.cluster.local:8222") and set useHttps for HTTPS.'),
    ]);
  });

  it('rejects a zero lagThreshold (the HPA target must be positive)', () => {
    expect(checkKeda(set(scaledObject({ triggers: [natsTrigger({ lagThreshold: '0' })] })))).toEqual([
      finding('spec.triggers[0].metadata.lagThreshold', '0', KEDA_RULES.natsMetadata, 'lagThreshold "0" must be at least 1: it becomes the HPA\'s AverageValue target, which must be positive.', 'Set lagThreshold to the backlog one replica should handle, e.g. "50".'),
    ]);
  });

  it('takes the monitoring endpoint from the TriggerAuthentication when the set holds it', () => {
    const viaAuth = (parameters: string[]) => {
      const trigger = { ...natsTrigger({ natsServerMonitoringEndpoint: undefined }), authenticationRef: { name: 'nats-auth' } };
      return set(scaledObject({ triggers: [trigger] }), triggerAuthentication('nats-auth', parameters));
    };
    expect(checkKeda(viaAuth(['natsServerMonitoringEndpoint']))).toEqual([]);
    expect(checkKeda(viaAuth(['account']))).toEqual([
      finding(
        'spec.triggers[0].metadata.natsServerMonitoringEndpoint',
        undefined,
        KEDA_RULES.natsMetadata,
        'The nats-jetstream trigger has no natsServerMonitoringEndpoint, in metadata or in its TriggerAuthentication; the scaler fails.',
        'Set metadata.natsServerMonitoringEndpoint to host:port of the NATS monitoring endpoint.',
      ),
    ]);
  });
});

describe('checkKeda: references outside the set (warnings)', () => {
  it('warns when the scale target or the TriggerAuthentication is not in the set', () => {
    const so = scaledObject({ triggers: [{ ...natsTrigger(), authenticationRef: { name: 'nats-auth' } }] });
    const findings = checkKeda([manifest(so)]);
    expect(findings).toEqual([
      finding(
        'spec.scaleTargetRef',
        'worker',
        KEDA_RULES.missingTarget,
        'The scale target worker (apps/v1.Deployment) is not in this manifest set; until it exists KEDA reports the ScaledObject not Ready, which Argo CD shows as Degraded.',
        'Fix scaleTargetRef (apiVersion, kind, name), or make sure the workload is synced no later than the ScaledObject.',
      ),
      finding('spec.triggers[0].authenticationRef.name', 'nats-auth', KEDA_RULES.missingTriggerAuthentication, 'TriggerAuthentication "nats-auth" is not in this manifest set; the trigger fails until it exists.', 'Add the TriggerAuthentication to the set, or fix the name.'),
    ]);
    expect(findings.every((f) => KEDA_WARNING_RULES.has(f.rule))).toBe(true);
    expect(checkKeda(set(so, triggerAuthentication('nats-auth', ['account'])))).toEqual([]);
  });

  it('does not match objects of another namespace', () => {
    const elsewhere = { ...deployment(), metadata: { name: 'worker', namespace: 'other' } };
    expect(checkKeda([manifest(elsewhere), manifest(scaledObject())]).map((f) => f.rule)).toEqual([KEDA_RULES.missingTarget]);
  });
});

describe('checkKeda: sync waves (policy)', () => {
  const waved = (object: any, wave: number) => ({ ...object, metadata: { ...object.metadata, annotations: { 'argocd.argoproj.io/sync-wave': String(wave) } } });

  it('accepts a ScaledObject in its target wave or later, and rejects one in an earlier wave (first-sync deadlock)', () => {
    expect(checkKeda([waved(deployment(), 20), waved(scaledObject(), 20)].map(manifest))).toEqual([]);
    expect(checkKeda([waved(deployment(), 20), waved(scaledObject(), 30)].map(manifest))).toEqual([]);
    expect(checkKeda([waved(deployment(), 20), waved(scaledObject(), 10)].map(manifest))).toEqual([
      finding(
        'metadata.annotations["argocd.argoproj.io/sync-wave"]',
        '10',
        KEDA_RULES.waveBeforeTarget,
        'The ScaledObject syncs in wave 10, before its target Deployment worker (wave 20); KEDA marks it not Ready until the target exists, Argo CD reports it Degraded, and the target\'s wave never starts.',
        'Put the ScaledObject in wave 20 (its target\'s) or later.',
      ),
    ]);
  });
});
