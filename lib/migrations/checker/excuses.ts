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
      problems.push(excuseFinding(excuse, MigrationRule.EXCUSE_UNKNOWN_RULE, message, `name the rule exactly as the finding prints it (migration/… or squawk/…): ${syntax}`));
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
