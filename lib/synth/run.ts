import { App } from 'cdk8s';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SynthError } from '../core/problems.js';
import { usePropsValidatorCache } from '../core/props/validator-cache.js';
import { usePromqlCache } from '../analysis/check/promql.js';
import { defaultValidatorCacheDir } from '../validation/schema/validator-cache.js';
import type { SchemaValidator } from '../validation/schema-validator.js';
import { SynthesizedObject, synthesizeWithFindings, toYaml, withoutFindingsBelow } from './synthesizer.js';
import { collectProblems, groupAcrossEnvironments } from '../core/problems.js';
import { type Finding, formatFinding } from '../validation/finding.js';
import { WARNING_RULE_IDS } from '../validation/validate-manifests.js';
import { callerOf, constructIdFinding } from './construct-errors.js';
import { recoverOutput, writeAtomically } from './writer.js';
import { identity, manifestHash, OutputIndex, rendererFingerprint } from './output-index.js';
import { listenForMigrations } from '../migrations/constructed.js';

// Loaded when a synth needs them, not with the library: the upstream schemas (only for objects whose file changes),
// the migration checks (only for an app with Migrations), the rollout plans and cdk8s-cli's output.

/** Options of {@link runSynth}. */
export interface RunSynthOptions {
  /** Output folder. @default 'dist' */
  readonly outdir?: string;
  /**
   * The upstream-schema validator every object is checked with. Pass one to reuse it across runs (tests).
   * @default `SchemaValidator.load({ crdsDir: crds })`: the Kubernetes core schemas and the pinned CRDs that ship
   * with the package (plus `crds`), loaded once per call
   */
  readonly validator?: SchemaValidator;
  /**
   * Folder of extra CustomResourceDefinition YAML files ADDED to the pinned CRDs: the CRDs of other controllers
   * your app emits objects for, or newer versions of pinned ones (where both define an apiVersion/kind, this
   * folder's schema is used). Ignored when `validator` is given.
   * @default - the pinned CRDs only
   */
  readonly crds?: string;
  /**
   * Check every object against its upstream schema, not only the objects whose file changes.
   * @default false, unless the environment variable CDK8S_DELIVERY_VALIDATE_ALL is set
   */
  readonly validateAll?: boolean;
}

/**
 * The entry point of a cdk8s-delivery app: builds the app, synthesizes and validates it (upstream
 * schemas of every changed object, controller, Argo CD and Pod Security rules, migrations), and replaces
 * `outdir` atomically. On
 * problems it prints every one (construct path, field, value, rule, fix) and exits 1 without a stack
 * trace, leaving the previous output untouched.
 *
 * Under `cdk8s synth` (CDK8S_OUTDIR set), it also writes one combined manifest per platform and
 * environment to cdk8s-cli's scratch folder, where cdk8s validation plugins read them.
 */
export async function runSynth(build: () => App, options: RunSynthOptions = {}): Promise<void> {
  const outdir = options.outdir ?? 'dist';
  // The props checks run while the app is built: their validators come from the user's cache (lib/core/props/validator-cache.ts);
  // so do the PromQL queries' syntax verdicts (lib/analysis/check/promql.ts).
  const cacheDir = defaultValidatorCacheDir();
  usePropsValidatorCache(cacheDir);
  usePromqlCache(cacheDir);
  try {
    // A synth killed earlier may have left outdir missing mid-swap, or temporary folders: repair first.
    const phase = phaseTimer();
    recoverOutput(outdir);
    // The construct tree (~200 MiB at N = 1000) is not needed to write: checkedObjects returns without it (the objects
    // are plain manifests), so it can be collected while the files are written, the synth's peak of memory.
    const { objects, warned, texts, unchanged, hashes, renderer } = await checkedObjects(build, outdir, options, phase);
    // The rollout plans (Mermaid diagrams per environment) are written in the same atomic replace.
    const { rolloutPlans } = await import('../review/diagrams/rollout-plan.js');
    writeAtomically(objects, outdir, rolloutPlans(objects), {
      text: (o) => texts.get(o) ?? toYaml(o.manifest),
      // Linked only if the file is still the one found unchanged (the lock is held now; it was not when checked).
      linkFrom: (o) => {
        const found = unchanged.get(o);
        return found && sameIdentity(identity(found.file), found.id) ? found.file : undefined;
      },
      // Under the folder's lock: the index describes exactly this tree, never one another synth swapped in since.
      afterSwap: () => OutputIndex.write(outdir, renderer, new Map(objects.map((o, i) => [o.path, hashes[i]!]))),
    });
    phase('write');
    for (const f of groupAcrossEnvironments(warned)) console.error(`warning: ${formatFinding(f)}`);
    const scratch = process.env.CDK8S_OUTDIR;
    if (scratch) (await import('../plugin/cdk8s-output.js')).writeCdk8sOutput(objects, scratch, { constructMetadata: process.env.CDK8S_RECORD_CONSTRUCT_METADATA === 'true' });
    console.log(`synthesized ${objects.length} objects into ${outdir}/`);
  } catch (caught) {
    const idFinding = constructIdFinding(caught);
    const error = idFinding ? new SynthError([idFinding]) : caught;
    if (error instanceof SynthError) {
      console.error(error.message);
      console.error(`\n${outdir}/ was left unchanged.`);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      // Where in the app's own code it was thrown (the first frame outside node_modules and this library).
      const at = error instanceof Error ? callerOf(error) : undefined;
      console.error(`synth failed: ${message}${at ? ` (at ${at})` : ''}\n${outdir}/ was left unchanged. (Set DEBUG=1 for the stack trace.)`);
      if (process.env.DEBUG && error instanceof Error) console.error(error.stack);
    }
    process.exitCode = failedExitCode(outdir);
  }
}

