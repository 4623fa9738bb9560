import { beforeAll, describe, expect, it } from 'vitest';
import { Environment } from '../../lib/core/environment.js';
import { EnvironmentChart } from '../../lib/platform/platform.js';
import { Probe } from '../../lib/pod/probe.js';
import { toYaml } from '../../lib/synth/synthesizer.js';
import { Gateway, GatewayClass, GatewayListener, GatewayProps, RouteNamespaces } from '../../lib/traffic/gateway.js';
import { TrafficRouter } from '../../lib/traffic/traffic-router.js';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { StatelessService } from '../../lib/workloads/stateless-service.js';
import { DIGEST_IMAGE, manifestOf, objectsOf, synthFindings, synthPlatform } from '../helpers.js';

const listeners = [GatewayListener.http({ hostname: '*.acme.example' }), GatewayListener.https({ hostname: '*.acme.example', certificateSecretName: 'acme-tls' })];

/** An Envoy GatewayClass, a Gateway, and an API routed through `router(gateway)`. */
function synthRouting(router: (gateway: Gateway) => TrafficRouter, gatewayProps: Partial<GatewayProps> = {}, environments: Environment[] = [Environment.prod()]) {
  return synthPlatform((env: EnvironmentChart) => {
    const envoy = new GatewayClass(env, 'envoy');
    const gateway = new Gateway(env, 'edge', { gatewayClassName: envoy.name, listeners, ...gatewayProps });
    new StatelessService(env, 'api', { image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/readyz'), trafficRouter: router(gateway) });
  }, environments);
}

let validator: SchemaValidator;
beforeAll(async () => {
  validator = await SchemaValidator.load();
});

describe('GatewayClass and Gateway', () => {
  // GIVEN Envoy Gateway routing and a canary API routed through gateway.router()
  const objects = synthRouting((g) => g.router({ hostnames: ['api.acme.example'] }));

  it('emits the class and the Gateway into the platform folder, before the apps', () => {
    expect(objectsOf(objects, 'prod', 'platform').map((o) => o.path)).toEqual([
      'acme/prod/platform/gateway-edge.yaml',
      'acme/prod/platform/gatewayclass-envoy.yaml',
      'acme/prod/platform/namespace-acme-prod.yaml',
      'acme/prod/platform/networkpolicy-allow-dns.yaml',
      'acme/prod/platform/networkpolicy-api.yaml',
      'acme/prod/platform/networkpolicy-default-deny.yaml',
    ]);
    const gatewayClass = manifestOf(objects, 'prod', 'GatewayClass', 'envoy');
    expect(gatewayClass.spec).toEqual({ controllerName: 'gateway.envoyproxy.io/gatewayclass-controller' });
    expect(gatewayClass.metadata.namespace).toBeUndefined();
    expect(gatewayClass.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-10', 'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true' });
  });

  it('gives the Gateway HTTP and HTTPS listeners; HTTPS terminates TLS with the certificate Secret', () => {
    const gateway = manifestOf(objects, 'prod', 'Gateway', 'edge');
    expect(gateway.metadata.namespace).toBe('acme-prod');
    expect(gateway.spec).toEqual({
      gatewayClassName: 'envoy',
      listeners: [
        { name: 'http', protocol: 'HTTP', port: 80, hostname: '*.acme.example', allowedRoutes: { namespaces: { from: 'Same' } } },
        { name: 'https', protocol: 'HTTPS', port: 443, hostname: '*.acme.example', allowedRoutes: { namespaces: { from: 'Same' } }, tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'acme-tls' }] } },
      ],
    });
  });

  it('lines the HTTPRoute parentRef up with the Gateway, and the plugin with the route', () => {
    const route = manifestOf(objects, 'prod', 'HTTPRoute', 'api');
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', namespace: 'acme-prod' }]);
    expect(manifestOf(objects, 'prod', 'Rollout', 'api').spec.strategy.canary.trafficRouting).toEqual({ plugins: { 'argoproj-labs/gatewayAPI': { httpRoute: 'api', namespace: 'acme-prod' } } });
  });

  it('validates against the pinned Gateway API CRDs', () => {
    expect(objects.flatMap((o) => validator.validate(o.manifest, o.path))).toEqual([]);
  });

  it('allows routes from every namespace, or from labelled ones', () => {
    const all = synthRouting((g) => g.router(), { routeNamespaces: RouteNamespaces.all(), namespace: 'gateway-system' });
    expect(manifestOf(all, 'prod', 'Gateway', 'edge').spec.listeners[0].allowedRoutes).toEqual({ namespaces: { from: 'All' } });
    const labelled = synthRouting((g) => g.router(), { routeNamespaces: RouteNamespaces.withLabels({ 'gateway-access': 'edge' }) });
    expect(manifestOf(labelled, 'prod', 'Gateway', 'edge').spec.listeners[0].allowedRoutes).toEqual({ namespaces: { from: 'Selector', selector: { matchLabels: { 'gateway-access': 'edge' } } } });
    expect([...all, ...labelled].flatMap((o) => validator.validate(o.manifest, o.path))).toEqual([]);
  });

  it.each(['dev', 'staging', 'prod'])('%s: snapshot', (env) => {
    const objs = synthRouting((g) => g.router({ hostnames: ['api.acme.example'] }), {}, [Environment.dev(), Environment.staging(), Environment.prod()]);
    expect(objectsOf(objs, env, 'platform').filter((o) => o.manifest.kind !== 'Namespace').map((o) => toYaml(o.manifest)).join('---\n')).toMatchSnapshot();
  });
});

