import { ApiObject, App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { stringify } from 'yaml';
import { problemsOf, SynthError } from '../core/problems.js';
import { SYNC_WAVE_ANNOTATION } from '../core/sync-wave.js';
import { DeliveryStage, fileStemOf, folderInfoOfScope, OutputFolder } from '../platform/output-folder.js';
import { unitsOf } from '../gitops/units.js';
import { EnvironmentChart, Platform, PLATFORM_FOLDER } from '../platform/platform.js';
import { Finding } from '../validation/finding.js';
import type { SchemaValidator } from '../validation/schema-validator.js';
import { readGitOpsTree } from '../validation/gitops-tree.js';
import type { Manifest } from '../validation/manifest.js';
import { checkDuplicateObjects } from '../validation/object-set-rules.js';
import { ResourceScopes } from '../validation/schema/scopes.js';
import { checkManifests } from './manifest-checks.js';
import { completeManifest, guestFolderName } from '../platform/guests.js';

/** One synthesized object and where it goes. */
export interface SynthesizedObject {
  /** Path relative to the output folder: `<platform>/<environment>/<app>/<kind>-<name>.yaml`. */
  readonly path: string;
  /** The construct path of the ApiObject. */
  readonly constructPath: string;
  /** The manifest. */
  readonly manifest: Record<string, any>;
  /** The delivery stage of the object's folder (undefined for GitOps objects, which are not units). */
  readonly stage?: DeliveryStage;
  /** Moved by the GitOps target out of its unit folder (an Argo CD Application of a chart). @default false */
  readonly relocated?: boolean;
}

/** Options of {@link synthesize}. */
export interface SynthesizeOptions {
  /**
   * Validates every object against its upstream schema too (`SchemaValidator.load()` once, then reuse it).
   * @default none: construct props and the controller, Argo CD and Pod Security rules only
   */
  readonly validator?: SchemaValidator;
  /**
   * Which kinds are namespaced: decides the namespace of plain cdk8s objects and the cluster-scoped kinds an
   * AppProject allows. @default the validator's, or the core kinds and the pinned CRDs
   */
  readonly scopes?: ResourceScopes;
}

/**
 * Synthesizes every object below `app` into its place in the output layout, after checking construct
 * props and then the manifests themselves (upstream schemas with a validator, Argo Rollouts, KEDA,
 * Argo CD and Pod Security rules). Throws a {@link SynthError} listing every problem; writes nothing.
 */
export function synthesize(app: App, options: SynthesizeOptions = {}): SynthesizedObject[] {
  const { objects, findings } = synthesizeWithFindings(app, options);
  if (findings.length > 0) throw new SynthError(findings);
  return objects;
}

/**
 * {@link synthesize} without the throw: every object, and the problems of one run together — construct props and
 * duplicate objects, and, when the props are clean, the manifest rules (Argo Rollouts, KEDA, Argo CD, Pod
 * Security, secrets) — so a user fixes them at once rather than in rounds. Objects of a construct that reported
 * prop problems are still rendered (constructs keep going after reporting), but findings about them, and the
 * cross-object manifest rules, would only restate those problems in manifest terms: they are left out until the
 * props are fixed. `warnings` are the findings `cdk8s-delivery validate` reports as warnings: printed, never fatal.
 */
export function synthesizeWithFindings(app: App, options: SynthesizeOptions = {}): { readonly objects: SynthesizedObject[]; readonly findings: Finding[]; readonly warnings: Finding[] } {
  // One walk of the tree for the problems and the objects (both before any object is rendered, as they always were).
  const constructs = app.node.findAll();
  const problems = problemsOf(constructs);
  const duplicates: Finding[] = [];
  const objects: SynthesizedObject[] = [];
  const byPath = new Map<string, string>();
  const byIdentity = new Map<string, string>();
  const stageOfFolder = new Map<string, { stage: DeliveryStage; by: string }>();
  const scopes = options.scopes ?? options.validator?.scopes ?? ResourceScopes.pinned();
  for (const c of constructs) {
    if (!ApiObject.isApiObject(c)) continue;
    const manifest = c.toJson();
    const stem = fileStemOf(c);
    const ancestors = c.node.scopes;
    const place = placeOf(ancestors);
    if (place.chart) {
      const target = place.chart.platform.gitops;
      completeManifest(manifest, { namespace: place.chart.targetNamespace, platform: place.chart.platform.name, scopes, syncWaves: target?.kind !== 'flux' });
      target?.adapt?.(manifest);
    }
    // A folder is one unit, synced in one stage: two constructs may not put it in two.
    const folderStage = stageOfFolder.get(place.folder);
    if (folderStage === undefined) stageOfFolder.set(place.folder, { stage: place.stage, by: c.node.path });
    else if (folderStage.stage !== place.stage) {
      duplicates.push({ location: c.node.path, field: 'folder', value: place.folder, rule: 'synth/unit-stage', message: `puts folder ${place.folder} in stage ${place.stage}, where ${folderStage.by} puts it in stage ${folderStage.stage}: one folder is one unit, synced at one point`, fix: 'give one of the two its own folder (another construct id, or a DeliveryUnit with its own `folder`)' });
      continue;
    }
    const natural = `${place.folder}/${stem ? `${stem}.yaml` : fileName(manifest)}`;
    // The GitOps target may move its own objects (Argo CD Applications) out of the unit folders.
    const relocated = platformOf(ancestors)?.gitops?.relocate?.(natural, manifest);
    const path = relocated ?? natural;
    const clash = byPath.get(path);
    if (clash !== undefined) {
      duplicates.push({ location: c.node.path, field: 'metadata.name', value: manifest.metadata?.name, rule: 'synth/duplicate-object', message: `is written to ${path}, which ${clash} already uses`, fix: 'give one of the two objects another name' });
      continue;
    }
    byPath.set(path, c.node.path);
    // Two folders may not emit the same object: the second apply would silently overwrite the first.
    const identity = `${environmentOf(path)}|${groupOf(manifest.apiVersion)}|${manifest.kind}|${manifest.metadata?.namespace ?? ''}|${manifest.metadata?.name}`;
    const owner = byIdentity.get(identity);
    if (owner !== undefined) {
      duplicates.push({ location: c.node.path, field: 'metadata.name', value: manifest.metadata?.name, rule: 'synth/duplicate-object', message: `names the same ${manifest.kind} as ${owner} in the same namespace; one would overwrite the other`, fix: 'rename one of the two workloads or objects' });
      continue;
    }
    byIdentity.set(identity, c.node.path);
    objects.push({ path, constructPath: c.node.path, manifest, ...(relocated ? { relocated: true } : { stage: place.stage }) });
  }
  objects.push(...renderGitOps(app, objects, scopes));
  const findings: Finding[] = [...problems, ...withoutFindingsBelow(duplicates, problems)];
  const warnings: Finding[] = [];
  if (problems.length === 0) {
    findings.push(...checkTrees(app, objects, scopes));
    const flux = new Set(app.node.children.filter((c): c is Platform => c instanceof Platform && c.gitops?.kind === 'flux').map((p) => p.name));
    const checked = checkManifests(objects.map((o) => ({ object: o.manifest, location: o.constructPath, path: o.path })), { validator: options.validator, syncWaves: (platform) => !flux.has(platform) });
    findings.push(...checked.errors);
    warnings.push(...checked.warnings);
  }
  return { objects: objects.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), findings, warnings };
}

