import { type ClassifiedStatement } from './classify-file.js';
import { type MigrationFile } from './sql-file.js';
import { type SquawkViolation } from './squawk.js';
import { isContractSquawkRule, squawkFix } from './squawk-rules.js';
import { type StatementFinding, statementValue } from './statement-rules.js';

/** A squawk violation placed in its file: the statement it falls in and its 1-based position. */
export interface PlacedViolation {
  readonly violation: SquawkViolation;
  readonly statement?: number;
  readonly location: string;
}

/** Places squawk's violations (0-based line, byte column) on the statements of one file. */
export function placeViolations(file: MigrationFile, violations: readonly SquawkViolation[]): PlacedViolation[] {
  return violations.map((violation) => {
    const index = file.source.indexOfLineByte(violation.line, violation.column);
    const { line, column } = file.source.position(index);
    let statement: number | undefined;
    for (const s of file.statements) {
      if (s.start > index) break;
      statement = s.index;
    }
    // Before the first statement (the header): squawk's file-level findings belong to the first one.
    if (statement === undefined && file.statements.length > 0) statement = 0;
    return { violation, statement, location: `${file.path}:${line}:${column}` };
  });
}

/**
 * Squawk's violations as findings (`squawk/<rule>`, squawk's message, our safe alternative). Contract
 * rules (drop or rename column or table, drop NOT NULL) are dropped on statements we classify as
 * contract: the expand/contract rules report or allow those once.
 */
export function squawkFindings(placed: readonly PlacedViolation[], classified: readonly ClassifiedStatement[]): StatementFinding[] {
  const out: StatementFinding[] = [];
  for (const { violation, statement, location } of placed) {
    const c = statement === undefined ? undefined : classified[statement];
    if (c?.class === 'contract' && isContractSquawkRule(violation.rule)) continue;
    out.push({
      statement,
      finding: {
        location,
        field: c?.kind ?? 'file',
        value: c ? statementValue(c.sql) : undefined,
        rule: `squawk/${violation.rule}`,
        message: violation.message,
        fix: squawkFix(violation.rule, violation.message, violation.help),
      },
    });
  }
  return out;
}
