/**
 * Makes sure the per-user PGlite data-directory template exists before anything is measured: the first start of a
 * PGlite version runs PostgreSQL's initdb (seconds, ~700 MiB) and caches the result
 * (lib/migrations/verify/pglite-engine.ts). Every later synth copies it, a developer's included, so the cold runSynth
 * row measures that case. On a fresh machine the bench's first cold runSynth made it: 24.7 s and 1,035 MiB against
 * 19.4 s and 526 MiB the next run. Run untimed by bench/run.ts; prints what it did.
 */
import { startPglite } from '../lib/migrations/verify/pglite-engine.js';

const start = performance.now();
const engine = await startPglite();
await engine.close();
process.stdout.write(`PGlite template ready (${Math.round(performance.now() - start)} ms)\n`);
