/**
 * Turns ajv error objects (from our own CRD validators and from the precompiled kubernetes-models validators)
 * into {@link Finding}s: one finding per real problem, with a `field` path in `a.b[0].c` form.
 */
import type { Finding } from '../finding.js';

/** The subset of ajv's ErrorObject we rely on (kubernetes-models' precompiled validators emit the same shape). */
export interface AjvLikeError {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

/** What a finding needs besides the error itself. */
export interface FindingContext {
  readonly location: string;
  /** e.g. `Rollout (argoproj.io/v1alpha1)`; used in messages and fixes. */
  readonly schemaLabel: string;
  /** The schema the errors' `schemaPath`s point into, when known (to list the fields an object allows). */
  readonly rootSchema?: unknown;
}

export type PathSegment = string | number;

const SIMPLE_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `['spec', 'containers', 0, 'app.kubernetes.io/name']` → `spec.containers[0]["app.kubernetes.io/name"]`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (SIMPLE_KEY.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === '' ? '(root)' : out;
}

/** Decodes a JSON pointer (`/spec/containers/0`) against the data so array indexes become numbers. */
export function pointerToSegments(pointer: string, root: unknown): PathSegment[] {
  if (pointer === '') return [];
  const segments: PathSegment[] = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(key)) {
      const index = Number(key);
      segments.push(index);
      node = node[index];
    } else {
      segments.push(key);
      node = isPlainObject(node) ? node[key] : undefined;
    }
  }
  return segments;
}

