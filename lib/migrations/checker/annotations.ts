import { type Finding } from '../../validation/finding.js';
import { MigrationRule } from './rules.js';
import { type MigrationFile, type SqlComment } from './sql-file.js';

/**
 * In-file annotations, both plain SQL comments:
 *
 * - The contract marker, in the file header (any comment line before the first statement):
 *   `-- migration: contract`. It declares that the file removes or reshapes what older code used, so
 *   its contract statements are allowed, and the release rule applies (no image change of a workload
 *   using the database in the same release). `-- migration: expand` is accepted and means the default.
 * - An excuse, on the comment lines right above the statement it excuses (one rule per comment):
 *   `-- cdk8s-delivery:allow <rule> reason: <why this is safe here>`. The rule is the id printed in the
 *   finding (`migration/...` or `squawk/...`); the reason is mandatory.
 */

/** The value of a `-- migration:` marker. */
export type MigrationMarker = 'expand' | 'contract';

/** A parsed `cdk8s-delivery:allow` comment. */
export interface Excuse {
  /** The rule named, e.g. `migration/contract-unmarked`; '' when none is named. */
  readonly rule: string;
  /** The reason given; '' when missing. */
  readonly reason: string;
  /** `file:line:column` of the comment. */
  readonly location: string;
  /** The statement right below (index in the file), or undefined when the comment is not above one. */
  readonly statementIndex?: number;
}

const MARKER = /^migration\s*:\s*(.*)$/i;
const EXCUSE = /^cdk8s-delivery:allow\b(.*)$/i;
const SQUAWK_IGNORE = /^squawk-ignore(-file)?\b/i;

/** The text of a comment without `--` or the block delimiters. */
function body(comment: SqlComment): string {
  const text = comment.text.startsWith('--') ? comment.text.slice(2) : comment.text.replace(/^\/\*/, '').replace(/\*\/$/, '');
  return text.trim();
}

function at(file: MigrationFile, comment: SqlComment): string {
  return `${file.path}:${comment.line}:${comment.column}`;
}

/** The marker declared in the header (with the location of a contract marker), and findings for markers that are unknown or misplaced. */
export function readMarker(file: MigrationFile): { readonly marker: MigrationMarker; readonly location?: string; readonly findings: Finding[] } {
  const findings: Finding[] = [];
  let marker: MigrationMarker = 'expand';
  let location: string | undefined;
  const header = new Set(file.header);
  for (const comment of file.comments) {
    const match = MARKER.exec(body(comment));
    if (!match) continue;
    const value = match[1].trim().toLowerCase();
    const valid = value === 'contract' || value === 'expand';
    if (valid && header.has(comment)) {
      if (value === 'contract') {
        marker = 'contract';
        location ??= at(file, comment);
      }
      continue;
    }
    findings.push({
      location: at(file, comment),
      field: 'marker',
      value: comment.text,
      rule: MigrationRule.INVALID_MARKER,
      message: valid
        ? 'the migration marker is only read in the file header, before the first statement'
        : `unknown migration marker "${match[1].trim()}": the checker would treat the file as an expand migration`,
      fix: 'put `-- migration: contract` (or `-- migration: expand`) on a comment line before the first statement',
    });
  }
  return { marker, location, findings };
}

/** Every `cdk8s-delivery:allow` comment, attached to the statement right below it when there is one. */
export function readExcuses(file: MigrationFile): Excuse[] {
  const statementOf = new Map<SqlComment, number>();
  for (const statement of file.statements) for (const comment of statement.comments) statementOf.set(comment, statement.index);
  const excuses: Excuse[] = [];
  for (const comment of file.comments) {
    const match = EXCUSE.exec(body(comment));
    if (!match) continue;
    const rest = match[1].trim();
    const reasonAt = rest.search(/\breason\s*:/i);
    const rule = (reasonAt < 0 ? rest : rest.slice(0, reasonAt)).trim().replace(/[,;]$/, '');
    const reason = reasonAt < 0 ? '' : rest.slice(reasonAt).replace(/^reason\s*:/i, '').trim();
    excuses.push({ rule, reason, location: at(file, comment), statementIndex: statementOf.get(comment) });
  }
  return excuses;
}

/** Findings for `squawk-ignore` comments, which squawk honours silently and without a reason. */
export function squawkIgnoreFindings(file: MigrationFile): Finding[] {
  return file.comments
    .filter((c) => SQUAWK_IGNORE.test(body(c)))
    .map((c) => ({
      location: at(file, c),
      field: 'excuse',
      value: c.text,
      rule: MigrationRule.SQUAWK_IGNORE,
      message: 'squawk-ignore silences squawk without a reason a reviewer can read, and hides the finding from this checker',
      fix: 'replace it with `-- cdk8s-delivery:allow squawk/<rule> reason: <why it is safe here>` right above the statement',
    }));
}
