import { createHash } from 'node:crypto';
import { diffArrays } from 'diff';

/**
 * Long text values (PromQL queries, scripts) in a review: never shown whole, but as a size and a hash,
 * plus a compact line diff of the text split at its syntax.
 */

/** Text values up to this length (and without a line break) are shown as they are. */
export const LONG_TEXT = 120;

/** Lines of a compact diff beyond which the rest is summarised in one line. */
const MAX_DIFF_LINES = 40;
/** Characters of one diff line beyond which it is shortened. */
const MAX_LINE = 160;
/** Edits beyond which two texts are "different throughout" rather than diffed (bounds the work). */
const MAX_EDITS = 4000;

/** Whether a value is too long to be shown inline. */
export const isLongText = (v: unknown): v is string => typeof v === 'string' && (v.length > LONG_TEXT || v.includes('\n'));

/** A long text as a reviewer can compare it at a glance: `8198 characters, sha256:1a2b3c4d5e6f`. */
export function textSummary(text: string): string {
  return `${text.length} characters, sha256:${createHash('sha256').update(text).digest('hex').slice(0, 12)}`;
}

/**
 * Splits a query (PromQL, or any text with brackets and commas) into short lines at its syntax: after
 * `(`, `{` and `[`, before `)`, `}`, `]` and `,`, and at line breaks; quoted strings (`"`, `'`, backticks)
 * stay whole. A changed number or label matcher then is a changed line of its own, the same wherever it
 * stands in a list (a leading comma, never a trailing one).
 */
export function splitQuery(text: string): string[] {
  const lines: string[] = [];
  let line = '';
  const flush = () => {
    if (line.trim() !== '') lines.push(line.trim());
    line = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      // A string literal, escapes included (backtick strings have none), kept on the current line.
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += c !== '`' && text[j] === '\\' ? 2 : 1;
      line += text.slice(i, j + 1);
      i = j;
    } else if (c === '\n' || c === '\r') {
      flush();
    } else if (c === ')' || c === '}' || c === ']' || c === ',') {
      flush();
      line = c;
    } else {
      line += c;
      if (c === '(' || c === '{' || c === '[') flush();
    }
  }
  flush();
  return lines;
}

const clip = (s: string) => (s.length > MAX_LINE ? `${s.slice(0, MAX_LINE - 1)}…` : s);

/**
 * A compact line diff of two texts split by {@link splitQuery}: each run of removed and added lines is a
 * hunk (`-`/`+` lines under an `@@` header), and a hunk that occurs in several places (the same label
 * matcher in every selector of a query) is shown once, with the number of places. No context lines: the
 * hunks are what changed. At most 40 lines; the rest is summarised.
 */
export function compactLineDiff(before: string, after: string): string[] {
  const parts = diffArrays(splitQuery(before), splitQuery(after), { maxEditLength: MAX_EDITS });
  if (parts === undefined) return ['@@ the texts differ throughout @@'];
  const hunks = new Map<string, { removed: string[]; added: string[]; places: number }>();
  let removed: string[] = [];
  let added: string[] = [];
  const close = () => {
    if (removed.length === 0 && added.length === 0) return;
    const key = JSON.stringify([removed, added]);
    const hunk = hunks.get(key) ?? { removed, added, places: 0 };
    hunk.places++;
    hunks.set(key, hunk);
    removed = [];
    added = [];
  };
  for (const part of parts) {
    if (part.removed) removed.push(...part.value);
    else if (part.added) added.push(...part.value);
    else close();
  }
  close();
  if (hunks.size === 0) return ['@@ only spaces or line breaks differ @@'];
  const lines: string[] = [];
  for (const hunk of hunks.values()) {
    lines.push(hunk.places > 1 ? `@@ ${hunk.places} places @@` : '@@');
    lines.push(...hunk.removed.map((l) => `-${clip(l)}`), ...hunk.added.map((l) => `+${clip(l)}`));
  }
  if (lines.length <= MAX_DIFF_LINES) return lines;
  return [...lines.slice(0, MAX_DIFF_LINES - 1), `@@ … ${lines.length - MAX_DIFF_LINES + 1} more lines @@`];
}
