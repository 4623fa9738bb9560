import { ArgoCdTarget, ArgoCdTargetProps } from './argocd/argocd-target.js';
import { FluxTarget, FluxTargetProps } from './flux/flux-target.js';
import { IGitOpsTarget } from './gitops-target.js';
import { checkFactory } from '../core/props/check-props.js';

/** The GitOps tool a platform is delivered with. One prop of the Platform; workloads do not change. */
export class GitOpsTarget {
  /** Argo CD: an AppProject, a root Application and one child Application per folder, per environment. */
  public static argoCd(props: ArgoCdTargetProps): IGitOpsTarget {
    return checkFactory(new ArgoCdTarget(props), 'GitOpsTarget.argoCd', [props]);
  }

  /**
   * Flux: a GitRepository and one Kustomization per folder, ordered by `dependsOn`, plus a root Kustomization,
   * per environment. Helm charts (data services, controllers) become HelmRepository + HelmRelease pairs.
   */
  public static flux(props: FluxTargetProps): IGitOpsTarget {
    return checkFactory(new FluxTarget(props), 'GitOpsTarget.flux', [props]);
  }
}
