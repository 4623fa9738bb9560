import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../validation/schema/pinned.js';
import { type Command, ExitCode, UsageError } from './command.js';
import { dependencySource } from './init/dependency-source.js';
import { type StarterSettings, starterFiles } from './init/templates.js';

const USAGE = `usage: cdk8s-delivery init [dir] [--name <platform>] [--from <spec>]

Scaffolds a platform repository in <dir> (default: the current folder; created when missing):
  package.json                      depends on cdk8s-delivery (from where init came: see --from), cdk8s and
                                    constructs; synth/check/validate/diff scripts
  tsconfig.json                     strict TypeScript, ES modules
  cdk8s.yaml                        \`cdk8s synth\` runs the app; combined manifests go to .cdk8s.out/, never dist/
  apps/main.ts                      a Platform (dev, staging, prod; Argo CD) with a StatelessService and a QueueWorker
  .gitignore
  .github/workflows/platform.yaml   CI: install, synth, fail on dist/ drift, validate, diff comment on pull requests

Existing files are never overwritten: init stops and names them.

options:
  --name <platform>   the platform name (a DNS label) (default: the folder's name)
  --from <spec>       where the starter's npm install gets cdk8s-delivery: a release tarball (path or URL), a git
                      reference or a registry range (default: where this init came from: the --package of
                      \`npx --package <tarball> cdk8s-delivery init\`, or the project that installed it)
  -h, --help          print this help

exit codes: 0 written, 2 bad usage or a file already exists`;

function parse(args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], allowPositionals: true, options: { name: { type: 'string' }, from: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

const DNS_LABEL = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;

/** The settings of the starter: versions from this package's own package.json. */
export function starterSettings(name: string, dependency?: string): StarterSettings {
  const manifest = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    peerDependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const dev = manifest.devDependencies;
  return {
    name,
    version: manifest.version,
    dependency: dependency ?? `^${manifest.version}`,
    peers: { cdk8s: manifest.peerDependencies.cdk8s!, constructs: manifest.peerDependencies.constructs! },
    tools: { tsx: dev.tsx!, typescript: dev.typescript!, 'cdk8s-cli': dev['cdk8s-cli']!, '@types/node': '^20' },
  };
}

/** `cdk8s-delivery init`: a platform repository that installs cdk8s-delivery the way init itself was obtained. */
export const initCommand: Command = {
  name: 'init',
  summary: 'scaffold a platform repository: package.json, tsconfig, cdk8s.yaml, apps/main.ts, CI workflow',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parse(args);
    if (values.help) {
      io.out(USAGE);
      return ExitCode.OK;
    }
    if (positionals.length > 1) throw new UsageError(`expected at most one directory, got ${positionals.length}`);
    const dir = path.resolve(positionals[0] ?? '.');
    const name = values.name ?? path.basename(dir).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+|-+$/g, '');
    if (!DNS_LABEL.test(name)) {
      throw new UsageError(`the platform name "${name}" is not a DNS label (lowercase letters, digits and '-', starting with a letter, at most 40 characters): pass --name <platform>`);
    }
    const own = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { name: string; version: string };
    let source;
    try {
      source = dependencySource({ explicit: values.from, env: process.env, cwd: process.cwd(), projectDir: dir, packageDir: packageRoot(), name: own.name, version: own.version });
    } catch (error) {
      throw new UsageError(`${error instanceof Error ? error.message : String(error)}: pass --from <tarball, URL or version>`);
    }
    const files = starterFiles(starterSettings(name, source.spec));
    const existing = [...files.keys()].filter((file) => existsSync(path.join(dir, file)));
    if (existing.length > 0) {
      for (const file of existing) io.err(`error: ${path.join(dir, file)}: already exists (init never overwrites a file)`);
      return ExitCode.INPUT_ERROR;
    }
    for (const [file, text] of files) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text, { flag: 'wx' });
      io.out(`created ${path.relative(process.cwd(), path.join(dir, file)) || file}`);
    }
    io.out(`\ncdk8s-delivery: "${source.spec}", from ${source.reason}`);
    if (source.registry) io.out(`  (the npm registry: if \`npm install\` cannot find ${own.name}, run init again with --from <release tarball>)`);
    const cd = path.relative(process.cwd(), dir);
    io.out(['', 'next:', ...(cd ? [`  cd ${cd}`] : []), '  npm install', '  npm run synth        # writes dist/: commit it', '  npm run validate     # the checks the CI workflow runs', ''].join('\n'));
    return ExitCode.OK;
  },
};
