import { App } from 'cdk8s';
import { expect } from 'vitest';
import { Environment } from '../lib/core/environment.js';
import { SynthError } from '../lib/core/problems.js';
import { EnvironmentChart, Platform } from '../lib/platform/platform.js';
import { synthesize, SynthesizedObject } from '../lib/synth/synthesizer.js';
import { Finding } from '../lib/validation/finding.js';

/** A valid digest-pinned image for tests. */
export const DIGEST_IMAGE = `ghcr.io/acme/api@sha256:${'a'.repeat(64)}`;

/** Builds a one-platform app ("acme") with the given environments and synthesizes it. */
export function synthPlatform(define: (env: EnvironmentChart) => void, environments: Environment[] = [Environment.dev(), Environment.staging(), Environment.prod()]): SynthesizedObject[] {
  const app = new App();
  const platform = new Platform(app, 'acme', { environments });
  platform.forEachEnvironment(define);
  return synthesize(app);
}

/** The objects of one environment (and optionally one app folder). */
export function objectsOf(objects: SynthesizedObject[], environment: string, folder?: string): SynthesizedObject[] {
  const prefix = folder ? `acme/${environment}/${folder}/` : `acme/${environment}/`;
  return objects.filter((o) => o.path.startsWith(prefix));
}

/** The single manifest of a kind and name in an environment; fails the test when not exactly one. */
export function manifestOf(objects: SynthesizedObject[], environment: string, kind: string, name: string): Record<string, any> {
  const found = objects.filter((o) => o.path.startsWith(`acme/${environment}/`) && o.manifest.kind === kind && o.manifest.metadata?.name === name);
  expect(found.map((o) => o.path), `${kind}/${name} in ${environment}`).toHaveLength(1);
  return found[0].manifest;
}

/** Runs a synth that must fail; returns its findings. */
export function synthFindings(run: () => unknown): Finding[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SynthError);
    return [...(error as SynthError).findings];
  }
  throw new Error('expected the synth to fail, but it succeeded');
}

/** Files as a map path → YAML-free manifest, for comparisons. */
export function byPath(objects: SynthesizedObject[]): Map<string, Record<string, any>> {
  return new Map(objects.map((o) => [o.path, o.manifest]));
}
