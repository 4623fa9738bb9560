import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretKey } from '../../lib/config/secret-reference.js';
import { Environment } from '../../lib/core/environment.js';
import { Nats } from '../../lib/data/helm/nats.js';
import { OpenSearch } from '../../lib/data/helm/opensearch.js';
import { Redis } from '../../lib/data/helm/redis.js';
import { FluxGitRef } from '../../lib/gitops/flux/flux-target.js';
import { CHART_CATALOGUE, type ChartFacts, type GroupKind } from '../../lib/gitops/chart-catalogue.js';
import { HelmCrdPolicy } from '../../lib/gitops/helm-chart.js';
import { GitOpsTarget } from '../../lib/gitops/targets.js';
import { CpuArchitecture, PlatformControllers } from '../../lib/platform/controllers.js';
import { Platform } from '../../lib/platform/platform.js';
import { synthesize, synthesizeWithFindings } from '../../lib/synth/synthesizer.js';
import { type Finding, formatFinding } from '../../lib/validation/finding.js';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { loadManifests, validateManifests } from '../../lib/validation/validate-manifests.js';
import { CHARTS_DIR, distManifests, type HelmInstall, helmInstallsIn, helmTemplate } from '../helm.js';

/**
 * The pinned upstream charts rendered by a real Helm (v4.1.4, see test/helm.ts) with exactly the values the library
 * emits, for every Helm installation in the committed dist/ and in platforms shaped unlike the reference apps, and
 * judged like our own objects: the upstream schema of every rendered object and Pod Security "restricted" for every
 * pod (hooks and test pods included), as `cdk8s-delivery validate` does; and the kinds each chart creates against
 * lib/gitops/chart-catalogue.ts, from which the AppProject whitelists are derived.
 */

/** The Kubernetes this helm is built for (v4.1.4: client v1.35), and the oldest the library supports (README: core ≥ 1.28). */
const NEWEST_KUBERNETES = '1.35.0';
const OLDEST_KUBERNETES = '1.28.0';
/** Charts that refuse the oldest supported Kubernetes (Chart.yaml `kubeVersion`): rendered from their own minimum. */
const CHART_MINIMUM_KUBERNETES: Readonly<Record<string, string>> = { 'cloudnative-pg-0.29.0': '1.29.0' };

/**
 * Platforms unlike bitvault and homelab, built with the constructs: a Flux platform with an environment of its own
 * making, controllers with their options turned on and off, data services at dev and production sizes with
 * storage classes, overrides and metrics exporters turned on through the values escape hatch; and an Argo CD
 * platform with one Argo CD per environment, a namespace override and controllers in their default shape (KEDA's
 * CRDs left to the cluster in staging).
 */
function shapedPlatforms(): { path: string; manifest: Record<string, any> }[] {
  const app = new App();
  const shop = new Platform(app, 'shop', {
    environments: [Environment.dev(), new Environment({ name: 'live', replicaScale: 1, resourceScale: 2 })],
    gitops: GitOpsTarget.flux({ url: 'https://git.example.com/shop/platform.git', ref: FluxGitRef.branch('main') }),
  });
  shop.forEachEnvironment((env) => {
    const live = env.environment.name === 'live';
    new PlatformControllers(env, 'controllers', {
      argoRollouts: { namespace: 'rollouts', gatewayApiPluginArchitecture: CpuArchitecture.ARM64, gatewayApiPluginSha256: 'ab'.repeat(32), crds: live ? HelmCrdPolicy.CREATE_REPLACE : HelmCrdPolicy.SKIP },
      keda: { enabled: live, namespace: 'autoscaling' },
      cloudNativePg: { namespace: 'postgres-operator', crds: live ? HelmCrdPolicy.CREATE_REPLACE : HelmCrdPolicy.SKIP },
    });
    new Redis(env, 'cache', {
      password: SecretKey.of('cache-auth', 'requirepass'),
      replicas: 5,
      storageClass: 'fast-ssd',
      resources: { cpuRequestMillis: 250, memoryRequestMebibytes: 1024, memoryLimitMebibytes: 1536 },
      environments: { dev: { replicas: 1, storageSize: '1Gi' } },
      values: { exporter: { enabled: true } },
    });
    new Nats(env, 'events', { storageClass: 'fast-ssd', storageSize: '50Gi', values: { promExporter: { enabled: true } } });
    new OpenSearch(env, 'search', { adminPassword: SecretKey.of('search-admin', 'password'), replicas: 5, storageClass: 'standard', environments: { dev: { replicas: 1, resources: { cpuRequestMillis: 500, memoryRequestMebibytes: 1024 } } } });
  });
  const lab = new Platform(app, 'lab', {
    environments: [Environment.staging(), Environment.prod({ namespace: 'lab' })],
    gitops: GitOpsTarget.argoCd({ repoURL: 'https://git.example.com/lab/platform.git', targetRevision: 'main', destinationServers: { staging: 'https://staging.example.com:6443', prod: 'https://prod.example.com:6443' } }),
  });
  lab.forEachEnvironment((env) => {
    // Staging's cluster ships the KEDA CRDs itself.
    new PlatformControllers(env, 'controllers', env.environment.name === 'staging' ? { keda: { crds: HelmCrdPolicy.SKIP } } : {});
    new Redis(env, 'sessions', { password: SecretKey.of('sessions', 'password'), replicas: 1, allowFewerThanThreeReplicas: true });
    new Nats(env, 'bus', { replicas: 5 });
    new OpenSearch(env, 'logs', { adminPassword: SecretKey.of('logs-admin', 'password'), storageSize: '200Gi', resources: { cpuRequestMillis: 2000, memoryRequestMebibytes: 8192 } });
  });
  return synthesize(app).map((o) => ({ path: `synthesized:${o.path}`, manifest: o.manifest }));
}

