import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { type LoadedManifests, loadManifests, validateManifests } from '../../lib/validation/validate-manifests.js';

/**
 * Issue 12, point 6: `validate --policy none` against what upstream says of its own files
 * (../shared/upstream-examples: README.md, index.tsv per folder). Each numbered folder holds one file and is
 * validated alone; references to objects in the other files of the same upstream directory (an example's
 * AnalysisTemplates and Services) resolve against those files' objects, and only findings on the file itself
 * count. Every disagreement is listed, with its reason, in test/fixtures/upstream-examples/disagreements.tsv.
 *
 * A file upstream's own tests use only as a template (test/fixtures/upstream-examples/rendered.tsv: the
 * placeholder, the value upstream's e2e harness substitutes, and where) is judged as upstream judges it, after
 * that substitution; the file as committed is checked too, and must be rejected for its placeholder names.
 */
const ROOT = '../shared/upstream-examples';
const disagreements = new Map(readFileSync('test/fixtures/upstream-examples/disagreements.tsv', 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t')).map(([file, verdict, reason]) => [file!, { verdict: verdict!, reason: reason! }]));

interface Row { folder: string; n: string; file: string; source: string; expect: string }
const rows: Row[] = readdirSync(ROOT, { withFileTypes: true }).filter((d) => d.isDirectory()).flatMap((d) =>
  readFileSync(`${ROOT}/${d.name}/index.tsv`, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t')).map(([n, file, source, expect]) => ({ folder: d.name, n: n!, file: file!, source: source!, expect: expect! })),
);
const rendered = new Map(readFileSync('test/fixtures/upstream-examples/rendered.tsv', 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t')).map(([file, placeholder, value, source]) => [file!, { placeholder: placeholder!, value: value!, source: source! }]));
const stated = rows.filter((r) => r.expect === 'valid' || r.expect === 'invalid');
const dirOf = (r: Row) => `${r.folder}|${r.source.split(':')[1]!.split('/').slice(0, -1).join('/')}`;

let verdicts: Map<string, { verdict: string; detail: string; unchecked: number }>;
let asCommitted: Map<string, { verdict: string; detail: string; unchecked: number }>;
let scratch: string | undefined;
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});
beforeAll(async () => {
  const schema = await SchemaValidator.load();
  const loaded = new Map<string, LoadedManifests | Error>();
  const load = async (id: string, target: string) => {
    try {
      loaded.set(id, await loadManifests(target));
    } catch (error) {
      loaded.set(id, error as Error);
    }
  };
  for (const r of rows) await load(`${r.folder}/${r.n}`, `${ROOT}/${r.folder}/${r.n}`);
  scratch = mkdtempSync(join(tmpdir(), 'upstream-rendered-'));
  for (const [id, substitution] of rendered) {
    const r = rows.find((o) => `${o.folder}/${o.n}` === id)!;
    const dir = join(scratch, id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, r.file), readFileSync(`${ROOT}/${id}/${r.file}`, 'utf8').replaceAll(substitution.placeholder, substitution.value));
    await load(`${id} as committed`, `${ROOT}/${id}`);
    await load(id, dir);
  }
  const judge = (r: Row, mine: LoadedManifests | Error) => {
    if (mine instanceof Error || mine.unreadable) return { verdict: 'invalid', detail: 'unreadable', unchecked: 0 };
    const context = stated.filter((o) => o !== r && o.expect === 'valid' && dirOf(o) === dirOf(r)).flatMap((o) => {
      const l = loaded.get(`${o.folder}/${o.n}`)!;
      return l instanceof Error ? [] : l.manifests;
    });
    const own = new Set(mine.manifests.map((m) => m.location));
    const { errors, warnings } = validateManifests([...mine.manifests, ...context], { schema, policy: 'none' });
    const ownErrors = errors.filter((f) => own.has(f.location));
    return {
      verdict: ownErrors.length > 0 ? 'invalid' : 'valid',
      detail: ownErrors.map((f) => `${f.rule} ${f.field}`).join('; '),
      unchecked: warnings.filter((f) => own.has(f.location) && f.rule === 'schema/unpinned-kind').length,
    };
  };
  verdicts = new Map(stated.map((r) => [`${r.folder}/${r.n}`, judge(r, loaded.get(`${r.folder}/${r.n}`)!)]));
  asCommitted = new Map([...rendered.keys()].map((id) => [id, judge(rows.find((o) => `${o.folder}/${o.n}` === id)!, loaded.get(`${id} as committed`)!)]));
}, 120_000);

describe('validate --policy none agrees with upstream (issue 12)', () => {
  it('covers every file whose verdict upstream states', () => {
    expect(existsSync(ROOT)).toBe(true);
    expect(stated.length).toBe(330);
    expect(rows.length).toBe(340);
  });

  it('disagrees exactly on the files listed with their reasons', () => {
    const actual = stated.filter((r) => verdicts.get(`${r.folder}/${r.n}`)!.verdict !== r.expect).map((r) => `${r.folder}/${r.n} ${verdicts.get(`${r.folder}/${r.n}`)!.verdict}`);
    expect(actual).toEqual([...disagreements].map(([file, d]) => `${file} ${d.verdict}`));
    for (const d of disagreements.values()) expect(d.reason.length).toBeGreaterThan(40);
  });

  it('agrees on 321 of 330 files (97.27 %)', () => {
    const agreed = stated.filter((r) => verdicts.get(`${r.folder}/${r.n}`)!.verdict === r.expect).length;
    expect(agreed).toBe(321);
    expect(agreed / stated.length).toBeGreaterThanOrEqual(0.97);
  });

  it('judges a template after the substitution upstream makes, and rejects it as committed for its placeholder names', () => {
    expect([...rendered.keys()]).toEqual(['argo-rollouts/106']);
    for (const [id, substitution] of rendered) {
      expect(substitution.source, id).toMatch(/^argoproj\/argo-rollouts@v1\.9\.1:test\/e2e\/\S+\.go:\d+/);
      expect(verdicts.get(id), id).toMatchObject({ verdict: 'valid', detail: '' });
      const raw = asCommitted.get(id)!;
      expect(raw.verdict, id).toBe('invalid');
      // Every finding on the file as committed is a name that holds the placeholder, nothing else.
      const findings = raw.detail.split('; ');
      expect(findings.length).toBeGreaterThan(0);
      // Two Services, the Ingress and the Rollout are named REPLACEME-…: upper case is not a DNS label.
      expect(findings, id).toEqual(Array(4).fill('schema/name metadata.name'));
    }
  });

  it('rejects every file upstream expects to be rejected, each for a reason upstream gives (CEL, quantities, Experiment rules)', () => {
    const invalid = stated.filter((r) => r.expect === 'invalid');
    expect(invalid.length).toBe(48);
    const details = Object.fromEntries(invalid.map((r) => [`${r.folder}/${r.n}`, verdicts.get(`${r.folder}/${r.n}`)!]));
    for (const [id, v] of Object.entries(details)) expect(v.verdict, id).toBe('invalid');
    expect(details['argo-rollouts/072']!.detail).toContain('experiment/analysis-template-not-found');
    expect(details['argo-rollouts/074']!.detail).toContain('experiment/template-containers');
    expect(details['argo-rollouts/080']!.detail).toContain('schema/quantity');
    expect(Object.entries(details).filter(([id, v]) => id.startsWith('gateway-api-invalid/') && v.detail.includes('schema/cel')).length).toBeGreaterThanOrEqual(12);
  });

  it('accepts the false positives of issue 12', () => {
    const valid = (id: string) => expect(verdicts.get(id)?.verdict, `${id}: ${verdicts.get(id)?.detail}`).toBe('valid');
    valid('argo-rollouts/063'); // pause + setCanaryScale + setHeaderRoute in one step
    valid('argo-rollouts/037'); // workloadRef without a template
    valid('argo-rollouts/126'); // Istio with pingPong, no canary/stable Services
    valid('gateway-api/013'); // Gateway addresses: CRD default type IPAddress applied before validation
    valid('argo-rollouts/067'); // multi-document CRD file with under-indented quoted continuation lines
  });

  it('does not check kinds of API groups nothing pins, and says so (a warning per object)', () => {
    const unchecked = [...verdicts.entries()].filter(([, v]) => v.unchecked > 0).map(([id]) => id);
    expect(unchecked.length).toBe(32);
  });

  it('checks the prometheus-operator and cert-manager kinds now pinned, with the CRDs\' RE2 patterns (issue 20)', () => {
    // The PrometheusRule CRD's `^(?i)(abort|warn)?$` is an invalid group to JavaScript's RegExp.
    for (const id of ['cloudnative-pg/013', 'cloudnative-pg/022', 'cloudnative-pg/073', 'cloudnative-pg/074']) {
      const v = verdicts.get(id)!;
      expect(v, id).toMatchObject({ verdict: 'valid', unchecked: 0 });
    }
  });
});
