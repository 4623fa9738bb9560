import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_MAX_RESPONSE_BYTES, PrometheusClient, PrometheusUnavailableError } from '../analysis/simulate/prometheus.js';
import { formatReplay, replay } from '../analysis/simulate/replay.js';
import { formatSimulation, markdownReport } from '../analysis/simulate/report.js';
import { simulate } from '../analysis/simulate/simulate.js';
import { subjectsOf } from '../analysis/simulate/subjects.js';
import { ManifestInputError, loadManifests } from '../validation/validate-manifests.js';
import { type CliIo, type Command, ExitCode, UsageError, reportInputErrors } from './command.js';
import { visible, visibleText } from './escape.js';

const USAGE = `usage: cdk8s-delivery analysis simulate [env-dir ...] [--trials N] [--seed N] [--rps N] [--no-power] [--report file.md] [--json]
       cdk8s-delivery analysis replay [env-dir] --prometheus <url> --from <time> --to <time> [--every 30m] [--max-response-mb 64] [--json]

simulate  runs every AnalysisTemplate of the environments' manifests (default: the current directory)
          through the scenario suite: synthetic OpenTelemetry HTTP traffic and kube-state-metrics
          restart counters for each scenario (healthy, 5 % and 100 % 5xx, p99 at 3 × the objective, no
          traffic, probes only, stable erroring, errors oscillating at the objective, crash loops and
          counter resets, 1, 5, 10 and 2,000 req/s, scrape gaps, one bad pod, one failing route, a 4xx
          storm, stable and canary both bad, stable broken, Prometheus unreachable and timing out, a
          canary degrading during the analysis) backfilled into a local Prometheus (prometheus and
          promtool on PATH: apt-get install -y prometheus), the emitted queries run at the times the
          AnalysisRun controller would run them, the conditions and the AnalysisRun loop applied as
          Argo Rollouts v1.9.1 does. Smoke tests (web metrics) run against canned HTTP answers.
          Prints scenario × template → verdicts, what decided, whether the acceptance holds, every
          pause, and the power of each template: the smallest 5xx and p99 regression (multiples of
          the error budget and of the p99 objective) it aborts in its first analysis step in ≥ 95 % of
          trials, at the template's declared traffic (expectedRequestsPerSecond in its
          delivery.cdk8s.io/analysis-parameters annotation) or --rps, and the time to a verdict at
          1, 5 and 10 req/s.
replay    evaluates the Prometheus templates over a real Prometheus's history, as if a canary had
          started every --every, with the workload's pods standing in for the canary: how often each
          template would have aborted or paused a healthy release on real traffic.

options:
  --trials N         seeded trials per scenario and template (simulate; default 100)
  --seed N           seed of the first trial (simulate; default 1)
  --rps N            requests per second to each service: the power report's traffic (instead of the
                     declared one) and the scenarios without their own (simulate; default 40)
  --no-power         skip the power ladder (simulate)
  --report <file>    also write a Markdown report with a Mermaid chart per scenario (simulate)
  --prometheus <url> Prometheus base URL (replay)
  --from, --to       RFC 3339 time or Unix seconds (replay)
  --every <d>        time between simulated canary starts: 90s, 30m, 1h (replay; default 30m)
  --max-response-mb N  the largest Prometheus answer read, in MiB: a larger one is abandoned with an error
                     (replay; default 64). Redirects are followed only to the same scheme, host and port.
  --json             print the result as JSON
  -h, --help         print this help

exit codes: 0 every acceptance met (simulate) / replay done, 1 an acceptance not met, 2 bad input or
no Prometheus binaries`;

