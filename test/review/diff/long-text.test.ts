import { describe, expect, it } from 'vitest';
import { compactLineDiff, isLongText, splitQuery, textSummary } from '../../../lib/review/diff/long-text.js';

describe('splitQuery', () => {
  it('GIVEN PromQL THEN one line per bracket level and list item, commas leading, quoted strings whole', () => {
    // GIVEN: a regex with brackets and a comma inside a label value
    const query = 'sum(rate(http_requests_total{job="api", path=~"/(a|b),c"}[5m])) / 0.002';
    // WHEN / THEN
    expect(splitQuery(query)).toEqual(['sum(', 'rate(', 'http_requests_total{', 'job="api"', ', path=~"/(a|b),c"', '}[', '5m', ']', ')', ') / 0.002']);
  });

  it('GIVEN escaped quotes and line breaks THEN strings stay whole and line breaks split', () => {
    expect(splitQuery('a{x="say \\"(hi)\\""}\nor b')).toEqual(['a{', 'x="say \\"(hi)\\""', '}', 'or b']);
  });
});

describe('compactLineDiff', () => {
  it('GIVEN the same matcher changed in several selectors THEN one hunk with the number of places', () => {
    // GIVEN
    const before = 'x{a="1", r!~"/readyz"} - y{a="2", r!~"/readyz"} or vector(0.002)';
    const after = 'x{a="1", r!~"/readyz|/metrics"} - y{a="2", r!~"/readyz|/metrics"} or vector(0.02)';
    // WHEN / THEN
    expect(compactLineDiff(before, after)).toEqual(['@@ 2 places @@', '-, r!~"/readyz"', '+, r!~"/readyz|/metrics"', '@@', '-0.002', '+0.02']);
  });

  it('GIVEN texts that differ in many places THEN at most 40 lines, the rest counted', () => {
    // GIVEN
    const before = Array.from({ length: 50 }, (_, i) => `m${i}{v="${i}"}`).join(' + ');
    const after = Array.from({ length: 50 }, (_, i) => `m${i}{v="${i + 1}"}`).join(' + ');
    // WHEN
    const lines = compactLineDiff(before, after);
    // THEN
    expect(lines).toHaveLength(40);
    expect(lines.at(-1)).toBe('@@ … 111 more lines @@');
  });

  it('GIVEN texts that differ only in spaces at line ends THEN it says so', () => {
    expect(compactLineDiff('a(b)', 'a( b )')).toEqual(['@@ only spaces or line breaks differ @@']);
  });
});

describe('textSummary', () => {
  it('gives the length and the first 12 hex digits of the SHA-256', () => {
    expect(textSummary('abc')).toBe('3 characters, sha256:ba7816bf8f01');
    expect([isLongText('x'.repeat(120)), isLongText('x'.repeat(121)), isLongText('a\nb'), isLongText(5)]).toEqual([false, true, true, false]);
  });
});
