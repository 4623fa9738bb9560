import { describe, expect, it } from 'vitest';
import { validateManifests } from '../../lib/validation/validate-manifests.js';
import { API_LIMITS, jsonBytesBound } from '../../lib/validation/api-limits.js';

/** Issue 26, defect 9 (validate's part): an object between etcd's 1.5 MiB and the API server's 3 MiB request limit is an error. */
const deployment = (value: string) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop' },
  spec: { selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'busybox', env: [{ name: 'BIG', value }] }] } } },
});

describe('the size of a whole object', () => {
  it('GIVEN a Deployment with a 2 MiB environment variable WHEN validated THEN api/object-too-large names the object and its size', () => {
    const { errors } = validateManifests([{ location: 'big.yaml: Deployment/shop/api', object: deployment('x'.repeat(2 * 1024 * 1024)) }]);
    expect(errors.filter((f) => f.rule.startsWith('api/'))).toEqual([expect.objectContaining({ location: 'big.yaml: Deployment/shop/api', rule: 'api/object-too-large', value: expect.stringMatching(/^2097\d{3} bytes$/) })]);
  });

  it('GIVEN a Deployment of 1.4 MiB WHEN validated THEN no size error', () => {
    const { errors } = validateManifests([{ location: 'ok.yaml: Deployment/shop/api', object: deployment('x'.repeat(1.4 * 1024 * 1024)) }]);
    expect(errors.filter((f) => f.rule.startsWith('api/'))).toEqual([]);
  });
});

describe('jsonBytesBound: the walk that spares most objects their serialization', () => {
  const exact = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
  const samples: Record<string, unknown> = {
    'escapes and control characters': { 'k"\\\n': ['"\\', '\u0001\u001f\t', '\u2028'], e: '' },
    'lone surrogates and astral characters': { a: '\ud800', b: '\udfff x', c: '😀😀', 'é€': 'ü' },
    'extreme numbers': [-1.7976931348623157e308, -5e-324, -0.0000012345678901234567, -123456789012345680000, NaN, -Infinity, 0],
    'booleans, null and left-out values': { t: true, f: false, n: null, u: undefined, fn: () => 1, list: [undefined, () => 1, Symbol('s'), null] },
    'empty containers': { a: [], o: {}, nested: [[[{}]]] },
    'a manifest': deployment('plain value'),
  };
  for (const [name, value] of Object.entries(samples)) {
    it(`GIVEN ${name} THEN the bound is at least the JSON's UTF-8 length`, () => {
      expect(jsonBytesBound(value, 0)).toBeGreaterThanOrEqual(exact(value));
    });
  }

  it('GIVEN an object whose bound passes the limit but whose JSON does not WHEN validated THEN no size error (the exact size decides)', () => {
    // 300,000 characters: a bound of 1.8 MB, a JSON of about 0.3 MB.
    const object = deployment('x'.repeat(300_000));
    expect(jsonBytesBound(object, 0)).toBeGreaterThan(API_LIMITS.OBJECT_BYTES);
    expect(validateManifests([{ location: 'ok.yaml: Deployment/shop/api', object }]).errors.filter((f) => f.rule.startsWith('api/'))).toEqual([]);
  });

  it('GIVEN a toJSON method, a bigint or a cycle THEN the bound is unknown (Infinity), so the caller serializes as before', () => {
    expect(jsonBytesBound({ at: new Date(0) }, 0)).toBe(Infinity);
    expect(jsonBytesBound({ n: 1n }, 0)).toBe(Infinity);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(jsonBytesBound(cycle, 0)).toBe(Infinity);
  });
});
