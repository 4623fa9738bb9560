import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SynthesizedObject, toYaml } from './synthesizer.js';

/**
 * Writes synthesized objects to `outdir`, one file per object, atomically: everything goes to a sibling
 * temporary folder first, which then replaces `outdir` with two renames. A failure before that point
 * (including a crash) leaves the previous `outdir` exactly as it was.
 */
export function writeAtomically(objects: readonly SynthesizedObject[], outdir: string): void {
  const target = resolve(outdir);
  const staging = `${target}.synth-${process.pid}`;
  const previous = `${target}.previous-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    const made = new Set<string>();
    for (const o of objects) {
      const file = join(staging, o.path);
      const dir = dirname(file);
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      writeFileSync(file, toYaml(o.manifest));
    }
    mkdirSync(staging, { recursive: true });
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  const hadPrevious = existsSync(target);
  if (hadPrevious) renameSync(target, previous);
  renameSync(staging, target);
  if (hadPrevious) rmSync(previous, { recursive: true, force: true });
}
