/**
 * What the full synth allocates: the bytes allocated while the scale fixture is built (`construct`) and while
 * `synthesize(app)` runs (`synth`), from V8's sampling heap profiler with the objects the GC collected included.
 *
 *   node --import tsx bench/alloc-figures.ts [--n 300] [--within checkProps,checkFactory] [--top 20]
 *
 * Unlike CPU and wall times, allocations do not move with the machine's load (other sessions' benchmarks on the same
 * two cores), so they compare a change to the construct or synth code where ±10 % of noise hides it; the GC's share of
 * a phase follows them (each young-generation collection copies what survives). `--within` also lists the largest
 * allocating functions below the named ones (self bytes, in both phases).
 */
import { Session } from 'node:inspector/promises';
import { App } from 'cdk8s';
import { synthesize } from '../lib/synth/synthesizer.js';
import { arg } from './child.js';
import { buildFixture } from './fixture.js';

interface SamplingNode {
  callFrame: { functionName: string; url: string };
  selfSize: number;
  children: SamplingNode[];
}

const n = Number(arg('n', '300'));
const within = new Set((process.argv.includes('--within') ? arg('within') : 'checkProps,checkFactory,checkManifests').split(','));
const top = Number(arg('top', '20'));

const session = new Session();
session.connect();
await session.post('HeapProfiler.enable');
// 1 KiB between samples: a few percent of the N = 300 figures; the collected objects are what the GC's time follows.
const sampling = { samplingInterval: 1024, includeObjectsCollectedByMinorGC: true, includeObjectsCollectedByMajorGC: true };
const measure = async (run: () => void): Promise<SamplingNode> => {
  await session.post('HeapProfiler.startSampling', sampling);
  run();
  return (await session.post('HeapProfiler.stopSampling')).profile.head as SamplingNode;
};

const app = new App();
const construct = await measure(() => buildFixture(app, { services: n, platformSize: 100 }));
const synth = await measure(() => synthesize(app));

const total = (node: SamplingNode): number => node.selfSize + node.children.reduce((sum, c) => sum + total(c), 0);
/** Self bytes by function at or below a function named in `within`. */
const below = (node: SamplingNode, out: Map<string, number>, inside = false): Map<string, number> => {
  const hit = inside || within.has(node.callFrame.functionName);
  if (hit) {
    const name = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/^.*\/(lib|node_modules)\//, '$1/')}`;
    out.set(name, (out.get(name) ?? 0) + node.selfSize);
  }
  for (const c of node.children) below(c, out, hit);
  return out;
};
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
for (const [phase, head] of [['construct', construct], ['synth', synth]] as const) {
  const inside = below(head, new Map());
  const sum = [...inside.values()].reduce((a, b) => a + b, 0);
  console.log(`${phase}: ${mb(total(head))} allocated, ${mb(sum)} below ${[...within].join(', ')}`);
  for (const [name, bytes] of [...inside].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${mb(bytes).padStart(9)}  ${name}`);
}
