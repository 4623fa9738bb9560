import { App } from 'cdk8s';
import { pathToFileURL } from 'node:url';
import { runSynth } from '../lib/synth/run.js';
import { bitvault } from './bitvault/bitvault.js';
import { homelab } from './homelab/homelab.js';

/** Builds every reference platform into one app. */
export function referencePlatforms(): App {
  const app = new App();
  bitvault(app);
  homelab(app);
  return app;
}

// Synthesize when run as the app (`npm run synth`, `cdk8s synth`), not when imported (tests, bench).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runSynth(referencePlatforms, { outdir: 'dist' });
}
