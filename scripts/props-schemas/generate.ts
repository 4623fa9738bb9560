/**
 * The generator behind scripts/build-props-schemas.ts: finds the props and options parameters of the public API
 * with TypeScript's compiler API and turns their types into JSON Schemas with ts-json-schema-generator, taught one
 * thing it does not do by itself: a class type is "an instance of that class", not the shape of its fields.
 */
import path from 'node:path';
import ts from 'typescript';
import {
  BaseType,
  type CompletedConfig,
  DEFAULT_CONFIG,
  createFormatter,
  createParser,
  type Definition,
  type MutableParser,
  type MutableTypeFormatter,
  SchemaGenerator,
  type SubNodeParser,
  type SubTypeFormatter,
} from 'ts-json-schema-generator';
import type { PropsSchemaFile, PropsSignatureParam } from '../../lib/core/props/props-schemas.js';

/** A value that must be an instance of a class (`class`), or implement an interface with methods (`methods`). */
class InstanceOfType extends BaseType {
  constructor(
    readonly typeName: string,
    readonly packageName: string,
    readonly create: readonly string[],
    readonly methods?: readonly string[],
  ) {
    super();
  }
  getId(): string {
    return `instance-of:${this.packageName}:${this.typeName}`;
  }
}

/** The package a declaration comes from: ours, or the node_modules package that declares it. */
function packageOf(node: ts.Node): string {
  const file = node.getSourceFile().fileName.split(path.sep).join('/');
  const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
  return match ? match[1]! : 'cdk8s-delivery';
}

