import { Finding } from './finding.js';
import { Manifest } from './manifest.js';

/**
 * Secret values must never be committed: any Secret with `data` or `stringData` is an error. Reference
 * an existing Secret instead (created by External Secrets Operator, Sealed Secrets or by hand).
 */
export function checkInlineSecrets(manifests: readonly Manifest[]): Finding[] {
  const findings: Finding[] = [];
  for (const m of manifests) {
    if (m.object?.apiVersion !== 'v1' || m.object?.kind !== 'Secret') continue;
    for (const field of ['data', 'stringData'] as const) {
      const value = m.object[field];
      if (value && typeof value === 'object' && Object.keys(value).length > 0) {
        findings.push({
          location: m.location,
          field,
          value: Object.keys(value).map((k) => `${k}: <redacted>`),
          rule: 'security/inline-secret',
          message: 'holds secret values, which would be committed to Git in plain text',
          fix: 'remove the Secret and reference an existing one (SecretKey.of(name, key)), created by External Secrets Operator, Sealed Secrets or your secret store',
        });
      }
    }
  }
  return findings;
}
