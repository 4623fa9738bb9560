import { App } from 'cdk8s';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { bitvault } from '../../../apps/bitvault/bitvault.js';
import { Autoscaling } from '../../../lib/autoscaling/autoscaling.js';
import { Environment } from '../../../lib/core/environment.js';
import { IGitOpsTarget } from '../../../lib/gitops/gitops-target.js';
import { GitOpsTarget } from '../../../lib/gitops/targets.js';
import { Platform } from '../../../lib/platform/platform.js';
import { Probe } from '../../../lib/pod/probe.js';
import { ROLLOUT_PLAN_FILE, rolloutPlans } from '../../../lib/review/diagrams/rollout-plan.js';
import { runSynth } from '../../../lib/synth/run.js';
import { synthesize, SynthesizedObject } from '../../../lib/synth/synthesizer.js';
import { TrafficRouter } from '../../../lib/traffic/traffic-router.js';
import { QueueWorker } from '../../../lib/workloads/queue-worker.js';
import { StatelessService } from '../../../lib/workloads/stateless-service.js';
import { WebFrontend } from '../../../lib/workloads/web-frontend.js';
import { DIGEST_IMAGE } from '../../helpers.js';
import { mermaidBlocks, parseFlowchart } from '../mermaid.js';

const REPO = 'https://github.com/acme/platform.git';
const router = (host: string) => TrafficRouter.gatewayApi({ gatewayName: 'public', gatewayNamespace: 'gateway-system', hostnames: [host] });

