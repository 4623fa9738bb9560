import { isProductionEnvironment } from '../manifests.js';
import { Change, ChangeAspect, DiffReport, RISK_FLAGS, riskCounts } from './change.js';
import { describeChange, grouped, plural, summary } from './format.js';
import { mdCode as code, mdHtml as html, mdText as text, visible } from '../../cli/escape.js';

/**
 * The review comment of a pull request, within a budget: GitHub rejects a comment over 65,536 characters,
 * and then the CI step that posts it fails and the reviewer gets nothing. When the whole report does not
 * fit, the least important content is cut first and the comment ends with what was cut.
 */

/** The characters a comment may have by default: under GitHub's limit (65,536) with room to spare. */
export const COMMENT_BUDGET = 60_000;

/** The smallest budget accepted: the heading, the summary line and the note of what was cut must fit. */
export const MIN_COMMENT_BUDGET = 2_000;

/** Options of {@link formatMarkdown}. */
export interface MarkdownOptions {
  /**
   * The most characters (JavaScript string length, which is never less than the number of characters
   * GitHub counts) the comment may have; at least 2,000.
   * @default 60,000 (COMMENT_BUDGET): under GitHub's 65,536
   */
  readonly maxChars?: number;
}

/** Values longer than this are shortened in the comment (the text format shows them whole). */
const MAX_VALUE = 200;

/**
 * Importance of a change when the comment must be shortened: unflagged changes are cut lowest first —
 * the list of other fields, then query summaries (their parameters have their own lines), then sync
 * order and capacity, analysis, strategy, and last what is released (images, migrations, objects added
 * or removed). At the same rank, changes outside production go first.
 */
const RANK: Record<ChangeAspect, number> = {
  other: 0,
  wave: 2,
  renamed: 2,
  autoscaling: 3,
  replicas: 3,
  'disruption-budget': 3,
  analysis: 4,
  strategy: 5,
  'canary-steps': 5,
  image: 6,
  added: 6,
  removed: 6,
  migration: 7,
  promotion: 7,
};

/** Whether a change has a line diff to show. */
const hasDiff = (c: Change): boolean => (c.lineDiff?.length ?? 0) > 0;

function importance(c: Change): number {
  const rank = hasDiff(c) ? 1 : RANK[c.aspect];
  return rank * 2 + (isProductionEnvironment(c.environment) ? 1 : 0);
}

const shorten = (s: string) => (s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 1)}… (${s.length} characters)` : s);

/** How a change is shown: whole, with its flags but not their reasons, or not at all. */
type Mode = 'full' | 'compact' | 'hidden';

interface Layout {
  readonly mode: Map<Change, Mode>;
  readonly details: Set<Change>;
  legend: boolean;
}

function changeLine(c: Change, mode: Mode): string {
  const shown = c.note && c.note.length > MAX_VALUE ? { ...c, note: shorten(c.note) } : c;
  const flags = c.risks.map((r) => (mode === 'full' ? ` — **${r.flag}**: ${text(r.reason)}` : ` — **${r.flag}**`)).join('');
  return `- ${c.risks.length > 0 ? '⚠️ ' : ''}${code(c.subject)} ${describeChange(shown, (v) => code(shorten(v)), text)}${flags}`;
}

function detailsBlock(c: Change): string[] {
  const lines = (c.lineDiff ?? []).map(visible);
  const longest = Math.max(2, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((m) => m.length))));
  const fence = '`'.repeat(longest + 1);
  return ['', `<details><summary><code>${html(c.subject)}</code> ${html(c.field)}: line diff</summary>`, '', `${fence}diff`, ...lines, fence, '', '</details>'];
}

/** What the layout leaves out, for the closing note. */
function cutNote(report: DiffReport, layout: Layout, maxChars: number): string[] {
  const hidden = report.changes.filter((c) => layout.mode.get(c) === 'hidden');
  const compact = report.changes.filter((c) => layout.mode.get(c) === 'compact');
  const diffs = report.changes.filter((c) => hasDiff(c) && !layout.details.has(c) && layout.mode.get(c) !== 'hidden').length;
  if (hidden.length === 0 && compact.length === 0 && diffs === 0 && layout.legend) return [];
  const parts: string[] = [];
  if (hidden.length > 0) {
    const apps = new Set(hidden.map((c) => `${c.platform}/${c.environment}/${c.unit}`)).size;
    const aspects = new Map<string, number>();
    for (const c of hidden) {
      const kind = hasDiff(c) ? 'queries' : c.aspect;
      aspects.set(kind, (aspects.get(kind) ?? 0) + 1);
    }
    parts.push(`${hidden.length} of ${plural(report.changes.length, 'change')} in ${plural(apps, 'app')} (${[...aspects].map(([a, n]) => `${a} ×${n}`).join(', ')})`);
  }
  if (diffs > 0) parts.push(plural(diffs, 'line diff'));
  if (!layout.legend) parts.push('the meaning of the risk flags');
  const flagged = hidden.filter((c) => c.risks.length > 0).length;
  const flags = flagged > 0
    ? `⚠️ **${plural(flagged, 'risk-flagged change')} not shown** (counted in the summary above).`
    : report.changes.some((c) => c.risks.length > 0)
      ? `Every risk-flagged change is listed${compact.length > 0 ? `, ${compact.length} without the reason` : ''}.`
      : '';
  return ['', '---', '', `✂️ **Shortened to ${maxChars.toLocaleString('en-US')} characters** (GitHub rejects comments over 65,536). Not shown: ${parts.join('; ')}. ${flags}`.trimEnd(),
    `Run ${code(`npx --no cdk8s-delivery diff --base ${report.base}${report.dir === 'dist' ? '' : ` --dir ${report.dir}`} --format text`)} locally for all of it.`];
}

