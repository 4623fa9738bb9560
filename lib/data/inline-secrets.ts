import { looksLikeSecretName } from '../config/secret-reference.js';

/** What a finding shows instead of a value that may be a credential: the value must not reach CI logs either. */
export const REDACTED = '<redacted>';

// Keys whose string value is a credential. Keys that name a Secret (existingSecret, passwordSecret,
// secretName, authKey...) end differently and stay allowed.
const SECRET_KEY = /(password|passwd|passphrase|token|apikey|api_key|accesskey|access_key|secretkey|secret_key|privatekey|private_key|clientsecret|client_secret|credentials?)$/i;

/**
 * Finds secret values written inline in free-form values (Helm values, an operator resource's spec):
 * a string under a key that names a credential (`password: hunter2`), or an environment-variable-like
 * entry `{name: REDIS_PASSWORD, value: ...}`. Such values would be committed to Git in plain text; they
 * must come from an existing Secret instead. Returns the field paths, relative to `path`.
 */
export function findInlineSecrets(value: unknown, path: string): string[] {
  const found: string[] = [];
  walk(value, path, found);
  return found;
}

function walk(value: unknown, path: string, found: string[]): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => walk(item, `${path}[${index}]`, found));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const record = value as Record<string, unknown>;
  if (typeof record.name === 'string' && typeof record.value === 'string' && record.value !== '' && looksLikeSecretName(record.name)) {
    found.push(`${path}.value`);
  }
  for (const [key, child] of Object.entries(record)) {
    const childPath = path === '' ? key : `${path}.${key}`;
    if (typeof child === 'string' && child !== '' && SECRET_KEY.test(key) && !/^existing/i.test(key)) found.push(childPath);
    else walk(child, childPath, found);
  }
}
