import { type Finding } from '../../validation/finding.js';
import { type Excuse } from './annotations.js';
import { EXCUSABLE_MIGRATION_RULES, MigrationRule } from './rules.js';
import { SQUAWK_RULES } from './squawk-rules.js';
import { type StatementFinding } from './statement-rules.js';

/** A finding waived by an in-file excuse, kept for review (`--json` prints them). */
export interface ExcusedFinding {
  readonly finding: Finding;
  /** The reason written in the excuse. */
  readonly reason: string;
  /** `file:line:column` of the excuse comment. */
  readonly excuse: string;
}

const KNOWN_MIGRATION_RULES: ReadonlySet<string> = new Set(Object.values(MigrationRule));

/** Why a rule cannot be excused from inside a migration, and what to do instead. */
const NOT_EXCUSABLE: Readonly<Record<string, string>> = {
  [MigrationRule.CONTRACT_WITH_IMAGE_CHANGE]: 'it judges the release, not a statement: old pods of the changed images still run during the rollout and use what the contract removes. Ship the image change in one release and the contract migration alone in a later one; with the default runner (MigrationRunner.psql()) a commit that only adds the file is such a release',
  [MigrationRule.APPLIED_MIGRATION_CHANGED]: 'databases that applied the file never run it again (the runner stops at a changed checksum). Restore the shipped text and put the change in a new migration',
  [MigrationRule.APPLIED_MIGRATION_REMOVED]: 'databases that applied the file keep its changes. Restore it and undo its effect in a new migration',
  [MigrationRule.OUT_OF_ORDER]: 'databases that applied the later files would run it out of order. Rename it to sort after the last shipped migration',
};

const excusableList = () => `${[...EXCUSABLE_MIGRATION_RULES].sort().join(', ')} and every squawk/… rule`;

/** Whether an excuse may name this rule: our statement rules and every squawk rule. */
export function isExcusableRule(rule: string): boolean {
  return EXCUSABLE_MIGRATION_RULES.has(rule) || (rule.startsWith('squawk/') && rule.slice('squawk/'.length) in SQUAWK_RULES);
}

function excuseFinding(excuse: Excuse, rule: string, message: string, fix: string): Finding {
  return { location: excuse.location, field: 'excuse', value: excuse.rule || undefined, rule, message, fix };
}

/**
 * Applies a file's excuses to its statement findings. A valid excuse names an excusable rule, gives a
 * reason, sits right above a statement and waives that rule's findings on that statement only. Every
 * other excuse is itself a finding and waives nothing.
 */
export function applyExcuses(
  findings: readonly StatementFinding[],
  excuses: readonly Excuse[],
): { readonly findings: Finding[]; readonly excused: ExcusedFinding[] } {
  let remaining = [...findings];
  const excused: ExcusedFinding[] = [];
  const problems: Finding[] = [];
  const syntax = 'write `-- cdk8s-delivery:allow <rule> reason: <why it is safe here>` right above the statement';
  for (const excuse of excuses) {
    if (!isExcusableRule(excuse.rule)) {
      const message = excuse.rule === ''
        ? 'the excuse names no rule'
        : KNOWN_MIGRATION_RULES.has(excuse.rule)
          ? `${excuse.rule} is checked per release or per file and cannot be excused from inside a migration`
          : `the excuse names an unknown rule "${excuse.rule}"`;
      const fix = KNOWN_MIGRATION_RULES.has(excuse.rule)
        ? `remove the excuse: ${excuse.rule} cannot be excused because ${NOT_EXCUSABLE[excuse.rule] ?? 'it is about the markers and excuses themselves. Fix what it reports'}. An excuse can waive only ${excusableList()}`
        : `name the rule exactly as the finding prints it (migration/… or squawk/…): ${syntax}`;
      problems.push(excuseFinding(excuse, MigrationRule.EXCUSE_UNKNOWN_RULE, message, fix));
      continue;
    }
    if (excuse.reason === '') {
      problems.push(excuseFinding(excuse, MigrationRule.EXCUSE_MISSING_REASON, `the excuse for ${excuse.rule} gives no reason, so it waives nothing`, `add why it is safe here: ${syntax}`));
      continue;
    }
    const matches = remaining.filter((f) => excuse.statementIndex !== undefined && f.statement === excuse.statementIndex && f.finding.rule === excuse.rule);
    if (matches.length === 0) {
      const fired = remaining.filter((f) => excuse.statementIndex !== undefined && f.statement === excuse.statementIndex).map((f) => f.finding.rule);
      const message = excuse.statementIndex === undefined
        ? `the excuse for ${excuse.rule} is not right above a statement, so it waives nothing`
        : `${excuse.rule} does not fire on the statement below, so the excuse waives nothing (rules that fire there: ${fired.length ? [...new Set(fired)].join(', ') : 'none'})`;
      problems.push(excuseFinding(excuse, MigrationRule.UNUSED_EXCUSE, message, 'remove the stale excuse, or move it right above the statement it is for'));
      continue;
    }
    remaining = remaining.filter((f) => !matches.includes(f));
    excused.push(...matches.map((m) => ({ finding: m.finding, reason: excuse.reason, excuse: excuse.location })));
  }
  return { findings: [...remaining.map((f) => f.finding), ...problems], excused };
}
