import { parseArgs } from 'node:util';
import { COMMENT_BUDGET, DiffInputError, formatMarkdown, formatText, MIN_COMMENT_BUDGET, semanticDiff } from '../review/diff/index.js';
import { type Command, ExitCode, UsageError, reportInputErrors } from './command.js';

const USAGE = `usage: cdk8s-delivery diff [--base <git-ref>] [--format text|markdown|json] [--max-chars <n>] [--dir <dir>] [--migrations <dir>]...

Compares the synthesized manifests in <dir> (working tree) with the same folder at a git ref and prints,
per platform / environment / app, what changed in terms a reviewer cares about: image digests, strategy
and canary steps, analysis thresholds, PodDisruptionBudget and autoscaling bounds, sync waves, objects
added and removed, and new migrations with their expand/contract class. Risky changes are flagged (a PDB
removed or loosened, a canary step skipped, analysis weakened or removed, a contract migration, ...).
SLO analysis parameters (objectives, abort lines, window, minimum requests, confidence, paths left out)
are compared one by one; queries are shown as a size and a hash, with a compact line diff.
Release files of the git work tree (release.yaml, <name>.release.yaml, .yml or .json: see
\`cdk8s-delivery release --help\`) add one line per promoted workload (from which environment, since when,
the proof commit, the rollout that will run); a promotion that bypassed the rule (--force) is flagged.

options:
  --base <git-ref>      the version to compare with (default HEAD)
  --format <format>     text (default), markdown (a pull-request comment) or json
                        (input errors: {ok: false, exitCode: 2, errors})
  --max-chars <n>       markdown only: the most characters of the comment (default ${COMMENT_BUDGET}, under
                        GitHub's 65536; at least ${MIN_COMMENT_BUDGET}). A longer report leaves out line diffs,
                        then unflagged changes, least important first, and says what it left out
  --dir <dir>           the output folder (default dist)
  --migrations <dir>    a migrations directory whose new *.sql files are classified (repeatable;
                        default: every new *.sql below a folder named "migrations" in the git working tree)
  -h, --help            print this help

exit codes: 0 compared (with or without changes), 2 unreadable input (missing folder, unknown ref,
a manifest that is not YAML). SQL that does not parse is listed as an "unparsable" migration.`;

function parse(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      allowPositionals: false,
      options: {
        base: { type: 'string', default: 'HEAD' },
        format: { type: 'string', default: 'text' },
        'max-chars': { type: 'string' },
        dir: { type: 'string', default: 'dist' },
        migrations: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** The value of --max-chars: a whole number of at least MIN_COMMENT_BUDGET, and only for the comment. */
function maxCharsOf(value: string | undefined, format: string): number | undefined {
  if (value === undefined) return undefined;
  if (format !== 'markdown') throw new UsageError(`--max-chars applies to --format markdown only (the ${format} format is never shortened)`);
  if (!/^\d+$/.test(value) || Number(value) < MIN_COMMENT_BUDGET) throw new UsageError(`--max-chars must be a whole number of at least ${MIN_COMMENT_BUDGET}, got "${value}"`);
  return Number(value);
}

/** `cdk8s-delivery diff`: the semantic diff of dist/ against a git ref, for humans and pull-request comments. */
export const diffCommand: Command = {
  name: 'diff',
  summary: 'explain what changed in dist/ since a git ref (images, strategies, analysis, bounds, waves, migrations) and flag risks',
  usage: USAGE,
  async run(args, io) {
    const { values } = parse(args);
    if (values.help) {
      io.out(USAGE);
      return ExitCode.OK;
    }
    if (!['text', 'markdown', 'json'].includes(values.format!)) throw new UsageError(`unknown format "${values.format}" (use text, markdown or json)`);
    const maxChars = maxCharsOf(values['max-chars'], values.format!);
    try {
      const report = await semanticDiff({ base: values.base, dir: values.dir, migrations: values.migrations });
      if (values.format === 'markdown') io.out(formatMarkdown(report, { maxChars }).trimEnd());
      else if (values.format === 'json') io.out(JSON.stringify(report, null, 2));
      else formatText(report).forEach((line) => io.out(line));
      return ExitCode.OK;
    } catch (error) {
      if (!(error instanceof DiffInputError)) throw error;
      return reportInputErrors(io, error.problems, values.format === 'json');
    }
  },
};
