import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type KillableEngine, startPglite } from '../../../lib/migrations/verify/index.js';
import { cachedTemplate, PGLITE_V8_FLAGS, startPgliteEarly } from '../../../lib/migrations/verify/pglite-engine.js';

// A temporary folder of this file's own: test files run side by side in one process (vitest's threads, each with its
// own copy of the environment), and their PGlite scratch folders, named by the process id, would be counted here too.
const privateTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pglite-engine-test-'));
process.env.TMPDIR = privateTmp;
afterAll(() => fs.rmSync(privateTmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }));

/** The scratch data directories of PGlite children that exist now. */
const scratchDirs = () => new Set(fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('cdk8s-delivery-pglite-')));

/** Waits (up to 10 s) until `done`: a scratch folder is removed in the background after its engine ends. */
async function eventually(done: () => boolean): Promise<boolean> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 50));
  return done();
}

describe('PGlite start-up cache (the initialised, empty data directory)', () => {
  // First in the file: the sweep runs with the first scratch folder a process makes.
  it('GIVEN a scratch folder left by a process that no longer runs WHEN PGlite starts THEN it is removed', async () => {
    // GIVEN a pid that has exited, and a folder named for it
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const left = path.join(os.tmpdir(), `cdk8s-delivery-pglite-${dead}-left`);
    fs.mkdirSync(path.join(left, 'base'), { recursive: true });
    // WHEN
    const engine = await startPglite();
    await engine.close();
    // THEN
    expect(await eventually(() => !fs.existsSync(left))).toBe(true);
  });

  it('GIVEN a cache folder others may write to WHEN the template is looked up THEN it is not used (nor made there); a private one is', async () => {
    // A template prepared in each (its PG_VERSION marks a template as made: no initdb runs in this test).
    const version = JSON.parse(fs.readFileSync(path.join('node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')).version;
    const make = (mode: number) => {
      const dir = fs.mkdtempSync(path.join(privateTmp, 'cache-'));
      fs.chmodSync(dir, mode);
      return dir;
    };
    const shared = make(0o777);
    const mine = make(0o700);
    for (const dir of [shared, mine]) {
      const template = path.join(dir, `pglite-${version}-datadir-v2`);
      fs.mkdirSync(template);
      fs.writeFileSync(path.join(template, 'PG_VERSION'), '18\n');
    }
    expect(await cachedTemplate(shared, 64)).toBeUndefined();
    expect(await cachedTemplate(mine, 64)).toBe(path.join(mine, `pglite-${version}-datadir-v2`));
  });

  it('GIVEN two runs that make the missing template at once WHEN the second finishes THEN the first one\'s template stays in place (others may be copying it)', async () => {
    const dir = fs.mkdtempSync(path.join(privateTmp, 'race-'));
    const version = JSON.parse(fs.readFileSync(path.join('node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')).version;
    const template = path.join(dir, `pglite-${version}-datadir-v2`);
    const runs = [cachedTemplate(dir, 1024), cachedTemplate(dir, 1024)];
    // WHEN the first is done, a copier holds the template it installed (its inode)
    expect(await Promise.race(runs)).toBe(template);
    const first = fs.statSync(template).ino;
    // THEN the second run does not replace it, and leaves no temporary folder
    expect(await Promise.all(runs)).toEqual([template, template]);
    expect(fs.statSync(template).ino).toBe(first);
    expect(fs.readdirSync(dir)).toEqual([path.basename(template)]);
  });

  it('GIVEN a corrupt cached data directory WHEN started THEN it runs initdb and replaces it, and the next start copies it as an empty database', async () => {
    // GIVEN a template folder that holds no cluster (PG_VERSION but nothing else)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglite-cache-'));
    const version = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../../node_modules/@electric-sql/pglite/package.json'), 'utf8')).version;
    const template = path.join(dir, `pglite-${version}-datadir-v2`);
    fs.mkdirSync(template);
    fs.writeFileSync(path.join(template, 'PG_VERSION'), 'not a cluster\n');
    const before = scratchDirs();
    // WHEN
    const first = await startPglite({ cacheDir: dir });
    await first.exec('CREATE TABLE left_behind (id int)');
    await first.close();
    const second = await startPglite({ cacheDir: dir });
    // THEN the template is a real cluster, private to the user, and holds nothing of the first session
    expect(fs.readFileSync(path.join(template, 'PG_VERSION'), 'utf8')).toBe('18\n');
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(second.description).toBe('PGlite (PostgreSQL 18.6, in a child process)');
    expect(await second.query("SELECT count(*)::int AS n FROM pg_class WHERE relname = 'left_behind'")).toEqual([{ n: 0 }]);
    // AND it runs with small shared buffers (memory), and the template's own files are untouched by a session
    expect(await second.query("SELECT current_setting('shared_buffers') AS v")).toEqual([{ v: '8MB' }]);
    await second.close();
    expect(fs.readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
    // AND every scratch copy is gone once its engine is closed
    expect(await eventually(() => [...scratchDirs()].every((n) => before.has(n)))).toBe(true);
  });

  it('GIVEN a started PGlite WHEN it is killed THEN its child process ends (its memory goes back to the system) and its scratch folder is removed', async () => {
    // GIVEN
    const before = scratchDirs();
    const engine = (await startPglite()) as KillableEngine;
    const rss = engine.memoryBytes?.();
    const created = [...scratchDirs()].filter((n) => !before.has(n));
    // THEN its memory is its own process's, not this one's
    expect(rss).toBeGreaterThan(20 * 2 ** 20);
    expect(created).toHaveLength(1);
    // WHEN
    await engine.kill();
    // THEN
    expect(engine.memoryBytes?.()).toBeUndefined();
    expect(await eventually(() => !fs.existsSync(path.join(os.tmpdir(), created[0]!)))).toBe(true);
    await expect(engine.query('SELECT 1')).rejects.toThrow(/PGlite stopped/);
  });
});

describe("PGlite's child process", () => {
  it('GIVEN the V8 flags of the child (Liftoff only) THEN this Node knows every one (the child ignores one it does not, silently: a Node that dropped it would cost the verification seconds of CPU again)', () => {
    expect(PGLITE_V8_FLAGS).toContain('--liftoff-only');
    for (const flag of PGLITE_V8_FLAGS) {
      // The control: an unknown flag is reported, so an empty stderr means V8 took the flag.
      const unknown = spawnSync(process.execPath, ['-e', `require('node:v8').setFlagsFromString(${JSON.stringify(`${flag}-unknown`)})`], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
      expect(unknown.stderr).toMatch(/unrecognized flag/);
      const known = spawnSync(process.execPath, ['-e', `require('node:v8').setFlagsFromString(${JSON.stringify(flag)})`], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
      expect(known.stderr).toBe('');
      expect(known.status).toBe(0);
    }
  });

  it('GIVEN a PGlite started with those flags THEN PostgreSQL runs statements and reports errors as before', async () => {
    const engine = (await startPglite()) as KillableEngine;
    try {
      await engine.exec('CREATE TABLE items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, owner text NOT NULL)');
      await engine.exec("INSERT INTO items (owner) VALUES ('a'), ('b')");
      expect(await engine.query<{ n: string }>('SELECT count(*)::text AS n FROM items')).toEqual([{ n: '2' }]);
      await expect(engine.exec('INSERT INTO items (owner) VALUES (NULL)')).rejects.toThrow(/null value in column "owner"/);
    } finally {
      await engine.close();
    }
  });
});

describe('PGlite started early (startPgliteEarly: while the app is built)', () => {
  /** Whether a process runs. */
  const running = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
  /** The pids of this process's children now (Linux). */
  /** Whether a process is a PGlite child (its command line carries the child's heap limit). */
  const isPgliteChild = (pid: number) => { try { return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--max-old-space-size='); } catch { return false; } };
  const children = () => new Set(fs.readdirSync(`/proc/${process.pid}/task`).flatMap((t) => fs.readFileSync(`/proc/${process.pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)));

  it('GIVEN the cached template WHEN started early THEN the child copies it and starts PostgreSQL on its own, and the engine taken is an empty database like startPglite\'s', async () => {
    await (await startPglite()).close(); // the template of the user's cache (made by initdb when missing)
    const before = scratchDirs();
    // WHEN started, and this process does not yield (as while an app is built)
    const early = startPgliteEarly();
    expect(early).toBeDefined();
    const created = [...scratchDirs()].filter((n) => !before.has(n));
    expect(created).toHaveLength(1);
    const dataDir = path.join(os.tmpdir(), created[0]!);
    const until = Date.now() + 60_000;
    while (!fs.existsSync(path.join(dataDir, 'PG_VERSION')) && Date.now() < until) spawnSync('sleep', ['0.05']);
    // THEN the child made the data directory without this process's event loop
    expect(fs.readFileSync(path.join(dataDir, 'PG_VERSION'), 'utf8')).toBe('18\n');
    // AND the engine is PostgreSQL on it, with small buffers, taken once
    const engine = (await early!.take())!;
    expect(early!.take()).toBeUndefined();
    expect(engine.description).toBe('PGlite (PostgreSQL 18.6, in a child process)');
    expect(await engine.query("SELECT current_setting('shared_buffers') AS v")).toEqual([{ v: '8MB' }]);
    await engine.exec('CREATE TABLE t (id int)');
    await engine.close();
    // AND its scratch folder goes when it is closed; discard after take does nothing
    await early!.discard();
    expect(await eventually(() => !fs.existsSync(dataDir))).toBe(true);
  });

  it('GIVEN an early child that is not needed WHEN discarded THEN its process ends and its scratch folder is removed', async () => {
    const before = children();
    const dirsBefore = scratchDirs();
    const early = startPgliteEarly()!;
    let pids: number[];
    let created: string[];
    try {
      // PGlite's child by its command line: CI on Node 24 once saw a second new child of this process at that moment
      pids = [...children()].filter((p) => !before.has(p) && isPgliteChild(p));
      expect(pids).toHaveLength(1);
      created = [...scratchDirs()].filter((n) => !dirsBefore.has(n));
      expect(created).toHaveLength(1);
    } finally {
      // WHEN (also when an expectation above failed: a live child would keep writing into the folder afterAll removes)
      await early.discard();
    }
    // THEN
    expect(running(pids[0]!)).toBe(false);
    expect(early.take()).toBeUndefined();
    expect(await eventually(() => created.every((n) => !fs.existsSync(path.join(os.tmpdir(), n))))).toBe(true);
  });

  it('GIVEN no template cached yet, or a cache folder others may write to WHEN started early THEN nothing is started (initdb stays startPglite\'s)', () => {
    const empty = fs.mkdtempSync(path.join(privateTmp, 'no-template-'));
    const shared = fs.mkdtempSync(path.join(privateTmp, 'shared-'));
    fs.chmodSync(shared, 0o777);
    const version = JSON.parse(fs.readFileSync(path.join('node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')).version;
    fs.mkdirSync(path.join(shared, `pglite-${version}-datadir-v2`));
    fs.writeFileSync(path.join(shared, `pglite-${version}-datadir-v2`, 'PG_VERSION'), '18\n');
    const before = children();
    expect(startPgliteEarly({ cacheDir: empty })).toBeUndefined();
    expect(startPgliteEarly({ cacheDir: shared })).toBeUndefined();
    expect(startPgliteEarly({ cacheDir: false })).toBeUndefined();
    expect([...children()].filter((p) => !before.has(p))).toEqual([]);
  });
});
