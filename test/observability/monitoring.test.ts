import { Duration } from 'cdk8s';
import { beforeAll, describe, expect, it } from 'vitest';
import { Autoscaling } from '../../lib/autoscaling/autoscaling.js';
import { Environment, SloAlerting } from '../../lib/core/environment.js';
import { SLO_ANNOTATION, SLO_RECORDS } from '../../lib/observability/slo-rules.js';
import { RolloutNotificationTrigger } from '../../lib/observability/rollout-notifications.js';
import { Probe } from '../../lib/pod/probe.js';
import { formatFinding } from '../../lib/validation/finding.js';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { QueueWorker } from '../../lib/workloads/queue-worker.js';
import { StatelessService, StatelessServiceProps } from '../../lib/workloads/stateless-service.js';
import { WebFrontend } from '../../lib/workloads/web-frontend.js';
import { DIGEST_IMAGE, manifestOf, objectsOf, synthFindings, synthPlatform } from '../helpers.js';

const base: StatelessServiceProps = { image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/readyz'), replicas: 10 };
const synthApi = (props: Partial<StatelessServiceProps> = {}, environments?: Environment[]) => synthPlatform((env) => new StatelessService(env, 'api', { ...base, ...props }), environments);
const kinds = (objects: ReturnType<typeof synthApi>, env: string) => objectsOf(objects, env, 'api').map((o) => o.manifest.kind);
const container = (workload: Record<string, any>) => workload.spec.template.spec.containers[0];
const alerts = (rule: Record<string, any>) => rule.spec.groups.flatMap((g: any) => g.rules).filter((r: any) => r.alert);

let validator: SchemaValidator;
beforeAll(async () => {
  validator = await SchemaValidator.load();
});

describe('which workloads are watched', () => {
  // GIVEN a service without a declared SLO: canary (analysed against the default SLO) in prod, rolling elsewhere
  const objects = synthApi();

  it('a canary analysed against the default SLO is scraped and watched; the same service rolling without an SLO is not', () => {
    expect(kinds(objects, 'prod')).toEqual(expect.arrayContaining(['PodMonitor', 'PrometheusRule']));
    for (const env of ['dev', 'staging']) {
      expect(kinds(objects, env)).not.toContain('PodMonitor');
      expect(kinds(objects, env)).not.toContain('PrometheusRule');
      expect(container(manifestOf(objects, env, 'Deployment', 'api')).ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    }
    const rule = manifestOf(objects, 'prod', 'PrometheusRule', 'api-slo');
    expect(JSON.parse(rule.metadata.annotations[SLO_ANNOTATION]).objectives.map((o: any) => [o.name, o.target])).toEqual([['availability', 0.995], ['latency', 0.99]]);
  });

  it('the pod declares the metrics port the PodMonitor scrapes (the OTel Prometheus exporter default: 9464, /metrics)', () => {
    expect(container(manifestOf(objects, 'prod', 'Rollout', 'api')).ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9464, protocol: 'TCP' },
    ]);
    const monitor = manifestOf(objects, 'prod', 'PodMonitor', 'api');
    expect(monitor.spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/part-of': 'acme' } },
      namespaceSelector: { matchNames: ['acme-prod'] },
      podMetricsEndpoints: [{ port: 'metrics', path: '/metrics', interval: '30s' }],
    });
    expect(validator.validate(monitor, 'x')).toEqual([]);
  });

  it('a declared SLO is watched in every environment, with the alerts each environment asks for', () => {
    const watched = synthApi({ slo: { successRate: 0.999 } });
    const severities = (env: string) => alerts(manifestOf(watched, env, 'PrometheusRule', 'api-slo')).map((a: any) => a.labels.severity);
    expect(severities('prod')).toEqual(['page', 'page', 'ticket', 'ticket', 'page', 'page', 'ticket', 'ticket']);
    expect(severities('staging')).toEqual(['ticket', 'ticket', 'ticket', 'ticket']);
    expect(severities('dev')).toEqual([]);
    expect(kinds(watched, 'dev')).toContain('PodMonitor');
  });

  it('an environment chooses its alerts (prod with tickets only, a custom environment with pages)', () => {
    const objects = synthApi({}, [Environment.prod({ sloAlerting: SloAlerting.TICKET }), new Environment({ name: 'perf', statelessDelivery: Environment.prod().statelessDelivery, sloAlerting: SloAlerting.PAGE_AND_TICKET })]);
    expect(alerts(manifestOf(objects, 'prod', 'PrometheusRule', 'api-slo')).map((a: any) => a.labels.severity)).not.toContain('page');
    expect(alerts(manifestOf(objects, 'perf', 'PrometheusRule', 'api-slo')).map((a: any) => a.labels.severity)).toContain('page');
    expect([Environment.dev().sloAlerting, Environment.staging().sloAlerting, Environment.prod().sloAlerting, new Environment({ name: 'x' }).sloAlerting]).toEqual([SloAlerting.NONE, SloAlerting.TICKET, SloAlerting.PAGE_AND_TICKET, SloAlerting.NONE]);
  });

  it('scrape: false leaves the PodMonitor out (another scrape config reads the pods) and keeps the rules', () => {
    const objects = synthApi({ monitoring: { scrape: false } }, [Environment.prod()]);
    expect(kinds(objects, 'prod')).not.toContain('PodMonitor');
    expect(kinds(objects, 'prod')).toContain('PrometheusRule');
    expect(container(manifestOf(objects, 'prod', 'Rollout', 'api')).ports).toHaveLength(1);
  });

  it('other workloads opt in: a queue worker scraped on its metrics port, with no rules (it has no SLO)', () => {
    const objects = synthPlatform((env) => new QueueWorker(env, 'worker', { image: DIGEST_IMAGE, monitoring: { scrape: true, metricsPath: '/stats' } }), [Environment.prod()]);
    const monitor = manifestOf(objects, 'prod', 'PodMonitor', 'worker');
    expect(monitor.spec.podMetricsEndpoints).toEqual([{ port: 'metrics', path: '/stats', interval: '30s' }]);
    expect(container(manifestOf(objects, 'prod', 'Deployment', 'worker')).ports).toEqual([{ name: 'metrics', containerPort: 9464, protocol: 'TCP' }]);
    expect(objects.map((o) => o.manifest.kind)).not.toContain('PrometheusRule');
  });

  it('metrics served on the http port are scraped there: no second port', () => {
    const objects = synthApi({ port: 9464, monitoring: { metricsPort: 9464 } }, [Environment.prod()]);
    expect(manifestOf(objects, 'prod', 'PodMonitor', 'api').spec.podMetricsEndpoints[0].port).toBe('http');
    expect(container(manifestOf(objects, 'prod', 'Rollout', 'api')).ports).toEqual([{ name: 'http', containerPort: 9464, protocol: 'TCP' }]);
  });

  it("the Prometheus's selector labels, the team, the runbook and the SLO period reach the monitor and the rules", () => {
    const objects = synthApi({ monitoring: { selectorLabels: { release: 'kube-prometheus-stack' }, team: 'payments', runbookUrl: 'https://runbooks.example.com/api', sloPeriod: Duration.days(28) } }, [Environment.prod()]);
    expect(manifestOf(objects, 'prod', 'PodMonitor', 'api').metadata.labels.release).toBe('kube-prometheus-stack');
    const rule = manifestOf(objects, 'prod', 'PrometheusRule', 'api-slo');
    expect(rule.metadata.labels.release).toBe('kube-prometheus-stack');
    for (const a of alerts(rule)) {
      expect(a.labels.team).toBe('payments');
      expect(a.annotations.runbook_url).toBe('https://runbooks.example.com/api');
      expect(a.annotations.description).toMatch(/28-day budget/);
    }
    const records = rule.spec.groups[0].rules.map((r: any) => r.record).filter(Boolean);
    expect(records).toContain(SLO_RECORDS.errorRatio('28d'));
    expect(validator.validate(rule, 'x')).toEqual([]);
  });

  it('bad monitoring props fail the synth with every problem at once, each with its field and fix', () => {
    const findings = synthFindings(() => synthApi({ monitoring: { metricsPort: 70000, metricsPath: 'metrics', selectorLabels: { release: 'a b' }, team: '', runbookUrl: 'runbooks/api', sloPeriod: Duration.hours(36) } }, [Environment.prod()])).map(formatFinding);
    for (const field of ['monitoring.metricsPort = 70000', 'monitoring.metricsPath = "metrics"', 'monitoring.selectorLabels.release = "a b"', 'monitoring.team = ""', 'monitoring.runbookUrl = "runbooks/api"', 'monitoring.sloPeriod = "36h"']) {
      expect(findings.filter((f) => f.includes(field)), field).toHaveLength(1);
    }
    expect(findings.every((f) => f.includes('Fix: '))).toBe(true);
  });

  it('an SLO mistake in a rolling environment is reported there too (the SLO is used by its rules), once per environment', () => {
    const findings = synthFindings(() => synthApi({ slo: { successRate: 1.5 } }, [Environment.dev(), Environment.prod()])).map(formatFinding);
    expect(findings.filter((f) => f.includes('slo.successRate = 1.5'))).toHaveLength(2);
  });

  it('the schema check of the emitted objects is not vacuous: a typo in a PodMonitor or a PrometheusRule is rejected', () => {
    const monitor = structuredClone(manifestOf(objects, 'prod', 'PodMonitor', 'api'));
    monitor.spec.podMetricsEndpoints[0].paht = '/metrics';
    expect(validator.validate(monitor, 'x').map((f) => [f.rule, f.field])).toEqual([['schema/unknown-field', 'spec.podMetricsEndpoints[0].paht']]);
    const rule = structuredClone(manifestOf(objects, 'prod', 'PrometheusRule', 'api-slo'));
    rule.spec.groups[0].rules[0].recrod = 'x';
    expect(validator.validate(rule, 'x').map((f) => f.rule)).toContain('schema/unknown-field');
  });
});

