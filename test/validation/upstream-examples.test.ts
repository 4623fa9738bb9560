import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { type LoadedManifests, loadManifests, validateManifests } from '../../lib/validation/validate-manifests.js';

/**
 * Issue 12, point 6: `validate --policy none` against what upstream says of its own files
 * (../shared/upstream-examples: README.md, index.tsv per folder). Each numbered folder holds one file and is
 * validated alone; references to objects in the other files of the same upstream directory (an example's
 * AnalysisTemplates and Services) resolve against those files' objects, and only findings on the file itself
 * count. Every disagreement is listed, with its reason, in test/fixtures/upstream-examples/disagreements.tsv.
 */
const ROOT = '../shared/upstream-examples';
const disagreements = new Map(readFileSync('test/fixtures/upstream-examples/disagreements.tsv', 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t')).map(([file, verdict, reason]) => [file!, { verdict: verdict!, reason: reason! }]));

interface Row { folder: string; n: string; file: string; source: string; expect: string }
const rows: Row[] = readdirSync(ROOT, { withFileTypes: true }).filter((d) => d.isDirectory()).flatMap((d) =>
  readFileSync(`${ROOT}/${d.name}/index.tsv`, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t')).map(([n, file, source, expect]) => ({ folder: d.name, n: n!, file: file!, source: source!, expect: expect! })),
);
const stated = rows.filter((r) => r.expect === 'valid' || r.expect === 'invalid');
const dirOf = (r: Row) => `${r.folder}|${r.source.split(':')[1]!.split('/').slice(0, -1).join('/')}`;

let verdicts: Map<string, { verdict: string; detail: string; unchecked: number }>;
beforeAll(async () => {
  const schema = await SchemaValidator.load();
  const loaded = new Map<string, LoadedManifests | Error>();
  for (const r of rows) {
    try {
      loaded.set(`${r.folder}/${r.n}`, await loadManifests(`${ROOT}/${r.folder}/${r.n}`));
    } catch (error) {
      loaded.set(`${r.folder}/${r.n}`, error as Error);
    }
  }
  verdicts = new Map();
  for (const r of stated) {
    const id = `${r.folder}/${r.n}`;
    const mine = loaded.get(id)!;
    if (mine instanceof Error || mine.unreadable) {
      verdicts.set(id, { verdict: 'invalid', detail: 'unreadable', unchecked: 0 });
      continue;
    }
    const context = stated.filter((o) => o !== r && o.expect === 'valid' && dirOf(o) === dirOf(r)).flatMap((o) => {
      const l = loaded.get(`${o.folder}/${o.n}`)!;
      return l instanceof Error ? [] : l.manifests;
    });
    const own = new Set(mine.manifests.map((m) => m.location));
    const { errors, warnings } = validateManifests([...mine.manifests, ...context], { schema, policy: 'none' });
    const ownErrors = errors.filter((f) => own.has(f.location));
    verdicts.set(id, {
      verdict: ownErrors.length > 0 ? 'invalid' : 'valid',
      detail: ownErrors.map((f) => `${f.rule} ${f.field}`).join('; '),
      unchecked: warnings.filter((f) => own.has(f.location) && f.rule === 'schema/unpinned-kind').length,
    });
  }
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

  it('agrees on 320 of 330 files (96.97 %)', () => {
    const agreed = stated.filter((r) => verdicts.get(`${r.folder}/${r.n}`)!.verdict === r.expect).length;
    expect(agreed).toBe(320);
    expect(agreed / stated.length).toBeGreaterThan(0.969);
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
    expect(unchecked.length).toBe(36);
  });
});
