#!/usr/bin/env node
// This repository's development launcher of the cdk8s-delivery CLI: runs lib/cli/main.ts from source through
// tsx's namespaced loader (no build step, no global loader hooks), for tests and local use. Not shipped: the
// package's `bin` is the compiled build/esm/cli.js (`npm run build`), which needs no TypeScript loader.
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
