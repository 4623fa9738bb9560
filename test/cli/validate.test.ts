import { describe, expect, it } from 'vitest';
import { runLauncher } from './launcher.js';
import type { CliIo } from '../../lib/cli/command.js';
import { main } from '../../lib/cli/main.js';
import { validateCommand } from '../../lib/cli/validate.js';

const FIXTURES = 'test/fixtures/validate';

const cli = (args: string[]) => runLauncher(args);

function capture(): CliIo & { readonly stdout: string[]; readonly stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
}

describe('cdk8s-delivery validate (the real bin)', () => {
  it.concurrent('GIVEN valid manifests WHEN validated THEN it prints a summary and exits 0', async () => {
    const result = await cli(['validate', `${FIXTURES}/valid`]);
    expect(result).toEqual({ code: 0, stdout: 'validate: no errors (9 objects in 4 files)\n', stderr: '' });
  });

  it.concurrent('GIVEN the committed dist/ WHEN validated THEN it is clean and exits 0', async () => {
    const { code, stdout, stderr } = await cli(['validate', 'dist/bitvault/prod']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^validate: no errors \(\d+ objects in \d+ files\)\n$/);
  });

  it.concurrent('GIVEN invalid manifests WHEN validated THEN it prints one line per finding (file, object, field, value, why, rule, fix) and exits 1', async () => {
    const { code, stdout, stderr } = await cli(['validate', `${FIXTURES}/invalid/pss.yaml`]);
    expect({ code, stderr }).toEqual({ code: 1, stderr: '' });
    expect(stdout.split('\n')).toEqual([
      `${FIXTURES}/invalid/pss.yaml: Deployment/ops/agent: spec.template.spec.hostNetwork = true: shares the node's network namespace, which the baseline Pod Security profile forbids [pss/host-namespaces] Fix: remove hostNetwork (it defaults to false)`,
      `${FIXTURES}/invalid/pss.yaml: Deployment/ops/agent: spec.template.spec.containers[0].securityContext.privileged = true: makes container "agent" privileged, which disables most isolation; the baseline profile forbids it [pss/privileged] Fix: remove privileged (it defaults to false)`,
      `${FIXTURES}/invalid/pss.yaml: Deployment/ops/agent: spec.template.spec.containers[0].securityContext.runAsUser = 0: runs container "agent" as root (UID 0), which the restricted profile forbids [pss/run-as-user] Fix: set runAsUser to a non-zero UID, e.g. 65532`,
      'validate: 3 errors (1 object in 1 file)',
      '',
    ]);
  });

  it.concurrent('GIVEN only warnings WHEN validated THEN they are printed as warnings and it exits 0', async () => {
    const { code, stdout } = await cli(['validate', `${FIXTURES}/warning`]);
    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual([
      `warning: ${FIXTURES}/warning/delete-policy.yaml: ConfigMap/shop/settings: metadata.annotations["argocd.argoproj.io/hook-delete-policy"] = "BeforeHookCreation": has no effect: the object is not a hook [argocd/delete-policy-without-hook] Fix: add argocd.argoproj.io/hook (e.g. PreSync), or remove the delete policy`,
      'validate: no errors, 1 warning (1 object in 1 file)',
      '',
    ]);
  });

  it.concurrent('GIVEN --json WHEN validated THEN it prints {ok, summary, findings} with each finding\'s file, document and object', async () => {
    const { code, stdout } = await cli(['validate', `${FIXTURES}/invalid/secret.yaml`, '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({
      ok: false,
      summary: { files: 1, objects: 1, errors: 1, warnings: 0, unreadable: 0 },
      findings: [{
        severity: 'error',
        category: 'policy',
        file: `${FIXTURES}/invalid/secret.yaml`,
        document: 1,
        object: 'Secret/shop/db',
        location: `${FIXTURES}/invalid/secret.yaml: Secret/shop/db`,
        field: 'stringData',
        value: ['password: <redacted>'],
        rule: 'security/inline-secret',
        message: 'holds secret values, which would be committed to Git in plain text',
        fix: 'remove the Secret and reference an existing one (SecretKey.of(name, key)), created by External Secrets Operator, Sealed Secrets or your secret store',
      }],
    });
  });

  it.concurrent('GIVEN YAML that does not parse, or a missing path WHEN validated THEN it says where, without a stack trace, and exits 2', async () => {
    const [broken, missing, json] = await Promise.all([
      cli(['validate', `${FIXTURES}/unreadable`]),
      cli(['validate', `${FIXTURES}/missing`]),
      cli(['validate', `${FIXTURES}/missing`, '--json']),
    ]);
    expect(broken).toEqual({ code: 2, stdout: '', stderr: `error: ${FIXTURES}/unreadable/bad.yaml:3:18: YAML does not parse: Implicit keys need to be on a single line\n` });
    expect(missing).toEqual({ code: 2, stdout: '', stderr: `error: ${FIXTURES}/missing: no such file or directory\n` });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ ok: false, exitCode: 2, errors: [{ location: `${FIXTURES}/missing`, message: 'no such file or directory' }] });
  });
});

describe('cdk8s-delivery validate (usage)', () => {
  it('GIVEN --help THEN the usage lists the rule families and exit codes, exit 0', async () => {
    const io = capture();
    expect(await main(['validate', '--help'], io)).toBe(0);
    expect(io.stdout[0]).toContain('usage: cdk8s-delivery validate <dir|file> [--crds <dir>] [--policy restricted|baseline|none] [--json]');
    expect(io.stdout[0]).toContain('exit codes: 0 no errors (warnings allowed), 1 errors, 2 unreadable input');
  });

  it('GIVEN no directory, two directories, or a --crds that is not a directory THEN exit 2 with the reason', async () => {
    const none = capture();
    const two = capture();
    const crds = capture();
    expect(await main(['validate'], none)).toBe(2);
    expect(await main(['validate', 'a', 'b'], two)).toBe(2);
    expect(await validateCommand.run([`${FIXTURES}/valid`, '--crds', `${FIXTURES}/nope`], crds)).toBe(2);
    expect(none.stderr[0]).toMatch(/^cdk8s-delivery validate: missing the manifests directory\n\nusage:/);
    expect(two.stderr[0]).toMatch(/^cdk8s-delivery validate: expected one directory, got 2\n\nusage:/);
    expect(crds.stderr).toEqual([`error: ${FIXTURES}/nope: --crds is not a directory`]);
  });
});
