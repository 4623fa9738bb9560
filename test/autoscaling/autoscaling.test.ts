import { describe, expect, it } from 'vitest';
import { Autoscaling } from '../../lib/autoscaling/autoscaling.js';
import { KedaCredentials } from '../../lib/autoscaling/keda/keda-credentials.js';
import { KedaTrigger } from '../../lib/autoscaling/keda/keda-trigger.js';

const ENDPOINT = 'nats-headless.nats.svc.cluster.local:8222';
const natsProps = { minReplicas: 2, maxReplicas: 8, monitoringEndpoint: ENDPOINT, stream: 'ORDERS', consumer: 'orders-worker', lagThreshold: 50 };

describe('Autoscaling.fixed and Autoscaling.horizontal (unchanged)', () => {
  it('keeps their kinds, bounds and problems', () => {
    const fixed = Autoscaling.fixed(3);
    expect([fixed.kind, fixed.isAutoscaled, fixed.props, fixed.keda]).toEqual(['fixed', false, { minReplicas: 3, maxReplicas: 3 }, undefined]);
    const hpa = Autoscaling.horizontal({ minReplicas: 2, maxReplicas: 6, cpuUtilizationPercent: 60 });
    expect([hpa.kind, hpa.isAutoscaled, hpa.props, hpa.keda]).toEqual(['hpa', true, { minReplicas: 2, maxReplicas: 6, cpuUtilizationPercent: 60 }, undefined]);
    expect(Autoscaling.horizontal({ minReplicas: 5, maxReplicas: 2 }).problems('autoscaling')).toEqual([
      { field: 'autoscaling.minReplicas', value: 5, message: 'is greater than maxReplicas (2)', fix: 'lower minReplicas to at most 2 or raise maxReplicas to at least 5' },
    ]);
  });

  it('rescales with withBounds, keeping the kind and the other settings', () => {
    expect(Autoscaling.fixed(4).withBounds(1, 1).props).toEqual({ minReplicas: 1, maxReplicas: 1 });
    const hpa = Autoscaling.horizontal({ minReplicas: 2, maxReplicas: 6, cpuUtilizationPercent: 60 }).withBounds(1, 3);
    expect([hpa.kind, hpa.props]).toEqual(['hpa', { minReplicas: 1, maxReplicas: 3, cpuUtilizationPercent: 60 }]);
  });
});

describe('Autoscaling.natsJetStream and Autoscaling.keda', () => {
  it('are a third kind: autoscaled, with the KEDA triggers attached', () => {
    const keda = Autoscaling.natsJetStream(natsProps);
    expect([keda.kind, keda.isAutoscaled, keda.props.minReplicas, keda.props.maxReplicas]).toEqual(['keda', true, 2, 8]);
    expect(keda.keda!.triggers.map((t) => [t.type, t.name])).toEqual([['nats-jetstream', 'nats-jetstream']]);
    expect(keda.problems('autoscaling')).toEqual([]);
  });

  it('stay KEDA when an environment rescales their bounds (withBounds, as WorkloadBase does)', () => {
    const keda = Autoscaling.natsJetStream(natsProps);
    const bounded = keda.withBounds(1, 4);
    expect([bounded.kind, bounded.props.minReplicas, bounded.props.maxReplicas, bounded.keda]).toEqual(['keda', 1, 4, keda.keda]);
    const hpa = Autoscaling.horizontal({ minReplicas: 2, maxReplicas: 6, cpuUtilizationPercent: 60 }).withBounds(1, 3);
    expect([hpa.kind, hpa.props]).toEqual(['hpa', { minReplicas: 1, maxReplicas: 3, cpuUtilizationPercent: 60 }]);
    expect(Autoscaling.fixed(3).withBounds(2, 2).props).toEqual({ minReplicas: 2, maxReplicas: 2 });
  });

  it('reports trigger problems under the trigger path of Autoscaling.keda', () => {
    const keda = Autoscaling.keda({
      minReplicas: 1,
      maxReplicas: 4,
      triggers: [KedaTrigger.cpu({ utilizationPercent: 70 }), KedaTrigger.natsJetStream({ monitoringEndpoint: ENDPOINT, stream: 'ORDERS', consumer: '', lagThreshold: 50, name: 'Backlog' })],
    });
    expect(keda.problems('autoscaling').map((p) => [p.field, p.rule])).toEqual([
      ['autoscaling.triggers[1].consumer', 'keda/nats-jetstream-metadata'],
      ['autoscaling.triggers[1].name', undefined],
    ]);
  });

  it('rejects an empty trigger list and out-of-range timings', () => {
    const keda = Autoscaling.keda({ minReplicas: 1, maxReplicas: 4, triggers: [], cooldownSeconds: -1, pollingIntervalSeconds: 0, scaleDownStabilizationSeconds: 3601, fallback: { failureThreshold: 0, replicas: 0 } });
    expect(keda.problems('autoscaling').map((p) => [p.field, p.value, p.message])).toEqual([
      ['autoscaling.triggers', [], 'is empty: a ScaledObject needs at least one trigger'],
      ['autoscaling.cooldownSeconds', -1, 'must be a whole number of seconds from 0 to 86400'],
      ['autoscaling.pollingIntervalSeconds', 0, 'must be a whole number of seconds from 1 to 3600'],
      ['autoscaling.scaleDownStabilizationSeconds', 3601, 'must be a whole number of seconds from 0 to 3600'],
      ['autoscaling.fallback.failureThreshold', 0, 'must be a whole number of at least 1'],
      ['autoscaling.fallback.replicas', 0, 'must be a whole number of at least 1: falling back to zero would stop consumption exactly when the backlog cannot be seen'],
      ['autoscaling.fallback', { failureThreshold: 0, replicas: 0 }, 'needs a trigger that is not cpu or memory and uses the AverageValue metric type; KEDA rejects the ScaledObject otherwise'],
    ]);
  });
});

