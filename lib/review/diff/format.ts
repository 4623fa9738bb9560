import { visibleLines } from '../../cli/escape.js';
import { Change, DiffReport, riskCounts } from './change.js';

/** `1 change`, `2 changes`. */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Changes grouped by `<platform>/<environment>`, then unit, in report order; risky changes first within a unit. */
export function grouped(changes: readonly Change[]): Map<string, Map<string, Change[]>> {
  const out = new Map<string, Map<string, Change[]>>();
  for (const c of changes) {
    const env = c.platform === '-' ? 'migrations outside any environment' : `${c.platform}/${c.environment}`;
    const units = out.get(env) ?? new Map<string, Change[]>();
    units.set(c.unit, [...(units.get(c.unit) ?? []), c]);
    out.set(env, units);
  }
  for (const units of out.values()) for (const [unit, list] of units) units.set(unit, [...list].sort((a, b) => Number(b.risks.length > 0) - Number(a.risks.length > 0)));
  return out;
}

/** Plain-text values: bracketed when they contain an arrow themselves (canary steps), so `before → after` stays unambiguous. */
const plainValue = (s: string) => (s.includes('→') ? `[${s}]` : s);

/**
 * One line per change, with the values wrapped by `value` (code spans in Markdown) and the other words
 * that come from input (the field, the note, an added or removed object's summary) by `text` (escaped
 * Markdown text; plain text is made visible line by line by {@link formatText}).
 */
export function describeChange(c: Change, value: (s: string) => string = plainValue, text: (s: string) => string = (s) => s): string {
  const note = c.note ? ` (${text(c.note)})` : '';
  if (c.aspect === 'added') return `added: ${text(c.after ?? '')}${note}`;
  if (c.aspect === 'removed') return `removed (was: ${text(c.before ?? '')})${note}`;
  if (c.before !== undefined && c.after !== undefined) return `${text(c.field)}: ${value(c.before)} → ${value(c.after)}${note}`;
  if (c.after !== undefined) return `${text(c.field)}: ${value(c.after)}${note}`;
  return `${text(c.field)}: was ${value(c.before ?? '')}${note}`;
}

/** The counts of a report's summary line. */
export function summary(report: DiffReport): { changes: number; units: number; environments: number; flags: string } {
  const units = new Set(report.changes.map((c) => `${c.platform}/${c.environment}/${c.unit}`)).size;
  const environments = new Set(report.changes.filter((c) => c.platform !== '-').map((c) => `${c.platform}/${c.environment}`)).size;
  const flags = riskCounts(report.changes).map(([flag, n]) => `${flag} ×${n}`).join(', ');
  return { changes: report.changes.length, units, environments, flags };
}

/**
 * The report as plain text for a terminal: a summary line, then environment, unit and one line per change
 * (`!` marks a risk), with the compact line diff of a long text (a query) indented below its change. Nothing
 * is left out: this is the whole report the Markdown comment points to when it had to be shortened.
 * Every line is made visible (lib/cli/escape.ts): a value with a newline or a terminal escape in it
 * stays one piece of one line.
 */
export function formatText(report: DiffReport): string[] {
  const s = summary(report);
  const risks = riskCounts(report.changes).reduce((n, [, k]) => n + k, 0);
  const head = `cdk8s-delivery diff: ${report.dir}/ against ${report.base}`;
  if (s.changes === 0) return visibleLines([`${head}: no changes`]);
  const lines = [`${head}: ${plural(s.changes, 'change')} in ${plural(s.units, 'app')} of ${plural(s.environments, 'environment')}; ${risks === 0 ? 'no risk flags' : `${plural(risks, 'risk flag')}: ${s.flags}`}`];
  for (const [env, units] of grouped(report.changes)) {
    lines.push('', env);
    for (const [unit, changes] of units) {
      lines.push(`  ${unit}`);
      for (const c of changes) {
        const flags = c.risks.map((r) => `[${r.flag}: ${r.reason}]`).join(' ');
        lines.push(`    ${c.risks.length > 0 ? '!' : ' '} ${c.subject}: ${describeChange(c)}${flags ? `  ${flags}` : ''}`);
        for (const l of c.lineDiff ?? []) lines.push(`          ${l}`);
      }
    }
  }
  return visibleLines(lines);
}
