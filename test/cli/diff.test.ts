import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliIo, ExitCode } from '../../lib/cli/command.js';
import { diffCommand } from '../../lib/cli/diff.js';
import { main } from '../../lib/cli/main.js';
import { MIGRATIONS, releaseRepo } from '../review/diff/release-repo.js';

function capture(): CliIo & { readonly stdout: string[]; readonly stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
}

describe('cdk8s-delivery diff', () => {
  // GIVEN a repository whose working tree bumps the gateway digest, weakens the prod gateway analysis and adds migrations 0005 (expand) and 0006 (contract)
  const repo = releaseRepo();
  afterAll(() => rmSync(repo, { recursive: true, force: true }));
  // The CLI resolves paths against the process's working directory; absolute paths keep the test independent of it.
  const args = ['--dir', join(repo, 'dist'), '--migrations', join(repo, MIGRATIONS)];
  const relative = (lines: string[]) => lines.join('\n').split(repo).join('<repo>');

  it('WHEN --format markdown THEN a PR comment: summary with counts and flags, then one section per environment', async () => {
    // GIVEN
    const io = capture();
    // WHEN
    const code = await main(['diff', ...args, '--format', 'markdown'], io);
    // THEN
    expect(code).toBe(ExitCode.OK);
    const migrations = (env: string) => `#### bitvault/${env} · 2 changes · ⚠️ 1 risk flag

**bitvaultd-migrations**

- ⚠️ \`migration 0006_drop_accounts_display_name.sql\` new migration: \`contract (drop-column)\` (<repo>/${MIGRATIONS}/0006_drop_accounts_display_name.sql) — **contract-migration**: old pods still running during the rollout may use what it removes; ship it alone, after no running version uses the old shape
- \`migration 0005_add_accounts_email.sql\` new migration: \`expand\` (<repo>/${MIGRATIONS}/0005_add_accounts_email.sql)`;
    expect(relative(io.stdout)).toBe(`### cdk8s-delivery diff: \`<repo>/dist/\` against \`HEAD\`

**8 changes** in 4 apps of 3 environments · ⚠️ **4 risk flags**: \`analysis-weakened\` ×1, \`contract-migration\` ×3

${migrations('dev')}

#### bitvault/prod · 4 changes · ⚠️ 2 risk flags

**bitvaultd-migrations**

- ⚠️ \`migration 0006_drop_accounts_display_name.sql\` new migration: \`contract (drop-column)\` (<repo>/${MIGRATIONS}/0006_drop_accounts_display_name.sql) — **contract-migration**: old pods still running during the rollout may use what it removes; ship it alone, after no running version uses the old shape
- \`migration 0005_add_accounts_email.sql\` new migration: \`expand\` (<repo>/${MIGRATIONS}/0005_add_accounts_email.sql)

**gateway**

- ⚠️ \`AnalysisTemplate/gateway-slo\` metric success-rate failureLimit: \`1\` → \`3\` — **analysis-weakened**: failureLimit 1 → 3: more failed measurements are tolerated before the analysis fails
- \`Rollout/gateway\` image gateway: \`sha256:10cb0a0b2f05\` → \`sha256:ffffffffffff\` (ghcr.io/bitvault/gateway)

${migrations('staging')}

<details><summary>What the risk flags mean</summary>

- \`analysis-weakened\`: an analysis tolerates more before it fails (higher failureLimit, weaker threshold, fewer measurements, a metric removed)
- \`contract-migration\`: a new migration removes or reshapes what older code uses: old pods still running during the rollout may fail

</details>`);
  });

  it('WHEN --format text THEN one line per change, risky ones marked with !', async () => {
    // GIVEN
    const io = capture();
    // WHEN
    const code = await main(['diff', ...args], io);
    // THEN
    expect(code).toBe(ExitCode.OK);
    expect(io.stdout[0]).toBe(`cdk8s-delivery diff: ${repo}/dist/ against HEAD: 8 changes in 4 apps of 3 environments; 4 risk flags: analysis-weakened ×1, contract-migration ×3`);
    expect(io.stdout.filter((l) => l.includes('gateway'))).toEqual([
      '  gateway',
      '    ! AnalysisTemplate/gateway-slo: metric success-rate failureLimit: 1 → 3  [analysis-weakened: failureLimit 1 → 3: more failed measurements are tolerated before the analysis fails]',
      '      Rollout/gateway: image gateway: sha256:10cb0a0b2f05 → sha256:ffffffffffff (ghcr.io/bitvault/gateway)',
    ]);
  });

  it('WHEN --format json THEN the report as JSON', async () => {
    // GIVEN
    const io = capture();
    // WHEN
    await main(['diff', ...args, '--format', 'json'], io);
    // THEN
    const report = JSON.parse(io.stdout.join('\n'));
    expect(report.base).toBe('HEAD');
    expect(report.changes).toHaveLength(8);
  });

  it('WHEN the ref is unknown THEN one error line and exit 2', async () => {
    // GIVEN
    const io = capture();
    // WHEN
    const code = await main(['diff', ...args, '--base', 'v9'], io);
    // THEN
    expect(code).toBe(ExitCode.INPUT_ERROR);
    expect(relative(io.stderr)).toBe('error: <repo>/dist: unknown git ref "v9" (or <repo>/dist is not in a git repository)');
  });

  it('WHEN the format is unknown THEN the usage is printed with exit 2', async () => {
    // GIVEN
    const io = capture();
    // WHEN
    const code = await main(['diff', '--format', 'html'], io);
    // THEN
    expect(code).toBe(ExitCode.INPUT_ERROR);
    expect(io.stderr[0]).toMatch(/^cdk8s-delivery diff: unknown format "html" \(use text, markdown or json\)\n\nusage: cdk8s-delivery diff/);
  });

  it('WHEN --help THEN the usage on stdout, exit 0', async () => {
    // GIVEN
    const io = capture();
    // WHEN
    const code = await diffCommand.run(['--help'], io);
    // THEN
    expect(code).toBe(ExitCode.OK);
    expect(io.stdout[0]).toMatch(/^usage: cdk8s-delivery diff \[--base <git-ref>\]/);
  });
});
