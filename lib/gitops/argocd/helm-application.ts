import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { reportProblem } from '../../core/problems.js';
import { checkProps } from '../../core/props/check-props.js';
import { SYNC_OPTIONS_ANNOTATION, syncAnnotations } from '../../core/sync-wave.js';
import { HelmChart, HelmCrdPolicy } from '../helm-chart.js';

/** The namespace Argo CD watches for Applications unless "apps in any namespace" is configured. */
export const ARGOCD_NAMESPACE = 'argocd';

/** The finalizer that makes deleting an Application delete the objects it created (foreground cascade). */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

/** The API server of the cluster Argo CD runs in. */
export const IN_CLUSTER = 'https://kubernetes.default.svc';

/** Props of an {@link ArgoCdHelmApplication}. */
export interface ArgoCdHelmApplicationProps {
  /** Application name, unique within the Argo CD namespace (include the environment when several share one Argo CD). */
  readonly name: string;
  /** The chart, its pinned version and its values. */
  readonly chart: HelmChart;
  /** Namespace the chart's objects are installed into. */
  readonly destinationNamespace: string;
  /** Sync wave of the Application object in the sync that applies it. */
  readonly wave: number;
  /** Labels of the Application object. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Namespace of the Application object. @default 'argocd' */
  readonly argoCdNamespace?: string;
  /** Argo CD project. @default 'default' */
  readonly project?: string;
  /** Destination cluster API server. @default 'https://kubernetes.default.svc' (the cluster Argo CD runs in) */
  readonly destinationServer?: string;
  /**
   * Sync automatically, pruning what the chart no longer renders and undoing manual drift.
   * @default true: automated with prune and selfHeal (Git is the source of truth)
   */
  readonly automated?: boolean;
  /**
   * Let Argo CD create the destination namespace (`CreateNamespace=true`). Leave it off when another
   * Application owns the namespace (and its Pod Security labels): two owners fight over it.
   * @default false
   */
  readonly createNamespace?: boolean;
  /**
   * Apply server-side (`ServerSideApply=true`). Needed for charts with CRDs larger than the 256 KiB
   * `last-applied-configuration` annotation that client-side apply writes (KEDA, CloudNativePG).
   * @default false
   */
  readonly serverSideApply?: boolean;
  /** Further `spec.syncPolicy.syncOptions`, appended in order. @default none */
  readonly syncOptions?: readonly string[];
  /**
   * Keep the Application when its parent sync would prune or delete it (`Prune=false,Delete=false` on the
   * Application object). Removing the file from Git then leaves the release running until someone deletes
   * the Application on purpose; with {@link RESOURCES_FINALIZER} that deletion removes the chart's objects.
   * @default false
   */
  readonly deletionProtection?: boolean;
}

/**
 * An Argo CD Application that installs one pinned Helm chart straight from its repository.
 *
 * - `spec.source` is `{repoURL, chart, targetRevision, helm: {releaseName, valuesObject}}`: values are a
 *   typed object, not a YAML string, so the manifest diff shows exactly which value changed.
 * - The resources finalizer makes deleting the Application uninstall the chart instead of orphaning it.
 * - Automated sync with prune and selfHeal by default, retried without limit (backoff 5 s doubling up to
 *   3 min): Argo CD never re-attempts a failed automated sync of the same revision by itself, and the
 *   Applications of one environment may sync in any order — a release synced before its namespace or its
 *   operator's CRDs exist must keep retrying until they do, not stop after a few attempts.
 *
 * Waves order the Application objects within the sync that applies them, but Argo CD ≥ 1.8 does not wait for
 * a child Application to become Healthy before the next wave: its health check for `argoproj.io/Application`
 * was removed. App-of-apps ordering needs it restored in `argocd-cm`:
 *
 * ```yaml
 * resource.customizations.health.argoproj.io_Application: |
 *   hs = {}
 *   hs.status = "Progressing"
 *   hs.message = ""
 *   if obj.status ~= nil and obj.status.health ~= nil then
 *     hs.status = obj.status.health.status
 *     if obj.status.health.message ~= nil then hs.message = obj.status.health.message end
 *   end
 *   return hs
 * ```
 */
export class ArgoCdHelmApplication extends Construct {
  /** The Application's name. */
  public readonly name: string;
  /** The Application object. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ArgoCdHelmApplicationProps) {
    super(scope, id);
    const usable = checkProps(this, props);
    this.name = String(props.name);
    if (!usable) {
      // Reported by the props check; the synth fails, so this object is never written.
      this.apiObject = new ApiObject(this, 'application', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: this.name } });
      return;
    }
    for (const p of props.chart.problems('chart')) reportProblem(this, p);
    if (!/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(props.name) || props.name.length > 253) {
      reportProblem(this, { field: 'name', value: props.name, message: 'is not a valid Application name', fix: 'use lower-case letters, digits, "-" and "."' });
    }

    const chart = props.chart;
    const helm: Record<string, unknown> = { releaseName: chart.releaseName };
    if (Object.keys(chart.values).length > 0) helm.valuesObject = chart.values;
    if (chart.crds === HelmCrdPolicy.SKIP) helm.skipCrds = true;

    const syncOptions = [
      ...(props.createNamespace ? ['CreateNamespace=true'] : []),
      ...(props.serverSideApply ? ['ServerSideApply=true'] : []),
      ...(props.syncOptions ?? []),
    ];
    const syncPolicy: Record<string, unknown> = {
      retry: { limit: -1, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } },
    };
    if (props.automated ?? true) syncPolicy.automated = { prune: true, selfHeal: true };
    if (syncOptions.length > 0) syncPolicy.syncOptions = syncOptions;

    const annotations = syncAnnotations(props.wave, { customResource: true });
    if (props.deletionProtection) annotations[SYNC_OPTIONS_ANNOTATION] = `${annotations[SYNC_OPTIONS_ANNOTATION]},Prune=false,Delete=false`;

    this.apiObject = new ApiObject(this, 'application', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name: props.name,
        namespace: props.argoCdNamespace ?? ARGOCD_NAMESPACE,
        labels: { ...(props.labels ?? {}) },
        annotations,
        finalizers: [RESOURCES_FINALIZER],
      },
      spec: {
        project: props.project ?? 'default',
        source: { repoURL: chart.repoURL, chart: chart.chart, targetRevision: chart.version, helm },
        destination: { server: props.destinationServer ?? IN_CLUSTER, namespace: props.destinationNamespace },
        syncPolicy,
      },
    });
  }
}
