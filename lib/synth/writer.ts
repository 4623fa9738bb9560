import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SynthesizedObject, toYaml } from './synthesizer.js';

/** A text file written with the manifests (e.g. a rollout plan); `path` is relative to the output folder. */
export interface OutputTextFile {
  readonly path: string;
  readonly text: string;
}

/**
 * Writes synthesized objects to `outdir`, one file per object, and the given text files, atomically:
 * everything goes to a sibling temporary folder first, which then replaces `outdir` with two renames. A
 * failure before that point (including a crash) leaves the previous `outdir` exactly as it was.
 */
export function writeAtomically(objects: readonly SynthesizedObject[], outdir: string, textFiles: readonly OutputTextFile[] = []): void {
  const target = resolve(outdir);
  const staging = `${target}.synth-${process.pid}`;
  const previous = `${target}.previous-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    const made = new Set<string>();
    const write = (path: string, text: string) => {
      const file = join(staging, path);
      const dir = dirname(file);
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      writeFileSync(file, text);
    };
    for (const o of objects) write(o.path, toYaml(o.manifest));
    for (const f of textFiles) write(f.path, f.text);
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
