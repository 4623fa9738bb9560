/**
 * Strict props at run time. TypeScript rejects a misspelt, missing or mistyped prop at compile time, but a synth
 * run from JavaScript, or by tsx (which strips types without checking them), would silently ignore `autoscalling`
 * and crash on a missing `command`. Every construct and factory of the public API checks its props against the JSON
 * Schemas generated from its TypeScript declarations (schemas/props.json.gz, see props-schemas.ts), with ajv:
 *
 * - an unknown key is `props/unknown`, with the nearest valid key ("did you mean `latencyP99FailAbove`?") or, when
 *   none is near, the valid keys;
 * - a missing required key is `props/required`; a value of the wrong type, or not one of the allowed values, is
 *   `props/type`; a value that must be an instance of a class (a Duration, a Probe, a construct) is checked along
 *   its prototype chain by class name, and the message names the factories that make one;
 * - the keys of a per-environment `environments` map must name environments of the platform (`props/environment`).
 *
 * Factories (`Probe.httpGet(path, options)`, `Autoscaling.horizontal(props)`) have no construct to report to: they
 * attach their problems to the value they return, and the construct that receives the value reports them under the
 * prop that holds it (`readinessProbe.periodSecond`). Constructs report through {@link reportProblem}, so a synth
 * lists every problem at once, with the construct path.
 */
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { createRequire } from 'node:module';
import type { IConstruct } from 'constructs';
import { closestField, formatPath, type PathSegment, pointerToSegments, valueAt } from '../../validation/schema/ajv-findings.js';
import { type Problem, reportProblem } from '../problems.js';
import { type InstanceOfSpec, type PropsSignatureParam, propsSchemas, propsSchemasHash } from './props-schemas.js';
import { cachedPropsVerdict, propsValidatorCache, type PropsValidatorCache } from './validator-cache.js';

/** The outcome of a props check. */
export interface PropsCheck {
  /** Every problem, fields relative to the checked object (`slo.latencyP99FailAbov`). */
  readonly problems: readonly Problem[];
  /**
   * False when a value is missing or of the wrong type: building from such props could only fail, so the caller
   * builds nothing (its problems say why). Unknown keys alone leave the props usable.
   */
  readonly usable: boolean;
}

/** The problems a factory attached to the value it made, and the options objects they came from. */
interface Attached {
  readonly problems: Problem[];
  readonly options: WeakSet<object>;
  usable: boolean;
}

const ATTACHED = new WeakMap<object, Attached>();
const ENVIRONMENT_NAMES = new WeakMap<IConstruct, { readonly platform: string; readonly names: () => readonly string[] }>();
const STRUCTURAL = new Set(['props/required', 'props/type']);

/**
 * Declares the environment names of the constructs below `scope` (the Platform does): the keys of their
 * `environments` override maps are checked against them.
 */
export function declareEnvironmentNames(scope: IConstruct, platform: string, names: () => readonly string[]): void {
  ENVIRONMENT_NAMES.set(scope, { platform, names });
}

/** Options of {@link checkProps}. */
export interface CheckPropsOptions {
  /** Top-level keys that are not props but that the construct reports itself, with a better message. @default none */
  readonly explainedKeys?: readonly string[];
}

/**
 * Checks the props of a construct against the schema of its class's constructor (found by class name along the
 * prototype chain, so a subclass written by a user is checked as its library base) and reports each problem on the
 * construct. Also reports the problems factories attached to values in the props.
 *
 * @returns false when the props cannot be built from (a required value is missing or of the wrong type)
 */
export function checkProps(construct: IConstruct, props: unknown, options: CheckPropsOptions = {}): boolean {
  const signature = constructorSignature(construct);
  if (!signature) return true;
  const result = checkValue(signature, props);
  const explained = new Set(options.explainedKeys ?? []);
  for (const problem of result.problems) if (!(problem.rule === 'props/unknown' && explained.has(problem.field))) reportProblem(construct, problem);
  const keyed = checkEnvironmentKeys(construct, signature, props);
  for (const problem of keyed) reportProblem(construct, problem);
  return result.usable;
}

