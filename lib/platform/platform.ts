import { ApiObject, App, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Environment } from '../core/environment.js';
import { MANAGED_BY_LABEL, PART_OF_LABEL } from '../core/labels.js';
import { reportProblem } from '../core/problems.js';
import { attachedProblems, checkProps, declareEnvironmentNames } from '../core/props/check-props.js';
import { SyncWave, syncWaveAnnotations } from '../core/sync-wave.js';
import { IGitOpsTarget } from '../gitops/gitops-target.js';
import { EnvironmentNetwork } from '../network/environment-network.js';
import { NetworkPolicies } from '../network/network-policies.js';
import { DeliveryStage, setOutputFolder } from './output-folder.js';

/** Props of a {@link Platform}. */
export interface PlatformProps {
  /** Platform name: the folder under dist/ and the `app.kubernetes.io/part-of` label. @default the construct id */
  readonly name?: string;
  /** The environments to synthesize, in order. */
  readonly environments: readonly Environment[];
  /**
   * How the platform is delivered from Git: `GitOpsTarget.argoCd({...})` or `GitOpsTarget.flux({...})`.
   * @default none: only the unit folders are written; point your own GitOps tooling at them
   */
  readonly gitops?: IGitOpsTarget;
  /**
   * Path of the output folder (dist/) inside the Git repository, for the GitOps objects' source paths:
   * relative to the repository root, without `..` (a path outside the repository is reported).
   * @default 'dist'
   */
  readonly outputPath?: string;
  /**
   * Network isolation of every environment's namespace: a default deny for ingress and egress, and the allows the
   * platform derives (DNS, ingress controller to routed workloads, workloads to their data services, Prometheus to the
   * metrics ports, the migration Job to its database, the operators to their pods) plus each workload's `allowTo` and
   * `allowFrom`. Opt out with `NetworkPolicies.disabled('<why>')`.
   * @default NetworkPolicies.isolated(): isolated, Prometheus in `monitoring`, DNS from kube-system's kube-dns pods
   */
  readonly networkPolicies?: NetworkPolicies;
}

/** Whether a path stays inside the repository: relative, not empty, no `..` segment, no backslash. */
function isInsideRepository(outputPath: string): boolean {
  if (outputPath.trim() === '' || outputPath.startsWith('/') || outputPath.includes('\\') || /^[a-z]+:/i.test(outputPath)) return false;
  return outputPath.split('/').every((segment) => segment !== '..');
}

/** The folder, under each environment, that holds the environment's own objects (its Namespace). */
export const PLATFORM_FOLDER = 'platform';

/**
 * A platform (for example "bitvault"): one {@link EnvironmentChart} per environment. Define workloads
 * once with {@link Platform.forEachEnvironment}; each environment resolves its own replicas, resources,
 * image policy and delivery strategy.
 */
export class Platform extends Construct {
  /** The platform name. */
  public readonly name: string;
  /** One chart per environment, in the order given. */
  public readonly environments: readonly EnvironmentChart[];
  /** The GitOps target, if any. */
  public readonly gitops?: IGitOpsTarget;
  /** Path of the output folder inside the Git repository. */
  public readonly outputPath: string;
  /** The network isolation of every environment. */
  public readonly networkPolicies: NetworkPolicies;

