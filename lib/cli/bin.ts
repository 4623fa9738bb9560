/**
 * The `cdk8s-delivery` executable (the package's `bin`, compiled to build/esm/cli.js). Anything thrown before
 * main() takes over (a missing dependency, a broken install) is reported as one line with exit code 2: a CLI
 * user never sees a stack trace. In this repository, bin/cdk8s-delivery.mjs runs the same from source.
 */
import('./main.js')
  .then(async ({ main }) => {
    process.exitCode = await main(process.argv.slice(2));
  })
  .catch((error: unknown) => {
    process.stderr.write(`cdk8s-delivery: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  });
