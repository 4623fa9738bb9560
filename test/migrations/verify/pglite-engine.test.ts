import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startPglite } from '../../../lib/migrations/verify/index.js';

describe('PGlite start-up cache (the initialised, empty data directory)', () => {
  it('GIVEN a corrupt cache WHEN started THEN it runs initdb and rewrites the cache, and the next start loads it as an empty database', async () => {
    // GIVEN
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglite-cache-'));
    const file = path.join(dir, 'pglite-0.5.16-initdb-v1.tar.gz');
    fs.writeFileSync(file, 'not a tarball');
    // WHEN
    const first = await startPglite({ cacheDir: dir });
    await first.exec('CREATE TABLE left_behind (id int)');
    await first.close();
    const second = await startPglite({ cacheDir: dir });
    // THEN the cache is a real gzip, private to the user, and holds nothing of the first session
    const written = fs.readFileSync(file);
    expect([written[0], written[1]]).toEqual([0x1f, 0x8b]);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(second.description).toBe('PGlite (PostgreSQL 18.6, in-process)');
    expect(await second.query("SELECT count(*)::int AS n FROM pg_class WHERE relname = 'left_behind'")).toEqual([{ n: 0 }]);
    await second.close();
  });
});
