/**
 * Pull-request review aids: the semantic diff of the output folder against a git ref, and the rollout
 * plans (Mermaid diagrams of the sync order and of every workload's delivery flow) synth writes per
 * environment.
 */
export { type ReviewObject, isProductionEnvironment } from './manifests.js';
export { type BlueGreenPlan, type CanaryPlan, type CanaryPlanStep, type DeliveryPlan, type RecreatePlan, type RollingPlan, deliveryPlanOf, describePlan, describeSteps } from './delivery-plan.js';
export {
  type Change,
  type ChangeAspect,
  type DiffReport,
  type FindNewMigrationsOptions,
  type MarkdownOptions,
  type NewMigration,
  type Risk,
  type RiskFlag,
  type SemanticDiffOptions,
  COMMENT_BUDGET,
  compareManifests,
  DiffInputError,
  findNewMigrations,
  formatMarkdown,
  formatText,
  RISK_FLAGS,
  riskCounts,
  semanticDiff,
} from './diff/index.js';
export { Flowchart } from './diagrams/flowchart.js';
export { deliveryFlow, ROLLOUT_PLAN_FILE, rolloutPlanMarkdown, type RolloutPlanFile, rolloutPlans } from './diagrams/rollout-plan.js';
export { syncOrderChart } from './diagrams/sync-order.js';
