import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ContentHashes } from '../../scripts/content-hashes.js';

/**
 * The up-to-date check `npm run synth` runs first (scripts/schemas-preload.ts → build-schemas.ts, build-props-schemas.ts)
 * hashes its inputs' contents, remembering each file's hash by its stat so an unchanged file is not read again.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'cdk8s-delivery-content-hashes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const old = (file: string) => utimesSync(file, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));

describe('ContentHashes', () => {
  it('GIVEN files hashed and saved WHEN a file changes (same size) THEN its new content is hashed; an unchanged file is taken from the memo', () => {
    const memo = path.join(dir, 'memo.json');
    const a = path.join(dir, 'a.txt');
    const b = path.join(dir, 'b.txt');
    writeFileSync(a, 'aaaa');
    writeFileSync(b, 'bbbb');
    old(a);
    old(b);
    const first = new ContentHashes(memo);
    expect([first.of(a), first.of(b)]).toEqual([sha('aaaa'), sha('bbbb')]);
    first.save();
    expect(Object.keys(JSON.parse(readFileSync(memo, 'utf8'))).sort()).toEqual([a, b]);

    writeFileSync(a, 'AAAA'); // same size, new mtime
    const second = new ContentHashes(memo);
    expect(second.of(a)).toBe(sha('AAAA'));
    // b's stat is what the memo holds: its remembered hash is used (proven by a memo that says otherwise).
    const forged = JSON.parse(readFileSync(memo, 'utf8'));
    forged[b][3] = 'remembered';
    writeFileSync(memo, JSON.stringify(forged));
    expect(new ContentHashes(memo).of(b)).toBe('remembered');
  });

  it('GIVEN a file modified in the last two seconds THEN it is hashed but not remembered (an edit in the same mtime tick would go unseen)', () => {
    const memo = path.join(dir, 'recent.json');
    const c = path.join(dir, 'c.txt');
    writeFileSync(c, 'cccc');
    const hashes = new ContentHashes(memo);
    expect(hashes.of(c)).toBe(sha('cccc'));
    hashes.save();
    expect(JSON.parse(readFileSync(memo, 'utf8'))).toEqual({});
  });

  it('GIVEN nothing changed since the memo was saved THEN save() leaves the memo file as it is; a change rewrites it', () => {
    const memo = path.join(dir, 'unchanged.json');
    const e = path.join(dir, 'e.txt');
    writeFileSync(e, 'eeee');
    old(e);
    const first = new ContentHashes(memo);
    first.of(e);
    first.save();
    const saved = readFileSync(memo, 'utf8');
    // Marked as written long ago: a rewrite would give it a new mtime.
    old(memo);
    const before = statSync(memo).mtimeMs;
    const again = new ContentHashes(memo);
    expect(again.of(e)).toBe(sha('eeee'));
    again.save();
    expect(statSync(memo).mtimeMs).toBe(before);
    expect(readFileSync(memo, 'utf8')).toBe(saved);

    writeFileSync(e, 'EEEEE');
    old(e);
    const changed = new ContentHashes(memo);
    expect(changed.of(e)).toBe(sha('EEEEE'));
    changed.save();
    expect(statSync(memo).mtimeMs).not.toBe(before);
    expect(JSON.parse(readFileSync(memo, 'utf8'))[e][3]).toBe(sha('EEEEE'));
  });

  it('GIVEN an unreadable memo THEN every file is read', () => {
    const memo = path.join(dir, 'broken.json');
    writeFileSync(memo, '{not json');
    const d = path.join(dir, 'd.txt');
    writeFileSync(d, 'dddd');
    expect(new ContentHashes(memo).of(d)).toBe(sha('dddd'));
  });
});