const isPublic = (member: ts.ClassElement) => !(ts.getCombinedModifierFlags(member as ts.Declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) && !(member.name && ts.isPrivateIdentifier(member.name));
const isStatic = (member: ts.ClassElement) => Boolean(ts.getCombinedModifierFlags(member as ts.Declaration) & ts.ModifierFlags.Static);
const isAbstract = (declaration: ts.ClassDeclaration) => Boolean(ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Abstract);

/** The method names of an object type (an interface a class implements has some; options have none). */
function methodsOf(checker: ts.TypeChecker, type: ts.Type): string[] {
  return checker
    .getPropertiesOfType(type)
    .filter((p) => !(p.flags & ts.SymbolFlags.Optional) && p.declarations?.some((d) => ts.isMethodSignature(d) || ts.isMethodDeclaration(d)))
    .map((p) => p.name)
    .sort();
}

/** True when the class derives from the constructs library's Construct (a construct, not a value). */
function isConstructClass(checker: ts.TypeChecker, declaration: ts.ClassDeclaration): boolean {
  const queue: ts.Type[] = [checker.getDeclaredTypeOfSymbol(checker.getSymbolAtLocation(declaration.name!)!)];
  const seen = new Set<ts.Type>();
  while (queue.length > 0) {
    const t = queue.pop()!;
    if (seen.has(t)) continue;
    seen.add(t);
    if (t.symbol?.name === 'Construct' && packageOf(t.symbol.declarations![0]!) === 'constructs') return true;
    if (t.isClassOrInterface()) queue.push(...(checker.getBaseTypes(t) ?? []));
  }
  return false;
}

/** The public static methods of a class, as makers of what they return. */
function staticFactories(checker: ts.TypeChecker, declaration: ts.ClassDeclaration): Maker[] {
  const out: Maker[] = [];
  for (const m of declaration.members) {
    if (!ts.isMethodDeclaration(m) || !isStatic(m) || !isPublic(m) || !ts.isIdentifier(m.name)) continue;
    const signature = checker.getSignatureFromDeclaration(m);
    if (signature) out.push({ label: `${declaration.name!.text}.${m.name.text}()`, type: checker.getReturnTypeOfSignature(signature) });
  }
  return out;
}

/** One way to make a value, and the type it makes. */
interface Maker {
  readonly label: string;
  readonly type: ts.Type;
}

/**
 * How values are made in the public API, for the "create one with …" of a message: the static factories of the
 * exported classes (`Duration.seconds()`, `Strategy.rolling()`), `new C(scope, id, {…})` for constructs and
 * `new C(…)` for value classes made with new. A type's makers are those whose result is assignable to it.
 */
class Makers {
  private readonly makers: Maker[] = [];

  constructor(private readonly checker: ts.TypeChecker, classes: readonly ts.ClassDeclaration[]) {
    for (const declaration of classes) this.makers.push(...staticFactories(checker, declaration));
    const factories = [...this.makers];
    for (const declaration of classes) {
      const name = declaration.name!.text;
      const ctor = declaration.members.find(ts.isConstructorDeclaration);
      if (isAbstract(declaration) || (ctor && !isPublic(ctor))) continue;
      const instance = checker.getDeclaredTypeOfSymbol(checker.getSymbolAtLocation(declaration.name!)!);
      if (isConstructClass(checker, declaration)) this.makers.push({ label: `new ${name}(scope, id, {…})`, type: instance });
      else if (!factories.some((f) => checker.isTypeAssignableTo(f.type, instance))) this.makers.push({ label: `new ${name}(…)`, type: instance });
    }
  }

  /** How to make a `type` (at most eight ways, in declaration order; factories rather than `new` for values). */
  of(type: ts.Type): string[] {
    const labels = [...new Set(this.makers.filter((m) => !(m.type.flags & ts.TypeFlags.Any) && this.checker.isTypeAssignableTo(m.type, type)).map((m) => m.label))];
    const factories = labels.filter((l) => !l.startsWith('new '));
    return (factories.length > 0 ? labels.filter((l) => !l.startsWith('new ') || l.endsWith('(scope, id, {…})')) : labels).slice(0, 8);
  }

}

/**
 * Class declarations, and interfaces with methods (what a class implements: `IGitOpsTarget`), become
 * {@link InstanceOfType}s, before the generator's own parser would describe their fields.
 */
class InstanceParser implements SubNodeParser {
  constructor(
    private readonly checker: ts.TypeChecker,
    private readonly makers: Makers,
  ) {}

  supportsNode(node: ts.Node): boolean {
    if (ts.isClassDeclaration(node)) return node.name !== undefined;
    if (ts.isInterfaceDeclaration(node)) return methodsOf(this.checker, this.checker.getDeclaredTypeOfSymbol(this.checker.getSymbolAtLocation(node.name)!)).length > 0;
    return false;
  }

  createType(node: ts.Node): BaseType {
    const declaration = node as ts.ClassDeclaration | ts.InterfaceDeclaration;
    const type = this.checker.getDeclaredTypeOfSymbol(this.checker.getSymbolAtLocation(declaration.name!)!);
    const methods = ts.isInterfaceDeclaration(declaration) ? methodsOf(this.checker, type) : undefined;
    let create = this.makers.of(type);
    // A class of another package (cdk8s' Duration): its own static factories.
    if (create.length === 0 && ts.isClassDeclaration(declaration)) create = staticFactories(this.checker, declaration).filter((f) => this.checker.isTypeAssignableTo(f.type, type)).map((f) => f.label);
    return new InstanceOfType(declaration.name!.text, packageOf(declaration), create, methods);
  }
}

class InstanceOfFormatter implements SubTypeFormatter {
  supportsType(type: BaseType): boolean {
    return type instanceof InstanceOfType;
  }
  getDefinition(type: BaseType): Definition {
    const t = type as InstanceOfType;
    if (t.methods) return { instanceOf: { interface: t.typeName, package: t.packageName, methods: [...t.methods], create: [...t.create] } } as Definition;
    return { instanceOf: { class: t.typeName, package: t.packageName, create: [...t.create] } } as Definition;
  }
  getChildren(): BaseType[] {
    return [];
  }
}

/** The classes `entry` exports that this package declares. */
export function exportedClasses(program: ts.Program, entry: string): ts.ClassDeclaration[] {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  if (!source) throw new Error(`cannot read ${entry}`);
  const out: ts.ClassDeclaration[] = [];
  for (const exported of checker.getExportsOfModule(checker.getSymbolAtLocation(source)!)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (!(symbol.flags & ts.SymbolFlags.Class)) continue;
    const declaration = symbol.declarations?.find(ts.isClassDeclaration);
    if (declaration?.name && !declaration.getSourceFile().isDeclarationFile) out.push(declaration);
  }
  return out;
}

/**
 * Whether a parameter's type is a props/options object: data, i.e. an object type that is not a class, array or
 * function and has no methods (`IConstruct` is a construct's interface, not options).
 */
function isOptionsType(checker: ts.TypeChecker, type: ts.Type): boolean {
  const types = type.isUnion() ? type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null))) : [type];
  if (types.length !== 1) return false;
  const t = types[0]!;
  if (t.isIntersection()) return t.types.every((part) => isOptionsType(checker, part));
  if (!(t.flags & ts.TypeFlags.Object)) return false;
  if (checker.isArrayType(t) || checker.isTupleType(t)) return false;
  if (t.getCallSignatures().length > 0 || t.getConstructSignatures().length > 0) return false;
  const symbol = t.aliasSymbol ?? t.symbol;
  if (symbol && symbol.flags & ts.SymbolFlags.Class) return false;
  return methodsOf(checker, t).length === 0;
}

