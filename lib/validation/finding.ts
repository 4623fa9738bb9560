/**
 * One problem found in a manifest or in construct props.
 *
 * Every finding names where it is (`location`: a construct path at synth time, or
 * `file kind/namespace/name` when checking manifests), the field, the value seen, the rule broken and
 * how to fix it, so a reader never needs a stack trace.
 */
export interface Finding {
  /** Construct path (synth) or `file: Kind/namespace/name` (manifest check). */
  readonly location: string;
  /** Dotted/indexed field path inside the object or props, e.g. `spec.strategy.canary.steps[1].setWeight`. */
  readonly field: string;
  /** The offending value, as seen (undefined when the field is missing). */
  readonly value?: unknown;
  /** Short stable rule identifier, e.g. `rollout/step-one-action` or `schema/unknown-field`. */
  readonly rule: string;
  /** What is wrong, in one sentence. */
  readonly message: string;
  /** How to fix it, in one sentence. */
  readonly fix: string;
}

/** A marker no real string holds (a NUL and a random token), replaced after JSON.stringify. */
const NON_FINITE = `\u0000${Math.random().toString(36).slice(2)}:`;
const NON_FINITE_JSON = new RegExp(`"${JSON.stringify(NON_FINITE).slice(1, -1).replace(/\\/g, '\\\\')}([^"]*)"`, 'g');

/**
 * JSON for a message, except that NaN, Infinity and -Infinity print as themselves (JSON.stringify
 * turns them into `null`, which hides the very mistake being reported) and bigints as digits.
 */
function stringify(value: unknown): string | undefined {
  const text = JSON.stringify(value, (_key, v) => {
    if (typeof v === 'number' && !Number.isFinite(v)) return `${NON_FINITE}${v}`;
    if (typeof v === 'bigint') return `${NON_FINITE}${v}`;
    return v;
  });
  return text?.replace(NON_FINITE_JSON, '$1');
}

/** Renders a value for a message: JSON for plain data, `undefined` when missing, truncated when long. */
export function renderValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  let text: string;
  try {
    text = stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Formats a finding as one line: `location: field = value: message [rule] Fix: fix`. */
export function formatFinding(finding: Finding): string {
  return `${finding.location}: ${finding.field} = ${renderValue(finding.value)}: ${finding.message} [${finding.rule}] Fix: ${finding.fix}`;
}
