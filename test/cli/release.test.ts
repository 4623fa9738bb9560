import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, image } from '../release/release-repo.js';

/** A release file outside git (no proof commits): api 1 in dev and staging, worker 1 in dev. */
async function releaseFile(): Promise<string> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'release-cli-')), 'release.yaml');
  expect((await cli('release', 'init', '--platform', 'shop', '--environments', 'dev,staging,prod', '--file', file)).code).toBe(0);
  expect((await cli('release', 'set', `api=${image('api', '1')}`, `worker=${image('worker', '1')}`, '--env', 'dev', '--new', '--file', file)).code).toBe(0);
  expect((await cli('release', 'promote', '--from', 'dev', '--to', 'staging', '--workload', 'api', '--file', file)).code).toBe(0);
  return file;
}

describe('cdk8s-delivery release: bad input is a clear error (exit 2) and the file stays byte for byte as it was', () => {
  const cases: [string, string[], RegExp][] = [
    ['a tag instead of a digest', ['set', 'api=ghcr.io/acme/api:1.2.3', '--env', 'dev'], /^error: .*release\.yaml: api: "ghcr\.io\/acme\/api:1\.2\.3" is not pinned by digest .*: use <registry>\/<repository>\[:<tag>\]@sha256:<64 hex digits>$/],
    ['not an OCI reference', ['set', `api=GHCR.io/Acme/API@sha256:${'a'.repeat(64)}`, '--env', 'dev'], /api: "GHCR\.io\/Acme\/API@sha256:a+" is not a valid OCI image reference/],
    ['a short digest', ['set', 'api=ghcr.io/acme/api@sha256:abc', '--env', 'dev'], /is not a valid OCI image reference/],
    ['an unknown workload', ['set', `apii=${image('api', '2')}`, '--env', 'dev'], /"apii" is not a workload of the release file \(api, worker\): check the name, or pass --new to add it/],
    ['an unknown environment', ['set', `api=${image('api', '2')}`, '--env', 'qa'], /--env "qa" is not an environment of the release file \(dev, staging, prod\)/],
    ['promote from an unknown environment', ['promote', '--from', 'qa', '--to', 'prod'], /--from "qa" is not an environment of the release file/],
    ['promote backwards', ['promote', '--from', 'staging', '--to', 'dev'], /--to dev does not come after --from staging \(the order is dev → staging → prod\): to roll back, revert the promotion commit/],
    ['promote an unknown workload', ['promote', '--from', 'dev', '--to', 'staging', '--workload', 'web'], /"web" is not a workload of the release file/],
    ['history of an unknown workload', ['history', 'web'], /"web" is not a workload of the release file/],
    ['no assignment', ['set', 'api', '--env', 'dev'], /"api" is not <workload>=<image>@sha256:<digest>/],
  ];
  for (const [what, args, message] of cases) {
    it(`GIVEN ${what} THEN exit 2, one clear line, no stack trace, the file unchanged`, async () => {
      const file = await releaseFile();
      const before = readFileSync(file);
      const r = await cli('release', ...args, '--file', file);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(readFileSync(file).equals(before)).toBe(true);
      expect(readdirSync(path.dirname(file))).toEqual(['release.yaml']);
    });
  }

  it('GIVEN a malformed file (YAML syntax, a tag in it, an environment it does not list) THEN every problem at once, exit 2, nothing written', async () => {
    const file = await releaseFile();
    const text = readFileSync(file, 'utf8');
    for (const [broken, expected] of [
      [text.replace('workloads:', 'workloads: [\n'), /^error: .*release\.yaml: \(file\): is not valid YAML: .* at line \d+, column \d+/],
      [text.replace(image('api', '1'), 'ghcr.io/acme/api:1').replace('  worker:\n    dev:', '  worker:\n    qa:'), /workloads\.api\.dev\.image = "ghcr\.io\/acme\/api:1": is not pinned by digest[\s\S]*workloads\.worker\.qa = "qa": is not one of the file's environments \(dev, staging, prod\)/],
      ['apiVersion: v1\nkind: ConfigMap\n', /apiVersion = "v1": is not delivery\.cdk8s\.io\/v1alpha1[\s\S]*kind = "ConfigMap": is not Release[\s\S]*platform: is not a platform name[\s\S]*workloads: is not a mapping/],
    ] as const) {
      writeFileSync(file, broken);
      const r = await cli('release', 'promote', '--from', 'dev', '--to', 'staging', '--file', file);
      expect(r.code, broken).toBe(2);
      expect(r.err).toMatch(expected);
      expect(readFileSync(file, 'utf8')).toBe(broken);
    }
  });

  it('GIVEN no release file THEN exit 2 naming the file and how to create it; init never overwrites', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'release-cli-'));
    const missing = await cli('release', 'status', '--file', path.join(dir, 'release.yaml'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('release.yaml: does not exist (create it with `cdk8s-delivery release init --platform <name>');
    const file = await releaseFile();
    const before = readFileSync(file);
    const again = await cli('release', 'init', '--platform', 'shop', '--environments', 'dev,prod', '--file', file);
    expect(again.code).toBe(2);
    expect(again.err).toContain('already exists (init never overwrites a file)');
    expect(readFileSync(file).equals(before)).toBe(true);
    const bad = await cli('release', 'init', '--platform', 'Shop', '--environments', 'dev,dev', '--file', path.join(dir, 'other.yaml'));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/platform = "Shop": is not a platform name[\s\S]*environments\[1\] = "dev": names an environment twice/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('GIVEN usage mistakes THEN exit 2 with the usage', async () => {
    const file = await releaseFile();
    for (const args of [['release'], ['release', 'ship'], ['release', 'set', `api=${image('api', '2')}`], ['release', 'promote', '--from', 'dev'], ['release', 'status', '--env', 'dev'], ['release', 'set', `api=${image('api', '2')}`, '--env', 'dev', '--reason', 'why']]) {
      const r = await cli(...args, '--file', file);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toContain('usage: cdk8s-delivery release <subcommand>');
    }
  });
});

describe('cdk8s-delivery release: what it writes and prints', () => {
  it('GIVEN set and promote THEN only the release file is written (no temporary file left), line-local, and status/history/JSON read it', async () => {
    const file = await releaseFile();
    const before = readFileSync(file, 'utf8');
    expect((await cli('release', 'set', `worker=${image('worker', '2')}`, '--env', 'dev', '--file', file)).code).toBe(0);
    expect(readdirSync(path.dirname(file))).toEqual(['release.yaml']);
    // one record changed, the previous one moved to history: lines of worker only
    const after = readFileSync(file, 'utf8');
    const changed = after.split('\n').filter((l) => !before.split('\n').includes(l));
    expect(changed.every((l) => /^ {6}(image|since|history)|^ {8}- image| {10}since/.test(l)), changed.join('\n')).toBe(true);
    const status = await cli('release', 'status', '--json', '--file', file);
    expect(status.code).toBe(0);
    const json = JSON.parse(status.out);
    expect(json).toMatchObject({ ok: true, platform: 'shop', environments: ['dev', 'staging', 'prod'], violations: [] });
    expect(json.pending.map((p: any) => `${p.workload} ${p.from}→${p.to}`)).toEqual(['api staging→prod', 'worker dev→staging']);
    const history = await cli('release', 'history', 'worker', '--env', 'dev', '--file', file);
    expect(history.code).toBe(0);
    expect(history.out.split('\n').slice(3)).toEqual([
      expect.stringMatching(new RegExp(`^ {2}\\* \\S+Z {2}${image('worker', '2').replace(/[.]/g, '\\.')} {2}set$`)),
      expect.stringMatching(new RegExp(`^ {4}\\S+Z {2}${image('worker', '1').replace(/[.]/g, '\\.')} {2}set$`)),
    ]);
    // setting what already runs writes nothing
    const same = readFileSync(file);
    expect((await cli('release', 'set', `worker=${image('worker', '2')}`, '--env', 'dev', '--file', file)).out).toContain('nothing changed');
    expect(readFileSync(file).equals(same)).toBe(true);
  });

  it('GIVEN a promotion the rule refuses THEN exit 1, the reason, how to force it, and nothing written', async () => {
    const file = await releaseFile();
    const before = readFileSync(file);
    const r = await cli('release', 'set', `worker=${image('worker', '1')}`, '--env', 'prod', '--file', file);
    expect(r.code).toBe(1);
    expect(r.err).toBe('refused: worker: sha256:111111111111 never ran in staging (not in its record), so it may not reach prod\nnothing was written. To ship anyway (a hotfix), repeat with --force --reason "<why>": the reason is recorded in the release file and flagged in review.');
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});
