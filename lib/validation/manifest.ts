import { type Finding } from './finding.js';

/**
 * One Kubernetes object as parsed from YAML, plus where it came from.
 *
 * `location` is copied verbatim into every finding about this object (for example
 * `out/web.yaml: Rollout/shop/web`), so a reader can jump straight to it.
 */
export interface Manifest {
  readonly object: any;
  readonly location: string;
  /**
   * The file the object was read from (its path as the GitOps tree names folders: below the folder validated, or
   * below the synth's output folder). @default the part of `location` before `: `
   */
  readonly file?: string;
}

/** Appends findings for one object; keeps the rule code free of `location` plumbing. */
export class FindingSink {
  readonly findings: Finding[] = [];

  constructor(private readonly location: string) {}

  add(field: string, value: unknown, rule: string, message: string, fix: string): void {
    this.findings.push({ location: this.location, field, value, rule, message, fix });
  }
}

/** True when `object` has this kind and its apiVersion belongs to `group` ('' for the core group). */
export function isKind(object: any, group: string, kind: string): boolean {
  if (!isRecord(object) || object.kind !== kind || typeof object.apiVersion !== 'string') return false;
  const apiGroup = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
  return apiGroup === group;
}

/** `metadata.name`, or '' when missing. */
export function nameOf(object: any): string {
  return typeof object?.metadata?.name === 'string' ? object.metadata.name : '';
}

/** `metadata.namespace`, or undefined when the manifest leaves it to the GitOps destination. */
export function namespaceOf(object: any): string | undefined {
  const namespace = object?.metadata?.namespace;
  return typeof namespace === 'string' && namespace !== '' ? namespace : undefined;
}

/**
 * Whether two objects can live in the same namespace. A manifest without `metadata.namespace` is
 * applied into the destination namespace, which we cannot see offline, so it matches any namespace.
 */
export function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

/** A plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Present in the Go sense: the pointer would be non-nil after JSON decoding (null decodes to nil). */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/**
 * Go `intstr.IntOrString.IntValue()`: an integer as is, a string through `strconv.Atoi`, and 0 when
 * the string is not an integer (which is why a typo such as "3x" silently becomes 0 upstream).
 */
export function intOrStringValue(value: unknown): number {
  if (typeof value === 'number') return Math.trunc(value);
  if (typeof value === 'string' && /^[+-]?\d+$/.test(value)) return Number.parseInt(value, 10);
  return 0;
}

const GO_DURATION_UNITS: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  'µs': 1e-6, // U+00B5
  'μs': 1e-6, // U+03BC
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/**
 * Go `time.ParseDuration`, returning seconds, or undefined when Go would return an error.
 * Accepts "30s", "1m30s", "1.5h", "-2m" and the bare "0"; rejects "", "30", "30 seconds", "1d".
 */
export function parseGoDuration(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let seconds = 0;
  while (rest !== '') {
    const number = /^(\d+\.?\d*|\.\d+)/.exec(rest);
    if (!number) return undefined;
    rest = rest.slice(number[0].length);
    const unit = /^[^\d.]+/.exec(rest);
    if (!unit) return undefined; // Go: "missing unit in duration"
    const factor = GO_DURATION_UNITS[unit[0]];
    if (factor === undefined) return undefined; // Go: "unknown unit"
    rest = rest.slice(unit[0].length);
    seconds += Number.parseFloat(number[0]) * factor;
  }
  return sign * seconds;
}

/** `{{ tag }}` placeholders in a string, as fasttemplate finds them (the raw text between the braces). */
export function placeholderTags(text: string): string[] {
  const tags: string[] = [];
  const pattern = /\{\{(.*?)\}\}/gs;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) tags.push(match[1]!);
  return tags;
}
