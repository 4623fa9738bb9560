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
  // One serialization per object: linear, and small next to the schema check.
  const size = Buffer.byteLength(JSON.stringify(object) ?? '', 'utf8');
  if (size > API_LIMITS.OBJECT_BYTES) {
    sink.add('(object)', `${size} bytes`, 'api/object-too-large', `the object is ${kib(size)} as JSON; etcd stores at most ${kib(API_LIMITS.OBJECT_BYTES)} per object (its default request limit), so the API server's write fails even though the request is under 3 MiB`,
      'move large values (environment variables, embedded files, annotations) into separate ConfigMaps or Secrets mounted as volumes, or ship them in the image');
  }
  return sink.findings;
}
