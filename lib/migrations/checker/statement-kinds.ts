/**
 * What each contract kind breaks and its expand/contract alternative. A contract statement removes or
 * reshapes something the previous release's code may still use while both versions run (canary or
 * rolling update), so it must wait for a later release than the code change that stops using it.
 */
export interface ContractKind {
  /** Why the old code breaks, completing "…: ". */
  readonly why: string;
  /** The expand/contract sequence that does the same change safely. */
  readonly fix: string;
}

const LATER = 'in a later release, in a migration marked `-- migration: contract`, once no running version';

/** Contract kinds with a specific explanation; other `drop-*` and `rename-*` kinds use the generic one. */
export const CONTRACT_KINDS: Readonly<Record<string, ContractKind>> = {
  'drop-column': {
    why: 'the previous release still reads or writes the column while it runs next to the new one',
    fix: `stop using the column in one release, then drop it ${LATER} reads it: ALTER TABLE … DROP COLUMN IF EXISTS …`,
  },
  'drop-table': {
    why: 'the previous release still queries the table while it runs next to the new one',
    fix: `stop using the table in one release, then drop it ${LATER} queries it: DROP TABLE IF EXISTS …`,
  },
  'rename-column': {
    why: 'the previous release still uses the old column name, which disappears at once',
    fix: 'add the new column (expand), write both and backfill in batches, switch reads, then drop the old column in a marked contract migration',
  },
  'rename-table': {
    why: 'the previous release still uses the old table name, which disappears at once',
    fix: 'create the new table (or a view with the new name) as an expand step, move the code, then drop the old name in a marked contract migration',
  },
  'alter-column-type': {
    why: 'the previous release reads and writes the old type, and the change rewrites the table under an ACCESS EXCLUSIVE lock',
    fix: 'add a column of the new type (expand), backfill it in batches, switch the code, then drop the old column in a marked contract migration',
  },
  'set-not-null': {
    why: 'the previous release may still insert NULL or omit the column',
    fix: `ADD CONSTRAINT … CHECK (column IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT, then SET NOT NULL ${LATER} writes NULL`,
  },
  'drop-not-null': {
    why: 'the previous release may not handle NULL in a column it reads',
    fix: `ship code that handles NULL first, then DROP NOT NULL ${LATER} assumes a value`,
  },
  'drop-default': {
    why: 'the previous release may insert rows without the column and rely on its default',
    fix: `ship code that always writes the column first, then DROP DEFAULT ${LATER} omits it`,
  },
  'drop-constraint': {
    why: 'the previous release may rely on the constraint (ON CONFLICT targets, cascades, guaranteed invariants)',
    fix: `stop relying on the constraint in one release, then drop it ${LATER} needs it: ALTER TABLE … DROP CONSTRAINT IF EXISTS …`,
  },
  'drop-index': {
    why: 'the previous release may rely on the index (ON CONFLICT targets, query plans)',
    fix: `drop it ${LATER} needs it, with DROP INDEX CONCURRENTLY IF EXISTS … outside a transaction`,
  },
  'drop-index-concurrently': {
    why: 'the previous release may rely on the index (ON CONFLICT targets, query plans)',
    fix: `drop it ${LATER} needs it`,
  },
  'add-required-column': {
    why: 'the previous release inserts rows without the new NOT NULL column, and those inserts fail',
    fix: 'add the column nullable or with a constant DEFAULT (expand), write it from the code, then SET NOT NULL in a marked contract migration',
  },
  truncate: {
    why: 'it deletes every row the previous release still reads',
    fix: `stop using the data first, then remove it ${LATER} reads it`,
  },
  'delete-all-rows': {
    why: 'it deletes every row the previous release still reads, in one long transaction',
    fix: `stop using the data first, then delete it in batches ${LATER} reads it`,
  },
  revoke: {
    why: 'the previous release may still need the privilege',
    fix: `revoke it ${LATER} needs it`,
  },
  'detach-partition': {
    why: 'the rows of the detached partition disappear from the table the previous release queries',
    fix: `detach it ${LATER} reads those rows, with DETACH PARTITION … CONCURRENTLY outside a transaction`,
  },
};

/** The explanation for a contract kind, with a generic fallback for other drops and renames. */
export function contractKind(kind: string): ContractKind {
  return (
    CONTRACT_KINDS[kind] ?? {
      why: `the previous release may still use what ${kind.replace(/-/g, ' ')} removes or renames`,
      fix: `ship code that no longer uses it first, then do it ${LATER} depends on the old shape`,
    }
  );
}