describe('Argo Rollouts notifications', () => {
  const notifications = { service: 'slack', recipients: ['deployments', 'api-team'] };

  it('a Rollout subscribes its recipients to aborts and pauses; a Deployment has no Rollout to subscribe', () => {
    const objects = synthApi({ notifications, autoscaling: Autoscaling.fixed(10) });
    const annotations = manifestOf(objects, 'prod', 'Rollout', 'api').metadata.annotations;
    expect(annotations).toMatchObject({
      'notifications.argoproj.io/subscribe.on-rollout-aborted.slack': 'deployments;api-team',
      'notifications.argoproj.io/subscribe.on-rollout-paused.slack': 'deployments;api-team',
      'argocd.argoproj.io/sync-wave': '30',
    });
    expect(Object.keys(manifestOf(objects, 'dev', 'Deployment', 'api').metadata.annotations ?? {}).filter((k) => k.startsWith('notifications.'))).toEqual([]);
    expect(Object.keys(manifestOf(synthApi(), 'prod', 'Rollout', 'api').metadata.annotations).filter((k) => k.startsWith('notifications.'))).toEqual([]);
  });

  it('a blue-green Rollout subscribes too, to the triggers asked for', () => {
    const objects = synthPlatform((env) => new WebFrontend(env, 'web', { image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/readyz'), notifications: { ...notifications, triggers: [RolloutNotificationTrigger.ANALYSIS_RUN_FAILED] } }), [Environment.prod()]);
    const keys = Object.keys(manifestOf(objects, 'prod', 'Rollout', 'web').metadata.annotations).filter((k) => k.startsWith('notifications.'));
    expect(keys).toEqual(['notifications.argoproj.io/subscribe.on-analysis-run-failed.slack']);
  });

  it('bad subscriptions fail the synth with every problem', () => {
    const findings = synthFindings(() => synthApi({ notifications: { service: 'Slack Ops', recipients: ['a;b', ''], triggers: [] } }, [Environment.prod()])).map(formatFinding);
    expect(findings.map((f) => /notifications\.[a-z]+(\[\d\])?/.exec(f)![0])).toEqual(['notifications.service', 'notifications.recipients[0]', 'notifications.recipients[1]', 'notifications.triggers']);
  });
});
