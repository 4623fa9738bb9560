import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { MigrationInputError } from '../../migrations/checker/errors.js';
import { readTreeAtRef } from '../../migrations/checker/release-state.js';
import { compareText, ReviewObject } from '../manifests.js';

/** Input the diff cannot read (a missing folder, an unknown git ref, a file that is not YAML): exit code 2. */
export class DiffInputError extends Error {
  constructor(public readonly problems: readonly { readonly location: string; readonly message: string }[]) {
    super(problems.map((p) => `${p.location}: ${p.message}`).join('\n'));
    this.name = 'DiffInputError';
  }
}

/** The files Argo CD reads from a directory source: the diff compares exactly those (rollout plans are not manifests). */
export const isManifestFile = (p: string): boolean => /\.(ya?ml|json)$/.test(p);

/** Manifest files under `dir` in the working tree, keyed by path relative to `dir` (with `/`). */
export async function readManifestsOnDisk(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  try {
    if (!(await fs.stat(dir)).isDirectory()) throw new Error('not a directory');
    const entries = (await fs.readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => path.relative(dir, path.join(e.parentPath ?? (e as any).path, e.name)).split(path.sep).join('/'))
      .filter(isManifestFile)
      .sort(compareText);
    for (const entry of entries) files.set(entry, await fs.readFile(path.join(dir, entry), 'utf8'));
  } catch (error) {
    throw new DiffInputError([{ location: dir, message: `cannot read the manifests: ${error instanceof Error ? error.message : String(error)}` }]);
  }
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

/** Parses manifest files (multi-document YAML or JSON); empty documents are skipped. `label` names the version in errors. */
export function parseManifests(files: ReadonlyMap<string, string>, label: string): ReviewObject[] {
  const objects: ReviewObject[] = [];
  const problems: { location: string; message: string }[] = [];
  for (const [file, text] of files) {
    // merge: YAML merge keys as kubectl applies them; uniqueKeys: false, as the library's own check is
    // quadratic in the size of a mapping (validate reports duplicates; the diff shows what parses).
    const documents = YAML.parseAllDocuments(text, { merge: true, uniqueKeys: false });
    for (const document of Array.isArray(documents) ? documents : [documents]) {
      if (document.errors.length > 0) {
        problems.push({ location: `${label}:${file}`, message: `is not valid YAML: ${document.errors[0].message.split('\n')[0]}` });
        continue;
      }
      let manifest: unknown;
      try {
        manifest = document.toJS();
      } catch (error) {
        // An alias without its anchor, too many aliases: a parse error too, only found while resolving.
        problems.push({ location: `${label}:${file}`, message: `is not valid YAML: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}` });
        continue;
      }
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
