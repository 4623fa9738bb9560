import YAML from 'yaml';

/**
 * A fast reader for the plain block style that emitters write (ours, `kubectl get -o yaml`, Helm's output): block
 * mappings and sequences, one-line plain and quoted scalars, literal block scalars (`|`, `|-`), `[]` and `{}`.
 * It is not a second YAML parser with its own semantics: it returns exactly what `validate`'s full parse returns
 * (`yaml`'s `parseAllDocuments` with the options below, then `toJS`) or `undefined` — and then the full parse runs.
 * Anything outside the subset gives `undefined`: anchors, aliases, tags, merge keys, flow collections that are not
 * empty, comments after a value, multi-line plain or quoted scalars, folded and `|+` block scalars, keys that are not
 * plain strings, duplicate keys, tabs outside literal text, control characters, an empty document, deep nesting.
 * So every problem (a parse error, a duplicate key, a kubectl leniency) is still found by the full parse, with its
 * position. Plain scalars are resolved by the `yaml` package's own core-schema tags, as its composer resolves them.
 *
 * Why: the full parse builds a document of nodes with ranges, comments and source tokens for every scalar, about
 * 0.7 ms of CPU per 3 KB manifest, where `validate` needs only the values (issue 25: ≥ 2,000 documents per second
 * per core). test/validation/block-yaml.test.ts compares both readers on every document of the reference dist/, the
 * upstream examples and a corpus of edge cases.
 */

/** The options `validate` parses with (manifest-files.ts): the tags and resolve options of the same schema. */
const DOCUMENT = new YAML.Document(null, { uniqueKeys: false, merge: true });
const SCALAR_TAGS = (DOCUMENT.schema.tags as YAML.ScalarTag[]).filter((tag) => !(tag as { collection?: unknown }).collection && tag.test !== undefined);
const RESOLVE_OPTIONS = DOCUMENT.options as Parameters<NonNullable<YAML.ScalarTag['resolve']>>[2];

/** Nesting deeper than this is left to the full parse (and to its limits). */
const MAX_DEPTH = 64;
/** `yaml` refuses implicit keys over 1024 characters. */
const MAX_KEY = 1000;

