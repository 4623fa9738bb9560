/**
 * The one escaping layer of every output format, for every value that comes from input (file names,
 * `metadata.name`, images, folder names, messages of tools and databases). A pull request is written by
 * anyone: what it puts in a value must never become structure in what the tool prints — no forged line
 * in a terminal or CI log, no forged heading, list, HTML comment or link in a review comment.
 *
 * - text: {@link visible} — control characters (C0, DEL, C1), line and paragraph separators and the
 *   Unicode format characters that reorder or hide text (bidirectional overrides, zero-width ones) are
 *   shown as escapes (`\n`, `\x1b`, `\u202e`), so one value is always one piece of one line.
 * - Markdown: {@link mdCode} (a code span sized to the value's longest backtick run), {@link mdText}
 *   (text with every ASCII punctuation character backslash-escaped: no heading, list, emphasis, link,
 *   HTML or entity can start inside it) and {@link mdHtml} (inside the tool's own HTML, entities) — each
 *   on the visible form, so no value can end a line, a paragraph or an HTML block.
 * - JSON: `JSON.stringify` escapes what JSON needs; nothing more is done there.
 */

/** Unicode format characters that reorder or hide text: bidi marks, embeddings, overrides and isolates, zero-width ones, the BOM. */
const FORMAT_CHARACTERS = '\u061c\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb';
// eslint-disable-next-line no-control-regex
const INVISIBLE = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f${FORMAT_CHARACTERS}]`, 'g');
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A value made safe for one line of text: newlines as `\n`, other control characters as `\xNN` (so
 * `ESC[8m`, which conceals what follows in a terminal, prints as `\x1b[8m`), and characters that
 * reorder or hide text as `\uNNNN`. Printable text, non-ASCII letters and emoji included, is unchanged.
 */
export function visible(value: string): string {
  return value.replace(INVISIBLE, (c) => {
    const code = c.charCodeAt(0);
    return NAMED[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}

/**
 * A report of several lines built elsewhere: each line through {@link visible}, the line breaks kept (a
 * terminal escape or a carriage return inside a value cannot hide or overwrite what follows).
 */
export const visibleText = (text: string): string => text.split('\n').map(visible).join('\n');

/** Lines made safe to print: each through {@link visible}. */
export const visibleLines = (lines: readonly string[]): string[] => lines.map(visible);

/**
 * A value as a Markdown code span that shows it as it is, whatever it holds: the fence is one backtick
 * longer than the value's longest run of backticks, padded with a space when the value starts or ends
 * with a backtick or a space (CommonMark strips one space on each side), on the {@link visible} form so
 * no line ending can end the span. An empty value (no code span can be empty) is `(empty)`, outside one.
 */
export function mdCode(value: string): string {
  const shown = visible(value);
  if (shown === '') return '(empty)';
  const longest = Math.max(0, ...(shown.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  // CommonMark strips one space at each end when both are spaces, unless the content is only spaces.
  const pad = /^[` ]|[` ]$/.test(shown) && !/^ +$/.test(shown) ? ' ' : '';
  return `${fence}${pad}${shown}${pad}${fence}`;
}

/**
 * A value as Markdown text inside a line the tool starts (never at the start of a line: a heading's
 * words, a bold name, a field, a note) that reads as the value and is never structure: its
 * {@link visible} form (no line ending, so no new block) with every character that can open inline
 * structure backslash-escaped — code (`` ` ``), emphasis and strikethrough (`*`, `_`, `~`), links and
 * images (`[`, `]`, `!`), raw HTML and autolinks (`<`, `>`), entities (`&`), table cells (`|`), math
 * (`$`), a heading's closing `#`, and the backslash itself. CommonMark allows the escape before any ASCII
 * punctuation; spaces at either end are character references. The rendered text is the value; an
 * empty value is `(empty)`.
 */
export function mdText(value: string): string {
  const shown = visible(value);
  // Nothing at all could leave `****` (a thematic break) or `#### ·`: an empty value says so.
  if (shown === '') return '(empty)';
  // An underscore between two letters or digits can neither open nor close emphasis (snake_case stays as written).
  const word = (c: string | undefined) => c !== undefined && /[A-Za-z0-9]/.test(c);
  const escaped = shown.replace(/[\\`*_~[\]!<>&|$#]/g, (c, at: number) => (c === '_' && word(shown[at - 1]) && word(shown[at + 1]) ? c : `\\${c}`));
  // Spaces at either end as character references: they neither end the tool's emphasis (\`**name**\`) nor get trimmed from a heading.
  return escaped.replace(/^\s+|\s+$/g, (run) => [...run].map((c) => `&#${c.codePointAt(0)};`).join(''));
}

/** A value inside the tool's own HTML (a `<summary>`): its {@link visible} form with HTML's special characters as entities. */
export function mdHtml(value: string): string {
  return visible(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
