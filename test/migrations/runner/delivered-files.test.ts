import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyModeOf } from '../../../lib/migrations/runner/apply-mode.js';
import { loadSqlParser, parseInWorker, readDeliveredMigrations, sha256 } from '../../../lib/migrations/runner/delivered-files.js';

const DIR = 'apps/bitvault/migrations/bitvaultd';

describe('the delivered files', () => {
  it('GIVEN the reference migrations WHEN read THEN they come in lexical order with the sha256 of their bytes and the runner\'s apply mode', async () => {
    await loadSqlParser();
    const files = readDeliveredMigrations(DIR);
    expect(files.map((f) => [f.name, f.mode.inTransaction])).toEqual([
      ['0001_create_accounts_and_vault_entries.sql', true],
      ['0002_index_vault_entries_account_id.sql', false],
      ['0003_add_accounts_display_name.sql', true],
      ['0004_drop_accounts_owner_name.sql', true],
    ]);
    for (const f of files) expect(f.checksum).toBe(sha256(readFileSync(`${DIR}/${f.name}`)));
  });

  it('GIVEN a construct built before the parser loaded WHEN its files are parsed in a worker thread THEN the modes are the same, and SQL that does not parse is left to the checker', () => {
    const files = readDeliveredMigrations(DIR);
    const parsed = parseInWorker([...files.map((f) => f.text), 'ALTER TABLE;']);
    expect(parsed.slice(0, -1).map((p) => applyModeOf(p!))).toEqual(files.map((f) => f.mode));
    expect(parsed.at(-1)).toBeUndefined();
  });
});
