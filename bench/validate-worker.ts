/**
 * Benchmark child: what `cdk8s-delivery validate DIR` does with a folder of manifests, from a cold process, phase by
 * phase with the CPU time of each: `read` (every file, parsed as `validate` parses them), `schemas`
 * (`SchemaValidator.load()`: the core catalogue and the pinned CRD index), `check` (`validateManifests` with the schemas
 * and every rule, the whole folder in one call; each kind's validator is loaded or compiled at its first object, so
 * that cost is in `check`).
 *
 *   node --import tsx bench/validate-worker.ts --dir DIR
 *
 * Documents per second per core = documents / CPU seconds of read + check (the schema load is a fixed cost of a
 * process, reported apart). The findings are counted, not printed (the bench estate has a few: its Applications use
 * the built-in `default` AppProject, which `validate` reports).
 */
import { arg, countFiles, PhaseClock } from './child.js';

const clock = new PhaseClock();
const dir = arg('dir');
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const cpuMs: Record<string, number> = {};
const timed = async <T>(name: string, work: () => Promise<T> | T): Promise<T> => {
  const before = cpu();
  const result = await clock.time(name, work);
  cpuMs[name] = cpu() - before;
  return result;
};

const lib = await clock.time('import', async () => ({
  ...(await import('../lib/validation/validate-manifests.js')),
  ...(await import('../lib/validation/schema-validator.js')),
}));
const loaded = await timed('read', () => lib.loadManifests(dir));
const schema = await timed('schemas', () => lib.SchemaValidator.load());
const { errors, warnings } = await timed('check', () => lib.validateManifests(loaded.manifests, { schema }));
const documents = loaded.manifests.length;
process.stderr.write(`validate: ${documents} documents, ${errors.length} errors, ${warnings.length} warnings; CPU ms ${JSON.stringify(cpuMs)}\n`);
clock.report({ ...countFiles(dir), objects: documents }, { cpuPhasesMs: cpuMs, errors: errors.length, warnings: warnings.length, documentsPerCpuSecond: documents / ((cpuMs.read! + cpuMs.check!) / 1000) });
