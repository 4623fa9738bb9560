import { Construct } from 'constructs';
import { checkResources, ResolvedResources, ResourceRequirements, resolveResources } from '../../core/resources.js';
import { HelmChart } from '../../gitops/helm-chart.js';
import { HelmInstallation, renderHelmChart } from '../../gitops/helm-release.js';
import { DataService, DataServiceProps } from '../data-service.js';
import { findInlineSecrets, REDACTED } from '../inline-secrets.js';
import { checkStorageSize } from '../storage-size.js';

/** What may differ per environment for a chart-based data service. */
export interface HelmDataServiceOverrides {
  /**
   * Members in this environment, as is: the environment's replica scale (and the rounding to an odd count) applies
   * to the service's `replicas`, never to this override.
   * @default the service's `replicas`, scaled by the environment's replica scale
   */
  readonly replicas?: number;
  /** Volume size per member. @default the service's `storageSize` */
  readonly storageSize?: string;
  /** Requests and limits before the environment's resource scale. @default the service's `resources` */
  readonly resources?: ResourceRequirements;
}

/** Props shared by the chart-based data services (Redis, NATS, OpenSearch). */
export interface HelmDataServiceProps extends DataServiceProps {
  /**
   * Members before the environment's replica scale, rounded up to an odd number (an even count adds cost
   * but no fault tolerance: 4 members survive one failure, like 3): 3 gives prod 3, staging 3, dev 1.
   * @default 3
   */
  readonly replicas?: number;
  /** Accept fewer than 3 members in a production-like environment (no quorum left after one failure). @default false */
  readonly allowFewerThanThreeReplicas?: boolean;
  /** Volume size per member, e.g. `10Gi`. @default the class default */
  readonly storageSize?: string;
  /** StorageClass of the volumes. @default the cluster's default StorageClass */
  readonly storageClass?: string;
  /** Requests and limits per member before the environment's resource scale. @default the class default */
  readonly resources?: ResourceRequirements;
  /** Exact chart version. @default the version this library was checked against (see each class) */
  readonly chartVersion?: string;
  /**
   * Further chart values, deep-merged over the typed ones (escape hatch). Inline secret values (a
   * `password:` string, an env entry named `*_PASSWORD` with a `value`) are refused.
   * @default none
   */
  readonly values?: Readonly<Record<string, unknown>>;
  /** Namespace of the Argo CD Application (ignored under Flux: the Flux target's namespace is used). @default 'argocd' */
  readonly argoCdNamespace?: string;
  /** Argo CD project of the Application (ignored under Flux). @default 'default' */
  readonly project?: string;
  /** Per-environment overrides, keyed by environment name. @default none */
  readonly environments?: { readonly [environment: string]: HelmDataServiceOverrides };
}

/**
 * A chart switch that makes the chart render a pod the Pod Security "restricted" profile rejects whatever the
 * security values say (the template fixes a root user, `privileged` or a hostPath volume). The environment's
 * namespace enforces "restricted", so the StatefulSet would never get its pods: synth refuses the value.
 */
export interface UnrestrictedChartSwitch {
  /** Dotted paths in the chart values that must all be set (truthy) for the part to render; the first is reported. */
  readonly paths: readonly string[];
  /** What renders and why "restricted" rejects it, naming the chart template. */
  readonly renders: string;
  /** How to get what the switch was for without it. */
  readonly fix: string;
}

/** What a concrete chart-based service fixes. */
export interface HelmDataServiceDefaults {
  /** The `app.kubernetes.io/component` label value. */
  readonly component: string;
  /** The chart repository URL. */
  readonly repoURL: string;
  /** The chart name. */
  readonly chart: string;
  /** The chart version checked against. */
  readonly chartVersion: string;
  /** Default volume size per member. */
  readonly storageSize: string;
  /** Default requests and limits per member. */
  readonly resources: ResourceRequirements;
  /** Chart switches the `values` escape hatch may not turn on. @default none */
  readonly unrestrictedSwitches?: readonly UnrestrictedChartSwitch[];
}

/**
 * A data service installed from its upstream Helm chart by an Argo CD Application in wave 0 (a Flux HelmRelease
 * when the platform's GitOps target is Flux). The chart's
 * StatefulSet rolls one member at a time and the service's own replication (Sentinel, JetStream Raft,
 * OpenSearch shard replicas) carries the failover. The release lands in the environment's namespace, whose
 * Pod Security "restricted" labels the platform folder owns, so the values set restricted-compliant security
 * contexts and the Application never creates the namespace itself.
 */
export abstract class HelmDataService extends DataService {
  /** Members in this environment. */
  public readonly replicas: number;
  /** Volume size per member in this environment. */
  public readonly storageSize: string;
  /** Requests and limits per member in this environment. */
  public readonly resources: ResolvedResources;
  /** The Argo CD Application (or Flux HelmRelease) name: `<namespace>-<name>`, unique when environments share one Argo CD or Flux. */
  public readonly applicationName: string;

  private readonly helmProps: HelmDataServiceProps;
  private readonly defaults: HelmDataServiceDefaults;

