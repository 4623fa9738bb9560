/**
 * `npx tsx bench/scaling.ts [--factors 1,10,100] [--dir dist]`: whether reading and checking manifests
 * stays linear (issue 26). The reference output folder is copied 1×, 10× and 100× into a scratch folder
 * (each copy in its own subfolder, every `namespace:` suffixed with the copy's number so the copies are
 * distinct objects), then, in this process, timed phase by phase:
 *
 * - `read`: `readManifestFiles` (the files `validate`, `diff` and `lint-migrations` read, parsed with the
 *   same YAML options: no quadratic duplicate-key scan);
 * - `validate`: `validateManifests` with the upstream schemas and every rule (duplicate detection across
 *   Applications included);
 * - `diff parse`: the diff's `parseManifests` of the same texts;
 * - `images`: `lint-migrations`' `workloadImages` of the same texts.
 *
 * An untimed ×1 pass comes first (schema compilation, JIT). Prints the per-object cost of each phase at each factor and the ratio of the largest factor's per-object
 * cost to the smallest's (1.0 is linear; a quadratic phase shows ~factor). Asserts nothing.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { workloadImages } from '../lib/migrations/checker/release-state.js';
import { parseManifests } from '../lib/review/diff/load.js';
import { readManifestFiles } from '../lib/validation/manifest-files.js';
import { SchemaValidator } from '../lib/validation/schema-validator.js';
import { validateManifests } from '../lib/validation/validate-manifests.js';
import { machine } from './machine.js';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1]! : fallback; };
const factors = opt('factors', '1,10,100').split(',').map(Number);
const source = opt('dir', 'dist');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).filter((f) => /\.(ya?ml|json)$/i.test(f) && statSync(path.join(dir, f)).isFile());
}

/** `factor` distinct copies of `source` under a new scratch folder. */
function estate(factor: number): string {
  const root = mkdtempSync(path.join(existsShm() ? '/dev/shm' : tmpdir(), 'cdk8s-delivery-scaling-'));
  const files = filesUnder(source);
  for (let k = 0; k < factor; k++) {
    const copy = path.join(root, `copy-${String(k).padStart(3, '0')}`);
    cpSync(source, copy, { recursive: true });
    if (k === 0) continue;
    for (const f of files) {
      const file = path.join(copy, f);
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^(\s*namespace: )(\S+)$/gm, `$1$2-c${k}`));
    }
  }
  return root;
}

function existsShm(): boolean {
  try {
    return statSync('/dev/shm').isDirectory();
  } catch {
    return false;
  }
}

const time = async <T>(run: () => T | Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const value = await run();
  return [value, performance.now() - started];
};

const schema = await SchemaValidator.load();
console.log(`scaling of manifest reading and checks: ${source}/ ×${factors.join(', ×')}  (${JSON.stringify(machine())})`);
const rows: { factor: number; objects: number; perObject: Record<string, number> }[] = [];
// An untimed ×1 pass first: schema compilation and the JIT would otherwise be charged to the smallest factor.
for (const [index, factor] of [1, ...factors].entries()) {
  const warmUp = index === 0;
  const root = estate(factor);
  try {
    const [read, readMs] = await time(() => readManifestFiles(root));
    const [, validateMs] = await time(() => validateManifests(read.manifests, { schema }));
    const texts = new Map(filesUnder(root).map((f) => [f, readFileSync(path.join(root, f), 'utf8')]));
    const [, diffMs] = await time(() => parseManifests(texts, 'working tree'));
    const [, imagesMs] = await time(() => workloadImages(texts));
    const objects = read.manifests.length;
    const us = (ms: number) => Math.round((ms * 1000) / objects);
    const perObject = { read: us(readMs), validate: us(validateMs), 'diff parse': us(diffMs), images: us(imagesMs) };
    if (warmUp) continue;
    rows.push({ factor, objects, perObject });
    console.log(`×${String(factor).padEnd(4)} ${String(objects).padStart(7)} objects in ${String(texts.size).padStart(6)} files   ` +
      Object.entries(perObject).map(([k, v]) => `${k} ${String(v).padStart(5)} µs/object`).join('   ') +
      `   (validate total ${(validateMs / 1000).toFixed(1)} s, load ${loadavg()[0]!.toFixed(1)})`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
if (rows.length > 1) {
  const [first, last] = [rows[0]!, rows[rows.length - 1]!];
  console.log(`per-object cost ×${last.factor} / ×${first.factor}: ` + Object.keys(first.perObject).map((k) => `${k} ${(last.perObject[k]! / Math.max(1, first.perObject[k]!)).toFixed(2)}`).join(', ') + '  (1.0 = linear)');
}
