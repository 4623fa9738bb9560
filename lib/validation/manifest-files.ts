import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { lstat, readdir, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { type Manifest, isRecord } from './manifest.js';
import { readPlainBlockYaml } from './block-yaml.js';
import { parseAllDocumentsLikeKubectl } from './yaml-leniency.js';

/**
 * Reading manifests the way the tools that apply them do: every file Argo CD's directory source reads
 * (`.yaml`, `.yml`, `.json`, in any case) below a folder, symbolic links followed (loops reported),
 * every YAML document of each file, `kind: List` (and `*List`) objects unpacked into their items as
 * kubectl and Argo CD do, YAML merge keys (`<<:`) applied as kubectl's YAML 1.1 parser applies them.
 *
 * What the API server would refuse to even decode is input that cannot be checked, reported before
 * parsing: bytes that are not UTF-8, NUL bytes, and documents over the API server's request size limit.
 * Parsing is linear in the input: the YAML library's duplicate-key check compares every key with every
 * other one (a 250 000-key mapping never finished); duplicates are found here with one set per mapping.
 */

/** Where a manifest came from, for machine-readable output. */
export interface ManifestSource {
  /** The file, as given on the command line joined with its path below it. */
  readonly file: string;
  /** 1-based position of the document in the file. */
  readonly document: number;
  /** 0-based index in the `items` of a `kind: List` document, when the object came from one. */
  readonly item?: number;
  /** `Kind/namespace/name`, with `-` for no namespace and `?` for a missing kind or name. */
  readonly object: string;
}

/** One reason input cannot be checked: a path (with `:line:column` when known) and what is wrong. */
export interface InputProblem {
  readonly location: string;
  readonly message: string;
}

/** Manifests read from files, with every problem found on the way. */
export interface ManifestFiles {
  /** Every object, in file order then document order; `location` is `<file>: <Kind>/<namespace>/<name>`. */
  readonly manifests: readonly Manifest[];
  /** The source of each manifest, by location. */
  readonly sources: ReadonlyMap<string, ManifestSource>;
  /** The files read (including those with problems). */
  readonly files: readonly string[];
  /** Every file that could not be read or parsed, with why. Empty when all input was read. */
  readonly problems: readonly InputProblem[];
}

/**
 * The largest request body the API server accepts (k8s.io/apiserver `MaxRequestBodyBytes`, 3 MiB): a
 * YAML document larger than this cannot be applied, so it is refused before it is parsed.
 */
export const MAX_DOCUMENT_BYTES = 3 * 1024 * 1024;

/** The extensions Argo CD's directory source reads as manifests. */
const MANIFEST_FILE = /\.(ya?ml|json)$/i;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A file-system error as one phrase. */
export function describeFsError(error: unknown): string {
  const code = (error as { code?: string })?.code;
  switch (code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES':
    case 'EPERM': return 'permission denied: check its read permission, and the execute (search) permission of every directory on its path';
    case 'EISDIR': return 'is a directory';
    case 'ENOTDIR': return 'a path component is not a directory';
    case 'ELOOP': return 'too many levels of symbolic links (a link loop)';
    default: return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
  }
}

function fileType(info: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

const display = (file: string) => file.split(path.sep).join('/');

/**
 * The manifest files below `dir` (recursively, symbolic links followed), sorted. A link that points
 * nowhere, a loop (a link to a folder being walked), an unreadable folder and a special file with a
 * manifest extension are problems; other special files are ignored, as Argo CD ignores them.
 */
async function filesUnder(dir: string, problems: InputProblem[]): Promise<string[]> {
  const files: string[] = [];
  const walk = async (folder: string, ancestors: ReadonlySet<string>): Promise<void> => {
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      problems.push({ location: display(folder), message: `cannot read the folder: ${describeFsError(error)}` });
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(folder, entry.name);
      let info;
      try {
        info = entry.isSymbolicLink() ? await stat(full) : entry;
      } catch (error) {
        const code = (error as { code?: string }).code;
        const target = await readlink(full).catch(() => '?');
        problems.push({ location: display(full), message: code === 'ENOENT' ? `a symbolic link to ${target}, which does not exist` : `cannot follow the symbolic link to ${target}: ${describeFsError(error)}` });
        continue;
      }
      if (info.isDirectory()) {
        let real: string;
        try {
          real = await realpath(full);
        } catch (error) {
          problems.push({ location: display(full), message: `cannot read the folder: ${describeFsError(error)}` });
          continue;
        }
        if (ancestors.has(real)) {
          problems.push({ location: display(full), message: `a symbolic link loop: it leads back to ${display(real)}, which is being read` });
          continue;
        }
        await walk(full, new Set([...ancestors, real]));
      } else if (MANIFEST_FILE.test(entry.name)) {
        if (info.isFile()) files.push(full);
        else problems.push({ location: display(full), message: `is ${fileType(info)}, not a manifest file` });
      }
    }
  };
  let root: string;
  try {
    root = await realpath(dir);
  } catch (error) {
    problems.push({ location: display(dir), message: describeFsError(error) });
    return [];
  }
  await walk(dir, new Set([root]));
  // Sorted by full path, as before links were followed (`a.yaml` before `a/x.yaml`).
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Reads a regular file without ever blocking on a special one: the type is checked on the open file
 * descriptor (opened non-blocking), so a FIFO swapped in after a check cannot hang the read either.
 * Synchronous: manifests are small, and a read through the thread pool costs more CPU than the read itself
 * (four round trips per file; issue 25 measured 2.5 s of 7 for 22,905 files).
 */
function readRegularFile(file: string): Buffer {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw Object.assign(new Error(`is ${fileType(info)}, not a manifest file`), { code: 'ESPECIAL' });
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** 1-based line and column of a string index (for problems found before parsing). */
function lineColumn(text: string, index: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: index - start + 1 };
}

/** Byte offsets where YAML documents start (`---` at the start of a line), for the size check before parsing. */
function oversizedDocument(bytes: Buffer): { start: number; size: number; index: number } | undefined {
  if (bytes.length <= MAX_DOCUMENT_BYTES) return undefined;
  let start = 0;
  let index = 0;
  const text = bytes.toString('latin1');
  const marker = /^---(?=[ \t\r\n]|$)/gm;
  for (let match = marker.exec(text); ; match = marker.exec(text)) {
    const end = match ? match.index : text.length;
    if (end - start > MAX_DOCUMENT_BYTES) return { start, size: end - start, index };
    if (!match) return undefined;
    if (end > 0) index++;
    start = end;
  }
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Duplicate keys of every mapping, one set per mapping (linear), as the YAML library would report them. */
/**
 * The first key kubectl's parser refuses: a key repeated in one mapping, or a key that is itself a mapping or a
 * sequence (sigs.k8s.io/yaml converts YAML to JSON, whose keys are strings: "unsupported map key"). The second
 * is what an unquoted template such as `{{ args.name }}` becomes.
 */
function refusedKey(doc: YAML.Document, source: string): { node: YAML.Node; message: string } | undefined {
  let found: { node: YAML.Node; message: string } | undefined;
  YAML.visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (YAML.isCollection(pair.key)) {
          const text = (pair.key.range ? source.slice(pair.key.range[0], pair.key.range[1]) : String(pair.key)).replace(/\s+/g, ' ').trim().slice(0, 60);
          found = {
            node: pair.key,
            message: `YAML does not parse like kubectl: the mapping key ${JSON.stringify(text)} is a ${YAML.isMap(pair.key) ? 'mapping' : 'sequence'}, and kubectl's YAML-to-JSON conversion accepts only scalar keys (an unquoted "{{ … }}" template is a mapping; quote it)`,
          };
          return YAML.visit.BREAK;
        }
        const key = YAML.isScalar(pair.key) ? pair.key.value : pair.key;
        if (key === '<<' && YAML.isScalar(pair.key)) continue; // merge keys may repeat
        const id = YAML.isScalar(pair.key) ? `${typeof key}:${String(key)}` : pair.key;
        if (seen.has(id)) {
          found = { node: (YAML.isNode(pair.key) ? pair.key : map) as YAML.Node, message: 'YAML does not parse: Map keys must be unique' };
          return YAML.visit.BREAK;
        }
        seen.add(id);
      }
      return undefined;
    },
  });
  return found;
}