describe('Gateway props problems', () => {
  it('reports duplicate listeners, a bad hostname, a bad Secret name and an unknown router section, all at once', () => {
    // GIVEN two listeners named "http", two on the same port/protocol/hostname, a bad hostname and Secret
    const findings = synthFindings(() => synthRouting((g) => g.router({ sectionName: 'grpc' }), {
      listeners: [
        GatewayListener.http(),
        GatewayListener.http({ port: 8080 }),
        GatewayListener.https({ name: 'a', hostname: 'A.example', certificateSecretName: 'tls' }),
        GatewayListener.https({ name: 'b', hostname: 'A.example', certificateSecretName: 'Bad_Secret' }),
      ],
    }));
    // THEN each is reported with its field
    expect(findings.map((f) => [f.location, f.field, f.value, f.rule])).toEqual([
      ['acme/prod/edge', 'listeners[1].name', 'http', 'props/invalid'],
      ['acme/prod/edge', 'listeners[2].hostname', 'A.example', 'props/invalid'],
      ['acme/prod/edge', 'listeners[3].hostname', 'A.example', 'props/invalid'],
      ['acme/prod/edge', 'listeners[3].certificateSecretName', 'Bad_Secret', 'props/invalid'],
      ['acme/prod/edge', 'listeners[3]', 'HTTPS:443 A.example', 'props/invalid'],
      ['acme/prod/edge', 'router.sectionName', 'grpc', 'gateway/unknown-listener'],
    ]);
    expect(findings[0].message).toBe('repeats the name of listeners[0]: listener names must be unique within a Gateway');
    expect(findings[5].message).toBe('names no listener of Gateway "edge" (listeners: http, http, a, b)');
  });

  it('requires at least one listener', () => {
    const findings = synthFindings(() => synthRouting((g) => g.router(), { listeners: [] }));
    expect(findings.map((f) => [f.field, f.value, f.message])).toEqual([['listeners', 0, 'must hold 1 to 64 listeners']]);
  });
});

describe('synth-time check of HTTPRoute parentRefs against the Gateways of the output', () => {
  const check = (router: (g: Gateway) => TrafficRouter, gatewayProps: Partial<GatewayProps> = {}) =>
    synthFindings(() => synthRouting(router, gatewayProps)).map((f) => [f.location, f.field, f.value, f.rule, f.message]);

  it('rejects a misspelt Gateway name in a namespace whose Gateways we emit', () => {
    expect(check(() => TrafficRouter.gatewayApi({ gatewayName: 'egde', gatewayNamespace: 'acme-prod' }))).toEqual([
      ['acme/prod/api/httproute', 'spec.parentRefs[0].name', 'egde', 'gateway/unknown-gateway', 'names no Gateway emitted in namespace "acme-prod" (emitted there: edge)'],
    ]);
  });

  it('rejects a parentRef that defaults to the route namespace while the Gateway lives elsewhere', () => {
    expect(check(() => TrafficRouter.gatewayApi({ gatewayName: 'edge' }), { namespace: 'gateway-system', routeNamespaces: RouteNamespaces.all() })).toEqual([
      ['acme/prod/api/httproute', 'spec.parentRefs[0].namespace', 'acme-prod', 'gateway/namespace-mismatch', 'looks for Gateway "edge" in namespace "acme-prod", but it is emitted in "gateway-system" (a parentRef without namespace means the route\'s own)'],
    ]);
  });

  it('rejects a sectionName that names no listener', () => {
    expect(check(() => TrafficRouter.gatewayApi({ gatewayName: 'edge', sectionName: 'grpc' }))).toEqual([
      ['acme/prod/api/httproute', 'spec.parentRefs[0].sectionName', 'grpc', 'gateway/unknown-listener', 'names no listener of Gateway "edge" (listeners: http, https)'],
    ]);
  });

  it('rejects a route from a namespace the listeners do not allow', () => {
    expect(check((g) => g.router(), { namespace: 'gateway-system' })).toEqual([
      ['acme/prod/api/httproute', 'spec.parentRefs[0]', 'gateway-system/edge', 'gateway/route-namespace-not-allowed', 'attaches from namespace "acme-prod", but the listeners of Gateway "edge" only allow routes from their own namespace "gateway-system"'],
    ]);
  });

  it('rejects route hostnames no listener accepts (a wildcard covers subdomains, not the apex)', () => {
    expect(check((g) => g.router({ hostnames: ['acme.example', 'api.other.example'] }))).toEqual([
      ['acme/prod/api/httproute', 'spec.hostnames', ['acme.example', 'api.other.example'], 'gateway/hostname-mismatch', 'match no hostname of the listeners of Gateway "edge" (*.acme.example, *.acme.example), so the route never attaches'],
    ]);
    // AND a nested subdomain or one matching hostname is enough
    expect(() => synthRouting((g) => g.router({ hostnames: ['v2.api.acme.example', 'api.other.example'] }))).not.toThrow();
  });

  it('rejects a Gateway whose class is none of the emitted GatewayClasses', () => {
    expect(check((g) => g.router(), { gatewayClassName: 'nginx' })).toEqual([
      ['acme/prod/edge/gateway', 'spec.gatewayClassName', 'nginx', 'gateway/unknown-gateway-class', 'names no GatewayClass of this output (emitted: envoy), so no controller programs the Gateway'],
    ]);
  });

  it('leaves parentRefs to Gateways of the cluster alone (namespaces where the output emits none)', () => {
    expect(() => synthRouting(() => TrafficRouter.gatewayApi({ gatewayName: 'public', gatewayNamespace: 'gateway-system' }))).not.toThrow();
  });
});
