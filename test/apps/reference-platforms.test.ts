import { App } from 'cdk8s';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bitvault } from '../../apps/bitvault/bitvault.js';
import { synthesize, SynthesizedObject } from '../../lib/synth/synthesizer.js';
import { SchemaValidator, validateDirectory } from '../../lib/validation/schema-validator.js';

let validator: SchemaValidator;
let objects: SynthesizedObject[];

beforeAll(async () => {
  validator = await SchemaValidator.load();
  const app = new App();
  bitvault(app);
  objects = synthesize(app);
});

describe('reference platforms against the real upstream schemas', () => {
  it('every synthesized object validates against the Kubernetes core schema or its pinned CRD, unknown fields rejected', () => {
    expect(objects.length).toBeGreaterThan(30);
    const findings = objects.flatMap((o) => validator.validate(o.manifest, o.constructPath));
    expect(findings).toEqual([]);
  });

  it('every object of the committed dist/ validates too', async () => {
    const findings = await validateDirectory(resolve('dist'), validator);
    expect(findings).toEqual([]);
  });

  it('the validator is not vacuous: it rejects a typo in an emitted Rollout', () => {
    const rollout = structuredClone(objects.find((o) => o.manifest.kind === 'Rollout' && o.manifest.spec.strategy.canary)!.manifest);
    rollout.spec.strategy.canary.stepz = rollout.spec.strategy.canary.steps;
    expect(validator.validate(rollout, 'x').map((f) => [f.rule, f.field])).toEqual([['schema/unknown-field', 'spec.strategy.canary.stepz']]);
  });

  it('every object carries an explicit sync wave', () => {
    for (const o of objects) expect(o.manifest.metadata.annotations?.['argocd.argoproj.io/sync-wave'], o.path).toMatch(/^-?\d+$/);
  });
});
