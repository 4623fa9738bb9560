import { describe, expect, it } from 'vitest';
import { lintMigrations, parseMigration } from '../../../lib/migrations/checker/index.js';
import { TIMEOUTS, migrationsDir } from './helpers.js';

describe('parseMigration', () => {
  it('GIVEN comments, multi-byte text and a statement without a final semicolon WHEN parsed THEN positions are 1-based characters and comments attach to the statement below', async () => {
    // GIVEN
    const sql = "-- migration: contract\n/* header */\nSELECT 'ééé'; SELECT 2; -- trailing\n\n-- above\nDELETE FROM t WHERE id = 1";
    // WHEN
    const file = await parseMigration('0001.sql', 'db/0001.sql', sql);
    // THEN
    expect(file.header.map((c) => c.text)).toEqual(['-- migration: contract', '/* header */']);
    expect(file.statements.map((s) => ({ sql: s.sql, line: s.line, column: s.column, comments: s.comments.map((c) => c.text) }))).toEqual([
      { sql: "SELECT 'ééé'", line: 3, column: 1, comments: ['-- migration: contract', '/* header */'] },
      { sql: 'SELECT 2', line: 3, column: 15, comments: [] },
      { sql: 'DELETE FROM t WHERE id = 1', line: 6, column: 1, comments: ['-- above'] },
    ]);
  });

  it('GIVEN an empty or comment-only file WHEN parsed THEN it has no statements (the parser itself rejects empty input)', async () => {
    // WHEN
    const empty = await parseMigration('0001.sql', 'db/0001.sql', '');
    const commentOnly = await parseMigration('0002.sql', 'db/0002.sql', '-- nothing yet\n');
    // THEN
    expect(empty.statements).toEqual([]);
    expect(commentOnly.statements).toEqual([]);
    expect(commentOnly.header.map((c) => `${c.line}:${c.column} ${c.text}`)).toEqual(['1:1 -- nothing yet']);
  });

  it('GIVEN squawk reports a byte column after multi-byte characters WHEN linted THEN the location counts characters', async () => {
    // GIVEN 'ééé' is 3 characters but 6 bytes
    const dir = migrationsDir({ '0001.sql': `${TIMEOUTS}SELECT 'ééé'; CREATE INDEX IF NOT EXISTS i ON t (a);\n` });
    // WHEN
    const { findings } = await lintMigrations(dir);
    // THEN
    expect(findings.map(({ location, rule }) => `${location} ${rule}`)).toEqual([`${dir}/0001.sql:3:15 squawk/require-concurrent-index-creation`]);
  });
});
