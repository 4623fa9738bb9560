/**
 * Structural-schema defaulting, as the API server does it before validating a custom resource
 * (apiextensions-apiserver `structuraldefaulting`): for every object, each property with a `default` that the
 * object lacks is set to a copy of it; then nested objects, array items and additionalProperties values are
 * defaulted in turn. `data` is modified and returned (pass a copy).
 */
export function applySchemaDefaults(data: unknown, schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null) return data;
  const s = schema as { properties?: Record<string, any>; items?: unknown; additionalProperties?: unknown };
  if (Array.isArray(data)) {
    if (s.items) for (let i = 0; i < data.length; i++) data[i] = applySchemaDefaults(data[i], s.items);
    return data;
  }
  if (typeof data !== 'object' || data === null) return data;
  const object = data as Record<string, unknown>;
  for (const [key, sub] of Object.entries(s.properties ?? {})) {
    if (object[key] === undefined && sub && Object.hasOwn(sub, 'default')) object[key] = structuredClone(sub.default);
    if (object[key] !== undefined) object[key] = applySchemaDefaults(object[key], sub);
  }
  if (typeof s.additionalProperties === 'object' && s.additionalProperties !== null) {
    for (const key of Object.keys(object)) if (!s.properties?.[key]) object[key] = applySchemaDefaults(object[key], s.additionalProperties);
  }
  return object;
}
