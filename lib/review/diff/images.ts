/** A container image reference split into repository, tag and digest. */
export interface ImageParts {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Splits `registry[:port]/repo[:tag][@sha256:…]`. */
export function parseImage(image: string): ImageParts {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const name = at >= 0 ? image.slice(0, at) : image;
  const colon = name.lastIndexOf(':');
  const tag = colon > name.lastIndexOf('/') ? name.slice(colon + 1) : undefined;
  return { repository: tag === undefined ? name : name.slice(0, colon), tag, digest };
}

/** A digest shortened to its algorithm and 12 hex digits, the way registries show them. */
export function shortDigest(digest: string): string {
  const m = /^([a-z0-9]+):([0-9a-f]{12})[0-9a-f]*$/.exec(digest);
  return m ? `${m[1]}:${m[2]}` : digest;
}

/** The version part of an image (tag and/or short digest), e.g. `1.15.0@sha256:10cb0a0b2f05`. */
export function versionOf(parts: ImageParts): string {
  const digest = parts.digest ? shortDigest(parts.digest) : undefined;
  if (parts.tag && digest) return `${parts.tag}@${digest}`;
  return parts.tag ?? digest ?? 'latest';
}

/**
 * Before and after of an image change as a reviewer reads it: only the versions when the repository is
 * the same (with the repository as a note), the whole shortened references otherwise.
 */
export function describeImageChange(before: string, after: string): { before: string; after: string; note?: string } {
  const a = parseImage(before);
  const b = parseImage(after);
  if (a.repository === b.repository) return { before: versionOf(a), after: versionOf(b), note: a.repository };
  return { before: shortImage(a), after: shortImage(b) };
}

/** The whole reference with a shortened digest, e.g. `ghcr.io/acme/api@sha256:10cb0a0b2f05`. */
export function shortImage(parts: ImageParts): string {
  return `${parts.repository}${parts.tag ? `:${parts.tag}` : ''}${parts.digest ? `@${shortDigest(parts.digest)}` : ''}`;
}
