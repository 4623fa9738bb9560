import { Finding } from '../validation/finding.js';
import type { GitOpsTree } from '../validation/gitops-tree.js';
import type { Manifest } from '../validation/manifest.js';
import type { ResourceScopes } from '../validation/schema/scopes.js';
import { GitOpsUnit } from './units.js';

/** What a GitOps target renders for one environment of a platform. */
export interface GitOpsRenderContext {
  readonly platform: string;
  readonly environment: string;
  /** The environment's namespace. */
  readonly namespace: string;
  /** The units, in delivery order. */
  readonly units: readonly GitOpsUnit[];
  /** Path of the output root inside the Git repository, e.g. `dist`. */
  readonly outputPath: string;
  /** Objects of the environment that {@link IGitOpsTarget.relocate} moved out of the unit folders. @default none */
  readonly relocated?: readonly GitOpsObject[];
  /** Which kinds are namespaced (core kinds, pinned CRDs, the user's `crds`). @default the core kinds and the pinned CRDs */
  readonly scopes?: ResourceScopes;
  /** The other environments of the platform, in order (a target that shares one instance between them says so). @default this environment only */
  readonly environments?: readonly string[];
}

/** A rendered GitOps object: where it goes (relative to the output root) and the manifest. */
export interface GitOpsObject {
  readonly path: string;
  readonly manifest: Record<string, any>;
}

/**
 * How a platform is delivered from Git. Choosing the target is one prop of the Platform; workloads do
 * not change. A target renders, per environment, the objects that make the GitOps tool sync every unit
 * in delivery order (platform → data → migrations → apps).
 */
export interface IGitOpsTarget {
  /** `argocd` or `flux`. */
  readonly kind: string;
  /** Renders the environment's GitOps objects. */
  render(context: GitOpsRenderContext): GitOpsObject[];
  /** Problems with the target's props. */
  problems(): Finding[];
  /**
   * Rewrites an object of the platform's environments (in place) for this tool, before it is written: Flux drops
   * the Argo CD annotations every construct writes, or turns them into their Flux counterparts.
   * @default objects are written as the constructs render them
   */
  adapt?(manifest: Record<string, any>): void;
  /**
   * Where an object of a unit folder belongs instead, if elsewhere: an Argo CD target moves the Argo CD
   * objects (Helm Applications) to the environment's `argocd/` folder, which Argo CD's own cluster syncs.
   * @default objects stay in their folder
   */
  relocate?(path: string, manifest: Record<string, any>): string | undefined;
  /**
   * Checks what the GitOps tool syncs, with every GitOps object of the platform in place (all environments), on top
   * of the duplicate-object check every target gets: charts installed twice into a cluster, projects that do not
   * allow what their Applications deploy. `objects` are located by their path below the output folder; the tree
   * says which instance holds each and where it deploys.
   * @default no checks beyond the per-object rules and duplicate objects
   */
  checkTree?(objects: readonly Manifest[], tree: GitOpsTree, scopes: ResourceScopes): Finding[];
}