/** A small platform: a canary service, a blue-green frontend and a KEDA worker, delivered by `gitops`. */
function acme(gitops?: IGitOpsTarget): App {
  const app = new App();
  const platform = new Platform(app, 'acme', { environments: [Environment.dev(), Environment.staging(), Environment.prod()], gitops });
  platform.forEachEnvironment((env) => {
    new StatelessService(env, 'api', { image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/readyz'), trafficRouter: router('api.acme.example'), autoscaling: Autoscaling.horizontal({ minReplicas: 3, maxReplicas: 9 }) });
    new WebFrontend(env, 'web', { image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/healthz'), trafficRouter: router('acme.example') });
    new QueueWorker(env, 'worker', {
      image: DIGEST_IMAGE,
      autoscaling: Autoscaling.natsJetStream({ minReplicas: 2, maxReplicas: 6, monitoringEndpoint: `nats-headless.${env.targetNamespace}.svc.cluster.local:8222`, stream: 'JOBS', consumer: 'worker', lagThreshold: 50 }),
    });
  });
  return app;
}

/** Folders (relative to the output root) that a GitOps object makes a tool read, and whether it reads subfolders too. */
function syncedFolders(objects: readonly SynthesizedObject[]): { folder: string; recursive: boolean }[] {
  const out: { folder: string; recursive: boolean }[] = [];
  for (const { manifest: m } of objects) {
    if (m.kind === 'Application' && m.spec?.source?.repoURL === REPO) out.push({ folder: m.spec.source.path.replace(/^dist\//, ''), recursive: m.spec.source.directory?.recurse === true });
    // kustomize-controller generates a kustomization of every .yaml/.yml below spec.path, subfolders included.
    if (m.kind === 'Kustomization' && String(m.apiVersion).startsWith('kustomize.toolkit.fluxcd.io/')) out.push({ folder: m.spec.path.replace(/^\.\/dist\//, ''), recursive: true });
  }
  return out;
}

describe('rollout plan files', () => {
  it.each([
    ['Argo CD', GitOpsTarget.argoCd({ repoURL: REPO })],
    ['Flux', GitOpsTarget.flux({ url: REPO })],
  ])('GIVEN %s THEN each plan sits at an environment root: in no unit folder, in no folder a GitOps object syncs, and not a manifest file', (_, target) => {
    // GIVEN
    const objects = synthesize(acme(target));
    // WHEN
    const plans = rolloutPlans(objects);
    // THEN
    expect(plans.map((p) => p.path)).toEqual(['acme/dev/ROLLOUT-PLAN.md', 'acme/prod/ROLLOUT-PLAN.md', 'acme/staging/ROLLOUT-PLAN.md']);
    const objectFolders = new Set(objects.map((o) => dirname(o.path)));
    const synced = syncedFolders(objects);
    expect(synced.length).toBeGreaterThan(9);
    for (const plan of plans) {
      const folder = dirname(plan.path);
      expect(objectFolders.has(folder), plan.path).toBe(false);
      for (const s of synced) {
        expect(s.folder, `${plan.path} vs ${s.folder}`).not.toBe(folder);
        if (s.recursive) expect(folder.startsWith(`${s.folder}/`), `${plan.path} under ${s.folder}`).toBe(false);
      }
      expect(plan.path).not.toMatch(/\.(ya?ml|json)$/);
    }
  });

  it('GIVEN Flux THEN the sync order applies each unit as a whole, stage after stage by dependsOn', async () => {
    // GIVEN
    const plan = rolloutPlans(synthesize(acme(GitOpsTarget.flux({ url: REPO })))).find((p) => p.path === 'acme/prod/ROLLOUT-PLAN.md')!;
    // WHEN
    const chart = await parseFlowchart(mermaidBlocks(plan.text)[0]);
    // THEN
    expect(chart.nodes.get('root')?.text).toBe('root Kustomization acme-prod\nbootstrap/ → flux/');
    expect(chart.nodes.get('unit_api_all')?.text).toBe('applied together, waited for\nAnalysisTemplate: api-slo\nHTTPRoute: api\nHorizontalPodAutoscaler: api\nPodDisruptionBudget: api\nPodMonitor: api\nPrometheusRule: api-slo\nRollout: api\nService: api, api-canary');
    expect(chart.edges.filter((e) => e.from.startsWith('stage_') || e.from === 'root').map((e) => [e.from, e.to, e.label])).toEqual([
      ['root', 'stage_platform', ''],
      ['stage_platform', 'stage_app', 'Ready (dependsOn)'],
    ]);
    expect(mermaidBlocks(plan.text)[1]).toContain('new revision synced by Flux');
  });

  it('GIVEN no GitOps target THEN the plan still shows the order to apply the units in', async () => {
    // WHEN
    const plan = rolloutPlans(synthesize(acme())).find((p) => p.path === 'acme/dev/ROLLOUT-PLAN.md')!;
    const chart = await parseFlowchart(mermaidBlocks(plan.text)[0]);
    // THEN
    expect(chart.nodes.get('root')?.text).toBe('no GitOps target\napply the unit folders in this order');
    expect(chart.subgraphs.filter((s) => s.id.startsWith('stage_')).map((s) => s.title)).toEqual(['1. platform stage', '4. app stage']);
  });

  it.each(['dev', 'staging', 'prod'])('GIVEN acme with Argo CD THEN the %s plan matches its snapshot', (environment) => {
    // WHEN
    const plan = rolloutPlans(synthesize(acme(GitOpsTarget.argoCd({ repoURL: REPO })))).find((p) => p.path === `acme/${environment}/${ROLLOUT_PLAN_FILE}`)!;
    // THEN
    expect(plan.text).toMatchSnapshot();
  });
});

describe('runSynth writes the rollout plans', () => {
  const outdir = join(mkdtempSync(join(tmpdir(), 'rollout-plan-')), 'dist');
  afterAll(() => rmSync(dirname(outdir), { recursive: true, force: true }));

  it('GIVEN bitvault WHEN synthesized THEN every environment root holds its plan, next to the unit folders, and nothing else that is not YAML', async () => {
    // GIVEN
    const build = () => { const app = new App(); bitvault(app); return app; };
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    // WHEN
    await runSynth(build, { outdir });
    // THEN
    expect(process.exitCode ?? 0).toBe(0);
    const files = (readdirSync(outdir, { recursive: true }) as string[]).map(String).filter((f) => !f.endsWith('.yaml')).filter((f) => /\.[a-z]+$/.test(f));
    expect(files.sort()).toEqual(['bitvault/dev/ROLLOUT-PLAN.md', 'bitvault/prod/ROLLOUT-PLAN.md', 'bitvault/staging/ROLLOUT-PLAN.md']);
    const expected = rolloutPlans(synthesize(build())).find((p) => p.path === 'bitvault/prod/ROLLOUT-PLAN.md')!;
    expect(readFileSync(join(outdir, expected.path), 'utf8')).toBe(expected.text);
  });
});
