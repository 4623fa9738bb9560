// CommonJS + ts-node, as `cdk8s init typescript-app` makes it: no top-level await.
import { runSynth } from 'cdk8s-delivery';
import { platform } from './platform';

void runSynth(platform, { outdir: 'dist' });
