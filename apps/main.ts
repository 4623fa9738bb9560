import { App } from 'cdk8s';
import { runSynth } from '../lib/synth/run.js';
import { bitvault } from './bitvault/bitvault.js';

/** Builds every reference platform into one app. */
export function referencePlatforms(): App {
  const app = new App();
  bitvault(app);
  return app;
}

runSynth(referencePlatforms, { outdir: 'dist' });