describe('KedaTrigger and KedaCredentials', () => {
  it('render cpu, memory and custom triggers with their metric types', () => {
    expect(KedaTrigger.cpu({ utilizationPercent: 70 }).render()).toEqual({ type: 'cpu', name: 'cpu', metricType: 'Utilization', metadata: { value: '70' } });
    expect(KedaTrigger.memory({ utilizationPercent: 80, containerName: 'app', name: 'mem' }).render()).toEqual({ type: 'memory', name: 'mem', metricType: 'Utilization', metadata: { value: '80', containerName: 'app' } });
    const prometheus = KedaTrigger.custom({ type: 'prometheus', metadata: { serverAddress: 'http://prometheus:9090', query: 'sum(backlog)', threshold: '10' }, metricType: 'Value' });
    expect(prometheus.render('auth')).toEqual({
      type: 'prometheus',
      name: 'prometheus',
      metricType: 'Value',
      metadata: { serverAddress: 'http://prometheus:9090', query: 'sum(backlog)', threshold: '10' },
      authenticationRef: { name: 'auth', kind: 'TriggerAuthentication' },
    });
    expect(KedaTrigger.cpu({ utilizationPercent: 0 }).problems('t')).toEqual([{ field: 't.utilizationPercent', value: 0, message: 'must be a whole percentage from 1 to 100', fix: 'use e.g. 70' }]);
    expect(KedaTrigger.custom({ type: 'Prometheus!', metadata: {} }).problems('t').map((p) => p.field)).toEqual(['t.type', 't.name']);
  });

  it('render a secretTargetRef per parameter, sorted, and reject an empty mapping', () => {
    const credentials = KedaCredentials.fromSecret('nats-monitoring', { natsServerMonitoringEndpoint: 'endpoint', account: 'account' });
    expect(credentials.renderSpec()).toEqual({
      secretTargetRef: [
        { parameter: 'account', name: 'nats-monitoring', key: 'account' },
        { parameter: 'natsServerMonitoringEndpoint', name: 'nats-monitoring', key: 'endpoint' },
      ],
    });
    expect(credentials.problems('c', ['account', 'natsServerMonitoringEndpoint'])).toEqual([]);
    expect(KedaCredentials.fromSecret('nats', {}).problems('c', ['account'])).toEqual([
      { field: 'c.parameters', value: {}, message: 'maps no scaler parameter, so the TriggerAuthentication would supply nothing', fix: 'map at least one of: account' },
    ]);
    expect(KedaCredentials.fromSecret('nats', { account: 'bad key!' }).problems('c', ['account']).map((p) => [p.field, p.value])).toEqual([['c.parameters.account', 'bad key!']]);
  });
});
