import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
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
 * the same library in a worker thread (once per synth and directory: results are cached by checksum).
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
    return parseInWorker(texts);
  }
}

/**
 * {@link parseAll} in a worker thread of this process, which loads the same library, while this thread waits for it
 * (`Atomics.wait`): for a construct built before the module loaded here. About 0.1 s, where a child Node process
 * took about 0.5 s to start and load the library.
 */
export function parseInWorker(texts: readonly string[]): Parsed[] {
  const entry = pathToFileURL(createRequire(import.meta.url).resolve('libpg-query')).href;
  const done = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const script = `
    const { workerData } = require('node:worker_threads');
    const { port, done, texts, entry } = workerData;
    const finish = (message) => { port.postMessage(message); Atomics.store(done, 0, 1); Atomics.notify(done, 0); };
    import(entry).then(async (m) => {
      await m.loadModule();
      finish({ trees: texts.map((t) => { try { return m.parseSync(t); } catch { return null; } }) });
    }).catch((error) => finish({ error: String(error && error.stack || error) }));`;
  // No execArgv: the worker needs none of this process's loaders (tsx), only the library.
  const worker = new Worker(script, { eval: true, execArgv: [], stdout: false, stderr: false, workerData: { port: port2, done, texts, entry }, transferList: [port2] });
  try {
    if (Atomics.wait(done, 0, 0, PARSE_TIMEOUT_MS) === 'timed-out') throw new Error(`the PostgreSQL parser did not answer in ${PARSE_TIMEOUT_MS / 1000} s`);
    const reply = receiveMessageOnPort(port1)?.message as { trees?: (Parameters<typeof statementsOf>[0] | null)[]; error?: string } | undefined;
    if (!reply?.trees) throw new Error(`the PostgreSQL parser failed to load: ${reply?.error ?? 'no answer'}`);
    return reply.trees.map((tree) => (tree ? statementsOf(tree) : undefined));
  } finally {
    port1.close();
    void worker.terminate();
  }
}
const PARSE_TIMEOUT_MS = 120_000;
