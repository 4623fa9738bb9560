import { REDACTED } from '../inline-secrets.js';
import { checkFactory } from '../../core/props/check-props.js';

/** Props of {@link ObjectStoreCredentials.s3}. */
export interface S3CredentialsProps {
  /** Name of an existing Secret in the cluster's namespace holding the keys below. */
  readonly secretName: string;
  /** Key holding the access key ID. @default 'ACCESS_KEY_ID' */
  readonly accessKeyIdKey?: string;
  /** Key holding the secret access key. @default 'ACCESS_SECRET_KEY' */
  readonly secretAccessKeyKey?: string;
  /** Key holding the region, when the endpoint needs one. @default none */
  readonly regionKey?: string;
  /** Key holding a session token (temporary credentials). @default none */
  readonly sessionTokenKey?: string;
}

// An AWS access key ID, an AWS secret access key, or anything long and mixed-case: a value, not a name.
const LOOKS_LIKE_CREDENTIAL = /^(AKIA|ASIA)[0-9A-Z]{16}$|^(?=.*[A-Z])[A-Za-z0-9/+=]{40}$/;
const SECRET_NAME = /^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * How the Barman Cloud tools authenticate to the object store. Only references to an existing Secret are
 * accepted (or workload identity): credential values never appear in the manifests.
 */
export abstract class ObjectStoreCredentials {
  /** S3 or S3-compatible storage, with keys read from an existing Secret. */
  public static s3(props: S3CredentialsProps): ObjectStoreCredentials {
    return checkFactory(new S3Credentials(props), 'ObjectStoreCredentials.s3', [props]);
  }

  /**
   * S3 through the pod's IAM role (IRSA / EKS Pod Identity): no static keys at all. The cluster's
   * ServiceAccount must be annotated for the role (CloudNativePG `serviceAccountTemplate`).
   */
  public static s3IamRole(): ObjectStoreCredentials {
    return new S3IamRoleCredentials();
  }

  /** The `barmanObjectStore` fields that carry the credentials. */
  public abstract render(): Record<string, unknown>;

  /** Problems with the references (fields relative to `field`). */
  public abstract problems(field: string): { field: string; value: unknown; message: string; fix: string; rule?: string }[];
}

class S3Credentials extends ObjectStoreCredentials {
  constructor(private readonly props: S3CredentialsProps) {
    super();
  }

  public render(): Record<string, unknown> {
    const ref = (key: string) => ({ name: this.props.secretName, key });
    const s3: Record<string, unknown> = {
      accessKeyId: ref(this.props.accessKeyIdKey ?? 'ACCESS_KEY_ID'),
      secretAccessKey: ref(this.props.secretAccessKeyKey ?? 'ACCESS_SECRET_KEY'),
    };
    if (this.props.regionKey !== undefined) s3.region = ref(this.props.regionKey);
    if (this.props.sessionTokenKey !== undefined) s3.sessionToken = ref(this.props.sessionTokenKey);
    return { s3Credentials: s3 };
  }

  public problems(field: string): { field: string; value: unknown; message: string; fix: string; rule?: string }[] {
    const out: { field: string; value: unknown; message: string; fix: string; rule?: string }[] = [];
    const name = this.props.secretName;
    if (typeof name !== 'string' || LOOKS_LIKE_CREDENTIAL.test(name)) {
      out.push({
        field: `${field}.secretName`,
        value: REDACTED,
        rule: 'security/inline-secret',
        message: 'looks like a credential, not the name of a Secret: secret values would be committed to Git in plain text',
        fix: 'create a Secret with the keys (External Secrets Operator, Sealed Secrets or by hand) and pass its name, e.g. `secretName: "orders-db-backup-s3"`',
      });
    } else if (!SECRET_NAME.test(name) || name.length > 253) {
      out.push({ field: `${field}.secretName`, value: name, message: 'is not a valid Secret name', fix: 'use the lower-case name of an existing Secret' });
    }
    for (const key of ['accessKeyIdKey', 'secretAccessKeyKey', 'regionKey', 'sessionTokenKey'] as const) {
      const value = this.props[key];
      if (value !== undefined && !SECRET_KEY.test(value)) out.push({ field: `${field}.${key}`, value, message: 'is not a valid Secret key', fix: 'use letters, digits, "-", "_" and "."' });
    }
    return out;
  }
}

class S3IamRoleCredentials extends ObjectStoreCredentials {
  public render(): Record<string, unknown> {
    return { s3Credentials: { inheritFromIAMRole: true } };
  }

  public problems(): { field: string; value: unknown; message: string; fix: string }[] {
    return [];
  }
}
