import { DELIVERY_STAGES, DeliveryStage } from '../../platform/output-folder.js';
import { compareText, hookOf, locationOf, ReviewObject, waveOf } from '../manifests.js';
import { Flowchart, nodeId } from './flowchart.js';

/** The GitOps tool of an environment, as its objects show it. */
export type GitOpsTool = 'Argo CD' | 'Flux' | undefined;

/** Argo CD's phases in sync order; a hook runs in its phase, by wave. */
const PHASES = ['PreSync', 'Sync', 'PostSync'] as const;
const MAX_NAMES = 3;

/** An Argo CD Application among the GitOps objects (the ones without a delivery stage). */
const isApplication = (o: ReviewObject): boolean => o.stage === undefined && o.manifest.kind === 'Application' && String(o.manifest.apiVersion).startsWith('argoproj.io/');

/** `argocd` or `flux` from the GitOps objects (the ones without a delivery stage). */
export function gitOpsToolOf(objects: readonly ReviewObject[]): GitOpsTool {
  if (objects.some((o) => o.stage === undefined && String(o.manifest.apiVersion).startsWith('kustomize.toolkit.fluxcd.io/'))) return 'Flux';
  if (objects.some(isApplication)) return 'Argo CD';
  return undefined;
}

/** Objects of one wave as label lines: `Kind: a, b, c +2`. */
function contents(objects: readonly ReviewObject[]): string[] {
  const byKind = new Map<string, string[]>();
  for (const o of objects) {
    const names = byKind.get(o.manifest.kind) ?? [];
    const name = displayName(o);
    if (!names.includes(name)) byKind.set(o.manifest.kind, [...names, name]);
  }
  return [...byKind.entries()].sort(([a], [b]) => compareText(a, b)).map(([kind, names]) => {
    const sorted = names.sort(compareText);
    const more = sorted.length > MAX_NAMES ? ` +${sorted.length - MAX_NAMES}` : '';
    return `${kind}: ${sorted.slice(0, MAX_NAMES).join(', ')}${more}`;
  });
}

/**
 * The name shown for an object. A Migration's SQL ConfigMaps are named after their content: the plan shows
 * them without the hash, so that shipping a migration changes the manifests that carry it, not the plan.
 */
function displayName(o: ReviewObject): string {
  const name = String(o.manifest.metadata?.name);
  return o.manifest.metadata?.labels?.['app.kubernetes.io/component'] === 'migration-sql' ? name.replace(/-[0-9a-f]{10}$/, '-* (named by content)') : name;
}

/** A unit folder of the environment with its stage and objects. */
export interface PlanUnit {
  readonly folder: string;
  readonly stage: DeliveryStage;
  readonly objects: readonly ReviewObject[];
}

/** The units of an environment (objects with a delivery stage), in delivery order: stage, then folder. */
export function planUnits(objects: readonly ReviewObject[]): PlanUnit[] {
  const byFolder = new Map<string, PlanUnit>();
  for (const o of objects) {
    if (o.stage === undefined) continue;
    const folder = locationOf(o.path).unit;
    const unit = byFolder.get(folder) ?? { folder, stage: o.stage, objects: [] };
    byFolder.set(folder, { ...unit, objects: [...unit.objects, o] });
  }
  return [...byFolder.values()].sort((a, b) => DELIVERY_STAGES.indexOf(a.stage) - DELIVERY_STAGES.indexOf(b.stage) || compareText(a.folder, b.folder));
}

