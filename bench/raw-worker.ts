/**
 * Benchmark child: the baselines, from a cold process, over objects dumped by synth-worker.
 *
 *   node --import tsx bench/raw-worker.ts --input DUMP.json --out DIR --mode cdk8s|floor
 *
 * - `cdk8s`: the floor of cdk8s itself: a plain App and Chart, one `new ApiObject(chart, id, manifest)` per
 *   object, `toJson()` on each, YAML through the library's own `toYaml`, one file per object.
 * - `floor`: the physical floor: `toYaml` and the file writes alone.
 * Reading the dump is its own phase (`input`): the parent leaves it out of the compared time, as nothing
 * like it happens in a real synth.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ApiObjectProps } from 'cdk8s';
import { arg, countFiles, PhaseClock } from './child.js';

const clock = new PhaseClock();
const input = arg('input');
const out = arg('out');
const mode = arg('mode');
if (mode !== 'cdk8s' && mode !== 'floor') throw new Error(`--mode must be cdk8s or floor, not ${mode}`);

const { cdk8s, toYaml } = await clock.time('import', async () => ({
  cdk8s: mode === 'cdk8s' ? await import('cdk8s') : undefined,
  toYaml: (await import('../lib/synth/synthesizer.js')).toYaml,
}));
const dumped = await clock.time('input', () => JSON.parse(readFileSync(input, 'utf8')) as { path: string; manifest: ApiObjectProps }[]);

let manifests: { path: string; manifest: unknown }[] = dumped;
if (cdk8s) {
  const objects = await clock.time('construct', () => {
    const app = new cdk8s.App();
    const chart = new cdk8s.Chart(app, 'bench', { disableResourceNameHashes: true });
    return dumped.map((d, i) => ({ path: d.path, object: new cdk8s.ApiObject(chart, `o${i}`, d.manifest) }));
  });
  manifests = await clock.time('synth', () => objects.map((o) => ({ path: o.path, manifest: o.object.toJson() })));
}
await clock.time('write', () => {
  rmSync(out, { recursive: true, force: true });
  const made = new Set<string>();
  for (const m of manifests) {
    const file = join(out, m.path);
    const dir = dirname(file);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeFileSync(file, toYaml(m.manifest));
  }
});
clock.report(countFiles(out));
