import { buildPropsSchemas } from '../scripts/build-props-schemas.js';
import { buildSchemas } from '../scripts/build-schemas.js';

/**
 * The pinned schemas the validator loads and the props schemas the constructs check their props with (schemas/,
 * git-ignored) are generated before any test runs; incremental.
 */
export default async function setup(): Promise<void> {
  await buildSchemas();
  await buildPropsSchemas();
}
