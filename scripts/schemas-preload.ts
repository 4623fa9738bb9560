/**
 * The first step of `npm run synth`, in the app's own process: `node --import tsx/esm --import ./scripts/schemas-preload.ts
 * --import ./lib/synth/app-errors.ts apps/main.ts`. It brings schemas/ up to date (scripts/build-schemas.ts: nothing is
 * rewritten when the inputs' hashes match the stamps) before the app is loaded, and stops the process with exit code 1
 * (the app not run, dist/ untouched) when that fails. One process instead of two `tsx` runs (`tsx scripts/build-schemas.ts
 * && tsx apps/main.ts`): each `tsx` start is a node process that starts a second one with the loader.
 *
 * `tsx/esm`, not `tsx`: the app and lib/ are ES modules (package.json: "type": "module"; a CommonJS .ts file would need
 * tsx's require hook), every .ts file loaded from its source through tsx's ES module
 * hooks; the CommonJS files of the dependencies (cdk8s, yaml, ajv: about 230) load with Node's own require instead of
 * through tsx's require hook, which lexes each one (~5 % of the CPU of a cold synth, bench/README.md).
 */
import { ensureSchemas } from './build-schemas.js';

if (!(await ensureSchemas())) process.exit(1);
