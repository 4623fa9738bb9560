import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ReleaseGitHistory } from '../release/git-history.js';
import { DEFAULT_RELEASE_FILE, formatRelease, parseRelease, ReleaseFileState } from '../release/release-file.js';
import { parseAssignments, pendingPromotions, promote, PromotionRefused, promotionViolations, recordsOf, ReleaseChange, ReleaseInputError, setImages, shortDigestOf } from '../release/release-operations.js';
import { readReleaseFile, writeReleaseFileAtomically } from '../release/release-store.js';
import { type CliIo, type Command, ExitCode, UsageError, reportInputErrors } from './command.js';
import { visible } from './escape.js';

const USAGE = `usage: cdk8s-delivery release <subcommand> [options]

Reads and changes the release file of a platform: per workload and environment, the image (pinned by
digest) and where it came from. Synth reads it (Release.fromFile), so shipping is a data change and
rolling back is \`git revert\` of it. The commands write the release file only (atomically: a temporary
file renamed over it; on any error it is left byte for byte as it was), never anything else.

subcommands:
  init --platform <name> --environments <env>,<env>,...
                      write an empty release file (environments in promotion order); never overwrites
  set <workload>=<image>@sha256:<digest>... --env <env> [--new]
                      record images in an environment: any digest in the first environment; in a later one
                      only a digest that ran in the previous environment (recorded as promoted).
                      --new adds a workload the file does not have yet
  promote --from <env> --to <env> [--workload <name>]...
                      move what <from> runs to the next environment <to> (default: every workload whose
                      image differs). In git, the change that put the image in <from> must be committed:
                      its commit is recorded as the proof
  status [--json]     what runs where and since when, what waits to be promoted, and any violation of the
                      promotion rule (exit code 1)
  history <workload> [--env <env>] [--json]
                      every recorded image of a workload, newest first, per environment

options:
  --file <file>       the release file (default ${DEFAULT_RELEASE_FILE} in the current folder)
  --force --reason <why>
                      set or promote in spite of the promotion rule (a hotfix); the reason is recorded in
                      the file, and the review diff flags it
  -h, --help          print this help

exit codes: 0 done, 1 a promotion the rule refuses (nothing written) or, for status, a file that
violates the rule, 2 bad usage or input (an unknown workload or environment, a tag instead of a digest,
a malformed file; nothing written)`;