  constructor(scope: App, id: string, props: PlatformProps) {
    super(scope, id);
    const usable = checkProps(this, props);
    this.name = props.name ?? id;
    // A gitops or environment value of the wrong type is reported by the props check and left out.
    this.gitops = usable || props.gitops instanceof Object && typeof props.gitops.render === 'function' ? props.gitops : undefined;
    this.outputPath = props.outputPath ?? 'dist';
    this.networkPolicies = props.networkPolicies instanceof NetworkPolicies ? props.networkPolicies : NetworkPolicies.isolated();
    declareEnvironmentNames(this, this.name, () => this.environments.map((e) => e.environment.name));
    // A target whose options have missing or mistyped values (reported by the props check) would only restate them.
    if (attachedProblems(this.gitops).usable) for (const f of this.gitops?.problems() ?? []) reportProblem(this, { ...f, field: `gitops.${f.field}` });
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(this.name)) {
      reportProblem(this, { field: 'name', value: this.name, message: 'is not a lower-case DNS label', fix: 'use lower-case letters, digits and dashes' });
    }
    if (Array.isArray(props.environments) && props.environments.length === 0) {
      // An empty list would synthesize nothing and exit 0, replacing the platform's committed tree with an empty one.
      reportProblem(this, { field: 'environments', value: [], message: 'is empty: the platform would synthesize nothing and its committed output would be deleted', fix: 'list at least one environment, e.g. [Environment.dev(), Environment.prod()]' });
    }
    if (typeof props.outputPath === 'string' && !isInsideRepository(props.outputPath)) {
      reportProblem(this, { field: 'outputPath', value: props.outputPath, message: 'is not a folder inside the Git repository (absolute, empty, or leaving it with "..")', fix: "give the output folder's path relative to the repository root, e.g. 'dist' or 'deploy/dist'" });
    }
    const seen = new Set<string>();
    this.environments = (Array.isArray(props.environments) ? props.environments : []).filter((e) => e instanceof Environment).map((environment) => {
      if (seen.has(environment.name)) {
        reportProblem(this, { field: 'environments', value: environment.name, message: 'names the same environment twice', fix: 'give every environment a distinct name' });
      }
      seen.add(environment.name);
      return new EnvironmentChart(this, environment);
    });
  }

  /** Calls `define` once per environment, with that environment's chart as the scope. */
  public forEachEnvironment(define: (scope: EnvironmentChart) => void): void {
    for (const chart of this.environments) define(chart);
  }
}

/**
 * The chart of one environment of a platform. Emits the environment's Namespace, labelled for the Pod
 * Security Standards "restricted" profile so the API server enforces what our constructs emit.
 */
export class EnvironmentChart extends Chart {
  /** The nearest EnvironmentChart above `scope`; throws when there is none. */
  public static of(scope: IConstruct): EnvironmentChart {
    for (const c of [...scope.node.scopes].reverse()) {
      if (c instanceof EnvironmentChart) return c as EnvironmentChart;
    }
    throw new Error(`${scope.node.path}: must be defined inside an EnvironmentChart (use Platform.forEachEnvironment)`);
  }

  /** The environment. */
  public readonly environment: Environment;
  /** The platform. */
  public readonly platform: Platform;
  /**
   * The namespace every namespaced object of this environment goes to. (Not cdk8s' `Chart.namespace`,
   * which cdk8s would stamp on every object, cluster-scoped ones included: constructs set it explicitly.)
   */
  public readonly targetNamespace: string;
  /** The NetworkPolicies of the namespace: workloads, data services and migrations register their pods with it. */
  public readonly network: EnvironmentNetwork;

  constructor(platform: Platform, environment: Environment) {
    super(platform, environment.name, { disableResourceNameHashes: true });
    this.platform = platform;
    this.environment = environment;
    this.targetNamespace = environment.namespaceOverride ?? `${platform.name}-${environment.name}`;
    if (attachedProblems(environment).usable) for (const problem of environment.problems()) reportProblem(this, { ...problem, field: `environment.${problem.field}` });

    const folder = new Construct(this, PLATFORM_FOLDER);
    setOutputFolder(folder, PLATFORM_FOLDER, DeliveryStage.PLATFORM);
    new ApiObject(folder, 'namespace', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: this.targetNamespace,
        annotations: syncWaveAnnotations(SyncWave.NAMESPACE),
        labels: {
          [PART_OF_LABEL]: platform.name,
          [MANAGED_BY_LABEL]: 'cdk8s-delivery',
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
        },
      },
    });
    this.network = new EnvironmentNetwork(this, folder, this.targetNamespace, platform.name, platform.networkPolicies);
  }
}
