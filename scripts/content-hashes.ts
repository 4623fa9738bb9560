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
  /** The memo file's text as read: when nothing changed, save() does not write it again. */
  private readonly memoText: string | undefined;

  constructor(private readonly memoFile: string) {
    let memo: Record<string, [number, number, number, string]> = {};
    let text: string | undefined;
    try {
      text = readFileSync(memoFile, 'utf8');
      memo = JSON.parse(text) as typeof memo;
    } catch {
      // none yet, or unreadable: every file is read
    }
    this.memo = memo;
    this.memoText = text;
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
    const text = `${JSON.stringify(this.next)}\n`;
    // The common synth: every file as remembered, so the memo is already on disk (two writes and a rename fewer).
    if (text === this.memoText) return;
    try {
      writeFileSync(`${this.memoFile}.tmp`, text);
      renameSync(`${this.memoFile}.tmp`, this.memoFile);
    } catch {
      /* the folder is gone or read-only */
    }
  }
}
