/**
 * What kind of problem a finding is, so validity can be told apart from policy:
 *
 * - `schema`: the object does not match the upstream schema (core kinds, pinned CRDs); the API server rejects it.
 * - `controller`: a rule the controller, admission webhook or GitOps tool enforces (Argo Rollouts'
 *   validation.go, KEDA's webhook, Argo CD's hook and project semantics); the object is accepted but fails.
 * - `policy`: this project's standards, not upstream rules: Pod Security profiles, no inline Secret data, and
 *   our own rollout and sync policies, and the release file's promotion rule (`release/`: a digest reaches an
 *   environment only after it ran in the previous one). `--policy none` leaves them out.
 */
export type FindingCategory = 'schema' | 'controller' | 'policy';

/** Rules that are our policy although their prefix names a controller. */
export const POLICY_RULES: ReadonlySet<string> = new Set([
  // A basic canary approximates weights by pod counts; upstream accepts any weight.
  'rollout/weight-not-achievable',
  // workloadRef is valid upstream; we refuse it for its HPA/KEDA bugs (argo-rollouts #3825, #4110, #4935).
  'rollout/workload-ref',
  // Upstream rejects only a Service annotated as managed by another Rollout; two Rollouts naming one Service
  // are accepted and then fight over its selector.
  'rollout/service-shared-by-rollouts',
  // An indefinite pause is valid; it blocks Argo CD's later waves (argo-cd #19422).
  'rollout/indefinite-pause',
  // Argo CD defaults a missing wave to 0 (argo-cd #5086 is why we require one).
  'argocd/explicit-wave',
  // Named hook Jobs without BeforeHookCreation and TTL with HookSucceeded are accepted, and fail later.
  'argocd/named-hook-job',
  'argocd/hook-ttl-with-hook-succeeded',
  // The built-in default project is valid; it allows everything, which our least-privilege policy refuses.
  'argocd/default-project',
  // KEDA accepts a ScaledObject before its target; Argo CD then never reaches the target's wave.
  'keda/wave-before-target',
]);

/** The category of a rule id. */
export function categoryOf(rule: string): FindingCategory {
  if (rule.startsWith('schema/')) return 'schema';
  if (rule.startsWith('pss/') || rule.startsWith('security/') || rule.startsWith('release/') || POLICY_RULES.has(rule)) {
    return 'policy';
  }
  return 'controller';
}
