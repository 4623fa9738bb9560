import { describe, expect, it } from 'vitest';
import { packSqlConfigMaps } from '../../../lib/migrations/runner/sql-config-maps.js';

describe('packSqlConfigMaps', () => {
  const entries = [
    { key: 'migrate.psql', value: 'a'.repeat(40) },
    { key: '0001_a.sql', value: 'b'.repeat(40) },
    { key: '0002_b.sql', value: 'c'.repeat(40) },
  ];

  it('GIVEN entries over the budget WHEN packed THEN they are split in order, each ConfigMap named after its own content', () => {
    const packed = packSqlConfigMaps('api-migrate', entries, 110);
    expect(packed.configMaps.map((c) => Object.keys(c.data))).toEqual([['migrate.psql', '0001_a.sql'], ['0002_b.sql']]);
    expect(packed.configMaps.map((c) => c.name)).toEqual([expect.stringMatching(/^api-migrate-sql-[0-9a-f]{10}$/), expect.stringMatching(/^api-migrate-sql-[0-9a-f]{10}$/)]);
    expect(packed.tooLarge).toEqual([]);
  });

  it('GIVEN one changed byte WHEN packed THEN only the ConfigMap holding it gets a new name', () => {
    const before = packSqlConfigMaps('api-migrate', entries, 110).configMaps.map((c) => c.name);
    const after = packSqlConfigMaps('api-migrate', [...entries.slice(0, 2), { key: '0002_b.sql', value: `${'c'.repeat(39)}d` }], 110).configMaps.map((c) => c.name);
    expect(after[0]).toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
  });

  it('GIVEN an entry larger than the budget WHEN packed THEN it is reported with its size, not cut', () => {
    const packed = packSqlConfigMaps('api-migrate', [...entries, { key: '0003_big.sql', value: 'x'.repeat(200) }], 110);
    expect(packed.tooLarge).toEqual([{ key: '0003_big.sql', bytes: 212 }]);
    expect(packed.configMaps.flatMap((c) => Object.keys(c.data))).not.toContain('0003_big.sql');
  });
});