/** The (phase, wave) steps of a unit in Argo CD's order, each with its objects. */
export function unitSteps(unit: PlanUnit): { phase: string; wave: number; objects: ReviewObject[] }[] {
  const steps = new Map<string, { phase: string; wave: number; objects: ReviewObject[] }>();
  for (const o of unit.objects) {
    const hook = hookOf(o.manifest);
    const phase = hook && (PHASES as readonly string[]).includes(hook) ? hook : hook ? `${hook} hook` : 'Sync';
    const wave = waveOf(o.manifest);
    const key = `${phase}|${wave}`;
    const step = steps.get(key) ?? { phase, wave, objects: [] };
    step.objects.push(o);
    steps.set(key, step);
  }
  const rank = (p: string) => (PHASES as readonly string[]).indexOf(p) === -1 ? PHASES.length : (PHASES as readonly string[]).indexOf(p);
  return [...steps.values()].sort((a, b) => rank(a.phase) - rank(b.phase) || a.wave - b.wave || compareText(a.phase, b.phase));
}

/** Id of a unit's step node. */
export const stepNodeId = (folder: string, phase: string, wave: number): string => nodeId('unit', folder, phase, wave < 0 ? `m${-wave}` : wave);

/** The Helm chart an Argo CD Application installs (`spec.source.chart`, as HelmApplication writes it). */
function chartOf(app: Record<string, any>): { chart: string; version: string } | undefined {
  const source = app.spec?.source;
  return typeof source?.chart === 'string' ? { chart: source.chart, version: String(source.targetRevision ?? '') } : undefined;
}

/**
 * Argo CD Applications that install a Helm chart: they have no unit folder (their manifest is the chart), so
 * they appear in the stage whose Applications share their wave (controllers with platform, data services with
 * data), or on their own at their wave.
 */
function chartApplications(objects: readonly ReviewObject[]): ReviewObject[] {
  return objects
    .filter((o) => isApplication(o) && chartOf(o.manifest))
    .sort((a, b) => compareText(String(a.manifest.metadata?.name), String(b.manifest.metadata?.name)));
}

/** A node per chart Application: chart and version, the Application, its destination namespace. */
function addCharts(chart: Flowchart, apps: readonly ReviewObject[]): void {
  for (const app of apps) {
    const { chart: name, version } = chartOf(app.manifest)!;
    const namespace = app.manifest.spec?.destination?.namespace;
    chart.node(nodeId('chart', String(app.manifest.metadata?.name)), [`Helm chart ${name} ${version}`.trim(), `Application ${app.manifest.metadata?.name}${namespace ? ` → ${namespace}` : ''}`], 'box');
  }
}

/** Wave of the Argo CD Application that syncs a unit, if there is one. */
function applicationWave(objects: readonly ReviewObject[], unitPath: string): number | undefined {
  const app = objects.find((o) => isApplication(o) && String(o.manifest.spec?.source?.path ?? '').endsWith(`/${unitPath}`));
  return app ? waveOf(app.manifest) : undefined;
}

function addRoot(chart: Flowchart, tool: GitOpsTool, objects: readonly ReviewObject[]): string {
  const bootstrap = objects.find((o) => o.stage === undefined && locationOf(o.path).unit === 'bootstrap');
  const name = String(bootstrap?.manifest.metadata?.name ?? '?');
  if (tool === 'Argo CD') {
    chart.node('root', [`root Application ${name}`, 'bootstrap/ → argocd/'], 'stadium', 'analysis');
    // The environment's own project (named like the root Application), not its platform or gitops project.
    const projects = objects.filter((o) => o.stage === undefined && o.manifest.kind === 'AppProject');
    const project = projects.find((o) => o.manifest.metadata?.name === name) ?? projects[0];
    if (!project) return 'root';
    chart.node('project', [`AppProject ${project.manifest.metadata?.name} · wave ${waveOf(project.manifest)}`], 'box');
    chart.edge('root', 'project');
    return 'project';
  }
  if (tool === 'Flux') {
    chart.node('root', [`root Kustomization ${name}`, 'bootstrap/ → flux/'], 'stadium', 'analysis');
    return 'root';
  }
  chart.node('root', ['no GitOps target', 'apply the unit folders in this order'], 'stadium', 'analysis');
  return 'root';
}

