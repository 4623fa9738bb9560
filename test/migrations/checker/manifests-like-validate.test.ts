import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MigrationInputError } from '../../../lib/migrations/checker/errors.js';
import { releaseStateOnDisk, workloadImages } from '../../../lib/migrations/checker/release-state.js';
import { budget } from '../../load-budget.js';

/**
 * Issue 26, defect 5: the manifests `lint-migrations --base` / `--manifests` reads are parsed as `validate`
 * parses them — linear in the size of a mapping (the yaml package's own duplicate-key check is quadratic:
 * a 150k-key ConfigMap did not finish in 300 s) — and a YAML error is an input error (exit 2), not ignored.
 */

const ROLLOUT = 'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/acme/app:1\n';

function bigConfigMap(keys: number): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: big', 'data:'];
  for (let i = 0; i < keys; i++) lines.push(`  k${i}: "v"`);
  return `${lines.join('\n')}\n`;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('manifests read by lint-migrations, as validate reads them', () => {
  it('GIVEN a 150k-key ConfigMap (about 1.9 MB) beside a Rollout WHEN its images are read THEN it takes seconds, not minutes', () => {
    const started = performance.now();
    const images = workloadImages(new Map([['HEAD:dist/a.yaml', `${bigConfigMap(150_000)}---\n${ROLLOUT}`]]));
    const seconds = (performance.now() - started) / 1000;
    expect(images).toEqual({ 'Rollout/-/app/app': 'ghcr.io/acme/app:1' });
    // Measured 7.7 s at load average ~10 on the 2-core dev machine (with the quadratic check: over 300 s).
    expect(seconds).toBeLessThan(budget(15_000) / 1000);
  });

  it('GIVEN a manifest with a duplicate key and one that does not parse WHEN images are read at a ref THEN both are input errors with their location', () => {
    const read = () => workloadImages(new Map([['HEAD:dist/a.yaml', `${ROLLOUT}metadata:\n  name: again\n`], ['HEAD:dist/b.yaml', 'kind: [unclosed\n']]));
    expect(read).toThrow(MigrationInputError);
    try {
      read();
    } catch (error) {
      expect((error as MigrationInputError).problems.map((p) => p.location)).toEqual([expect.stringMatching(/^HEAD:dist\/a\.yaml:\d+:\d+$/), expect.stringMatching(/^HEAD:dist\/b\.yaml(:\d+:\d+)?$/)]);
      expect((error as MigrationInputError).problems[0]!.message).toMatch(/Map keys must be unique/);
    }
  });

  it('GIVEN --manifests with a collection key (the "Keys with collection values will be stringified" case) and a .YAML file WHEN read THEN the key is an input error, not a warning, and the .YAML file is read', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cdk8s-delivery-manifests-'));
    dirs.push(dir);
    writeFileSync(path.join(dir, 'app.YAML'), ROLLOUT);
    await expect(releaseStateOnDisk([], { migrationsDir: dir, manifestsDir: dir })).resolves.toMatchObject({ images: { 'Rollout/-/app/app': 'ghcr.io/acme/app:1' } });
    writeFileSync(path.join(dir, 'bad.yaml'), 'kind: ConfigMap\ndata:\n  ? {a: 1}\n  : x\n');
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      await expect(releaseStateOnDisk([], { migrationsDir: dir, manifestsDir: dir })).rejects.toThrow(/bad\.yaml:3:5: cannot read the manifest: YAML does not parse like kubectl: the mapping key/);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });
});
