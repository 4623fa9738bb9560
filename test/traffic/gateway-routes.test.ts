import { describe, expect, it } from 'vitest';
import { checkGatewayRoutes } from '../../lib/traffic/gateway-routes.js';

const gateway = (spec: unknown) => ({ object: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'edge', namespace: 'infra' }, spec }, location: 'App/edge' });
const route = (spec: unknown) => ({ object: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'api', namespace: 'infra' }, spec }, location: 'App/api' });
const listeners = [{ name: 'https', protocol: 'HTTPS', port: 443, hostname: '*.example.com' }];

describe('checkGatewayRoutes', () => {
  it('reports a parentRef that names no emitted Gateway (the control of the cases below)', () => {
    const findings = checkGatewayRoutes([gateway({ gatewayClassName: 'envoy', listeners }), route({ parentRefs: [{ name: 'edg' }] })]);
    expect(findings.map((f) => [f.rule, f.field])).toEqual([['gateway/unknown-gateway', 'spec.parentRefs[0].name']]);
  });

  // Escape hatches can put any value anywhere; the upstream schema check reports the wrong type with its path.
  // This check runs on the same objects in the same synth, and a throw here ("refs.forEach is not a function")
  // would end the synth with a stack-less crash instead of the schema's finding.
  it.each([
    ['parentRefs a string', [gateway({ listeners }), route({ parentRefs: 'edge' })]],
    ['a parentRef null or a string', [gateway({ listeners }), route({ parentRefs: [null, 'edge'] })]],
    ['listeners an object', [gateway({ listeners: { https: {} } }), route({ parentRefs: [{ name: 'edge' }] })]],
    ['a listener null', [gateway({ listeners: [null] }), route({ parentRefs: [{ name: 'edge', sectionName: 'https' }] })]],
    ['hostnames a string', [gateway({ listeners }), route({ parentRefs: [{ name: 'edge' }], hostnames: 'api.example.com' })]],
    ['a listener hostname a number', [gateway({ listeners: [{ name: 'https', hostname: 443 }] }), route({ parentRefs: [{ name: 'edge' }], hostnames: ['*.example.com'] })]],
    ['a Gateway spec a string', [gateway('edge'), route({ parentRefs: [{ name: 'edge' }] })]],
  ])('does not throw on a field of the wrong type: %s', (_, manifests) => {
    expect(() => checkGatewayRoutes(manifests)).not.toThrow();
  });

  it('still checks the well-formed routes next to a malformed one', () => {
    const findings = checkGatewayRoutes([gateway({ listeners }), route({ parentRefs: 'edge' }), { ...route({ parentRefs: [{ name: 'edge', sectionName: 'http' }] }), location: 'App/web' }]);
    expect(findings.map((f) => [f.location, f.rule])).toEqual([['App/web', 'gateway/unknown-listener']]);
  });
});
