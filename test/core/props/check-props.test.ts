import { App, Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Autoscaling } from '../../../lib/autoscaling/autoscaling.js';
import { ConfigSource } from '../../../lib/config/config-source.js';
import { Environment } from '../../../lib/core/environment.js';
import { PostgresCluster } from '../../../lib/data/postgres/postgres-cluster.js';
import { Migration } from '../../../lib/migrations/migration.js';
import { Platform } from '../../../lib/platform/platform.js';
import { Probe } from '../../../lib/pod/probe.js';
import { synthesize } from '../../../lib/synth/synthesizer.js';
import { Gateway, GatewayListener } from '../../../lib/traffic/gateway.js';
import { TrafficRouter } from '../../../lib/traffic/traffic-router.js';
import { StatelessService } from '../../../lib/workloads/stateless-service.js';
import { DIGEST_IMAGE, objectsOf, synthFindings, synthPlatform } from '../../helpers.js';

/** What a JavaScript caller (or a tsx run, which does not type-check) passes: anything. */
const js = <T>(value: unknown): T => value as T;

const service = { image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/readyz'), trafficRouter: TrafficRouter.gatewayApi({ gatewayName: 'public' }) };
const summary = (findings: { field: string; rule: string; fix: string }[]) => findings.map((f) => [f.field, f.rule, f.fix]);

describe('strict props at run time (issue 20)', () => {
  it('GIVEN `autoscalling` (misspelt) WHEN synthesized THEN the synth fails naming it and `autoscaling`, instead of silently emitting no HPA', () => {
    const findings = synthFindings(() =>
      synthPlatform((env) => new StatelessService(env, 'api', js({ ...service, autoscalling: Autoscaling.horizontal({ minReplicas: 3, maxReplicas: 9 }) })), [Environment.prod()]),
    );
    expect(summary(findings)).toEqual([['autoscalling', 'props/unknown', 'did you mean `autoscaling`?']]);
    expect(findings[0]!.location).toBe('acme/prod/api');
    expect(findings[0]!.message).toBe('is not a prop of StatelessServiceProps, so it would be silently ignored');
    expect(findings[0]!.value).toBe('<Autoscaling>');
  });

  it('GIVEN `slo.latencyP99FailAbov` THEN the nested field is named with its full path and the nearest valid key', () => {
    const findings = synthFindings(() =>
      synthPlatform((env) => new StatelessService(env, 'api', js({ ...service, slo: { latencyP99: Duration.millis(250), latencyP99FailAbov: Duration.millis(500) } })), [Environment.prod()]),
    );
    expect(summary(findings)).toEqual([['slo.latencyP99FailAbov', 'props/unknown', 'did you mean `latencyP99FailAbove`?']]);
    expect(findings[0]!.message).toBe('is not a prop of ServiceLevelObjectives, so it would be silently ignored');
  });

  it('GIVEN `enviroments` (misspelt) THEN the dev override is not dropped silently', () => {
    const findings = synthFindings(() => synthPlatform((env) => new StatelessService(env, 'api', js({ ...service, enviroments: { dev: { replicas: 1 } } }))));
    // One finding per environment chart the service is built in.
    expect(new Set(summary(findings).map((s) => s.join(' ')))).toEqual(new Set(['enviroments props/unknown did you mean `environments`?']));
  });

  it('GIVEN a Migration without its required `migrationsDir` THEN the synth reports it (and the other problems) instead of crashing with a TypeError', () => {
    const app = new App();
    const platform = new Platform(app, 'acme', { environments: [Environment.prod()] });
    platform.forEachEnvironment((env) => {
      const db = new PostgresCluster(env, 'db', { image: DIGEST_IMAGE, storageSize: '10Gi' });
      const api = new StatelessService(env, 'api', service);
      new Migration(env, 'migrate', js({ database: db, release: api }));
      // A later construct's problem is reported in the same run.
      new StatelessService(env, 'web', js({ ...service, replicas: '3' }));
    });
    const findings = synthFindings(() => synthesize(app));
    expect(findings.map((f) => [f.location, f.field, f.rule])).toEqual([
      ['acme/prod/db', 'backup', 'data/backup-required'],
      ['acme/prod/migrate', 'migrationsDir', 'props/required'],
      ['acme/prod/web', 'replicas', 'props/type'],
    ]);
    const command = findings[1]!;
    expect(command.message).toBe('is required by MigrationProps');
    expect(command.fix).toBe('set `migrationsDir` to a string');
    expect(findings[2]!.message).toBe('must be a number, not a string ("3")');
  });

  it('GIVEN an override for an environment the platform does not have THEN it is an error with the nearest environment name', () => {
    const findings = synthFindings(() => synthPlatform((env) => new StatelessService(env, 'api', { ...service, environments: { prd: { replicas: 5 } } }), [Environment.dev(), Environment.prod()]));
    expect(new Set(findings.map((f) => `${f.location} ${f.field} ${f.rule} ${f.fix}`))).toEqual(
      new Set(['acme/dev/api environments.prd props/environment did you mean `prod`?', 'acme/prod/api environments.prd props/environment did you mean `prod`?']),
    );
    expect(findings[0]!.message).toBe('names no environment of platform "acme" (dev, prod), so its overrides would be silently ignored');
  });

  it('GIVEN a factory option misspelt (Probe.httpGet periodSecond) THEN the construct reports it under the prop that holds the value', () => {
    const findings = synthFindings(() => synthPlatform((env) => new StatelessService(env, 'api', { ...service, livenessProbe: Probe.httpGet('/livez', js({ periodSecond: 10 })) }), [Environment.prod()]));
    expect(summary(findings)).toEqual([['livenessProbe.periodSecond', 'props/unknown', 'did you mean `periodSeconds`?']]);
  });

  it('GIVEN a factory value with problems inside an array, after one without THEN the problem is reported under its index', () => {
    const sidecar = (name: string, readinessProbe: Probe) => ({ name, image: DIGEST_IMAGE, readinessProbe });
    const sidecars = [sidecar('proxy', Probe.httpGet('/ready')), sidecar('agent', Probe.httpGet('/ready', js({ periodSecond: 10 })))];
    const findings = synthFindings(() => synthPlatform((env) => new StatelessService(env, 'api', js({ ...service, sidecars })), [Environment.prod()]));
    expect(summary(findings)).toEqual([['sidecars[1].readinessProbe.periodSecond', 'props/unknown', 'did you mean `periodSeconds`?']]);
  });

  it('GIVEN a plain number where a Duration is required THEN the message names the factories that make one', () => {
    const findings = synthFindings(() => synthPlatform((env) => new StatelessService(env, 'api', js({ ...service, slo: { latencyP99: 250 } })), [Environment.prod()]));
    expect(findings.map((f) => [f.field, f.rule, f.message])).toEqual([['slo.latencyP99', 'props/type', 'must be a Duration (Duration.millis(), Duration.seconds(), Duration.minutes(), …), not a number (250)']]);
    expect(findings[0]!.fix).toBe('make one with Duration.millis(), Duration.seconds(), Duration.minutes(), Duration.hours(), Duration.days(), Duration.parse()');
  });

  it('GIVEN a key nothing valid is near THEN the fix lists the valid keys', () => {
    const findings = synthFindings(() => synthPlatform((env) => new StatelessService(env, 'api', { ...service, slo: js({ zzz: 1 }) }), [Environment.prod()]));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.field).toBe('slo.zzz');
    expect(findings[0]!.fix).toMatch(/^remove it, or use one of: successRate, successRateFailBelow, .*latencyP99FailAbove/);
  });

  it('GIVEN arrays of objects THEN each element is checked with its index in the path', () => {
    const findings = synthFindings(() =>
      synthPlatform((env) => {
        new Gateway(env, 'public', { gatewayClassName: 'envoy', listeners: [GatewayListener.http(), GatewayListener.https(js({ certificateSecretName: 'tls', hostnam: 'a.example' }))] });
        new StatelessService(env, 'api', { ...service, config: [ConfigSource.env('app', js({ LOG_LEVEL: 3 }))] });
      }, [Environment.prod()]),
    );
    expect(findings.map((f) => [f.location, f.field, f.rule, f.fix])).toEqual([
      ['acme/prod/public', 'listeners[1].hostnam', 'props/unknown', 'did you mean `hostname`?'],
      ['acme/prod/api', 'config[0].values.LOG_LEVEL', 'props/type', 'use a string'],
    ]);
  });

  it('GIVEN a wrong-typed value in the Platform props THEN the Platform reports it and still builds its valid environments', () => {
    const findings = synthFindings(() => {
      const app = new App();
      const platform = new Platform(app, 'acme', js({ environments: [Environment.prod(js({ replicaScal: 2 })), { name: 'qa' }] }));
      platform.forEachEnvironment((env) => new StatelessService(env, 'api', js({ ...service, portt: 8080 })));
      return synthesize(app);
    });
    expect(findings.map((f) => [f.location, f.field, f.rule, f.fix])).toEqual([
      ['acme', 'environments[1]', 'props/type', 'make one with Environment.dev(), Environment.staging(), Environment.prod()'],
      ['acme', 'environments[0].replicaScal', 'props/unknown', 'did you mean `replicaScale`?'],
      ['acme/prod/api', 'portt', 'props/unknown', 'did you mean `port`?'],
    ]);
  });

  it('GIVEN `replicas: undefined` (allowed by TypeScript for an optional prop) THEN nothing is reported', () => {
    const objects = synthPlatform((env) => new StatelessService(env, 'api', { ...service, replicas: undefined }), [Environment.dev()]);
    expect(objectsOf(objects, 'dev', 'api').length).toBeGreaterThan(0);
  });
});