/**
 * The sync order of one environment: stage by stage (platform → data → migration → app, each stage
 * waiting for the previous one to be healthy), the units of each stage, and inside each unit its Argo CD
 * phases and waves in order — the migration Job as a PreSync hook. With Flux, waves and hooks mean
 * nothing: a unit is applied as a whole and the stage order comes from `dependsOn`.
 */
export function syncOrderChart(objects: readonly ReviewObject[]): Flowchart {
  const chart = new Flowchart('TB');
  const tool = gitOpsToolOf(objects);
  let previous = addRoot(chart, tool, objects);
  const units = planUnits(objects);
  const charts = tool === 'Argo CD' ? chartApplications(objects) : [];
  const placed = new Set<ReviewObject>();
  const groups: Array<{ id: string; wave?: number; title: string; content: () => void }> = [];
  for (const stage of DELIVERY_STAGES) {
    const members = units.filter((u) => u.stage === stage);
    if (members.length === 0) continue;
    const waves = [...new Set(members.map((u) => applicationWave(objects, u.objects[0].path.split('/').slice(0, 3).join('/'))).filter((w) => w !== undefined))];
    const wave = tool === 'Argo CD' && waves.length === 1 ? waves[0] : undefined;
    const stageCharts = wave === undefined ? [] : charts.filter((c) => waveOf(c.manifest) === wave);
    for (const c of stageCharts) placed.add(c);
    const order = DELIVERY_STAGES.indexOf(stage) + 1;
    groups.push({
      id: nodeId('stage', stage),
      wave,
      title: wave !== undefined ? `${order}. ${stage} stage · Applications in wave ${wave}` : tool === 'Flux' ? `${order}. ${stage} stage · Kustomizations` : `${order}. ${stage} stage`,
      content: () => {
        addCharts(chart, stageCharts);
        for (const unit of members) addUnit(chart, tool, unit);
      },
    });
  }
  // Chart Applications in a wave no unit stage has: a group of their own, in wave order among the stages.
  const rest = charts.filter((c) => !placed.has(c));
  for (const wave of [...new Set(rest.map((c) => waveOf(c.manifest)))].sort((a, b) => a - b)) {
    const members = rest.filter((c) => waveOf(c.manifest) === wave);
    const at = groups.findIndex((g) => g.wave !== undefined && g.wave > wave);
    const group = { id: nodeId('charts', wave < 0 ? `m${-wave}` : wave), wave, title: `Helm charts · Applications in wave ${wave}`, content: () => addCharts(chart, members) };
    groups.splice(at === -1 ? groups.length : at, 0, group);
  }
  // Between two groups the edge says what the next one waits for; from the root or project it is plain.
  groups.forEach((group, i) => {
    chart.subgraph(group.id, group.title, group.content);
    chart.edge(previous, group.id, i === 0 ? undefined : tool === 'Flux' ? 'Ready (dependsOn)' : 'Healthy');
    previous = group.id;
  });
  return chart;
}

/** A unit's subgraph: its Argo CD phases and waves in order, or (Flux) the unit applied as a whole. */
function addUnit(chart: Flowchart, tool: GitOpsTool, unit: PlanUnit): void {
  chart.subgraph(nodeId('unit', unit.folder), unit.folder, () => {
    if (tool === 'Flux') {
      chart.node(nodeId('unit', unit.folder, 'all'), ['applied together, waited for', ...contents(unit.objects)], 'box', unit.stage === DeliveryStage.MIGRATION ? 'hook' : undefined);
      return;
    }
    let before: string | undefined;
    for (const step of unitSteps(unit)) {
      const id = stepNodeId(unit.folder, step.phase, step.wave);
      const head = step.phase === 'Sync' ? `wave ${step.wave}` : `${step.phase} hook · wave ${step.wave}`;
      chart.node(id, [head, ...contents(step.objects)], 'box', step.phase === 'Sync' ? undefined : 'hook');
      if (before) chart.edge(before, id);
      before = id;
    }
  });
}
