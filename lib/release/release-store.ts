import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { parseRelease, ReleaseFileState } from './release-file.js';
import { ReleaseInputError } from './release-operations.js';

/** Reads and parses a release file; every problem (unreadable, not YAML, a bad field) is a ReleaseInputError. */
export function readReleaseFile(file: string): { state: ReleaseFileState; text: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ReleaseInputError([code === 'ENOENT' ? `does not exist (create it with \`cdk8s-delivery release init --platform <name> --environments <first>,<second>,... --file ${file}\`, or pass --file)` : `cannot be read: ${error instanceof Error ? error.message : String(error)}`]);
  }
  const parsed = parseRelease(text);
  if (!parsed.state) {
    throw new ReleaseInputError(parsed.problems.map((p) => `${p.field}${p.value === undefined ? '' : ` = ${JSON.stringify(p.value)}`}: ${p.message}. Fix: ${p.fix}`));
  }
  return { state: parsed.state, text };
}

/**
 * Replaces `file` with `text` atomically: the text goes to a temporary file beside it (same folder, so the same file
 * system), is flushed, then renamed over the file. A reader (or a crash) sees the old file or the new one, never a
 * part of either; on any error the temporary file is removed and `file` is left as it was. The file keeps its mode.
 */
export function writeReleaseFileAtomically(file: string, text: string): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let mode = 0o644;
  try {
    mode = statSync(file).mode & 0o777;
  } catch {
    // A new file: the default mode.
  }
  try {
    const fd = openSync(temporary, 'wx', mode);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new ReleaseInputError([`cannot be written (left as it was): ${error instanceof Error ? error.message : String(error)}`]);
  }
}
