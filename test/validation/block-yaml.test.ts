import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPlainBlockYaml } from '../../lib/validation/block-yaml.js';
import { type InputProblem, parseManifestDocuments } from '../../lib/validation/manifest-files.js';

/**
 * The plain block reader is a shortcut, never a second set of YAML semantics: whenever it reads a text, it must give
 * exactly what the full parse gives (values, types, key order, documents), and the full parse must find no problem
 * in it. Everything it does not take must come back `undefined`, so that the full parse reports it.
 */
function full(text: string): { documents: unknown[]; problems: InputProblem[] } {
  const problems: InputProblem[] = [];
  // What every reader of manifests calls (the shortcut first, then the full parse).
  const documents = parseManifestDocuments('x.yaml', text, problems);
  return { documents, problems };
}

/** The full parse alone (what parseManifestDocuments did before the shortcut): yaml's parseAllDocuments + toJS. */
async function fullOnly(text: string): Promise<{ documents: unknown[]; errors: number }> {
  const { parseAllDocumentsLikeKubectl } = await import('../../lib/validation/yaml-leniency.js');
  const docs = parseAllDocumentsLikeKubectl(text, { uniqueKeys: false, merge: true }) as import('yaml').Document[];
  return { documents: docs.map((d) => (d.errors.length > 0 ? undefined : d.toJS())), errors: docs.reduce((n, d) => n + d.errors.length, 0) };
}

async function expectSameOrRefused(text: string): Promise<'plain' | 'refused'> {
  const plain = readPlainBlockYaml(text);
  if (plain === undefined) return 'refused';
  const reference = await fullOnly(text);
  expect(reference.errors, `the full parse finds an error in a text the shortcut read:\n${text}`).toBe(0);
  expect(plain, text).toStrictEqual(reference.documents);
  expect(full(text)).toStrictEqual({ documents: reference.documents, problems: [] });
  return 'plain';
}

const EDGE_CASES: readonly string[] = [
  // documents
  'a: 1\n', 'a: 1\n---\nb: 2\n', '---\na: 1\n', '# c\n---\na: 1\n', '---\n---\na: 1\n', 'a: 1\n---\n', 'a: 1\n...\n',
  'a: 1\n--- \nb: 1\n', 'a: 1\n---x: 1\n', '%YAML 1.2\n---\na: 1\n', '', '\n', '# only a comment\n', 'a: 1', ' a: 1\n',
  '\ufeffa: 1\n', 'a: b\r\n', '- a\n', 'a\n', 'a: 1\n- b\n',
  // plain scalars, resolved by the core schema
  'a: 0x1F\nb: 0o17\nc: 1e3\nd: .inf\ne: -.inf\nf: .nan\ng: +12\nh: 1_000\ni: 012\nj: 1.\nk: .5\nl: ~\nm: null\nn: Null\no: TRUE\np: yes\nq: on\nr: 2001-12-14\ns: 12345678901234567890\nt: -0\nu: 0.\nv: 1e\nw: -1\nx: -.5\ny: 1.5e-3\nz: 0b101\n',
  'a: .Inf\nb: .NaN\nc: +.inf\nd: 0o8\ne: 0xG\nf: 1e+3\ng: 00\nh: -0x1\ni: False\nj: fAlse\nk: NULL\nl: nULL\n',
  'a: b: c\n', 'a: b #c\n', 'a: b#c\n', 'a: http://x:80/y\n', 'a: --x\n', 'a: -x\n', 'a: - x\n', 'a: -\n', 'a: [b]\n', 'a: []\n',
  'a: {}\n', 'a: [ ]\n', 'a: &x 1\n', 'a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: b\n  c\n', 'a: b \n', 'a: b\u00a0\n', 'a: x,y\n', 'a: ?x\n',
  'a: :x\n', 'a: =\n', 'a: <<\n', "a: '\n", 'a: b:\n', 'a: b\n  # c\n', 'a: ---\n', 'a: ...\n', 'a: x\u2028y\n', 'a: é\n', 'a: 😀\n',
  'a: ~x\n', 'a: (x)\n', 'a: $x\n', 'a: ^x\n', 'a: \\x\n', 'a: x\\n\n', 'a: x y  z\n',
  // quoted scalars
  'a: "x\\ny"\n', 'a: "\\u00e9"\n', 'a: "\\x41"\n', 'a: "\\/"\n', "a: 'it''s'\n", 'a: "x" # c\n', 'a: "x\n  y"\n', "a: ''\n", 'a: ""\n',
  'a: "a\\tb"\n', 'a: "\\ud83d"\n', 'a: "\\"q\\" \\\\"\n', 'a: "x"y\n', "a: 'x'y\n", 'a: "x"  \n', 'a: "1"\nb: "true"\nc: "null"\n', 'a: "\\e"\n',
  "a: 'x\n  y'\n",
  // keys
  '1: a\n', 'true: a\n', 'null: a\n', '~: a\n', 'y: a\n', 'on: a\n', '.inf: a\n', '__proto__: a\n', '<<: {}\n', 'a.b/c: 1\n',
  '.dockerconfigjson: x\n', 'a-b: 1\n', '-a: 1\n', 'a b: 1\n', '"a": 1\n', "'a': 1\n", 'a: 1\na: 2\n', 'a: 1\nb:\n  a: 1\n  a: 2\n',
  'a:\n  - b: 1\n    b: 2\n', '? a\n: 1\n', '[a]: 1\n', '{a: 1}: 2\n', `${'k'.repeat(1100)}: 1\n`, 'a:b: 1\n', 'a :1\n', 'a : 1\n',
  // sequences
  'a:\n- x\n- y\nb: 1\n', 'a:\n  - x\n  -\n  - z\n', 'a:\n  - - x\n', 'a:\n  - b: 1\n    c: 2\n  - d: 3\n', 'a:\n  - b:\n    - x\n',
  'a:\n  - b:\n      c: 1\n', 'a:\n  -   b: 1\n      c: 2\n', 'a:\n  - b\n  # c\n  - d\n', 'a:\n  - b\n   - c\n', 'a:\n  - b\n - c\n',
  'a:\n  - b: 1\n   c: 2\n', 'a:\n  - b: 1\n  c: 2\n', 'a:\n  - x\nb:\n- y\n', 'a:\n  -\n    b: 1\n', 'a:\n  - b: |\n      x\n    c: 1\n',
  'a:\n  - "x"\n  - \'y\'\n  - 1\n  - null\n', 'a:\n  - []\n  - {}\n', 'a:\n  - b:\n  - c\n',
  // block mappings and indentation
  'a:\n  b: 1\n c: 2\n', 'a:\n  b: 1\n   c: 2\n', 'a:\n    b: 1\n  c: 2\n', 'a:\tb\n', 'a:\n\tb: 1\n', 'a:\n\n  b: 1\n', 'a:\n  # c\n  b: 1\n',
  'a:\n# c\n  b: 1\n', 'a: 1\nb:\n', 'a:\n  b:\n', 'a:\n  b: 1\n\n\nc: 2\n', 'a: 1 \nb:   \n  c: 2\n',
  // literal block scalars
  'a: |\n  x\n  y\n\n', 'a: |-\n  x\n\n  y\n', 'a: |\n  x\n\n\nb: 1\n', 'a: |\n    x\n  y\n', 'a: |\n  x\n# c\nb: 1\n', 'a: |\n  # not a comment\n',
  'a: |\n\n  x\n', 'a: |+\n  x\n', 'a: >\n  x\n', 'a: >-\n  x\n  y\n', 'a: |2\n  x\n', 'a:\n  - |\n    x\n  - |-\n    y\n', 'a: |\n  x\n   \n  y\n',
  'a: |\n  x\n \n  y\n', 'a: |\n  x\t\n', 'a: |\n  \tx\n', 'a: |\n  x\n    y\n  z\n', 'a: |\nb: 1\n', 'a: | # c\n  x\n', 'a: |\n  x\n---\nb: |-\n  y\n',
  'a: |\n  x', 'a: |\n  ---\n  ...\n', 'a:\n  b: |\n   x\n  c: 1\n', 'a:\n  b: |\n  x\n', '- |\n x\n', 'a:\n  - |\n   x\n',
  'a: |\n  x\n\n', 'a: |-\n  x\n\n\n', 'a: |\n  x\n  \n', 'a: |\n  "q" \'s\' # h: v - l\n',
];

