/**
 * `npx tsx bench/analysis.ts [--trials 100] [--runs 1]`: how long `cdk8s-delivery analysis simulate`
 * takes on the reference platforms (dist/bitvault/prod + dist/homelab/prod), with the time spent writing
 * the synthetic series, backfilling them with promtool, and querying Prometheus. Prints the machine's
 * load average too: the figure is only as quiet as the machine.
 */
import { cpus, loadavg } from 'node:os';
import { subjectsOf } from '../lib/analysis/simulate/subjects.js';
import { simulate } from '../lib/analysis/simulate/simulate.js';
import { loadManifests } from '../lib/validation/validate-manifests.js';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1]! : fallback; };
const trials = Number(opt('trials', '100'));
const runs = Number(opt('runs', '1'));

const objects: Record<string, unknown>[] = [];
for (const dir of ['dist/bitvault/prod', 'dist/homelab/prod']) objects.push(...(await loadManifests(dir)).manifests.map((m) => m.object as Record<string, unknown>));
const subjects = subjectsOf(objects);
process.env.CDK8S_DELIVERY_SIMULATE_TIMING = '1';
console.log(`analysis simulate of bitvault/prod + homelab/prod: ${subjects.length} templates, ${trials} trials per scenario, ${cpus().length} CPUs, load average before ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const seconds: number[] = [];
for (let i = 0; i < runs; i++) {
  const r = await simulate(subjects, { trials, seed: 1 });
  seconds.push(r.seconds);
  for (const x of r.results.filter((y) => !y.accepted)) console.log(`  not met: ${x.template} ${x.scenario}: ${JSON.stringify(x.counts)} (${x.expectation}; ${x.why})`);
  console.log(`run ${i + 1}: ${r.seconds.toFixed(1)} s, ${r.results.length} scenario runs, ${r.results.filter((x) => !x.accepted).length} acceptance(s) not met; load average after ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}
seconds.sort((a, b) => a - b);
console.log(`median ${seconds[Math.floor(seconds.length / 2)]!.toFixed(1)} s (target < 60 s on 2 cores)`);