export function valueAt(root: unknown, segments: readonly PathSegment[]): unknown {
  let node: unknown = root;
  for (const seg of segments) {
    if (Array.isArray(node) && typeof seg === 'number') node = node[seg];
    else if (isPlainObject(node) && typeof seg === 'string') node = node[seg];
    else return undefined;
  }
  return node;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Edit distance counting an adjacent transposition as one edit (optimal string alignment), for "did you mean". */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest known field name, when it is close enough to be a likely typo. */
export function closestField(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = candidate.toLowerCase() === name.toLowerCase() ? 0 : distance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= (name.length >= 5 ? 2 : 1) ? best : undefined;
}

/** The `schema/unknown-field` finding, shared by the CRD (ajv) and core (client-node walk) paths. */
export function unknownFieldFinding(
  ctx: FindingContext,
  segments: readonly PathSegment[],
  value: unknown,
  known: Iterable<string>,
): Finding {
  const name = String(segments[segments.length - 1]);
  const parent = segments.length > 1 ? formatPath(segments.slice(0, -1)) : 'the top level';
  const hint = closestField(name, known);
  return {
    location: ctx.location,
    field: formatPath(segments),
    value,
    rule: 'schema/unknown-field',
    message: `unknown field "${name}": ${parent} of ${ctx.schemaLabel} has no such field, so the API server would reject it (strict field validation) or drop it.`,
    fix: `Remove the field or check its spelling against the ${ctx.schemaLabel} schema${hint ? ` (did you mean "${hint}"?)` : ''}.`,
  };
}

export function withArticle(word: string): string {
  return /^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`;
}

const FORMAT_HINTS: Record<string, string> = {
  'date-time': 'an RFC 3339 timestamp such as "2024-01-02T15:04:05Z"',
  duration: 'a Go duration such as "30s", "5m" or "1h30m"',
  byte: 'base64-encoded data',
  int32: 'an integer between -2147483648 and 2147483647',
  ipv4: 'an IPv4 address such as "10.0.0.1"',
  ipv6: 'an IPv6 address such as "fd00::1"',
};

/**
 * One finding per problem. Noise removed:
 * - errors inside a failed anyOf/oneOf branch are folded into that anyOf/oneOf finding;
 * - several `type` errors at one path (int-or-string branches, `oneOf` of kubernetes-models' IntOrString) become one
 *   `schema/type` finding, and other keywords at a path whose type is already wrong are dropped;
 * - exact duplicates are dropped.
 */
export function ajvErrorsToFindings(errors: readonly AjvLikeError[], root: unknown, ctx: FindingContext): Finding[] {
  // 1. Fold branch errors into their anyOf/oneOf (our CRD validators keep full schema paths).
  const junctorChildren = new Map<AjvLikeError, AjvLikeError[]>();
  const consumed = new Set<AjvLikeError>();
  for (const error of errors) {
    if (error.keyword !== 'anyOf' && error.keyword !== 'oneOf') continue;
    const prefix = `${error.schemaPath}/`;
    const children = errors.filter((other) => other !== error && other.schemaPath.startsWith(prefix));
    children.forEach((child) => consumed.add(child));
    junctorChildren.set(error, children);
  }
  const remaining = errors.filter((error) => !consumed.has(error));

  // 2. Merge type errors per instance path, dropping everything else at a path whose type is wrong.
  const typesAtPath = new Map<string, Set<string>>();
  for (const error of remaining) {
    if (error.keyword !== 'type') continue;
    const types = typesAtPath.get(error.instancePath) ?? new Set<string>();
    String(error.params.type)
      .split(',')
      .forEach((type) => types.add(type));
    typesAtPath.set(error.instancePath, types);
  }

  // A number outside both `maximum` and its int32/int64 format is one problem: keep the range finding.
  const rangeAtPath = new Set(remaining.filter((e) => /^(exclusiveM|m)(inimum|aximum)$/.test(e.keyword)).map((e) => e.instancePath));

  const findings: Finding[] = [];
  const seen = new Set<string>();
  const push = (finding: Finding) => {
    const key = `${finding.rule}\u0000${finding.field}\u0000${finding.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push(finding);
  };

  for (const error of remaining) {
    const segments = pointerToSegments(error.instancePath, root);
    const value = valueAt(root, segments);
    const types = typesAtPath.get(error.instancePath);
    if (types && error.keyword !== 'type') continue;
    if (error.keyword === 'format' && typeof value === 'number' && rangeAtPath.has(error.instancePath)) continue;
    if (error.keyword === 'type') {
      push(typeFinding(ctx, segments, value, [...types!]));
      continue;
    }
    const finding = keywordFinding(ctx, error, segments, value, junctorChildren.get(error) ?? [], root);
    if (finding) push(finding);
  }
  return findings;
}

function typeFinding(ctx: FindingContext, segments: PathSegment[], value: unknown, types: string[]): Finding {
  const expected = types.join(' or ');
  let fix = `Change the value to ${withArticle(expected)}.`;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) && types.some((t) => t === 'integer' || t === 'number')) {
    fix = `Write the number without quotes: ${value.trim()}.`;
  } else if (types.includes('string') && typeof value === 'number') {
    fix = `Quote the value so it is a string: "${String(value)}".`;
  }
  return {
    location: ctx.location,
    field: formatPath(segments),
    value,
    rule: 'schema/type',
    message: `must be ${withArticle(expected)} but is ${withArticle(jsonType(value))}.`,
    fix,
  };
}

