import { chmodSync, chownSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPrivateFolder, privateSubfolder } from '../../lib/core/private-folder.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'cdk8s-delivery-private-'));

describe('isPrivateFolder', () => {
  it('makes a missing folder with mode 0700, and takes it as private', () => {
    const dir = join(scratch(), 'cache', 'validators');
    expect(isPrivateFolder(dir)).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('refuses a folder others may write to, or one in a folder others may write to that is not sticky', () => {
    const base = scratch();
    const groupWritable = join(base, 'g');
    mkdirSync(groupWritable);
    chmodSync(groupWritable, 0o770);
    expect(isPrivateFolder(groupWritable)).toBe(false);
    chmodSync(groupWritable, 0o700); // the control: the same folder, private
    expect(isPrivateFolder(groupWritable)).toBe(true);

    const shared = join(base, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    expect(isPrivateFolder(join(shared, 'mine'))).toBe(false); // anyone could rename it away and plant another
    chmodSync(shared, 0o1777); // sticky, as /tmp: only the owner may rename or remove it
    expect(isPrivateFolder(join(shared, 'mine'))).toBe(true);
  });

  it.runIf(process.getuid?.() === 0)('refuses a folder of another user (run as root: CI)', () => {
    const dir = join(scratch(), 'theirs');
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, 12345, 12345);
    expect(isPrivateFolder(dir)).toBe(false);
  });

  it('refuses a path that is a file, not a folder', () => {
    const file = join(scratch(), 'cache');
    writeFileSync(file, '', { mode: 0o600 });
    expect(isPrivateFolder(file)).toBe(false);
  });
});

describe('privateSubfolder', () => {
  it('GIVEN a private cache folder THEN its subfolder is made private and used; undefined (the cache off) stays off', () => {
    const dir = join(scratch(), 'validators');
    expect(privateSubfolder(dir, 'props')).toBe(join(dir, 'props'));
    expect(statSync(join(dir, 'props')).mode & 0o777).toBe(0o700);
    expect(privateSubfolder(undefined, 'props')).toBeUndefined();
  });

  it('GIVEN the cache folder or the subfolder writable by others THEN it is not used', () => {
    const dir = join(scratch(), 'validators');
    mkdirSync(join(dir, 'promql'), { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o777);
    expect(privateSubfolder(dir, 'promql')).toBeUndefined();
    chmodSync(dir, 0o700);
    chmodSync(join(dir, 'promql'), 0o777);
    expect(privateSubfolder(dir, 'promql')).toBeUndefined();
    chmodSync(join(dir, 'promql'), 0o700); // the control: both private again
    expect(privateSubfolder(dir, 'promql')).toBe(join(dir, 'promql'));
  });
});