describe('readPlainBlockYaml: exactly the full parse, or nothing', () => {
  it('reads every edge case as the full parse does, or refuses it', async () => {
    const taken: string[] = [];
    for (const text of EDGE_CASES) if ((await expectSameOrRefused(text)) === 'plain') taken.push(text);
    // The shortcut is worth having: the plain forms emitters write are read by it.
    expect(taken).toEqual(expect.arrayContaining(['a: 1\n', 'a: 1\n---\nb: 2\n', '---\na: 1\n', 'a:\n- x\n- y\nb: 1\n', 'a: |\n  x\n  y\n\n', "a: 'it''s'\n", 'a: "x\\ny"\n', 'a:\n  - b: 1\n    c: 2\n  - d: 3\n']));
  });

  it('leaves every problem to the full parse, which reports it with its position', () => {
    for (const text of ['a: 1\na: 2\n', 'a:\n  b: 1\n c: 2\n', 'a: b: c\n', '{{ x }}: 1\n', 'a: "x\n']) {
      expect(readPlainBlockYaml(text), text).toBeUndefined();
      expect(full(text).problems.length, text).toBeGreaterThan(0);
    }
    expect(full('kind: A\nkind: B\n').problems).toEqual([{ location: 'x.yaml:2:1', message: 'YAML does not parse: Map keys must be unique' }]);
  });

  it('leaves deep nesting to the full parse', async () => {
    const deep = `${Array.from({ length: 100 }, (_, i) => `${' '.repeat(2 * i)}k${i}:`).join('\n')} 1\n`;
    expect(readPlainBlockYaml(deep)).toBeUndefined();
    const shallow = `${Array.from({ length: 20 }, (_, i) => `${' '.repeat(2 * i)}k${i}:`).join('\n')} 1\n`;
    expect(await expectSameOrRefused(shallow)).toBe('plain');
  });

  const corpus = (dir: string) => readdirSync(dir, { recursive: true }).map((f) => path.join(dir, String(f))).filter((f) => /\.ya?ml$/i.test(f) && statSync(f).isFile()).sort();

  it('reads every file of the reference dist/ exactly as the full parse does (and all of them: the synth writes the plain style)', async () => {
    const files = corpus('dist');
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) expect([file, await expectSameOrRefused(readFileSync(file, 'utf8'))]).toEqual([file, 'plain']);
  });

  it('reads every upstream example it takes exactly as the full parse does', async () => {
    const files = [...corpus('../shared/upstream-examples'), ...corpus('test/fixtures')];
    let plain = 0;
    for (const file of files) if ((await expectSameOrRefused(readFileSync(file, 'utf8'))) === 'plain') plain++;
    expect(plain).toBeGreaterThan(50);
  });
});
