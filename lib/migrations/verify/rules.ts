/** Rule ids of the findings that come from running the migrations on PostgreSQL (`--verify`). */
export const VerifyRule = {
  /** A new migration fails on a database at the previous release's schema. */
  APPLY_FAILED: 'migration/apply-failed',
  /** Running the new migrations a second time fails (Argo CD reruns PreSync hooks on every sync). */
  RERUN_FAILED: 'migration/rerun-failed',
  /** Running the new migrations a second time changes the schema or the rows again. */
  RERUN_CHANGED: 'migration/rerun-changed',
  /** Executing a migration not marked contract removes or tightens what the previous release had. */
  SCHEMA_CONTRACT: 'migration/schema-contract',
  /** A query of the previous release (compatibilityQueries) fails on the migrated schema. */
  COMPATIBILITY: 'migration/compatibility-violation',
} as const;