/**
 * `findings` without those located at or below a construct that reported a prop problem (in `problems`): a
 * construct with bad props emits objects whose manifest findings only restate that problem.
 */
export function withoutFindingsBelow(findings: readonly Finding[], problems: readonly Finding[]): Finding[] {
  const props = new Set(problems.map((p) => p.location));
  if (props.size === 0) return [...findings];
  return findings.filter((f) => {
    for (let at = f.location; at !== ''; at = at.includes('/') ? at.slice(0, at.lastIndexOf('/')) : '') if (props.has(at)) return false;
    return true;
  });
}

/** Renders a manifest as YAML: block style, no line folding, so diffs are one line per change. */
export function toYaml(manifest: unknown): string {
  return stringify(manifest, { lineWidth: 0, minContentWidth: 0, sortMapEntries: true });
}

/** Adds each platform's GitOps objects (root Application, Kustomizations, ...) for every environment. */
function renderGitOps(app: App, objects: readonly SynthesizedObject[], scopes: ResourceScopes): SynthesizedObject[] {
  const out: SynthesizedObject[] = [];
  for (const platform of app.node.children.filter((c): c is Platform => c instanceof Platform)) {
    if (!platform.gitops) continue;
    for (const chart of platform.environments) {
      const prefix = `${platform.name}/${chart.environment.name}/`;
      const mine = objects.filter((o) => o.path.startsWith(prefix));
      const units = unitsOf(mine.filter((o) => !o.relocated).map((o) => ({ path: o.path, manifest: o.manifest, stage: o.stage ?? DeliveryStage.APP })));
      const relocated = mine.filter((o) => o.relocated).map((o) => ({ path: o.path, manifest: o.manifest }));
      const rendered = platform.gitops.render({ platform: platform.name, environment: chart.environment.name, namespace: chart.targetNamespace, units, outputPath: platform.outputPath, relocated, scopes, environments: platform.environments.map((e) => e.environment.name) });
      // Relocated objects are already in `objects`; a target that lists them again does not add them twice.
      const already = new Set(relocated.map((r) => r.path));
      for (const r of rendered) if (!already.has(r.path)) out.push({ path: r.path, constructPath: `${chart.node.path}/gitops`, manifest: r.manifest });
    }
  }
  return out;
}

