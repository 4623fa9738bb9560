import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCrds } from '../../lib/validation/schema/crd.js';
import { loadPinnedCrds } from '../../lib/validation/schema/pinned.js';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';

const SHARED_CRDS = path.resolve(import.meta.dirname, '../../../shared/crds');

const crd = (kind: string, group: string, specSchema: Record<string, unknown>) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ${kind.toLowerCase()}s.${group}}
spec:
  group: ${group}
  names: {kind: ${kind}, plural: ${kind.toLowerCase()}s, singular: ${kind.toLowerCase()}, listKind: ${kind}List}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: ${JSON.stringify(specSchema)}
`;

let extra: string;
beforeAll(() => {
  extra = mkdtempSync(path.join(tmpdir(), 'cdk8s-delivery-crds-'));
  writeFileSync(path.join(extra, 'widget.yaml'), crd('Widget', 'example.com', { type: 'object', properties: { size: { type: 'integer' } } }));
});

describe('the pinned schemas shipped in schemas/', () => {
  it('hold every served version of every CRD in ../shared/crds', async () => {
    const expected = (await loadCrds(SHARED_CRDS)).map((c) => `${c.apiVersion} ${c.kind}`).sort();
    const pinned = (await loadPinnedCrds()).map((c) => `${c.apiVersion} ${c.kind}`).sort();
    expect(pinned).toEqual(expected);
    expect(pinned).toEqual(expect.arrayContaining(['gateway.networking.k8s.io/v1 GRPCRoute', 'gateway.networking.k8s.io/v1 ListenerSet', 'postgresql.cnpg.io/v1 Pooler', 'postgresql.cnpg.io/v1 Database']));
  });

  it('compile to the same schema as the CRD file', async () => {
    const fromFile = (await loadCrds(SHARED_CRDS)).find((c) => c.kind === 'ScaledObject')!;
    const pinned = (await loadPinnedCrds()).find((c) => c.kind === 'ScaledObject')!;
    const strip = (s: unknown): unknown => JSON.parse(JSON.stringify(s, (k, v) => (k === 'description' && typeof v === 'string' ? undefined : v)));
    expect(pinned.schema()).toEqual(strip(fromFile.schema()));
  });
});

describe('crdsDir adds CRDs to the pinned set', () => {
  const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'shop' }, spec: { size: 3 } };
  const scaledObject = { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 's', namespace: 'shop' }, spec: { scaleTargetRef: { name: 'api' }, triggers: [{ type: 'cpu', metadata: { value: '50' } }] } };

  it('WITHOUT it a kind of an API group no pinned CRD defines is not checked, and the fix names every way to add CRDs', async () => {
    const findings = (await SchemaValidator.load()).validate(widget, 'w');
    expect(findings.map((f) => f.rule)).toEqual(['schema/unpinned-kind']);
    expect(findings[0]!.message).toBe('is not checked: no schema of API group example.com is pinned (neither Kubernetes built-in nor a pinned CRD).');
    for (const option of ['`--crds <dir>`', 'runSynth', 'SchemaValidator.load({ crdsDir })', 'the cdk8s validation plugin']) expect(findings[0]!.fix).toContain(option);
  });

  it('WITH it both the added kind and the pinned kinds are known', async () => {
    const validator = await SchemaValidator.load({ crdsDir: extra });
    expect(validator.validate(widget, 'w')).toEqual([]);
    expect(validator.validate({ ...widget, spec: { size: 'big' } }, 'w').map((f) => [f.field, f.rule])).toEqual([['spec.size', 'schema/type']]);
    expect(validator.validate(scaledObject, 's')).toEqual([]);
  });

  it('a CRD in it for a pinned apiVersion/kind replaces the pinned schema (a newer version)', async () => {
    const newer = mkdtempSync(path.join(tmpdir(), 'cdk8s-delivery-crds-'));
    writeFileSync(path.join(newer, 'scaledobject.yaml'), crd('ScaledObject', 'keda.sh', { type: 'object', properties: { scaleTargetRef: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, triggers: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } }, futureField: { type: 'boolean' } } }).replace('name: v1\n', 'name: v1alpha1\n'));
    const pinned = await SchemaValidator.load();
    const withNewer = await SchemaValidator.load({ crdsDir: newer });
    const future = { ...scaledObject, spec: { ...scaledObject.spec, futureField: true } };
    expect(pinned.validate(future, 's').map((f) => f.rule)).toEqual(['schema/unknown-field']);
    expect(withNewer.validate(future, 's')).toEqual([]);
  });
});

describe('CRD patterns are Go RE2 expressions, as the API server compiles them (issue 20)', () => {
  const rule = (action: unknown) => ({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'r', namespace: 'shop' }, spec: { groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'up == 0' }], partial_response_strategy: action }] } });

  it('GIVEN the pinned PrometheusRule CRD (`^(?i)(abort|warn)?$`) THEN matching is case-insensitive as in Go, and a value outside it is a finding', async () => {
    const validator = await SchemaValidator.load();
    expect(validator.validate(rule('Abort'), 'r')).toEqual([]);
    expect(validator.validate(rule('WARN'), 'r')).toEqual([]);
    expect(validator.validate(rule('stop'), 'r').map((f) => [f.field, f.rule])).toEqual([['spec.groups[0].partial_response_strategy', 'schema/pattern']]);
  });

  it('GIVEN a user CRD with inline flags and an unanchored pattern THEN they mean what RE2 means (a match anywhere)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cdk8s-delivery-crds-'));
    writeFileSync(path.join(dir, 'gadget.yaml'), crd('Gadget', 'example.com', { type: 'object', properties: { mode: { type: 'string', pattern: '(?i)fast|(?s)slow.x' } } }));
    const validator = await SchemaValidator.load({ crdsDir: dir });
    const gadget = (mode: string) => ({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g', namespace: 'shop' }, spec: { mode } });
    expect(validator.validate(gadget('very FAST'), 'g')).toEqual([]);
    expect(validator.validate(gadget('slow\nx'), 'g')).toEqual([]);
    expect(validator.validate(gadget('medium'), 'g').map((f) => f.rule)).toEqual(['schema/pattern']);
  });

  it('GIVEN a user CRD whose pattern RE2 rejects (a lookahead) THEN each object of that kind gets one finding naming the CRD, the pattern and the fix, not an unexpected error', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cdk8s-delivery-crds-'));
    writeFileSync(path.join(dir, 'gizmo.yaml'), crd('Gizmo', 'example.com', { type: 'object', properties: { name: { type: 'string', pattern: '^(?=a)a+$' } } }));
    const validator = await SchemaValidator.load({ crdsDir: dir });
    const findings = validator.validate({ apiVersion: 'example.com/v1', kind: 'Gizmo', metadata: { name: 'g', namespace: 'shop' }, spec: { name: 'aa' } }, 'g');
    expect(findings.map((f) => f.rule)).toEqual(['schema/crd-invalid']);
    expect(findings[0]!.message).toContain('the CRD that defines Gizmo (example.com/v1), from');
    expect(findings[0]!.message).toContain('the pattern "^(?=a)a+$" is not a valid RE2 (Go) regular expression');
    expect(findings[0]!.fix).toContain('RE2 syntax');
  });
});

describe('pinned schemas are read per API group, on demand (issue 20)', () => {
  it('GIVEN a fresh process WHEN only core kinds and then a Rollout are validated THEN no group is read first, then argoproj.io only', async () => {
    const { execFileSync } = await import('node:child_process');
    const script = `
      import { SchemaValidator } from './lib/validation/schema-validator.ts';
      import { loadedPinnedGroups } from './lib/validation/schema/pinned.ts';
      const v = await SchemaValidator.load();
      const before = v.validate({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'n' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } }, 'd');
      const groupsAfterCore = loadedPinnedGroups();
      const rollout = v.validate({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'r', namespace: 'n' }, spec: { bogus: 1 } }, 'r');
      console.log(JSON.stringify({ before: before.length, groupsAfterCore, groupsAfterRollout: loadedPinnedGroups(), rollout: rollout.map((f) => f.rule) }));
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: path.resolve(import.meta.dirname, '../..'), encoding: 'utf8' });
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result.before).toBe(0);
    expect(result.groupsAfterCore).toEqual([]);
    expect(result.groupsAfterRollout).toEqual(['argoproj.io']);
    expect(result.rollout).toContain('schema/unknown-field');
  });
});
