import { App } from 'cdk8s';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, vi } from 'vitest';
import YAML from 'yaml';
import { Environment } from '../../lib/core/environment.js';
import { SynthError } from '../../lib/core/problems.js';
import { EnvironmentChart, Platform } from '../../lib/platform/platform.js';
import { runSynth } from '../../lib/synth/run.js';
import { synthesize, toYaml } from '../../lib/synth/synthesizer.js';
import type { Finding } from '../../lib/validation/finding.js';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { validateManifests } from '../../lib/validation/validate-manifests.js';
import { GitOpsTarget } from '../../lib/gitops/targets.js';

/** The environments every property builds: rolling dev and staging, canary/blue-green prod. */
export const ENVIRONMENTS = () => [Environment.dev(), Environment.staging(), Environment.prod()];

/**
 * Builds a one-platform app ("acme") in every environment, delivered by Argo CD, so the output includes the
 * AppProjects its Applications need (issue 12: an Application in the built-in "default" project is refused).
 */
export function buildApp(define: (env: EnvironmentChart) => void): App {
  const app = new App();
  new Platform(app, 'acme', { environments: ENVIRONMENTS(), gitops: GitOpsTarget.argoCd({ repoURL: 'https://github.com/acme/platform.git' }) }).forEachEnvironment(define);
  return app;
}

/**
 * Synthesizes with the upstream schemas (throws a SynthError on any problem), then validates the YAML a
 * reviewer would read, as `cdk8s-delivery validate dist` does: no error may remain.
 */
export function expectValidOutput(app: App, validator: SchemaValidator): void {
  const objects = synthesize(app, { validator });
  const manifests = objects.map((o) => ({ object: YAML.parse(toYaml(o.manifest)), location: o.path }));
  const { errors } = validateManifests(manifests, { schema: validator, requireExplicitWave: true });
  expect(errors).toEqual([]);
}

/** A finding the failure must contain (the rule defaults to any). */
export type ExpectedFinding = Pick<Finding, 'location' | 'field' | 'value'> & { readonly rule?: string };

/**
 * The synth must fail with a SynthError (never another exception) whose every finding has a construct
 * path, a field, a value (possibly undefined or `<redacted>`), a rule, a message and a fix, and which
 * contains each expected finding. Returns the error message.
 */
export function expectDocumentedFailure(app: () => App, expected: readonly ExpectedFinding[]): string {
  let error: unknown;
  try {
    synthesize(app());
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SynthError);
  const findings = (error as SynthError).findings;
  for (const f of findings) {
    expect(f.location).toMatch(/^acme\/(dev|staging|prod)\/[a-z0-9-]+/);
    expect(f.field).toMatch(/^[A-Za-z]/);
    expect(Object.hasOwn(f, 'value')).toBe(true);
    expect(f.rule).toMatch(/^[a-z]+\/[a-z0-9-]+$/);
    expect(f.message.length).toBeGreaterThan(0);
    expect(f.fix.length).toBeGreaterThan(0);
  }
  for (const e of expected) {
    expect(findings).toContainEqual(expect.objectContaining(e.rule ? e : { location: e.location, field: e.field, value: e.value }));
  }
  const message = (error as SynthError).message;
  expect(message).not.toMatch(/\n\s+at /);
  return message;
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      const full = path.join(d, entry);
      if (statSync(full).isDirectory()) walk(full);
      else out[path.relative(dir, full)] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/**
 * `runSynth` of a failing app into a temporary folder must print the problems without a stack trace,
 * set exit code 1, and leave the previous output byte-identical with no staging folder behind.
 */
export async function expectPreviousOutputKept(app: () => App, validator: SchemaValidator): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), 'cdk8s-delivery-property-'));
  try {
    const outdir = path.join(root, 'dist');
    mkdirSync(path.join(outdir, 'acme', 'prod', 'api'), { recursive: true });
    writeFileSync(path.join(outdir, 'acme', 'prod', 'api', 'rollout-api.yaml'), 'kind: Rollout\nmetadata:\n  name: api\n');
    writeFileSync(path.join(outdir, 'README'), 'previous release\n');
    const before = snapshot(outdir);
    const printed: string[] = [];
    const error = vi.spyOn(console, 'error').mockImplementation((...args) => void printed.push(args.join(' ')));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await runSynth(app, { outdir, validator });
    } finally {
      error.mockRestore();
      log.mockRestore();
    }
    expect(process.exitCode).toBe(1);
    process.exitCode = 0;
    expect(printed.join('\n')).toMatch(/^synth failed with \d+ problems?( \(\d+ findings across environments\))?:/);
    expect(printed.join('\n')).not.toMatch(/\n\s+at /);
    expect(snapshot(outdir)).toEqual(before);
    expect(readdirSync(root)).toEqual(['dist']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