/**
 * What the GitOps tools sync, checked as a whole per platform (every environment): no object twice in one cluster
 * (../validation/object-set-rules.ts, the check `cdk8s-delivery validate` and the validation plugin run on the
 * written files, reading the clusters from the same tree), and the target's own checks (Argo CD: charts installed
 * twice, AppProjects). Without a GitOps target nothing says which environments share a cluster: objects may not
 * repeat within an environment.
 */
function checkTrees(app: App, objects: readonly SynthesizedObject[], scopes: ResourceScopes): Finding[] {
  const findings: Finding[] = [];
  const locationOf = new Map(objects.map((o) => [o.path, o.constructPath]));
  for (const platform of app.node.children.filter((c): c is Platform => c instanceof Platform)) {
    if (!platform.gitops) continue;
    const mine = objects.filter((o) => o.path.startsWith(`${platform.name}/`)).map((o): Manifest => ({ object: o.manifest, location: o.path, file: o.path }));
    const tree = readGitOpsTree(mine);
    const found = [...checkDuplicateObjects(mine, { tree, scopes }), ...(platform.gitops.checkTree?.(mine, tree, scopes) ?? [])];
    for (const f of found) findings.push({ ...f, location: `${locationOf.get(f.location) ?? f.location} (${f.location})` });
  }
  return findings;
}

const groupOf = (apiVersion: unknown) => (typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

/** `<platform>/<environment>` of an output path. */
function environmentOf(path: string): string {
  const first = path.indexOf('/');
  const second = first < 0 ? -1 : path.indexOf('/', first + 1);
  return second < 0 ? path : path.slice(0, second);
}

/** The Platform an object belongs to, if any, from its scopes (root first, the object last). */
function platformOf(scopes: readonly IConstruct[]): Platform | undefined {
  for (let i = scopes.length - 1; i >= 0; i--) if (scopes[i] instanceof Platform) return scopes[i] as Platform;
  return undefined;
}

/**
 * The output folder and delivery stage of an object, and its environment, from one walk over its ancestors. An
 * object of an environment below no folder — a plain cdk8s object created directly in the environment — gets a
 * unit of its own, named after its top-level construct id, in the app stage.
 */
function placeOf(scopes: readonly IConstruct[]): { folder: string; stage: DeliveryStage; chart?: EnvironmentChart } {
  let chart: EnvironmentChart | undefined;
  let chartIndex = -1;
  let info: OutputFolder | undefined;
  for (let i = scopes.length - 1; i >= 0 && (!chart || !info); i--) {
    const scope = scopes[i]!;
    if (!info) info = folderInfoOfScope(scope);
    if (!chart && scope instanceof EnvironmentChart) {
      chart = scope as EnvironmentChart;
      chartIndex = i;
    }
  }
  if (chart) {
    const own = info ?? { name: guestFolderName(scopes[chartIndex + 1]?.node.id ?? ''), stage: DeliveryStage.APP };
    return { folder: `${chart.platform.name}/${chart.environment.name}/${own.name}`, stage: own.stage, chart };
  }
  // Objects outside a platform keep their top-level construct id as the folder.
  return { folder: `${scopes[1]?.node.id ?? 'default'}/${info?.name ?? PLATFORM_FOLDER}`, stage: info?.stage ?? DeliveryStage.PLATFORM };
}

function fileName(manifest: Record<string, any>): string {
  const kind = String(manifest.kind ?? 'object').toLowerCase();
  const name = String(manifest.metadata?.name ?? 'unnamed');
  return `${kind}-${name}.yaml`;
}

export { SynthError, SYNC_WAVE_ANNOTATION };
