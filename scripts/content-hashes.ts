import { createHash } from 'node:crypto';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';

/** A file's identity on disk: a change of its content changes one of these (an edit, a checkout, a copy). */
type Stat = readonly [size: number, mtimeMs: number, ino: number];

/**
 * SHA-256 of files' contents, each remembered with the file's size, mtime and inode in `memoFile`: a file whose
 * stat is unchanged is not read again (git's index does the same). The up-to-date checks of the generated schemas
 * (scripts/build-schemas.ts, scripts/build-props-schemas.ts) run before every `npm run synth`, and reading the
 * 9 MB of pinned CRDs and every lib/ source to hash them was most of their time. A file modified in the last two
 * seconds is hashed but not remembered: an edit within the same mtime tick and of the same size would otherwise
 * go unseen.
 */
export class ContentHashes {
  private readonly memo: Record<string, [number, number, number, string]>;
  private readonly next: Record<string, [number, number, number, string]> = {};

  constructor(private readonly memoFile: string) {
    let memo: Record<string, [number, number, number, string]> = {};
    try {
      memo = JSON.parse(readFileSync(memoFile, 'utf8')) as typeof memo;
    } catch {
      // none yet, or unreadable: every file is read
    }
    this.memo = memo;
  }

  /** The hex SHA-256 of `file`'s content. */
  public of(file: string): string {
    const s = statSync(file);
    const stat: Stat = [s.size, s.mtimeMs, s.ino];
    const known = this.memo[file];
    if (known && known[0] === stat[0] && known[1] === stat[1] && known[2] === stat[2]) {
      this.next[file] = known;
      return known[3];
    }
    const hash = createHash('sha256').update(readFileSync(file)).digest('hex');
    if (Date.now() - s.mtimeMs > 2000) this.next[file] = [...stat, hash];
    return hash;
  }

  /** Keeps what was hashed (the files of this check only) for the next check; a memo that cannot be written only costs reads. */
  public save(): void {
    try {
      writeFileSync(`${this.memoFile}.tmp`, `${JSON.stringify(this.next)}\n`);
      renameSync(`${this.memoFile}.tmp`, this.memoFile);
    } catch {
      /* the folder is gone or read-only */
    }
  }
}
