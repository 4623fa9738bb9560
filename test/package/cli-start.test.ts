import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { type CliIo, ExitCode } from '../../lib/cli/command.js';
import { COMMANDS, main } from '../../lib/cli/main.js';
import { ENTRY_POINTS } from '../../scripts/build.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

function capture(): CliIo & { readonly stdout: string[]; readonly stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
}

/** Each command's module and exported Command, as lib/cli/main.ts loads them. */
const MODULES: Record<string, () => Promise<{ name: string; summary: string; usage: string }>> = {
  'lint-migrations': async () => (await import('../../lib/cli/lint-migrations.js')).lintMigrationsCommand,
  validate: async () => (await import('../../lib/cli/validate.js')).validateCommand,
  diff: async () => (await import('../../lib/cli/diff.js')).diffCommand,
  analysis: async () => (await import('../../lib/cli/analysis.js')).analysisCommand,
  slo: async () => (await import('../../lib/cli/slo.js')).sloCommand,
  init: async () => (await import('../../lib/cli/init.js')).initCommand,
  release: async () => (await import('../../lib/cli/release.js')).releaseCommand,
};

interface Graph {
  /** The lib/ files bundled into the chunks reached. */
  readonly sources: Set<string>;
  /** The packages (and node: modules) those chunks import. */
  readonly packages: Set<string>;
}

/**
 * The CLI bundled as scripts/build.ts bundles it (ESM, code splitting, dependencies external), and what a process
 * loads before the first line of a command runs: the static imports from the entry point, plus the dynamic import of
 * each named command's chunk (main.ts's lazy COMMANDS).
 */
async function loadedBy(commands: readonly string[]): Promise<Graph> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { cli: ENTRY_POINTS.cli },
    bundle: true,
    platform: 'node',
    target: 'node20',
    packages: 'external',
    format: 'esm',
    splitting: true,
    outdir: path.join(ROOT, 'build/.cli-start-test'),
    chunkNames: 'chunks/[name]-[hash]',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((o) => outputs[o]!.entryPoint === ENTRY_POINTS.cli)!;
  const graph: Graph = { sources: new Set(), packages: new Set() };
  const seen = new Set<string>();
  const visit = (output: string, dynamicToo: (chunk: string) => boolean) => {
    if (seen.has(output)) return;
    seen.add(output);
    for (const input of Object.keys(outputs[output]!.inputs)) graph.sources.add(input);
    for (const i of outputs[output]!.imports) {
      if (i.external) graph.packages.add(i.path);
      else if (i.kind === 'import-statement' || (i.kind === 'dynamic-import' && dynamicToo(i.path))) visit(i.path, dynamicToo);
    }
  };
  // bin.ts imports main.ts dynamically (so a broken install is one line, exit 2): that chunk is always loaded.
  const mainChunk = outputs[entry]!.imports.find((i) => i.kind === 'dynamic-import')!.path;
  const commandChunk = (chunk: string) => commands.some((c) => outputs[chunk]!.entryPoint === `lib/cli/${c}.ts`);
  visit(entry, (chunk) => chunk === mainChunk || commandChunk(chunk));
  return graph;
}

/** Modules whose loading alone costs a CLI start more than its budget (cdk8s and constructs: the construct tree; PGlite: a PostgreSQL in WebAssembly). */
const HEAVY = ['cdk8s', 'constructs', '@electric-sql/pglite', 'libpg-query', 'pg', 'squawk-cli', 'kubernetes-models', 'diff'];

describe('CLI start: each command loads only what it needs (issue 25, bench/cli-start.ts measures the time)', () => {
  it('GIVEN the lazy command list THEN each name and summary is the loaded command module’s own', async () => {
    // GIVEN / WHEN
    const loaded = await Promise.all(COMMANDS.map((c) => MODULES[c.name]!()));
    // THEN
    expect(COMMANDS.map((c) => c.name)).toEqual(Object.keys(MODULES));
    expect(COMMANDS.map((c) => ({ name: c.name, summary: c.summary }))).toEqual(loaded.map((c) => ({ name: c.name, summary: c.summary })));
  });

  it('GIVEN `--help` THEN the process loads the dispatcher alone: no command module, no package', async () => {
    // GIVEN / WHEN
    const graph = await loadedBy([]);
    // THEN
    expect([...graph.sources].sort()).toEqual(['lib/cli/bin.ts', 'lib/cli/command.ts', 'lib/cli/escape.ts', 'lib/cli/main.ts']);
    expect([...graph.packages].filter((p) => !p.startsWith('node:'))).toEqual([]);
  }, 60_000);

  it('GIVEN `validate` THEN the validator is loaded, and neither cdk8s, PGlite, the SQL tools nor the other commands', async () => {
    // GIVEN / WHEN
    const graph = await loadedBy(['validate']);
    // THEN
    expect(graph.sources).toContain('lib/cli/validate.ts');
    expect(graph.sources).toContain('lib/validation/validate-manifests.ts');
    expect([...graph.packages].filter((p) => HEAVY.includes(p))).toEqual([]);
    expect([...graph.sources].filter((s) => /^lib\/cli\/(analysis|diff|init|lint-migrations|release|slo)\.ts$/.test(s) || /^lib\/(migrations|analysis\/simulate|review)\//.test(s))).toEqual([]);
    // ajv (CRD schemas), RE2 (CRD patterns) and CEL (CRD rules) load when the first CRD is checked, the core
    // kinds' validators each on first use (lib/validation/schema/), and the PromQL grammar when the first query is
    // checked (lib/analysis/check/promql.ts): none is imported at start.
    expect([...graph.packages].filter((p) => /^(ajv|@bufbuild\/|kubernetes-models|@prometheus-io\/|@lezer\/)/.test(p))).toEqual([]);
  }, 60_000);

  it('GIVEN a lazy command WHEN it runs with --help or a usage error THEN its own usage is printed', async () => {
    // GIVEN
    const help = capture();
    const wrong = capture();
    const validate = await MODULES.validate!();
    // WHEN
    const codes = [await main(['validate', '--help'], help), await main(['validate', '--policy', 'lax', 'dist'], wrong)];
    // THEN
    expect(codes).toEqual([ExitCode.OK, ExitCode.INPUT_ERROR]);
    expect(help.stdout).toEqual([validate.usage]);
    expect(wrong.stderr).toEqual([`cdk8s-delivery validate: --policy must be one of restricted, baseline, none, not "lax"\n\n${validate.usage}`]);
  });
});