/** One `helm template` run and what it printed, judged. */
interface Render {
  readonly chartFolder: string;
  readonly kubeVersion: string;
  /** The installations that render exactly this (same chart, release, namespace, values). */
  readonly installs: HelmInstall[];
  /** What helm printed. */
  readonly yaml: string;
  /** The rendered objects, each with the chart template it came from. */
  readonly objects: readonly RenderedObject[];
  /** Errors and warnings of the validator, one line each, naming the chart template. */
  readonly findings: readonly string[];
  /** Helm's error, when it refused to render. */
  readonly error?: string;
}

interface RenderedObject {
  readonly object: Record<string, any>;
  readonly template: string;
}

const chartFolderOf = (install: HelmInstall) => `${install.chart}-${install.version}`;

/** Runs `tasks` with at most `limit` at a time (the machine has two cores; each helm run is one process). */
async function inPool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  }));
  return results;
}

/** The YAML documents of helm's output, each with the template its `# Source:` comment names. */
function documentsOf(stream: string): { text: string; template: string }[] {
  return stream
    .split(/^---[ \t]*$/m)
    .filter((text) => text.split('\n').some((line) => line.trim() !== '' && !line.trimStart().startsWith('#')))
    .map((text) => ({ text, template: /^# Source: [^/\n]+\/(.+)$/m.exec(text)?.[1] ?? '(no # Source: comment)' }));
}

/**
 * Renders each request and judges the output with the validator of `cdk8s-delivery validate --policy restricted`,
 * reading helm's output as that command reads a file (every document, `kind: List` unpacked).
 *
 * A document helm printed before, byte for byte (the CRDs of a controller chart, the same in every render), is
 * parsed and judged once: what the validator says about an object does not depend on the values that rendered it,
 * and parsing the ~1 MB of CRDs of each controller render again cost more than helm itself.
 */
async function renderAll(requests: readonly { install: HelmInstall; installs: HelmInstall[]; kubeVersion: string }[], schema: SchemaValidator, scratch: string): Promise<Render[]> {
  const judged = new Map<string, RenderedObject>();
  let n = 0;
  return inPool(requests.map(({ install, installs, kubeVersion }) => async (): Promise<Render> => {
    const chartFolder = chartFolderOf(install);
    const result = await helmTemplate({ chartFolder, releaseName: install.releaseName, namespace: install.namespace, values: install.values, kubeVersion, includeCrds: install.includeCrds });
    if (!result.ok) return { chartFolder, kubeVersion, installs, yaml: '', objects: [], findings: [], error: result.error };
    const documents = documentsOf(result.yaml);
    const fresh = documents.filter((d) => !judged.has(d.text));
    let findings: string[] = [];
    if (fresh.length > 0) {
      const file = path.join(scratch, `${chartFolder}-${n++}.yaml`);
      writeFileSync(file, fresh.map((d) => d.text).join('---\n'));
      const loaded = await loadManifests(file);
      if (loaded.unreadable || loaded.manifests.length !== fresh.length) throw new Error(`${chartFolder}: ${fresh.length} documents rendered, ${loaded.manifests.length} objects read: ${JSON.stringify(loaded.unreadable)}`);
      const templateAt = new Map(loaded.manifests.map((m, i) => [m.location, fresh[i]!.template]));
      fresh.forEach((d, i) => judged.set(d.text, { object: loaded.manifests[i]!.object, template: d.template }));
      const { errors, warnings } = validateManifests(loaded.manifests, { schema, policy: 'restricted' });
      const describe = (f: Finding) => `${chartFolder}/${templateAt.get(f.location) ?? '?'}: ${formatFinding({ ...f, location: f.location.slice(file.length + 2) })}`;
      findings = [...errors.map(describe), ...warnings.map((f) => `warning: ${describe(f)}`)];
    }
    return { chartFolder, kubeVersion, installs, yaml: result.yaml, objects: documents.map((d) => judged.get(d.text)!), findings };
  }), 3);
}

/**
 * What to render: each distinct chart, release, namespace and values once, at the newest Kubernetes; and the first
 * installation of each chart in dist/ again at the oldest Kubernetes it supports, which must render the same bytes.
 */
function renderRequests(dist: readonly HelmInstall[], shaped: readonly HelmInstall[]): { install: HelmInstall; installs: HelmInstall[]; kubeVersion: string }[] {
  const distinct = new Map<string, { install: HelmInstall; installs: HelmInstall[]; kubeVersion: string }>();
  const add = (install: HelmInstall, kubeVersion: string) => {
    const key = JSON.stringify([chartFolderOf(install), install.releaseName, install.namespace, install.includeCrds, kubeVersion, install.values]);
    const known = distinct.get(key);
    if (known) known.installs.push(install);
    else distinct.set(key, { install, installs: [install], kubeVersion });
  };
  for (const install of [...dist, ...shaped]) add(install, NEWEST_KUBERNETES);
  for (const chartFolder of new Set(dist.map(chartFolderOf))) add(dist.find((i) => chartFolderOf(i) === chartFolder)!, oldestKubernetesOf(chartFolder));
  return [...distinct.values()];
}

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');
const groupKind = (k: GroupKind) => `${k.group || 'core'}/${k.kind}`;

/**
 * Built-in kinds that are cluster-scoped (`kubectl api-resources --namespaced=false`, Kubernetes 1.35); every
 * other built-in kind is namespaced, and a custom resource's scope is its CRD's.
 */
const CLUSTER_SCOPED_BUILT_IN = new Set([
  'core/Namespace', 'core/Node', 'core/PersistentVolume', 'core/ComponentStatus',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration', 'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/MutatingAdmissionPolicy', 'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
  'apiextensions.k8s.io/CustomResourceDefinition', 'apiregistration.k8s.io/APIService',
  'authentication.k8s.io/TokenReview', 'authentication.k8s.io/SelfSubjectReview',
  'authorization.k8s.io/SelfSubjectAccessReview', 'authorization.k8s.io/SelfSubjectRulesReview', 'authorization.k8s.io/SubjectAccessReview',
  'certificates.k8s.io/CertificateSigningRequest', 'certificates.k8s.io/ClusterTrustBundle',
  'flowcontrol.apiserver.k8s.io/FlowSchema', 'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'networking.k8s.io/IngressClass', 'networking.k8s.io/IPAddress', 'networking.k8s.io/ServiceCIDR',
  'node.k8s.io/RuntimeClass', 'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'resource.k8s.io/DeviceClass', 'resource.k8s.io/ResourceSlice', 'scheduling.k8s.io/PriorityClass',
  'storage.k8s.io/CSIDriver', 'storage.k8s.io/CSINode', 'storage.k8s.io/StorageClass', 'storage.k8s.io/VolumeAttachment', 'storage.k8s.io/VolumeAttributesClass',
  'storagemigration.k8s.io/StorageVersionMigration',
]);

/** The kinds a set of renders creates, split by scope, with the namespaces namespaced ones land in. */
function kindsOf(renders: readonly Render[]): { cluster: Set<string>; namespaced: Map<string, Set<string>> } {
  const cluster = new Set<string>();
  const namespaced = new Map<string, Set<string>>();
  for (const render of renders) {
    for (const { object } of render.objects) {
      const kind = groupKind({ group: groupOf(String(object.apiVersion)), kind: String(object.kind) });
      if (CLUSTER_SCOPED_BUILT_IN.has(kind)) {
        cluster.add(kind);
        continue;
      }
      // Objects without a namespace land in the release namespace (helm and Argo CD/Flux apply them there).
      const namespace = object.metadata?.namespace ?? render.installs[0]!.namespace;
      const into = namespace === render.installs[0]!.namespace ? '<release>' : namespace;
      if (!namespaced.has(kind)) namespaced.set(kind, new Set());
      namespaced.get(kind)!.add(into);
    }
  }
  return { cluster, namespaced };
}

const PINNED = CHART_CATALOGUE.map((c) => `${c.chart}-${c.version}`);
const factsOf = (chartFolder: string): ChartFacts => CHART_CATALOGUE.find((c) => `${c.chart}-${c.version}` === chartFolder)!;
const oldestKubernetesOf = (chartFolder: string) => CHART_MINIMUM_KUBERNETES[chartFolder] ?? OLDEST_KUBERNETES;

describe('the pinned charts rendered by a real helm with the values the library emits', () => {
  const dist = helmInstallsIn(distManifests());
  const shaped = helmInstallsIn(shapedPlatforms());
  let renders: Render[] = [];
  let scratch = '';

  beforeAll(async () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'chart-render-'));
    const schema = await SchemaValidator.load();
    renders = await renderAll(renderRequests(dist, shaped), schema, scratch);
  }, 600_000);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('finds every Helm installation of dist/ and of the shaped platforms, each of a chart pinned in ../shared/charts', () => {
    // bitvault: 3 controllers + redis, nats, opensearch in 3 environments; homelab: argo-rollouts under Flux.
    expect(dist.length).toBe(19);
    expect(dist.filter((i) => i.tool === 'Flux').map((i) => i.source)).toEqual(['dist/homelab/prod/platform/helmrelease-argo-rollouts.yaml']);
    // shop (Flux): 2 + 1 + 2 controllers and 3 data services in 2 environments; lab (Argo CD): 3 + 3 in 2.
    expect(shaped.filter((i) => i.tool === 'Flux').length).toBe(11);
    expect(shaped.filter((i) => i.tool === 'Argo CD').length).toBe(12);
    for (const install of [...dist, ...shaped]) {
      expect(PINNED, install.source).toContain(chartFolderOf(install));
      expect(factsOf(chartFolderOf(install)).repoURL, install.source).toBe(install.repoURL);
      expect(readFileSync(path.join(CHARTS_DIR, chartFolderOf(install), 'Chart.yaml'), 'utf8'), install.source).toMatch(new RegExp(`^version: "?${install.version.replace(/\./g, '\\.')}"?$`, 'm'));
    }
    // Each chart is rendered by an install of dist/ and by one of the shaped platforms.
    expect(new Set(dist.map(chartFolderOf))).toEqual(new Set(PINNED));
    expect(new Set(shaped.map(chartFolderOf))).toEqual(new Set(PINNED));
  });

  it.each(PINNED)('%s: helm renders every installation, the same at the oldest and the newest Kubernetes the library targets', (chartFolder) => {
    const mine = renders.filter((r) => r.chartFolder === chartFolder);
    expect(mine.filter((r) => r.error).map((r) => `${r.installs[0]!.source} (Kubernetes ${r.kubeVersion}): ${r.error}`)).toEqual([]);
    for (const r of mine) expect(r.objects.length, r.installs[0]!.source).toBeGreaterThan(0);
    // The templates branch on the Kubernetes version only below 1.25 (PodSecurityPolicy, policy/v1beta1, old
    // Ingress APIs): across the supported range the output is the same.
    const oldest = mine.filter((r) => r.kubeVersion !== NEWEST_KUBERNETES);
    expect(oldest.map((r) => r.kubeVersion)).toEqual([oldestKubernetesOf(chartFolder)]);
    const newest = mine.find((r) => r.kubeVersion === NEWEST_KUBERNETES && r.installs.includes(oldest[0]!.installs[0]!))!;
    expect(oldest[0]!.yaml).toBe(newest.yaml);
  });

  it.each(PINNED)('%s: every rendered object passes its upstream schema and every pod Pod Security "restricted"', (chartFolder) => {
    const findings = renders.filter((r) => r.chartFolder === chartFolder).flatMap((r) => r.findings.map((f) => `${r.installs[0]!.source} (Kubernetes ${r.kubeVersion}): ${f}`));
    expect(findings).toEqual([]);
    // The judgement saw pods: each chart runs at least one (a controller, a StatefulSet of members).
    const pods = renders.filter((r) => r.chartFolder === chartFolder).flatMap((r) => r.objects).filter(({ object }) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod'].includes(object.kind));
    expect(pods.length).toBeGreaterThan(0);
  });

  it.each(PINNED)('%s: creates exactly the kinds the catalogue lists, in the namespaces it lists', (chartFolder) => {
    const facts = factsOf(chartFolder);
    const { cluster, namespaced } = kindsOf(renders.filter((r) => r.chartFolder === chartFolder));
    // The platform AppProject allows exactly the catalogue's kinds of the controller charts: one missing fails the
    // sync ("not permitted in project"), one too many is a privilege nothing uses.
    expect([...cluster].sort()).toEqual(facts.clusterKinds.map(groupKind).sort());
    const rendered = [...namespaced].flatMap(([kind, namespaces]) => [...namespaces].map((ns) => `${kind} in ${ns}`)).sort();
    const listed = [...facts.namespacedKinds.map((k) => `${groupKind(k)} in <release>`), ...facts.extraNamespaces.flatMap((e) => e.kinds.map((k) => `${groupKind(k)} in ${e.namespace}`))].sort();
    expect(rendered).toEqual(listed);
  });

  it.each(PINNED.filter((c) => factsOf(c).crdValues))('%s: the CRD policy reaches the CRDs the chart templates: kept on uninstall and prune, or not rendered at all', (chartFolder) => {
    // Argo CD's skipCrds and Flux's install.crds cover only a chart's crds/ folder: these charts template theirs.
    const mine = renders.filter((r) => r.chartFolder === chartFolder);
    const crds = (r: Render) => r.objects.filter(({ object }) => object.kind === 'CustomResourceDefinition').map(({ object }) => object);
    const created = mine.filter((r) => r.installs[0]!.includeCrds);
    const skipped = mine.filter((r) => !r.installs[0]!.includeCrds);
    expect(created.length).toBeGreaterThan(0);
    expect(skipped.length, 'a shaped platform skips the CRDs of every controller chart').toBeGreaterThan(0);
    for (const r of skipped) expect(crds(r).map((c) => c.metadata.name), r.installs[0]!.source).toEqual([]);
    // CloudNativePG 0.29.0 has no value for CRD annotations: its CRDs carry `keep` only (see the README).
    // Under Flux the CRDs are kept by `keep` alone: Argo CD's Prune=false means nothing there (issue 20: Flux speaks Flux).
    const annotations = (r: Render) => (chartFolder === 'cloudnative-pg-0.29.0' || r.installs[0]!.tool === 'Flux' ? { 'helm.sh/resource-policy': 'keep' } : { 'helm.sh/resource-policy': 'keep', 'argocd.argoproj.io/sync-options': 'Prune=false' });
    expect(created.some((r) => r.installs[0]!.tool === 'Flux')).toBe(true);
    for (const r of created) {
      expect(crds(r).length, r.installs[0]!.source).toBeGreaterThan(0);
      for (const crd of crds(r)) {
        expect(crd.metadata.annotations, `${r.installs[0]!.source}: ${crd.metadata.name}`).toMatchObject(annotations(r));
        if (r.installs[0]!.tool === 'Flux') expect(Object.keys(crd.metadata.annotations ?? {}).filter((k) => k.startsWith('argocd.argoproj.io/')), r.installs[0]!.source).toEqual([]);
      }
    }
  });

  it('CloudNativePG chart 0.29.0 refuses Kubernetes 1.28 (Chart.yaml kubeVersion ">=1.29.0-0"): its controller needs 1.29', async () => {
    const install = dist.find((i) => i.chart === 'cloudnative-pg')!;
    const result = await helmTemplate({ chartFolder: chartFolderOf(install), releaseName: install.releaseName, namespace: install.namespace, values: install.values, kubeVersion: OLDEST_KUBERNETES, includeCrds: true });
    expect(result).toEqual({ ok: false, error: expect.stringContaining('chart requires kubeVersion: >=1.29.0-0 which is incompatible with Kubernetes v1.28.0') });
  });

  it.each(PINNED.filter((c) => factsOf(c).clusterKinds.length === 0))('%s: every StatefulSet of the data service has a PodDisruptionBudget that lets one member go at a time', (chartFolder) => {
    for (const render of renders.filter((r) => r.chartFolder === chartFolder)) {
      const objects = render.objects.map((o) => o.object);
      for (const set of objects.filter((o) => o.kind === 'StatefulSet')) {
        const labels = set.spec.template.metadata.labels ?? {};
        const budgets = objects.filter((o) => o.kind === 'PodDisruptionBudget' && Object.entries(o.spec.selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v));
        expect(budgets.map((b) => b.spec.maxUnavailable), `${render.installs[0]!.source}: StatefulSet ${set.metadata.name}`).toEqual([1]);
      }
    }
  });
});

/**
 * Chart switches whose pods no value makes restricted: the template fixes a root user, `privileged`, a pod sysctl
 * or a hostPath volume. The real render shows the violation; the library refuses the switch at synth
 * (`data/chart-pod-not-restricted`), since the environment's namespace enforces "restricted".
 */
const UNRESTRICTED_SWITCHES: readonly { chart: string; values: Record<string, unknown>; field: string; violations: string[] }[] = [
  { chart: 'opensearch', values: { sysctlInit: { enabled: true } }, field: 'values.sysctlInit.enabled', violations: ['pss/privileged sysctl', 'pss/run-as-user sysctl'] },
  { chart: 'opensearch', values: { sysctl: { enabled: true } }, field: 'values.sysctl.enabled', violations: ['pss/sysctls'] },
  { chart: 'opensearch', values: { persistence: { enableInitChown: true } }, field: 'values.persistence.enableInitChown', violations: ['pss/run-as-user fsgroup-volume'] },
  { chart: 'redis-ha', values: { persistentVolume: { enabled: false }, hostPath: { path: '/srv/redis' } }, field: 'values.hostPath.path', violations: ['pss/restricted-volumes', 'pss/run-as-user hostpath-chown'] },
  { chart: 'redis-ha', values: { sysctlImage: { enabled: true, mountHostSys: true } }, field: 'values.sysctlImage.enabled', violations: ['pss/restricted-volumes'] },
];

/** A one-environment Argo CD platform with one data service of `chart` and these escape-hatch values. */
function dataServiceWith(chart: string, values: Record<string, unknown>) {
  const app = new App();
  const platform = new Platform(app, 'acme', { environments: [Environment.prod()], gitops: GitOpsTarget.argoCd({ repoURL: 'https://git.example.com/acme.git' }) });
  platform.forEachEnvironment((env) => {
    if (chart === 'redis-ha') new Redis(env, 'cache', { password: SecretKey.of('cache-auth', 'password'), values });
    else new OpenSearch(env, 'search', { adminPassword: SecretKey.of('search-admin', 'password'), values });
  });
  const { objects, findings } = synthesizeWithFindings(app);
  return { installs: helmInstallsIn(objects.map((o) => ({ path: o.path, manifest: o.manifest }))), findings };
}

describe('chart switches no value makes restricted', () => {
  let schema: SchemaValidator;
  let scratch = '';
  beforeAll(async () => {
    schema = await SchemaValidator.load();
    scratch = mkdtempSync(path.join(os.tmpdir(), 'chart-render-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each(UNRESTRICTED_SWITCHES)('$chart $field: the real render breaks "restricted", and the synth refuses the value', async ({ chart, values, field, violations }) => {
    // GIVEN a data service whose escape-hatch values turn the switch on
    const { installs, findings } = dataServiceWith(chart, values);
    // THEN the synth refuses it, naming the value
    expect(findings.map((f) => [f.rule, f.field])).toEqual([['data/chart-pod-not-restricted', field]]);
    expect(findings[0]!.message).toMatch(/enforces Pod Security "restricted" and rejects the pod/);
    // AND helm renders the pod the namespace would reject: that is why
    const [render] = await renderAll([{ install: installs[0]!, installs, kubeVersion: NEWEST_KUBERNETES }], schema, scratch);
    for (const violation of violations) {
      const [rule, container] = violation.split(' ');
      expect(render!.findings.filter((f) => f.includes(`[${rule}]`) && (!container || f.includes(`container "${container}"`))), violation).not.toEqual([]);
    }
  });

  it('accepts the kernel-settings init container of redis-ha without the host /sys mount: it renders restricted', async () => {
    // GIVEN sysctlImage on, without mountHostSys (its container gets the chart's containerSecurityContext)
    const { installs, findings } = dataServiceWith('redis-ha', { sysctlImage: { enabled: true } });
    expect(findings).toEqual([]);
    const [render] = await renderAll([{ install: installs[0]!, installs, kubeVersion: NEWEST_KUBERNETES }], schema, scratch);
    expect(render!.objects.some(({ object }) => object.kind === 'StatefulSet' && object.spec.template.spec.initContainers.some((c: { name: string }) => c.name === 'init-sysctl'))).toBe(true);
    expect(render!.findings).toEqual([]);
  });
});