/** Characters the full parse refuses or treats specially (control characters, BOM, lone surrogates, CR), outside literal text too. */
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]/;
/** A plain key this reader takes: a string in the core schema (checked below), no spaces or indicators. */
const PLAIN_KEY = /^[A-Za-z0-9_./$][A-Za-z0-9_./$@+~-]*$/;
/** The first character of a plain scalar value this reader takes (no indicator). */
const PLAIN_START = /^(?:[A-Za-z0-9_./~+=$(<^\\]|-[A-Za-z0-9._=/-])/;

const ONLY_SPACES = /^ *$/;

class NotPlainBlock extends Error {}
const bail = (): never => {
  throw new NotPlainBlock();
};

const plainValues = new Map<string, unknown>();
const stringKeys = new Map<string, boolean>();

/** A plain scalar's value, by the first default core-schema tag whose test matches, as `yaml`'s composer does. */
function resolvePlain(source: string): unknown {
  if (plainValues.has(source)) return plainValues.get(source);
  let value: unknown = source;
  for (const tag of SCALAR_TAGS) {
    if (tag.default === true && tag.test!.test(source)) {
      let onErrorCalled = false;
      const res = tag.resolve(source, () => { onErrorCalled = true; }, RESOLVE_OPTIONS);
      if (onErrorCalled) bail();
      value = YAML.isScalar(res) ? res.value : res;
      if (typeof value === 'bigint') bail();
      break;
    }
  }
  if (plainValues.size < 100_000) plainValues.set(source, value);
  return value;
}

/** Whether a plain key is a string (no core-schema tag, key-only ones such as `<<` included, matches it). */
function isStringKey(key: string): boolean {
  let ok = stringKeys.get(key);
  if (ok === undefined) {
    ok = key !== '__proto__' && key.length <= MAX_KEY && PLAIN_KEY.test(key) && !SCALAR_TAGS.some((tag) => (tag.default === true || tag.default === 'key') && tag.test!.test(key));
    if (stringKeys.size < 100_000) stringKeys.set(key, ok);
  }
  return ok;
}

const indentOf = (line: string): number => {
  let i = 0;
  while (line.charCodeAt(i) === 32) i++;
  return i;
};

/** A line with nothing to read: blank, or a whole-line comment. */
const isSkippable = (line: string, indent: number): boolean => indent === line.length || line.charCodeAt(indent) === 35; // '#'

const isSeqItem = (line: string, indent: number): boolean => line.charCodeAt(indent) === 45 && (indent + 1 === line.length || line.charCodeAt(indent + 1) === 32); // '-'

/** Where the key of a `key: value` or `key:` line ends, or -1. */
function keyEnd(line: string, from: number): number {
  const colon = line.indexOf(': ', from);
  if (colon >= 0) return colon;
  return line.endsWith(':') ? line.length - 1 : -1;
}

class Reader {
  /** Index of the first line after the document. */
  constructor(private readonly lines: readonly string[], private readonly end: number) {}

  /** The next line at or after `i` with something to read, or `end`. */
  next(i: number): number {
    while (i < this.end && isSkippable(this.lines[i]!, indentOf(this.lines[i]!))) i++;
    return i;
  }

  structural(i: number): string {
    const line = this.lines[i]!;
    if (line.includes('\t')) bail();
    return line;
  }

  /** A block node whose first line is `i` at `indent`: a sequence or a mapping. */
  block(i: number, indent: number, depth: number): [unknown, number] {
    if (depth > MAX_DEPTH) bail();
    const line = this.structural(i);
    return isSeqItem(line, indent) ? this.seq(i, indent, depth) : this.map(i, indent, indent, depth);
  }

  /** A block mapping at `indent`; its first key starts at column `first` of line `i` (after `- ` in a sequence). */
  map(i: number, indent: number, first: number, depth: number): [Record<string, unknown>, number] {
    const out: Record<string, unknown> = {};
    const keys = new Set<string>();
    let from = first;
    for (;;) {
      const line = this.structural(i);
      const end = keyEnd(line, from);
      if (end < 0) bail();
      const key = line.slice(from, end);
      if (!isStringKey(key) || keys.has(key)) bail();
      keys.add(key);
      let rest = end + 1;
      while (line.charCodeAt(rest) === 32) rest++;
      let value: unknown;
      if (rest === line.length) {
        const j = this.next(i + 1);
        if (j < this.end && indentOf(this.lines[j]!) > indent) [value, i] = this.block(j, indentOf(this.lines[j]!), depth + 1);
        else if (j < this.end && indentOf(this.lines[j]!) === indent && isSeqItem(this.structural(j), indent)) [value, i] = this.seq(j, indent, depth + 1);
        else [value, i] = [null, j];
      } else {
        [value, i] = this.inline(line, rest, i, indent);
      }
      out[key] = value;
      i = this.next(i);
      if (i >= this.end) return [out, i];
      const at = indentOf(this.lines[i]!);
      if (at < indent) return [out, i];
      if (at > indent) bail();
      if (isSeqItem(this.lines[i]!, at)) return [out, i]; // the sequence's next item, when this map is one (else the caller bails)
      from = at;
    }
  }

  /** A block sequence at `indent`, first item on line `i`. */
  seq(i: number, indent: number, depth: number): [unknown[], number] {
    if (depth > MAX_DEPTH) bail();
    const out: unknown[] = [];
    for (;;) {
      const line = this.structural(i);
      let start = indent + 1;
      while (line.charCodeAt(start) === 32) start++;
      let value: unknown;
      if (start >= line.length) {
        const j = this.next(i + 1);
        if (j < this.end && indentOf(this.lines[j]!) > indent) [value, i] = this.block(j, indentOf(this.lines[j]!), depth + 1);
        else [value, i] = [null, j];
      } else if (isSeqItem(line, start)) {
        bail(); // `- - a`
      } else if (keyEnd(line, start) >= 0 && PLAIN_KEY.test(line.slice(start, keyEnd(line, start)))) {
        [value, i] = this.map(i, start, start, depth + 1);
      } else {
        [value, i] = this.inline(line, start, i, indent);
      }
      out.push(value);
      i = this.next(i);
      if (i >= this.end) return [out, i];
      const at = indentOf(this.lines[i]!);
      if (at < indent) return [out, i];
      if (at > indent) bail();
      if (!isSeqItem(this.structural(i), at)) return [out, i]; // a key of the mapping this sequence is the value of
    }
  }

  /** The scalar (or `[]`, `{}`) that starts at column `start` of line `i`; `parent` is the indent of its key or `-`. */
  inline(line: string, start: number, i: number, parent: number): [unknown, number] {
    const c = line.charCodeAt(start);
    if (c === 34) return [doubleQuoted(line, start), i + 1]; // '"'
    if (c === 39) return [singleQuoted(line, start), i + 1]; // "'"
    if (c === 124) return this.literal(line.slice(start), i, parent); // '|'
    let stop = line.length;
    while (line.charCodeAt(stop - 1) === 32) stop--;
    const text = line.slice(start, stop);
    if (text === '[]') return [[], i + 1];
    if (text === '{}') return [{}, i + 1];
    if (!PLAIN_START.test(text) || text.includes(': ') || text.includes(' #') || text.endsWith(':')) bail();
    return [resolvePlain(text), i + 1];
  }

  /** A literal block scalar, `|` (clip) or `|-` (strip), content more indented than `parent`. */
  literal(header: string, i: number, parent: number): [string, number] {
    const strip = header === '|-';
    if (!strip && header !== '|') bail();
    const first = i + 1;
    if (first >= this.end) bail();
    const indent = indentOf(this.lines[first]!);
    if (indent === this.lines[first]!.length || indent <= parent) bail(); // leading blank line, or an empty scalar
    const content: string[] = [];
    let kept = 0;
    let k = first;
    for (; k < this.end; k++) {
      const line = this.lines[k]!;
      const at = indentOf(line);
      if (at === line.length) {
        if (at > indent) bail(); // spaces beyond the indentation on a blank line
        content.push('');
        continue;
      }
      if (at < indent) break;
      content.push(line.slice(indent));
      kept = content.length;
    }
    const text = content.slice(0, kept).join('\n');
    return [strip ? text : `${text}\n`, k];
  }
}

function doubleQuoted(line: string, start: number): string {
  let out = '';
  let i = start + 1;
  for (;;) {
    const quote = line.indexOf('"', i);
    const escape = line.indexOf('\\', i);
    if (quote < 0) bail(); // continues on the next line
    if (escape < 0 || quote < escape) {
      out += line.slice(i, quote);
      i = quote + 1;
      break;
    }
    out += line.slice(i, escape);
    const e = line[escape + 1];
    if (e === '"' || e === '\\' || e === '/') out += e;
    else if (e === 'n') out += '\n';
    else if (e === 't') out += '\t';
    else if (e === 'r') out += '\r';
    else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(line.slice(escape + 2, escape + 6))) {
      const code = Number.parseInt(line.slice(escape + 2, escape + 6), 16);
      if (code >= 0xd800 && code <= 0xdfff) bail();
      out += String.fromCharCode(code);
      i = escape + 6;
      continue;
    } else bail();
    i = escape + 2;
  }
  if (!ONLY_SPACES.test(line.slice(i))) bail();
  return out;
}