function identity(object: unknown): string {
  const meta = isRecord(object) && isRecord(object.metadata) ? object.metadata : {};
  const kind = isRecord(object) && typeof object.kind === 'string' ? object.kind : '?';
  const namespace = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : '-';
  const name = typeof meta.name === 'string' && meta.name !== '' ? meta.name : '?';
  return `${kind}/${namespace}/${name}`;
}

/** `kind: List` (and any `*List` with an `items` array), as kubectl and Argo CD unpack them. */
function isList(object: unknown): object is { items: unknown[] } {
  return isRecord(object) && typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items);
}

/** The documents of one file's text: YAML (multi-document) or, for `.json`, one JSON value. */
function parseDocuments(file: string, text: string, problems: InputProblem[]): unknown[] {
  const where = display(file);
  if (/\.json$/i.test(file)) {
    try {
      return [JSON.parse(text)];
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const at = /position (\d+)/.exec(message);
      const pos = at ? lineColumn(text, Number(at[1])) : undefined;
      problems.push({ location: pos ? `${where}:${pos.line}:${pos.col}` : where, message: `JSON does not parse: ${message.replace(/ in JSON at position \d+.*$/, '').split('\n')[0]}` });
      return [];
    }
  }
  // Most manifests are in the plain block style emitters write: read without building YAML nodes (exactly the same
  // values, see block-yaml.ts), and everything else, every problem included, by the full parse below.
  const plain = readPlainBlockYaml(text);
  if (plain !== undefined) return plain;
  const out: unknown[] = [];
  // uniqueKeys: false skips the library's quadratic duplicate check; refusedKey() does it linearly.
  // merge: true applies YAML 1.1 merge keys (`<<: *base`), which kubectl's parser (go-yaml) applies.
  for (const doc of parseAllDocumentsLikeKubectl(text, { uniqueKeys: false, merge: true }) as YAML.Document[]) {
    const error = doc.errors[0];
    if (error) {
      const pos = error.linePos?.[0];
      problems.push({ location: pos ? `${where}:${pos.line}:${pos.col}` : where, message: `YAML does not parse: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}` });
      out.push(undefined);
      continue;
    }
    const refused = refusedKey(doc, text);
    if (refused) {
      const pos = refused.node.range ? lineColumn(text, refused.node.range[0]) : undefined;
      problems.push({ location: pos ? `${where}:${pos.line}:${pos.col}` : where, message: refused.message });
      out.push(undefined);
      continue;
    }
    try {
      out.push(doc.toJS());
    } catch (e) {
      problems.push({ location: where, message: `YAML does not parse: ${describeFsError(e)}` });
      out.push(undefined);
    }
  }
  return out;
}