function render(report: DiffReport, layout: Layout, maxChars: number): string {
  const s = summary(report);
  const counts = riskCounts(report.changes);
  const risks = counts.reduce((n, [, k]) => n + k, 0);
  const lines = [`### cdk8s-delivery diff: ${code(`${report.dir}/`)} against ${code(report.base)}`, ''];
  if (s.changes === 0) return [...lines, 'No changes.', ''].join('\n');
  const flagList = counts.map(([flag, n]) => `${code(flag)} ×${n}`).join(', ');
  lines.push(`**${plural(s.changes, 'change')}** in ${plural(s.units, 'app')} of ${plural(s.environments, 'environment')} · ${risks === 0 ? 'no risk flags' : `⚠️ **${plural(risks, 'risk flag')}**: ${flagList}`}`);
  for (const [env, units] of grouped(report.changes)) {
    const all = [...units.values()].flat();
    const visible = all.filter((c) => layout.mode.get(c) !== 'hidden');
    const envRisks = all.reduce((n, c) => n + c.risks.length, 0);
    const shown = visible.length === 0 ? ' (none shown)' : visible.length < all.length ? ` (${visible.length} shown)` : '';
    lines.push('', `#### ${text(env)} · ${plural(all.length, 'change')}${shown}${envRisks > 0 ? ` · ⚠️ ${plural(envRisks, 'risk flag')}` : ''}`);
    for (const [unit, changes] of units) {
      const listed = changes.filter((c) => layout.mode.get(c) !== 'hidden');
      if (listed.length === 0) continue;
      lines.push('', `**${text(unit)}**`, '');
      for (const c of listed) lines.push(changeLine(c, layout.mode.get(c)!));
      for (const c of listed) if (layout.details.has(c)) lines.push(...detailsBlock(c));
    }
  }
  if (counts.length > 0 && layout.legend) {
    lines.push('', '<details><summary>What the risk flags mean</summary>', '');
    for (const [flag] of counts) lines.push(`- ${code(flag)}: ${RISK_FLAGS[flag]}`);
    lines.push('', '</details>');
  }
  lines.push(...cutNote(report, layout, maxChars));
  return [...lines, ''].join('\n');
}

/** One step of shortening, and about how many characters it saves. */
interface Cut {
  readonly apply: () => void;
  readonly saves: () => number;
}

/**
 * The steps that shorten a comment, in order: line diffs, unflagged changes, the reasons of flagged
 * changes, the meaning of the flags, and only then flagged changes — each lowest importance first, from
 * the end of the report.
 */
function cuts(report: DiffReport, layout: Layout): Cut[] {
  const order = report.changes.map((c, i) => ({ c, i })).sort((x, y) => importance(x.c) - importance(y.c) || y.i - x.i).map(({ c }) => c);
  const flagged = order.filter((c) => c.risks.length > 0);
  return [
    ...order.filter(hasDiff).map((c) => ({ apply: () => layout.details.delete(c), saves: () => detailsBlock(c).join('\n').length + 1 })),
    ...order.filter((c) => c.risks.length === 0).map((c) => ({ apply: () => layout.mode.set(c, 'hidden'), saves: () => changeLine(c, 'full').length + 1 })),
    ...flagged.map((c) => ({ apply: () => layout.mode.set(c, 'compact'), saves: () => changeLine(c, 'full').length - changeLine(c, 'compact').length })),
    { apply: () => { layout.legend = false; }, saves: () => 100 * riskCounts(report.changes).length },
    ...flagged.map((c) => ({ apply: () => layout.mode.set(c, 'hidden'), saves: () => changeLine(c, 'compact').length + 1 })),
  ];
}

/**
 * The report as Markdown for a pull-request comment: a heading, a summary line with the counts and the
 * risk flags, one section per environment with a list per app (risky changes first, marked ⚠️), the line
 * diffs of changed queries collapsed, and the meaning of every flag raised.
 *
 * The comment stays within `maxChars` (default 60,000, under GitHub's 65,536): when the whole report is
 * longer, it leaves out line diffs first, then unflagged changes (least important first: other fields,
 * query summaries, sync order and capacity, analysis, strategy, and last images, migrations and objects
 * added or removed; outside production before production), then the reasons of risk flags, and ends with
 * what it left out and the command that prints everything. Risk-flagged changes are always listed, unless
 * they alone exceed the budget.
 */
export function formatMarkdown(report: DiffReport, options: MarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? COMMENT_BUDGET;
  if (!Number.isInteger(maxChars) || maxChars < MIN_COMMENT_BUDGET) throw new RangeError(`maxChars must be a whole number of at least ${MIN_COMMENT_BUDGET}, got ${maxChars}`);
  const layout: Layout = { mode: new Map(report.changes.map((c) => [c, 'full'])), details: new Set(report.changes.filter(hasDiff)), legend: true };
  let text = render(report, layout, maxChars);
  const steps = cuts(report, layout);
  let next = 0;
  while (text.length > maxChars && next < steps.length) {
    // Cut about as much as is over, then measure again (headings of emptied apps and the closing note make the estimate inexact).
    let over = text.length - maxChars;
    while (over > 0 && next < steps.length) {
      over -= steps[next].saves();
      steps[next++].apply();
    }
    text = render(report, layout, maxChars);
  }
  // Only a heading longer than the budget (an absurd --dir or --base) gets here: the limit holds regardless.
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 2)}…\n`;
}
