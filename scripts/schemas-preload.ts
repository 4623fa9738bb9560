/**
 * The first step of `npm run synth`, in the app's own process: `node --import tsx --import ./scripts/schemas-preload.ts
 * --import ./lib/synth/app-errors.ts apps/main.ts`. It brings schemas/ up to date (scripts/build-schemas.ts: nothing is
 * rewritten when the inputs' hashes match the stamps) before the app is loaded, and stops the process with exit code 1
 * (the app not run, dist/ untouched) when that fails. One process instead of two `tsx` runs (`tsx scripts/build-schemas.ts
 * && tsx apps/main.ts`): each `tsx` start is a node process that starts a second one with the loader.
 */
import { ensureSchemas } from './build-schemas.js';

if (!(await ensureSchemas())) process.exit(1);
