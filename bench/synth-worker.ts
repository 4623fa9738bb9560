/**
 * Benchmark child: a full synth from a cold process, through the library.
 *
 *   node --import tsx bench/synth-worker.ts --out DIR [--n 100] [--platform-size 100] [--reference]
 *                                           [--pipeline] [--migrations-dir DIR] [--dump FILE] [--changed-service K]
 *
 * By default the three steps are timed apart: construct the App, `synthesize(app)`, `writeAtomically`.
 * `--pipeline` runs `runSynth` instead, exactly what `npm run synth` runs (upstream schema validation,
 * migration lint, rollout plans included), as one phase. `--reference` builds the reference platforms
 * (apps/) instead of the scale fixture. `--dump` writes the synthesized objects as JSON after the timed
 * phases: the input of the raw and kustomize baselines. `--changed-service K` gives service K another image digest:
 * run after a synth into the same `--out`, an incremental synth of a one-service change.
 */
import { writeFileSync } from 'node:fs';
import { arg, countFiles, PhaseClock } from './child.js';

const pipeline = process.argv.includes('--pipeline');
// runSynth verifies migrations in a child process (PGlite): its memory is counted with this process's (bench/child.ts).
const clock = new PhaseClock({ tree: pipeline });
const out = arg('out');
const n = Number(arg('n', '100'));
const platformSize = Number(arg('platform-size', '100'));
const reference = process.argv.includes('--reference');
const migrationsDir = process.argv.includes('--migrations-dir') ? arg('migrations-dir') : undefined;

// `--changed-service K`: service K gets another image digest (a one-service change, for an incremental synth).
const changed = process.argv.includes('--changed-service') ? { service: Number(arg('changed-service')), release: 'incremental' } : undefined;

// The library and the fixture are loaded inside the clock, so module loading is a phase of its own.
// runSynth's module (schemas, migration lint, review) is loaded only when it runs.
const lib = await clock.time('import', async () => ({
  ...(await import('cdk8s')),
  ...(await import('../lib/synth/synthesizer.js')),
  ...(await import('../lib/synth/writer.js')),
  ...(pipeline ? await import('../lib/synth/run.js') : { runSynth: undefined }),
  ...(await import('./fixture.js')),
  ...(reference ? await import('../apps/main.js') : { referencePlatforms: undefined }),
}));
const build = () => {
  if (lib.referencePlatforms) return lib.referencePlatforms();
  const app = new lib.App();
  lib.buildFixture(app, { services: n, platformSize, migrationsDir, changed });
  return app;
};

if (lib.runSynth) {
  const runSynth = lib.runSynth;
  await clock.time('runSynth', () => runSynth(build, { outdir: out }));
  if (process.exitCode) throw new Error('runSynth reported problems (above)');
  clock.report(countFiles(out));
} else {
  const app = await clock.time('construct', build);
  const objects = await clock.time('synth', () => lib.synthesize(app));
  await clock.time('write', () => lib.writeAtomically(objects, out));
  clock.report(countFiles(out));
  const dump = process.argv.includes('--dump') ? arg('dump') : undefined;
  if (dump) writeFileSync(dump, JSON.stringify(objects.map((o) => ({ path: o.path, manifest: o.manifest }))));
}
