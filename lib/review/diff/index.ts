/**
 * The semantic diff of the output folder against a git ref: what changed in terms a reviewer cares
 * about, with risk flags. Start with semanticDiff; formatText and formatMarkdown print its report.
 */
export { type Change, type ChangeAspect, type DiffReport, type Risk, type RiskFlag, RISK_FLAGS, riskCounts } from './change.js';
export { compareManifests, compareObjects } from './compare.js';
export { conditionWeakened } from './compare-analysis.js';
export { describeChange, formatText } from './format.js';
export { COMMENT_BUDGET, formatMarkdown, type MarkdownOptions, MIN_COMMENT_BUDGET } from './format-markdown.js';
export { DiffInputError, parseManifests, readManifestsAtRef, readManifestsOnDisk } from './load.js';
export { type FindNewMigrationsOptions, findNewMigrations, type NewMigration } from './migrations.js';
export { semanticDiff, type SemanticDiffOptions } from './semantic-diff.js';