/**
 * Checks the arguments of a factory (`'Probe.httpGet'`, `[path, options]`) and attaches the problems to the value it
 * made, where the construct receiving the value reports them. Returns `value`.
 */
export function checkFactory<T extends object>(value: T, signature: string, args: readonly unknown[]): T {
  const params = propsSchemas()['x-signatures'][signature];
  if (!params) throw new Error(`no props schema for ${signature}: regenerate schemas/props.json.gz (npm run schemas)`);
  let attached = ATTACHED.get(value);
  for (const [index, param] of Object.entries(params)) {
    const arg = args[Number(index)];
    if (typeof arg === 'object' && arg !== null && attached?.options.has(arg)) continue; // checked by the factory that forwarded it
    const prefix = param.name === 'props' || param.name === 'options' ? '' : param.name;
    const result = checkValue(param, arg, prefix);
    if (result.problems.length === 0) continue;
    if (!attached) {
      attached = { problems: [], options: new WeakSet(), usable: true };
      ATTACHED.set(value, attached);
    }
    attached.problems.push(...result.problems);
    attached.usable &&= result.usable;
    if (typeof arg === 'object' && arg !== null) attached.options.add(arg);
  }
  return value;
}

/** The problems attached to a value by the factory that made it (none for a value made right). */
export function attachedProblems(value: unknown): PropsCheck {
  const attached = typeof value === 'object' && value !== null ? ATTACHED.get(value) : undefined;
  return attached ? { problems: attached.problems, usable: attached.usable } : { problems: [], usable: true };
}

/** The checked parameter of a construct's constructor: its class's, or its nearest library base class's. */
function constructorSignature(construct: IConstruct): PropsSignatureParam | undefined {
  const signatures = propsSchemas()['x-signatures'];
  for (let proto = Object.getPrototypeOf(construct); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const params = Object.hasOwn(proto, 'constructor') ? signatures[(proto.constructor as { name: string }).name] : undefined;
    if (params) return Object.values(params).find((p) => p.name === 'props') ?? Object.values(params)[0];
  }
  return undefined;
}

/** Checks one value against a parameter's schema: ajv's errors, then the problems attached to values inside it. */
function checkValue(param: PropsSignatureParam, value: unknown, prefix = ''): PropsCheck {
  if (value === undefined) {
    if (param.optional) return { problems: [], usable: true };
    return { problems: [{ field: prefix || param.name, value, rule: 'props/required', message: `is required: ${describe(param.schema)}`, fix: `pass ${param.name}` }], usable: false };
  }
  const data = withoutUndefined(value);
  const problems: Problem[] = [];
  // Props that the cached validator passes are valid; any others are checked by ajv's validator, which words the problems.
  if (!verdict(param)?.(data)) {
    const validate = validator(param);
    // Every construct and factory checks its props: the field-naming closure is made only when there is a problem to name.
    if (!validate(data)) problems.push(...toProblems(validate.errors ?? [], data, (segments) => fieldAt(prefix, segments)));
  }
  for (const { segments, attached } of problemValues(data)) {
    for (const p of attached.problems) problems.push({ ...p, field: joinField(fieldAt(prefix, segments), p.field) });
  }
  return { problems, usable: !problems.some((p) => STRUCTURAL.has(p.rule ?? '')) };
}

/** The field of the value at `segments` below a checked value named `prefix` ('' for a construct's props). */
function fieldAt(prefix: string, segments: readonly PathSegment[]): string {
  return joinField(prefix, segments.length === 0 ? '' : formatPath(segments));
}

function joinField(prefix: string, field: string): string {
  if (prefix === '') return field;
  if (field === '') return prefix;
  return field.startsWith('[') ? `${prefix}${field}` : `${prefix}.${field}`;
}

