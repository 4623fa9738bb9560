import { Finding } from '../validation/finding.js';
import { isKind, Manifest } from '../validation/manifest.js';

const GROUP = 'gateway.networking.k8s.io';

/**
 * Checks, within one environment's output, that every HTTPRoute parentRef naming a Gateway this output emits
 * actually attaches to it. A route that does not attach is accepted by the API server and then silently
 * never receives traffic (only its `status.parents` says why), so a synth catches it instead:
 *
 * - `gateway/unknown-gateway`: the parentRef's namespace holds Gateways we emit, none with that name (a typo);
 * - `gateway/namespace-mismatch`: a Gateway of that name is emitted, but in another namespace (the parentRef
 *   namespace defaults to the route's own);
 * - `gateway/unknown-listener`: `sectionName` names no listener of the Gateway;
 * - `gateway/route-namespace-not-allowed`: no listener allows routes from the route's namespace
 *   (`allowedRoutes.namespaces.from: Same` with the Gateway elsewhere);
 * - `gateway/hostname-mismatch`: none of the route's hostnames matches a listener hostname;
 * - `gateway/unknown-gateway-class`: a Gateway names a GatewayClass other than the ones the output emits.
 *
 * parentRefs to Gateways in namespaces where this output emits none are left alone: they belong to the cluster.
 * A field of the wrong type (a parentRefs string, given through an escape hatch) is skipped here: the upstream schema
 * check reports it, with its path, and this check must not throw over it.
 */
export function checkGatewayRoutes(manifests: readonly Manifest[]): Finding[] {
  const of = (kind: string) => manifests.filter((m) => isKind(m.object, GROUP, kind));
  const gateways = of('Gateway').filter((g) => isObject(g.object.spec) || g.object.spec === undefined);
  const classes = of('GatewayClass').map((c) => c.object.metadata?.name);
  const findings: Finding[] = [];

  for (const g of gateways) {
    const className = g.object.spec?.gatewayClassName;
    if (classes.length > 0 && !classes.includes(className)) {
      findings.push({ location: g.location, field: 'spec.gatewayClassName', value: className, rule: 'gateway/unknown-gateway-class', message: `names no GatewayClass of this output (emitted: ${classes.join(', ')}), so no controller programs the Gateway`, fix: 'pass the emitted GatewayClass, e.g. `gatewayClassName: envoy.name`' });
    }
  }

  for (const route of of('HTTPRoute')) {
    const routeNamespace = route.object.metadata?.namespace;
    const refs: unknown[] = arrayOr(route.object.spec?.parentRefs);
    refs.forEach((ref: any, i) => {
      if (!isObject(ref)) return;
      if ((ref.group ?? GROUP) !== GROUP || (ref.kind ?? 'Gateway') !== 'Gateway') return;
      const field = `spec.parentRefs[${i}]`;
      const namespace = ref.namespace ?? routeNamespace;
      const add = (f: string, value: unknown, rule: string, message: string, fix: string) => findings.push({ location: route.location, field: f, value, rule, message, fix });
      const gateway = gateways.find((g) => g.object.metadata?.name === ref.name && g.object.metadata?.namespace === namespace);
      if (!gateway) {
        const elsewhere = gateways.filter((g) => g.object.metadata?.name === ref.name).map((g) => g.object.metadata?.namespace);
        const here = gateways.filter((g) => g.object.metadata?.namespace === namespace).map((g) => g.object.metadata?.name);
        if (elsewhere.length > 0) {
          add(`${field}.namespace`, namespace, 'gateway/namespace-mismatch', `looks for Gateway "${ref.name}" in namespace "${namespace}", but it is emitted in ${elsewhere.map((n) => `"${n}"`).join(', ')}${ref.namespace ? '' : ' (a parentRef without namespace means the route\'s own)'}`, `set the router's gatewayNamespace to "${elsewhere[0]}", or build the router with gateway.router({...})`);
        } else if (here.length > 0) {
          add(`${field}.name`, ref.name, 'gateway/unknown-gateway', `names no Gateway emitted in namespace "${namespace}" (emitted there: ${here.join(', ')})`, 'fix the gatewayName, or build the router with gateway.router({...})');
        }
        return;
      }
      const all: any[] = arrayOr(gateway.object.spec?.listeners).filter(isObject);
      const listeners = all.filter((l) => ref.sectionName === undefined || l.name === ref.sectionName);
      if (listeners.length === 0) {
        const names = all.map((l) => l.name);
        add(`${field}.sectionName`, ref.sectionName, 'gateway/unknown-listener', `names no listener of Gateway "${ref.name}" (listeners: ${names.join(', ')})`, 'use one of the listener names, or leave sectionName out');
        return;
      }
      const gatewayNamespace = gateway.object.metadata?.namespace;
      const allowing = listeners.filter((l) => allows(l, routeNamespace, gatewayNamespace));
      if (allowing.length === 0) {
        add(field, `${namespace}/${ref.name}`, 'gateway/route-namespace-not-allowed', `attaches from namespace "${routeNamespace}", but the listeners of Gateway "${ref.name}" only allow routes from their own namespace "${gatewayNamespace}"`, 'give the Gateway `routeNamespaces: RouteNamespaces.all()` (or withLabels), or move the Gateway to the route\'s namespace');
        return;
      }
      const hostnames = arrayOr(route.object.spec?.hostnames).filter((h): h is string => typeof h === 'string');
      if (hostnames.length > 0 && allowing.every((l) => typeof l.hostname === 'string') && !hostnames.some((h) => allowing.some((l) => intersects(h, l.hostname)))) {
        add('spec.hostnames', hostnames, 'gateway/hostname-mismatch', `match no hostname of the listeners of Gateway "${ref.name}" (${allowing.map((l) => l.hostname).join(', ')}), so the route never attaches`, 'use a hostname under a listener hostname, or widen the listener');
      }
    });
  }
  return findings;
}

const isObject = (value: unknown): value is Record<string, any> => typeof value === 'object' && value !== null && !Array.isArray(value);
/** The value when it is an array, else an empty one (a missing field, or one of the wrong type). */
const arrayOr = (value: unknown): any[] => (Array.isArray(value) ? value : []);

function allows(listener: any, routeNamespace: string, gatewayNamespace: string): boolean {
  const from = listener.allowedRoutes?.namespaces?.from ?? 'Same';
  if (from === 'Same') return routeNamespace === gatewayNamespace;
  // A label selector depends on the namespace's live labels: not decidable here, so assumed to match.
  return from === 'All' || from === 'Selector';
}

/** Gateway API hostname matching: equal, or a `*.` wildcard on either side covering the other's suffix. */
function intersects(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.startsWith('*.') && b.endsWith(a.slice(1))) return true;
  return b.startsWith('*.') && a.endsWith(b.slice(1));
}
