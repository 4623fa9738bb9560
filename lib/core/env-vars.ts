import type { Problem } from './problems.js';

/**
 * Kubernetes' environment-variable name rule (k8s.io/apimachinery validation.IsEnvVarName, the one every API server
 * version applies; the relaxed rule of 1.32+ is behind a feature gate): letters, digits, `_`, `-` and `.`, not
 * starting with a digit. An empty name or one with `=` cannot even be passed to a process.
 */
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * The largest `NAME=value` string Linux passes to a program (MAX_ARG_STRLEN, 32 pages of 4 KiB, terminating NUL
 * included): `execve` fails with E2BIG above it, so the container never starts, and well before that the object
 * nears etcd's 1.5 MiB per-object limit.
 */
export const MAX_ENV_STRING_BYTES = 128 * 1024;

/** Problems with the names and sizes of an `env`-style map (`Record<string, string>`), fields `<field>.<name>`. */
export function envVarProblems(env: unknown, field: string, options: { readonly values?: boolean } = {}): (Problem & { readonly value: unknown; readonly rule: string })[] {
  if (typeof env !== 'object' || env === null || Array.isArray(env)) return [];
  const out: (Problem & { readonly value: unknown; readonly rule: string })[] = [];
  for (const [name, value] of Object.entries(env as Record<string, unknown>)) {
    if (!ENV_VAR_NAME.test(name)) {
      out.push({
        field: name === '' ? `${field}[""]` : `${field}.${name}`,
        value: name,
        rule: 'props/env-name',
        message: name === ''
          ? 'is an empty environment variable name: the API server rejects the pod'
          : `is not a valid environment variable name: Kubernetes accepts letters, digits, "_", "-" and "." not starting with a digit${name.includes('=') ? ' ("=" separates a name from its value)' : ''}`,
        fix: 'name it in upper case with underscores, e.g. "LOG_LEVEL"',
      });
    }
    if (options.values !== false && typeof value === 'string') {
      const bytes = Buffer.byteLength(name, 'utf8') + 1 + Buffer.byteLength(value, 'utf8') + 1;
      if (bytes > MAX_ENV_STRING_BYTES) {
        out.push({
          field: `${field}.${name}`,
          value: `${Buffer.byteLength(value, 'utf8')} bytes`,
          rule: 'props/env-too-large',
          message: `is ${(bytes / 1024).toFixed(1)} KiB as NAME=value; Linux refuses to start a program with an environment string over ${MAX_ENV_STRING_BYTES / 1024} KiB (E2BIG), and the object would near etcd's 1.5 MiB limit`,
          fix: 'put large values in a ConfigMap mounted as a file (`config`), or ship them in the image',
        });
      }
    }
  }
  return out;
}
