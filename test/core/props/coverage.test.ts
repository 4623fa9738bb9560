import path from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { type PropsSchemaFile, propsSchemas } from '../../../lib/core/props/props-schemas.js';
import { createEntryProgram, exportedClasses, findSignatures, type RootParam } from '../../../scripts/props-schemas/generate.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/**
 * Exported interfaces named like props or options that are no input of a construct or factory: the options of
 * functions (runSynth, validateManifests, the migration checker…) and what the library computes for itself. A new
 * exported `…Props` or `…Options` interface fails the test below until it is either reachable from a checked
 * signature (and so has a schema and a check) or listed here with the reason.
 */
const NOT_CONSTRUCT_INPUTS: Readonly<Record<string, string>> = {
  EnvironmentProps: 'computed by the Environment factories (users pass EnvironmentOptions)',
  LintMigrationsOptions: 'options of lintMigrations (a function)',
  MarkdownOptions: 'options of formatMarkdown (a function)',
  RunSynthOptions: 'options of runSynth (a function)',
  SchemaValidatorOptions: 'options of SchemaValidator.load (a function, not a value factory)',
  SemanticDiffOptions: 'options of semanticDiff (a function)',
  SynthesizeOptions: 'options of synthesize (a function)',
  ValidateManifestsOptions: 'options of validateManifests (a function)',
};

let program: ts.Program;
let roots: RootParam[];
let schemas: PropsSchemaFile;

beforeAll(() => {
  program = createEntryProgram(ROOT, 'lib/index.ts');
  roots = findSignatures(program, exportedClasses(program, path.join(ROOT, 'lib/index.ts')));
  schemas = propsSchemas();
}, 120_000);

/** The constructor bodies of a class and its bases in this package. */
function constructorChain(checker: ts.TypeChecker, declaration: ts.ClassDeclaration): ts.ConstructorDeclaration[] {
  const out: ts.ConstructorDeclaration[] = [];
  for (let c: ts.ClassDeclaration | undefined = declaration; c && !c.getSourceFile().fileName.includes('node_modules'); ) {
    const ctor = c.members.find(ts.isConstructorDeclaration);
    if (ctor) out.push(ctor);
    const base: ts.ExpressionWithTypeArguments | undefined = c.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
    const symbol: ts.Symbol | undefined = base ? checker.getSymbolAtLocation(base.expression) : undefined;
    const resolved: ts.Symbol | undefined = symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    c = resolved?.declarations?.find(ts.isClassDeclaration);
  }
  return out;
}

describe('props checks cover the public API', () => {
  it('finds the constructs and factories users call, with their props parameters', () => {
    const signatures = new Set(roots.map((r) => r.signature));
    for (const s of ['StatelessService', 'WebFrontend', 'QueueWorker', 'Singleton', 'PostgresCluster', 'Redis', 'Nats', 'OpenSearch', 'CustomDataResource', 'Platform', 'PlatformControllers', 'GatewayClass', 'Gateway', 'Migration', 'Autoscaling.horizontal', 'TrafficRouter.gatewayApi', 'Probe.httpGet', 'Environment.prod', 'Strategy.canary', 'KedaTrigger.natsJetStream', 'ConfigSource.files', 'GitOpsTarget.argoCd', 'GitOpsTarget.flux', 'Gateway#router']) {
      expect(signatures, s).toContain(s);
    }
    // Rendering methods take the library's own data, not a user's.
    expect([...signatures].filter((s) => /#render|#renderSpec|#relocate/.test(s))).toEqual([]);
  });

  it('every signature has a schema in schemas/props.json.gz (regenerated when lib/ changes)', () => {
    for (const r of roots) expect(schemas['x-signatures'][r.signature]?.[String(r.index)]?.name, `${r.signature} parameter ${r.name}`).toBe(r.name);
    expect(Object.keys(schemas['x-signatures']).sort()).toEqual([...new Set(roots.map((r) => r.signature))].sort());
  });

  it('every construct checks its props (in its constructor or a base constructor) and every factory checks its options', () => {
    const checker = program.getTypeChecker();
    const unchecked: string[] = [];
    for (const signature of new Set(roots.map((r) => r.signature))) {
      const declaration = roots.find((r) => r.signature === signature)!.declaration;
      if (ts.isConstructorDeclaration(declaration)) {
        const bodies = constructorChain(checker, declaration.parent as ts.ClassDeclaration).map((c) => c.body?.getText() ?? '');
        if (!bodies.some((b) => /\bcheckProps\(this\b/.test(b))) unchecked.push(signature);
      } else if (!new RegExp(`\\bcheckFactory\\([\\s\\S]*'${signature.replace(/[.#]/g, '\\$&')}'`).test(declaration.body?.getText() ?? '')) {
        unchecked.push(signature);
      }
    }
    expect(unchecked).toEqual([]);
  });

  it('every exported …Props or …Options interface has a schema, or is listed as no construct input', () => {
    const checker = program.getTypeChecker();
    const index = program.getSourceFile(path.join(ROOT, 'lib/index.ts'))!;
    const interfaces = new Map(
      checker
        .getExportsOfModule(checker.getSymbolAtLocation(index)!)
        .map((s) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s))
        .filter((s) => s.flags & ts.SymbolFlags.Interface && /(Props|Options)$/.test(s.name))
        .map((s) => [s.name, s]),
    );
    const exported = [...interfaces.keys()];
    // A definition holds the members of the interfaces it extends (WorkloadProps in StatelessServiceProps).
    const covered = new Set<string>();
    const cover = (name: string) => {
      if (covered.has(name)) return;
      covered.add(name);
      for (const d of interfaces.get(name)?.declarations?.filter(ts.isInterfaceDeclaration) ?? []) {
        for (const h of d.heritageClauses ?? []) for (const t of h.types) t.forEachChild(function visit(n): void {
          if (ts.isIdentifier(n) && /(Props|Options)$/.test(n.text)) cover(n.text);
          n.forEachChild(visit);
        });
      }
    };
    const exportedSet = new Set(exported);
    for (const name of Object.keys(schemas.definitions)) if (exportedSet.has(name)) cover(name);
    expect(exported.filter((name) => !covered.has(name) && !(name in NOT_CONSTRUCT_INPUTS)).sort()).toEqual([]);
    // The list holds no stale entry.
    expect(Object.keys(NOT_CONSTRUCT_INPUTS).filter((name) => covered.has(name) || !exported.includes(name)).sort()).toEqual([]);
  });
});
