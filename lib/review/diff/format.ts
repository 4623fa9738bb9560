import { Change, DiffReport, RISK_FLAGS, riskCounts } from './change.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Changes grouped by `<platform>/<environment>`, then unit, in report order; risky changes first within a unit. */
function grouped(changes: readonly Change[]): Map<string, Map<string, Change[]>> {
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

/** One line per change, with the values wrapped by `value` (code spans in Markdown). */
export function describeChange(c: Change, value: (s: string) => string = plainValue): string {
  const note = c.note ? ` (${c.note})` : '';
  if (c.aspect === 'added') return `added: ${c.after}${note}`;
  if (c.aspect === 'removed') return `removed (was: ${c.before})${note}`;
  if (c.before !== undefined && c.after !== undefined) return `${c.field}: ${value(c.before)} → ${value(c.after)}${note}`;
  if (c.after !== undefined) return `${c.field}: ${value(c.after)}${note}`;
  return `${c.field}: was ${value(c.before ?? '')}${note}`;
}

function summary(report: DiffReport): { changes: number; units: number; environments: number; flags: string } {
  const units = new Set(report.changes.map((c) => `${c.platform}/${c.environment}/${c.unit}`)).size;
  const environments = new Set(report.changes.filter((c) => c.platform !== '-').map((c) => `${c.platform}/${c.environment}`)).size;
  const flags = riskCounts(report.changes).map(([flag, n]) => `${flag} ×${n}`).join(', ');
  return { changes: report.changes.length, units, environments, flags };
}

/** The report as plain text for a terminal: a summary line, then environment, unit and one line per change (`!` marks a risk). */
export function formatText(report: DiffReport): string[] {
  const s = summary(report);
  const risks = riskCounts(report.changes).reduce((n, [, k]) => n + k, 0);
  const head = `cdk8s-delivery diff: ${report.dir}/ against ${report.base}`;
  if (s.changes === 0) return [`${head}: no changes`];
  const lines = [`${head}: ${plural(s.changes, 'change')} in ${plural(s.units, 'app')} of ${plural(s.environments, 'environment')}; ${risks === 0 ? 'no risk flags' : `${plural(risks, 'risk flag')}: ${s.flags}`}`];
  for (const [env, units] of grouped(report.changes)) {
    lines.push('', env);
    for (const [unit, changes] of units) {
      lines.push(`  ${unit}`);
      for (const c of changes) {
        const flags = c.risks.map((r) => `[${r.flag}: ${r.reason}]`).join(' ');
        lines.push(`    ${c.risks.length > 0 ? '!' : ' '} ${c.subject}: ${describeChange(c)}${flags ? `  ${flags}` : ''}`);
      }
    }
  }
  return lines;
}

/** A Markdown code span that survives backticks in the value. */
function code(s: string): string {
  const fence = s.includes('`') ? '``' : '`';
  return `${fence}${fence === '``' ? ` ${s} ` : s}${fence}`;
}

/**
 * The report as Markdown for a pull-request comment: a heading, a summary line with the counts and the
 * risk flags, one section per environment with a list per app (risky changes first, marked ⚠️), and the
 * meaning of every flag raised.
 */
export function formatMarkdown(report: DiffReport): string {
  const s = summary(report);
  const counts = riskCounts(report.changes);
  const risks = counts.reduce((n, [, k]) => n + k, 0);
  const lines = [`### cdk8s-delivery diff: ${code(`${report.dir}/`)} against ${code(report.base)}`, ''];
  if (s.changes === 0) return [...lines, 'No changes.', ''].join('\n');
  const flagList = counts.map(([flag, n]) => `${code(flag)} ×${n}`).join(', ');
  lines.push(`**${plural(s.changes, 'change')}** in ${plural(s.units, 'app')} of ${plural(s.environments, 'environment')} · ${risks === 0 ? 'no risk flags' : `⚠️ **${plural(risks, 'risk flag')}**: ${flagList}`}`);
  for (const [env, units] of grouped(report.changes)) {
    const all = [...units.values()].flat();
    const envRisks = all.reduce((n, c) => n + c.risks.length, 0);
    lines.push('', `#### ${env} · ${plural(all.length, 'change')}${envRisks > 0 ? ` · ⚠️ ${plural(envRisks, 'risk flag')}` : ''}`);
    for (const [unit, changes] of units) {
      lines.push('', `**${unit}**`, '');
      for (const c of changes) {
        const flags = c.risks.map((r) => ` — **${r.flag}**: ${r.reason}`).join('');
        lines.push(`- ${c.risks.length > 0 ? '⚠️ ' : ''}${code(c.subject)} ${describeChange(c, code)}${flags}`);
      }
    }
  }
  if (counts.length > 0) {
    lines.push('', '<details><summary>What the risk flags mean</summary>', '');
    for (const [flag] of counts) lines.push(`- ${code(flag)}: ${RISK_FLAGS[flag]}`);
    lines.push('', '</details>');
  }
  return [...lines, ''].join('\n');
}
