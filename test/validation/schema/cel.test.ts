import { describe, expect, it } from 'vitest';
import { celFindings } from '../../../lib/validation/schema/cel.js';

/** A schema whose only rules sit deep below maps and lists, beside large branches without any. */
const schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        noRules: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
        routes: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              matches: {
                type: 'object',
                additionalProperties: {
                  type: 'object',
                  properties: { path: { type: 'string' } },
                  'x-kubernetes-validations': [
                    { rule: "self.path.startsWith('/')", message: 'path must be absolute' },
                    { rule: 'size(self.path) < 10', message: 'path too long' },
                    { rule: 'self.path == oldSelf.path', message: 'immutable (a transition rule: skipped on create)' },
                  ],
                },
              },
            },
          },
        },
      },
    },
  },
};

describe('CEL rules (x-kubernetes-validations)', () => {
  it('evaluates every rule deep below lists and maps, each rule of a node on the same value', () => {
    const data = { spec: { noRules: { a: ['x'] }, routes: [{ matches: { a: { path: '/ok' }, b: { path: 'relative-and-long' } } }, { matches: { c: { path: 'x' } } }] } };
    const found = celFindings(data, schema, 'here').map((f) => `${f.field}: ${f.message.split(' (')[0]}`);
    expect(found).toEqual([
      'spec.routes[0].matches.b: path must be absolute',
      'spec.routes[0].matches.b: path too long',
      'spec.routes[1].matches.c: path must be absolute',
    ]);
  });

  it('walks only the parts of the schema that have rules, and terminates on recursive schemas', () => {
    // A recursive schema (a node that is its own child) with a rule at its root only
    const recursive: Record<string, any> = { type: 'object', 'x-kubernetes-validations': [{ rule: 'has(self.name)', message: 'needs a name' }], properties: {} };
    recursive.properties.child = recursive;
    expect(celFindings({ child: { child: { name: 'x' } } }, recursive, 'here').map((f) => f.field)).toEqual(['(root)', 'child']);
    // Data under a branch without rules is never visited: a getter there would throw
    const trap = { spec: { noRules: { get a(): never { throw new Error('visited a branch without rules'); } }, routes: [] } };
    expect(celFindings(trap, schema, 'here')).toEqual([]);
  });

  it('GIVEN nodes of the same content in several objects THEN each object gets its own findings, at its own path and location (the outcome is reused, not the findings)', () => {
    const object = (paths: string[]) => ({ spec: { routes: [{ matches: Object.fromEntries(paths.map((p, i) => [`m${i}`, { path: p }])) }] } });
    const first = celFindings(object(['bad', '/ok']), schema, 'first');
    const second = celFindings(object(['/ok', '/fine', 'bad']), schema, 'second');
    expect(first.map((f) => `${f.location} ${f.field} ${String(f.value && (f.value as { path: string }).path)}`)).toEqual(['first spec.routes[0].matches.m0 bad']);
    expect(second.map((f) => `${f.location} ${f.field} ${String(f.value && (f.value as { path: string }).path)}`)).toEqual(['second spec.routes[0].matches.m2 bad']);
    // The same content again, after a change to it: evaluated on what it holds now.
    const changed = object(['bad']);
    (changed.spec.routes[0]!.matches.m0 as { path: string }).path = '/now-ok';
    expect(celFindings(changed, schema, 'third')).toEqual([]);
  });

  it('GIVEN content JSON cannot tell apart (NaN and null, undefined and a missing key) THEN each is evaluated as it is, whatever was seen before', () => {
    // The outcome is remembered per schema node: a fresh copy of the schema starts with nothing remembered.
    const numeric = () => ({ type: 'object', properties: { n: { type: 'number' } }, 'x-kubernetes-validations': [{ rule: 'has(self.n)', message: 'needs n' }, { rule: 'self.n == self.n', message: 'n is NaN' }] });
    const rules = (data: unknown, schema: object) => celFindings(data, schema, 'x').map((f) => f.message.split(' (')[0]);
    for (const [seen, other] of [[{ n: null }, { n: Number.NaN }], [{}, { n: undefined }]] as const) {
      const alone = rules(other, numeric());
      const after = numeric();
      rules(seen, after);
      expect(rules(other, after)).toEqual(alone);
    }
  });

  it('GIVEN a rule with matches() THEN each pattern compiles once and every value is still matched on its own', () => {
    const withPattern = { type: 'object', properties: { v: { type: 'string' } }, 'x-kubernetes-validations': [{ rule: "self.v.matches('^[a-z]+$')", message: 'lower case only' }] };
    const found = ['abc', 'ABC', 'xyz', 'x1'].map((v) => celFindings({ v }, withPattern, v).length);
    expect(found).toEqual([0, 1, 0, 1]);
  });
});
