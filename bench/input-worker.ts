/**
 * Child process of bench/inputs.ts: runs one cdk8s-delivery command line in-process (output discarded)
 * and prints {ms, cpuMs, maxRssMiB, code, lines} as JSON. `ms` is the command alone (module loading and
 * node start-up are excluded; the parent measures wall time from spawn to exit as well).
 */
import { main } from '../lib/cli/main.js';

const argv = process.argv.slice(2);
let lines = 0;
const cpu = process.cpuUsage();
const start = performance.now();
const code = await main(argv, { out: () => { lines++; }, err: () => { lines++; } });
const ms = performance.now() - start;
const used = process.cpuUsage(cpu);
process.stdout.write(`${JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000, maxRssMiB: process.resourceUsage().maxRSS / 1024, code, lines })}\n`);
