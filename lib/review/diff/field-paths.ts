/**
 * Leaf fields of a manifest as readable paths, so the diff can say which fields changed beyond the ones
 * it explains: `spec.template.spec.containers[api].resources.limits.memory`. Array items that carry a
 * string `name` are addressed by it (a reordered list of named containers is not a change of each one).
 */

/** A manifest value as a reviewer reads it: strings as they are, anything else (numbers, objects) as JSON, `unset` when absent. */
export const valueText = (v: unknown): string => (v === undefined ? 'unset' : typeof v === 'string' ? v : JSON.stringify(v));

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The path of an annotation as {@link changedFields} names it, as a pattern (for a comparator's `covered` list). */
export const annotationField = (name: string): RegExp => new RegExp(`^metadata\\.annotations\\[${escapeRegExp(JSON.stringify(name))}\\]$`);

const SIMPLE_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function keySegment(key: string): string {
  return SIMPLE_KEY.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function flattenInto(value: unknown, path: string, out: Map<string, string>): void {
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(path, '[]');
    const named = value.every((v) => v && typeof v === 'object' && typeof (v as any).name === 'string') && new Set(value.map((v: any) => v.name)).size === value.length;
    value.forEach((item, i) => flattenInto(item, `${path}[${named ? (item as any).name : i}]`, out));
    return;
  }
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) out.set(path, '{}');
    for (const key of keys) flattenInto((value as Record<string, unknown>)[key], `${path}${keySegment(key)}`, out);
    return;
  }
  out.set(path, JSON.stringify(value));
}

/** Every leaf of a manifest, path → JSON of the value. Paths have no leading dot. */
export function leafFields(manifest: unknown): Map<string, string> {
  const out = new Map<string, string>();
  flattenInto(manifest, '', out);
  return new Map([...out].map(([k, v]) => [k.replace(/^\./, ''), v]));
}

/** The ancestors of a path, shortest first, ending with the path itself: `a`, `a.b`, `a.b[x]`. */
function prefixes(path: string): string[] {
  const out: string[] = [];
  const re = /[.[]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) if (m.index > 0) out.push(path.slice(0, m.index));
  return [...out, path];
}

/** The shortest ancestor of `path` that has no leaf in `other`: a whole subtree added or removed is one path. */
function subtreeRoot(path: string, other: ReadonlyMap<string, string>): string {
  const keys = [...other.keys()];
  return prefixes(path).find((p) => !keys.some((k) => k === p || k.startsWith(`${p}.`) || k.startsWith(`${p}[`))) ?? path;
}

/**
 * Paths of what differs between two manifests, sorted: changed leaves, and for a subtree that only one
 * version has (an env var, a volume) just the subtree's root.
 */
export function changedFields(before: unknown, after: unknown): string[] {
  const a = leafFields(before);
  const b = leafFields(after);
  const out = new Set<string>();
  for (const [k, v] of a) {
    if (!b.has(k)) out.add(subtreeRoot(k, b));
    else if (b.get(k) !== v) out.add(k);
  }
  for (const k of b.keys()) if (!a.has(k)) out.add(subtreeRoot(k, a));
  return [...out].sort();
}
