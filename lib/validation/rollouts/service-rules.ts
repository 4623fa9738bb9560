import { renderValue } from '../finding.js';
import { isRecord, isSet, nameOf, namespaceOf, sameNamespace } from '../manifest.js';
import { BLUE_GREEN, CANARY, MANAGED_BY, POD_TEMPLATE_HASH, type RolloutContext, TRAFFIC_ROUTING, lookup, nonEmptyString } from './context.js';

/** Referenced Services and Ingresses (validation_references.go ValidateService, ValidateIngress). */

// Referenced Services and Ingresses (controller.go getReferencedServices / getReferencedIngresses,
// validation_references.go ValidateService / ValidateIngress)

export type ServiceRole = 'active' | 'preview' | 'stable' | 'canary' | 'ping' | 'pong';

export function referencedServices(spec: Record<string, any>): Array<{ role: ServiceRole; name: string; field: string }> {
  const strategy = isRecord(spec.strategy) ? spec.strategy : {};
  const refs: Array<{ role: ServiceRole; name: string; field: string }> = [];
  const push = (role: ServiceRole, owner: any, key: string, field: string) => {
    if (nonEmptyString(owner?.[key])) refs.push({ role, name: owner[key], field });
  };
  if (isRecord(strategy.blueGreen)) {
    push('active', strategy.blueGreen, 'activeService', `${BLUE_GREEN}.activeService`);
    push('preview', strategy.blueGreen, 'previewService', `${BLUE_GREEN}.previewService`);
  } else if (isRecord(strategy.canary)) {
    push('stable', strategy.canary, 'stableService', `${CANARY}.stableService`);
    push('canary', strategy.canary, 'canaryService', `${CANARY}.canaryService`);
    // validation_references.go GetServiceWithTypeFieldPath: PingService, PongService are validated alike.
    push('ping', strategy.canary.pingPong, 'pingService', `${CANARY}.pingPong.pingService`);
    push('pong', strategy.canary.pingPong, 'pongService', `${CANARY}.pingPong.pongService`);
  }
  return refs;
}

export function checkServices(ctx: RolloutContext): void {
  const { sink, spec } = ctx;
  const templateLabels = isRecord(spec.template?.metadata?.labels) ? spec.template.metadata.labels : {};
  for (const ref of referencedServices(spec)) {
    const service = lookup(ctx.index.services, ref.name, ctx.namespace);
    if (!service) {
      sink.add(
        ref.field,
        ref.name,
        'rollout/service-not-found',
        `Service ${renderValue(ref.name)} is not in the manifest set${ctx.namespace ? ` for namespace ${renderValue(ctx.namespace)}` : ''}; the controller marks the Rollout InvalidSpec until it exists.`,
        `Add a Service named ${ref.name} in the Rollout's namespace, or fix the name.`,
      );
      continue;
    }
    // ValidateService: every selector label except rollouts-pod-template-hash must be on the pods. With a
    // workloadRef the labels come from the referenced workload's template (resolved by the controller).
    const selector = isRecord(service.object.spec?.selector) && !isSet(spec.workloadRef) ? service.object.spec.selector : {};
    for (const [key, value] of Object.entries(selector)) {
      if (key === POD_TEMPLATE_HASH || templateLabels[key] === value || roleMetadataHasLabel(spec, ref.role, key, value)) continue;
      sink.add(
        ref.field,
        ref.name,
        'rollout/service-selector-mismatch',
        `Service ${renderValue(ref.name)} selects ${key}=${value}, but the pod template has ${key}=${renderValue(templateLabels[key])}; it would select no Rollout pods.`,
        `Make Service ${ref.name} select only labels of spec.template.metadata.labels (here ${key}: ${renderValue(templateLabels[key] ?? value)}).`,
      );
    }
    // ValidateService: conditions.ServiceReferencingManagedService
    const managedBy = service.object.metadata?.annotations?.[MANAGED_BY];
    if (nonEmptyString(managedBy) && managedBy !== ctx.name) {
      sink.add(
        ref.field,
        ref.name,
        'rollout/service-shared',
        `Service ${renderValue(ref.name)} is annotated as managed by Rollout ${renderValue(managedBy)}.`,
        `Give Rollout ${ctx.name} its own Service, or remove the ${MANAGED_BY} annotation if ${managedBy} no longer exists.`,
      );
    }
    // Policy: the controller rewrites the Service selector for one Rollout; two Rollouts would fight over it.
    const others = (ctx.index.rolloutsByService.get(ref.name) ?? []).filter(
      (other) => other !== ctx.manifest && sameNamespace(namespaceOf(other.object), ctx.namespace),
    );
    if (others.length > 0) {
      const names = others.map((other) => nameOf(other.object));
      sink.add(
        ref.field,
        ref.name,
        'rollout/service-shared-by-rollouts',
        `Service ${renderValue(ref.name)} is also referenced by Rollout(s) ${renderValue(names)}; the controller rewrites its selector for one Rollout at a time, so they would fight over it.`,
        `Give each Rollout its own ${ref.role} Service.`,
      );
    }
  }
}