function parse(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        trials: { type: 'string' },
        seed: { type: 'string' },
        rps: { type: 'string' },
        'no-power': { type: 'boolean' },
        report: { type: 'string' },
        prometheus: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        every: { type: 'string' },
        'max-response-mb': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function positiveInt(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a whole number of at least 1, got ${JSON.stringify(text)}`);
  return n;
}

function positiveNumber(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(text) || !(n > 0)) throw new UsageError(`--${name} must be a number of requests per second above 0, got ${JSON.stringify(text)}`);
  return n;
}

/** RFC 3339 or Unix seconds → Unix seconds. */
export function parseTime(text: string | undefined, name: string): number {
  if (text === undefined) throw new UsageError(`missing --${name}`);
  if (/^[0-9]+(\.[0-9]+)?$/.test(text)) return Math.floor(Number(text));
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(ms)) throw new UsageError(`--${name} must be an RFC 3339 time (2026-01-31T12:00:00Z) or Unix seconds, got ${JSON.stringify(text)}`);
  return Math.floor(ms / 1000);
}

function parseEvery(text: string | undefined): number {
  if (text === undefined) return 1800;
  const m = /^([0-9]+)(s|m|h)$/.exec(text);
  if (!m || Number(m[1]) === 0) throw new UsageError(`--every must be a duration like 90s, 30m or 1h, got ${JSON.stringify(text)}`);
  return Number(m[1]) * (m[2] === 's' ? 1 : m[2] === 'm' ? 60 : 3600);
}

async function load(dirs: readonly string[], io: CliIo, json: boolean) {
  try {
    const objects = [];
    for (const dir of dirs) objects.push(...(await loadManifests(dir)).manifests.map((m) => m.object));
    return subjectsOf(objects);
  } catch (error) {
    if (!(error instanceof ManifestInputError)) throw error;
    // The one error shape of every command ({ok: false, exitCode: 2, errors}), made visible on standard error.
    reportInputErrors(io, error.problems, json);
    return undefined;
  }
}

/** Whether a URL carries a user name or password. */
function hasCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return /^[a-z]+:\/\/[^/@\s]*@/i.test(url);
  }
}

/** A URL for messages: without its user name and password. */
function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url.replace(/^([a-z]+:\/\/)[^/@\s]*@/i, '$1');
  }
}

/** The replay's client, counting the queries and keeping Prometheus' errors (replay itself turns them into failed measurements). */
class RecordingPrometheusClient extends PrometheusClient {
  queries = 0;
  readonly errors: string[] = [];

  override async queryRange(expr: string, start: number, end: number, step: number) {
    const outcome = await super.queryRange(expr, start, end, step);
    this.queries++;
    if ('error' in outcome) this.errors.push(outcome.error);
    return outcome;
  }

  override async query(expr: string, time: number) {
    const outcome = await super.query(expr, time);
    this.queries++;
    if ('error' in outcome) this.errors.push(outcome.error);
    return outcome;
  }
}

/** `cdk8s-delivery analysis simulate|replay`. */
export const analysisCommand: Command = {
  name: 'analysis',
  summary: 'simulate the canary analyses against a local Prometheus, or replay them on real history',
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args;
    const { values, positionals } = parse(rest);
    if (sub === '--help' || sub === '-h' || values.help) {
      io.out(USAGE);
      return ExitCode.OK;
    }
    if (sub !== 'simulate' && sub !== 'replay') throw new UsageError(sub === undefined ? 'missing the subcommand (simulate or replay)' : `unknown subcommand "${sub}"`);
    if (sub === 'replay' && positionals.length > 1) throw new UsageError(`expected at most one env-dir, got ${positionals.length}`);
    const dirs = positionals.length > 0 ? positionals : ['.'];
    const dir = dirs.join(', ');
    if (sub === 'simulate') {
      const trials = positiveInt(values.trials, 'trials', 100);
      const seed = positiveInt(values.seed, 'seed', 1);
      const rps = positiveNumber(values.rps, 'rps');
      const subjects = await load(dirs, io, values.json === true);
      if (!subjects) return ExitCode.INPUT_ERROR;
      if (subjects.length === 0) {
        io.err(`error: ${visible(dir)}: no AnalysisTemplate to simulate`);
        return ExitCode.INPUT_ERROR;
      }
      let result;
      try {
        result = await simulate(subjects, { trials, seed, ...(rps !== undefined ? { rps, powerRps: rps } : {}), power: values['no-power'] !== true });
      } catch (error) {
        if (!(error instanceof PrometheusUnavailableError)) throw error;
        io.err(`error: ${error.message}`);
        return ExitCode.INPUT_ERROR;
      }
      if (values.report !== undefined) await writeFile(values.report, `${markdownReport(result)}\n`);
      if (values.json) {
        io.out(JSON.stringify({
          ok: result.results.every((r) => r.accepted),
          trials: result.trials,
          seconds: result.seconds,
          results: result.results.map(({ example, lines, times, ...r }) => ({ ...r, example: { verdict: example.verdict, step: example.step, metric: example.metric, message: example.message } })),
          power: result.power,
          skipped: result.skipped,
        }, null, 2));
      } else {
        io.out(visibleText(formatSimulation(result)));
      }
      return result.results.every((r) => r.accepted) ? ExitCode.OK : ExitCode.VIOLATIONS;
    }
    if (values.prometheus === undefined) throw new UsageError('missing --prometheus <url>');
    if (!/^https?:\/\/[^\s/]+/.test(values.prometheus)) throw new UsageError(`--prometheus must be an http(s) URL, got ${JSON.stringify(withoutCredentials(values.prometheus))}`);
    if (hasCredentials(values.prometheus)) {
      // fetch refuses a URL with credentials, and a message or log would show them: say so without repeating them.
      throw new UsageError(`--prometheus must not carry credentials (${withoutCredentials(values.prometheus)}): put Prometheus behind a local proxy that authenticates, or use a URL that needs none`);
    }
    const from = parseTime(values.from, 'from');
    const to = parseTime(values.to, 'to');
    if (!(to > from)) throw new UsageError('--to must be after --from');
    const subjects = await load(dirs, io, values.json === true);
    if (!subjects) return ExitCode.INPUT_ERROR;
    let result;
    const maxResponseMb = values['max-response-mb'] === undefined ? DEFAULT_MAX_RESPONSE_BYTES / 1024 / 1024 : Number(values['max-response-mb']);
    if (!/^[0-9]+(\.[0-9]+)?$/.test(values['max-response-mb'] ?? '64') || !(maxResponseMb > 0)) throw new UsageError(`--max-response-mb must be a number of MiB above 0, got ${JSON.stringify(values['max-response-mb'])}`);
    const client = new RecordingPrometheusClient(values.prometheus, { maxResponseBytes: Math.floor(maxResponseMb * 1024 * 1024) });
    try {
      result = await replay(client, subjects, { from, to, everySeconds: parseEvery(values.every) });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (values.json) reportInputErrors(io, [{ location: withoutCredentials(values.prometheus), message: `could not query Prometheus: ${message}` }], true);
      else io.err(`error: could not query Prometheus at ${visible(withoutCredentials(values.prometheus))}: ${visible(message)}`);
      return ExitCode.INPUT_ERROR;
    }
    // Prometheus answering `status: error` to every query (a wrong path, a proxy) is not a replay: "100 % aborted" would mislead.
    if (client.queries > 0 && client.errors.length === client.queries) {
      const message = `Prometheus answered every query (${client.queries}) with an error, so nothing was replayed: ${client.errors[0]}`;
      if (values.json) reportInputErrors(io, [{ location: withoutCredentials(values.prometheus), message }], true);
      else io.err(`error: ${visible(withoutCredentials(values.prometheus))}: ${visible(message)}`);
      return ExitCode.INPUT_ERROR;
    }
    if (client.errors.length > 0 && !values.json) io.err(`warning: Prometheus answered ${client.errors.length} of ${client.queries} queries with an error (those measurements count as errors, as in Argo Rollouts), the first: ${visible(client.errors[0]!)}`);
    io.out(values.json ? JSON.stringify(result, null, 2) : visibleText(formatReplay(result)));
    return ExitCode.OK;
  },
};
