import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateRelease } from '../../lib/release/validate-release.js';
import { loadManifests } from '../../lib/validation/validate-manifests.js';
import { cli } from '../release/release-repo.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BITVAULT = path.join(ROOT, 'apps/bitvault/release.yaml');
const NEXT = 'ghcr.io/bitvault/gateway@sha256:ee9baaeac199c6167c7bbb10477d11870b9e2e74219ce6eb97ac84aaaee05f9b';

/** bitvault's release file with prod's gateway record replaced by staging's image, written by hand (no proof commit). */
function promotedByHand(): string {
  const text = readFileSync(BITVAULT, 'utf8').replace(/(  gateway:[\s\S]*?    prod:\n      image: )\S+(\n      since: "[^"]+")\n      from: staging\n      commit: [0-9a-f]+/, `$1${NEXT}$2`);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'release-validate-')), 'release.yaml');
  writeFileSync(file, text);
  return file;
}

describe('cdk8s-delivery validate --release', { timeout: 180_000 }, () => {
  it('GIVEN the committed dist/ and bitvault\'s release file (its proofs checked against this repository\'s history) THEN no finding', async () => {
    const { manifests } = await loadManifests(path.join(ROOT, 'dist'));
    expect(validateRelease(BITVAULT, manifests)).toEqual({ findings: [], problems: [] });
  });

  it('GIVEN a release file that moved prod ahead of dist/ THEN release/out-of-date on the workload that runs another image', async () => {
    const { manifests } = await loadManifests(path.join(ROOT, 'dist'));
    const file = promotedByHand();
    const { findings } = validateRelease(file, manifests);
    expect(findings).toEqual([expect.objectContaining({ field: 'image', value: 'ghcr.io/bitvault/gateway@sha256:10cb0a0b2f05e025519b7df660a0c82d43090bd21e876c822257342449d0dbde', rule: 'release/out-of-date' })]);
    expect(findings[0]!.location).toMatch(/bitvault\/prod\/gateway\/rollout-gateway\.yaml: Rollout\/bitvault-prod\/gateway$/);
    expect(findings[0]!.message).toBe(`does not run sha256:ee9baaeac199, which ${file} records for gateway in prod`);
  });

  it('GIVEN the CLI THEN the release findings print like any other (exit 1), and an unreadable release file is input (exit 2)', async () => {
    const file = promotedByHand();
    const out = await cli('validate', path.join(ROOT, 'dist'), '--release', file);
    expect(out.code).toBe(1);
    expect(out.out).toMatch(/rollout-gateway\.yaml: Rollout\/bitvault-prod\/gateway: image = ".*": does not run sha256:ee9baaeac199, .* \[release\/out-of-date\] Fix: synthesize again/);
    const missing = await cli('validate', path.join(ROOT, 'dist/homelab'), '--release', '/nonexistent/release.yaml');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('error: /nonexistent/release.yaml: does not exist');
  });

  it('GIVEN --json THEN a release finding is our policy (the promotion rule is not an upstream rule), and --policy none still reports what --release asked for', async () => {
    const file = promotedByHand();
    const out = await cli('validate', path.join(ROOT, 'dist/bitvault/prod'), '--release', file, '--policy', 'none', '--json');
    expect(out.code).toBe(1);
    const report = JSON.parse(out.out) as { findings: { rule: string; category: string; severity: string }[] };
    expect(report.findings.filter((f) => f.rule.startsWith('release/'))).toEqual([expect.objectContaining({ rule: 'release/out-of-date', category: 'policy', severity: 'error' })]);
  });
});
