import { runSynth } from 'cdk8s-delivery';
import { platform } from './platform.js';

await runSynth(platform, { outdir: 'dist' });
