import { ApiObject, App } from 'cdk8s';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import YAML from 'yaml';
import type { CliIo } from '../../lib/cli/command.js';
import { main } from '../../lib/cli/main.js';
import { Environment } from '../../lib/core/environment.js';
import { syncWaveAnnotations } from '../../lib/core/sync-wave.js';
import { GitOpsTarget } from '../../lib/gitops/targets.js';
import { writeCdk8sOutput } from '../../lib/plugin/cdk8s-output.js';
import { Platform } from '../../lib/platform/platform.js';
import { runSynth } from '../../lib/synth/run.js';
import { type SynthesizedObject, synthesizeWithFindings, toYaml } from '../../lib/synth/synthesizer.js';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { shopApp, type ShopDelivery } from '../fixtures/shop/shop.js';

/**
 * Issue 20, "checks that agree": for every platform the synth accepts, `cdk8s-delivery validate` (of dist/, or of a
 * copy under another name) and the cdk8s validation plugin give the same verdict, with the same severity per rule;
 * a platform the synth refuses for duplicate objects is refused by both, for the same objects. The platform is the
 * issue's shop (test/fixtures/shop): PlatformControllers and a GatewayClass in every environment, one Argo CD per
 * environment (the Argo CD target's default), then `destinationServers`, then Flux.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const { PluginManager } = require(path.join(ROOT, 'node_modules/cdk8s-cli/lib/plugins/_manager.js'));
const { ValidationPlugin } = require(path.join(ROOT, 'node_modules/cdk8s-cli/lib/plugins/validation.js'));

const dirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'checks-agree-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

let validator: SchemaValidator;
beforeAll(async () => {
  validator = await SchemaValidator.load();
});

/** Writes the objects as runSynth writes dist/ (one file per object, below `dir`). */
function writeTree(objects: readonly SynthesizedObject[], dir: string): void {
  for (const o of objects) {
    mkdirSync(path.dirname(path.join(dir, o.path)), { recursive: true });
    writeFileSync(path.join(dir, o.path), toYaml(o.manifest));
  }
}

/** `cdk8s-delivery validate <dir>` in-process: exit code and the finding lines by rule. */
async function validate(dir: string): Promise<{ code: number; errors: string[]; warnings: string[] }> {
  const out: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => out.push(l) };
  const code = await main(['validate', dir], io);
  const findings = out.filter((l) => / \[[a-z0-9-]+\/[a-z0-9-]+\] Fix: /.test(l));
  return { code, errors: findings.filter((l) => !l.startsWith('warning: ')), warnings: findings.filter((l) => l.startsWith('warning: ')) };
}

