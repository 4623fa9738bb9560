import { App } from 'cdk8s';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Environment } from '../../lib/core/environment.js';
import { Platform } from '../../lib/platform/platform.js';
import { Probe } from '../../lib/pod/probe.js';
import { manifestHash, OutputIndex, rendererFingerprint } from '../../lib/synth/output-index.js';
import { runSynth } from '../../lib/synth/run.js';
import { toYaml } from '../../lib/synth/synthesizer.js';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { StatelessService } from '../../lib/workloads/stateless-service.js';
import { DIGEST_IMAGE } from '../helpers.js';

let validator: SchemaValidator;
const cacheHome = process.env.XDG_CACHE_HOME;
beforeAll(async () => {
  validator = await SchemaValidator.load();
  // The output index lives in the user's cache folder: a folder of this test's own.
  process.env.XDG_CACHE_HOME = mkdtempSync(join(tmpdir(), 'cdk8s-delivery-index-cache-'));
});
afterAll(() => {
  if (cacheHome === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = cacheHome;
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = 0;
});

function build(apiReplicas: number) {
  return () => {
    const app = new App();
    const platform = new Platform(app, 'acme', { environments: [Environment.dev()] });
    new StatelessService(platform.environments[0], 'api', { image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/readyz'), replicas: apiReplicas });
    new StatelessService(platform.environments[0], 'web', { image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/readyz'), replicas: 2 });
    return app;
  };
}

/** Every file below `dir` with its inode and text. */
function tree(dir: string): Map<string, { ino: number; text: string }> {
  const out = new Map<string, { ino: number; text: string }>();
  for (const f of readdirSync(dir, { recursive: true }).map(String).sort()) {
    const file = join(dir, f);
    if (statSync(file).isFile()) out.set(f, { ino: statSync(file).ino, text: readFileSync(file, 'utf8') });
  }
  return out;
}

const texts = (t: Map<string, { text: string }>) => new Map([...t].map(([k, v]) => [k, v.text]));

describe('incremental runSynth (output index)', () => {
  it('links unchanged files, renders and validates only changed objects, and writes the same tree as a fresh synth', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const outdir = join(mkdtempSync(join(tmpdir(), 'cdk8s-delivery-incr-')), 'dist');
    const fresh = join(mkdtempSync(join(tmpdir(), 'cdk8s-delivery-incr-')), 'dist');
    await runSynth(build(8), { outdir, validator });
    const first = tree(outdir);
    const spy = vi.spyOn(validator, 'validate');

    // WHEN nothing changed THEN nothing is validated and every object file is the same file (hard-linked), same text
    await runSynth(build(8), { outdir, validator });
    expect(spy).not.toHaveBeenCalled();
    const second = tree(outdir);
    expect(texts(second)).toEqual(texts(first));
    const objectFiles = [...first.keys()].filter((f) => f.endsWith('.yaml'));
    expect(objectFiles.length).toBeGreaterThan(5);
    for (const f of objectFiles) expect(second.get(f)!.ino, f).toBe(first.get(f)!.ino);

    // WHEN one service changes THEN exactly its changed object is validated and written anew, the others linked
    await runSynth(build(12), { outdir, validator });
    expect(spy.mock.calls.map((c) => c[1])).toEqual(['acme/dev/api/deployment']);
    const third = tree(outdir);
    const rewritten = objectFiles.filter((f) => third.get(f)!.ino !== second.get(f)!.ino);
    expect(rewritten).toEqual(['acme/dev/api/deployment-api.yaml']);
    // AND the tree is byte for byte what a synth into an empty folder writes
    await runSynth(build(12), { outdir: fresh, validator });
    expect(texts(third)).toEqual(texts(tree(fresh)));
    expect(process.exitCode ?? 0).toBe(0);
  });

  it('does not trust the index for a file edited or replaced since: it is compared, validated and restored', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const outdir = join(mkdtempSync(join(tmpdir(), 'cdk8s-delivery-incr-')), 'dist');
    await runSynth(build(8), { outdir, validator });
    const before = tree(outdir);
    const edited = 'acme/dev/web/deployment-web.yaml';
    appendFileSync(join(outdir, edited), '# hand edit\n');
    const replaced = 'acme/dev/api/deployment-api.yaml';
    writeFileSync(join(outdir, `${replaced}.new`), before.get(replaced)!.text);
    // (a git checkout replaces a file: another inode, same text)
    renameSync(join(outdir, `${replaced}.new`), join(outdir, replaced));
    const spy = vi.spyOn(validator, 'validate');
    await runSynth(build(8), { outdir, validator });
    // THEN the edited file is validated and rewritten; the replaced one, identical in text, is found unchanged by
    // comparing it (not by the index) and is not validated
    expect(spy.mock.calls.map((c) => c[1])).toEqual(['acme/dev/web/deployment']);
    expect(texts(tree(outdir))).toEqual(texts(before));
  });

  it('ignores an index written by another renderer', () => {
    const outdir = join(mkdtempSync(join(tmpdir(), 'cdk8s-delivery-incr-')), 'dist');
    const manifest = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } };
    mkdirSync(outdir, { recursive: true });
    writeFileSync(join(outdir, 'a.yaml'), toYaml(manifest));
    const renderer = rendererFingerprint(toYaml);
    OutputIndex.write(outdir, renderer, new Map([['a.yaml', manifestHash(manifest)]]));
    expect(OutputIndex.read(outdir, renderer).unchanged('a.yaml', manifestHash(manifest))).toBeDefined();
    // another manifest, another renderer, a missing file: not unchanged
    expect(OutputIndex.read(outdir, renderer).unchanged('a.yaml', manifestHash({ ...manifest, data: { x: '1' } }))).toBeUndefined();
    expect(OutputIndex.read(outdir, rendererFingerprint((m) => JSON.stringify(m))).unchanged('a.yaml', manifestHash(manifest))).toBeUndefined();
    expect(OutputIndex.read(outdir, renderer).unchanged('b.yaml', manifestHash(manifest))).toBeUndefined();
  });
});
