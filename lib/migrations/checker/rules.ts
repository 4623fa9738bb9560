/**
 * The checker's own rule ids (`migration/<rule>`). Squawk's rules keep their names as `squawk/<rule>`
 * (see squawk-rules.ts); these add what squawk has no rule for.
 */
export const MigrationRule = {
  /** A contract statement in a migration that is not marked `-- migration: contract`. */
  CONTRACT_UNMARKED: 'migration/contract-unmarked',
  /** A contract migration ships in the same release as an image change of a workload that uses the database. */
  CONTRACT_WITH_IMAGE_CHANGE: 'migration/contract-with-image-change',
  /** DROP INDEX / REINDEX / DETACH PARTITION CONCURRENTLY inside a transaction block (squawk covers CREATE INDEX). */
  CONCURRENTLY_IN_TRANSACTION: 'migration/concurrently-in-transaction',
  /** VACUUM FULL, CLUSTER, SET TABLESPACE, SET [UN]LOGGED, non-concurrent REFRESH MATERIALIZED VIEW. */
  TABLE_REWRITE: 'migration/table-rewrite',
  /** UPDATE or DELETE of every row in one statement. */
  UNBATCHED_BACKFILL: 'migration/unbatched-backfill',
  /** LOCK TABLE. */
  EXPLICIT_LOCK: 'migration/explicit-lock',
  /** A statement that fails or duplicates data when the file is rerun after a partial failure. */
  NON_IDEMPOTENT: 'migration/non-idempotent',
  /** A migration that already shipped was edited (forward-only: it never runs again where it was applied). */
  APPLIED_MIGRATION_CHANGED: 'migration/applied-migration-changed',
  /** A migration that already shipped was deleted. */
  APPLIED_MIGRATION_REMOVED: 'migration/applied-migration-removed',
  /** A new migration sorts before one that already shipped. */
  OUT_OF_ORDER: 'migration/out-of-order',
  /** A `-- migration:` marker with an unknown value or outside the file header. */
  INVALID_MARKER: 'migration/invalid-marker',
  /** A `cdk8s-delivery:allow` excuse without a reason. */
  EXCUSE_MISSING_REASON: 'migration/excuse-missing-reason',
  /** A `cdk8s-delivery:allow` excuse naming no rule, an unknown rule or one that cannot be excused. */
  EXCUSE_UNKNOWN_RULE: 'migration/excuse-unknown-rule',
  /** A valid excuse that excuses no finding (stale, or not right above the statement). */
  UNUSED_EXCUSE: 'migration/unused-excuse',
  /** A DO block or function body whose statements cannot all be known offline (another language, dynamic EXECUTE). */
  UNCLASSIFIABLE: 'migration/unclassifiable',
  /** A `squawk-ignore` comment: it silences squawk without a reason. */
  SQUAWK_IGNORE: 'migration/squawk-ignore',
  /**
   * `COPY … PROGRAM` or `COPY` to or from a server file: it runs a program or touches files on the database
   * host, not the database (and `--verify` does not run it).
   */
  SERVER_ACCESS: 'migration/server-access',
} as const;

/** One of the MigrationRule ids. */
export type MigrationRuleId = (typeof MigrationRule)[keyof typeof MigrationRule];

/**
 * Statement-level rules an in-file excuse may waive. Release-level rules (image changes, edits of
 * shipped migrations, ordering) and the rules about excuses and markers themselves cannot be waived
 * from inside the file they judge.
 */
export const EXCUSABLE_MIGRATION_RULES: ReadonlySet<string> = new Set([
  MigrationRule.CONTRACT_UNMARKED,
  MigrationRule.CONCURRENTLY_IN_TRANSACTION,
  MigrationRule.TABLE_REWRITE,
  MigrationRule.UNBATCHED_BACKFILL,
  MigrationRule.EXPLICIT_LOCK,
  MigrationRule.NON_IDEMPOTENT,
  MigrationRule.UNCLASSIFIABLE,
]);

/**
 * Squawk rules that report the same statement as one of ours: ours is only reported when none of
 * them fired on that statement, so a problem is reported once, by squawk when squawk knows it.
 */
export const COVERED_BY_SQUAWK: Readonly<Partial<Record<MigrationRuleId, readonly string[]>>> = {
  [MigrationRule.NON_IDEMPOTENT]: ['prefer-robust-stmts'],
  [MigrationRule.TABLE_REWRITE]: ['prefer-repack'],
  [MigrationRule.CONCURRENTLY_IN_TRANSACTION]: ['ban-concurrent-index-creation-in-transaction', 'transaction-nesting'],
};
