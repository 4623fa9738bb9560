import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { openSloDocuments } from '../observability/openslo.js';
import { SLO_ANNOTATION } from '../observability/slo-rules.js';
import { ManifestInputError, loadManifests } from '../validation/validate-manifests.js';
import { type CliIo, type Command, ExitCode, reportInputErrors, UsageError } from './command.js';
import { visible } from './escape.js';

const USAGE = `usage: cdk8s-delivery slo export [env-dir] [--format openslo] [--out file]

export  writes the SLOs an environment's manifests declare (default: the current directory) as OpenSLO v1
        documents: a Service per service and an SLO per objective (availability, latency), each with its
        indicator inline as a ratio of Prometheus counters, a rolling time window of the SLO period and the
        Occurrences budgeting method. The SLOs are read from the ${SLO_ANNOTATION} annotation of the
        PrometheusRules the services' \`slo\` emits; pass one environment folder (e.g. dist/shop/prod).

options:
  --format openslo   the output format (the only one; the default)
  --out <file>       write the YAML documents to a file instead of standard output
  -h, --help         print this help

exit codes: 0 written, 2 bad input (no SLO in the folder, an unreadable annotation, two environments)`;

function parse(args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], allowPositionals: true, options: { format: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** `cdk8s-delivery slo export`. */
export const sloCommand: Command = {
  name: 'slo',
  summary: 'export the SLOs of an environment as OpenSLO documents',
  usage: USAGE,
  async run(args: readonly string[], io: CliIo) {
    const [sub, ...rest] = args;
    const { values, positionals } = parse(rest);
    if (sub === '--help' || sub === '-h' || values.help) {
      io.out(USAGE);
      return ExitCode.OK;
    }
    if (sub !== 'export') throw new UsageError(sub === undefined ? 'missing the subcommand (export)' : `unknown subcommand "${sub}"`);
    if (positionals.length > 1) throw new UsageError(`expected at most one env-dir, got ${positionals.length}`);
    if ((values.format ?? 'openslo') !== 'openslo') throw new UsageError(`--format must be openslo, got ${JSON.stringify(values.format)}`);
    const dir = positionals[0] ?? '.';
    let objects;
    try {
      objects = (await loadManifests(dir)).manifests.map((m) => ({ object: m.object, location: m.location }));
    } catch (error) {
      if (!(error instanceof ManifestInputError)) throw error;
      return reportInputErrors(io, error.problems, false);
    }
    const { documents, problems } = openSloDocuments(objects);
    if (problems.length > 0) return reportInputErrors(io, problems, false);
    if (documents.length === 0) return reportInputErrors(io, [{ location: dir, message: `holds no SLO: no PrometheusRule with the ${SLO_ANNOTATION} annotation (services with an \`slo\` emit one)` }], false);
    const text = documents.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
    if (values.out !== undefined) {
      await writeFile(values.out, text);
      io.err(`wrote ${documents.length} OpenSLO documents to ${visible(values.out)}`);
    } else {
      io.out(text.replace(/\n$/, ''));
    }
    return ExitCode.OK;
  },
};
