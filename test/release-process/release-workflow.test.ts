import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FILE = path.join(ROOT, '.github/workflows/release.yml');

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}
interface Job {
  readonly needs?: string | readonly string[];
  readonly permissions?: Record<string, string>;
  readonly environment?: string;
  readonly 'timeout-minutes'?: number;
  readonly steps: readonly Step[];
}
interface Workflow {
  readonly on: { readonly push?: { readonly tags?: readonly string[]; readonly branches?: readonly string[] } } & Record<string, unknown>;
  readonly permissions: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

const text = readFileSync(FILE, 'utf8');
const workflow = parse(text, { uniqueKeys: true, strict: true }) as Workflow;
const jobs = Object.entries(workflow.jobs);
const needs = (job: Job) => (job.needs === undefined ? [] : typeof job.needs === 'string' ? [job.needs] : job.needs);
/** Every job that `name` waits for, directly or through others. */
const upstream = (name: string): Set<string> => new Set(needs(workflow.jobs[name]!).flatMap((n) => [n, ...upstream(n)]));
const jobRunning = (pattern: RegExp) => jobs.filter(([, job]) => job.steps.some((s) => s.run !== undefined && pattern.test(s.run)));

describe('the release workflow (.github/workflows/release.yml)', () => {
  it('GIVEN the triggers THEN it runs on a pushed v* tag and on nothing else', () => {
    expect(Object.keys(workflow.on)).toEqual(['push']);
    expect(workflow.on.push).toEqual({ tags: ['v*'] });
  });

  it('GIVEN the permissions THEN none by default, id-token: write only where npm publishes, contents: write only where the GitHub release is made', () => {
    // GIVEN
    const [publish] = jobRunning(/\bnpm publish\b/);
    const [release] = jobRunning(/\bgh release create\b/);
    // THEN
    expect(workflow.permissions).toEqual({});
    expect(publish?.[1].permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(release?.[1].permissions).toEqual({ contents: 'write' });
    for (const [name, job] of jobs) {
      expect(job.permissions, name).toBeDefined();
      if (name !== publish![0]) expect(job.permissions!['id-token'], name).toBeUndefined();
      if (name !== release![0]) expect(job.permissions!.contents, name).toBe('read');
    }
  });

  it('GIVEN the npm publish THEN it is trusted publishing with provenance: no token, the tested tarball, after CI', () => {
    // GIVEN
    const [[name, job]] = jobRunning(/\bnpm publish\b/) as [[string, Job]];
    const publish = job.steps.find((s) => s.run?.includes('npm publish'))!;
    // THEN
    expect(publish.run).toMatch(/^npm publish "release\/\$\{TARBALL\}" --provenance --access public$/);
    expect(text).not.toMatch(/NODE_AUTH_TOKEN|NPM_TOKEN|secrets\./);
    expect(job.environment).toBe('npm');
    expect(upstream(name)).toContain('ci');
    expect(job.steps.find((s) => s.run?.includes('sha256sum --check'))).toBeDefined();
    // npm 11.5.1+ does the OIDC exchange: the Node of the job ships it.
    expect(job.steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with?.['node-version']).toBe('24');
  });

  it('GIVEN the CI job THEN it runs .ci/run with the shared data beside the repository, before anything is packed', () => {
    // GIVEN
    const ci = workflow.jobs.ci!;
    // THEN
    expect(ci.steps.map((s) => s.run).filter(Boolean)).toContain('bash .ci/run');
    expect(ci.steps.filter((s) => s.uses?.startsWith('actions/checkout@')).map((s) => s.with?.path)).toEqual(['cdk8s-delivery', 'shared']);
    expect(upstream('package')).toContain('ci');
    expect(ci['timeout-minutes']).toBeLessThanOrEqual(90);
  });

  it('GIVEN the packaging THEN the tarball, a CycloneDX SBOM and their checksums are attached to the GitHub release', () => {
    // GIVEN
    const pkg = workflow.jobs.package!;
    const [[, release]] = jobRunning(/\bgh release create\b/) as [[string, Job]];
    const create = release.steps.find((s) => s.run?.includes('gh release create'))!.run!;
    // THEN
    expect(pkg.steps.some((s) => /npm pack\b/.test(s.run ?? ''))).toBe(true);
    expect(pkg.steps.some((s) => /npm sbom --sbom-format cyclonedx --omit dev .*> \.\.\/release\/sbom\.cdx\.json/.test(s.run ?? ''))).toBe(true);
    expect(create).toContain('"release/${TARBALL}"');
    expect(create).toContain('release/sbom.cdx.json');
    expect(create).toContain('release/SHA256SUMS');
    expect(create).toContain('--verify-tag');
    expect(pkg.steps.some((s) => (s.run ?? '').includes('does not match package.json version'))).toBe(true);
  });

  it('GIVEN every action used THEN it is pinned to a full commit SHA, and no checkout keeps the token', () => {
    const uses = jobs.flatMap(([, job]) => job.steps.filter((s) => s.uses !== undefined));
    expect(uses.length).toBeGreaterThan(0);
    for (const step of uses) expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
    for (const step of uses.filter((s) => s.uses!.startsWith('actions/checkout@'))) expect(step.with?.['persist-credentials']).toBe(false);
  });

  it('GIVEN the run steps THEN no expression is expanded inside a script (values reach scripts as environment variables)', () => {
    const scripts = jobs.flatMap(([, job]) => job.steps.map((s) => s.run ?? ''));
    expect(scripts.filter((s) => s.includes('${{'))).toEqual([]);
  });
});

describe('the release notes', () => {
  const check = workflow.jobs.package!.steps.find((s) => s.name?.startsWith('The tag names the package version'))!.run!;
  const changelog = ['# Changelog', '', '## [Unreleased]', '', '- next', '', '## [1.2.3] - 2026-12-01', '', '### Added', '- one', '', '## [1.2.2] - 2026-11-01', '', '- older', ''].join('\n');

  /** Runs the workflow's own check script for a tag, in a folder laid out as the job's (repository in cdk8s-delivery/). */
  function runCheck(tag: string, version: string): { status: number | null; stdout: string; notes?: string } {
    const dir = mkdtempSync(path.join(tmpdir(), 'release-notes-'));
    const repo = path.join(dir, 'cdk8s-delivery');
    mkdirSync(repo);
    writeFileSync(path.join(repo, 'package.json'), JSON.stringify({ version }));
    writeFileSync(path.join(repo, 'CHANGELOG.md'), changelog);
    const r = spawnSync('bash', ['-eo', 'pipefail', '-c', check], { cwd: repo, encoding: 'utf8', env: { ...process.env, GITHUB_REF_NAME: tag } });
    const notes = path.join(dir, 'notes/notes.md');
    return { status: r.status, stdout: r.stdout, notes: existsSync(notes) ? readFileSync(notes, 'utf8') : undefined };
  }

  it('GIVEN a tag and CHANGELOG.md THEN the notes are exactly that version\'s section', () => {
    const r = runCheck('v1.2.3', '1.2.3');
    expect(r.status).toBe(0);
    expect(r.notes).toBe('\n### Added\n- one\n\n');
  });

  it('GIVEN a tag that is not the package version, or a version CHANGELOG.md does not name THEN the release stops', () => {
    expect(runCheck('v1.2.4', '1.2.3')).toMatchObject({ status: 1, stdout: '::error::tag v1.2.4 does not match package.json version 1.2.3\n' });
    expect(runCheck('v1.3.0', '1.3.0')).toMatchObject({ status: 1, stdout: '::error::CHANGELOG.md has no section for 1.3.0\n' });
  });

  it('GIVEN this repository\'s CHANGELOG.md THEN it keeps the Keep a Changelog shape: an Unreleased section, dated versions', () => {
    const text = readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8');
    const headings = text.split('\n').filter((l) => l.startsWith('## '));
    expect(text).toMatch(/^# Changelog\n/);
    expect(headings[0]).toBe('## [Unreleased]');
    for (const h of headings.slice(1)) expect(h).toMatch(/^## \[\d+\.\d+\.\d+\] - \d{4}-\d{2}-\d{2}$/);
  });
});
