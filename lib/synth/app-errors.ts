/**
 * A preload for the app's process (`tsx --import cdk8s-delivery/app-errors apps/main.ts`, what `init` writes): a
 * syntax error in the app's TypeScript stops it before any of this library runs, and tsx then prints esbuild's
 * "Transform failed" with a stack trace of esbuild's internals. This prints one block instead — where (file:line:
 * column, relative to the working directory), what, that the app did not run and the output is untouched — and
 * exits 1. Any other uncaught error is printed as Node prints it (with its stack) and also exits 1.
 *
 * It also turns on the props validators' cache for the app's process, as `runSynth` does (lib/core/props/validator-cache.ts):
 * an app checks props while its modules load, before it calls runSynth (`Release.fromFile` at the top of a module).
 */
import path from 'node:path';
import { inspect } from 'node:util';
import { usePropsValidatorCache } from '../core/props/validator-cache.js';
import { defaultValidatorCacheDir } from '../validation/schema/validator-cache.js';

/** An esbuild message, as a TransformError carries it. */
interface EsbuildMessage {
  readonly text?: string;
  readonly location?: { readonly file?: string; readonly line?: number; readonly column?: number; readonly lineText?: string } | null;
}

/** The one-block report of an esbuild transform error, or undefined for any other error. */
export function describeTransformError(error: unknown, cwd = process.cwd()): string | undefined {
  if (!(error instanceof Error) || !/Transform failed/.test(error.message)) return undefined;
  const messages = (error as Error & { errors?: EsbuildMessage[] }).errors;
  const lines = Array.isArray(messages) && messages.length > 0
    ? messages.map((m) => {
      const at = m.location?.file ? `${path.relative(cwd, m.location.file) || m.location.file}:${m.location.line ?? '?'}:${(m.location.column ?? 0) + 1}` : '(unknown location)';
      const source = m.location?.lineText ? `\n      ${m.location.lineText.trim()}` : '';
      return `  - ${at}: ${m.text ?? 'syntax error'}${source}`;
    })
    : error.message.split('\n').slice(1).filter((l) => l.trim() !== '').map((l) => {
      // `<file>:<line>:<column>: ERROR: <text>`, the column 0-based as esbuild counts: 1-based as editors do.
      const m = /^(.*):(\d+):(\d+): ERROR: (.*)$/.exec(l);
      return m ? `  - ${path.relative(cwd, m[1]!) || m[1]}:${m[2]}:${Number(m[3]) + 1}: ${m[4]}` : `  - ${l}`;
    });
  const count = lines.length === 1 ? 'a syntax error' : `${lines.length} syntax errors`;
  return `synth failed: the app has ${count}, so it did not run and its output was left unchanged:\n${lines.join('\n')}\nFix the TypeScript above (\`npx tsc --noEmit\` lists every type error too).`;
}

process.on('uncaughtException', (error) => {
  const report = describeTransformError(error);
  process.stderr.write(`${report ?? inspect(error)}\n`);
  process.exit(1);
});

usePropsValidatorCache(defaultValidatorCacheDir());
