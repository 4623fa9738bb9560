import { App } from 'cdk8s';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Environment, formatRelease, parseRelease, Platform, Release, ReleaseFileState, StatelessService, Probe } from '../../lib/index.js';
import { synthesize } from '../../lib/synth/synthesizer.js';
import { synthFindings } from '../helpers.js';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const STATE: ReleaseFileState = {
  platform: 'shop',
  environments: ['dev', 'prod'],
  workloads: {
    api: {
      dev: { image: `ghcr.io/acme/api:1.2@${digest('2')}`, since: '2026-12-01T10:00:00Z', history: [{ image: `ghcr.io/acme/api@${digest('1')}`, since: '2026-11-01T10:00:00Z' }] },
      prod: { image: `ghcr.io/acme/api@${digest('1')}`, since: '2026-11-02T10:00:00Z', from: 'dev', history: [] },
    },
  },
};

function fileWith(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'release-file-')), 'release.yaml');
  writeFileSync(file, text);
  return file;
}

function shop(release: Release, environments = [Environment.dev(), Environment.prod()], workloads = ['api']): App {
  const app = new App();
  const platform = new Platform(app, 'shop', { environments });
  platform.forEachEnvironment((env) => {
    for (const w of workloads) new StatelessService(env, w, { image: release.image(env, w), port: 8080, readinessProbe: Probe.httpGet('/ready'), replicas: 10 });
  });
  return app;
}

describe('the release file', () => {
  it('GIVEN a state THEN formatRelease writes it canonically and parseRelease reads it back unchanged; the text is stable', () => {
    const text = formatRelease(STATE);
    expect(parseRelease(text)).toEqual({ state: STATE, problems: [] });
    expect(formatRelease(parseRelease(text).state!)).toBe(text);
    expect(text).toContain('environments: [dev, prod]\nworkloads:\n  api:\n    dev:\n      image: ghcr.io/acme/api:1.2@sha256:');
    expect(text).toContain('      history:\n        - image: ghcr.io/acme/api@sha256:1111111111111111111111111111111111111111111111111111111111111111\n          since: "2026-11-01T10:00:00Z"\n');
  });

  it('GIVEN JSON THEN it is read as well (YAML is a superset)', () => {
    expect(parseRelease(JSON.stringify({ apiVersion: 'delivery.cdk8s.io/v1alpha1', kind: 'Release', ...STATE })).state).toEqual(STATE);
  });

  it('GIVEN many mistakes THEN every problem at once, each with the field, the value and a fix', () => {
    const { state, problems } = parseRelease([
      'apiVersion: delivery.cdk8s.io/v1alpha1',
      'kind: Release',
      'platform: Shop',
      'environments: [dev, dev]',
      'extra: 1',
      'workloads:',
      '  api:',
      '    dev: {image: "ghcr.io/acme/api:latest", since: yesterday, from: qa, commit: xyz, color: blue}',
    ].join('\n'));
    expect(state).toBeUndefined();
    expect(problems.map((p) => `${p.field}=${JSON.stringify(p.value)}`)).toEqual([
      'extra=1',
      'platform="Shop"',
      'environments[1]="dev"',
      'workloads.api.dev.color="blue"',
      'workloads.api.dev.image="ghcr.io/acme/api:latest"',
      'workloads.api.dev.since="yesterday"',
      'workloads.api.dev.from="qa"',
      'workloads.api.dev.commit="xyz"',
    ]);
    expect(problems.every((p) => p.fix.length > 0 && p.message.length > 0)).toBe(true);
  });
});

describe('Release.fromFile in a platform', () => {
  it('GIVEN the file THEN each environment runs its own image', () => {
    const objects = synthesize(shop(Release.fromFile(fileWith(formatRelease(STATE)))));
    const image = (env: string) => objects.find((o) => o.path.startsWith(`shop/${env}/api/`) && ['Deployment', 'Rollout'].includes(o.manifest.kind))!.manifest.spec.template.spec.containers[0].image;
    expect(image('dev')).toBe(`ghcr.io/acme/api:1.2@${digest('2')}`);
    expect(image('prod')).toBe(`ghcr.io/acme/api@${digest('1')}`);
  });

  it('GIVEN a file of another platform with other environments, a workload it lacks and an image prod never ran in dev THEN synth reports all of them by path, field, value and fix', () => {
    const wrong = { ...STATE, platform: 'bank', workloads: { api: { ...STATE.workloads.api!, prod: { ...STATE.workloads.api!.prod!, image: `ghcr.io/acme/api@${digest('9')}`, from: undefined } } } };
    const findings = synthFindings(() => synthesize(shop(Release.fromFile(fileWith(formatRelease(wrong as ReleaseFileState))), [Environment.dev(), Environment.staging(), Environment.prod()], ['api', 'web'])));
    const release = findings.filter((f) => f.rule.startsWith('release/'));
    expect(release.map((f) => [f.location, f.field, f.rule])).toEqual([
      ['shop', 'release.platform', 'release/file'],
      ['shop', 'release.environments', 'release/file'],
      ['shop/dev', 'release.workloads.web.dev', 'release/no-image'],
      ['shop/staging', 'release.workloads.api.staging', 'release/no-image'],
      ['shop/staging', 'release.workloads.web.staging', 'release/no-image'],
      ['shop/prod', 'release.workloads.api.prod.image', 'release/promotion'],
      ['shop/prod', 'release.workloads.web.prod', 'release/no-image'],
    ]);
    expect(release[1]!.message).toContain('lists the environments dev → prod, but the platform has dev → staging → prod');
    expect(release[1]!.fix).toBe('list the platform\'s environments in promotion order: `environments: [dev, staging, prod]`');
    expect(release[2]!.fix).toContain('cdk8s-delivery release set web=<image>@sha256:<digest> --env dev --new');
  });

  it('GIVEN options of the wrong type (JavaScript) THEN the factory\'s props check reports them at synth', () => {
    const findings = synthFindings(() => synthesize(shop(Release.fromFile(fileWith(formatRelease(STATE)), { gitHistory: 'yes' } as never))));
    expect(findings).toEqual([expect.objectContaining({ location: 'shop', field: 'release(Release.fromFile).gitHistory', value: 'yes', rule: 'props/type' })]);
  });

  it('GIVEN a missing or malformed file THEN synth says so, once, with the fix; fromFile never throws', () => {
    const missing = synthFindings(() => synthesize(shop(Release.fromFile('/nonexistent/release.yaml'))));
    expect(missing.filter((f) => f.rule === 'release/file')).toEqual([expect.objectContaining({ location: 'shop', field: 'release', message: '/nonexistent/release.yaml does not exist' })]);
    const broken = synthFindings(() => synthesize(shop(Release.fromFile(fileWith('workloads: [\n')))));
    expect(broken.filter((f) => f.rule === 'release/file')).toEqual([expect.objectContaining({ location: 'shop', field: 'release', message: expect.stringMatching(/release\.yaml is not valid YAML: /) })]);
  });
});