/**
 * Builds the app, synthesizes it and runs every check (props, rules, upstream schemas, migrations): the objects to
 * write, or a SynthError with every problem. The construct tree is held by {@link synthesized} only: the upstream
 * schemas are checked, and the files written, without it.
 */
async function checkedObjects(build: () => App, outdir: string, options: RunSynthOptions, phase: (name: string) => void) {
  const { objects, findings, warnings, problems, migrationFindings, migrationWarnings } = await synthesized(build, outdir, phase);
  // Upstream schemas: every object whose file changes. An unchanged file is byte-for-byte what a
  // previous synth validated and wrote (and the test suite validates all of the committed dist/), and
  // compiling the CRD schemas costs seconds: a no-op or one-line synth stays fast.
  const validateAll = options.validateAll ?? Boolean(process.env.CDK8S_DELIVERY_VALIDATE_ALL);
  const { unchanged, texts, hashes, renderer } = unchangedFiles(outdir, objects);
  const toCheck = validateAll ? objects : objects.filter((o) => !unchanged.has(o));
  const all: Finding[] = [...findings];
  const warned: Finding[] = [...warnings];
  if (toCheck.length > 0) {
    const validator = options.validator ?? (await loadSchemaValidator(options.crds));
    // One severity per rule everywhere: what `validate` and the plugin call a warning (a kind of an API group no
    // schema is pinned for: not checked, not wrong) is printed here, and does not fail the synth.
    for (const f of withoutFindingsBelow(toCheck.flatMap((o) => validator.validate(o.manifest, o.constructPath)), problems)) (WARNING_RULE_IDS.has(f.rule) ? warned : all).push(f);
  }
  phase('schemas');
  // The migrations' findings (or their error) come after the schemas', as they always have.
  warned.push(...migrationWarnings);
  if ('error' in migrationFindings) throw migrationFindings.error;
  all.push(...migrationFindings.findings);
  if (all.length > 0) throw new SynthError(all);
  return { objects, warned, texts, unchanged, hashes, renderer };
}

/**
 * The part of a synth that needs the construct tree: build, the migrations' verification, synthesis with its rules,
 * the props problems, and the migrations' lint (which needs the new release's images). What it returns holds no
 * construct, so the tree (~200 MiB at N = 1000) can be collected before the schemas are checked and the files written.
 * The migrations' findings, or the error they threw, are returned to be reported after the schemas' findings.
 */
async function synthesized(build: () => App, outdir: string, phase: (name: string) => void) {
  const migrationChecks = import('../migrations/synth-check.js');
  // Migrations classify their files with the PostgreSQL parser while the app is built: load it first.
  const [{ loadSqlParser }, { EarlyVerification }] = await Promise.all([import('../migrations/runner/delivered-files.js'), import('../migrations/verify/early-start.js')]);
  await loadSqlParser();
  // PGlite's child may start during the build, on the other core, when the first Migration is constructed
  // (lib/migrations/verify/early-start.ts); the verification below uses it, or kills it.
  const early = new EarlyVerification();
  let migrations;
  let app: App;
  try {
    const stop = listenForMigrations(early.consider);
    try {
      app = build();
    } finally {
      stop();
    }
    phase('build');
    // The migrations' verification needs the constructs only: it runs now, before the estate's manifests exist, so
    // PGlite's process (about 200 MiB) and they are not held at once. Its findings are reported below, in their place.
    migrations = await (await migrationChecks).verifyAppMigrations(app, { outdir, early });
    phase('migrations: verify');
  } finally {
    await early.settled(undefined);
  }
  // Every problem of the run at once: props, duplicate objects, controller, Argo CD, KEDA, Pod Security and
  // secret rules (every object), upstream schemas and migrations. Nothing is written unless all are clean.
  const { objects, findings, warnings } = synthesizeWithFindings(app);
  const problems = collectProblems(app);
  phase('synthesize and rules');
  const migrationWarnings: Finding[] = [];
  const migrationFindings: { findings: Finding[] } | { error: unknown } = await migrations.findings(objects, migrationWarnings).then((f) => ({ findings: f }), (error: unknown) => ({ error }));
  phase('migrations');
  return { objects, findings, warnings, problems, migrationFindings, migrationWarnings };
}