/** What `cdk8s synth` does after the app ran: the combined manifests runSynth leaves, checked by the plugin. */
async function plugin(objects: readonly SynthesizedObject[]): Promise<{ status: string; violations: { rule: string; locations: string[] }[] }> {
  const dir = scratch();
  writeCdk8sOutput(objects, dir, { constructMetadata: true });
  const manifests = [...new Set(objects.map((o) => o.path.split('/').slice(0, 2).join('-')))].map((k) => path.join(dir, `${k}.k8s.yaml`));
  const config = YAML.parse(readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8'));
  const { plugin: loaded, context } = ValidationPlugin.load(config.validations[0], { manifests, constructMetadata: path.join(dir, 'construct-metadata.json') }, false, new PluginManager(dir));
  await loaded.validate(context);
  const report = context.report.toJson();
  return { status: report.summary.status, violations: report.violations.map((v: any) => ({ rule: v.ruleName, locations: v.violatingConstructs.flatMap((c: any) => c.locations) })) };
}

describe('synth, validate and the validation plugin agree on the issue-20 shop', () => {
  it.each<ShopDelivery>(['argocd', 'argocd-destinations', 'flux'])('GIVEN the shop delivered with %s (controllers and a GatewayClass per environment) WHEN the synth accepts it THEN validate of dist/ and the plugin accept it too', async (delivery) => {
    // GIVEN / WHEN
    const { objects, findings } = synthesizeWithFindings(shopApp({ delivery }), { validator });
    expect(findings).toEqual([]);
    const dist = path.join(scratch(), 'dist');
    writeTree(objects, dist);
    // THEN: the issue counted 12, 6 and (Flux) 18 false gitops/duplicate-object errors here, and a failed plugin report.
    expect(await validate(dist)).toEqual({ code: 0, errors: [], warnings: [] });
    expect(await plugin(objects)).toEqual({ status: 'success', violations: [] });
  });

  it('GIVEN the synthesized shop copied to a folder not named dist WHEN validated THEN the verdict is the same (clusters come from the tree, not from folder names)', async () => {
    // GIVEN
    const { objects } = synthesizeWithFindings(shopApp({ delivery: 'argocd-destinations' }), { validator });
    const dist = path.join(scratch(), 'dist');
    writeTree(objects, dist);
    const copy = path.join(scratch(), 'manifests-for-review');
    cpSync(dist, copy, { recursive: true });
    // WHEN / THEN
    expect(await validate(copy)).toEqual({ code: 0, errors: [], warnings: [] });
    // One environment's folder alone (dist/shop/prod) is one tree too.
    expect(await validate(path.join(copy, 'shop/prod'))).toEqual({ code: 0, errors: [], warnings: [] });
  });

  it('GIVEN the repository\'s committed dist/ copied to a folder not named dist WHEN validated THEN it is clean, as the synth found it', async () => {
    const copy = path.join(scratch(), 'reviewed');
    cpSync(path.join(ROOT, 'dist'), copy, { recursive: true });
    expect(await validate(copy)).toEqual({ code: 0, errors: [], warnings: [] });
  });

  it('GIVEN the shop with one Argo CD for all environments (sharedArgoCd, a cluster each) WHEN synthesized THEN the synth, validate and the plugin all refuse the same duplicate Applications', async () => {
    // GIVEN / WHEN
    const { objects, findings } = synthesizeWithFindings(shopApp({ delivery: 'argocd-shared' }), { validator });
    const duplicates = findings.filter((f) => f.rule === 'gitops/duplicate-object');
    // THEN: staging's and prod's argo-rollouts, keda and cloudnative-pg Applications repeat dev's in the one Argo CD.
    expect(duplicates.map((f) => /\((shop\/[^)]+)\)$/.exec(f.location)?.[1]).sort()).toEqual([
      'shop/prod/argocd/application-argo-rollouts.yaml',
      'shop/prod/argocd/application-cloudnative-pg.yaml',
      'shop/prod/argocd/application-keda.yaml',
      'shop/staging/argocd/application-argo-rollouts.yaml',
      'shop/staging/argocd/application-cloudnative-pg.yaml',
      'shop/staging/argocd/application-keda.yaml',
    ]);
    expect(findings.filter((f) => f.rule !== 'gitops/duplicate-object')).toEqual([]);
    expect(duplicates[0]!.message).toContain('the cluster of Argo CD shop');
    expect(duplicates[0]!.fix).toContain('namePrefix');
    // The same tree on disk (as a hand edit of dist/ would leave it): validate and the plugin find the same six.
    const dist = path.join(scratch(), 'dist');
    writeTree(objects, dist);
    const validated = await validate(dist);
    expect(validated.code).toBe(1);
    expect(validated.errors.map((l) => /\/dist\/(shop\/[^:]+):/.exec(l)?.[1]).sort()).toEqual(duplicates.map((f) => /\((shop\/[^)]+)\)$/.exec(f.location)?.[1]).sort());
    expect(validated.errors.every((l) => l.includes('[gitops/duplicate-object]'))).toBe(true);
    const report = await plugin(objects);
    expect(report.status).toBe('failure');
    expect(report.violations.map((v) => [v.rule, v.locations.length])).toEqual([['gitops/duplicate-object', 6]]);
  });
});

describe('one severity per rule: a kind of an API group nothing pins (schema/unpinned-kind)', () => {
  const widgetApp = () => {
    const app = new App();
    const platform = new Platform(app, 'acme', { environments: [Environment.prod()], gitops: GitOpsTarget.argoCd({ repoURL: 'https://github.com/acme/platform.git' }) });
    new ApiObject(platform.environments[0]!, 'widget', {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'widget', namespace: 'acme-prod', annotations: syncWaveAnnotations(10) },
      spec: { size: 3 },
    });
    return app;
  };

  it('GIVEN a Widget of example.com WHEN synthesized, validated and checked by the plugin THEN each reports it as not checked, a warning, and accepts the platform', async () => {
    // GIVEN / WHEN: runSynth, as `npm run synth` runs it
    const outdir = path.join(scratch(), 'dist');
    const printed: string[] = [];
    const error = vi.spyOn(console, 'error').mockImplementation((line: string) => void printed.push(line));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await runSynth(widgetApp, { outdir, validator });
    } finally {
      error.mockRestore();
      log.mockRestore();
    }
    // THEN: written, with the warning printed (before issue 20 this failed the synth while validate only warned).
    expect(process.exitCode ?? 0).toBe(0);
    expect(readFileSync(path.join(outdir, 'acme/prod/widget/widget-widget.yaml'), 'utf8')).toContain('kind: Widget');
    expect(printed.filter((l) => l.includes('[schema/unpinned-kind]'))).toEqual([expect.stringMatching(/^warning: acme\/prod\/widget: kind = "Widget": is not checked/)]);
    const validated = await validate(outdir);
    expect(validated.code).toBe(0);
    expect(validated.warnings).toEqual([expect.stringContaining('[schema/unpinned-kind]')]);
    const report = await plugin(synthesizeWithFindings(widgetApp()).objects);
    expect(report).toEqual({ status: 'success', violations: [{ rule: 'schema/unpinned-kind (warning)', locations: [expect.stringContaining('kind = "Widget"')] }] });
  });
});
