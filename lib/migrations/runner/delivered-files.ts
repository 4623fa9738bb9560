import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as pgQuery from 'libpg-query';
import { sortMigrationNames } from '../checker/sql-file.js';
import { type ApplyMode, type StatementNode, applyModeOf } from './apply-mode.js';

/** A migration file as the Job receives it. */
export interface DeliveredMigration {
  /** The file name: the version recorded in the history table, and the key in the ConfigMap. */
  readonly name: string;
  /** The text, exactly the file's bytes (a ConfigMap value holds UTF-8 text). */
  readonly text: string;
  /** sha256 of the file's bytes, hex: what the history table records. */
  readonly checksum: string;
  readonly mode: ApplyMode;
}

/** sha256 of a text's UTF-8 bytes, hex. */
export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

const MODES = new Map<string, ApplyMode>();
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The migration files of a directory in the order the runner applies them (lexical, like the checker),
 * with their checksums and apply modes. Files that cannot be read as UTF-8 text, or whose SQL does not
 * parse, are the checker's to report (`migration/input` fails the synth): an unreadable file is left out
 * here, SQL that does not parse is planned in a transaction.
 */
export function readDeliveredMigrations(dir: string): DeliveredMigration[] {
  let names: string[];
  try {
    names = sortMigrationNames(readdirSync(dir).map(String));
  } catch {
    return []; // reported by the Migration's migrationsDir check
  }
  const read: { name: string; text: string; checksum: string }[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      if (!statSync(file).isFile()) continue;
      const bytes = readFileSync(file);
      if (bytes.includes(0)) continue;
      read.push({ name, text: UTF8.decode(bytes), checksum: sha256(bytes) });
    } catch {
      continue;
    }
  }
  const unknown = read.filter((f) => !MODES.has(f.checksum));
  const parsed = parseAll(unknown.map((f) => f.text));
  unknown.forEach((f, i) => MODES.set(f.checksum, parsed[i] ? applyModeOf(parsed[i]!) : { inTransaction: true, buildsIndexConcurrently: false }));
  return read.map((f) => ({ ...f, mode: MODES.get(f.checksum)! }));
}

/**
 * Finishes loading the PostgreSQL parser's WebAssembly module, so that Migrations built afterwards parse
 * their files in-process (see {@link parseAll}). runSynth awaits it before building the app.
 */
export async function loadSqlParser(): Promise<void> {
  await pgQuery.loadModule();
}

type Parsed = readonly StatementNode[] | undefined;

function statementsOf(tree: { stmts?: readonly { stmt?: object }[] }): StatementNode[] {
  return (tree.stmts ?? []).map(({ stmt }) => ({ nodeType: Object.keys(stmt ?? {})[0] ?? '', node: (stmt ?? {}) as Record<string, any> }));
}

/**
 * Parses texts with the PostgreSQL parser (libpg-query) synchronously, as a construct must. Its
 * WebAssembly module loads asynchronously when first imported; until it has, the texts are parsed by
 * the same library in a child Node process (once per synth and directory: results are cached by checksum).
 */
function parseAll(texts: readonly string[]): Parsed[] {
  if (texts.length === 0) return [];
  try {
    return texts.map((text) => {
      try {
        return statementsOf(pgQuery.parseSync(text));
      } catch (error) {
        if (/not initialized|loadModule/i.test(String((error as Error)?.message))) throw error;
        return undefined; // a syntax error: the checker reports it with its position
      }
    });
  } catch {
    return parseInChildProcess(texts);
  }
}

/** {@link parseAll} in a child Node process: the same library, loaded there, for a construct built before it loaded here. */
export function parseInChildProcess(texts: readonly string[]): Parsed[] {
  const entry = pathToFileURL(createRequire(import.meta.url).resolve('libpg-query')).href;
  const script = `
    const m = await import(${JSON.stringify(entry)});
    const parse = m.parse ?? m.default.parse;
    const texts = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
    const out = [];
    for (const t of texts) { try { out.push(await parse(t)); } catch { out.push(null); } }
    process.stdout.write(JSON.stringify(out));`;
  const output = execFileSync(process.execPath, ['--input-type=commonjs', '-e', `(async () => {${script}})()`], { input: JSON.stringify(texts), maxBuffer: 1 << 28, stdio: ['pipe', 'pipe', 'inherit'] });
  return (JSON.parse(output.toString('utf8')) as (Parameters<typeof statementsOf>[0] | null)[]).map((tree) => (tree ? statementsOf(tree) : undefined));
}
