import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DiffInputError, parseManifests, readManifestsOnDisk } from '../../../lib/review/diff/load.js';
import { readManifestFiles } from '../../../lib/validation/manifest-files.js';

/**
 * Issue 26, defect 10: `diff` reads exactly what `validate` reads — symbolic links followed, `.YAML` in any
 * case — and refuses what `validate` refuses (NUL bytes, non-UTF-8, duplicate keys) instead of reading it
 * silently.
 */

const POD = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: c\n      image: busybox\n      securityContext:\n        privileged: true\n`;

const dirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cdk8s-delivery-diff-load-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('diff reads what validate reads', () => {
  it('GIVEN a symlinked manifest and a .YAML file WHEN diff and validate read the folder THEN both read the same two privileged pods', async () => {
    const outside = scratch();
    writeFileSync(path.join(outside, 'linked.yaml'), POD('linked'));
    const dir = scratch();
    mkdirSync(path.join(dir, 'app'));
    symlinkSync(path.join(outside, 'linked.yaml'), path.join(dir, 'app', 'linked.yaml'));
    writeFileSync(path.join(dir, 'app', 'upper.YAML'), POD('upper'));
    const files = await readManifestsOnDisk(dir);
    expect([...files.keys()]).toEqual(['app/linked.yaml', 'app/upper.YAML']);
    const names = parseManifests(files, 'working tree').map((o) => (o.manifest as { metadata: { name: string } }).metadata.name);
    const validated = (await readManifestFiles(dir)).manifests.map((m) => (m.object as { metadata: { name: string } }).metadata.name);
    expect(names).toEqual(validated);
    expect(names).toEqual(['linked', 'upper']);
  });

  it('GIVEN a file with a NUL byte and one that is not UTF-8 WHEN diff reads the folder THEN both are input errors, as in validate', async () => {
    const dir = scratch();
    writeFileSync(path.join(dir, 'nul.yaml'), Buffer.concat([Buffer.from(POD('a')), Buffer.from([0])]));
    writeFileSync(path.join(dir, 'latin1.yaml'), Buffer.concat([Buffer.from('kind: ConfigMap\ndata:\n  x: "'), Buffer.from([0xe9]), Buffer.from('"\n')]));
    const read = readManifestsOnDisk(dir);
    await expect(read).rejects.toThrow(DiffInputError);
    const error = await read.catch((e: DiffInputError) => e);
    expect((error as DiffInputError).problems.map((p) => [path.basename(p.location), p.message.slice(0, 20)])).toEqual([['latin1.yaml', 'is not valid UTF-8 t'], ['nul.yaml', 'holds a NUL byte at ']]);
  });

  it('GIVEN a mapping used as a key WHEN diff parses THEN an input error, and Node\'s "Keys with collection values will be stringified" warning does not leak', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      expect(() => parseManifests(new Map([['a.yaml', 'kind: ConfigMap\ndata:\n  ? {a: 1}\n  : x\n']]), 'working tree')).toThrow(/working tree:a\.yaml:3:5: YAML does not parse like kubectl: the mapping key "\{a: 1\}" is a mapping/);
      await new Promise((resolve) => setImmediate(resolve)); // process.emitWarning delivers on the next tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });

  it('GIVEN a duplicate key WHEN diff parses THEN it is an input error with its position, as in validate', () => {
    expect(() => parseManifests(new Map([['a.yaml', 'kind: Pod\nkind: Pod\n']]), 'HEAD')).toThrow(/HEAD:a\.yaml:2:1: YAML does not parse: Map keys must be unique/);
  });
});
