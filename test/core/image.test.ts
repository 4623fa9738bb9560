import { describe, expect, it } from 'vitest';
import { checkImage, ImagePolicy, isDigestPinned, isValidImageReference } from '../../lib/core/image.js';

const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('image references', () => {
  it.each([
    [`ghcr.io/acme/api@${digest}`, true, true],
    [`ghcr.io/acme/api:1.2.3@${digest}`, true, true],
    [`registry.local:5000/api@${digest}`, true, true],
    ['ghcr.io/acme/api:1.2.3', true, false],
    ['nginx', true, false],
    ['ghcr.io/acme/api@sha256:abc', false, false],
    ['GHCR.io/Acme/API:1', false, false],
  ])('%s → valid %s, pinned %s', (ref, valid, pinned) => {
    expect(isValidImageReference(ref)).toBe(valid);
    expect(isDigestPinned(ref)).toBe(pinned);
  });

  it('requires a digest only where the policy says so', () => {
    expect(checkImage('ghcr.io/acme/api:1.2.3', ImagePolicy.ALLOW_TAG, 'dev')).toBeUndefined();
    expect(checkImage('ghcr.io/acme/api:1.2.3', ImagePolicy.REQUIRE_DIGEST, 'prod')?.message).toMatch(/not pinned by digest, and environment "prod" requires digests/);
    expect(checkImage(`ghcr.io/acme/api@${digest}`, ImagePolicy.REQUIRE_DIGEST, 'prod')).toBeUndefined();
    expect(checkImage('', ImagePolicy.ALLOW_TAG, 'dev')?.message).toBe('an image is required');
  });
});

describe('the fix for a tag where digests are required (issue 20)', () => {
  it('GIVEN a tag in prod THEN the fix pins a digest and never suggests loosening the environment\'s image policy', () => {
    const problem = checkImage('ghcr.io/acme/api:1.2.3', ImagePolicy.REQUIRE_DIGEST, 'prod')!;
    expect(problem.fix).toContain('pin the image by digest');
    expect(problem.fix).not.toMatch(/ALLOW_TAG|imagePolicy/);
  });
});
