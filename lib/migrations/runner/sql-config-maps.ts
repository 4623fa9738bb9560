import { sha256 } from './delivered-files.js';

/**
 * Bytes of data (keys and values) one ConfigMap carries at most: Kubernetes refuses objects over 1 MiB
 * (etcd's request limit), and metadata, labels and annotations need the rest.
 */
export const CONFIG_MAP_DATA_BUDGET = 900 * 1024;

/** One content-addressed ConfigMap of the delivered files. */
export interface SqlConfigMap {
  /** `<job>-sql-<first 10 hex of sha256 of its data>`: another content, another name. */
  readonly name: string;
  readonly data: Readonly<Record<string, string>>;
}

/** Result of {@link packSqlConfigMaps}. */
export interface PackedSql {
  readonly configMaps: readonly SqlConfigMap[];
  /** Entries too large for any ConfigMap, with their size in bytes. */
  readonly tooLarge: readonly { readonly key: string; readonly bytes: number }[];
}

const size = (key: string, value: string) => Buffer.byteLength(key) + Buffer.byteLength(value);

/**
 * Packs the entries, in order, into as few ConfigMaps as the budget allows (a new one when the next entry
 * would not fit), each named after its own content.
 */
export function packSqlConfigMaps(jobName: string, entries: readonly { readonly key: string; readonly value: string }[], budget = CONFIG_MAP_DATA_BUDGET): PackedSql {
  const groups: Record<string, string>[] = [];
  const tooLarge: { key: string; bytes: number }[] = [];
  let current: Record<string, string> | undefined;
  let used = 0;
  for (const { key, value } of entries) {
    const bytes = size(key, value);
    if (bytes > budget) {
      tooLarge.push({ key, bytes });
      continue;
    }
    if (!current || used + bytes > budget) {
      current = {};
      groups.push(current);
      used = 0;
    }
    current[key] = value;
    used += bytes;
  }
  const configMaps = groups.map((data) => {
    const digest = sha256(JSON.stringify(Object.keys(data).sort().map((k) => [k, data[k]])));
    return { name: `${jobName}-sql-${digest.slice(0, 10)}`, data };
  });
  return { configMaps, tooLarge };
}
