import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { CliIo } from '../../lib/cli/command.js';
import { main } from '../../lib/cli/main.js';
import { budget } from '../load-budget.js';

/**
 * Hostile input never crashes a command: whatever the bytes, YAML or SQL, `validate`, `lint-migrations`
 * and `diff` exit 0, 1 or 2, print one line per message (never a stack trace or an "unexpected error"),
 * and JSON output is one parseable document. Runs per property are small (each run reads schemas or
 * runs squawk); raise with PROPERTY_RUNS=200 to dig deeper.
 */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 12);

interface Captured { readonly code: number; readonly out: string[]; readonly err: string[] }

async function run(argv: string[]): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await main(argv, io);
  return { code, out, err };
}

/** The contract every run must keep. */
function expectClean(result: Captured, json = false): void {
  expect([0, 1, 2]).toContain(result.code);
  const lines = json ? result.err : [...result.out, ...result.err];
  for (const line of lines) {
    expect(line).not.toContain('\n');
    expect(line).not.toMatch(/^\s+at /);
    expect(line).not.toContain('unexpected error');
  }
  if (json) expect(() => JSON.parse(result.out.join('\n'))).not.toThrow();
}

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** Kubernetes-shaped values with hostile leaves: wrong types, huge numbers, NaN, control characters, merge keys. */
const leaf = fc.oneof(
  fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
  fc.constantFrom('<<', '*x', '&x', '---', '\u0000', '\ud800', '${x}', '{{ args.x }}', '1e400', '0x10', 'NaN', '.inf', '-1', '100%', '3x'),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('spec', 'metadata', 'name', 'items', 'template', 'containers', '<<')), tie('node'), { maxKeys: 4 })),
})).node;
const kubernetesObject = fc.record({
  apiVersion: fc.constantFrom('v1', 'apps/v1', 'argoproj.io/v1alpha1', 'keda.sh/v1alpha1', 'batch/v1', 'x/y'),
  kind: fc.constantFrom('Pod', 'Deployment', 'Rollout', 'AnalysisTemplate', 'ScaledObject', 'ConfigMap', 'Secret', 'List', 'Job', 'Service'),
  metadata: fc.record({ name: fc.oneof(fc.string({ maxLength: 10 }), value), namespace: fc.oneof(fc.constant('shop'), value), annotations: fc.oneof(fc.constant(undefined), value) }, { requiredKeys: [] }),
  spec: value,
  items: fc.oneof(fc.constant(undefined), fc.array(value, { maxLength: 3 })),
}, { requiredKeys: ['kind'] });

/** YAML text: documents rendered from objects, then spliced with hostile fragments. */
const yamlText = fc.tuple(
  fc.array(kubernetesObject, { minLength: 1, maxLength: 3 }).map((objects) => objects.map((o) => YAML.stringify(o)).join('---\n')),
  fc.array(fc.tuple(fc.nat(), fc.constantFrom('\n---\n', ': ', '- ', '  ', '<<: *a\n', '&a ', '*a', '"', "'", '{', ']', '\t', '#', '%YAML 1.1\n', '!!binary ', '? ', '|\n', '\r\n', '\ufeff')), { maxLength: 4 }),
).map(([text, edits]) => edits.reduce((t, [at, fragment]) => t.slice(0, at % (t.length + 1)) + fragment + t.slice(at % (t.length + 1)), text));

/** SQL text: statements (DO blocks, functions, dollar quotes, comments, excuses) in random order, half of the time spliced with hostile fragments. */
const STATEMENTS = [
  "SET lock_timeout = '2s';", "SET statement_timeout = '5min';", 'DROP TABLE accounts;', 'ALTER TABLE a DROP COLUMN b;',
  'CREATE TABLE IF NOT EXISTS t (id int);', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (id);', 'BEGIN;', 'COMMIT;',
  'DO $$ BEGIN ALTER TABLE a DROP COLUMN b; END $$;', "DO $$ BEGIN EXECUTE 'DROP TABLE x'; END $$;", 'DO LANGUAGE plpython3u $$ x $$;',
  'DO $$ BEGIN IF true THEN DO $i$ BEGIN TRUNCATE t; END $i$; END IF; END $$;', 'DO $$ BEGIN PERFORM pg_sleep(0); END $$;',
  'CREATE OR REPLACE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $f$ BEGIN TRUNCATE t; END $f$;', "CREATE FUNCTION g() RETURNS int LANGUAGE sql AS 'SELECT 1';",
  'CREATE FUNCTION h() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;', 'UPDATE t SET a = 1;', "INSERT INTO t VALUES (1, 'é');",
  '-- migration: contract', '-- cdk8s-delivery:allow migration/contract-unmarked reason: test', '-- cdk8s-delivery:allow migration/unclassifiable reason: x', '-- squawk-ignore',
];
const sqlText = fc.oneof(
  fc.array(fc.constantFrom(...STATEMENTS), { maxLength: 8 }).map((parts) => parts.join('\n')),
  fc.array(fc.oneof(fc.constantFrom(...STATEMENTS, '/* unterminated', '$$', "'", ';', 'é', '\u0000', '\n'), fc.string({ maxLength: 12 })), { maxLength: 8 }).map((parts) => parts.join('\n')),
);

