import { type Finding, renderValue } from './finding.js';
import { FindingSink, type Manifest, isKind, isRecord, nameOf, namespaceOf, sameNamespace } from './manifest.js';

/**
 * Offline equivalents of KEDA v2.20's ScaledObject admission webhook
 * (`apis/keda/v1alpha1/scaledobject_webhook.go`: verifyHpas, verifyScaledObjects, verifyCPUMemoryScalers,
 * verifyReplicaCount, verifyFallback, verifyName, verifyTriggers; bounds and fallback in
 * `scaledobject_types.go`, trigger names in `scaletriggers_types.go`), plus the `nats-jetstream` scaler's
 * metadata parsing, which otherwise only fails at reconcile (Ready=False, Degraded in Argo CD).
 *
 * The webhook sees the cluster; here the set of manifests one sync applies stands in for it. The webhook
 * stops at the first error and runs with `failurePolicy: Ignore`, so a broken ScaledObject can even be
 * stored unchecked; these rules report every problem. Rules marked "policy" go beyond upstream.
 */
export const KEDA_RULES = {
  hpaConflict: 'keda/hpa-conflict',
  duplicateScaledObject: 'keda/duplicate-scaled-object',
  hpaNameConflict: 'keda/hpa-name-conflict',
  nameLength: 'keda/name-length',
  hpaNameLength: 'keda/hpa-name-length',
  replicaBounds: 'keda/replica-bounds',
  idleReplicas: 'keda/idle-replicas',
  cpuMemoryResources: 'keda/cpu-memory-resources',
  scaleToZero: 'keda/cpu-memory-scale-to-zero',
  fallback: 'keda/fallback',
  duplicateTriggerName: 'keda/duplicate-trigger-name',
  cachedMetrics: 'keda/cached-metrics',
  natsMetadata: 'keda/nats-jetstream-metadata',
  missingTarget: 'keda/missing-target',
  missingTriggerAuthentication: 'keda/missing-trigger-authentication',
  waveBeforeTarget: 'keda/wave-before-target',
} as const;

/**
 * Warning-level rules: the reference may be satisfied by an object another Application syncs, so its
 * absence from this set is suspicious, not wrong.
 */
export const KEDA_WARNING_RULES: ReadonlySet<string> = new Set([KEDA_RULES.missingTarget, KEDA_RULES.missingTriggerAuthentication]);

const LABEL_MAX = 63;
const RESOURCE_TYPES = new Set(['cpu', 'memory']);
const HPA_OWNERSHIP = 'validations.keda.sh/hpa-ownership';
const TRANSFER_OWNERSHIP = 'scaledobject.keda.sh/transfer-hpa-ownership';
const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';

/** A scale target as the webhook's ParseGVKR sees it: empty apiVersion/kind default to apps/v1 Deployment. */
interface Target {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** `group/version.Kind`, upstream's GVKString. */
  readonly gvk: string;
}

function targetOf(ref: any): Target {
  const apiVersion = typeof ref?.apiVersion === 'string' && ref.apiVersion !== '' ? ref.apiVersion : 'apps/v1';
  const kind = typeof ref?.kind === 'string' && ref.kind !== '' ? ref.kind : 'Deployment';
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return { apiVersion, kind, name: typeof ref?.name === 'string' ? ref.name : '', gvk: `${group}/${version}.${kind}` };
}

/** ScaledObject.GetHPAName: the custom name, or `keda-hpa-<name>`. */
function hpaNameOf(so: any): string {
  const custom = so?.spec?.advanced?.horizontalPodAutoscalerConfig?.name;
  return typeof custom === 'string' && custom !== '' ? custom : `keda-hpa-${nameOf(so)}`;
}

/** The scalingModifiers block counts as used when any of its fields is set (IsUsingModifiers). */
function usesModifiers(spec: any): boolean {
  const m = spec?.advanced?.scalingModifiers;
  return isRecord(m) && Object.values(m).some((v) => v !== undefined && v !== '');
}

/** A Kubernetes quantity above zero (AsApproximateFloat64() > 0). */
function positiveQuantity(value: unknown): boolean {
  const n = typeof value === 'number' ? value : Number.parseFloat(String(value ?? ''));
  return Number.isFinite(n) && n > 0;
}