/**
 * The manifest files below a folder exactly as `validate` finds them (`.yaml`, `.yml`, `.json` in any
 * case, symbolic links followed, loops and dangling links reported), sorted. For `diff`, which must read
 * what `validate` reads.
 */
export async function listManifestFiles(dir: string): Promise<{ files: string[]; problems: InputProblem[] }> {
  const problems: InputProblem[] = [];
  const files = await filesUnder(dir, problems);
  return { files, problems };
}

/**
 * One manifest file's text as `validate` reads it: a regular file (never blocking on a special one),
 * without NUL bytes, valid UTF-8, no document over the API server's 3 MiB request limit — or the problem.
 */
export async function readManifestFile(file: string): Promise<{ text: string } | { problem: InputProblem }> {
  let bytes: Buffer;
  try {
    bytes = readRegularFile(file);
  } catch (error) {
    return { problem: { location: display(file), message: (error as { code?: string }).code === 'ESPECIAL' ? (error as Error).message : describeFsError(error) } };
  }
  return decodeManifest(display(file), bytes);
}

/** The checks of {@link readManifestFile} on bytes already read (a file at a git ref). */
export function decodeManifest(where: string, bytes: Buffer): { text: string } | { problem: InputProblem } {
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { problem: { location: where, message: `holds a NUL byte at byte ${nul}: not a text manifest (kubectl's YAML parser rejects control characters)` } };
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return { problem: { location: where, message: 'is not valid UTF-8 text: kubectl and the API server read manifests as UTF-8 (a decoder would silently replace the bytes with U+FFFD)' } };
  }
  const oversized = oversizedDocument(bytes);
  if (oversized) {
    const pos = lineColumn(text, Buffer.from(bytes.subarray(0, oversized.start)).toString('utf8').length);
    return {
      problem: {
        location: `${where}:${pos.line}:${pos.col}`,
        message: `document ${oversized.index + 1} is ${mib(oversized.size)}: the API server refuses requests over ${mib(MAX_DOCUMENT_BYTES)} (and etcd stores at most 1.5 MiB per object), so it was not parsed; split it into smaller objects`,
      },
    };
  }
  return { text };
}

