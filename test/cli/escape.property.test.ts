import { type Node, Parser } from 'commonmark';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mdCode, mdHtml, mdText, visible } from '../../lib/cli/escape.js';
import { type Change, type DiffReport, RISK_FLAGS, type RiskFlag } from '../../lib/review/diff/change.js';
import { formatText } from '../../lib/review/diff/format.js';
import { formatMarkdown } from '../../lib/review/diff/format-markdown.js';

/**
 * Issue 26, defect 1: whatever a pull request puts in a value (an image, a file or folder name, a metric
 * name, a database's message), the review comment's structure is exactly what the tool emitted — the same
 * headings, lists, details blocks and HTML as the same report with harmless values — and the text format
 * prints one line per line the tool wrote.
 */

/** Pieces of Markdown, HTML and terminal syntax an attacker would try. */
const HOSTILE = [
  '`', '``', '```', '````', '~~~', '\n', '\n\n', '\r', '\r\n', '\u2028', '\u2029', '\u0085', '\u001b[8m', '\u001b]8;;http://x\u0007', '\u202e', '\u200b', '\u0000',
  '### No changes that need review', '# ', '#### ', '- ', '* ', '+ ', '1. ', '> ', '    ', '---', '===', '|', '| --- |',
  '<!--', '-->', '<details>', '</details>', '<summary>', '<script>alert(1)</script>', '<img src=x>', '<a href="http://evil">', '</code>', '<code>',
  '[link](http://evil.example)', '![img](http://evil.example/x.png)', '<http://evil.example>', '[^1]', '[x]: http://evil.example',
  '&lt;', '&#60;', '&amp;', '\\', '\\`', '*', '**', '_', '__', '~~', '$x$', '$$', ':warning:', '@org/team', '#1',
  'ghcr.io/acme/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
];

const hostile: fc.Arbitrary<string> = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...HOSTILE) }, { weight: 1, arbitrary: fc.string({ maxLength: 6, unit: 'binary' }) }), { minLength: 0, maxLength: 8 })
  .map((parts) => parts.join(''));

const flags = Object.keys(RISK_FLAGS) as RiskFlag[];
const ASPECTS: Change['aspect'][] = ['added', 'removed', 'image', 'strategy', 'analysis', 'migration', 'other', 'wave'];

const change: fc.Arbitrary<Change> = fc.record({
  platform: hostile,
  environment: fc.oneof(hostile, fc.constant('prod')),
  unit: hostile,
  subject: hostile,
  aspect: fc.constantFrom(...ASPECTS),
  field: hostile,
  before: fc.option(hostile, { nil: undefined }),
  after: fc.option(hostile, { nil: undefined }),
  note: fc.option(hostile, { nil: undefined }),
  lineDiff: fc.option(fc.array(hostile, { maxLength: 4 }), { nil: undefined }),
  risks: fc.array(fc.record({ flag: fc.constantFrom(...flags), reason: hostile }), { maxLength: 2 }),
});

const report: fc.Arbitrary<DiffReport> = fc.record({
  base: hostile,
  dir: hostile,
  changes: fc.array(change, { minLength: 0, maxLength: 6 }),
}) as fc.Arbitrary<DiffReport>;

/** The same report with every string replaced by a distinct harmless word (the same string by the same word). */
function harmless(r: DiffReport): DiffReport {
  const words = new Map<string, string>();
  const word = (s: string) => {
    if (!words.has(s)) words.set(s, `w${words.size}`);
    return words.get(s)!;
  };
  const opt = (s: string | undefined) => (s === undefined ? undefined : word(s));
  return {
    ...r,
    base: word(r.base),
    dir: word(r.dir),
    changes: r.changes.map((c) => ({
      ...c,
      platform: word(c.platform),
      environment: c.environment === 'prod' ? 'prod' : word(c.environment),
      unit: word(c.unit),
      subject: word(c.subject),
      field: word(c.field),
      before: opt(c.before),
      after: opt(c.after),
      note: opt(c.note),
      // A line diff's lines are shown whole (clipped only in long-text.ts), so its words keep their own.
      lineDiff: c.lineDiff?.map(word),
      risks: c.risks.map((k) => ({ flag: k.flag, reason: word(k.reason) })),
    })),
  };
}

/**
 * The structure of a CommonMark document: every node but text and code (whose contents are the values),
 * with heading levels, list types, the code block's info string and the tags of raw HTML.
 */
