import { fileURLToPath } from 'node:url';
import { dirname, relative, sep } from 'node:path';
import type { Finding } from '../validation/finding.js';

const LIB = dirname(dirname(fileURLToPath(import.meta.url)));
const DUPLICATE = /^There is already a Construct with name '(.*)' in (\S+)(?: \[(.*)\])?$/s;
const EMPTY = /^Only root constructs may have an empty ID$/;

/**
 * The app's own line that created the construct: the first stack frame outside node_modules and this
 * library (`apps/shop.ts:12:5`), relative to the working directory.
 */
export function callerOf(error: Error): string | undefined {
  for (const line of (error.stack ?? '').split('\n').slice(1)) {
    const match = /\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!match) continue;
    const file = match[1]!.startsWith('file://') ? fileURLToPath(match[1]!) : match[1]!;
    if (file.includes(`${sep}node_modules${sep}`) || file.startsWith(`${LIB}${sep}`) || file.startsWith('node:')) continue;
    return `${relative(process.cwd(), file)}:${match[2]}:${match[3]}`;
  }
  return undefined;
}

/**
 * The constructs library's errors for construct ids (a duplicate id among siblings, an empty id) as
 * findings with a path, a rule and a fix, instead of its raw message; undefined for any other error.
 */
export function constructIdFinding(error: unknown): Finding | undefined {
  if (!(error instanceof Error)) return undefined;
  const duplicate = DUPLICATE.exec(error.message);
  const caller = callerOf(error);
  if (duplicate) {
    const [, id, type, scope] = duplicate;
    // The parent's class name is an implementation detail (and a bundler may rename it, e.g. `_EnvironmentChart`):
    // name the parent by what the user created.
    const parent = !scope ? 'the app' : /EnvironmentChart/.test(type!) ? `environment "${scope}"` : `"${scope}"`;
    // constructs names the parent by its id only: the app's own line is the precise place.
    return {
      location: caller ?? (scope ? `${scope}/${id}` : id!),
      field: 'id',
      value: id,
      rule: 'construct/duplicate-id',
      message: `is already the id of another construct in ${parent}: ids must be unique among siblings, since they make the construct path and the output file names`,
      fix: 'give one of the two constructs another id (e.g. the workload name)',
    };
  }
  if (EMPTY.test(error.message)) {
    return {
      location: caller ?? '(app)',
      field: 'id',
      value: '',
      rule: 'construct/empty-id',
      message: 'a construct was created with an empty id: only the App may have one, every other construct needs an id for its path and its output files',
      fix: 'pass a non-empty id, e.g. new StatelessService(env, \'api\', {...})',
    };
  }
  return undefined;
}
