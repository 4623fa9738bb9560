import { App } from 'cdk8s';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SynthError } from '../core/problems.js';
import { checkMigrations } from '../migrations/synth-check.js';
import { synthesize, toYaml } from './synthesizer.js';
import { writeAtomically } from './writer.js';

/** Options of {@link runSynth}. */
export interface RunSynthOptions {
  /** Output folder. @default 'dist' */
  readonly outdir?: string;
}

/**
 * The entry point of a cdk8s-delivery app: builds the app, synthesizes and checks it (migrations too), and replaces
 * `outdir` atomically. On problems it prints every one (construct path, field, value, rule, fix) and
 * exits 1 without a stack trace, leaving the previous output untouched.
 *
 * Under `cdk8s synth` (CDK8S_OUTDIR set), it also writes one combined manifest per platform and
 * environment to cdk8s-cli's scratch folder, where cdk8s validation plugins read them.
 */
export async function runSynth(build: () => App, options: RunSynthOptions = {}): Promise<void> {
  const outdir = options.outdir ?? 'dist';
  try {
    const app = build();
    const objects = synthesize(app);
    const migrationFindings = await checkMigrations(app, objects, { outdir });
    if (migrationFindings.length > 0) throw new SynthError(migrationFindings);
    writeAtomically(objects, outdir);
    const scratch = process.env.CDK8S_OUTDIR;
    if (scratch) {
      const groups = new Map<string, string[]>();
      for (const o of objects) {
        const key = o.path.split('/').slice(0, 2).join('-');
        groups.set(key, [...(groups.get(key) ?? []), toYaml(o.manifest)]);
      }
      mkdirSync(scratch, { recursive: true });
      for (const [key, docs] of groups) writeFileSync(join(scratch, `${key}.k8s.yaml`), docs.join('---\n'));
    }
    console.log(`synthesized ${objects.length} objects into ${outdir}/`);
  } catch (error) {
    if (error instanceof SynthError) {
      console.error(error.message);
      console.error(`\n${outdir}/ was left unchanged.`);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`synth failed: ${message}\n${outdir}/ was left unchanged. (Set DEBUG=1 for the stack trace.)`);
      if (process.env.DEBUG && error instanceof Error) console.error(error.stack);
    }
    process.exitCode = 1;
  }
}
