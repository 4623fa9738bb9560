import { describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main.js';

/** Issue 26, defect 10 (lint-migrations' part) and the new --verify options: usage mistakes are exit 2, never a silent default. */
function run(args: string[]) {
  const err: string[] = [];
  return main(args, { out: () => undefined, err: (l) => err.push(l) }).then((code) => ({ code, err: err.join('\n') }));
}

describe('lint-migrations usage', () => {
  it("GIVEN --base '' WHEN run THEN it is a usage error, not a run without a base", async () => {
    expect(await run(['lint-migrations', 'apps/bitvault/migrations/bitvaultd', '--base', ''])).toEqual({ code: 2, err: expect.stringContaining('--base is empty: name a git ref') });
  });

  it('GIVEN --allow-superuser without --database-url, or a budget without --verify WHEN run THEN usage errors', async () => {
    expect(await run(['lint-migrations', 'apps/bitvault/migrations/bitvaultd', '--verify', '--allow-superuser'])).toEqual({ code: 2, err: expect.stringContaining('--allow-superuser applies to --database-url only') });
    expect(await run(['lint-migrations', 'apps/bitvault/migrations/bitvaultd', '--file-timeout', '5'])).toEqual({ code: 2, err: expect.stringContaining('--file-timeout needs --verify') });
    expect(await run(['lint-migrations', 'apps/bitvault/migrations/bitvaultd', '--verify', '--run-timeout', '0'])).toEqual({ code: 2, err: expect.stringContaining('--run-timeout must be a positive number, got "0"') });
  });
});
