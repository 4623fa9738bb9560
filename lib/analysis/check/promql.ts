import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { installedPackage } from '../../core/package-version.js';
import { privateSubfolder } from '../../core/private-folder.js';

/**
 * Syntax check of a PromQL query without a Prometheus: the Lezer grammar the Prometheus project
 * publishes for its own UI (@prometheus-io/lezer-promql). It knows the function names and the operator
 * grammar; it does not type-check (e.g. `rate()` of an instant vector) or compile label regexes. Those
 * are checked where a Prometheus exists: the test suite runs every emitted query against a real one
 * (`analysis simulate`). Template placeholders (`{{args.x}}`) stand for a plain word.
 * Returns a message, or undefined when the query parses.
 *
 * With the cache on ({@link usePromqlCache}), a query that parsed is remembered in the user's cache folder and not
 * parsed again (issue 25: loading the parser and parsing the 14 queries of the reference platforms, 60 KB, was ~115 ms
 * of CPU, ~6 % of a cold `npm run synth`); a query with an error is always parsed, so its message is the parser's.
 */
export function promqlSyntaxError(query: string): string | undefined {
  const text = query.replace(/\{\{\s*args\.[A-Za-z0-9_.-]+\s*\}\}/g, 'arg');
  if (text.trim() === '') return 'the query is empty';
  const known = promqlCacheFile(text);
  if (known !== undefined && existsSync(known)) return undefined;
  const tree = promqlParser().parse(text);
  let at: number | undefined;
  tree.iterate({
    enter: (node) => {
      if (at === undefined && node.type.isError) at = node.from;
      return at === undefined;
    },
  });
  if (at === undefined) {
    if (known !== undefined) remember(known);
    return undefined;
  }
  const from = Math.max(0, at - 30);
  return `PromQL syntax error at character ${at}: …${text.slice(from, at)}⟨here⟩${text.slice(at, at + 30)}…`;
}

// ---- the parser, loaded on first use (its CommonJS build, through Node's own require)

const requireLazily = createRequire(import.meta.url);
let parser: typeof import('@prometheus-io/lezer-promql').parser | undefined;

function promqlParser(): typeof import('@prometheus-io/lezer-promql').parser {
  parser ??= (requireLazily('@prometheus-io/lezer-promql') as typeof import('@prometheus-io/lezer-promql')).parser;
  return parser;
}

// ---- the cache of queries that parsed

let cacheDir: string | undefined;
let salt: string | undefined;

/**
 * Turns the cache of parsed queries on for this process, in `<dir>/promql` (`dir`: the validators' cache folder,
 * lib/validation/schema/validator-cache.ts; undefined: off). `runSynth` turns it on. Used only in a folder private to
 * the user: a planted file could hide a syntax error. Each file's name is the SHA-256 of the query and of the
 * versions of the parser and of this check ({@link promqlSyntaxError}'s code), so an upgrade is a new name.
 */
export function usePromqlCache(dir: string | undefined): void {
  cacheDir = privateSubfolder(dir, 'promql');
}

/** The folder the cache uses in this process (undefined: off). */
export function promqlCacheDir(): string | undefined {
  return cacheDir;
}

/** The file that says a query (its placeholders replaced) parsed, in the cache of this process; undefined when the cache is off. */
export function promqlCacheFile(text: string): string | undefined {
  return cacheDir === undefined ? undefined : path.join(cacheDir, `${createHash('sha256').update(cacheSalt()).update('\n').update(text).digest('hex')}.ok`);
}

/** The versions of the parser's packages and the code of the check: what a cached verdict depends on besides the query. */
function cacheSalt(): string {
  if (salt === undefined) {
    const entry = requireLazily.resolve('@prometheus-io/lezer-promql');
    const versions = [entry, createRequire(entry).resolve('@lezer/lr'), createRequire(entry).resolve('@lezer/common')].map((file) => { const pkg = installedPackage(file); return pkg ? `${pkg.name}@${pkg.version}` : file; });
    salt = ['promql v1', ...versions, promqlSyntaxError.toString()].join('\n');
  }
  return salt;
}

/** Marks a query as parsed: an empty file (its name is the verdict). A folder that cannot be written only costs the parse. */
function remember(file: string): void {
  try {
    writeFileSync(file, '');
  } catch {
    // parsed again next time
  }
}
