import { renderValue } from '../finding.js';
import { isRecord, isSet } from '../manifest.js';
import { GATEWAY_API_PLUGIN, KNOWN_TRAFFIC_ROUTER_PLUGINS, type RolloutContext, TRAFFIC_ROUTING, lookup, nonEmptyString } from './context.js';

/** Traffic-router plugin rules: the Gateway API plugin key and its HTTPRoute (argo-rollouts #4569). */

// Traffic router plugins (policy; rollouts-plugin-trafficrouter-gatewayapi)

/** Route list fields of the plugin config (GatewayAPITrafficRouting); one must be set (GatewayAPIManifestError). */
export const GATEWAY_ROUTE_FIELDS = [
  'httpRoute',
  'httpRoutes',
  'grpcRoute',
  'grpcRoutes',
  'tcpRoute',
  'tcpRoutes',
  'tlsRoute',
  'tlsRoutes',
  'httpRouteSelector',
  'grpcRouteSelector',
  'tcpRouteSelector',
  'tlsRouteSelector',
] as const;

export function checkPlugins(ctx: RolloutContext, canary: Record<string, any>, plugins: Record<string, any>): void {
  const { sink } = ctx;
  for (const [key, config] of Object.entries(plugins)) {
    const path = `${TRAFFIC_ROUTING}.plugins[${key}]`;
    if (!KNOWN_TRAFFIC_ROUTER_PLUGINS.has(key)) {
      // Policy (argo-rollouts #4569): the controller ignores an unregistered key and never shifts traffic.
      const nearMiss = [...KNOWN_TRAFFIC_ROUTER_PLUGINS].find((known) => looksLike(key, known));
      sink.add(
        path,
        key,
        'rollout/unknown-traffic-router-plugin',
        nearMiss
          ? `Traffic router plugin key ${renderValue(key)} is not ${renderValue(nearMiss)}; a wrong key is silently ignored and traffic never shifts.`
          : `Traffic router plugin key ${renderValue(key)} is not registered on this platform; it would be ignored and traffic never shifts.`,
        `Rename the key to ${renderValue(nearMiss ?? GATEWAY_API_PLUGIN)} exactly (case-sensitive).`,
      );
      continue;
    }
    if (key === GATEWAY_API_PLUGIN) checkGatewayApiPlugin(ctx, canary, isRecord(config) ? config : {}, path);
  }
}

/** Same name up to case, punctuation and the `argoproj-labs/` prefix. */
export function looksLike(key: string, known: string): boolean {
  const normalize = (text: string) => text.toLowerCase().replace(/^argoproj-labs\//, '').replace(/[^a-z0-9]/g, '');
  return normalize(key) === normalize(known);
}

export function checkGatewayApiPlugin(ctx: RolloutContext, canary: Record<string, any>, config: Record<string, any>, path: string): void {
  const { sink } = ctx;
  if (!GATEWAY_ROUTE_FIELDS.some((field) => isSet(config[field]) && config[field] !== '' && !(Array.isArray(config[field]) && config[field].length === 0))) {
    sink.add(
      path,
      config,
      'rollout/gateway-api-config',
      `The ${GATEWAY_API_PLUGIN} config ${renderValue(config)} names no route; the plugin fails with "No routes configured".`,
      `Set httpRoute: <HTTPRoute name> (and namespace if the route lives elsewhere) under plugins["${GATEWAY_API_PLUGIN}"].`,
    );
    return;
  }
  const routes: Array<[string, unknown]> = [];
  if (isSet(config.httpRoute)) routes.push([`${path}.httpRoute`, config.httpRoute]);
  if (Array.isArray(config.httpRoutes)) config.httpRoutes.forEach((route: any, i: number) => routes.push([`${path}.httpRoutes[${i}].name`, route?.name]));
  const namespace = nonEmptyString(config.namespace) ? config.namespace : ctx.namespace;
  for (const [field, name] of routes) {
    if (!nonEmptyString(name)) {
      sink.add(field, name, 'rollout/gateway-api-config', `HTTPRoute name ${renderValue(name)} is empty.`, 'Set the HTTPRoute name the plugin should update.');
      continue;
    }
    const route = lookup(ctx.index.httpRoutes, name, namespace);
    if (!route) continue; // not in this set: the route may be owned elsewhere
    // plugin getBackendRefs: "backendRef was not found in httpRoute"
    const backendNames = new Set<string>();
    const rules: unknown[] = Array.isArray(route.object.spec?.rules) ? route.object.spec.rules : [];
    for (const rule of rules) for (const ref of isRecord(rule) && Array.isArray(rule.backendRefs) ? rule.backendRefs : []) backendNames.add(ref?.name);
    for (const key of ['canaryService', 'stableService'] as const) {
      const service = canary[key];
      if (!nonEmptyString(service) || backendNames.has(service)) continue;
      sink.add(
        field,
        name,
        'rollout/gateway-api-backend-refs',
        `HTTPRoute ${renderValue(name)} has no backendRef named ${renderValue(service)} (the ${key}); its backendRefs are ${renderValue([...backendNames])}, so the plugin cannot set weights.`,
        `Add a backendRef "- name: ${service}" (kind Service, with its port) to a rule of HTTPRoute ${name}.`,
      );
    }
  }
}
