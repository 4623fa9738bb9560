import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_DOCUMENT_BYTES, readManifestFiles } from '../../lib/validation/manifest-files.js';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { validateManifests } from '../../lib/validation/validate-manifests.js';
import { budget } from '../load-budget.js';

const PRIVILEGED_POD = `apiVersion: v1
kind: Pod
metadata: {name: root, namespace: ops}
spec:
  containers:
    - name: c
      image: registry.example/c@sha256:${'a'.repeat(64)}
      securityContext: {privileged: true}
`;

const configMap = (name: string, data: Record<string, string>, annotations: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'shop', annotations: { 'argocd.argoproj.io/sync-wave': '0', ...annotations } },
  data,
});

function tempDir(files: Readonly<Record<string, string | Buffer>> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'manifests-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

const relative = (dir: string, problems: readonly { location: string; message: string }[]) => problems.map((p) => ({ location: path.relative(dir, p.location), message: p.message }));

let schema: SchemaValidator;
beforeAll(async () => {
  schema = await SchemaValidator.load();
});

describe('which files validate reads (issue 13.4)', () => {
  it('GIVEN a symlink to a privileged Pod inside the folder WHEN validated THEN the link is followed and the Pod fails Pod Security', async () => {
    // GIVEN
    const outside = tempDir({ 'pod.yaml': PRIVILEGED_POD });
    const dir = tempDir();
    fs.symlinkSync(path.join(outside, 'pod.yaml'), path.join(dir, 'pod.yaml'));
    // WHEN
    const read = await readManifestFiles(dir);
    const { errors } = validateManifests(read.manifests, { schema });
    // THEN
    expect(read.problems).toEqual([]);
    expect(read.manifests.map((m) => path.relative(dir, m.location))).toEqual(['pod.yaml: Pod/ops/root']);
    expect(errors.map((f) => f.rule)).toContain('pss/privileged');
  });

  it('GIVEN a symlinked folder that loops back WHEN read THEN the loop is a problem and the files are read once', async () => {
    // GIVEN
    const dir = tempDir({ 'a/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n' });
    fs.symlinkSync('..', path.join(dir, 'a', 'up'));
    // WHEN
    const read = await readManifestFiles(dir);
    // THEN
    expect(read.files.map((f) => path.relative(dir, f))).toEqual(['a/cm.yaml']);
    expect(relative(dir, read.problems)).toEqual([{ location: 'a/up', message: `a symbolic link loop: it leads back to ${fs.realpathSync(dir)}, which is being read` }]);
  });

  it('GIVEN .json and .YML files and a kind: List WHEN read THEN each is read as Argo CD does and the List is unpacked into its items', async () => {
    // GIVEN
    const list = { apiVersion: 'v1', kind: 'List', items: [configMap('one', {}), configMap('two', {})] };
    const dir = tempDir({ 'list.json': JSON.stringify(list), 'other.YML': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: three, namespace: shop}\n', 'notes.txt': 'not a manifest' });
    // WHEN
    const read = await readManifestFiles(dir);
    // THEN
    expect(read.problems).toEqual([]);
    expect(read.manifests.map((m) => path.relative(dir, m.location))).toEqual(['list.json: ConfigMap/shop/one', 'list.json: ConfigMap/shop/two', 'other.YML: ConfigMap/shop/three']);
    expect([...read.sources.values()].map((s) => [s.document, s.item])).toEqual([[1, 0], [1, 1], [1, undefined]]);
  });

  it('GIVEN a FIFO given as the path, and one named x.yaml in the folder WHEN read THEN both are refused without blocking', async () => {
    // GIVEN nothing ever writes to either FIFO: opening one for reading the usual way would block forever
    const dir = tempDir({ 'ok.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n' });
    execFileSync('mkfifo', [path.join(dir, 'pipe.yaml'), path.join(dir, 'given')]);
    // WHEN
    const given = await readManifestFiles(path.join(dir, 'given'));
    const folder = await readManifestFiles(dir);
    // THEN
    expect(relative(dir, given.problems)).toEqual([{ location: 'given', message: 'is a FIFO (named pipe), not a manifest file or folder' }]);
    expect(relative(dir, folder.problems)).toEqual([{ location: 'pipe.yaml', message: 'is a FIFO (named pipe), not a manifest file' }]);
  });
});

describe('what the API server would refuse to decode, and YAML that kubectl accepts (issue 13.6, 13.7)', () => {
  it('GIVEN invalid UTF-8 or a NUL byte WHEN read THEN the file is unreadable input, never decoded with U+FFFD', async () => {
    // GIVEN
    const dir = tempDir({
      'latin1.yaml': Buffer.concat([Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: "caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]),
      'nul.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {k: "a\0b"}\n',
    });
    // WHEN
    const read = await readManifestFiles(dir);
    // THEN
    expect(relative(dir, read.problems).map((p) => `${p.location}: ${p.message.split(':')[0]}`)).toEqual(['latin1.yaml: is not valid UTF-8 text', `nul.yaml: holds a NUL byte at byte ${'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {k: "a'.length}`]);
    expect(read.manifests).toEqual([]);
  });

  it('GIVEN an unquoted {{ }} template as a value WHEN read THEN the document is unreadable like kubectl (a mapping as a key), the rest of the file is read, nothing is printed', async () => {
    // GIVEN: `{{args.x}}` is a flow mapping whose only key is the mapping {args.x}; go-yaml fails with
    // "invalid map key", kustomize with "yaml: invalid map key: map[string]interface {}{...}".
    const dir = tempDir({
      'two.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok, namespace: shop}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: templated\n  namespace: shop\n  annotations:\n    example.com/flag: {{args.flag}}\n',
      'seq.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: seq, namespace: shop}\ndata:\n  ? [a, b]\n  : c\n',
    });
    const warnings: unknown[] = [];
    const onWarning = (w: unknown) => warnings.push(w);
    process.on('warning', onWarning);
    // WHEN
    const read = await readManifestFiles(dir);
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    // THEN
    expect(relative(dir, read.problems).map((p) => p.location)).toEqual(['seq.yaml:5:5', 'two.yaml:11:24']);
    expect(read.problems.find((p) => p.location.includes('two.yaml'))!.message).toContain('the mapping key "{args.flag}" is a mapping');
    expect(read.problems.find((p) => p.location.includes('seq.yaml'))!.message).toContain('the mapping key "[a, b]" is a sequence');
    expect(read.manifests.map((m) => m.object.metadata.name)).toEqual(['ok']);
    expect(warnings).toEqual([]);
  });

  it('GIVEN YAML merge keys WHEN read THEN they are merged as kubectl merges them and the object validates', async () => {
    // GIVEN
    const dir = tempDir({
      'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: merged\n  namespace: shop\n  labels: &labels {app: web, tier: front}\n  annotations: {argocd.argoproj.io/sync-wave: "0"}\ndata:\n  <<: *labels\n  tier: override\n',
    });
    // WHEN
    const read = await readManifestFiles(dir);
    // THEN
    expect(read.problems).toEqual([]);
    expect(read.manifests[0]!.object.data).toEqual({ app: 'web', tier: 'override' });
    expect(validateManifests(read.manifests, { schema }).errors).toEqual([]);
  });

  it('GIVEN 300 KiB of annotations, a ConfigMap over 1 MiB and a Secret over 1 MiB WHEN validated THEN each is an api/* error', async () => {
    // GIVEN
    const big = 'x'.repeat(300 * 1024);
    const manifests = [
      { location: 'annotations', object: configMap('notes', {}, { 'example.com/notes': big }) },
      { location: 'configmap', object: configMap('blob', { a: 'y'.repeat(600 * 1024), b: 'z'.repeat(600 * 1024) }) },
      { location: 'secret', object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'shop' }, data: { k: Buffer.alloc(1024 * 1024 + 1).toString('base64') } } },
      { location: 'fine', object: configMap('fine', { a: 'y'.repeat(1000 * 1024) }, { 'example.com/notes': 'x'.repeat(255 * 1024) }) },
    ];
    // WHEN
    const { errors } = validateManifests(manifests);
    // THEN
    expect(errors.filter((f) => f.rule.startsWith('api/')).map((f) => `${f.location} ${f.rule} ${f.value}`)).toEqual([
      `annotations api/annotations-too-large ${300 * 1024 + 'example.com/notes'.length + 'argocd.argoproj.io/sync-wave'.length + 1} bytes`,
      `configmap api/configmap-too-large ${1200 * 1024} bytes`,
      `secret api/secret-too-large ${1024 * 1024 + 1} bytes`,
    ]);
  });

  it('GIVEN a 50 MB document with 250 000 keys WHEN read THEN it is refused before parsing, with the API server limit', async () => {
    // GIVEN
    const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: huge}', 'data:'];
    for (let i = 0; i < 250_000; i++) lines.push(`  key${i}: ${'v'.repeat(190)}`);
    const dir = tempDir({ 'small.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: small}\n', 'huge.yaml': `apiVersion: v1\nkind: Namespace\nmetadata: {name: ok}\n---\n${lines.join('\n')}\n` });
    // WHEN
    const read = await readManifestFiles(dir);
    // THEN
    expect(relative(dir, read.problems)).toEqual([{ location: 'huge.yaml:4:1', message: expect.stringMatching(/^document 2 is 4\d\.\d MiB: the API server refuses requests over 3\.0 MiB/) }]);
    expect(read.manifests.map((m) => path.relative(dir, m.location))).toEqual(['small.yaml: ConfigMap/-/small']);
  });

  it('GIVEN one mapping with 60 000 keys just under the limit, and one with a duplicate key WHEN read THEN the first parses (in linear time) and the duplicate is still an error', { timeout: budget(30_000) }, async () => {
    // GIVEN: the YAML library's own duplicate check compares every key with every other (about 30 s here)
    const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: wide}', 'data:'];
    for (let i = 0; i < 60_000; i++) lines.push(`  k${i}: v`);
    const text = `${lines.join('\n')}\n`;
    expect(text.length).toBeLessThan(MAX_DOCUMENT_BYTES);
    const dir = tempDir({ 'wide.yaml': text, 'dup.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\ndata:\n  a: "1"\n  a: "2"\n' });
    // WHEN
    const read = await readManifestFiles(dir);
    // THEN
    expect(relative(dir, read.problems)).toEqual([{ location: 'dup.yaml:6:3', message: 'YAML does not parse: Map keys must be unique' }]);
    expect(Object.keys(read.manifests[0]!.object.data)).toHaveLength(60_000);
  });
});
