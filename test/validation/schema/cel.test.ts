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
});
