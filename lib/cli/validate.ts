import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { type Finding, formatFinding } from '../validation/finding.js';
import { SchemaValidator } from '../validation/schema-validator.js';
import { defaultValidatorCacheDir, useCrdValidatorCache } from '../validation/schema/validator-cache.js';
import { categoryOf } from '../validation/categories.js';
import { type LoadedManifests, ManifestInputError, type ValidationPolicy, VALIDATION_POLICIES, loadManifests, validateManifests } from '../validation/validate-manifests.js';
import { visible } from './escape.js';
import { type Command, ExitCode, UsageError, oneDirectory, reportInputErrors } from './command.js';


const USAGE = `usage: cdk8s-delivery validate <dir|file> [--crds <dir>] [--policy restricted|baseline|none] [--json]

Checks Kubernetes manifests, ours or hand-written, the way the cluster and its controllers will see
them. It reads what Argo CD reads: every .yaml, .yml and .json file below <dir> (symbolic links
followed), every document of each, the items of kind: List; YAML merge keys (<<:) are applied as
kubectl applies them. Files that are not UTF-8, special files and documents over the API server's
3 MiB request limit are unreadable input. The checks:
  schema/*    the upstream schema of every object: Kubernetes core kinds (1.28+) and the pinned CRDs,
              unknown fields are errors
  rollout/*   the Argo Rollouts controller's rules for Rollouts, including references (Services,
              AnalysisTemplates, routes), selectors, metric names and args
  analysis/*  AnalysisTemplate rules (metrics terminate, providers, limits, durations)
  keda/*      the KEDA admission webhook's rules for ScaledObjects
  argocd/*    Argo CD sync-wave, hook, hook-delete-policy and sync-options values
  gitops/*    no object twice in what one Argo CD or Flux syncs; Applications allowed by their AppProject
  pss/*       the Pod Security Standards profile (--policy), for every pod template
  security/*  no inline Secret data
  api/*       the API server's size limits: annotations 256 KiB, ConfigMap and Secret data 1 MiB,
              a whole object 1.5 MiB (etcd's request limit)
Every finding has a category: schema and controller findings make the manifests invalid; policy
findings (Pod Security, inline secrets, this project's rollout and sync policies) are ours, and
--policy none leaves them out.
References resolve within a namespace across all files: validate one cluster's manifests at a time.

Prints one line per finding: file: Kind/namespace/name: field = value: what is wrong [rule] Fix: how.

options:
  --crds <dir>   folder of extra CustomResourceDefinition YAML files, added to the pinned CRDs that ship
                 with cdk8s-delivery (other controllers' CRDs, or newer versions of pinned ones, which win)
  --policy <p>   restricted (default), baseline (Pod Security baseline instead), or none (validity only)
  --release <f>  a release file (repeatable): release/promotion, every image in an environment ran in the
                 previous one (the file's record, cross-checked against git history) unless a bypass is
                 recorded; release/out-of-date, <dir>/<platform>/<env>/<workload>/ runs the image it records
  --json         print {ok, summary, findings} as JSON, each finding with a category
                 (input errors: {ok: false, exitCode: 2, errors})
  -h, --help     print this help

exit codes: 0 no errors (warnings allowed), 1 errors, 2 unreadable input (missing path, YAML that does not parse;
the other files are still checked and reported)`;

function parse(args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], allowPositionals: true, options: { crds: { type: 'string' }, policy: { type: 'string' }, release: { type: 'string', multiple: true }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `cdk8s-delivery validate`: the synth's manifest validation, for any directory of manifests. */
export const validateCommand: Command = {
  name: 'validate',
  summary: 'check manifests: upstream schemas, Argo Rollouts, KEDA and Argo CD rules, Pod Security "restricted"',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parse(args);
    if (values.help) {
      io.out(USAGE);
      return ExitCode.OK;
    }
    const dir = oneDirectory(positionals, 'manifests directory');
    const policy = values.policy ?? 'restricted';
    if (!VALIDATION_POLICIES.includes(policy as ValidationPolicy)) throw new UsageError(`--policy must be one of ${VALIDATION_POLICIES.join(', ')}, not "${policy}"`);
    // Compiled CRD validators, parsed CEL rules, the outcomes of CEL rules on content checked before and the core kinds'
    // validators as one script each come from the user's cache (CDK8S_DELIVERY_VALIDATOR_CACHE=off turns it off; issue
    // 25: CLI start).
    useCrdValidatorCache(defaultValidatorCacheDir(), { celOutcomes: true, coreScripts: true });
    let loaded: LoadedManifests;
    let schema: SchemaValidator;
    try {
      if (values.crds !== undefined && !(await isDirectory(values.crds))) throw new ManifestInputError([{ location: values.crds, message: '--crds is not a directory' }]);
      [loaded, schema] = await Promise.all([loadManifests(dir), SchemaValidator.load({ crdsDir: values.crds })]);
    } catch (error) {
      if (!(error instanceof ManifestInputError)) throw error;
      return reportInputErrors(io, error.problems, values.json === true);
    }
    const { errors: manifestErrors, warnings } = validateManifests(loaded.manifests, { schema, policy: policy as ValidationPolicy });
    // The release rule's module (and what it reads of lib/review) loads only when --release asks for it (CLI start, issue 25).
    const releaseFiles = values.release ?? [];
    const { validateRelease } = releaseFiles.length > 0 ? await import('../release/validate-release.js') : { validateRelease: undefined };
    const releases = releaseFiles.map((file) => validateRelease!(file, loaded.manifests));
    const errors = [...manifestErrors, ...releases.flatMap((r) => r.findings)];
    const unreadable = [...(loaded.unreadable ?? []), ...releases.flatMap((r) => r.problems)];
    const summary = { files: loaded.files.length, objects: loaded.manifests.length, errors: errors.length, warnings: warnings.length, unreadable: unreadable.length };
    if (values.json) {
      const entry = (severity: string) => (f: Finding) => ({ severity, category: categoryOf(f.rule), ...loaded.sources.get(f.location), ...f });
      const ok = errors.length === 0 && unreadable.length === 0;
      io.out(JSON.stringify({ ok, summary, findings: [...errors.map(entry('error')), ...warnings.map(entry('warning'))], ...(unreadable.length > 0 ? { exitCode: ExitCode.INPUT_ERROR, errors: unreadable } : {}) }, null, 2));
    } else {
      // Locations hold file names and metadata.name, values and messages what the manifests say: one line each, made visible.
      for (const problem of unreadable) io.err(`error: ${visible(problem.location)}: ${visible(problem.message)}`);
      for (const f of errors) io.out(visible(formatFinding(f)));
      for (const f of warnings) io.out(`warning: ${visible(formatFinding(f))}`);
      const checked = `${plural(summary.objects, 'object')} in ${plural(summary.files, 'file')}`;
      io.out(`validate: ${errors.length === 0 ? 'no errors' : plural(errors.length, 'error')}${warnings.length > 0 ? `, ${plural(warnings.length, 'warning')}` : ''}${unreadable.length > 0 ? `, ${plural(unreadable.length, 'unreadable input')}` : ''} (${checked})`);
    }
    if (unreadable.length > 0) return ExitCode.INPUT_ERROR;
    return errors.length === 0 ? ExitCode.OK : ExitCode.VIOLATIONS;
  },
};

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}
