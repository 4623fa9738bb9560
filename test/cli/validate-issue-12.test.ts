import { describe, expect, it } from 'vitest';
import { BIN, type LauncherRun, runProcess } from './launcher.js';

const FIXTURES = 'test/fixtures/validate/issue-12';

/** Runs the real launcher through a shell, as a user would (pipes included). */
function sh(command: string): Promise<LauncherRun> {
  return runProcess('bash', ['-o', 'pipefail', '-c', command], { env: { BIN: `${process.execPath} ${BIN}` } });
}

describe('cdk8s-delivery validate, issue 12', () => {
  it.concurrent('GIVEN one unparsable file among others WHEN validated THEN it is reported and the other files are still checked (exit 2)', async () => {
    const { code, stdout, stderr } = await sh(`$BIN validate ${FIXTURES}/mixed`);
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`^error: ${FIXTURES}/mixed/a-broken.yaml:\\d+:\\d+: YAML does not parse`));
    // The other file's finding (metadata.name format, issue 12) is reported too.
    expect(stdout).toContain(`${FIXTURES}/mixed/b-bad-name.yaml: ConfigMap/shop/Bad_Name: metadata.name = "Bad_Name": must be a DNS-1123 subdomain`);
    expect(stdout).toMatch(/validate: 1 error, 1 unreadable input \(1 object in 2 files\)/);
  });

  it.concurrent('GIVEN --json THEN every finding has a category, and --policy none leaves out policy findings', async () => {
    const restricted = await sh(`$BIN validate ${FIXTURES}/policy --json`);
    const none = await sh(`$BIN validate ${FIXTURES}/policy --json --policy none`);
    const baseline = await sh(`$BIN validate ${FIXTURES}/policy --json --policy baseline`);
    const findings = JSON.parse(restricted.stdout).findings as { rule: string; category: string; object: string; field: string }[];
    // Pod Security reaches the ScaledJob's job template (issue 12) and the Job's.
    expect(findings.filter((f) => f.rule.startsWith('pss/')).map((f) => f.object)).toEqual(expect.arrayContaining(['Job/shop/once', 'ScaledJob/shop/drain']));
    expect(findings.find((f) => f.object === 'ScaledJob/shop/drain' && f.rule === 'pss/privileged')?.field).toBe('spec.jobTargetRef.template.spec.containers[0].securityContext.privileged');
    expect(new Set(findings.map((f) => f.category))).toEqual(new Set(['policy']));
    expect([restricted.code, none.code]).toEqual([1, 0]);
    expect(JSON.parse(none.stdout)).toMatchObject({ ok: true, summary: { errors: 0 } });
    // baseline: privileged and root are still refused? privileged yes (baseline), runAsUser 0 is restricted-only.
    const baselineRules = (JSON.parse(baseline.stdout).findings as { rule: string }[]).map((f) => f.rule);
    expect(baselineRules).toContain('pss/privileged');
    expect(baselineRules).not.toContain('pss/run-as-user');
  });

  it.concurrent('GIVEN a --policy that does not exist THEN exit 2 with the choices', async () => {
    const { code, stderr } = await sh(`$BIN validate ${FIXTURES}/policy --policy strict`);
    expect(code).toBe(2);
    expect(stderr).toContain('--policy must be one of restricted, baseline, none, not "strict"');
  });

  it.concurrent('GIVEN `validate <340 upstream files> | head -1` (far more output than a pipe buffer) THEN no EPIPE stack trace', async () => {
    const { stdout, stderr } = await sh(`$BIN validate ../shared/upstream-examples | head -1`);
    expect(stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(stderr).not.toMatch(/EPIPE|at .*\(node:|Error:/);
  });
});
