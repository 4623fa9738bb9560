/**
 * Structural-schema defaulting, as the API server does it before validating a custom resource
 * (apiextensions-apiserver `structuraldefaulting`): for every object, each property with a `default` that the
 * object lacks is set to a copy of it; then nested objects, array items and additionalProperties values are
 * defaulted in turn.
 *
 * Copy on write: `data` is not modified; the result shares every part that gets no default with `data`, and is
 * `data` itself when nothing is defaulted (most objects: a copy of each object cost more than its validation).
 */
export function withSchemaDefaults(data: unknown, schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null) return data;
  const s = schema as { properties?: Record<string, any>; items?: unknown; additionalProperties?: unknown };
  if (Array.isArray(data)) {
    if (!s.items) return data;
    let out: unknown[] | undefined;
    for (let i = 0; i < data.length; i++) {
      const item = withSchemaDefaults(data[i], s.items);
      if (item !== data[i]) (out ??= data.slice())[i] = item;
    }
    return out ?? data;
  }
  if (typeof data !== 'object' || data === null) return data;
  const object = data as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  const set = (key: string, value: unknown) => ((out ??= { ...object })[key] = value);
  if (s.properties) {
    for (const key in s.properties) {
      if (!Object.hasOwn(s.properties, key)) continue;
      const sub = s.properties[key];
      let value = (out ?? object)[key];
      if (value === undefined && sub && Object.hasOwn(sub, 'default')) set(key, (value = structuredClone(sub.default)));
      if (value === undefined) continue;
      const defaulted = withSchemaDefaults(value, sub);
      if (defaulted !== value) set(key, defaulted);
    }
  }
  if (typeof s.additionalProperties === 'object' && s.additionalProperties !== null) {
    for (const key of Object.keys(out ?? object)) {
      if (s.properties?.[key]) continue;
      const value = (out ?? object)[key];
      const defaulted = withSchemaDefaults(value, s.additionalProperties);
      if (defaulted !== value) set(key, defaulted);
    }
  }
  return out ?? object;
}