/**
 * True when a method returns an instance of a class of this package, or an interface of it that classes implement (a
 * factory: `Probe.httpGet`, `Gateway#router`, `GitOpsTarget.argoCd`).
 */
function returnsOwnInstance(checker: ts.TypeChecker, method: ts.MethodDeclaration): boolean {
  const signature = checker.getSignatureFromDeclaration(method);
  if (!signature) return false;
  const returned = checker.getReturnTypeOfSignature(signature);
  const types = returned.isUnion() ? returned.types : [returned];
  return types.some((t) => {
    const declaration = t.symbol?.declarations?.[0];
    if (!t.symbol || !declaration || packageOf(declaration) !== 'cdk8s-delivery') return false;
    return Boolean(t.symbol.flags & ts.SymbolFlags.Class) || (Boolean(t.symbol.flags & ts.SymbolFlags.Interface) && methodsOf(checker, t).length > 0);
  });
}

/** A checked parameter, before its schema is generated. */
export interface RootParam {
  readonly signature: string;
  readonly index: number;
  readonly name: string;
  readonly optional: boolean;
  readonly typeNode: ts.TypeNode;
  /** The constructor or method declaring it. */
  readonly declaration: ts.FunctionLikeDeclaration;
}

/**
 * Every options parameter a user passes, in the classes `entry` exports:
 * - constructors of constructs (`new StatelessService(scope, id, props)`);
 * - factories: static or instance methods that return an instance of one of our classes (`Probe.httpGet(path,
 *   options)`, `Autoscaling.horizontal(props)`, `gateway.router(props)`);
 * Value classes are made by their factories (`GitOpsTarget.argoCd(props)`), never with `new` in this API's style:
 * their constructors take what the factories computed.
 * Methods that render or compute (`render(ctx)`, `renderSpec(selector)`) take our own data, not a user's.
 */
export function findSignatures(program: ts.Program, classes: readonly ts.ClassDeclaration[]): RootParam[] {
  const checker = program.getTypeChecker();
  const roots: RootParam[] = [];
  for (const declaration of classes) {
    const className = declaration.name!.text;
    const construct = isConstructClass(checker, declaration);
    for (const member of declaration.members) {
      if (!isPublic(member)) continue;
      let signature: string;
      if (ts.isConstructorDeclaration(member)) {
        if (!construct) continue;
        signature = className;
      } else if (ts.isMethodDeclaration(member) && ts.isIdentifier(member.name) && returnsOwnInstance(checker, member)) {
        signature = `${className}${isStatic(member) ? '.' : '#'}${member.name.text}`;
      } else continue;
      const fn = member as ts.FunctionLikeDeclaration;
      if (!fn.body) continue; // an overload signature: its implementation is checked
      fn.parameters.forEach((param, index) => {
        if (!param.type || !ts.isIdentifier(param.name) || param.dotDotDotToken) return;
        if (!isOptionsType(checker, checker.getTypeFromTypeNode(param.type))) return;
        const type = checker.getTypeFromTypeNode(param.type);
        const acceptsUndefined = type.isUnion() && type.types.some((t) => t.flags & ts.TypeFlags.Undefined);
        roots.push({ signature, index, name: param.name.text, optional: Boolean(param.questionToken || param.initializer) || acceptsUndefined, typeNode: param.type, declaration: fn });
      });
    }
  }
  return roots.sort((a, b) => (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : a.index - b.index));
}

/** JSON Schema keywords whose values are schemas, maps of schemas or lists of schemas. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions']);
const SCHEMA_VALUES = new Set(['items', 'additionalProperties', 'not']);
const SCHEMA_LISTS = new Set(['anyOf', 'allOf', 'oneOf']);

/**
 * The `@default` texts describe behaviour ("two replicas in prod, one elsewhere"), not values: as JSON Schema
 * `default`s an editor would insert them. They are folded into the description.
 */
function foldDefaults(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema;
  const out: Record<string, unknown> = {};
  const input = schema as Record<string, unknown>;
  for (const [key, value] of Object.entries(input)) {
    if (key === 'default') continue;
    if (SCHEMA_MAPS.has(key) && typeof value === 'object' && value !== null) out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, foldDefaults(v)]));
    else if (SCHEMA_VALUES.has(key)) out[key] = foldDefaults(value);
    else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) out[key] = value.map(foldDefaults);
    else out[key] = value;
  }
  if ('default' in input) {
    const text = typeof input.default === 'string' ? input.default : JSON.stringify(input.default);
    out.description = `${typeof out.description === 'string' ? `${out.description} ` : ''}Default: ${text}`;
  }
  return out;
}