/**
 * The documents of one manifest file's text, parsed as `validate` parses them — kubectl's leniency, merge
 * keys applied, the `yaml` package's quadratic duplicate-key check off and duplicates found by an indexed
 * scan, collection keys refused — with every problem pushed to `problems` (a document that does not
 * parse is `undefined`). Every reader of manifests uses it (diff, lint-migrations --base/--manifests).
 */
export function parseManifestDocuments(file: string, text: string, problems: InputProblem[]): unknown[] {
  return parseDocuments(file, text, problems);
}

/**
 * Reads every manifest file under `target` (a folder, recursively, or one file of any name) and every
 * document of each. Never throws for bad input: every problem is returned with its location, so a
 * caller can report them all (and decide whether to check the rest).
 */
export async function readManifestFiles(target: string): Promise<ManifestFiles> {
  const problems: InputProblem[] = [];
  const manifests: Manifest[] = [];
  const sources = new Map<string, ManifestSource>();
  let info;
  try {
    info = await stat(target);
  } catch (error) {
    const link = await lstat(target).catch(() => undefined);
    const message = link?.isSymbolicLink() && (error as { code?: string }).code === 'ENOENT'
      ? `a symbolic link to ${await readlink(target).catch(() => '?')}, which does not exist`
      : describeFsError(error);
    return { manifests, sources, files: [], problems: [{ location: display(target), message }] };
  }
  let files: string[];
  if (info.isDirectory()) files = await filesUnder(target, problems);
  else if (info.isFile()) files = [target];
  else return { manifests, sources, files: [], problems: [{ location: display(target), message: `is ${fileType(info)}, not a manifest file or folder` }] };

  for (const file of files) {
    const read = await readManifestFile(file);
    if ('problem' in read) {
      problems.push(read.problem);
      continue;
    }
    const text = read.text;
    const documents = parseDocuments(file, text, problems);
    documents.forEach((object, index) => {
      if (object === null || object === undefined) return;
      const add = (value: unknown, item?: number) => {
        const source: ManifestSource = { file: display(file), document: index + 1, ...(item === undefined ? {} : { item }), object: identity(value) };
        let location = `${source.file}: ${source.object}`;
        if (sources.has(location)) location = `${source.file}#${source.document}${item === undefined ? '' : `.items[${item}]`}: ${source.object}`;
        manifests.push({ object: value, location, file: source.file });
        sources.set(location, source);
      };
      if (isList(object)) {
        const unpack = (list: { items: unknown[] }, depth: number) => list.items.forEach((value, item) => {
          if (isList(value) && depth < 8) unpack(value, depth + 1);
          else if (value !== null && value !== undefined) add(value, item);
        });
        unpack(object, 0);
      } else add(object);
    });
  }
  return { manifests, sources, files: files.map(display), problems };
}
