import fs from 'node:fs/promises';
import path from 'node:path';
import { MigrationInputError } from '../../migrations/checker/errors.js';
import { readTreeAtRef } from '../../migrations/checker/release-state.js';
import { decodeManifest, listManifestFiles, parseManifestDocuments, readManifestFile } from '../../validation/manifest-files.js';
import { compareText, ReviewObject } from '../manifests.js';

/** Input the diff cannot read (a missing folder, an unknown git ref, a file that is not YAML): exit code 2. */
export class DiffInputError extends Error {
  constructor(public readonly problems: readonly { readonly location: string; readonly message: string }[]) {
    super(problems.map((p) => `${p.location}: ${p.message}`).join('\n'));
    this.name = 'DiffInputError';
  }
}

/** The files Argo CD reads from a directory source (and `validate` reads): `.yaml`, `.yml`, `.json` in any case. */
export const isManifestFile = (p: string): boolean => /\.(ya?ml|json)$/i.test(p);

/**
 * Manifest files under `dir` in the working tree, keyed by path relative to `dir` (with `/`): exactly the
 * files `validate` reads (symbolic links followed, any case of the extension), with its checks (no NUL
 * byte, valid UTF-8, no document over 3 MiB); every problem is an input error.
 */
export async function readManifestsOnDisk(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  try {
    if (!(await fs.stat(dir)).isDirectory()) throw new Error('not a directory');
  } catch (error) {
    throw new DiffInputError([{ location: dir, message: `cannot read the manifests: ${error instanceof Error ? error.message : String(error)}` }]);
  }
  const listed = await listManifestFiles(dir);
  const problems = [...listed.problems];
  const entries = listed.files.map((full) => ({ full, relative: path.relative(dir, full).split(path.sep).join('/') })).sort((a, b) => compareText(a.relative, b.relative));
  for (const { full, relative } of entries) {
    const read = await readManifestFile(full);
    if ('problem' in read) problems.push(read.problem);
    else files.set(relative, read.text);
  }
  if (problems.length > 0) throw new DiffInputError(problems);
  return files;
}

/** Manifest files under `dir` as committed at `ref` (none when the folder did not exist then). */
export async function readManifestsAtRef(ref: string, dir: string): Promise<Map<string, string>> {
  try {
    return await readTreeAtRef(ref, dir, isManifestFile);
  } catch (error) {
    if (error instanceof MigrationInputError) throw new DiffInputError(error.problems);
    throw error;
  }
}

/**
 * Parses manifest files (multi-document YAML or JSON) as `validate` does (lib/validation/manifest-files.ts:
 * the same YAML options, no quadratic duplicate-key check, duplicates and collection keys refused); empty
 * documents are skipped. `label` names the version in errors.
 */
export function parseManifests(files: ReadonlyMap<string, string>, label: string): ReviewObject[] {
  const objects: ReviewObject[] = [];
  const problems: { location: string; message: string }[] = [];
  for (const [file, text] of files) {
    const checked = decodeManifest(`${label}:${file}`, Buffer.from(text, 'utf8'));
    if ('problem' in checked) {
      problems.push(checked.problem);
      continue;
    }
    for (const manifest of parseManifestDocuments(`${label}:${file}`, text, problems)) {
      if (manifest === null || manifest === undefined) continue;
      if (typeof manifest !== 'object' || Array.isArray(manifest)) {
        problems.push({ location: `${label}:${file}`, message: 'holds a document that is not a Kubernetes object' });
        continue;
      }
      objects.push({ path: file, manifest });
    }
  }
  if (problems.length > 0) throw new DiffInputError(problems);
  return objects;
}
