/**
 * Releases as data (issue 24): the release file of a platform (per workload and environment, the image by digest
 * and where it came from), the constructs' view of it, and the operations of `cdk8s-delivery release`.
 */
export { DEFAULT_RELEASE_FILE, digestOf, formatRelease, parseRelease, RELEASE_API_VERSION, RELEASE_HISTORY_LIMIT, RELEASE_KIND, type ReleaseEntry, type ReleaseFileProblem, type ReleaseRecord, type ReleaseFileState } from './release-file.js';
export { pendingPromotions, type PendingPromotion, promote, PromotionRefused, type PromotionViolation, promotionViolations, type ReleaseChange, type ReleaseChangeOptions, ReleaseInputError, setImages } from './release-operations.js';
export { ReleaseGitHistory } from './git-history.js';
export { Release, type ReleaseFileOptions } from './release.js';
