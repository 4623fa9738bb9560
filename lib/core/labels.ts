/** Recommended Kubernetes labels, and the subset used as selectors. */

/** The label that identifies a workload; selectors use it (and only it plus part-of). */
export const NAME_LABEL = 'app.kubernetes.io/name';
/** The platform a workload belongs to. */
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';
/** Who manages the object. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
/** The workload class (stateless-service, queue-worker...). */
export const COMPONENT_LABEL = 'app.kubernetes.io/component';

/**
 * Selector labels of a workload. Kept minimal and stable: a selector is immutable on Deployments, and
 * every Service selector key must also be a pod label or Argo Rollouts rejects the Rollout.
 */
export function selectorLabels(platform: string, name: string): Record<string, string> {
  return { [NAME_LABEL]: name, [PART_OF_LABEL]: platform };
}

/** Labels on every object of a workload: the selector labels plus managed-by and component. */
export function commonLabels(platform: string, name: string, component: string): Record<string, string> {
  return { ...selectorLabels(platform, name), [COMPONENT_LABEL]: component, [MANAGED_BY_LABEL]: 'cdk8s-delivery' };
}
