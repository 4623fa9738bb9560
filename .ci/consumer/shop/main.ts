import { runSynth } from 'cdk8s-delivery';
import { shop } from './platform.js';

await runSynth(() => shop(), { outdir: 'dist' });