function structure(markdown: string): string[] {
  const out: string[] = [];
  const walker = new Parser().parse(markdown).walker();
  for (let step = walker.next(); step; step = walker.next()) {
    const node: Node = step.node;
    if (!step.entering && node.isContainer === false) continue;
    if (node.type === 'text' || node.type === 'code') continue;
    const detail = node.type === 'heading' ? `h${node.level}`
      : node.type === 'list' ? `${node.listType}`
        : node.type === 'code_block' ? `info=${node.info}`
          : node.type === 'html_block' || node.type === 'html_inline' ? (node.literal ?? '').match(/<\/?[a-z]+/g)?.join('') ?? ''
            : node.type === 'link' || node.type === 'image' ? `${node.destination}` : '';
    out.push(`${step.entering ? '' : '/'}${node.type}${detail ? `:${detail}` : ''}`);
  }
  return out;
}

/** The literal of every code node, the values the comment shows as they are. */
function codeSpans(markdown: string): string[] {
  const out: string[] = [];
  const walker = new Parser().parse(markdown).walker();
  for (let step = walker.next(); step; step = walker.next()) if (step.entering && step.node.type === 'code') out.push(step.node.literal ?? '');
  return out;
}

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);
const NO_CUTS = 100_000_000;

describe('the escaping layer (lib/cli/escape.ts)', () => {
  it('WHEN any string is made visible THEN it has no control, line-ending or text-reordering character left', () => {
    fc.assert(fc.property(hostile, fc.string({ unit: 'binary' }), (a, b) => {
      // eslint-disable-next-line no-control-regex
      expect(visible(a + b)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b-\u200f]/);
    }), { numRuns: RUNS * 3 });
  });

  it('WHEN any string is a code span THEN CommonMark reads one paragraph with exactly that one code span, showing the visible value', () => {
    fc.assert(fc.property(hostile, fc.string({ unit: 'binary' }), (a, b) => {
      const value = a + b;
      const md = `- x ${mdCode(value)} y`;
      expect(structure(md)).toEqual(structure('- x `v` y'));
      if (visible(value) !== '') expect(codeSpans(md)).toEqual([visible(value)]);
    }), { numRuns: RUNS * 3 });
  });

  it('WHEN any string is Markdown text THEN it renders as its visible self, with no structure', () => {
    fc.assert(fc.property(hostile, (value) => {
      const md = `#### ${mdText(value)} · 1 change\n\n**${mdText(value)}**\n`;
      expect(structure(md)).toEqual(structure('#### v · 1 change\n\n**v**\n'));
      const heading = new Parser().parse(md).firstChild!;
      let shown = '';
      const walker = heading.walker();
      for (let step = walker.next(); step; step = walker.next()) if (step.entering && step.node.type === 'text') shown += step.node.literal;
      expect(shown).toBe(`${visible(value) || '(empty)'} · 1 change`);
    }), { numRuns: RUNS * 3 });
  });

  it('WHEN any string is inside the tool\'s HTML THEN it adds no tag and ends no block', () => {
    fc.assert(fc.property(hostile, (value) => {
      const md = `<details><summary><code>${mdHtml(value)}</code></summary>\n\ntext\n\n</details>\n`;
      expect(structure(md)).toEqual(structure('<details><summary><code>v</code></summary>\n\ntext\n\n</details>\n'));
    }), { numRuns: RUNS * 3 });
  });
});

describe('diff --format markdown with hostile values', () => {
  it('WHEN every value of a report is hostile THEN the comment has exactly the structure of the same report with harmless values', () => {
    fc.assert(fc.property(report, (r) => {
      const forged = formatMarkdown(r, { maxChars: NO_CUTS });
      const expected = formatMarkdown(harmless(r), { maxChars: NO_CUTS });
      expect(structure(forged)).toEqual(structure(expected));
      // No link, image or raw HTML but the tool's own details blocks.
      expect(structure(forged).filter((s) => /^(link|image|html_inline)/.test(s))).toEqual([]);
      const own = ['html_block:<details<summary<code</code</summary', 'html_block:<details<summary</summary', 'html_block:</details'];
      expect(structure(forged).filter((s) => s.startsWith('html_block') && !own.includes(s))).toEqual([]);
    }), { numRuns: RUNS });
  });

  it('WHEN every value of a report is hostile THEN the text format has exactly as many lines as with harmless values, none with a control character', () => {
    fc.assert(fc.property(report, (r) => {
      const forged = formatText(r);
      expect(forged.length).toBe(formatText(harmless(r)).length);
      // eslint-disable-next-line no-control-regex
      for (const line of forged) expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/);
    }), { numRuns: RUNS });
  });
});
