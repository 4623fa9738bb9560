import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ENTRIES = ['lib/index.ts', 'lib/plugin/validation-plugin.ts'];

/**
 * The public API as the package's declarations show it (what `npm run build` emits into build/types, comments
 * left out), for every file the entry points reach. Committed as api/cdk8s-delivery.api.d.ts: a change to the API
 * shows in review as a change to that file (`npx vitest run test/package/api-report.test.ts -u` accepts it).
 */
function apiReport(): string {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.build.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(String(d.messageText)); } })!;
  const options: ts.CompilerOptions = { ...config.options, declarationMap: false, removeComments: true, outDir: '/api' };
  const program = ts.createProgram(ENTRIES.map((e) => path.join(ROOT, e)), options);
  const emitted = new Map<string, string>();
  // rootDir is the repository (lib/ uses imports/ types, type-only): keep lib/'s declarations, relative to lib/.
  const result = program.emit(undefined, (file, text) => emitted.set(path.relative('/api/lib', file).split(path.sep).join('/'), text), undefined, true);
  const errors = result.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  if (errors.length > 0) throw new Error(errors.join('\n'));
  const reached = new Set<string>();
  const visit = (file: string) => {
    if (reached.has(file) || !emitted.has(file)) return;
    reached.add(file);
    for (const m of emitted.get(file)!.matchAll(/(?:from |import\()['"](\.{1,2}\/[^'"]+)\.js['"]/g)) visit(path.posix.join(path.posix.dirname(file), `${m[1]}.d.ts`));
  };
  for (const entry of ENTRIES) visit(entry.replace(/^lib\//, '').replace(/\.ts$/, '.d.ts'));
  return [...reached].sort().map((file) => `// ---- ${file}\n${emitted.get(file)!.trim()}\n`).join('\n');
}

describe('the public API', () => {
  it('matches the committed API report (api/cdk8s-delivery.api.d.ts)', async () => {
    const report = apiReport();
    expect(report).toContain('// ---- index.d.ts');
    expect(report).toMatch(/export declare function runSynth\(/);
    expect(report).toMatch(/export declare class SchemaValidator/);
    // imports/ is not shipped: its types may be used for checks inside lib/, never in a declaration
    expect(report).not.toMatch(/from ['"][./]*imports\//);
    await expect(report).toMatchFileSnapshot(path.join(ROOT, 'api/cdk8s-delivery.api.d.ts'));
  }, 120_000);
});
