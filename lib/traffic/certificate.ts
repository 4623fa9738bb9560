import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type { CertificateSpec } from '../../imports/certificate-cert-manager.io.js';
import { exactSeconds, goDuration, isWholeSeconds } from '../core/duration.js';
import { commonLabels } from '../core/labels.js';
import { reportProblem } from '../core/problems.js';
import { checkProps } from '../core/props/check-props.js';
import { syncAnnotations, SyncWave } from '../core/sync-wave.js';
import type { Wire } from '../core/wire.js';
import { DeliveryStage, setOutputFolder } from '../platform/output-folder.js';
import { EnvironmentChart, PLATFORM_FOLDER } from '../platform/platform.js';

/** The kinds of cert-manager issuer. */
export enum IssuerKind {
  /** A cluster-wide `ClusterIssuer` (e.g. Let's Encrypt with DNS-01 for wildcards). */
  CLUSTER = 'ClusterIssuer',
  /** An `Issuer` of the environment's namespace. */
  NAMESPACED = 'Issuer',
}

/** Props of {@link Certificate}. */
export interface CertificateProps {
  /** Name of the Certificate and of the TLS Secret it keeps. @default `<construct id>-tls` */
  readonly secretName?: string;
  /** DNS names the certificate covers (a wildcard such as `*.example.com` needs a DNS-01 issuer). At least one. */
  readonly dnsNames: readonly string[];
  /** Name of the issuer the cluster already has. */
  readonly issuerName: string;
  /** Kind of the issuer. @default IssuerKind.CLUSTER */
  readonly issuerKind?: IssuerKind;
  /** Validity requested. @default the issuer's (90 days for Let's Encrypt) */
  readonly duration?: Duration;
  /** Renew this long before expiry. @default cert-manager's: a third of the duration */
  readonly renewBefore?: Duration;
}

const DNS_NAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * A TLS certificate issued and renewed by cert-manager (v1.21.1, API `cert-manager.io/v1`) into a Secret of the
 * environment's namespace, for a Gateway listener (`GatewayListener.https({ certificateSecretName: cert.secretName })`)
 * or the NGINX router (`TrafficRouter.nginx({ tlsSecretName: cert.secretName })`). It goes to the environment's
 * `platform` folder at wave {@link SyncWave.SECRET} (−5), before the workloads it serves.
 *
 * The private key is ECDSA P-256 and rotated on every renewal (`rotationPolicy: Always`, cert-manager's default
 * since v1.18, stated so the intent survives a downgrade). cert-manager and the issuer are the cluster's.
 */
export class Certificate extends Construct {
  /** Name of the Certificate and of its TLS Secret. */
  public readonly secretName: string;

  constructor(scope: Construct, id: string, props: CertificateProps) {
    super(scope, id);
    setOutputFolder(this, PLATFORM_FOLDER, DeliveryStage.PLATFORM);
    const usable = checkProps(this, props);
    this.secretName = typeof props?.secretName === 'string' ? props.secretName : `${id}-tls`;
    if (!usable) return;
    const chart = EnvironmentChart.of(this);
    const problem = (p: Parameters<typeof reportProblem>[1]) => reportProblem(this, p);
    if (!/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(this.secretName) || this.secretName.length > 253) {
      problem({ field: 'secretName', value: this.secretName, message: 'is not a valid Secret name', fix: 'use lower-case letters, digits, "-" and "."' });
    }
    if (props.dnsNames.length === 0) problem({ field: 'dnsNames', value: [], message: 'is empty: the certificate would cover no name', fix: "list the names, e.g. ['*.example.com']" });
    props.dnsNames.forEach((name, i) => {
      if (!DNS_NAME.test(name)) problem({ field: `dnsNames[${i}]`, value: name, message: 'is not a DNS name', fix: 'use a lower-case name such as "api.example.com" or "*.example.com"' });
    });
    const usableDuration = (key: 'duration' | 'renewBefore'): Duration | undefined => {
      const value = props[key];
      if (value === undefined || isWholeSeconds(value, 3600)) return value;
      problem({ field: key, value: exactSeconds(value), message: 'must be a whole number of seconds, at least one hour', fix: 'use e.g. Duration.days(90)' });
      return undefined;
    };
    const duration = usableDuration('duration');
    const renewBefore = usableDuration('renewBefore');
    if (duration && renewBefore && renewBefore.toSeconds() >= duration.toSeconds()) {
      problem({ field: 'renewBefore', value: renewBefore.toSeconds(), message: `is not shorter than the duration (${duration.toSeconds()}s): cert-manager would renew forever`, fix: 'renew a third of the duration before expiry, e.g. Duration.days(30) for 90 days' });
    }
    const spec = {
      secretName: this.secretName,
      dnsNames: [...props.dnsNames],
      issuerRef: { group: 'cert-manager.io', kind: props.issuerKind ?? IssuerKind.CLUSTER, name: props.issuerName },
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      ...(duration ? { duration: goDuration(duration) } : {}),
      ...(renewBefore ? { renewBefore: goDuration(renewBefore) } : {}),
    } satisfies Wire<CertificateSpec>;
    new ApiObject(this, 'certificate', {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: {
        name: this.secretName,
        namespace: chart.targetNamespace,
        labels: commonLabels(chart.platform.name, this.secretName, 'certificate'),
        annotations: syncAnnotations(SyncWave.SECRET, { customResource: true }),
      },
      spec,
    });
  }
}
