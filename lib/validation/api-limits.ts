import type { Finding } from './finding.js';
import { FindingSink, type Manifest, isKind, isRecord } from './manifest.js';

/**
 * Size limits the API server itself enforces (k8s.io/kubernetes pkg/apis/core/validation and
 * k8s.io/apimachinery .../objectmeta validation), which no schema expresses:
 * - `metadata.annotations`: the sum of the UTF-8 lengths of every key and value is at most 256 KiB
 *   (`TotalAnnotationSizeLimitB`);
 * - a ConfigMap's `data` plus `binaryData` values (decoded bytes) at most 1 MiB (`MaxSecretSize`);
 * - a Secret's `data` (decoded) plus `stringData` values at most 1 MiB;
 * - the whole object at most 1.5 MiB as stored (etcd's default request limit; measured as its JSON, which a
 *   2 MiB environment variable value, for one, exceeds whatever the encoding).
 * An object over any of them is refused at apply time, whatever else is right about it.
 */
export const API_LIMITS = {
  ANNOTATIONS_BYTES: 256 * 1024,
  DATA_BYTES: 1024 * 1024,
  /** etcd's default request limit (`--max-request-bytes`, 1.5 MiB): a larger object is accepted by the API server's 3 MiB request limit, then refused by etcd. */
  OBJECT_BYTES: 1.5 * 1024 * 1024,
} as const;

const utf8Length = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);
/** Decoded length of a base64 value (what the API server stores for binaryData and Secret data). */
const base64Length = (value: unknown) => (typeof value === 'string' ? Buffer.from(value, 'base64').length : 0);

function sum(map: unknown, length: (value: unknown) => number, withKeys = false): number {
  if (!isRecord(map)) return 0;
  let total = 0;
  for (const [key, value] of Object.entries(map)) total += length(value) + (withKeys ? Buffer.byteLength(key, 'utf8') : 0);
  return total;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Findings for one object over an API server size limit. */
export function checkApiServerLimits(m: Manifest): Finding[] {
  const sink = new FindingSink(m.location);
  const object = m.object;
  const annotations = sum(object?.metadata?.annotations, utf8Length, true);
  if (annotations > API_LIMITS.ANNOTATIONS_BYTES) {
    sink.add('metadata.annotations', `${annotations} bytes`, 'api/annotations-too-large',
      `the annotations total ${kib(annotations)}; the API server rejects more than ${kib(API_LIMITS.ANNOTATIONS_BYTES)} (keys and values together)`,
      'move large values out of annotations (into a ConfigMap, or a smaller reference); with client-side apply the last-applied annotation counts too, so use server-side apply for large objects');
  }
  if (isKind(object, '', 'ConfigMap')) {
    const size = sum(object.data, utf8Length) + sum(object.binaryData, base64Length);
    if (size > API_LIMITS.DATA_BYTES) {
      sink.add('data', `${size} bytes`, 'api/configmap-too-large', `the ConfigMap holds ${kib(size)} of data; the API server rejects more than 1 MiB (data and binaryData together)`,
        'split it into several ConfigMaps, or ship large files in the image or a volume instead');
    }
  }
  if (isKind(object, '', 'Secret')) {
    const size = sum(object.data, base64Length) + sum(object.stringData, utf8Length);
    if (size > API_LIMITS.DATA_BYTES) {
      sink.add('data', `${size} bytes`, 'api/secret-too-large', `the Secret holds ${kib(size)} of data; the API server rejects more than 1 MiB`,
        'split it into several Secrets');
    }
  }
  // The exact size (one serialization) only for an object that may be over: most are far below, which a walk
  // summing string lengths shows without building the JSON text.
  const size = jsonBytesBound(object, 0) > API_LIMITS.OBJECT_BYTES ? Buffer.byteLength(JSON.stringify(object) ?? '', 'utf8') : 0;
  if (size > API_LIMITS.OBJECT_BYTES) {
    sink.add('(object)', `${size} bytes`, 'api/object-too-large', `the object is ${kib(size)} as JSON; etcd stores at most ${kib(API_LIMITS.OBJECT_BYTES)} per object (its default request limit), so the API server's write fails even though the request is under 3 MiB`,
      'move large values (environment variables, embedded files, annotations) into separate ConfigMaps or Secrets mounted as volumes, or ship them in the image');
  }
  return sink.findings;
}

/**
 * An upper bound of the UTF-8 length of `JSON.stringify(value)`, from one walk that reads string lengths and builds
 * nothing: a UTF-16 code unit takes at most 6 bytes in JSON (`\u001f`, a lone surrogate), a number at most 25
 * characters, `false` 5, and every member at most its key, a colon and a comma. Infinity where the walk cannot
 * tell (a `toJSON` method, a bigint, a nesting deeper than {@link MAX_WALK_DEPTH}, which may be a cycle): the
 * caller then serializes, as it did for every object before.
 */
export function jsonBytesBound(value: unknown, depth: number): number {
  switch (typeof value) {
    case 'string':
      return 6 * value.length + 2;
    case 'number':
      return 25;
    case 'boolean':
      return 5;
    case 'object': {
      if (value === null) return 4;
      if (depth > MAX_WALK_DEPTH || typeof (value as { toJSON?: unknown }).toJSON === 'function') return Infinity;
      let total = 2;
      if (Array.isArray(value)) {
        for (const item of value) total += jsonBytesBound(item, depth + 1) + 1;
        return total;
      }
      for (const key in value) total += 6 * key.length + 4 + jsonBytesBound((value as Record<string, unknown>)[key], depth + 1);
      return total;
    }
    case 'undefined':
    case 'function':
    case 'symbol':
      return 4; // left out of an object, `null` in an array
    default:
      return Infinity; // bigint: JSON.stringify throws, as it did before
  }
}
const MAX_WALK_DEPTH = 200;
