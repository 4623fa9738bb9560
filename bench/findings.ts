/**
 * The checks' outputs, to prove a performance change drops no check (issue 25): every finding of the checks `runSynth`
 * and `validate` run, on the reference output (dist/) and on the bench estate, clean and with faults injected.
 *
 *   npx tsx bench/findings.ts [--n 100] [--json]           prints the counts per section and a SHA-256 of the whole
 *   npx tsx bench/findings.ts --compare REF [--n 100]      the same here and on git REF (e.g. main): exit 1 unless equal
 *   npx tsx bench/findings.ts --lib DIR ...                imports the library from DIR (a checkout; used by --compare)
 *
 * Sections (findings are listed in full, temporary paths replaced by `<tmp>`):
 * - `reference validate`, `reference faults`: `validateManifests` with the upstream schemas (what `validate` runs) over
 *   dist/ as read by `readManifestFiles`, then over the same objects with faults injected (`inject` below);
 * - `estate synth`: `synthesizeWithFindings` of the bench fixture (props, duplicates, trees, manifest rules);
 * - `estate schemas`: the upstream schema of every synthesized object (what `runSynth` adds);
 * - `estate faults`: `checkManifests` (runSynth's engine, schemas included) over the estate's objects with faults
 *   injected: wrong types, unknown fields, bad names, a PromQL syntax error, a CEL rule of a CRD broken, a KEDA bound
 *   inverted, a pod that breaks the restricted profile;
 * - `migrations` and `migrations again`: `checkMigrations` of the estate with the fixture's SQL plus two faulty
 *   migrations (a contract change, a non-idempotent statement), linted and run on PGlite; run twice in one process,
 *   so the second reads the verification results' cache where there is one.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ROOT } from './measure.js';

const argv = process.argv.slice(2);
const opt = (name: string, fallback?: string) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : fallback; };
const n = Number(opt('n', '100'));
const compare = opt('compare');
const lib = resolve(opt('lib', ROOT)!);

type AnyFinding = { location: string; field: string; value?: unknown; rule: string; message: string; fix?: string };

/** Deterministic faults, each a check's business: the same objects get the same faults in every tree. */
export function inject(objects: readonly Record<string, any>[]): Record<string, any>[] {
  return objects.map((source, i) => {
    const o = structuredClone(source);
    const kind = o.kind;
    const pod = kind === 'Deployment' || kind === 'Rollout' || kind === 'StatefulSet' ? o.spec?.template?.spec : undefined;
    if (i % 11 === 0 && pod) o.spec.replicas = 'three';
    if (i % 7 === 3 && pod?.containers?.[0]) {
      delete pod.containers[0].securityContext;
      pod.hostNetwork = true;
    }
    if (i % 13 === 5) o.spec = { ...(o.spec ?? {}), unknownFieldOfTheBench: true };
    if (i % 17 === 2 && o.metadata?.name) o.metadata.name = `${o.metadata.name}_Bad`;
    if (kind === 'AnalysisTemplate' && i % 3 !== 1) {
      for (const metric of o.spec?.metrics ?? []) if (metric.provider?.prometheus?.query) metric.provider.prometheus.query += ' ) by (';
    }
    if (kind === 'HTTPRoute') {
      const match = o.spec?.rules?.[0]?.matches?.[0];
      if (match) match.path = { type: 'PathPrefix', value: 'no-leading-slash' };
      else if (o.spec?.rules?.[0]) o.spec.rules[0].matches = [{ path: { type: 'PathPrefix', value: 'no-leading-slash' } }];
    }
    if (kind === 'ScaledObject' && i % 3 === 0 && o.spec) {
      o.spec.minReplicaCount = 7;
      o.spec.maxReplicaCount = 2;
    }
    if (kind === 'Secret' && i % 2 === 0) o.stringData = { password: 'hunter2' };
    return o;
  });
}

