import { spawn } from 'node:child_process';
import path from 'node:path';

/** The repository's root: the launcher's working folder unless a test gives another. */
export const ROOT = path.resolve(import.meta.dirname, '../..');
/** The real launcher (tsx + lib/cli/main.ts), as a user runs it. */
export const BIN = path.join(ROOT, 'bin/cdk8s-delivery.mjs');

/** What a launcher run ended with. */
export interface LauncherRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `cdk8s-delivery <args>` through the real launcher in `cwd`, with `env` added; tests run it concurrently. */
export function runLauncher(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<LauncherRun> {
  return runProcess(process.execPath, [BIN, ...args], options);
}

/**
 * Runs `file` with `args` in `cwd` (default: the repository), with `env` added to this process's, and collects its
 * output; `timeoutMs` kills it (SIGKILL) when it runs longer (code null).
 */
export function runProcess(file: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<LauncherRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
