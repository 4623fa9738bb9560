import { describe, expect, it } from 'vitest';
import { validateManifests } from '../../lib/validation/validate-manifests.js';

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
