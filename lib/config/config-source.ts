import { createHash } from 'node:crypto';
import { checkFactory } from '../core/props/check-props.js';

/** Options of {@link ConfigSource.files}. */
export interface ConfigFilesOptions {
  /** Absolute path the files are mounted at (read-only). */
  readonly mountPath: string;
}

/**
 * Non-secret configuration a workload reads, emitted as an immutable ConfigMap whose name carries a hash
 * of its content. A change therefore produces a new ConfigMap and a new pod template, so it ships
 * through the workload's own strategy (a canary in prod) instead of silently not restarting anything;
 * the old ConfigMap is pruned last, after the new release is healthy (`PruneLast=true`).
 */
export class ConfigSource {
  /** Key/value pairs exposed as environment variables (`envFrom`). */
  public static env(name: string, values: Readonly<Record<string, string>>): ConfigSource {
    return checkFactory(new ConfigSource(name, values, undefined), 'ConfigSource.env', [name, values]);
  }

  /** Files (file name → content) mounted read-only at `mountPath`. */
  public static files(name: string, files: Readonly<Record<string, string>>, options: ConfigFilesOptions): ConfigSource {
    return checkFactory(new ConfigSource(name, files, options?.mountPath), 'ConfigSource.files', [name, files, options]);
  }

  private constructor(
    /** Logical name, unique per workload; part of the ConfigMap name. */
    public readonly name: string,
    /** The data. */
    public readonly data: Readonly<Record<string, string>>,
    /** Where files are mounted; undefined for environment variables. */
    public readonly mountPath: string | undefined,
  ) {}

  /** The first 10 hex digits of a SHA-256 over the sorted data: stable across runs and machines. */
  public contentHash(): string {
    const hash = createHash('sha256');
    for (const key of Object.keys(this.data).sort()) hash.update(`${key}\0${this.data[key]}\0`);
    hash.update(this.mountPath ?? '');
    return hash.digest('hex').slice(0, 10);
  }

  /** Problems with the name, keys and mount path (fields relative to `field`). */
  public problems(field: string): { field: string; value: unknown; message: string; fix: string }[] {
    const out: { field: string; value: unknown; message: string; fix: string }[] = [];
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(this.name) || this.name.length > 30) {
      out.push({ field: `${field}.name`, value: this.name, message: 'is not a lower-case DNS label of at most 30 characters', fix: 'use e.g. "settings"' });
    }
    for (const key of Object.keys(this.data)) {
      const ok = this.mountPath === undefined ? /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) : /^[-._a-zA-Z0-9]+$/.test(key) && key !== '.' && key !== '..';
      if (!ok) {
        out.push({
          field: `${field}.data["${key}"]`,
          value: key,
          message: this.mountPath === undefined ? 'is not a valid environment variable name' : 'is not a valid ConfigMap key (file name)',
          fix: this.mountPath === undefined ? 'use letters, digits and underscores, not starting with a digit' : 'use letters, digits, "-", "_" and "."',
        });
      }
    }
    if (this.mountPath !== undefined && !this.mountPath.startsWith('/')) {
      out.push({ field: `${field}.mountPath`, value: this.mountPath, message: 'must be an absolute path', fix: 'use e.g. "/etc/app"' });
    }
    const size = Object.entries(this.data).reduce((n, [k, v]) => n + k.length + v.length, 0);
    if (size > 1_000_000) out.push({ field: `${field}.data`, value: `${size} bytes`, message: 'exceeds the 1 MiB ConfigMap limit', fix: 'ship large files in the image or a volume' });
    return out;
  }
}
