import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main.js';
import { formatFinding } from '../../lib/validation/finding.js';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { budget } from '../load-budget.js';

/**
 * Issue 26, defect 7: a user CRD (`--crds`, `runSynth({ crds })`, the plugin: all load it through
 * `SchemaValidator.load({ crdsDir })`) with `pattern: '^(a+)+$'` and a 35-character value that almost matches took
 * 104 s with JavaScript's backtracking RegExp. The API server evaluates CRD patterns (and CEL's `matches()`) with
 * Go's RE2, in linear time: so must we. A backtracking engine needs ~2^34 steps for this value; RE2 a few thousand.
 */

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const EVIL = '^(a+)+$';
const ALMOST = `${'a'.repeat(34)}!`; // 35 characters: no match, after exponential backtracking in a JS RegExp

function crdDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cdk8s-delivery-redos-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'crds'));
  writeFileSync(path.join(dir, 'crds', 'widget.yaml'), `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                name: {type: string, pattern: '${EVIL}'}
                tags: {type: array, items: {type: string, pattern: '${EVIL}'}}
                label:
                  type: string
                  x-kubernetes-validations:
                    - rule: "self.matches('${EVIL}')"
                      message: label must be a run of a
                limits:
                  type: object
                  properties:
                    min: {type: integer}
                    max: {type: integer}
                  x-kubernetes-validations:
                    - rule: self.min <= self.max
                      fieldPath: .max
                      message: max must not be below min
`);
  return dir;
}

const widget = (spec: Record<string, unknown>) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'shop' }, spec });

describe('CRD patterns run in linear time (RE2), as on the API server', () => {
  it('GIVEN pattern ^(a+)+$ and a 35-character near-match WHEN validating THEN a schema/pattern finding within a second', async () => {
    const validator = await SchemaValidator.load({ crdsDir: path.join(crdDir(), 'crds') });
    validator.validate(widget({ name: 'aaa' }), 'warm-up'); // compiles the CRD's schema once
    const started = performance.now();
    const findings = validator.validate(widget({ name: ALMOST, tags: [ALMOST, 'aa', ALMOST] }), 'w');
    const ms = performance.now() - started;
    expect(findings.map((f) => [f.field, f.rule])).toEqual([
      ['spec.name', 'schema/pattern'],
      ['spec.tags[0]', 'schema/pattern'],
      ['spec.tags[2]', 'schema/pattern'],
    ]);
    expect(ms).toBeLessThan(budget(1000));
    // And a value 100 times longer still costs nothing like 2^n: linear in the value.
    const long = performance.now();
    expect(validator.validate(widget({ name: `${'a'.repeat(5000)}!` }), 'w').map((f) => f.rule)).toEqual(['schema/pattern']);
    expect(performance.now() - long).toBeLessThan(budget(1000));
    expect(validator.validate(widget({ name: 'a'.repeat(5000) }), 'w')).toEqual([]);
  });

  it('GIVEN the same pattern in a CEL rule (x-kubernetes-validations matches()) THEN it is RE2 too', async () => {
    const validator = await SchemaValidator.load({ crdsDir: path.join(crdDir(), 'crds') });
    validator.validate(widget({ label: 'aaa' }), 'warm-up');
    const started = performance.now();
    const findings = validator.validate(widget({ label: ALMOST }), 'w');
    expect(performance.now() - started).toBeLessThan(budget(1000));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.field).toBe('spec.label');
    expect(findings[0]!.message).toContain('label must be a run of a');
    expect(validator.validate(widget({ label: 'aaaa' }), 'w')).toEqual([]);
  });

  it('GIVEN CEL findings THEN they show the value the rule judged (was: undefined), the fieldPath\'s when the rule names one', async () => {
    const validator = await SchemaValidator.load({ crdsDir: path.join(crdDir(), 'crds') });
    expect(validator.validate(widget({ label: 'ab' }), 'w').map((f) => [f.field, f.value, formatFinding(f).split(': ')[1]])).toEqual([['spec.label', 'ab', 'spec.label = "ab"']]);
    expect(validator.validate(widget({ limits: { min: 5, max: 2 } }), 'w').map((f) => [f.field, f.value])).toEqual([['spec.limits.max', 2]]);
  });

  it('GIVEN `validate --crds` on a manifest with the near-match THEN exit 1 with the finding, well within the budget', async () => {
    const dir = crdDir();
    mkdirSync(path.join(dir, 'manifests'));
    writeFileSync(path.join(dir, 'manifests', 'widget.yaml'), `apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: shop}\nspec:\n  name: ${ALMOST}\n`);
    const out: string[] = [];
    const started = performance.now();
    const code = await main(['validate', path.join(dir, 'manifests'), '--crds', path.join(dir, 'crds')], { out: (l) => out.push(l), err: (l) => out.push(l) });
    // Loading the schemas dominates (about 2 s here); the backtracking engine took 104 s for this one value.
    expect(performance.now() - started).toBeLessThan(budget(15_000));
    expect(code).toBe(1);
    expect(out.join('\n')).toContain(`spec.name = "${ALMOST}": must match the pattern ^(a+)+$. [schema/pattern]`);
  }, 120_000);
});
