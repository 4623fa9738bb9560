import { App } from 'cdk8s';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../lib/cli/main.js';
import { Environment, Platform, Probe, QueueWorker, Release, StatelessService, TrafficRouter } from '../../lib/index.js';
import { rolloutPlans } from '../../lib/review/diagrams/rollout-plan.js';
import { synthesize } from '../../lib/synth/synthesizer.js';
import { writeAtomically } from '../../lib/synth/writer.js';

/** An image of `repository` whose digest is `hex` repeated to 64 digits. */
export const image = (repository: string, hex: string): string => `ghcr.io/acme/${repository}@sha256:${hex.repeat(64 / hex.length)}`;

/** Runs git in `cwd` (a test identity, no signing); returns its standard output. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', '-c', 'commit.gpgsign=false', ...args], { cwd, stdio: 'pipe', encoding: 'utf8' });
}

/** Runs `cdk8s-delivery <args>` in-process; resolves to the exit code and what it printed. */
export async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A platform "shop" (dev → staging → prod) whose api and worker take their images from `file`, where they run. */
export function shopApp(file: string): App {
  const app = new App();
  const release = Release.fromFile(file);
  const platform = new Platform(app, 'shop', { environments: [Environment.dev(), Environment.staging(), Environment.prod()] });
  platform.forEachEnvironment((env) => {
    if (release.runs(env, 'api')) {
      new StatelessService(env, 'api', {
        image: release.image(env, 'api'),
        port: 8080,
        readinessProbe: Probe.httpGet('/readyz'),
        trafficRouter: TrafficRouter.gatewayApi({ gatewayName: 'public', gatewayNamespace: 'gateway-system', hostnames: ['api.shop.example'] }),
      });
    }
    if (release.runs(env, 'worker')) new QueueWorker(env, 'worker', { image: release.image(env, 'worker') });
  });
  return app;
}

/** Synthesizes the shop from `<repo>/release.yaml` into `<repo>/dist` as synth writes it (manifests and rollout plans). */
export function synthInto(repo: string): void {
  const objects = synthesize(shopApp(path.join(repo, 'release.yaml')));
  writeAtomically(objects, path.join(repo, 'dist'), rolloutPlans(objects));
}

/** Every file under `dir`, relative path → bytes. */
export function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (sub: string) => {
    for (const e of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = path.join(sub, e.name);
      if (e.isDirectory()) walk(rel);
      else out.set(rel, readFileSync(path.join(dir, rel)));
    }
  };
  walk('');
  return out;
}

/**
 * A git repository with the shop's release file: api and worker set in dev (commit "dev"), promoted to staging
 * (commit "staging") and to prod (commit "prod"), each commit with dist/ synthesized from the file.
 */
export async function shopRepo(): Promise<string> {
  const repo = mkdtempSync(path.join(tmpdir(), 'release-flow-'));
  git(repo, 'init', '-q', '-b', 'main');
  const file = path.join(repo, 'release.yaml');
  const step = async (message: string, ...args: string[]) => {
    const r = await cli('release', ...args, '--file', file);
    if (r.code !== 0) throw new Error(`release ${args.join(' ')}: exit ${r.code}: ${r.err}`);
    synthInto(repo);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', message);
  };
  const init = await cli('release', 'init', '--platform', 'shop', '--environments', 'dev,staging,prod', '--file', file);
  if (init.code !== 0) throw new Error(init.err);
  await step('dev', 'set', `api=${image('api', '1')}`, `worker=${image('worker', '1')}`, '--env', 'dev', '--new');
  await step('staging', 'promote', '--from', 'dev', '--to', 'staging');
  await step('prod', 'promote', '--from', 'staging', '--to', 'prod');
  return repo;
}