// ---- ajv, once per process; a validator per parameter schema, compiled the first time it is used

let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();
const definitionNames = new Map<unknown, string>();

function compiler(): Ajv {
  if (ajv) return ajv;
  const file = propsSchemas();
  // Compiling is the cost of the check (validating is ~10 ms per reference synth): a referenced definition is compiled
  // once and shared (inlineRefs off), and the generated code is not optimized (half the compile time, measured).
  // ajv is loaded here, not with this module: a synth whose props all pass their cached validators never loads it.
  const { Ajv } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
  ajv = new Ajv({ allErrors: true, verbose: true, strict: false, inlineRefs: false, code: { optimize: false } });
  ajv.addKeyword({ keyword: 'x-signatures' });
  ajv.addKeyword({ keyword: 'instanceOf', schemaType: 'object', errors: false, validate: instanceOfKeyword });
  ajv.addSchema(file);
  for (const [name, definition] of Object.entries(file.definitions)) definitionNames.set(definition, name);
  return ajv;
}

/** The `instanceOf` keyword: an instance of the class (or with the interface's methods), and not an unusable Duration. */
const instanceOfKeyword = (spec: InstanceOfSpec, data: unknown): boolean => isInstance(spec, data) && unusableAmount(spec, data) === undefined;

const validatorOfParam = new WeakMap<PropsSignatureParam, ValidateFunction>();
/** The verdict validators read from a cache, by parameter and by schema text (null: none). */
interface Verdicts {
  readonly ofParam: WeakMap<PropsSignatureParam, ValidateFunction | null>;
  readonly ofText: Map<string, ValidateFunction | null>;
}
const verdictsOfCache = new WeakMap<PropsValidatorCache, Verdicts>();

/**
 * The parameter's schema as compiled: its refs to the file's definitions qualified with the file's id
 * (`#/definitions/X` → `<file id>#/definitions/X`).
 */
