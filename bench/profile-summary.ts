/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by source file, and
 * inclusive time of functions whose name matches `--focus`.
 *
 *   npx tsx bench/profile-summary.ts PROFILE.cpuprofile [--top 25] [--focus toYaml,synthesize] [--within synthesize]
 *
 * `--within NAME` keeps only the samples taken under a function of that name. `--inclusive` prints the inclusive time
 * of every function (each sample counted once per function name on its stack), not only of the `--focus` ones.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const file = process.argv[2];
if (!file) throw new Error('usage: bench/profile-summary.ts PROFILE.cpuprofile [--top N] [--focus a,b]');
const opt = (name: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] : undefined; };
const top = Number(opt('top') ?? 25);
const focus = (opt('focus') ?? '').split(',').filter(Boolean);
const within = opt('within');
const allInclusive = process.argv.includes('--inclusive');

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
const total = [...self.values()].reduce((a, b) => a + b, 0);

const short = (url: string) => url.replace(/^file:\/\//, '').replace(/.*node_modules\//, 'npm:').replace(/.*\/work\/main\//, '');
const label = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);

const fnSelf = new Map<string, number>();
const fileSelf = new Map<string, number>();
const inclusive = new Map<string, number>();
const under = (id: number) => {
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) if (byId.get(cur)!.callFrame.functionName === within) return true;
  return false;
};
for (const [id, ms] of self) {
  if (within && !under(id)) continue;
  const n = byId.get(id)!;
  add(fnSelf, label(n), ms);
  add(fileSelf, short(n.callFrame.url) || n.callFrame.functionName, ms);
  // Inclusive time of focused functions: count each sample once per focused name on its stack.
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const name = byId.get(cur)!.callFrame.functionName;
    if ((allInclusive || focus.includes(name)) && !seen.has(name)) { seen.add(name); add(inclusive, name, ms); }
  }
}
const print = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${v.toFixed(0).padStart(7)} ms ${(100 * v / total).toFixed(1).padStart(5)} %  ${k}`);
};
console.log(`total sampled: ${total.toFixed(0)} ms`);
print('self time by function', fnSelf);
print('self time by file', fileSelf);
if (focus.length || allInclusive) print('inclusive time', inclusive);
