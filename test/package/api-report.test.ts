import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ENTRIES = ['lib/index.ts', 'lib/plugin/validation-plugin.ts'];

interface PublicApi {
  /** Per entry point: each exported name with the declaration text the package's .d.ts files give it. */
  readonly report: string;
  /** `Exported → Referenced`: a public signature naming a lib/ type the entry points do not export. */
  readonly forgotten: string[];
  readonly names: Set<string>;
}

/**
 * The public API as users of the package see it: the names the entry points export (nothing else of the files they
 * reach), each with its declaration as `npm run build` emits it into build/types (comments left out). Committed as
 * api/cdk8s-delivery.api.d.ts: a change to the API shows in review as a change to that file
 * (`npx vitest run test/package/api-report.test.ts -u` accepts it).
 */
function publicApi(): PublicApi {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.build.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(String(d.messageText)); } })!;
  const options: ts.CompilerOptions = { ...config.options, declarationMap: false, removeComments: true, outDir: '/api' };
  const program = ts.createProgram(ENTRIES.map((e) => path.join(ROOT, e)), options);
  const checker = program.getTypeChecker();
  const emitted = new Map<string, ts.SourceFile>();
  const result = program.emit(undefined, (file, text) => emitted.set(path.resolve(ROOT, path.relative('/api', file)), ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)), undefined, true);
  const errors = result.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  if (errors.length > 0) throw new Error(errors.join('\n'));
  const printer = ts.createPrinter({ removeComments: true });
  const resolve = (s: ts.Symbol) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);

  const exported = new Map<ts.Symbol, string>();
  const sections: string[] = [];
  for (const entry of ENTRIES) {
    const source = program.getSourceFile(path.join(ROOT, entry))!;
    const symbols = checker.getExportsOfModule(checker.getSymbolAtLocation(source)!);
    const lines: string[] = [];
    for (const symbol of symbols) {
      const target = resolve(symbol);
      exported.set(target, symbol.name);
      for (const declaration of target.declarations ?? []) {
        const dts = emitted.get(declaration.getSourceFile().fileName.replace(/\.ts$/, '.d.ts'));
        const statements = (dts?.statements ?? []).filter((s) => declares(s, target.name));
        lines.push(...statements.map((s) => printer.printNode(ts.EmitHint.Unspecified, s, dts!).replace(/^export (declare )?/, (m) => (symbol.name === target.name ? m : `${m}/* as ${symbol.name} */ `))));
      }
    }
    sections.push(`// ---- ${entry.replace(/^lib\//, '').replace(/\.ts$/, '.d.ts')}\n${[...new Set(lines)].join('\n')}\n`);
  }

  // Every lib/ type a public declaration names (outside private members) must itself be public.
  const forgotten = new Set<string>();
  for (const [target, name] of exported) {
    for (const declaration of target.declarations ?? []) {
      const visit = (node: ts.Node): void => {
        if (ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword)) return;
        if (ts.isBlock(node) || ts.isPropertyDeclaration(node) && node.type === undefined) return; // bodies and initialisers are not API
        if ((ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node) || ts.isTypeQueryNode(node))) {
          const at = ts.isTypeReferenceNode(node) ? node.typeName : ts.isTypeQueryNode(node) ? node.exprName : node.expression;
          const symbol = checker.getSymbolAtLocation(ts.isQualifiedName(at) ? at.left : at);
          const referenced = symbol && resolve(symbol);
          const file = referenced?.declarations?.[0]?.getSourceFile().fileName ?? '';
          if (referenced && file.startsWith(path.join(ROOT, 'lib') + path.sep) && !exported.has(referenced) && !ts.isTypeParameterDeclaration(referenced.declarations![0]!)) {
            forgotten.add(`${name} → ${referenced.name} (${path.relative(ROOT, file)})`);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(declaration);
    }
  }
  return { report: sections.join('\n'), forgotten: [...forgotten].sort(), names: new Set(exported.values()) };
}

function declares(statement: ts.Statement, name: string): boolean {
  if (ts.isVariableStatement(statement)) return statement.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name);
  const named = statement as ts.Statement & { name?: ts.Identifier };
  return (ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement) || ts.isFunctionDeclaration(statement) || ts.isModuleDeclaration(statement)) && named.name?.text === name;
}

let api: PublicApi;
describe('the public API', () => {
  it('matches the committed API report (api/cdk8s-delivery.api.d.ts)', async () => {
    api = publicApi();
    expect(api.report).toContain('// ---- index.d.ts');
    expect(api.report).toMatch(/export declare function runSynth\(/);
    expect(api.report).toMatch(/export declare class SchemaValidator/);
    // imports/ is not shipped: its types may be used for checks inside lib/, never in a declaration
    expect(api.report).not.toMatch(/from ['"][./]*imports\//);
    await expect(api.report).toMatchFileSnapshot(path.join(ROOT, 'api/cdk8s-delivery.api.d.ts'));
  }, 120_000);

  it('names no type in a public signature that users cannot import (issue 20)', () => {
    api ??= publicApi();
    expect(api.forgotten).toEqual([]);
  }, 120_000);

  it('exports every class, enum and function a user may need as a value, not only as a type', () => {
    const source = ts.createSourceFile('index.ts', ts.sys.readFile(path.join(ROOT, 'lib/index.ts'))!, ts.ScriptTarget.Latest, true);
    const program = ts.createProgram([path.join(ROOT, 'lib/index.ts')], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true });
    const checker = program.getTypeChecker();
    const typeOnlyValues: string[] = [];
    for (const statement of source.statements) {
      if (!ts.isExportDeclaration(statement) || !statement.exportClause || !ts.isNamedExports(statement.exportClause)) continue;
      for (const element of statement.exportClause.elements) {
        if (!element.isTypeOnly) continue;
        const real = program.getSourceFile(path.join(ROOT, 'lib/index.ts'))!;
        const symbol = checker.getExportsOfModule(checker.getSymbolAtLocation(real)!).find((s) => s.name === element.name.text);
        const target = symbol && (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);
        if (target && target.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Enum | ts.SymbolFlags.Function | ts.SymbolFlags.Variable)) typeOnlyValues.push(element.name.text);
      }
    }
    expect(typeOnlyValues).toEqual([]);
  }, 120_000);

  it('leaves internal helpers out (issue 20: ~30 helpers were public)', () => {
    api ??= publicApi();
    for (const internal of ['SliQueries', 'leRegex', 'deepMerge', 'syncAnnotations', 'checkSurge', 'isZero', 'renderResources', 'outputFolderOf', 'unitsOf', 'conditions', 'normalQuantile', 'toYaml']) expect(api.names.has(internal), internal).toBe(false);
    for (const needed of ['Platform', 'StatelessService', 'runSynth', 'SchemaValidator', 'lintMigrations', 'semanticDiff', 'formatMarkdown', 'DeliveryValidation']) expect(api.names.has(needed), needed).toBe(true);
  }, 120_000);
});
