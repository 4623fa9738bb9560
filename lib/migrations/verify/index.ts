/**
 * The migration verifier: runs a service's migrations on PostgreSQL (PGlite in a child process, or a scratch
 * database on a server) and judges idempotency and expand/contract by what they did to the catalogs.
 */
export { type SqlEngine, type DatabaseErrorInfo, formatDatabaseError } from './engine.js';
export { pgliteFactory, startPglite } from './pglite-engine.js';
export { connectServer, redactUrl, type ServerOptions, SCRATCH_PREFIX } from './server-engine.js';
export { DEFAULT_VERIFY_BUDGET, VerifyBudget, VerifyBudgetError, type VerifyBudgetOptions, type KillableEngine } from './budget.js';
export { type SchemaSnapshot, snapshotSchema } from './snapshot.js';
export { type SchemaChange, diffSchemas, dataChanges } from './diff.js';
export { type CompatibilityQuery, readCompatibilityQueries, runCompatibilityQueries } from './compatibility.js';
export { type ExecutedContract, type VerifyOptions, type VerifyResult, type VerifyTimings, verifyMigrations } from './verify.js';
export { type LintAndVerifyOptions, type LintAndVerifyResult, lintAndVerifyMigrations, mergeVerified } from './lint-verified.js';
export { VerifyRule } from './rules.js';