async function findings(): Promise<Record<string, AnyFinding[]>> {
  const imp = (path: string) => import(join(lib, path));
  const [{ App }, { SchemaValidator }, { validateManifests }, { readManifestFiles }, { synthesizeWithFindings }, { checkManifests }, { checkMigrations }, { buildFixture, MIGRATIONS_DIR }] = await Promise.all([
    import('cdk8s'),
    imp('lib/validation/schema-validator.ts'),
    imp('lib/validation/validate-manifests.ts'),
    imp('lib/validation/manifest-files.ts'),
    imp('lib/synth/synthesizer.ts'),
    imp('lib/synth/manifest-checks.ts'),
    imp('lib/migrations/synth-check.ts'),
    imp('bench/fixture.ts'),
  ]);
  const { loadSqlParser } = await imp('lib/migrations/runner/delivered-files.ts');
  await loadSqlParser();
  const schema = await SchemaValidator.load();
  const out: Record<string, AnyFinding[]> = {};
  const both = (r: { errors: readonly AnyFinding[]; warnings: readonly AnyFinding[] }) => [...r.errors, ...r.warnings.map((w) => ({ ...w, warning: true }))];

  // The same files for every tree compared: this checkout's dist/ (locations name the files).
  const read = await readManifestFiles(join(ROOT, 'dist'));
  out['reference validate'] = both(validateManifests(read.manifests, { schema }));
  const faulty = inject(read.manifests.map((m: { object: Record<string, any> }) => m.object));
  out['reference faults'] = both(validateManifests(read.manifests.map((m: { location: string }, i: number) => ({ ...m, object: faulty[i] })), { schema }));

  const tmp = mkdtempSync(join(tmpdir(), 'cdk8s-delivery-findings-'));
  try {
    const sql = join(tmp, 'migrations');
    cpSync(join(ROOT, MIGRATIONS_DIR), sql, { recursive: true });
    writeFileSync(join(sql, '0003_drop_owner.sql'), "SET lock_timeout = '2s';\nALTER TABLE items DROP COLUMN owner;\n");
    writeFileSync(join(sql, '0004_log.sql'), 'CREATE TABLE audit_log (id bigint PRIMARY KEY, at timestamptz NOT NULL);\n');
    const app = new App();
    buildFixture(app, { services: n, migrationsDir: sql });
    const synth = synthesizeWithFindings(app);
    out['estate synth'] = [...synth.findings, ...synth.warnings.map((w: AnyFinding) => ({ ...w, warning: true }))];
    out['estate schemas'] = synth.objects.flatMap((o: { manifest: unknown; constructPath: string }) => schema.validate(o.manifest, o.constructPath));
    const broken = inject(synth.objects.map((o: { manifest: Record<string, any> }) => o.manifest));
    out['estate faults'] = both(checkManifests(synth.objects.map((o: { constructPath: string; path: string }, i: number) => ({ object: broken[i], location: o.constructPath, path: o.path })), { validator: schema }));
    const outdir = join(tmp, 'dist');
    out.migrations = await checkMigrations(app, synth.objects, { outdir });
    out['migrations again'] = await checkMigrations(app, synth.objects, { outdir });
    // Paths of this run's scratch folder differ between runs.
    return JSON.parse(JSON.stringify(out).split(tmp).join('<tmp>'));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');
const summary = (result: Record<string, AnyFinding[]>) => Object.entries(result).map(([section, list]) => `${section}: ${list.length} findings (${new Set(list.map((f) => f.rule)).size} rules)`).join('\n');

if (compare) {
  // The base tree: `git archive REF`, this checkout's node_modules, its own generated schemas.
  const base = mkdtempSync(join(tmpdir(), 'cdk8s-delivery-findings-base-'));
  try {
    const tree = join(base, 'repo');
    const sh = (command: string) => {
      const r = spawnSync('bash', ['-c', command], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30 });
      if (r.status !== 0) throw new Error(`${command}: ${r.stderr}`);
      return r.stdout;
    };
    sh(`mkdir -p ${tree} && git archive ${JSON.stringify(compare)} | tar -x -C ${tree}`);
    symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'));
    symlinkSync(resolve(ROOT, '..', 'shared'), join(base, 'shared'));
    sh(`cd ${tree} && node --import tsx scripts/build-schemas.ts >/dev/null`);
    process.stderr.write(`findings of ${compare} (${tree}) and of this tree, N = ${n}\n`);
    const theirs = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'findings.ts'), '--lib', tree, '--n', String(n), '--json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30 });
    if (theirs.status !== 0) throw new Error(`findings of ${compare} failed:\n${theirs.stderr}`);
    const before = JSON.parse(theirs.stdout) as Record<string, AnyFinding[]>;
    const after = await findings();
    console.log(summary(after));
    const differ = Object.keys({ ...before, ...after }).filter((s) => digest(before[s]) !== digest(after[s]));
    if (differ.length === 0) console.log(`EQUAL: every section's findings are the same on ${compare} and here (sha256 ${digest(after)})`);
    else {
      for (const s of differ) console.log(`DIFFERENT: ${s}: ${before[s]?.length ?? 0} findings on ${compare}, ${after[s]?.length ?? 0} here`);
      process.exitCode = 1;
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
} else {
  const result = await findings();
  if (argv.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
  else console.log(`${summary(result)}\nsha256 ${digest(result)}`);
}