function singleQuoted(line: string, start: number): string {
  let out = '';
  let i = start + 1;
  for (;;) {
    const quote = line.indexOf("'", i);
    if (quote < 0) bail();
    out += line.slice(i, quote);
    if (line.charCodeAt(quote + 1) === 39) {
      out += "'";
      i = quote + 2;
      continue;
    }
    i = quote + 1;
    break;
  }
  if (!ONLY_SPACES.test(line.slice(i))) bail();
  return out;
}

/**
 * Every document of `text` as `validate`'s full parse reads it, when all of them are in the plain block subset
 * (each a mapping); otherwise `undefined`.
 */
export function readPlainBlockYaml(text: string): unknown[] | undefined {
  if (!text.endsWith('\n') || UNSAFE.test(text)) return undefined;
  const lines = text.split('\n');
  lines.pop(); // after the final newline
  const documents: unknown[] = [];
  try {
    let start = 0;
    let segment = 0;
    for (let i = 0; i <= lines.length; i++) {
      if (i < lines.length) {
        const line = lines[i]!;
        const c = line.charCodeAt(0);
        if (c === 37) bail(); // '%': a directive
        if ((c === 45 || c === 46) && (line.startsWith('---') || line.startsWith('...'))) {
          if (line !== '---') bail();
        } else continue;
      }
      // Lines start..i are one document; a marker ends it.
      const reader = new Reader(lines, i);
      const first = reader.next(start);
      if (first === i) {
        if (segment > 0 || i === lines.length) bail(); // an empty document (only before the first marker it is none)
      } else {
        if (indentOf(lines[first]!) !== 0) bail();
        const [value, after] = reader.block(first, 0, 0);
        if (reader.next(after) !== i || Array.isArray(value)) bail();
        documents.push(value);
      }
      start = i + 1;
      segment++;
    }
  } catch (error) {
    if (error instanceof NotPlainBlock) return undefined;
    throw error;
  }
  return documents.length > 0 ? documents : undefined;
}
