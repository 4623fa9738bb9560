import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { readPlainBlockYaml } from '../../lib/validation/block-yaml.js';
import { parseAllDocumentsLikeKubectl } from '../../lib/validation/yaml-leniency.js';

/**
 * Property tests of the plain block reader (lib/validation/block-yaml.ts), next to the edge cases and corpora of
 * block-yaml.test.ts: for any text, the shortcut either refuses it or gives exactly what the full parse gives, with no
 * problem found by the full parse. Texts come from two sources: values of every shape emitted by `yaml`'s stringify in
 * the styles emitters use (so most are read by the shortcut: the property is not vacuous), and those texts mutated
 * line by line (characters and indentation inserted, removed, swapped: mostly refused or invalid YAML).
 */
function fullParse(text: string): { documents: unknown[]; errors: number } {
  const docs = parseAllDocumentsLikeKubectl(text, { uniqueKeys: false, merge: true }) as YAML.Document[];
  return { documents: docs.map((d) => (d.errors.length > 0 ? undefined : d.toJS())), errors: docs.reduce((n, d) => n + d.errors.length, 0) };
}

/** Scalars that look like other types, indicators, quotes, unicode, and spaces: what trips resolvers and emitters. */
const scalar = fc.oneof(
  { arbitrary: fc.stringMatching(/^[a-z][a-z0-9.\/:=-]{0,15}$/), weight: 12 },
  { arbitrary: fc.integer({ min: -1000, max: 100000 }), weight: 4 },
  { arbitrary: fc.constantFrom('True', 'no', 'off', 'y', 'NULL', 'Null', '0b1', '1.0', '-0', '+.inf', '.NaN', '0o8', '1e', 'true', 'yes', 'on', 'null', '~', '0x1F', '0o17', '012', '1e3', '.inf', '.nan', '-', '- x', ': x', 'a: b', 'a #b', '#x', '"q"', "'q'", '&a', '*a', '!t', '|', '>', '%x', '@x', '`x', '[x]', '{x}', ',', '?', '', ' ', 'é', '😀', 'a\tb', 'a\nb', 'a\n\nb\n', '\\', '2001-12-14', '1_000', '+1', '-.5'), weight: 5 },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
  { arbitrary: fc.double(), weight: 1 },
  { arbitrary: fc.boolean(), weight: 2 },
  { arbitrary: fc.constant(null), weight: 1 },
);
const key = fc.oneof({ arbitrary: fc.stringMatching(/^[a-z][a-zA-Z0-9_.\/-]{0,10}$/), weight: 20 }, { arbitrary: fc.constantFrom('true', 'null', '1', 'on', 'a b', 'a:b', '-a', '.x', '<<', '__proto__', ''), weight: 1 });
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
}));
const documents = fc.array(fc.dictionary(key, value, { minKeys: 1, maxKeys: 6 }), { minLength: 1, maxLength: 3 });
const style = fc.record({ indentSeq: fc.boolean(), indent: fc.constantFrom(2, 4), lineWidth: fc.constantFrom(0, 20, 80), defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL') as fc.Arbitrary<YAML.Scalar.Type>, defaultKeyType: fc.constantFrom('PLAIN', 'PLAIN', 'PLAIN', null) as fc.Arbitrary<YAML.Scalar.Type | null> });

function emit(docs: readonly unknown[], options: YAML.ToStringOptions): string {
  return docs.map((d) => YAML.stringify(d, options)).join('---\n');
}

function sameOrRefused(text: string): 'plain' | 'refused' {
  const plain = readPlainBlockYaml(text);
  if (plain === undefined) return 'refused';
  const reference = fullParse(text);
  expect(reference.errors, `the full parse finds an error in a text the shortcut read:\n${JSON.stringify(text)}`).toBe(0);
  expect(plain, JSON.stringify(text)).toStrictEqual(reference.documents);
  return 'plain';
}

describe('the plain block reader is the full parse or nothing (properties)', () => {
  it('GIVEN any values emitted as YAML in any common style THEN the shortcut reads exactly their values or refuses, and reads a share of them', () => {
    let plain = 0;
    let runs = 0;
    fc.assert(fc.property(documents, style, (docs, options) => {
      runs++;
      if (sameOrRefused(emit(docs, options)) === 'plain') plain++;
    }), { numRuns: 1500 });
    // Not vacuous: the shortcut takes a good share of these texts (a reader that refused everything would pass above).
    expect(plain / runs).toBeGreaterThan(0.05); // 15 % measured: most texts hold one value the shortcut leaves to the full parse
  });

  it('GIVEN those texts mutated line by line THEN the shortcut still gives exactly the full parse or refuses', () => {
    const mutation = fc.record({
      line: fc.nat(),
      at: fc.nat(),
      op: fc.constantFrom('insert', 'delete', 'swap-lines', 'indent', 'dedent'),
      text: fc.constantFrom(' ', '  ', '-', '- ', ':', ': ', '#', ' #', '"', "'", '\t', '|', '|-', '>', '&a', '*a', '!!str', '[', ']', '{', '}', ',', '?', '---', '...', '\r', '\\', 'x'),
    });
    fc.assert(fc.property(documents, style, fc.array(mutation, { minLength: 1, maxLength: 3 }), (docs, options, mutations) => {
      const lines = emit(docs, options).split('\n');
      for (const m of mutations) {
        const i = m.line % lines.length;
        const line = lines[i]!;
        const at = m.at % (line.length + 1);
        if (m.op === 'insert') lines[i] = line.slice(0, at) + m.text + line.slice(at);
        else if (m.op === 'delete') lines[i] = line.slice(0, at) + line.slice(at + 1);
        else if (m.op === 'indent') lines[i] = `  ${line}`;
        else if (m.op === 'dedent') lines[i] = line.replace(/^ {1,2}/, '');
        else if (lines.length > 1) [lines[i], lines[(i + 1) % lines.length]] = [lines[(i + 1) % lines.length]!, line];
      }
      sameOrRefused(lines.join('\n'));
    }), { numRuns: 1500 });
  });
});
