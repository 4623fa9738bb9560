import { chmodSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { promqlCacheDir, promqlCacheFile, promqlSyntaxError, usePromqlCache } from '../../../lib/analysis/check/promql.js';

const VALID = 'sum(rate(http_requests_total{job="{{args.service}}", code=~"5.."}[5m])) / sum(rate(http_requests_total{job="{{args.service}}"}[5m]))';
const BROKEN = 'sum(rate(http_requests_total{job="api"}[5m]) /';

const folder = () => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'cdk8s-delivery-promql-cache-')), 'validators');
  mkdirSync(dir, { mode: 0o700 });
  return dir;
};
const files = (dir: string) => readdirSync(path.join(dir, 'promql'));

afterEach(() => usePromqlCache(undefined));

describe('the PromQL syntax check with the cache of parsed queries (issue 25)', () => {
  it('GIVEN the cache on WHEN queries are checked twice THEN the verdicts and messages are those without it, and only the query that parsed is remembered', () => {
    usePromqlCache(undefined);
    const control = [promqlSyntaxError(VALID), promqlSyntaxError(BROKEN), promqlSyntaxError('  ')];
    expect(control[0]).toBeUndefined();
    expect(control[1]).toMatch(/^PromQL syntax error at character \d+/);
    const dir = folder();
    usePromqlCache(dir);
    expect([promqlSyntaxError(VALID), promqlSyntaxError(BROKEN), promqlSyntaxError('  ')]).toEqual(control);
    expect(files(dir)).toHaveLength(1);
    expect([promqlSyntaxError(VALID), promqlSyntaxError(BROKEN), promqlSyntaxError('  ')]).toEqual(control);
    expect(files(dir)).toHaveLength(1);
  });

  it('GIVEN a remembered query WHEN checked THEN the file is read, not the parser: a marker planted under a broken query\'s name hides its error (so the folder must be private)', () => {
    const dir = folder();
    usePromqlCache(dir);
    expect(promqlSyntaxError(BROKEN)).toBeDefined();
    expect(files(dir)).toEqual([]);
    writeFileSync(promqlCacheFile(BROKEN)!, '');
    expect(promqlSyntaxError(BROKEN)).toBeUndefined();
    // the control: another query's marker does not vouch for it
    const other = folder();
    usePromqlCache(other);
    promqlSyntaxError(VALID);
    expect(files(other)).toEqual([path.basename(promqlCacheFile(VALID.replace(/\{\{args\.service\}\}/g, 'arg'))!)]);
    expect(promqlSyntaxError(BROKEN)).toBeDefined();
  });

  it('GIVEN a cache folder others may write to WHEN turned on THEN it is not used', () => {
    const dir = folder();
    usePromqlCache(dir);
    expect(promqlCacheDir()).toBe(path.join(dir, 'promql'));
    chmodSync(dir, 0o777);
    usePromqlCache(dir);
    expect(promqlCacheDir()).toBeUndefined();
    chmodSync(dir, 0o700);
    usePromqlCache(dir);
    expect(promqlCacheDir()).toBeDefined();
  });
});