function parse(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        file: { type: 'string', default: DEFAULT_RELEASE_FILE },
        env: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        workload: { type: 'string', multiple: true },
        new: { type: 'boolean' },
        force: { type: 'boolean' },
        reason: { type: 'string' },
        platform: { type: 'string' },
        environments: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

type Values = ReturnType<typeof parse>['values'];

/** The time recorded as `since`: now, in UTC, to the second. */
const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

function only(values: Values, sub: string, allowed: readonly (keyof Values)[]): void {
  const given = (Object.keys(values) as (keyof Values)[]).filter((k) => values[k] !== undefined && k !== 'file' && k !== 'help' && !allowed.includes(k));
  if (given.length > 0) throw new UsageError(`release ${sub} does not take --${String(given[0])}`);
}

function forceReason(values: Values): string | undefined {
  if (values.force && (values.reason === undefined || values.reason.trim() === '')) throw new UsageError('--force needs --reason "<why>": the reason is recorded in the release file');
  if (!values.force && values.reason !== undefined) throw new UsageError('--reason goes with --force');
  return values.force ? values.reason!.trim() : undefined;
}

function describe(change: ReleaseChange, from?: string): string {
  const r = change.after;
  const before = change.before ? ` (was ${shortDigestOf(change.before)})` : ' (new)';
  const how = r.bypass !== undefined ? `BYPASS of the promotion rule: ${JSON.stringify(r.bypass)}` : r.from ? `promoted from ${r.from}${r.commit ? `, proof commit ${r.commit.slice(0, 12)}` : ''}` : 'set';
  return `${change.workload} ${from ?? r.from ?? ''}${from ?? r.from ? ' → ' : ''}${change.environment}: ${shortDigestOf(r.image)}${before}; ${how}`;
}

function write(io: CliIo, file: string, state: ReleaseFileState, changes: readonly ReleaseChange[], from?: string): number {
  if (changes.length === 0) {
    io.out(`${file}: nothing changed (the environment already runs ${from ? 'what it would be promoted' : 'these images'})`);
    return ExitCode.OK;
  }
  writeReleaseFileAtomically(file, formatRelease(state));
  for (const c of changes) io.out(visible(`${file}: ${describe(c, from)}`));
  return ExitCode.OK;
}

function status(io: CliIo, file: string, state: ReleaseFileState, json: boolean): number {
  const pending = pendingPromotions(state);
  const violations = promotionViolations(state, ReleaseGitHistory.of(file));
  if (json) {
    io.out(JSON.stringify({ ok: violations.length === 0, file, platform: state.platform, environments: state.environments, workloads: state.workloads, pending, violations }, null, 2));
    return violations.length === 0 ? ExitCode.OK : ExitCode.VIOLATIONS;
  }
  const lines = [`${file}: platform ${state.platform}, environments ${state.environments.join(' → ')}`];
  const width = Math.max(...state.environments.map((e) => e.length));
  for (const workload of Object.keys(state.workloads).sort()) {
    lines.push('', workload);
    for (const env of state.environments) {
      const e = state.workloads[workload]![env];
      const how = !e ? '' : e.bypass !== undefined ? ` (BYPASS: ${JSON.stringify(e.bypass)})` : e.from ? ` (from ${e.from})` : '';
      lines.push(`  ${env.padEnd(width)}  ${e ? `${shortDigestOf(e.image)}  since ${e.since}${how}` : '-'}`);
    }
  }
  lines.push('');
  if (pending.length === 0) lines.push('nothing waits to be promoted');
  else {
    lines.push('waiting to be promoted:');
    for (const p of pending) lines.push(`  ${p.workload} ${p.from} → ${p.to}: ${shortDigestOf(p.image)} in ${p.from} since ${p.since}`);
  }
  for (const v of violations) lines.push(`violation: ${v.workload} in ${v.environment}: ${shortDigestOf(v.image)} ${v.message}. Fix: ${v.fix}`);
  for (const line of lines) io.out(visible(line));
  return violations.length === 0 ? ExitCode.OK : ExitCode.VIOLATIONS;
}

function history(io: CliIo, file: string, state: ReleaseFileState, workload: string, env: string | undefined, json: boolean): number {
  if (!state.workloads[workload]) throw new ReleaseInputError([`"${workload}" is not a workload of the release file (${Object.keys(state.workloads).sort().join(', ') || 'none'})`]);
  if (env !== undefined && !state.environments.includes(env)) throw new ReleaseInputError([`--env "${env}" is not an environment of the release file (${state.environments.join(', ')})`]);
  const environments = env === undefined ? state.environments : [env];
  if (json) {
    io.out(JSON.stringify({ workload, environments: Object.fromEntries(environments.map((e) => [e, recordsOf(state, workload, e)])) }, null, 2));
    return ExitCode.OK;
  }
  const lines = [`${file}: ${workload}, newest first`];
  for (const e of environments) {
    lines.push('', e);
    const records = recordsOf(state, workload, e);
    if (records.length === 0) lines.push('  (never ran here)');
    records.forEach((r, i) => {
      const how = r.bypass !== undefined ? `BYPASS: ${JSON.stringify(r.bypass)}` : r.from ? `from ${r.from}${r.commit ? ` (commit ${r.commit.slice(0, 12)})` : ''}` : 'set';
      lines.push(`  ${i === 0 ? '*' : ' '} ${r.since}  ${r.image}  ${how}`);
    });
  }
  for (const line of lines) io.out(visible(line));
  return ExitCode.OK;
}

async function run(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args);
  if (values.help || positionals.length === 0) {
    if (positionals.length === 0 && !values.help) throw new UsageError('missing the subcommand (init, set, promote, status or history)');
    io.out(USAGE);
    return ExitCode.OK;
  }
  const [sub, ...rest] = positionals;
  const file = values.file!;
  if (sub === 'init') {
    only(values, sub, ['platform', 'environments']);
    if (rest.length > 0) throw new UsageError('release init takes no positional arguments');
    if (!values.platform || !values.environments) throw new UsageError('release init needs --platform <name> and --environments <env>,<env>,...');
    const state: ReleaseFileState = { platform: values.platform, environments: values.environments.split(',').map((e) => e.trim()), workloads: {} };
    const checked = formatRelease(state);
    if (existsSync(file)) throw new ReleaseInputError(['already exists (init never overwrites a file)']);
    // Checked as any release file is: the names must be DNS labels, each environment once.
    const parsed = parseRelease(checked);
    if (!parsed.state) throw new ReleaseInputError(parsed.problems.map((p) => `${p.field} = ${JSON.stringify(p.value)}: ${p.message}`));
    writeReleaseFileAtomically(file, checked);
    io.out(`${file}: created for platform ${state.platform}, environments ${state.environments.join(' → ')}`);
    return ExitCode.OK;
  }
  if (sub === 'set') {
    only(values, sub, ['env', 'new', 'force', 'reason']);
    if (rest.length === 0) throw new UsageError('release set needs <workload>=<image>@sha256:<digest>');
    if (!values.env) throw new UsageError('release set needs --env <environment>');
    const reason = forceReason(values);
    const { state } = readReleaseFile(file);
    const assignments = parseAssignments(state, rest, values.new === true);
    const result = setImages(state, values.env, assignments, { now: now(), forceReason: reason, git: ReleaseGitHistory.of(file) });
    return write(io, file, result.state, result.changes);
  }
  if (sub === 'promote') {
    only(values, sub, ['from', 'to', 'workload', 'force', 'reason']);
    if (rest.length > 0) throw new UsageError(`release promote takes no positional arguments (name workloads with --workload), got "${rest[0]}"`);
    if (!values.from || !values.to) throw new UsageError('release promote needs --from <environment> and --to <environment>');
    const reason = forceReason(values);
    const { state } = readReleaseFile(file);
    const result = promote(state, values.from, values.to, values.workload, { now: now(), forceReason: reason, git: ReleaseGitHistory.of(file) });
    if (result.changes.length === 0) {
      io.out(`${file}: nothing to promote from ${values.from} to ${values.to}`);
      return ExitCode.OK;
    }
    return write(io, file, result.state, result.changes, values.from);
  }
  if (sub === 'status') {
    only(values, sub, ['json']);
    if (rest.length > 0) throw new UsageError('release status takes no positional arguments');
    return status(io, file, readReleaseFile(file).state, values.json === true);
  }
  if (sub === 'history') {
    only(values, sub, ['env', 'json']);
    if (rest.length !== 1) throw new UsageError('release history needs one <workload>');
    return history(io, file, readReleaseFile(file).state, rest[0]!, values.env, values.json === true);
  }
  throw new UsageError(`unknown subcommand "${sub}" (use init, set, promote, status or history)`);
}

/** The release file a command line names (for error locations). */
function fileOf(args: readonly string[]): string {
  try {
    return parse(args).values.file!;
  } catch {
    return DEFAULT_RELEASE_FILE;
  }
}

/** `cdk8s-delivery release`: the release file's commands (init, set, promote, status, history). */
export const releaseCommand: Command = {
  name: 'release',
  summary: 'release state as data: set and promote image digests through the environments, status and history',
  usage: USAGE,
  async run(args, io) {
    try {
      return await run(args, io);
    } catch (error) {
      const json = args.includes('--json');
      if (error instanceof ReleaseInputError) return reportInputErrors(io, error.problems.map((p) => ({ location: fileOf(args), message: p })), json);
      if (error instanceof PromotionRefused) {
        for (const r of error.refusals) io.err(visible(`refused: ${r}`));
        io.err('nothing was written. To ship anyway (a hotfix), repeat with --force --reason "<why>": the reason is recorded in the release file and flagged in review.');
        return ExitCode.VIOLATIONS;
      }
      throw error;
    }
  },
};