function keywordFinding(
  ctx: FindingContext,
  error: AjvLikeError,
  segments: PathSegment[],
  value: unknown,
  children: readonly AjvLikeError[],
  root: unknown,
): Finding | undefined {
  const p = error.params;
  const base = { location: ctx.location, field: formatPath(segments), value };
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String(p.additionalProperty);
      const parentSchema = schemaAt(ctx.rootSchema, error.schemaPath.split('/').slice(1, -1)) as
        | { properties?: Record<string, unknown> }
        | undefined;
      return unknownFieldFinding(ctx, [...segments, name], valueAt(value, [name]), Object.keys(parentSchema?.properties ?? {}));
    }
    case 'required': {
      const missing = String(p.missingProperty);
      const field = formatPath([...segments, missing]);
      return {
        location: ctx.location,
        field,
        value: undefined,
        rule: 'schema/required',
        message: `required field "${missing}" is missing.`,
        fix: `Add ${field} (see the ${ctx.schemaLabel} schema).`,
      };
    }
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ');
      return { ...base, rule: 'schema/enum', message: `must be one of ${allowed}.`, fix: `Use one of ${allowed}.` };
    }
    case 'const':
      return { ...base, rule: 'schema/const', message: `must be ${JSON.stringify(p.allowedValue)}.`, fix: `Set it to ${JSON.stringify(p.allowedValue)}.` };
    case 'format': {
      const format = String(p.format);
      const hint = FORMAT_HINTS[format];
      return {
        ...base,
        rule: 'schema/format',
        message: `is not a valid ${format}.`,
        fix: hint ? `Use ${hint}.` : `Use a valid ${format} value.`,
      };
    }
    case 'pattern':
      return { ...base, rule: 'schema/pattern', message: `must match the pattern ${String(p.pattern)}.`, fix: `Change the value so it matches ${String(p.pattern)}.` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { ...base, rule: `schema/${error.keyword}`, message: `must be ${String(p.comparison)} ${String(p.limit)}.`, fix: `Use a value ${String(p.comparison)} ${String(p.limit)}.` };
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
    case 'maxProperties': {
      const least = error.keyword.startsWith('min');
      const unit = error.keyword.endsWith('Length') ? 'characters' : error.keyword.endsWith('Items') ? 'items' : 'entries';
      const bound = `${least ? 'at least' : 'at most'} ${String(p.limit)} ${unit}`;
      return { ...base, rule: `schema/${error.keyword}`, message: `must have ${bound}.`, fix: `${least ? 'Add' : 'Remove'} ${unit} so it has ${bound}.` };
    }
    case 'uniqueItems':
    case 'duplicate': {
      const index = typeof p.j === 'number' ? p.j : undefined;
      const field = index === undefined ? segments : [...segments, index];
      return {
        location: ctx.location,
        field: formatPath(field),
        value: valueAt(root, field),
        rule: 'schema/duplicate',
        message: `duplicate list entry${p.keys ? ` (same ${String(p.keys)})` : ''}: a Kubernetes list of type ${p.keys ? 'map' : 'set'} must not repeat ${p.keys ? 'keys' : 'items'}.`,
        fix: 'Remove or merge the duplicate entry.',
      };
    }
    case 'anyOf':
    case 'oneOf': {
      // `not` branches (e.g. "type is not IPAddress") rarely explain anything; prefer the concrete checks that failed.
      const leaves = children.filter((c) => c.keyword !== 'anyOf' && c.keyword !== 'oneOf');
      const informative = leaves.some((c) => c.keyword !== 'not') ? leaves.filter((c) => c.keyword !== 'not') : leaves;
      const reasons = [...new Set(informative.map((c) => describeBriefly(c, root)))];
      const why = reasons.length > 0 ? ` (${reasons.slice(0, 4).join('; ')})` : '';
      return {
        ...base,
        rule: `schema/${error.keyword}`,
        message: `${error.keyword === 'oneOf' ? 'must match exactly one' : 'does not match any'} of the allowed alternatives${why}.`,
        fix: `Change the value so it matches one alternative of the ${ctx.schemaLabel} schema.`,
      };
    }
    case 'not':
      return { ...base, rule: 'schema/not', message: 'matches a combination the schema forbids.', fix: `Check this object against the ${ctx.schemaLabel} schema.` };
    default:
      return {
        ...base,
        rule: `schema/${error.keyword}`,
        message: `fails the "${error.keyword}" check${error.message ? `: ${error.message}` : ''}.`,
        fix: `Check the value against the ${ctx.schemaLabel} schema.`,
      };
  }
}

/** Follows decoded `schemaPath` segments (after `#`) from the root schema. */
function schemaAt(root: unknown, segments: readonly string[]): unknown {
  let node = root;
  for (const raw of segments) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function describeBriefly(error: AjvLikeError, root: unknown): string {
  const where = formatPath(pointerToSegments(error.instancePath, root));
  const p = error.params;
  switch (error.keyword) {
    case 'enum':
      return `${where} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'format':
      return `${where} must be a valid ${String(p.format)}`;
    case 'type':
      return `${where} must be ${withArticle(String(p.type).split(',').join(' or '))}`;
    case 'required':
      return `${formatPath([...pointerToSegments(error.instancePath, root), String(p.missingProperty)])} is required`;
    case 'not':
      return `${where} matches a forbidden value`;
    default:
      return `${where} fails ${error.keyword}`;
  }
}