describe('hostile input never crashes a command (issue 13, property)', () => {
  it('GIVEN random bytes as a manifest, a migration and a JSON file WHEN validated and linted THEN every run exits 0/1/2 with one-line messages', { timeout: budget(120_000) }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.boolean(), async (bytes, json) => {
        const dir = tmp('bytes-');
        fs.writeFileSync(path.join(dir, 'x.yaml'), bytes);
        fs.writeFileSync(path.join(dir, 'x.json'), bytes);
        const migrations = tmp('bytes-sql-');
        fs.writeFileSync(path.join(migrations, '0001.sql'), bytes);
        const flag = json ? ['--json'] : [];
        expectClean(await run(['validate', dir, ...flag]), json);
        expectClean(await run(['lint-migrations', migrations, ...flag]), json);
      }),
      { numRuns: RUNS },
    );
  });

  it('GIVEN random YAML shaped like Kubernetes objects WHEN validated THEN every run exits 0/1/2 with one-line messages', { timeout: budget(120_000) }, async () => {
    await fc.assert(
      fc.asyncProperty(yamlText, fc.boolean(), async (text, json) => {
        const dir = tmp('yaml-');
        fs.writeFileSync(path.join(dir, 'objects.yaml'), text);
        expectClean(await run(['validate', dir, ...(json ? ['--json'] : [])]), json);
      }),
      { numRuns: RUNS },
    );
  });

  it('GIVEN random SQL (DO blocks, functions, quotes, comments, excuses) WHEN linted THEN every run exits 0/1/2 with one-line messages', { timeout: budget(120_000) }, async () => {
    await fc.assert(
      fc.asyncProperty(sqlText, fc.boolean(), async (sql, json) => {
        const dir = tmp('sql-');
        fs.writeFileSync(path.join(dir, '0001.sql'), sql);
        expectClean(await run(['lint-migrations', dir, ...(json ? ['--json'] : [])]), json);
      }),
      { numRuns: RUNS },
    );
  });

  it('GIVEN random manifests committed and changed in a git repository WHEN diffed THEN every run exits 0 or 2 with one-line messages', { timeout: budget(120_000) }, async () => {
    await fc.assert(
      fc.asyncProperty(yamlText, yamlText, sqlText, async (before, after, sql) => {
        const repo = tmp('diff-');
        const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: repo });
        git('init', '-q');
        fs.mkdirSync(path.join(repo, 'dist/p/e/app'), { recursive: true });
        fs.mkdirSync(path.join(repo, 'migrations'));
        fs.writeFileSync(path.join(repo, 'dist/p/e/app/a.yaml'), before);
        git('add', '-A');
        git('commit', '-qm', 'before');
        fs.writeFileSync(path.join(repo, 'dist/p/e/app/a.yaml'), after);
        fs.writeFileSync(path.join(repo, 'migrations/0001.sql'), sql);
        const result = await run(['diff', '--dir', path.join(repo, 'dist'), '--migrations', path.join(repo, 'migrations')]);
        expectClean(result);
        expect([0, 2]).toContain(result.code);
      }),
      // Found by this property: the parser's message quotes the SQL near the error, newlines included;
      // an alias without its anchor threw while the YAML was resolved; a metadata.name that is a mapping
      // crashed the rename comparison (`s.includes is not a function`).
      { numRuns: Math.max(4, Math.round(RUNS / 2)), examples: [['kind: Pod\n', 'kind: Pod\n', "/* unterminated\nSET lock_timeout = '2s';"], ['kind: Pod\n', '<<: *a\nkind: Pod\n', ''], ['kind: Pod\n', 'kind: Pod\nmetadata:\n  name: {}\n', '']] },
    );
  });
});
