/**
 * CEL validation rules of CRD schemas (`x-kubernetes-validations`), evaluated like the API server does on
 * create: at every schema node the data has, each rule runs with `self` bound to that node; a rule that
 * yields false is a finding with the rule's `message` (or its text). Transition rules (those that read
 * `oldSelf`) do not apply to a create and are skipped. Evaluated with @bufbuild/cel (CEL for ECMAScript)
 * and its strings extension; a rule that uses a Kubernetes CEL library function it lacks (`isURL`,
 * `quantity`, `ip`, `cidr`, `format.*`) cannot be evaluated and is skipped rather than guessed.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { CelEnv } from '@bufbuild/cel';
import type { Finding } from '../finding.js';
import { cachedCelOutcome, cachedCelParse } from './validator-cache.js';

interface CelRule {
  readonly rule: string;
  readonly message?: string;
  readonly fieldPath?: string;
}

type Program = ((bindings: Record<string, unknown>) => unknown) | null;

type CelLibrary = typeof import('@bufbuild/cel') & { readonly env: CelEnv };
let library: CelLibrary | undefined;

/**
 * @bufbuild/cel, loaded when the first rule runs (from its CommonJS build: evaluation is synchronous): `validate` of
 * objects whose schemas have no rules does not load it (issue 25: CLI start).
 */
function cel(): CelLibrary {
  if (!library) {
    const require = createRequire(import.meta.url);
    const lib = require('@bufbuild/cel') as typeof import('@bufbuild/cel');
    const { strings } = require('@bufbuild/cel/ext') as typeof import('@bufbuild/cel/ext');
    library = { ...lib, env: lib.celEnv({ funcs: strings, re2: cachedRe2(require('@bufbuild/re2') as typeof import('@bufbuild/re2')) }) };
  }
  return library;
}

/**
 * The RE2 engine CEL's `matches()` uses (the library's default, @bufbuild/re2), with each pattern compiled once: a
 * CRD's rules match every object against the same few patterns (Gateway API paths), which the default compiled
 * again for every call. A compiled pattern is immutable (`test` makes a matcher per call).
 */
function cachedRe2(re2: typeof import('@bufbuild/re2')): { compile(pattern: string): { test(input: string): boolean } } {
  const compiled = new Map<string, { test(input: string): boolean }>();
  return {
    compile(pattern) {
      let regex = compiled.get(pattern);
      if (regex === undefined) {
        regex = re2.RE2JS.compile(pattern);
        if (compiled.size >= MEMO_LIMIT) compiled.clear();
        compiled.set(pattern, regex);
      }
      return regex;
    },
  };
}

const programs = new Map<string, Program>();

function programOf(rule: string): Program {
  let program = programs.get(rule);
  if (program === undefined) {
    try {
      const { plan, parse, env } = cel();
      // Parsed once per user when the CLI turned the validator cache on (./validator-cache.ts), else here.
      program = plan(env, cachedCelParse(rule, parse)) as (bindings: Record<string, unknown>) => unknown;
    } catch {
      program = null;
    }
    programs.set(rule, program);
  }
  return program;
}

/** JSON data as CEL values: integers as CEL ints (bigint), as the API server decodes integer fields. */
function toCel(value: unknown, schema: any): unknown {
  if (typeof value === 'number') return Number.isInteger(value) && schema?.type !== 'number' ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map((v) => toCel(v, schema?.items));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toCel(v, schema?.properties?.[k] ?? schema?.additionalProperties);
    return out;
  }
  return value;
}

/** Every failing CEL rule of `schema` on `data` (a defaulted custom resource). */
export function celFindings(data: unknown, schema: unknown, location: string): Finding[] {
  const out: Finding[] = [];
  walk(data, schema as any, '', location, out);
  return out;
}

/**
 * The value a finding shows: the rule's `fieldPath` (`.spec.x`, `.items[0]`, `['a.b']`) below the object the rule is
 * on, or that object itself (a rule without fieldPath is about `self`). Truncated by renderValue when printed.
 */
