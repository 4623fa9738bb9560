import fs from 'node:fs';
import path from 'node:path';
import { type ReleaseState } from '../../../lib/migrations/checker/index.js';

/** The reference platform's bitvaultd migration history, one file per release. */
export const BITVAULTD = path.resolve(import.meta.dirname, '../../../apps/bitvault/migrations/bitvaultd');

/** The bitvaultd files by name. */
export function bitvaultdFiles(): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(BITVAULTD).sort().map((f) => [f, fs.readFileSync(path.join(BITVAULTD, f), 'utf8')]));
}

/** A previous release state from file texts (what the committed release holds) and images. */
export function release(files: Readonly<Record<string, string>>, images: Record<string, string> = {}): ReleaseState {
  return { migrations: Object.keys(files).sort(), images, contents: { ...files } };
}
