import type { TriggerAuthenticationSpec } from '../../../imports/triggerauthentication-keda.sh.js';
import type { Problem } from '../../core/problems.js';
import type { Wire } from '../../core/wire.js';
import { checkFactory } from '../../core/props/check-props.js';

const SECRET_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * Where a KEDA scaler reads its secret parameters from: a namespaced `TriggerAuthentication` whose
 * `secretTargetRef` maps each scaler parameter to a key of an existing Secret. The Secret itself is not
 * emitted: its values never belong in Git (create it with your secret manager, before the worker's wave).
 */
export class KedaCredentials {
  /**
   * Reads scaler parameters from one Secret in the workload's namespace.
   * @param secretName name of the Secret
   * @param parameters scaler parameter → key in the Secret, e.g. `{ natsServerMonitoringEndpoint: 'monitoring-endpoint' }`
   */
  public static fromSecret(secretName: string, parameters: Readonly<Record<string, string>>): KedaCredentials {
    return checkFactory(new KedaCredentials(secretName, { ...parameters }), 'KedaCredentials.fromSecret', [secretName, parameters]);
  }

  private constructor(
    /** Name of the Secret. */
    public readonly secretName: string,
    /** Scaler parameter → key in the Secret. */
    public readonly parameters: Readonly<Record<string, string>>,
  ) {}

  /** The scaler parameters these credentials supply. */
  public get parameterNames(): string[] {
    return Object.keys(this.parameters).sort();
  }

  /** Problems with the Secret reference, given the parameters the scaler accepts from a TriggerAuthentication. */
  public problems(field: string, accepted: readonly string[]): Problem[] {
    const out: Problem[] = [];
    if (!(SECRET_NAME.test(this.secretName) && this.secretName.length <= 253)) {
      out.push({ field: `${field}.secretName`, value: this.secretName, message: 'is not a valid Secret name (a lower-case DNS subdomain)', fix: 'use the name of an existing Secret in the workload namespace, e.g. "nats-monitoring"' });
    }
    const names = this.parameterNames;
    if (names.length === 0) {
      out.push({ field: `${field}.parameters`, value: {}, message: 'maps no scaler parameter, so the TriggerAuthentication would supply nothing', fix: `map at least one of: ${accepted.join(', ')}` });
    }
    for (const name of names) {
      if (!accepted.includes(name)) {
        out.push({ field: `${field}.parameters.${name}`, value: name, message: `is not a parameter this scaler reads from a TriggerAuthentication (it reads: ${accepted.join(', ')})`, fix: `use one of: ${accepted.join(', ')}` });
      }
      const key = this.parameters[name];
      if (!(typeof key === 'string' && SECRET_KEY.test(key) && key.length <= 253)) {
        out.push({ field: `${field}.parameters.${name}`, value: key, message: 'is not a valid Secret key', fix: 'use letters, digits, "-", "_" or ".", e.g. "monitoring-endpoint"' });
      }
    }
    return out;
  }

  /** The `spec` of the TriggerAuthentication. */
  public renderSpec(): Record<string, unknown> {
    return { secretTargetRef: this.parameterNames.map((parameter) => ({ parameter, name: this.secretName, key: this.parameters[parameter]! })) } satisfies Wire<TriggerAuthenticationSpec>;
  }
}
