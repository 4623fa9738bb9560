import { describe, expect, it } from 'vitest';
import { conditionWeakened } from '../../../lib/review/diff/compare-analysis.js';
import { changedFields } from '../../../lib/review/diff/field-paths.js';
import { describeImageChange, parseImage } from '../../../lib/review/diff/images.js';

describe('conditionWeakened', () => {
  it.each([
    // kind, before, after, weakened
    ['success', 'result[0] >= 0.999', 'result[0] >= 0.99', true],
    ['success', 'result[0] >= 0.99', 'result[0] >= 0.999', false],
    ['success', 'result[0] <= 0.15', 'result[0] <= 0.3', true],
    ['success', 'result[0] <= 0.3', 'result[0] <= 0.15', false],
    ['failure', 'result[0] < 0.998', 'result[0] < 0.98', true],
    ['failure', 'result[0] > 0.225', 'result[0] > 0.5', true],
    ['failure', 'result[0] > 0.5', 'result[0] > 0.225', false],
    ['success', 'result[0] >= 0.999', undefined, true],
    ['failure', 'result[0] < 0.998', undefined, undefined],
    ['success', 'result[0] >= 0.999', 'result[1] >= 0.9', undefined],
    ['success', 'result[0] >= 0.9 && result[1] <= 0.2', 'result[0] >= 0.8 && result[1] <= 0.1', undefined],
    ['success', 'result == "ok"', 'result == "fine"', undefined],
    ['success', 'len(result) > 0 && result[0] > 0', 'len(result) > 0 && result[0] > 0', false],
  ] as const)('%s: %s → %s is weakened=%s', (kind, before, after, weakened) => {
    expect(conditionWeakened(kind, before, after)).toBe(weakened);
  });
});

describe('images', () => {
  it('splits registry ports, tags and digests', () => {
    expect(parseImage('registry:5000/team/app:1.2@sha256:abc')).toEqual({ repository: 'registry:5000/team/app', tag: '1.2', digest: 'sha256:abc' });
    expect(parseImage('registry:5000/team/app')).toEqual({ repository: 'registry:5000/team/app', tag: undefined, digest: undefined });
  });

  it('shows only the versions when the repository stays, the whole references when it moves', () => {
    const d = (c: string) => `sha256:${c.repeat(64)}`;
    expect(describeImageChange(`ghcr.io/a/api@${d('1')}`, `ghcr.io/a/api@${d('2')}`)).toEqual({ before: 'sha256:111111111111', after: 'sha256:222222222222', note: 'ghcr.io/a/api' });
    expect(describeImageChange('ghcr.io/a/api:1.0', 'ghcr.io/a/api:1.1')).toEqual({ before: '1.0', after: '1.1', note: 'ghcr.io/a/api' });
    expect(describeImageChange(`ghcr.io/a/api@${d('1')}`, `ghcr.io/b/api:2@${d('2')}`)).toEqual({ before: 'ghcr.io/a/api@sha256:111111111111', after: 'ghcr.io/b/api:2@sha256:222222222222' });
  });
});

describe('changedFields', () => {
  it('names list items by name and reports an added subtree once', () => {
    const before = { spec: { containers: [{ name: 'api', env: [{ name: 'A', value: '1' }] }] } };
    const after = { spec: { containers: [{ name: 'api', env: [{ name: 'A', value: '2' }, { name: 'B', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }] } };
    expect(changedFields(before, after)).toEqual(['spec.containers[api].env[A].value', 'spec.containers[api].env[B]']);
  });

  it('quotes keys with dots and slashes', () => {
    expect(changedFields({ metadata: { annotations: { 'a.io/x': '1' } } }, { metadata: { annotations: { 'a.io/x': '2' } } })).toEqual(['metadata.annotations["a.io/x"]']);
  });
});