function schemaText(param: PropsSignatureParam): string {
  return JSON.stringify(param.schema).replace(/"#\/definitions\//g, `"${propsSchemas().$id}#/definitions/`);
}

/** The cached validator that only says whether props are valid (./validator-cache.ts), or undefined when the cache is off. */
function verdict(param: PropsSignatureParam): ValidateFunction | undefined {
  const cache = propsValidatorCache();
  if (cache === undefined) return undefined;
  let verdicts = verdictsOfCache.get(cache);
  if (verdicts === undefined) {
    verdicts = { ofParam: new WeakMap(), ofText: new Map() };
    verdictsOfCache.set(cache, verdicts);
  }
  let known = verdicts.ofParam.get(param);
  if (known === undefined) {
    const text = schemaText(param);
    known = verdicts.ofText.get(text);
    if (known === undefined) {
      known = cachedPropsVerdict(propsSchemas, propsSchemasHash(), text, instanceOfKeyword) ?? null;
      verdicts.ofText.set(text, known);
    }
    verdicts.ofParam.set(param, known);
  }
  return known ?? undefined;
}

function validator(param: PropsSignatureParam): ValidateFunction {
  // Every construct of a class checks the same parameter object (the props file is loaded once): its validator is
  // looked up by that object, without serializing its schema again.
  const known = validatorOfParam.get(param);
  if (known) return known;
  // Keyed by the schema's text: the factories of one options type (Probe.httpGet, Probe.exec…) share one validator.
  const text = schemaText(param);
  let validate = validators.get(text);
  if (!validate) {
    const schema = JSON.parse(text) as object;
    validate = compiler().compile(schema);
    validators.set(text, validate);
  }
  validatorOfParam.set(param, validate);
  return validate;
}

/** Whether `data` is an instance of the class (by name, along its prototype chain) or has the interface's methods. */
function isInstance(spec: InstanceOfSpec, data: unknown): boolean {
  if (typeof data !== 'object' || data === null || isPlain(data)) return false;
  if (spec.methods) return spec.methods.every((m) => typeof (data as Record<string, unknown>)[m] === 'function');
  for (let proto = Object.getPrototypeOf(data); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    if (Object.hasOwn(proto, 'constructor') && (proto.constructor as { name?: string }).name === spec.class) return true;
  }
  return false;
}

/**
 * A cdk8s `Duration` made of NaN or Infinity (`Duration.seconds(Number(process.env.X))` with X unset): the class is
 * right, but every use of it throws deep in the synth without a construct path. Its amount, as text, or undefined.
 */
function unusableAmount(spec: InstanceOfSpec, data: unknown): string | undefined {
  if (spec.class !== 'Duration') return undefined;
  const { amount, unit } = data as { amount?: unknown; unit?: { label?: unknown } };
  if (typeof amount === 'number' && Number.isFinite(amount) && amount >= 0) return undefined;
  return `${String(amount)} ${typeof unit?.label === 'string' ? unit.label : ''}`.trim();
}

function isPlain(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of plain objects and arrays without keys whose value is undefined (TypeScript allows `{ replicas:
 * undefined }` for an optional prop); class instances are kept as they are.
 */
function withoutUndefined(value: unknown, depth = 0): unknown {
  if (depth > 64 || !hasUndefinedKey(value, depth)) return value; // nothing to drop: the value itself, not a copy
  if (Array.isArray(value)) return value.map((v) => withoutUndefined(v, depth + 1));
  if (!isPlain(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = withoutUndefined(v, depth + 1);
  return out;
}

/** Whether a plain object within `value` (as {@link withoutUndefined} walks it) has a key whose value is undefined. */
function hasUndefinedKey(value: unknown, depth: number): boolean {
  if (depth > 64) return false;
  if (Array.isArray(value)) return value.some((v) => hasUndefinedKey(v, depth + 1));
  if (!isPlain(value)) return false;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const v = value[key];
    if (v === undefined || hasUndefinedKey(v, depth + 1)) return true;
  }
  return false;
}

/**
 * The class instances inside plain data that a factory attached problems to, with where they are, in the order of the
 * data's keys. Every construct's props are walked, and most instances in them (Durations, Probes, Autoscaling) carry
 * no problem: each is looked up as the walk passes it, and the path is copied only for those that do (a copy of the
 * path and a key/value pair per entry for every instance made a tenth of the props check's allocations at N = 300).
 */
function problemValues(data: unknown, segments: PathSegment[] = [], out: { segments: PathSegment[]; attached: Attached }[] = []): { segments: PathSegment[]; attached: Attached }[] {
  if (segments.length > 64) return out;
  // One path, extended and shortened along the walk.
  if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) {
      segments.push(i);
      problemValues(data[i], segments, out);
      segments.pop();
    }
  } else if (isPlain(data)) {
    for (const k of Object.keys(data)) {
      segments.push(k);
      problemValues(data[k], segments, out);
      segments.pop();
    }
  } else if (typeof data === 'object' && data !== null) {
    const attached = ATTACHED.get(data);
    if (attached && attached.problems.length > 0) out.push({ segments: [...segments], attached });
  }
  return out;
}

// ---- ajv errors → problems

function toProblems(errors: readonly ErrorObject[], data: unknown, at: (segments: readonly PathSegment[]) => string): Problem[] {
  // An anyOf that failed reports each branch's errors, then its own: keep one problem for the anyOf, unless the value
  // is an object and exactly one branch takes objects (then that branch's errors say more).
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const inBranch = (e: ErrorObject) => anyOfs.some((a) => a !== e && e.schemaPath.startsWith(`${a.schemaPath}/`) && e.instancePath.startsWith(a.instancePath));
  const problems: Problem[] = [];
  for (const error of errors) {
    if (inBranch(error) && !anyOfs.includes(error)) continue;
    const segments = pointerToSegments(error.instancePath, data);
    const value = valueAt(data, segments);
    const parent = error.parentSchema as Record<string, unknown> | undefined;
    switch (error.keyword) {
      case 'additionalProperties': {
        const key = String(error.params.additionalProperty);
        const known = Object.keys((parent?.properties as Record<string, unknown> | undefined) ?? {});
        const near = closestField(key, known);
        problems.push({
          field: at([...segments, key]),
          value: shown(valueAt(data, [...segments, key])),
          rule: 'props/unknown',
          message: `is not a prop of ${typeLabel(parent, at(segments))}, so it would be silently ignored`,
          fix: near ? `did you mean \`${near}\`?` : known.length > 0 ? `remove it, or use one of: ${known.join(', ')}` : 'remove it',
        });
        break;
      }
      case 'required': {
        const key = String(error.params.missingProperty);
        const schema = (parent?.properties as Record<string, unknown> | undefined)?.[key];
        problems.push({
          field: at([...segments, key]),
          value: undefined,
          rule: 'props/required',
          message: `is required by ${typeLabel(parent, at(segments))}`,
          fix: `set \`${key}\` to ${schema ? describe(schema) : 'a value'}`,
        });
        break;
      }
      case 'enum':
      case 'const': {
        const allowed = (error.keyword === 'enum' ? (error.params.allowedValues as unknown[]) : [error.params.allowedValue]) ?? [];
        const near = typeof value === 'string' ? closestField(value, allowed.filter((a): a is string => typeof a === 'string')) : undefined;
        problems.push({ field: at(segments), value: shown(value), rule: 'props/type', message: `must be ${describe(parent ?? {})}`, fix: near ? `did you mean ${JSON.stringify(near)}?` : `use ${describe(parent ?? {})}` });
        break;
      }
      case 'instanceOf': {
        const spec = (parent?.instanceOf ?? {}) as InstanceOfSpec;
        const amount = isInstance(spec, value) ? unusableAmount(spec, value) : undefined;
        if (amount !== undefined) {
          problems.push({ field: at(segments), value: amount, rule: 'props/type', message: `is a Duration of ${amount}: a duration must be a finite number of at least 0`, fix: 'check the number the Duration is made from (a NaN often comes from Number() of a missing environment variable)' });
          break;
        }
        problems.push({ field: at(segments), value: shown(value), rule: 'props/type', message: `must be ${describe(parent ?? {})}, not ${kindOf(value)}`, fix: spec.create.length > 0 ? `make one with ${spec.create.join(', ')}` : `pass ${describe(parent ?? {})}` });
        break;
      }
      default: {
        const expected = error.keyword === 'type' || error.keyword === 'anyOf' || error.keyword === 'oneOf' ? describe(parent ?? {}) : undefined;
        problems.push({
          field: at(segments),
          value: shown(value),
          rule: 'props/type',
          message: expected ? `must be ${expected}, not ${kindOf(value)}` : String(error.message),
          fix: expected ? `use ${expected}` : 'see the prop\'s documentation',
        });
      }
    }
  }
  return problems;
}

/** `StatelessServiceProps`, or the field when the object's type has no name. */
function typeLabel(schema: unknown, field: string): string {
  const name = definitionNames.get(schema);
  if (name) return name;
  return field === '' ? 'these props' : `\`${field}\``;
}

/** A value for a message: data as it is, a class instance by its class name. */
function shown(value: unknown): unknown {
  if (typeof value === 'function') return `<function ${value.name || 'anonymous'}>`;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || isPlain(value)) return value;
  return `<${(value.constructor as { name?: string } | undefined)?.name ?? 'object'}>`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return isPlain(value) ? 'a plain object' : `a ${(value.constructor as { name?: string } | undefined)?.name ?? 'object'}`;
  if (value === undefined) return 'undefined';
  return `${ARTICLE(typeof value)} (${JSON.stringify(value)})`;
}

