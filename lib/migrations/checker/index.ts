/**
 * The migration checker: expand/contract discipline and lock safety for a service's SQL migrations.
 * Start with lintMigrations; classifyStatement classifies a single parse tree node.
 */
export { type Excuse, type MigrationMarker } from './annotations.js';
export { type ClassifyContext, type StatementClass, type StatementClassification, classifyStatement } from './classify.js';
export { type ClassifiedStatement, classifyFile } from './classify-file.js';
export { type InputProblem, MigrationInputError } from './errors.js';
export { type ExcusedFinding, isExcusableRule } from './excuses.js';
export { type LintMigrationsOptions, type LintMigrationsResult, type MigrationSummary, lintMigrations } from './lint.js';
export { type ImageChange, type ReleaseChanges, type ReleaseState, compareReleases, contractReleaseFindings } from './release.js';
export { type ReleaseSources, releaseStateAtRef, releaseStateOnDisk, workloadImages } from './release-state.js';
export { EXCUSABLE_MIGRATION_RULES, MigrationRule, type MigrationRuleId } from './rules.js';
export { type MigrationFile, type ParsedStatement, parseMigration, readMigrationDirectory } from './sql-file.js';
export { SQUAWK_RULES } from './squawk-rules.js';
export { type SquawkSettings } from './squawk.js';
