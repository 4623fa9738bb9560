import { chmodSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedVerification, verifyCacheKey, type VerifyCacheInputs } from '../../../lib/migrations/verify/cache.js';
import type { VerifyResult } from '../../../lib/migrations/verify/verify.js';

const result = (n: number): VerifyResult => ({
  engine: 'PGlite (test)',
  findings: [{ location: '/m/0001.sql:1:1', field: 'statement', value: 'DROP TABLE x', rule: 'migration/rerun-failed', message: `run ${n}`, fix: 'make it idempotent' }],
  schemaDiff: [],
  rerunDiff: [],
  contracts: [],
  previousMigrations: [],
  newMigrations: ['0001.sql'],
  timings: { engineStart: 0, previous: 0, apply: n, rerun: 0, total: n },
});

const inputs: VerifyCacheInputs = { migrationsDir: '/m', files: [{ name: '0001.sql', text: 'DROP TABLE x;' }], previous: undefined };

describe('verification results cached by content', () => {
  it('runs a verification once per inputs, and again when any input changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cdk8s-delivery-verify-cache-'));
    let runs = 0;
    const verify = async () => result(++runs);
    expect((await cachedVerification(dir, inputs, verify)).findings[0]!.message).toBe('run 1');
    // the same inputs: the stored result, no run
    expect(await cachedVerification(dir, { ...inputs, files: [...inputs.files] }, verify)).toEqual(result(1));
    expect(runs).toBe(1);
    // a file's text, a new file, the previous release, the directory, the budget: each is a new run
    await cachedVerification(dir, { ...inputs, files: [{ name: '0001.sql', text: 'DROP TABLE y;' }] }, verify);
    await cachedVerification(dir, { ...inputs, files: [...inputs.files, { name: '0002.sql', text: 'SELECT 1;' }] }, verify);
    await cachedVerification(dir, { ...inputs, previous: { migrations: ['0000.sql'], images: {}, contents: { '0000.sql': 'CREATE TABLE x ();' } } }, verify);
    await cachedVerification(dir, { ...inputs, migrationsDir: '/other' }, verify);
    await cachedVerification(dir, { ...inputs, budget: { fileSeconds: 1 } }, verify);
    expect(runs).toBe(6);
  });

  it('keys on the text of the compatibility queries, not only their path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cdk8s-delivery-verify-cache-'));
    const queries = join(dir, 'queries.sql');
    writeFileSync(queries, 'SELECT id FROM x;');
    const before = verifyCacheKey({ ...inputs, compatibilityQueries: queries });
    writeFileSync(queries, 'SELECT id, owner FROM x;');
    expect(verifyCacheKey({ ...inputs, compatibilityQueries: queries })).not.toBe(before);
  });

  it('stores no failed run, recovers from an unreadable entry, and runs every time without a cache folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cdk8s-delivery-verify-cache-'));
    await expect(cachedVerification(dir, inputs, async () => { throw new Error('budget exceeded'); })).rejects.toThrow('budget exceeded');
    expect(readdirSync(dir)).toEqual([]);
    writeFileSync(join(dir, `${verifyCacheKey(inputs)}.json`), '{ not json');
    let runs = 0;
    expect((await cachedVerification(dir, inputs, async () => result(++runs))).findings[0]!.message).toBe('run 1');
    expect((await cachedVerification(dir, inputs, async () => result(++runs))).findings[0]!.message).toBe('run 1');
    await cachedVerification(undefined, inputs, async () => result(++runs));
    await cachedVerification(undefined, inputs, async () => result(++runs));
    expect(runs).toBe(3);
  });

  it('reads no result from a folder others may write to (a planted "passed"), and stores none there', async () => {
    const planted = { key: verifyCacheKey(inputs), result: { ...result(0), findings: [] } };
    const run = async (dir: string) => {
      writeFileSync(join(dir, `${verifyCacheKey(inputs)}.json`), JSON.stringify(planted));
      return cachedVerification(dir, inputs, async () => result(1));
    };
    const shared = mkdtempSync(join(tmpdir(), 'cdk8s-delivery-verify-cache-'));
    chmodSync(shared, 0o777);
    expect((await run(shared)).findings.map((f) => f.message)).toEqual(['run 1']);
    expect(readdirSync(shared)).toEqual([`${verifyCacheKey(inputs)}.json`]); // only the planted file: nothing stored
    // the control: the same file in a private folder is the cached result
    const mine = mkdtempSync(join(tmpdir(), 'cdk8s-delivery-verify-cache-'));
    expect((await run(mine)).findings).toEqual([]);
  });
});