const ARTICLE = (word: string) => (/^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`);

/** What a schema accepts, in words: `an array of strings`, `a Duration (Duration.seconds(), …)`, `"a" or "b"`. */
export function describe(schema: unknown, depth = 0): string {
  if (typeof schema !== 'object' || schema === null || depth > 4) return 'a value';
  const s = schema as Record<string, unknown>;
  if (typeof s.$ref === 'string') {
    const name = s.$ref.replace(/^.*#\/definitions\//, '');
    const definition = propsSchemas().definitions[name] as Record<string, unknown> | undefined;
    if (definition && (definition.type === 'object' || definition.properties)) return `an object (${name})`;
    return describe(definition, depth + 1);
  }
  if (s.instanceOf) {
    const spec = s.instanceOf as InstanceOfSpec;
    const what = spec.class ?? spec.interface ?? 'object';
    return spec.create.length > 0 ? `${ARTICLE(what)} (${spec.create.slice(0, 3).join(', ')}${spec.create.length > 3 ? ', …' : ''})` : ARTICLE(what);
  }
  if (Array.isArray(s.enum)) return s.enum.length === 1 ? JSON.stringify(s.enum[0]) : `one of ${s.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if ('const' in s) return JSON.stringify(s.const);
  const union = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(union)) return union.filter((b) => !isNever(b)).map((b) => describe(b, depth + 1)).join(' or ');
  const types = Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === 'string' ? [s.type] : [];
  if (types.length === 0) return 'a value';
  return types
    .map((t) => {
      if (t === 'array') return s.items ? `an array of ${plural(describe(s.items, depth + 1))}` : 'an array';
      if (t === 'object') return s.properties ? 'an object' : s.additionalProperties && typeof s.additionalProperties === 'object' ? `a map of ${plural(describe(s.additionalProperties, depth + 1))}` : 'an object';
      return ARTICLE(t);
    })
    .join(' or ');
}