  protected constructor(scope: Construct, id: string, props: HelmDataServiceProps, defaults: HelmDataServiceDefaults) {
    super(scope, id, props, defaults.component);
    this.helmProps = props;
    this.defaults = defaults;
    this.applicationName = `${this.namespace}-${this.name}`;
    if (!this.propsUsable) {
      this.replicas = 1;
      this.storageSize = defaults.storageSize;
      this.resources = resolveResources(defaults.resources, this.environment.resourceScale);
      return;
    }
    const overrides = this.overridesFor(props.environments) ?? {};
    this.replicas = this.resolveReplicas(overrides.replicas ?? props.replicas ?? 3, this.fieldOf('replicas', overrides.replicas !== undefined), props.allowFewerThanThreeReplicas ?? false, overrides.replicas !== undefined);
    this.storageSize = overrides.storageSize ?? props.storageSize ?? defaults.storageSize;
    for (const p of checkStorageSize(this.storageSize, this.fieldOf('storageSize', overrides.storageSize !== undefined))) this.problem(p);
    const requirements = { ...defaults.resources, ...(overrides.resources ?? props.resources) };
    for (const p of checkResources(requirements)) this.problem({ ...p, field: this.fieldOf(p.field, overrides.resources !== undefined) });
    this.resources = resolveResources(requirements, this.environment.resourceScale);
  }

  /** The storage class, when one was set. */
  protected get storageClass(): string | undefined {
    return this.helmProps.storageClass;
  }

  /**
   * Installs the chart with the typed `values`, the escape-hatch values merged over them, as the platform's
   * GitOps tool does it: an Argo CD Application, or a HelmRepository + HelmRelease under Flux. Either checks
   * the chart pin (a bad `chartVersion` is reported as `chart.version` on it).
   */
  protected install(values: Record<string, unknown>): HelmInstallation {
    const chart = HelmChart.of({
      repoURL: this.defaults.repoURL,
      chart: this.defaults.chart,
      version: this.helmProps.chartVersion ?? this.defaults.chartVersion,
      releaseName: this.name,
      values,
    }).withValues(this.helmProps.values);
    for (const path of findInlineSecrets(chart.values, 'values')) {
      this.problem({
        field: path,
        value: REDACTED,
        rule: 'security/inline-secret',
        message: 'is a secret value written inline: it would be committed to Git in plain text',
        fix: 'put the value in a Secret (External Secrets Operator, Sealed Secrets or by hand) and use the chart\'s existing-secret value instead',
      });
    }
    for (const gap of this.defaults.unrestrictedSwitches ?? []) {
      const [first] = gap.paths;
      if (first === undefined || !gap.paths.every((path) => Boolean(valueAt(chart.values, path)))) continue;
      this.problem({
        field: `values.${first}`,
        value: valueAt(chart.values, first),
        rule: 'data/chart-pod-not-restricted',
        message: `turns on ${gap.renders}, in chart ${this.defaults.chart} ${chart.version}: namespace "${this.namespace}" enforces Pod Security "restricted" and rejects the pod, so the service never starts`,
        fix: gap.fix,
      });
    }
    return renderHelmChart(this, 'application', chart, {
      name: this.applicationName,
      destinationNamespace: this.namespace,
      wave: this.wave,
      labels: this.labels,
      argoCdNamespace: this.helmProps.argoCdNamespace,
      project: this.helmProps.project,
      deletionProtection: this.deletionProtection,
    });
  }

  /** Pod and container security contexts that pass the Pod Security "restricted" profile. */
  protected restrictedSecurityContexts(uid: number): { pod: Record<string, unknown>; container: Record<string, unknown> } {
    const seccompProfile = { type: 'RuntimeDefault' };
    return {
      pod: { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile },
      container: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, seccompProfile },
    };
  }

  /** The members: `requested` scaled by the environment (rounded up to odd), or as is when the environment's own override (`final`). */
  private resolveReplicas(requested: number, field: string, allowFewer: boolean, final: boolean): number {
    if (!(Number.isInteger(requested) && requested >= 1)) {
      this.problem({ field, value: requested, message: 'must be a whole number of at least 1', fix: 'set replicas to 3' });
      return 1;
    }
    if (requested > 1 && requested % 2 === 0) {
      this.problem({ field, value: requested, rule: 'data/odd-members', message: `is even: a quorum of ${requested} members survives as many failures as ${requested - 1}`, fix: `use ${requested - 1} or ${requested + 1}` });
    }
    const scaled = final ? requested : this.environment.scaleReplicas(requested);
    const replicas = !final && scaled > 1 && scaled % 2 === 0 ? scaled + 1 : scaled;
    if (this.isProductionLike && replicas < 3 && !allowFewer) {
      this.problem({
        field,
        value: requested,
        rule: 'data/high-availability',
        message: `gives ${replicas} member${replicas === 1 ? '' : 's'} in production-like environment "${this.environment.name}": one failure then stops the service`,
        fix: 'use 3 or more replicas, or set `allowFewerThanThreeReplicas: true` to accept the risk',
      });
    }
    return replicas;
  }
}

/** The value at a dotted path of plain JSON values, or undefined. */
function valueAt(values: Readonly<Record<string, unknown>>, path: string): unknown {
  let node: unknown = values;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
