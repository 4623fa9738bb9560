import { describe, expect, it } from 'vitest';
import { Change, COMMENT_BUDGET, compareManifests, DiffReport, formatMarkdown, formatText } from '../../../lib/review/diff/index.js';
import { estate, SERVICES } from './estate.js';

/** GitHub rejects comments longer than this. */
const GITHUB_LIMIT = 65_536;

/** The Markdown line of a change as formatMarkdown writes it in full (values here are short). */
const code = (s: string) => (s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``);
const fullLine = (c: Change) => `- ⚠️ ${code(c.subject)} ${c.field}: ${code(c.before!)} → ${code(c.after!)}${c.note ? ` (${c.note})` : ''}${c.risks.map((r) => ` — **${r.flag}**: ${r.reason}`).join('')}`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const changeLines = (md: string) => md.split('\n').filter((l) => /^- (⚠️ )?`[^`]+` /.test(l));
/** Whether a change is listed in its environment's section of a comment. */
function listed(md: string): (c: Change) => boolean {
  const lines = new Set<string>();
  let env = '';
  for (const l of md.split('\n')) {
    if (l.startsWith('#### ')) env = l.slice(5).split(' · ')[0];
    else if (l.startsWith('- ')) lines.add(`${env} ${l.replace(/^- (⚠️ )?/, '').split(': ')[0]}`);
  }
  return (c) => lines.has(`${c.platform}/${c.environment} ${code(c.subject)} ${c.field}`);
}
/** The number in `Not shown: N of …` (0 when nothing is cut). */
const hiddenCount = (md: string) => Number(/Not shown: (\d+) of /.exec(md)?.[1] ?? 0);

describe('formatMarkdown within a comment budget', () => {
  // GIVEN a release of 20 services (dev rolling, staging and prod canary with SLO analysis) that bumps every
  // image and changes every service's SLO: a lower abort line, a latency objective or confidence, a path left out
  const report: DiffReport = { base: 'origin/main', dir: 'dist', changes: compareManifests(estate(1), estate(2)) };
  const flagged = report.changes.filter((c) => c.risks.length > 0);
  const diffs = report.changes.filter((c) => c.lineDiff);

  it('GIVEN the 20-service release THEN the comment stays under the default budget, lists every flagged change with its reason and says what it cut', () => {
    // WHEN
    const md = formatMarkdown(report);
    // THEN
    expect(flagged.length).toBeGreaterThanOrEqual(SERVICES * 2 * 2);
    expect(md.length).toBeLessThanOrEqual(COMMENT_BUDGET);
    expect(COMMENT_BUDGET).toBeLessThan(GITHUB_LIMIT);
    for (const c of flagged) expect(md).toContain(`${fullLine(c)}\n`);
    // No query is in it: every line is short.
    expect(Math.max(...md.split('\n').map((l) => l.length))).toBeLessThan(600);
    // The whole report does not fit: only line diffs were left out, and the note counts them.
    const shownDiffs = md.split('\n').filter((l) => l.startsWith('<details><summary><code>')).length;
    expect(shownDiffs).toBeGreaterThan(0);
    expect(shownDiffs).toBeLessThan(diffs.length);
    expect(changeLines(md)).toHaveLength(report.changes.length);
    expect(md).toContain(`✂️ **Shortened to 60,000 characters** (GitHub rejects comments over 65,536). Not shown: ${diffs.length - shownDiffs} line diffs. Every risk-flagged change is listed.\nRun \`npx --no cdk8s-delivery diff --base origin/main --format text\` locally for all of it.\n`);
  });

  it('GIVEN budgets from 20,000 to 58,000 THEN line diffs go first, then unflagged changes from the least important, outside prod before prod; the note counts them', () => {
    // The order of importance for unflagged changes (lowest first), each outside prod before prod.
    const rank = (c: Change) => (c.lineDiff ? 1 : { other: 0, wave: 2, renamed: 2, autoscaling: 3, replicas: 3, 'disruption-budget': 3, analysis: 4, strategy: 5, 'canary-steps': 5, image: 6, added: 6, removed: 6, migration: 7, promotion: 7 }[c.aspect]) * 2 + (c.environment === 'prod' ? 1 : 0);
    let partlyCutImages = false;
    for (let budget = 20_000; budget <= 58_000; budget += 2_000) {
      // WHEN
      const md = formatMarkdown(report, { maxChars: budget });
      // THEN
      expect(md.length).toBeLessThanOrEqual(budget);
      const shown = listed(md);
      const hidden = report.changes.filter((c) => !shown(c));
      expect(hidden.every((c) => c.risks.length === 0), `${budget}: only unflagged changes are cut`).toBe(true);
      expect(hidden.length, `${budget}: the note counts what is cut`).toBe(hiddenCount(md));
      if (hidden.length > 0) {
        expect(md, `${budget}: no line diff while changes are cut`).not.toContain('<details><summary><code>');
        const highest = Math.max(...hidden.map(rank));
        expect(report.changes.filter((c) => c.risks.length === 0 && rank(c) < highest).every((c) => !shown(c)), `${budget}: less important changes are cut first`).toBe(true);
        const apps = new Set(hidden.map((c) => `${c.environment}/${c.unit}`)).size;
        expect(md).toContain(`Not shown: ${hidden.length} of ${report.changes.length} changes in ${plural(apps, 'app')} (`);
        // Each section with cut changes says how many of its changes are listed.
        for (const env of new Set(hidden.map((c) => c.environment))) {
          const all = report.changes.filter((c) => c.environment === env);
          expect(md).toContain(`#### shop/${env} · ${all.length} changes (${all.some(shown) ? all.filter(shown).length : 'none'} shown)`);
        }
      }
      const images = report.changes.filter((c) => c.aspect === 'image');
      if (images.some(shown) && !images.every(shown)) partlyCutImages = true;
    }
    expect(partlyCutImages, 'some budget cuts the images outside prod and keeps those in prod').toBe(true);
  });

  it('GIVEN more risk-flagged changes than the budget holds THEN reasons go first, then flagged changes, said loudly; the comment still fits', () => {
    // GIVEN 900 flagged changes
    const many: Change[] = Array.from({ length: 900 }, (_, i) => ({
      platform: 'shop', environment: 'prod', unit: `svc-${i}`, subject: `AnalysisTemplate/svc-${i}-slo`, aspect: 'analysis', field: 'success-rate abort line', before: '0.998', after: '0.98',
      risks: [{ flag: 'analysis-weakened', reason: 'success-rate abort line 0.998 → 0.98: the analysis tolerates more' }],
    }));
    // WHEN
    const some = formatMarkdown({ base: 'main', dir: 'dist', changes: many.slice(0, 400) });
    const all = formatMarkdown({ base: 'main', dir: 'dist', changes: many });
    // THEN: 400 fit without their reasons
    expect(some.length).toBeLessThanOrEqual(COMMENT_BUDGET);
    expect(changeLines(some)).toHaveLength(400);
    expect(some).toContain('Every risk-flagged change is listed, ');
    expect(some).toContain('- ⚠️ `AnalysisTemplate/svc-399-slo` success-rate abort line: `0.998` → `0.98` — **analysis-weakened**\n');
    // 900 do not: the summary still counts them all, and the note says how many are missing
    expect(all.length).toBeLessThanOrEqual(COMMENT_BUDGET);
    expect(all).toContain('⚠️ **900 risk flags**: `analysis-weakened` ×900');
    expect(all).toContain(`⚠️ **${900 - changeLines(all).length} risk-flagged changes not shown** (counted in the summary above).`);
    expect(all).not.toContain('What the risk flags mean');
  });

  it('GIVEN the smallest budget THEN heading, summary and note fit in it', () => {
    // WHEN
    const md = formatMarkdown(report, { maxChars: 2_000 });
    // THEN
    expect(md.length).toBeLessThanOrEqual(2_000);
    expect(md).toContain(`**${report.changes.length} changes** in ${SERVICES * 3} apps of 3 environments`);
    expect(md).toContain('Run `npx --no cdk8s-delivery diff --base origin/main --format text` locally for all of it.');
  });

  it('GIVEN a budget below 2,000 or not a whole number THEN RangeError', () => {
    expect(() => formatMarkdown(report, { maxChars: 1_999 })).toThrow(new RangeError('maxChars must be a whole number of at least 2000, got 1999'));
    expect(() => formatMarkdown(report, { maxChars: 2_500.5 })).toThrow(RangeError);
  });

  it('GIVEN the text format THEN nothing is cut: every change and every line diff', () => {
    // WHEN
    const text = formatText(report).join('\n');
    // THEN
    for (const c of report.changes) expect(text).toContain(`${c.subject}: ${c.field}`);
    for (const c of diffs) expect(text).toContain(c.lineDiff!.map((l) => `          ${l}`).join('\n'));
  });
});
