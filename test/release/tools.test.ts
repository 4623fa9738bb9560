import { App } from 'cdk8s';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML, { parseDocument } from 'yaml';
import { bitvault } from '../../apps/bitvault/bitvault.js';
import { parseRelease, Release } from '../../lib/index.js';
import { pendingPromotions } from '../../lib/release/release-operations.js';
import { synthesize } from '../../lib/synth/synthesizer.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const BITVAULT_FILE = path.join(ROOT, 'apps/bitvault/release.yaml');

/** The fenced block after an HTML comment marker in the README. */
function readmeBlock(marker: string): string {
  const at = README.indexOf(`<!-- ${marker} -->`);
  expect(at, marker).toBeGreaterThan(0);
  const match = /```\w*\n([\s\S]*?)\n```/.exec(README.slice(at));
  return match![1]!;
}

/** A copy of bitvault's release file outside git, with `text` instead when given. */
function copyOfBitvault(text?: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'release-tools-')), 'release.yaml');
  if (text === undefined) copyFileSync(BITVAULT_FILE, file);
  else writeFileSync(file, text);
  return file;
}

const imageIn = (file: string, environment: string, unit: string) => {
  const objects = synthesize((() => { const app = new App(); bitvault(app, { release: Release.fromFile(file) }); return app; })());
  const workload = objects.find((o) => o.path.startsWith(`bitvault/${environment}/${unit}/`) && ['Deployment', 'Rollout'].includes(o.manifest.kind))!;
  return workload.manifest.spec.template.spec.containers[0].image as string;
};

describe('the README\'s tool configurations against the release file', { timeout: 120_000 }, () => {
  it('GIVEN the Renovate regex manager of the README THEN it matches the dev image of every bitvault workload, nothing else, and its replacement keeps a valid file', () => {
    // GIVEN
    const config = JSON.parse(readmeBlock('renovate-config'));
    const manager = config.customManagers[0];
    const text = readFileSync(BITVAULT_FILE, 'utf8');
    const state = parseRelease(text).state!;
    expect(new RegExp(manager.managerFilePatterns[0].slice(1, -1)).test('apps/bitvault/release.yaml')).toBe(true);
    // WHEN
    const matches = [...text.matchAll(new RegExp(manager.matchStrings[0], 'g'))];
    // THEN one per workload, exactly its dev image
    const dev = Object.entries(state.workloads).map(([, e]) => e.dev!.image).sort();
    expect(matches.map((m) => `${m.groups!.depName}${m.groups!.currentValue ? `:${m.groups!.currentValue}` : ''}@${m.groups!.currentDigest}`).sort()).toEqual(dev);
    expect(matches.find((m) => m.groups!.depName === 'ghcr.io/cloudnative-pg/postgresql')!.groups!.currentValue).toBe('17.5');
    expect(manager.datasourceTemplate).toBe('docker');
    // WHEN Renovate replaces the gateway's match with its template (a new digest, no tag)
    const gateway = matches.find((m) => m.groups!.depName === 'ghcr.io/bitvault/gateway')!;
    const newDigest = `sha256:${'f'.repeat(64)}`;
    const rendered = manager.autoReplaceStringTemplate
      .replace(/\{\{#if newValue\}\}.*?\{\{\/if\}\}/, '')
      .replace('{{depName}}', gateway.groups!.depName)
      .replace('{{newDigest}}', newDigest);
    const bumped = text.slice(0, gateway.index) + rendered + text.slice(gateway.index! + gateway[0].length);
    // THEN only dev changed; the file is valid, synth runs it in dev, and it waits to be promoted to staging
    const after = parseRelease(bumped);
    expect(after.problems).toEqual([]);
    expect(after.state!.workloads.gateway!.dev!.image).toBe(`ghcr.io/bitvault/gateway@${newDigest}`);
    expect(after.state!.workloads.gateway!.staging).toEqual(state.workloads.gateway!.staging);
    expect(bumped.split('\n').filter((l, i) => l !== text.split('\n')[i])).toEqual([`      image: ghcr.io/bitvault/gateway@${newDigest}`]);
    const file = copyOfBitvault(bumped);
    expect(imageIn(file, 'dev', 'gateway')).toBe(`ghcr.io/bitvault/gateway@${newDigest}`);
    expect(pendingPromotions(after.state!).filter((p) => p.workload === 'gateway').map((p) => `${p.from}→${p.to}`)).toEqual(['dev→staging', 'staging→prod']);
  });

  it('GIVEN the Kargo yaml-update step of the README THEN its updates, as dotted key paths, promote the staging gateway to prod in a valid file that synth accepts', () => {
    // GIVEN
    const step = YAML.parse(readmeBlock('kargo-step'))[0];
    expect(step.uses).toBe('yaml-update');
    expect(step.config.path).toBe('./src/apps/bitvault/release.yaml');
    const text = readFileSync(BITVAULT_FILE, 'utf8');
    const staging = parseRelease(text).state!.workloads.gateway!.staging!.image;
    // Kargo's expressions, evaluated for Freight holding the image staging runs
    const expressions: Record<string, string> = {
      'imageFrom("ghcr.io/bitvault/gateway").RepoURL': staging.split('@')[0]!,
      'imageFrom("ghcr.io/bitvault/gateway").Digest': staging.split('@')[1]!,
      'now().UTC().Format("2006-01-02T15:04:05Z")': '2026-12-08T09:00:00Z',
    };
    const evaluate = (value: string) => value.replace(/\$\{\{ (.*?) \}\}/g, (_, e: string) => expressions[e] ?? `<unknown ${e}>`);
    // WHEN
    const document = parseDocument(text);
    for (const update of step.config.updates) document.setIn(update.key.split('.'), evaluate(String(update.value)));
    const updated = document.toString();
    // THEN
    const after = parseRelease(updated);
    expect(after.problems).toEqual([]);
    expect(after.state!.workloads.gateway!.prod).toMatchObject({ image: staging, since: '2026-12-08T09:00:00Z', from: 'staging' });
    expect(after.state!.workloads.gateway!.prod!.commit).toBeUndefined();
    expect(after.state!.workloads.gateway!.prod!.bypass).toBeUndefined();
    const file = copyOfBitvault(updated);
    expect(Release.fromFile(file).promotionViolations()).toEqual([]);
    expect(imageIn(file, 'prod', 'gateway')).toBe(staging);
    // and the same step with an image staging never ran is caught by synth's rule
    expressions['imageFrom("ghcr.io/bitvault/gateway").Digest'] = `sha256:${'d'.repeat(64)}`;
    const unproven = parseDocument(text);
    for (const update of step.config.updates) unproven.setIn(update.key.split('.'), evaluate(String(update.value)));
    expect(Release.fromFile(copyOfBitvault(unproven.toString())).promotionViolations().map((v) => `${v.workload}/${v.environment}`)).toEqual(['gateway/prod']);
  });
});
