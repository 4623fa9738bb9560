import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { EnvironmentChart } from '../platform/platform.js';
import { argoCdProjectNames, ArgoCdTarget } from './argocd/argocd-target.js';
import { ArgoCdHelmApplication, ArgoCdHelmApplicationProps } from './argocd/helm-application.js';
import { FluxHelmRelease } from './flux/flux-helm-release.js';
import { FluxTarget } from './flux/flux-target.js';
import { HelmChart } from './helm-chart.js';

/** What installs a chart: an Argo CD Application or a Flux HelmRelease. */
export interface HelmInstallation {
  /** Name of the Application or HelmRelease. */
  readonly name: string;
  /** The Application or HelmRelease object. */
  readonly apiObject: ApiObject;
}

/**
 * How a chart is installed, whatever the GitOps tool. The fields are those of an Argo CD Application; under
 * Flux, `name`, `destinationNamespace`, `labels`, `createNamespace` and `deletionProtection` apply,
 * and the Argo CD-only ones (`argoCdNamespace`, `project`, `destinationServer`, `wave`, `automated`,
 * `serverSideApply`, `syncOptions`) are ignored (Flux orders units by `dependsOn`, not waves): the Flux namespace and interval come from the platform's
 * Flux target, and a HelmRelease is always reconciled automatically.
 */
export type HelmRenderOptions = Omit<ArgoCdHelmApplicationProps, 'chart'>;

/**
 * Installs a pinned chart with the GitOps tool of the platform `scope` belongs to: a HelmRepository and a
 * HelmRelease when the platform's target is Flux, an Argo CD Application otherwise (Argo CD target, or no
 * target). Under an Argo CD target the Application defaults to the target's namespace, the environment's
 * destination cluster and the environment's AppProject. The constructs that install charts describe the chart once, as a {@link HelmChart}.
 */
export function renderHelmChart(scope: Construct, id: string, chart: HelmChart, options: HelmRenderOptions): HelmInstallation {
  const target = EnvironmentChart.of(scope).platform.gitops;
  if (target?.kind === 'flux') {
    const flux = target instanceof FluxTarget ? target : undefined;
    return new FluxHelmRelease(scope, id, {
      name: options.name,
      chart,
      targetNamespace: options.destinationNamespace,
      labels: options.labels,
      fluxNamespace: flux?.namespace,
      interval: flux?.interval,
      createNamespace: options.createNamespace,
      deletionProtection: options.deletionProtection,
    });
  }
  if (target instanceof ArgoCdTarget) {
    // Under the platform's Argo CD: its namespace, the environment's cluster and project unless told otherwise.
    const env = EnvironmentChart.of(scope);
    return new ArgoCdHelmApplication(scope, id, {
      ...options,
      chart,
      argoCdNamespace: options.argoCdNamespace ?? target.namespace,
      destinationServer: options.destinationServer ?? target.destinationServerOf(env.environment.name),
      project: options.project ?? argoCdProjectNames(env.platform.name, env.environment.name).environment,
    });
  }
  return new ArgoCdHelmApplication(scope, id, { ...options, chart });
}
