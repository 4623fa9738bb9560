#!/usr/bin/env node
// Launcher for the cdk8s-delivery CLI. The CLI is written in TypeScript (lib/cli/main.ts); tsx's
// namespaced loader compiles it on import, so no build step and no global loader hooks are needed.
// Anything thrown before main() takes over (a missing dependency, a broken install) is reported as
// one line with exit code 2: a CLI user never sees a stack trace.
import { register } from 'tsx/esm/api';

try {
  const tsx = register({ namespace: 'cdk8s-delivery-cli' });
  const { main } = await tsx.import('../lib/cli/main.ts', import.meta.url);
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`cdk8s-delivery: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