/**
 * The upstream-schema validator of a synth, with the compiled CRD validators of the user's cache (as `validate` has
 * since session 32): compiling the pinned CRDs' schemas with ajv was ~0.7 s of a cold synth at N = 1000, loading ajv's
 * generated code from the cache is a few ms, and it is the same code (lib/validation/schema/validator-cache.ts; used
 * only in a folder private to the user; `CDK8S_DELIVERY_VALIDATOR_CACHE=off` turns it off, read at every synth).
 */
async function loadSchemaValidator(crdsDir: string | undefined): Promise<SchemaValidator> {
  const [{ SchemaValidator }, cache] = await Promise.all([import('../validation/schema-validator.js'), import('../validation/schema/validator-cache.js')]);
  cache.useCrdValidatorCache(cache.defaultValidatorCacheDir());
  return SchemaValidator.load({ crdsDir });
}

/**
 * The exit code of a failed synth: 1. Under `cdk8s synth` (cdk8s-cli sets CDK8S_OUTDIR and
 * CDK8S_RECORD_CONSTRUCT_METADATA for the app it runs), cdk8s-cli answers an app's non-zero exit with
 * a stack trace of its own under the clean problem list; an app that exits without creating the
 * output folder makes it fail with one line ("synthesis failed, app expected to create …") and exit
 * code 1 instead. So there the scratch folder is removed and the app exits 0: `cdk8s synth` still fails.
 */
function failedExitCode(outdir: string): number {
  const scratch = process.env.CDK8S_OUTDIR;
  if (!scratch || process.env.CDK8S_RECORD_CONSTRUCT_METADATA === undefined || resolve(scratch) === resolve(outdir)) return 1;
  try {
    rmSync(scratch, { recursive: true, force: true });
  } catch {
    return 1;
  }
  return existsSync(scratch) ? 1 : 0;
}

/**
 * The objects whose file in `outdir` already holds exactly what would be written (with that file's path), and the YAML
 * rendered to find out (written as is). An object the output index (./output-index.ts) says is unchanged is not
 * rendered; any other is rendered and compared with its file. No `outdir`: nothing is unchanged, nothing is read.
 */
function unchangedFiles(outdir: string, objects: readonly SynthesizedObject[]) {
  const unchanged = new Map<SynthesizedObject, { file: string; id: ReturnType<typeof identity> }>();
  const texts = new Map<SynthesizedObject, string>();
  const hashes = objects.map((o) => manifestHash(o.manifest));
  const renderer = rendererFingerprint(toYaml);
  if (!existsSync(outdir)) return { unchanged, texts, hashes, renderer };
  const index = OutputIndex.read(outdir, renderer);
  objects.forEach((o, i) => {
    const file = join(outdir, o.path);
    const id = index.unchanged(o.path, hashes[i]!);
    if (id) {
      unchanged.set(o, { file, id });
      return;
    }
    const text = toYaml(o.manifest);
    texts.set(o, text);
    try {
      const before = identity(file);
      if (readFileSync(file, 'utf8') === text) unchanged.set(o, { file, id: before });
    } catch {
      /* no such file: a new object */
    }
  });
  return { unchanged, texts, hashes, renderer };
}

function sameIdentity(a: ReturnType<typeof identity>, b: ReturnType<typeof identity>): boolean {
  return a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}

/** Prints the time and memory of each phase of a synth to stderr when CDK8S_DELIVERY_TIMINGS is set (profiling, the bench). */
function phaseTimer(): (name: string) => void {
  if (!process.env.CDK8S_DELIVERY_TIMINGS) return () => undefined;
  let last = performance.now();
  return (name) => {
    const now = performance.now();
    // RSS now and the process's peak so far (maxRSS), in MiB: which phase holds the memory. And of the RSS, V8's heap:
    // used (live objects and garbage not yet collected) of committed. Node and its modules' code, not V8's heap, are
    // ~110 MiB of the RSS; the heap grows to about twice what was live at its last full collection.
    const heap = process.memoryUsage();
    const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
    console.error(`timing: ${name} ${Math.round(now - last)} ms (RSS ${mib(heap.rss)} MiB, peak ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB, heap ${mib(heap.heapUsed)} of ${mib(heap.heapTotal)} MiB)`);
    last = now;
  };
}
