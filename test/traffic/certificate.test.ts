import { App, Duration } from 'cdk8s';
import { beforeAll, describe, expect, it } from 'vitest';
import { Environment } from '../../lib/core/environment.js';
import { SyncWave } from '../../lib/core/sync-wave.js';
import { Strategy } from '../../lib/delivery/strategy.js';
import { Platform } from '../../lib/platform/platform.js';
import { Probe } from '../../lib/pod/probe.js';
import { synthesize } from '../../lib/synth/synthesizer.js';
import { Certificate, IssuerKind } from '../../lib/traffic/certificate.js';
import { Gateway, GatewayClass, GatewayListener } from '../../lib/traffic/gateway.js';
import { TrafficRouter } from '../../lib/traffic/traffic-router.js';
import { formatFinding } from '../../lib/validation/finding.js';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { StatelessService } from '../../lib/workloads/stateless-service.js';
import { DIGEST_IMAGE, synthFindings } from '../helpers.js';

/** Issue 23: TLS certificates from cert-manager (v1.21.1) for Gateway listeners and the NGINX router. */

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

describe('Certificate', () => {
  const objects = synth((env) => {
    const wildcard = new Certificate(env, 'wildcard', { dnsNames: ['acme.example', '*.acme.example'], issuerName: 'letsencrypt-dns' });
    const envoy = new GatewayClass(env, 'envoy', {});
    new Gateway(env, 'edge', { gatewayClassName: envoy.name, listeners: [GatewayListener.https({ hostname: '*.acme.example', certificateSecretName: wildcard.secretName })] });
    const api = new Certificate(env, 'api-certificate', { secretName: 'api-cert', dnsNames: ['api.acme.example'], issuerName: 'internal-ca', issuerKind: IssuerKind.NAMESPACED, duration: Duration.days(30), renewBefore: Duration.days(10) });
    new StatelessService(env, 'api', {
      image: DIGEST_IMAGE,
      readinessProbe: Probe.httpGet('/readyz'),
      trafficRouter: TrafficRouter.nginx({ host: 'api.acme.example', tlsSecretName: api.secretName }),
      environments: { prod: { strategy: Strategy.rolling() } },
    });
  });
  const cert = (name: string) => objects.find((o) => o.manifest.kind === 'Certificate' && o.manifest.metadata.name === name)!;

  it('GIVEN DNS names and an issuer THEN keeps an ECDSA, rotated key in `<id>-tls`, in the platform folder at the secret wave', () => {
    const c = cert('wildcard-tls');
    expect(c.path).toBe('acme/prod/platform/certificate-wildcard-tls.yaml');
    expect(c.manifest.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe(String(SyncWave.SECRET));
    expect(c.manifest.spec).toEqual({
      secretName: 'wildcard-tls',
      dnsNames: ['acme.example', '*.acme.example'],
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt-dns' },
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
    });
  });

  it('feeds a Gateway HTTPS listener through its secretName', () => {
    const gateway = objects.find((o) => o.manifest.kind === 'Gateway')!.manifest;
    expect(gateway.spec.listeners[0].tls.certificateRefs).toEqual([{ group: '', kind: 'Secret', name: 'wildcard-tls' }]);
  });

  it('gives the NGINX Ingress a TLS section for its host (tlsSecretName)', () => {
    const ingress = objects.find((o) => o.manifest.kind === 'Ingress')!.manifest;
    expect(ingress.spec.tls).toEqual([{ hosts: ['api.acme.example'], secretName: 'api-cert' }]);
    const c = cert('api-cert').manifest.spec;
    expect([c.issuerRef.kind, c.duration, c.renewBefore]).toEqual(['Issuer', '720h', '240h']);
  });

  it('passes the pinned cert-manager v1.21.1 CRD schema, and the schema judges it', () => {
    expect(validator.knows('cert-manager.io/v1', 'Certificate')).toBe(true);
    for (const name of ['wildcard-tls', 'api-cert']) expect(validator.validate(cert(name).manifest, name)).toEqual([]);
    const broken = { ...cert('api-cert').manifest, spec: { ...cert('api-cert').manifest.spec, privateKey: { algorithm: 'DSA' } } };
    expect(validator.validate(broken, 'broken').map((f) => f.field)).toContain('spec.privateKey.algorithm');
  });

  it('reports no names, bad names, short durations and a renewal not shorter than the duration, all at once', () => {
    const findings = synthFindings(() =>
      synth((env) => {
        new Certificate(env, 'none', { dnsNames: [], issuerName: 'x' });
        new Certificate(env, 'bad', { dnsNames: ['Not A Name'], issuerName: 'x', duration: Duration.days(10), renewBefore: Duration.days(20) });
        new Certificate(env, 'short', { dnsNames: ['a.example'], issuerName: 'x', duration: Duration.minutes(5) });
        new StatelessService(env, 'api', { image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/'), trafficRouter: TrafficRouter.nginx({ host: 'a.example', tlsSecretName: 'Bad_Secret' }), environments: { prod: { strategy: Strategy.rolling() } } });
      }),
    ).map(formatFinding);
    const text = findings.join('\n');
    expect(text).toContain('acme/prod/none: dnsNames');
    expect(text).toContain('acme/prod/bad: dnsNames[0] = "Not A Name"');
    expect(text).toContain('acme/prod/bad: renewBefore');
    expect(text).toContain('acme/prod/short: duration');
    expect(text).toContain('trafficRouter.tlsSecretName');
  });
});
