/**
 * The `cdk8s-delivery` executable (the package's `bin`, compiled to build/esm/cli.js). Anything thrown before
 * main() takes over (a missing dependency, a broken install) is reported as one line with exit code 2: a CLI
 * user never sees a stack trace. In this repository, bin/cdk8s-delivery.mjs runs the same from source.
 *
 * On Node ≥ 22.1 the CLI turns on Node's module compile cache (`module.enableCompileCache`) in the user's cache
 * folder (`$XDG_CACHE_HOME/cdk8s-delivery/node-compile-cache`, not the shared /tmp): the second and later runs load
 * the compiled code of the CLI and its dependencies (ajv, CEL, kubernetes-models' validators) instead of compiling
 * it again (issue 25, CLI start). Node checks each entry against the source's hash; `NODE_DISABLE_COMPILE_CACHE=1`
 * turns it off, as for any Node program.
 */
import module from 'node:module';
import os from 'node:os';
import path from 'node:path';

const enableCompileCache = (module as { enableCompileCache?: (directory?: string) => unknown }).enableCompileCache;
const cacheHome = process.env.XDG_CACHE_HOME || (os.homedir() ? path.join(os.homedir(), '.cache') : undefined);
if (enableCompileCache && cacheHome) {
  try {
    enableCompileCache(path.join(cacheHome, 'cdk8s-delivery', 'node-compile-cache'));
  } catch {
    // A cache that cannot be made (read-only home) only costs the compile time.
  }
}

import('./main.js')
  .then(async ({ main }) => {
    process.exitCode = await main(process.argv.slice(2));
  })
  .catch((error: unknown) => {
    process.stderr.write(`cdk8s-delivery: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  });