/** A definition name ts-json-schema-generator made up for an anonymous type (`def-alias-…`, `def-structure-…`). */
const isAnonymous = (name: string) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name);

/** Replaces references to anonymous definitions by the definitions themselves: the file names only real types. */
function inlineAnonymous(schema: unknown, definitions: Readonly<Record<string, unknown>>, depth = 0): unknown {
  if (Array.isArray(schema)) return schema.map((s) => inlineAnonymous(s, definitions, depth));
  if (typeof schema !== 'object' || schema === null) return schema;
  const input = schema as Record<string, unknown>;
  const ref = typeof input.$ref === 'string' ? input.$ref.replace(/^#\/definitions\//, '') : undefined;
  if (ref !== undefined && isAnonymous(ref)) {
    if (depth > 20) throw new Error(`the anonymous type ${ref} refers to itself: give it a name`);
    const { $ref: _ref, ...rest } = input;
    return { ...(inlineAnonymous(definitions[ref], definitions, depth + 1) as Record<string, unknown>), ...(inlineAnonymous(rest, definitions, depth) as Record<string, unknown>) };
  }
  return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, inlineAnonymous(v, definitions, depth)]));
}

/** The TypeScript program of `entry` (relative to `root`), with the repository's compiler options. */
export function createEntryProgram(root: string, entry: string): ts.Program {
  const configFile = ts.getParsedCommandLineOfConfigFile(path.join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(String(d.messageText)); } })!;
  return ts.createProgram([path.join(root, entry)], { ...configFile.options, noEmit: true });
}

/** Generates the props schema file for the public API of `entry` (relative to `root`). */
export function generatePropsSchemas(root: string, entry: string): PropsSchemaFile {
  const program = createEntryProgram(root, entry);
  const checker = program.getTypeChecker();
  const config: CompletedConfig = { ...DEFAULT_CONFIG, expose: 'export', topRef: true, jsDoc: 'extended', additionalProperties: false, skipTypeCheck: true, functions: 'hide', sortProps: true, encodeRefs: false };
  const classes = exportedClasses(program, path.join(root, entry));
  const makers = new Makers(checker, classes);
  const parser = createParser(program, config, (chain: MutableParser) => chain.addNodeParser(new InstanceParser(checker, makers)));
  const formatter = createFormatter(config, (chain: MutableTypeFormatter) => chain.addTypeFormatter(new InstanceOfFormatter()));
  const generator = new SchemaGenerator(program, parser, formatter, config);

  const definitions: Record<string, unknown> = {};
  const origins = new Map<string, string>();
  const signatures: Record<string, Record<string, PropsSignatureParam>> = {};
  for (const rootParam of findSignatures(program, classes)) {
    let schema: ReturnType<SchemaGenerator['createSchemaFromNodes']>;
    try {
      schema = generator.createSchemaFromNodes([rootParam.typeNode]);
    } catch (error) {
      throw new Error(`${rootParam.signature} parameter ${rootParam.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const { definitions: defs = {}, $schema: _ignored, ...rootSchema } = schema;
    for (const [name, definition] of Object.entries(defs)) {
      const text = JSON.stringify(definition);
      const seen = origins.get(name);
      // Two different types of one name would silently share a definition: a build error instead.
      if (seen !== undefined && seen !== text) throw new Error(`two different types are named ${name}: rename one (${rootParam.signature} parameter ${rootParam.name})`);
      origins.set(name, text);
      definitions[name] = foldDefaults(definition);
    }
    (signatures[rootParam.signature] ??= {})[String(rootParam.index)] = { name: rootParam.name, optional: rootParam.optional, schema: foldDefaults(rootSchema) as Record<string, unknown> };
  }
  const named = Object.entries(definitions).filter(([name]) => !isAnonymous(name));
  for (const [signature, params] of Object.entries(signatures)) {
    for (const [index, param] of Object.entries(params)) params[index] = { ...param, schema: inlineAnonymous(param.schema, definitions) as Record<string, unknown> };
    signatures[signature] = params;
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'cdk8s-delivery/props.json',
    $comment: 'Generated from the TypeScript declarations of cdk8s-delivery by scripts/build-props-schemas.ts. Do not edit.',
    'x-signatures': signatures,
    definitions: Object.fromEntries(named.map(([name, d]) => [name, inlineAnonymous(d, definitions)]).sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0))),
  };
}

