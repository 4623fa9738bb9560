import { spawn } from 'node:child_process';

/** Runs git in `cwd` and resolves to its standard output; rejects with git's first error line. */
export function git(cwd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => reject(new Error(`cannot run git: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(Buffer.concat(err).toString('utf8').trim().split('\n')[0] || `git ${args[0]} exited with ${code}`));
    });
  });
}

/** NUL-separated git output as a list. */
export const nulList = (text: string): string[] => text.split('\0').filter(Boolean);
