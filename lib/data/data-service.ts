import { Construct } from 'constructs';
import { Environment } from '../core/environment.js';
import { commonLabels } from '../core/labels.js';
import { Problem, reportProblem } from '../core/problems.js';
import { checkProps } from '../core/props/check-props.js';
import { SYNC_OPTIONS_ANNOTATION, syncAnnotations, SyncWave } from '../core/sync-wave.js';
import { DeliveryStage, setOutputFolder } from '../platform/output-folder.js';
import { EnvironmentChart } from '../platform/platform.js';
import type { NetworkEndpoint } from '../network/environment-network.js';

/**
 * Props every data service shares. There is deliberately no `strategy`, `autoscaling` or `replicas` here:
 * a database is never canaried or blue-greened (two primaries would diverge), and its operator or chart
 * performs the rolling update with failover. The type system offers nothing else to choose.
 */
export interface DataServiceProps {
  /** Name of the data service, of its folder under dist/ and of its main objects. @default the construct id */
  readonly name?: string;
  /**
   * Protect the data from Git: the main object carries `argocd.argoproj.io/sync-options: Prune=false,Delete=false`,
   * so removing it from Git (or renaming the construct) never makes Argo CD delete a database. Delete it on
   * purpose after turning this off.
   * @default true
   */
  readonly deletionProtection?: boolean;
}

// 50 leaves room for what operators and charts append (`-rw`, `-app`, `-server-0`, `-master-headless`).
const NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const MAX_NAME = 50;

/**
 * The base of every data service (Postgres, Redis, NATS, OpenSearch, or any operator resource): its objects
 * go to `dist/<platform>/<environment>/<name>/`, all in wave {@link SyncWave.DATA} (0) — after the namespaces,
 * CRDs, RBAC and operators of the negative waves, and before the application workloads that connect to it.
 *
 * Updates are the operator's or chart's rolling update with failover (deployment strategy, section 1).
 * Rollback of a bad schema change is roll-forward; point-in-time recovery is the last-resort safety net.
 */
export abstract class DataService extends Construct {
  /** Name of the service (also its folder and the name of its main objects). */
  public readonly name: string;
  /** Namespace it runs in: the environment's namespace. */
  public readonly namespace: string;
  /** The environment it is synthesized for. */
  public readonly environment: Environment;
  /** The platform name. */
  public readonly platformName: string;
  /** Labels on every object. */
  public readonly labels: Record<string, string>;
  /** The sync wave of every object: {@link SyncWave.DATA}. */
  public readonly wave: number = SyncWave.DATA;
  /** Whether the main object is protected from pruning and deletion by Argo CD. */
  public readonly deletionProtection: boolean;
  /**
   * False when a required prop is missing or a prop has the wrong type (reported by the props check): the service
   * then emits nothing, and subclasses build nothing either.
   */
  protected readonly propsUsable: boolean;

  protected constructor(scope: Construct, id: string, props: DataServiceProps, component: string) {
    super(scope, id);
    const chart = EnvironmentChart.of(this);
    // `strategy` and `autoscaling` get the message below rather than "not a prop".
    this.propsUsable = checkProps(this, props, { explainedKeys: ['strategy', 'autoscaling'] });
    this.name = props.name ?? id;
    this.namespace = chart.targetNamespace;
    this.environment = chart.environment;
    this.platformName = chart.platform.name;
    this.labels = commonLabels(this.platformName, this.name, component);
    this.deletionProtection = props.deletionProtection ?? true;
    setOutputFolder(this, this.name, DeliveryStage.DATA);

    if (!NAME.test(this.name) || this.name.length > MAX_NAME) {
      this.problem({ field: 'name', value: this.name, message: `is not a lower-case DNS label of at most ${MAX_NAME} characters starting with a letter`, fix: 'use lower-case letters, digits and dashes, e.g. "orders-db"' });
    }
    // JavaScript callers bypass the types; say so instead of silently ignoring the prop.
    for (const key of ['strategy', 'autoscaling'] as const) {
      if ((props as Record<string, unknown>)[key] !== undefined) {
        this.problem({
          field: key,
          value: (props as Record<string, unknown>)[key],
          rule: 'data/no-strategy',
          message: 'does not apply to a data service: it is never canaried, blue-greened or autoscaled; its operator rolls it with failover',
          fix: `remove \`${key}\``,
        });
      }
    }
  }

  /**
   * Whether this environment is production-like: it runs workloads at full scale (replicaScale ≥ 1, prod
   * by default). Such an environment needs the high-availability and backup defaults.
   */
  public get isProductionLike(): boolean {
    return this.environment.replicaScale >= 1;
  }

  /**
   * Registers the service's pods with the environment's network policies (issue 23): its members reach each other on
   * every port, its clients (the workloads given its credentials or host names) its client ports, Prometheus its
   * exporter.
   */
  protected registerNetwork(endpoint: Pick<NetworkEndpoint, 'podLabels' | 'clientPorts' | 'metricsPorts' | 'serviceNames'> & Partial<Pick<NetworkEndpoint, 'credentials' | 'controllers' | 'needsKubernetesApi' | 'needsObjectStore'>>): void {
    EnvironmentChart.of(this).network.register({ construct: this, name: this.name, members: true, ...endpoint });
  }

  /** Records a problem with this service's props; synth reports it with this construct's path. */
  protected problem(problem: Problem): void {
    reportProblem(this, problem);
  }

  /**
   * Annotations of an object of this service: wave 0, SkipDryRunOnMissingResource (its CRD may arrive in the
   * same sync), and for the main object the deletion protection.
   */
  protected annotations(main: boolean): Record<string, string> {
    const annotations = syncAnnotations(this.wave, { customResource: true });
    if (main && this.deletionProtection) annotations[SYNC_OPTIONS_ANNOTATION] = `${annotations[SYNC_OPTIONS_ANNOTATION]},Prune=false,Delete=false`;
    return annotations;
  }

  /** `metadata` of a namespaced object of this service. */
  protected metadata(name: string, main: boolean): { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> } {
    return { name, namespace: this.namespace, labels: { ...this.labels }, annotations: this.annotations(main) };
  }

  /** This environment's entry of a per-environment override map (the props check reports keys that name no environment). */
  protected overridesFor<T>(environments: { readonly [environment: string]: T } | undefined): T | undefined {
    return environments?.[this.environment.name];
  }

  /** The field path of a prop, pointing at the override when one was used. */
  protected fieldOf(prop: string, overridden: boolean): string {
    return overridden ? `environments.${this.environment.name}.${prop}` : prop;
  }
}