function valueAt(data: unknown, fieldPath: string): unknown {
  let at: unknown = data;
  const steps = fieldPath.match(/\.[^.[]+|\[\d+\]|\['(?:[^'\\]|\\.)*'\]/g) ?? [];
  if (steps.join('') !== fieldPath) return data;
  for (const step of steps) {
    const key = step.startsWith('.') ? step.slice(1) : step.startsWith("['") ? step.slice(2, -2) : Number(step.slice(1, -1));
    if (typeof at !== 'object' || at === null || !(key in at)) return data;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

/**
 * Whether `schema` or a schema below it (properties, items, additionalProperties) carries a rule that applies to a
 * create: the walk skips the data under a schema without one. Computed once per schema node (the compiled CRD schemas
 * live as long as the process), so an object is walked only along the paths that have rules.
 */
function hasRules(schema: any): boolean {
  if (typeof schema !== 'object' || schema === null) return false;
  let known = rulesBelow.get(schema);
  if (known === undefined) {
    rulesBelow.set(schema, false); // a recursive schema: no cycle through this node while it is computed
    known = ownRules(schema).length > 0
      || hasRules(schema.items)
      || (typeof schema.additionalProperties === 'object' && hasRules(schema.additionalProperties))
      || (typeof schema.properties === 'object' && schema.properties !== null && Object.values(schema.properties).some(hasRules));
    rulesBelow.set(schema, known);
  }
  return known;
}
const rulesBelow = new WeakMap<object, boolean>();

/** The rules of a schema node that run on a create (not transition rules, which read `oldSelf`). */
function ownRules(schema: any): CelRule[] {
  let own = rulesOf.get(schema);
  if (own === undefined) {
    const rules: unknown = schema['x-kubernetes-validations'];
    own = Array.isArray(rules) ? rules.filter((r): r is CelRule => typeof r?.rule === 'string' && !/\boldSelf\b/.test(r.rule)) : [];
    rulesOf.set(schema, own);
  }
  return own;
}
const rulesOf = new WeakMap<object, CelRule[]>();

/**
 * The indices of the rules of `schema` (its {@link ownRules}) that `data` fails. A rule is a pure function of the node
 * it is on, so the outcome is remembered per schema node and node content: objects of one kind share many nodes
 * (the same path match, the same parentRefs), each evaluated once. Content that JSON would not tell apart from
 * other content (undefined, NaN, ±Infinity, class instances) is evaluated every time.
 */
function failingRules(data: unknown, schema: any, rules: readonly CelRule[]): readonly number[] {
  const key = exactJson(data, 0) ? JSON.stringify(data) : undefined;
  let memo = key === undefined ? undefined : outcomes.get(schema);
  const known = key === undefined ? undefined : memo?.get(key);
  if (known) return known;
  // The CLI's validate reads the outcome of content it checked before from its cache (without loading CEL).
  const failing = key === undefined
    ? evaluateRules(data, schema, rules)
    : cachedCelOutcome(() => [OUTCOME_CODE(), JSON.stringify(rules.map((r) => r.rule)), schemaHash(schema), key], rules.length, () => evaluateRules(data, schema, rules));
  if (key !== undefined) {
    if (!memo) outcomes.set(schema, (memo = new Map()));
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(key, failing);
  }
  return failing;
}
const outcomes = new WeakMap<object, Map<string, readonly number[]>>();

/** The indices of the rules that `data` fails, evaluated with @bufbuild/cel. */
function evaluateRules(data: unknown, schema: any, rules: readonly CelRule[]): readonly number[] {
  const failing: number[] = [];
  let self: unknown; // the node as a CEL value, converted once for all of its rules
  rules.forEach((r, index) => {
    const program = programOf(r.rule);
    if (!program) return;
    let result: unknown;
    try {
      if (self === undefined) self = toCel(data, schema);
      result = program({ self });
    } catch {
      return;
    }
    if (cel().isCelError(result) || result !== false) return;
    failing.push(index);
  });
  return failing;
}

/** The code that decides an outcome, part of its cache key: a change to how rules are evaluated is a new key. */
let outcomeCode: string | undefined;
const OUTCOME_CODE = (): string => (outcomeCode ??= [evaluateRules, toCel, programOf, cel, cachedRe2].map(String).join('\n'));

/** The SHA-256 of a schema node's JSON (how `toCel` converts numbers depends on its types), once per node. */
function schemaHash(schema: object): string {
  let hash = schemaHashes.get(schema);
  if (hash === undefined) schemaHashes.set(schema, (hash = createHash('sha256').update(JSON.stringify(schema)).digest('hex')));
  return hash;
}
const schemaHashes = new WeakMap<object, string>();
const MEMO_LIMIT = 10_000;

/** Whether `JSON.stringify(data)` tells `data` apart from any other value: JSON types only, finite numbers, plain objects. */
function exactJson(data: unknown, depth: number): boolean {
  switch (typeof data) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(data);
    case 'object': {
      if (data === null) return true;
      if (depth > 64) return false;
      if (Array.isArray(data)) {
        for (const item of data) if (!exactJson(item, depth + 1)) return false;
        return true;
      }
      if (Object.getPrototypeOf(data) !== Object.prototype) return false;
      for (const key in data) if (!exactJson((data as Record<string, unknown>)[key], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}

function walk(data: unknown, schema: any, path: string, location: string, out: Finding[]): void {
  if (typeof schema !== 'object' || schema === null || data === undefined || data === null || !hasRules(schema)) return;
  // `status` is the controller's (the API server validates it on the status subresource only).
  const rules = ownRules(schema);
  for (const index of rules.length === 0 ? [] : failingRules(data, schema, rules)) {
    const r = rules[index]!;
    const field = `${path}${typeof r.fieldPath === 'string' ? r.fieldPath : ''}`.replace(/^\./, '') || '(root)';
    out.push({
      location,
      field,
      value: valueAt(data, typeof r.fieldPath === 'string' ? r.fieldPath : ''),
      rule: 'schema/cel',
      message: `${r.message ?? `fails the validation rule ${r.rule}`} (x-kubernetes-validations rule \`${r.rule}\`): the API server rejects it.`,
      fix: 'change the object so the rule holds (see the CRD\'s documentation of this field)',
    });
  }
  if (Array.isArray(data)) {
    data.forEach((item, i) => walk(item, schema.items, `${path}[${i}]`, location, out));
    return;
  }
  if (typeof data !== 'object') return;
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (path === '' && key === 'status') continue;
    const sub = schema.properties?.[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (sub) walk(value, sub, `${path}.${key}`, location, out);
  }
}
