/**
 * `npm run build`: the installable package, in build/ (dist/ holds the reference manifests, not the package).
 *
 * - schemas/              the pinned CRD schemas and the core catalogue (scripts/build-schemas.ts), and the props
 *                         schemas of the public API (scripts/build-props-schemas.ts)
 * - build/esm/*.js        ES modules, bundled by esbuild from the entry points below (shared code in chunks)
 * - build/cjs/*.cjs       the library and the plugin as CommonJS, for require() and ts-node/CommonJS apps (cdk8s init
 *                         typescript-app); the CLI is an ES module only (the bin runs it, nothing requires it)
 * - build/types/**.d.ts   declarations from tsc (one per lib/ file; a nested package.json marks them CommonJS-shaped,
 *                         which ES module and CommonJS consumers can both import); no declaration maps: they would
 *                         point at lib/ sources the package does not ship
 *
 * Entry points, not file lists: everything lib/index.ts (and the CLI and the plugin) reaches is in the bundle, so a
 * new lib/ file needs no change here. Dependencies stay external (installed from package.json). No code reads
 * ../shared or the repository at run time; `import.meta.url` is shimmed for CommonJS from `__filename`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import { buildPropsSchemas } from './build-props-schemas.js';
import { buildSchemas } from './build-schemas.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'build');

/**
 * The package's entry points: `cdk8s-delivery`, the CLI executable, `cdk8s-delivery/plugin` and
 * `cdk8s-delivery/app-errors` (the preload `init`'s synth script runs the app with: a syntax error as one block).
 */
export const ENTRY_POINTS = { index: 'lib/index.ts', cli: 'lib/cli/bin.ts', plugin: 'lib/plugin/validation-plugin.ts', 'app-errors': 'lib/synth/app-errors.ts' };

export async function buildPackage(): Promise<void> {
  const started = Date.now();
  await buildSchemas();
  await buildPropsSchemas();
  rmSync(OUT, { recursive: true, force: true });
  const common: BuildOptions = {
    absWorkingDir: ROOT,
    entryPoints: ENTRY_POINTS,
    bundle: true,
    platform: 'node',
    target: 'node20',
    packages: 'external',
    legalComments: 'none',
    logLevel: 'warning',
    // Class names stay as written: esbuild otherwise names a class with static members `_Probe` inside (`var Probe =
    // class _Probe`), and the props check finds a construct's schema, and checks class-typed props (a Duration, a
    // Probe), by class name (test/package/pack.test.ts).
    keepNames: true,
    // Whitespace only: identifiers and syntax stay as written (error messages name classes and props), and the two bundles
    // shrink from 723 KB to 667 KB packed (2.32 MB to 1.99 MB unpacked; `npm pack --dry-run --json`).
    minifyWhitespace: true,
  };
  await Promise.all([
    build({ ...common, format: 'esm', splitting: true, outdir: path.join(OUT, 'esm'), chunkNames: 'chunks/[name]-[hash]' }),
    build({
      ...common,
      format: 'cjs',
      entryPoints: { index: ENTRY_POINTS.index, plugin: ENTRY_POINTS.plugin },
      outdir: path.join(OUT, 'cjs'),
      outExtension: { '.js': '.cjs' },
      define: { 'import.meta.url': '__cdk8s_delivery_import_meta_url' },
      banner: { js: "var __cdk8s_delivery_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
    }),
  ]);
  // The executable: a shebang on the ES module build of lib/cli/bin.ts.
  const cli = path.join(OUT, 'esm', 'cli.js');
  writeFileSync(cli, `#!/usr/bin/env node\n${readFileSync(cli, 'utf8')}`, { mode: 0o755 });
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  moveDeclarations(path.join(OUT, '.types', 'lib'), path.join(OUT, 'types'));
  rmSync(path.join(OUT, '.types'), { recursive: true, force: true });
  writeFileSync(path.join(OUT, 'types', 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
  console.error(`build: build/esm, build/cjs, build/types in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Moves the declarations of lib/ (tsc emits imports/ too: lib uses its types, type-only) to `to`. */
function moveDeclarations(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const source = path.join(entry.parentPath, entry.name);
    const target = path.join(to, path.relative(from, source));
    mkdirSync(path.dirname(target), { recursive: true });
    renameSync(source, target);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildPackage().catch((error: unknown) => {
    console.error(`build: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}