/** `{"not": {}}` is how an optional `undefined` branch is written. */
const isNever = (schema: unknown) => typeof schema === 'object' && schema !== null && 'not' in schema && Object.keys((schema as { not: object }).not).length === 0;

function plural(phrase: string): string {
  return phrase.replace(/^an? (\w+)/, (_m, word: string) => `${word}s`);
}

// ---- environments maps

/**
 * The keys of a per-environment override map (`environments: { dev: {...} }`, a map by schema, not the
 * Platform's list of environments) must name environments of the platform: a misspelt one would do nothing.
 */
function checkEnvironmentKeys(construct: IConstruct, param: PropsSignatureParam, props: unknown): Problem[] {
  if (!isPlain(props) || !isPlain(props.environments)) return [];
  const schema = resolved(param.schema);
  const property = resolved((schema?.properties as Record<string, unknown> | undefined)?.environments);
  if (!property || property.type !== 'object' || property.properties || typeof property.additionalProperties !== 'object') return [];
  let declared: { readonly platform: string; readonly names: () => readonly string[] } | undefined;
  for (let scope: IConstruct | undefined = construct; scope && !declared; scope = scope.node.scope) declared = ENVIRONMENT_NAMES.get(scope);
  if (!declared) return [];
  const names = declared.names();
  const problems: Problem[] = [];
  for (const key of Object.keys(props.environments)) {
    if (names.includes(key)) continue;
    const near = closestField(key, names);
    problems.push({
      field: `environments.${key}`,
      value: key,
      rule: 'props/environment',
      message: `names no environment of platform "${declared.platform}" (${names.join(', ')}), so its overrides would be silently ignored`,
      fix: near ? `did you mean \`${near}\`?` : `use one of: ${names.join(', ')}`,
    });
  }
  return problems;
}

function resolved(schema: unknown): Record<string, unknown> | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const s = schema as Record<string, unknown>;
  if (typeof s.$ref === 'string') return resolved(propsSchemas().definitions[s.$ref.replace(/^.*#\/definitions\//, '')]);
  return s;
}
