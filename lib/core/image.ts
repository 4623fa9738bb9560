/**
 * How strictly an environment pins container images.
 *
 * A tag can be moved to other content after review; a digest cannot. Rollback by `git revert` only works
 * when the manifest names immutable content, so staging and prod require digests.
 */
export enum ImagePolicy {
  /** Images must be pinned by digest (`repo@sha256:<64 hex>`). Tag-only images fail synth. */
  REQUIRE_DIGEST = 'require-digest',
  /** Tags are accepted (fast iteration in dev). Digests are accepted too. */
  ALLOW_TAG = 'allow-tag',
}

const DIGEST = /@sha256:[a-f0-9]{64}$/;
// An OCI reference: [registry[:port]/]path[:tag][@digest]; lower-case path components.
const REFERENCE = /^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/** True when the reference is pinned by a sha256 digest. */
export function isDigestPinned(reference: string): boolean {
  return DIGEST.test(reference);
}

/** True when the string is a syntactically valid OCI image reference. */
export function isValidImageReference(reference: string): boolean {
  return REFERENCE.test(reference);
}

/**
 * Checks an image reference against a policy. Returns a problem description, or undefined when fine.
 */
export function checkImage(reference: string | undefined, policy: ImagePolicy, environment: string): { message: string; fix: string } | undefined {
  if (typeof reference !== 'string' || reference.length === 0) {
    return { message: 'an image is required', fix: 'set `image` to a reference such as `ghcr.io/org/app@sha256:<64 hex digits>`' };
  }
  if (!isValidImageReference(reference)) {
    return { message: 'is not a valid OCI image reference', fix: 'use `registry/repository[:tag]@sha256:<64 lower-case hex digits>`' };
  }
  if (policy === ImagePolicy.REQUIRE_DIGEST && !isDigestPinned(reference)) {
    return {
      message: `is not pinned by digest, and environment "${environment}" requires digests (tags are mutable, so a revert would not restore the same code)`,
      // Never suggest loosening the environment's policy: digests are what make a revert restore the same code.
      fix: 'pin the image by digest, e.g. `ghcr.io/org/app@sha256:<digest>` (see `crane digest` or your CI build output); to run a tag in a development environment, give that environment its own image (`environments: { dev: { image: ... } }`)',
    };
  }
  return undefined;
}
