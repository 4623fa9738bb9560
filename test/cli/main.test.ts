import { describe, expect, it } from 'vitest';
import { type CliIo, type Command, ExitCode, UsageError } from '../../lib/cli/command.js';
import { COMMANDS, main } from '../../lib/cli/main.js';

function capture(): CliIo & { readonly stdout: string[]; readonly stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
}

const failing = (error: Error): Command => ({ name: 'boom', summary: 'always fails', usage: 'usage: cdk8s-delivery boom', run: () => Promise.reject(error) });

describe('main (subcommand dispatcher)', () => {
  it('GIVEN the registered commands THEN lint-migrations is one of them', () => {
    expect(COMMANDS.map((c) => c.name)).toEqual(expect.arrayContaining(['lint-migrations', 'validate', 'diff', 'init', 'analysis']));
  });

  it('GIVEN --help WHEN run THEN the command list is printed with exit 0', async () => {
    // GIVEN
    const io = capture();
    // WHEN
    const code = await main(['--help'], io);
    // THEN
    expect(code).toBe(ExitCode.OK);
    expect(io.stdout.join('\n')).toContain('  lint-migrations  check SQL migrations for expand/contract and lock safety (PostgreSQL parser + squawk)');
  });

  it('GIVEN no command or an unknown one WHEN run THEN the command list goes to stderr with exit 2', async () => {
    // GIVEN
    const none = capture();
    const unknown = capture();
    // WHEN
    const codes = [await main([], none), await main(['deploy'], unknown)];
    // THEN
    expect(codes).toEqual([ExitCode.INPUT_ERROR, ExitCode.INPUT_ERROR]);
    expect(none.stderr[0]).toMatch(/^usage: cdk8s-delivery <command> \[options\]/);
    expect(unknown.stderr[0]).toMatch(/^cdk8s-delivery: unknown command "deploy"\n\nusage:/);
  });

  it('GIVEN a command that throws unexpectedly WHEN run THEN one line is printed, no stack trace, exit 2', async () => {
    // GIVEN
    const io = capture();
    // WHEN
    const code = await main(['boom'], io, [failing(new Error('disk on fire\n    at somewhere (file.ts:1:1)'))]);
    // THEN
    expect(code).toBe(ExitCode.INPUT_ERROR);
    expect(io.stderr).toEqual(['cdk8s-delivery boom: unexpected error: disk on fire']);
  });

  it('GIVEN a usage error WHEN run THEN the message and the usage are printed with exit 2', async () => {
    // GIVEN
    const io = capture();
    // WHEN
    const code = await main(['boom'], io, [failing(new UsageError('missing the directory'))]);
    // THEN
    expect(code).toBe(ExitCode.INPUT_ERROR);
    expect(io.stderr).toEqual(['cdk8s-delivery boom: missing the directory\n\nusage: cdk8s-delivery boom']);
  });
});
