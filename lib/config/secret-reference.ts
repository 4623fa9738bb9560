/**
 * A reference to one key of a Secret that already exists in the namespace, created outside this repo
 * (External Secrets Operator, Sealed Secrets, Vault, or by hand). Secret values never appear in dist/:
 * constructs only take references, and a synth fails on any emitted Secret with inline data.
 */
export class SecretKey {
  /** Key `key` of the existing Secret `secretName`. */
  public static of(secretName: string, key: string): SecretKey {
    return new SecretKey(secretName, key);
  }

  private constructor(
    /** The Secret's name. */
    public readonly secretName: string,
    /** The key inside it. */
    public readonly key: string,
  ) {}

  /** Problems with the names (fields relative to `field`). */
  public problems(field: string): { field: string; value: unknown; message: string; fix: string }[] {
    const out: { field: string; value: unknown; message: string; fix: string }[] = [];
    if (!/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(this.secretName) || this.secretName.length > 253) out.push({ field: `${field}.secretName`, value: this.secretName, message: 'is not a valid Secret name', fix: 'use the lower-case name of an existing Secret' });
    if (!/^[-._a-zA-Z0-9]+$/.test(this.key)) out.push({ field: `${field}.key`, value: this.key, message: 'is not a valid Secret key', fix: 'use letters, digits, "-", "_" and "."' });
    return out;
  }

  /** The `valueFrom` of an environment variable. */
  public renderValueFrom(): Record<string, unknown> {
    return { secretKeyRef: { name: this.secretName, key: this.key } };
  }
}

// Names that say "this is a credential": such a variable must come from a Secret, not a literal.
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?|DSN)$/i;

/** True when an environment variable's name says it holds a credential. */
export function looksLikeSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}
