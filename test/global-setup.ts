import { buildSchemas } from '../scripts/build-schemas.js';

/** The pinned schemas the validator loads (schemas/, git-ignored) are generated before any test runs; incremental. */
export default async function setup(): Promise<void> {
  await buildSchemas();
}
