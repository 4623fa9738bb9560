import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { DataService, DataServiceProps } from './data-service.js';
import { findInlineSecrets, REDACTED } from './inline-secrets.js';

/** Props of a {@link CustomDataResource}. */
export interface CustomDataResourceProps extends DataServiceProps {
  /** The resource's apiVersion, `<group>/<version>`, e.g. `redis.redis.opstreelabs.in/v1beta2`. */
  readonly apiVersion: string;
  /** The resource's kind, e.g. `RedisReplication`. */
  readonly kind: string;
  /** The resource's spec, as the operator documents it (plain JSON; reference Secrets, never inline secret values). */
  readonly spec: Readonly<Record<string, unknown>>;
}

const API_VERSION = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+\/v[0-9]+((alpha|beta)[0-9]+)?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

/**
 * The escape hatch for any data service run by an operator this library has no class for (a Redis or
 * Kafka operator, MongoDB, ClickHouse…): you bring the custom resource, it gets what every data service
 * gets — its own folder, the environment's namespace, labels, wave 0, `SkipDryRunOnMissingResource` (the
 * operator's CRD may arrive in the same sync) and deletion protection.
 *
 * The spec is yours: check it against the operator's CRD. Inline secret values in it are still refused.
 */
export class CustomDataResource extends DataService {
  /** The emitted resource. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: CustomDataResourceProps) {
    super(scope, id, props, 'custom-data-resource');
    if (!this.propsUsable) {
      // Reported by the props check; the synth fails, so this object is never written.
      this.apiObject = new ApiObject(this, 'resource', { apiVersion: String(props.apiVersion), kind: String(props.kind), metadata: this.metadata(this.name, true) });
      return;
    }
    if (!API_VERSION.test(props.apiVersion)) {
      this.problem({
        field: 'apiVersion',
        value: props.apiVersion,
        message: 'is not a custom resource apiVersion (<group with a dot>/<version>)',
        fix: 'use the apiVersion from the operator\'s CRD, e.g. "postgresql.cnpg.io/v1"; built-in kinds belong in workload classes',
      });
    }
    if (!KIND.test(props.kind)) this.problem({ field: 'kind', value: props.kind, message: 'is not a kind (PascalCase)', fix: 'use the kind from the operator\'s CRD, e.g. "RedisReplication"' });
    for (const path of findInlineSecrets(props.spec, 'spec')) {
      this.problem({
        field: path,
        value: REDACTED,
        rule: 'security/inline-secret',
        message: 'is a secret value written inline: it would be committed to Git in plain text',
        fix: 'put the value in a Secret (External Secrets Operator, Sealed Secrets or by hand) and reference it the way the operator documents',
      });
    }
    this.apiObject = new ApiObject(this, 'resource', {
      apiVersion: props.apiVersion,
      kind: props.kind,
      metadata: this.metadata(this.name, true),
      spec: { ...props.spec },
    });
  }
}