/** validation_references.go validSvcSelectorForType: stable/canary/active/preview metadata labels count too. */
export function roleMetadataHasLabel(spec: Record<string, any>, role: ServiceRole, key: string, value: unknown): boolean {
  const strategy = spec.strategy ?? {};
  const metadata =
    role === 'stable' ? strategy.canary?.stableMetadata
    : role === 'canary' ? strategy.canary?.canaryMetadata
    : role === 'active' ? strategy.blueGreen?.activeMetadata
    : strategy.blueGreen?.previewMetadata;
  return isRecord(metadata?.labels) && metadata.labels[key] === value;
}

export function checkIngresses(ctx: RolloutContext): void {
  const canary = ctx.spec.strategy?.canary;
  const trafficRouting = isRecord(canary?.trafficRouting) ? canary.trafficRouting : undefined;
  if (!trafficRouting) return;
  const refs: Array<{ field: string; name: unknown; service: unknown }> = [];
  if (isRecord(trafficRouting.alb)) {
    const alb = trafficRouting.alb;
    const service = nonEmptyString(alb.rootService) ? alb.rootService : canary.stableService;
    if (isSet(alb.ingress)) refs.push({ field: `${TRAFFIC_ROUTING}.alb.ingress`, name: alb.ingress, service });
    if (Array.isArray(alb.ingresses)) alb.ingresses.forEach((name: unknown, i: number) => refs.push({ field: `${TRAFFIC_ROUTING}.alb.ingresses[${i}]`, name, service }));
  } else if (isRecord(trafficRouting.nginx)) {
    const nginx = trafficRouting.nginx;
    if (isSet(nginx.stableIngress)) refs.push({ field: `${TRAFFIC_ROUTING}.nginx.stableIngress`, name: nginx.stableIngress, service: canary.stableService });
    if (Array.isArray(nginx.stableIngresses)) nginx.stableIngresses.forEach((name: unknown, i: number) => refs.push({ field: `${TRAFFIC_ROUTING}.nginx.stableIngresses[${i}]`, name, service: canary.stableService }));
  }
  for (const ref of refs) {
    const ingress = lookup(ctx.index.ingresses, ref.name, ctx.namespace);
    if (!ingress) {
      ctx.sink.add(
        ref.field,
        ref.name,
        'rollout/ingress-not-found',
        `Ingress ${renderValue(ref.name)} is not in the manifest set; the controller marks the Rollout InvalidSpec until it exists.`,
        `Add Ingress ${String(ref.name)} in the Rollout's namespace, or fix the name.`,
      );
    } else if (!ingressHasService(ingress.object, ref.service)) {
      // validation_references.go reportErrors: "ingress `%s` has no rules using service %s backend"
      ctx.sink.add(
        ref.field,
        ref.name,
        'rollout/ingress-missing-backend',
        `Ingress ${renderValue(ref.name)} has no rule with backend Service ${renderValue(ref.service)}.`,
        `Route a path of Ingress ${String(ref.name)} to Service ${String(ref.service)}.`,
      );
    }
  }
}

/** ingressutil.HasRuleWithService, for networking.k8s.io/v1 and extensions/v1beta1 backends. */
export function ingressHasService(ingress: any, service: unknown): boolean {
  const rules: unknown[] = Array.isArray(ingress.spec?.rules) ? ingress.spec.rules : [];
  return rules.some(
    (rule: any) =>
      Array.isArray(rule?.http?.paths) &&
      rule.http.paths.some((p: any) => (p?.backend?.service?.name ?? p?.backend?.serviceName) === service),
  );
}
