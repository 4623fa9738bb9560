import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRelease, Release, SynthError } from '../../lib/index.js';
import YAML from 'yaml';
import { deliveryPlanOf, describePlan } from '../../lib/review/delivery-plan.js';
import { formatText } from '../../lib/review/diff/format.js';
import { semanticDiff } from '../../lib/review/diff/semantic-diff.js';
import { synthesize } from '../../lib/synth/synthesizer.js';
import { cli, git, image, shopApp, shopRepo, snapshot, synthInto } from './release-repo.js';

const stateOf = (repo: string) => parseRelease(readFileSync(path.join(repo, 'release.yaml'), 'utf8')).state!;
const imageIn = (repo: string, environment: string, unit: string) => {
  const text = readFileSync(path.join(repo, 'dist/shop', environment, unit, unit === 'api' && environment === 'prod' ? 'rollout-api.yaml' : `deployment-${unit}.yaml`), 'utf8');
  return /image: (\S+)/.exec(text)![1];
};

// Every flow runs the CLI and synth on a git repository made for the test (seconds each on a loaded machine).
describe('releases as data: the flows on a git repository', { timeout: 120_000 }, () => {
  it('GIVEN set in dev, promoted to staging, promoted to prod THEN each environment runs the image, recorded with where it came from and the commit that proves it', async () => {
    // GIVEN / WHEN
    const repo = await shopRepo();
    // THEN
    const state = stateOf(repo);
    const [devCommit, stagingCommit] = [git(repo, 'rev-parse', 'HEAD~2').trim(), git(repo, 'rev-parse', 'HEAD~1').trim()];
    expect(state.workloads.api!.dev).toMatchObject({ image: image('api', '1'), history: [] });
    expect(state.workloads.api!.dev!.from).toBeUndefined();
    expect(state.workloads.api!.staging).toMatchObject({ image: image('api', '1'), from: 'dev', commit: devCommit });
    expect(state.workloads.api!.prod).toMatchObject({ image: image('api', '1'), from: 'staging', commit: stagingCommit });
    expect(state.workloads.worker!.prod).toMatchObject({ image: image('worker', '1'), from: 'staging', commit: stagingCommit });
    for (const env of ['dev', 'staging', 'prod']) expect(imageIn(repo, env, 'api')).toBe(image('api', '1'));
    const status = await cli('release', 'status', '--file', path.join(repo, 'release.yaml'));
    expect(status.code).toBe(0);
    expect(status.out).toContain('nothing waits to be promoted');
  });

  it('GIVEN a new digest in dev THEN status shows it waiting; promoting it before its dev record is committed, or past staging, is refused and writes nothing', async () => {
    // GIVEN
    const repo = await shopRepo();
    const file = path.join(repo, 'release.yaml');
    expect((await cli('release', 'set', `api=${image('api', '2')}`, '--env', 'dev', '--file', file)).code).toBe(0);
    const before = readFileSync(file);
    // WHEN uncommitted
    const early = await cli('release', 'promote', '--from', 'dev', '--to', 'staging', '--file', file);
    // THEN
    expect(early.code).toBe(1);
    expect(early.err).toContain('refused: api: sha256:222222222222 is in dev\'s record, but in no commit');
    expect(readFileSync(file).equals(before)).toBe(true);
    // WHEN committed, but promoted from dev straight to prod
    git(repo, 'commit', '-q', '-am', 'api 2 in dev');
    const skip = await cli('release', 'promote', '--from', 'dev', '--to', 'prod', '--file', file);
    expect(skip.code).toBe(1);
    expect(skip.err).toContain('refused: api: prod comes after staging, not dev');
    expect(readFileSync(file).equals(before)).toBe(true);
    // WHEN set directly in prod
    const direct = await cli('release', 'set', `api=${image('api', '2')}`, '--env', 'prod', '--file', file);
    expect(direct.code).toBe(1);
    expect(direct.err).toContain('sha256:222222222222 never ran in staging');
    expect(readFileSync(file).equals(before)).toBe(true);
    // THEN status says what waits
    const status = await cli('release', 'status', '--file', file);
    expect(status.out).toMatch(/waiting to be promoted:\n {2}api dev → staging: sha256:222222222222 in dev since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
  });

  it('GIVEN a promotion in the working tree THEN the review diff shows one line per workload with where it ran since when and the rollout plan that will run', async () => {
    // GIVEN
    const repo = await shopRepo();
    const file = path.join(repo, 'release.yaml');
    await cli('release', 'set', `api=${image('api', '2')}`, '--env', 'dev', '--file', file);
    synthInto(repo);
    git(repo, 'commit', '-q', '-am', 'api 2 in dev');
    await cli('release', 'promote', '--from', 'dev', '--to', 'staging', '--file', file);
    git(repo, 'commit', '-q', '-am', 'api 2 in staging');
    const staging = stateOf(repo).workloads.api!.staging!;
    // WHEN
    expect((await cli('release', 'promote', '--from', 'staging', '--to', 'prod', '--file', file)).code).toBe(0);
    synthInto(repo);
    const report = await semanticDiff({ cwd: repo, dir: 'dist' });
    // THEN
    const promotions = report.changes.filter((c) => c.aspect === 'promotion');
    const rollout = YAML.parse(readFileSync(path.join(repo, 'dist/shop/prod/api/rollout-api.yaml'), 'utf8'));
    expect(promotions).toHaveLength(1);
    expect(promotions[0]).toEqual({
      platform: 'shop',
      environment: 'prod',
      unit: 'api',
      subject: 'release',
      aspect: 'promotion',
      field: 'api staging → prod',
      after: 'sha256:222222222222',
      note: `in staging since ${staging.since}; was sha256:111111111111; proof commit ${git(repo, 'rev-parse', 'HEAD').trim().slice(0, 12)}; rollout: ${describePlan(deliveryPlanOf(rollout)!)}`,
      risks: [],
    });
    expect(promotions[0]!.note).toMatch(/; rollout: canary \d+% → .* via Gateway API plugin$/);
    expect(formatText(report).join('\n')).toContain(`release: api staging → prod: sha256:222222222222 (in staging since ${staging.since}; `);
    // the image change itself is there too, as the manifests show it
    expect(report.changes.some((c) => c.aspect === 'image' && c.environment === 'prod' && c.after === 'sha256:222222222222')).toBe(true);
  });

  it('GIVEN a hotfix forced into prod THEN the reason is recorded, synth accepts it, the diff flags the bypass; without --reason it is a usage error', async () => {
    // GIVEN
    const repo = await shopRepo();
    const file = path.join(repo, 'release.yaml');
    const before = readFileSync(file);
    // WHEN
    const noReason = await cli('release', 'set', `api=${image('api', '9')}`, '--env', 'prod', '--force', '--file', file);
    const forced = await cli('release', 'set', `api=${image('api', '9')}`, '--env', 'prod', '--force', '--reason', 'hotfix for INC-7', '--file', file);
    // THEN
    expect(noReason.code).toBe(2);
    expect(noReason.err).toContain('--force needs --reason');
    expect(forced.code).toBe(0);
    expect(forced.out).toContain('api prod: sha256:999999999999 (was sha256:111111111111); BYPASS of the promotion rule: "hotfix for INC-7"');
    expect(readFileSync(file).equals(before)).toBe(false);
    expect(stateOf(repo).workloads.api!.prod).toMatchObject({ image: image('api', '9'), bypass: 'hotfix for INC-7', history: [{ image: image('api', '1'), from: 'staging' }] });
    synthInto(repo);
    expect(imageIn(repo, 'prod', 'api')).toBe(image('api', '9'));
    const report = await semanticDiff({ cwd: repo, dir: 'dist' });
    const bypass = report.changes.find((c) => c.aspect === 'promotion');
    expect(bypass).toMatchObject({ environment: 'prod', unit: 'api', field: 'api set in prod', after: 'sha256:999999999999', risks: [{ flag: 'release-bypass', reason: 'the promotion rule was bypassed: "hotfix for INC-7"' }] });
    // and a forced skip of staging records where it came from
    git(repo, 'commit', '-q', '-am', 'hotfix');
    await cli('release', 'set', `worker=${image('worker', '3')}`, '--env', 'dev', '--file', file);
    git(repo, 'commit', '-q', '-am', 'worker 3 in dev');
    expect((await cli('release', 'promote', '--from', 'dev', '--to', 'prod', '--force', '--reason', 'staging is down', '--file', file)).code).toBe(0);
    expect(stateOf(repo).workloads.worker!.prod).toMatchObject({ image: image('worker', '3'), from: 'dev', bypass: 'staging is down' });
    expect(() => synthesize(shopApp(file))).not.toThrow();
  });

  it('GIVEN a promotion commit reverted THEN a fresh synth reproduces the previous dist/ byte for byte', async () => {
    // GIVEN
    const repo = await shopRepo();
    const file = path.join(repo, 'release.yaml');
    for (const [args, message] of [[['set', `api=${image('api', '2')}`, `worker=${image('worker', '2')}`, '--env', 'dev'], 'dev 2'], [['promote', '--from', 'dev', '--to', 'staging'], 'staging 2']] as const) {
      expect((await cli('release', ...args, '--file', file)).code).toBe(0);
      synthInto(repo);
      git(repo, 'add', '-A');
      git(repo, 'commit', '-q', '-m', message);
    }
    const previous = snapshot(path.join(repo, 'dist'));
    expect((await cli('release', 'promote', '--from', 'staging', '--to', 'prod', '--file', file)).code).toBe(0);
    synthInto(repo);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'prod 2');
    expect(snapshot(path.join(repo, 'dist'))).not.toEqual(previous);
    // WHEN the promotion commit is reverted and the platform synthesized again from the reverted release file
    git(repo, 'revert', '--no-edit', 'HEAD');
    synthInto(repo);
    // THEN
    const after = snapshot(path.join(repo, 'dist'));
    expect([...after.keys()]).toEqual([...previous.keys()]);
    for (const [file, bytes] of previous) expect(after.get(file)!.equals(bytes), file).toBe(true);
    expect(git(repo, 'status', '--porcelain')).toBe('');
    expect(imageIn(repo, 'prod', 'api')).toBe(image('api', '1'));
  });

  it('GIVEN two promotions of different workloads on two branches (one at the boundary of the other workload) THEN git merges them without a conflict and the result keeps the rule', async () => {
    // GIVEN api and worker 2 in dev and staging
    const repo = await shopRepo();
    const file = path.join(repo, 'release.yaml');
    await cli('release', 'set', `api=${image('api', '2')}`, `worker=${image('worker', '2')}`, '--env', 'dev', '--file', file);
    git(repo, 'commit', '-q', '-am', 'dev 2');
    await cli('release', 'promote', '--from', 'dev', '--to', 'staging', '--file', file);
    git(repo, 'commit', '-q', '-am', 'staging 2');
    // WHEN api goes to prod on one branch, worker to prod on another, and worker 3 into dev on a third
    git(repo, 'checkout', '-q', '-b', 'api-prod');
    expect((await cli('release', 'promote', '--from', 'staging', '--to', 'prod', '--workload', 'api', '--file', file)).code).toBe(0);
    git(repo, 'commit', '-q', '-am', 'api 2 to prod');
    git(repo, 'checkout', '-q', '-b', 'worker-prod', 'main');
    expect((await cli('release', 'promote', '--from', 'staging', '--to', 'prod', '--workload', 'worker', '--file', file)).code).toBe(0);
    git(repo, 'commit', '-q', '-am', 'worker 2 to prod');
    git(repo, 'checkout', '-q', '-b', 'worker-dev', 'main');
    expect((await cli('release', 'set', `worker=${image('worker', '3')}`, '--env', 'dev', '--file', file)).code).toBe(0);
    git(repo, 'commit', '-q', '-am', 'worker 3 in dev');
    // the api promotion's lines end right before the worker block that the dev change starts
    // (one unchanged line of context each: the workload key `  worker:` is all that separates the two changes)
    expect(git(repo, 'diff', '-U1', 'main', 'api-prod')).toMatch(/^\+ {10}commit: [0-9a-f]{40}\n {3}worker:$/m);
    expect(git(repo, 'diff', '-U2', 'main', 'worker-dev')).toMatch(/^ {3}worker:\n {5}dev:\n-/m);
    git(repo, 'checkout', '-q', 'main');
    // THEN
    git(repo, 'merge', '-q', '--no-edit', 'api-prod');
    expect(() => git(repo, 'merge', '-q', '--no-edit', 'worker-prod')).not.toThrow();
    expect(() => git(repo, 'merge', '-q', '--no-edit', 'worker-dev')).not.toThrow();
    const state = stateOf(repo);
    expect(state.workloads.api!.prod!.image).toBe(image('api', '2'));
    expect(state.workloads.worker!.prod!.image).toBe(image('worker', '2'));
    expect(state.workloads.worker!.dev!.image).toBe(image('worker', '3'));
    expect(state.workloads.api!.prod!.history.map((h) => h.image)).toEqual([image('api', '1')]);
    const status = await cli('release', 'status', '--file', file);
    expect(status.code).toBe(0);
    expect(status.out).toContain('worker dev → staging: sha256:333333333333');
    expect(() => synthesize(shopApp(file))).not.toThrow();
  });

  it('GIVEN a record edited by hand THEN synth reports it by construct path, field, value and fix: an image that never ran in staging, and a proof commit that does not show it', async () => {
    // GIVEN
    const repo = await shopRepo();
    const file = path.join(repo, 'release.yaml');
    const devCommit = git(repo, 'rev-parse', 'HEAD~2').trim();
    const text = readFileSync(file, 'utf8');
    // api in prod: a digest staging never ran, written over the record as a tool would (image and since, no proof);
    // worker in prod: the proof names the dev commit, when staging had no worker
    const edited = text
      .replace(/(  api:[\s\S]*?    prod:\n      image: )\S+(\n      since: "[^"]+")\n      from: staging\n      commit: [0-9a-f]+/, `$1${image('api', 'e')}$2`)
      .replace(/(  worker:[\s\S]*?    prod:[\s\S]*?commit: )[0-9a-f]+/, `$1${devCommit}`);
    expect(edited).not.toBe(text);
    writeFileSync(file, edited);
    // WHEN
    let error: unknown;
    try {
      synthesize(shopApp(file));
    } catch (e) {
      error = e;
    }
    // THEN
    expect(error).toBeInstanceOf(SynthError);
    const findings = (error as SynthError).findings.filter((f) => f.rule === 'release/promotion');
    expect(findings).toHaveLength(2);
    expect(findings[0]).toMatchObject({ location: 'shop/prod', field: 'release.workloads.api.prod.image', value: image('api', 'e') });
    expect(findings[0]!.message).toContain("api never ran in staging: staging's record (current and history) does not hold sha256:eeeeeeeeeeee");
    expect(findings[0]!.fix).toContain('cdk8s-delivery release promote --from staging --to prod --workload api');
    expect(findings[1]).toMatchObject({ location: 'shop/prod', field: 'release.workloads.worker.prod.image', value: image('worker', '1') });
    expect(findings[1]!.message).toContain(`names commit ${devCommit.slice(0, 12)} as proof, but release.yaml at that commit has no staging image for worker: the record does not match git history`);
    // the file's own record alone (no git) finds the first only
    const recordOnly = Release.fromFile(file, { gitHistory: false }).promotionViolations();
    expect(recordOnly.map((v) => v.workload)).toEqual(['api']);
    // and status reports the same, exit code 1
    const status = await cli('release', 'status', '--file', file);
    expect(status.code).toBe(1);
    expect(status.out).toContain('violation: api in prod: sha256:eeeeeeeeeeee never ran in staging');
  });
});