/** Go strconv.ParseInt(s, 10, 64). */
function isGoInt(value: unknown): boolean {
  return typeof value === 'string' && /^[+-]?\d{1,19}$/.test(value);
}

/** Go strconv.ParseBool. */
function isGoBool(value: unknown): boolean {
  return typeof value === 'string' && ['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value);
}

/** Everything one rule needs about the ScaledObject under check. */
interface Context {
  readonly manifest: Manifest;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly spec: Record<string, any>;
  readonly triggers: readonly Record<string, any>[];
  readonly target: Target;
  readonly all: readonly Manifest[];
  /** Every object of the set by metadata.name, in set order. */
  readonly named: ReadonlyMap<unknown, readonly Manifest[]>;
  /** The HorizontalPodAutoscalers of the set. */
  readonly hpas: readonly Manifest[];
  readonly sink: FindingSink;
}

/**
 * Checks every `keda.sh` ScaledObject in `manifests` against the other objects of the set (HPAs, other
 * ScaledObjects, the target workload, LimitRanges, TriggerAuthentications). Findings whose rule is in
 * {@link KEDA_WARNING_RULES} are warnings.
 */
export function checkKeda(manifests: readonly Manifest[]): Finding[] {
  const scaledObjects = manifests.filter((m) => isKind(m.object, 'keda.sh', 'ScaledObject'));
  // Lookups by name, built once: a scan of the whole set per ScaledObject is quadratic.
  const named = new Map<unknown, Manifest[]>();
  const hpas: Manifest[] = [];
  for (const m of manifests) {
    const list = named.get(nameOf(m.object));
    if (list) list.push(m);
    else named.set(nameOf(m.object), [m]);
    if (isKind(m.object, 'autoscaling', 'HorizontalPodAutoscaler')) hpas.push(m);
  }
  return scaledObjects.flatMap((manifest, index) => {
    const spec = isRecord(manifest.object.spec) ? manifest.object.spec : {};
    const ctx: Context = {
      manifest,
      name: nameOf(manifest.object),
      namespace: namespaceOf(manifest.object),
      spec,
      triggers: Array.isArray(spec.triggers) ? spec.triggers.filter(isRecord) : [],
      target: targetOf(spec.scaleTargetRef),
      all: manifests,
      named,
      hpas,
      sink: new FindingSink(manifest.location),
    };
    checkNames(ctx);
    checkHpas(ctx);
    checkOtherScaledObjects(ctx, scaledObjects.slice(0, index));
    checkBounds(ctx);
    checkResourceTriggers(ctx);
    checkFallback(ctx);
    checkTriggers(ctx);
    checkReferences(ctx);
    return ctx.sink.findings;
  });
}

function checkNames({ manifest, name, sink }: Context): void {
  // verifyName: the name is the value of the scaledobject.keda.sh/name label on the SO and its HPA.
  if (name.length > LABEL_MAX) {
    sink.add('metadata.name', name, KEDA_RULES.nameLength, `ScaledObject name ${renderValue(name)} is ${name.length} characters long; it is used as the scaledobject.keda.sh/name label value, which allows at most ${LABEL_MAX}.`, 'Shorten the ScaledObject name to at most 54 characters (so keda-hpa-<name> fits too).');
  }
  // verifyName: the HPA KEDA creates must be a DNS label (kedacore/keda#6370, #6998; webhook since #7762).
  const hpaName = hpaNameOf(manifest.object);
  const custom = hpaName !== `keda-hpa-${name}`;
  if (hpaName.length > LABEL_MAX && (custom || name.length <= LABEL_MAX)) {
    sink.add(custom ? 'spec.advanced.horizontalPodAutoscalerConfig.name' : 'metadata.name', custom ? hpaName : name, KEDA_RULES.hpaNameLength, `The HPA name ${renderValue(hpaName)} KEDA derives is ${hpaName.length} characters long; it must fit ${LABEL_MAX}, or KEDA never creates the HPA.`, custom ? 'Shorten spec.advanced.horizontalPodAutoscalerConfig.name to at most 63 characters.' : 'Shorten the ScaledObject name to at most 54 characters, or set spec.advanced.horizontalPodAutoscalerConfig.name to a shorter HPA name.');
  }
}

function checkHpas(ctx: Context): void {
  const { manifest, name, target, sink } = ctx;
  const hpas = ctx.hpas.filter((m) => sameNamespace(namespaceOf(m.object), ctx.namespace));
  for (const hpa of hpas) {
    // verifyHpas: HPAs annotated validations.keda.sh/hpa-ownership: "false" are skipped.
    if (hpa.object.metadata?.annotations?.[HPA_OWNERSHIP] === 'false') continue;
    const hpaTarget = targetOf(hpa.object.spec?.scaleTargetRef);
    if (hpaTarget.gvk !== target.gvk || hpaTarget.name !== target.name) continue;
    const owners: unknown[] = Array.isArray(hpa.object.metadata?.ownerReferences) ? hpa.object.metadata.ownerReferences : [];
    if (owners.some((o: any) => o?.kind === 'ScaledObject' && o?.name === name)) continue;
    const hpaName = nameOf(hpa.object);
    const where = `${target.name} (${target.gvk})`;
    if (manifest.object.metadata?.annotations?.[TRANSFER_OWNERSHIP] === 'true') {
      if (hpaNameOf(manifest.object) === hpaName) continue;
      sink.add('spec.advanced.horizontalPodAutoscalerConfig.name', ctx.spec.advanced?.horizontalPodAutoscalerConfig?.name, KEDA_RULES.hpaConflict, `The workload ${where} is scaled by HPA ${renderValue(hpaName)}; an ownership transfer must name that HPA in advanced settings.`, `Set spec.advanced.horizontalPodAutoscalerConfig.name to ${renderValue(hpaName)}.`);
      continue;
    }
    sink.add('spec.scaleTargetRef', target.name, KEDA_RULES.hpaConflict, `The workload ${where} is already scaled by HPA ${renderValue(hpaName)} (${hpa.location}); KEDA rejects a second autoscaler on one workload, and the two would fight over the replica count.`, `Remove HPA ${hpaName} and let KEDA create its own, or annotate the ScaledObject ${TRANSFER_OWNERSHIP}: "true" and set spec.advanced.horizontalPodAutoscalerConfig.name to ${renderValue(hpaName)} to adopt it.`);
  }
}

function checkOtherScaledObjects(ctx: Context, earlier: readonly Manifest[]): void {
  // verifyScaledObjects: the later of two ScaledObjects on one target (or one HPA name) is rejected.
  for (const other of earlier.filter((m) => sameNamespace(namespaceOf(m.object), ctx.namespace))) {
    const otherName = nameOf(other.object);
    const otherTarget = targetOf(other.object.spec?.scaleTargetRef);
    if (otherTarget.gvk === ctx.target.gvk && otherTarget.name === ctx.target.name) {
      ctx.sink.add('spec.scaleTargetRef', ctx.target.name, KEDA_RULES.duplicateScaledObject, `The workload ${ctx.target.name} (${ctx.target.gvk}) is already managed by ScaledObject ${renderValue(otherName)} (${other.location}).`, `Merge the triggers into ScaledObject ${otherName} (one ScaledObject per workload), or delete one of them.`);
    } else if (hpaNameOf(other.object) === hpaNameOf(ctx.manifest.object)) {
      ctx.sink.add('spec.advanced.horizontalPodAutoscalerConfig.name', hpaNameOf(ctx.manifest.object), KEDA_RULES.hpaNameConflict, `The HPA ${renderValue(hpaNameOf(ctx.manifest.object))} is already managed by ScaledObject ${renderValue(otherName)}.`, 'Give each ScaledObject its own HPA name.');
    }
  }
}

function checkBounds({ spec, sink }: Context): void {
  // CheckReplicaCountBoundsAreValid: an explicit minReplicaCount of 0 counts as 1 (the HPA minimum), an absent one as 0.
  const min = typeof spec.minReplicaCount === 'number' ? Math.max(spec.minReplicaCount, 1) : 0;
  const max = typeof spec.maxReplicaCount === 'number' ? spec.maxReplicaCount : 100;
  if (min > max) {
    sink.add('spec.minReplicaCount', spec.minReplicaCount, KEDA_RULES.replicaBounds, `minReplicaCount ${min} is greater than maxReplicaCount ${max}${spec.maxReplicaCount === undefined ? ' (the default)' : ''}; KEDA rejects the ScaledObject.`, `Lower minReplicaCount to at most ${max}, or raise maxReplicaCount to at least ${min}.`);
  }
  if (typeof spec.idleReplicaCount === 'number' && spec.idleReplicaCount >= min) {
    sink.add('spec.idleReplicaCount', spec.idleReplicaCount, KEDA_RULES.idleReplicas, `idleReplicaCount ${spec.idleReplicaCount} is not less than minReplicaCount ${min}${spec.minReplicaCount === undefined ? ' (unset counts as 0)' : ''}; KEDA rejects the ScaledObject.`, 'Set idleReplicaCount to 0 and minReplicaCount to at least 1 (0 is the only idle count KEDA supports, kedacore/keda#2314).');
  }
}

function checkResourceTriggers(ctx: Context): void {
  const { spec, triggers, target, sink } = ctx;
  // verifyCPUMemoryScalers only inspects Deployments and StatefulSets.
  if (target.gvk !== 'apps/v1.Deployment' && target.gvk !== 'apps/v1.StatefulSet') return;
  const resourceTriggers = triggers.map((t, i) => ({ t, i })).filter(({ t }) => RESOURCE_TYPES.has(t.type));
  if (resourceTriggers.length === 0) return;
  const workload = ctx.named.get(target.name)?.find((m) => isKind(m.object, 'apps', target.kind) && sameNamespace(namespaceOf(m.object), ctx.namespace));
  const containers: any[] = Array.isArray(workload?.object.spec?.template?.spec?.containers) ? workload!.object.spec.template.spec.containers : [];
  for (const { t, i } of resourceTriggers) {
    const type = t.type as string;
    if (!workload || limitRangeDefault(ctx, type)) continue;
    const only = t.metadata?.containerName;
    for (const c of containers.filter((c) => !only || c?.name === only)) {
      if (positiveQuantity(c?.resources?.requests?.[type]) || positiveQuantity(c?.resources?.limits?.[type])) continue;
      sink.add(`spec.triggers[${i}]`, c?.name, KEDA_RULES.cpuMemoryResources, `The ${type} trigger needs a ${type} request on container ${renderValue(c?.name)} of ${target.kind} ${target.name}, which sets none (nor does a LimitRange default in the namespace); KEDA rejects the ScaledObject.`, `Set resources.requests.${type} on container ${c?.name}, or scale on another trigger.`);
    }
  }
  // verifyCPUMemoryScalers: with only cpu/memory triggers the workload could never wake from zero.
  if (resourceTriggers.length === triggers.length) {
    if (spec.minReplicaCount === undefined || spec.minReplicaCount === 0) {
      sink.add('spec.minReplicaCount', spec.minReplicaCount, KEDA_RULES.scaleToZero, `The ScaledObject has only cpu/memory triggers and minReplicaCount ${spec.minReplicaCount === undefined ? 'unset (0)' : '0'}; scale to zero does not work with them, so KEDA rejects it.`, 'Set minReplicaCount to 1 or more, or add an event trigger.');
    } else if (typeof spec.idleReplicaCount === 'number') {
      // Policy: KEDA accepts this, but cpu/memory triggers are never "active", so the workload stays idle.
      sink.add('spec.idleReplicaCount', spec.idleReplicaCount, KEDA_RULES.scaleToZero, 'The ScaledObject has only cpu/memory triggers and an idleReplicaCount; they are never active, so the workload would sit at the idle count for good.', 'Remove idleReplicaCount, or add an event trigger.');
    }
  }
}

function limitRangeDefault(ctx: Context, type: string): boolean {
  return ctx.all.some(
    (m) =>
      isKind(m.object, '', 'LimitRange') &&
      sameNamespace(namespaceOf(m.object), ctx.namespace) &&
      (Array.isArray(m.object.spec?.limits) ? m.object.spec.limits : []).some((l: any) => l?.type === 'Container' && (positiveQuantity(l?.default?.[type]) || positiveQuantity(l?.defaultRequest?.[type]))),
  );
}

function checkFallback({ spec, triggers, sink }: Context): void {
  if (!isRecord(spec.fallback)) return;
  // CheckFallbackValid (the CRD's minimums already reject negative values).
  if (usesModifiers(spec)) {
    if (spec.advanced.scalingModifiers.metricType === 'Value') {
      sink.add('spec.advanced.scalingModifiers.metricType', 'Value', KEDA_RULES.fallback, 'Fallback needs scalingModifiers.metricType AverageValue; KEDA rejects the ScaledObject.', 'Set spec.advanced.scalingModifiers.metricType to AverageValue, or remove spec.fallback.');
    }
  } else if (!triggers.some((t) => !RESOURCE_TYPES.has(t.type) && (t.metricType === undefined || t.metricType === '' || t.metricType === 'AverageValue'))) {
    sink.add('spec.fallback', spec.fallback, KEDA_RULES.fallback, 'Fallback needs at least one trigger that is not cpu or memory and uses the AverageValue metric type; KEDA rejects the ScaledObject.', 'Add such a trigger (AverageValue is the default metricType), or remove spec.fallback.');
  }
}

function checkTriggers(ctx: Context): void {
  const seen = new Set<string>();
  ctx.triggers.forEach((t, i) => {
    // ValidateTriggers: names unique; useCachedMetrics not for cpu, memory, cron.
    if (typeof t.name === 'string' && t.name !== '') {
      if (seen.has(t.name)) ctx.sink.add(`spec.triggers[${i}].name`, t.name, KEDA_RULES.duplicateTriggerName, `Trigger name ${renderValue(t.name)} is defined more than once; KEDA requires unique trigger names.`, 'Give each trigger its own name.');
      seen.add(t.name);
    }
    if (t.useCachedMetrics === true && ['cpu', 'memory', 'cron'].includes(t.type)) {
      ctx.sink.add(`spec.triggers[${i}].useCachedMetrics`, true, KEDA_RULES.cachedMetrics, `useCachedMetrics is not supported for the ${t.type} scaler; KEDA rejects the ScaledObject.`, 'Remove useCachedMetrics from this trigger.');
    }
    if (t.type === 'nats-jetstream') checkNatsMetadata(ctx, t, `spec.triggers[${i}].metadata`);
  });
}

/** The nats-jetstream scaler's metadata parsing (pkg/scalers/nats_jetstream_scaler.go). */
function checkNatsMetadata(ctx: Context, trigger: Record<string, any>, path: string): void {
  const meta: Record<string, unknown> = isRecord(trigger.metadata) ? trigger.metadata : {};
  const add = (key: string, message: string, fix: string) => ctx.sink.add(`${path}.${key}`, meta[key], KEDA_RULES.natsMetadata, message, fix);
  for (const key of ['stream', 'consumer']) {
    if (typeof meta[key] !== 'string' || meta[key] === '') add(key, `The nats-jetstream trigger has no ${key}; the scaler fails and the ScaledObject never becomes Ready.`, `Set metadata.${key}.`);
  }
  for (const key of ['lagThreshold', 'activationLagThreshold']) {
    if (meta[key] !== undefined && !isGoInt(meta[key])) add(key, `${key} ${renderValue(meta[key])} is not an integer; the scaler fails to parse it.`, `Write ${key} as a whole number in quotes, e.g. "50".`);
  }
  if (isGoInt(meta.lagThreshold) && Number(meta.lagThreshold) < 1) add('lagThreshold', `lagThreshold ${renderValue(meta.lagThreshold)} must be at least 1: it becomes the HPA's AverageValue target, which must be positive.`, 'Set lagThreshold to the backlog one replica should handle, e.g. "50".');
  if (meta.useHttps !== undefined && !isGoBool(meta.useHttps)) add('useHttps', `useHttps ${renderValue(meta.useHttps)} is not a boolean; the scaler fails to parse it.`, 'Write "true" or "false".');
  const endpoint = meta.natsServerMonitoringEndpoint;
  if (typeof endpoint === 'string' && /:\/\/|\//.test(endpoint)) {
    add('natsServerMonitoringEndpoint', `natsServerMonitoringEndpoint ${renderValue(endpoint)} has a scheme or path; KEDA builds http(s)://<endpoint>/jsz itself.`, 'Give host:port only (e.g. "nats-headless.nats.svc.cluster.local:8222") and set useHttps for HTTPS.');
  } else if (endpoint === undefined && authParameters(ctx, trigger)?.has('natsServerMonitoringEndpoint') === false) {
    add('natsServerMonitoringEndpoint', 'The nats-jetstream trigger has no natsServerMonitoringEndpoint, in metadata or in its TriggerAuthentication; the scaler fails.', 'Set metadata.natsServerMonitoringEndpoint to host:port of the NATS monitoring endpoint.');
  }
}

/** Parameters a trigger's TriggerAuthentication supplies: an empty set without one, undefined when it is not in the set. */
function authParameters(ctx: Context, trigger: Record<string, any>): Set<string> | undefined {
  const ref = trigger.authenticationRef;
  if (!isRecord(ref)) return new Set();
  const auth = findAuthentication(ctx, ref);
  if (!auth) return undefined;
  const params = new Set<string>();
  for (const list of Object.values(isRecord(auth.object.spec) ? auth.object.spec : {})) {
    if (Array.isArray(list)) for (const item of list) if (typeof item?.parameter === 'string') params.add(item.parameter);
  }
  return params;
}

function findAuthentication(ctx: Context, ref: Record<string, any>): Manifest | undefined {
  const kind = ref.kind === 'ClusterTriggerAuthentication' ? 'ClusterTriggerAuthentication' : 'TriggerAuthentication';
  return ctx.named.get(ref.name)?.find((m) => isKind(m.object, 'keda.sh', kind) && (kind === 'ClusterTriggerAuthentication' || sameNamespace(namespaceOf(m.object), ctx.namespace)));
}

function checkReferences(ctx: Context): void {
  const { target, sink } = ctx;
  const [group] = target.gvk.split('/');
  const workload = ctx.named.get(target.name)?.find((m) => isKind(m.object, group!, target.kind) && sameNamespace(namespaceOf(m.object), ctx.namespace));
  if (!workload) {
    sink.add('spec.scaleTargetRef', target.name, KEDA_RULES.missingTarget, `The scale target ${target.name} (${target.gvk}) is not in this manifest set; until it exists KEDA reports the ScaledObject not Ready, which Argo CD shows as Degraded.`, 'Fix scaleTargetRef (apiVersion, kind, name), or make sure the workload is synced no later than the ScaledObject.');
  } else {
    // Policy: a ScaledObject synced in an earlier wave than its target is Degraded (target not found) and holds
    // back the wave that would create the target: the first sync never finishes.
    const wave = (m: Manifest) => Number.parseInt(m.object.metadata?.annotations?.[SYNC_WAVE] ?? '0', 10);
    if (wave(ctx.manifest) < wave(workload)) {
      sink.add(`metadata.annotations["${SYNC_WAVE}"]`, String(wave(ctx.manifest)), KEDA_RULES.waveBeforeTarget, `The ScaledObject syncs in wave ${wave(ctx.manifest)}, before its target ${target.kind} ${target.name} (wave ${wave(workload)}); KEDA marks it not Ready until the target exists, Argo CD reports it Degraded, and the target's wave never starts.`, `Put the ScaledObject in wave ${wave(workload)} (its target's) or later.`);
    }
  }
  ctx.triggers.forEach((t, i) => {
    if (isRecord(t.authenticationRef) && !findAuthentication(ctx, t.authenticationRef)) {
      sink.add(`spec.triggers[${i}].authenticationRef.name`, t.authenticationRef.name, KEDA_RULES.missingTriggerAuthentication, `${t.authenticationRef.kind ?? 'TriggerAuthentication'} ${renderValue(t.authenticationRef.name)} is not in this manifest set; the trigger fails until it exists.`, 'Add the TriggerAuthentication to the set, or fix the name.');
    }
  });
}
