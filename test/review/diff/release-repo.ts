import { App } from 'cdk8s';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bitvault, BITVAULT_IMAGES } from '../../../apps/bitvault/bitvault.js';
import { rolloutPlans } from '../../../lib/review/diagrams/rollout-plan.js';
import { synthesize, SynthesizedObject } from '../../../lib/synth/synthesizer.js';
import { writeAtomically } from '../../../lib/synth/writer.js';

/** The migrations folder of bitvaultd, inside the repository and inside the fixture repository. */
export const MIGRATIONS = 'apps/bitvault/migrations/bitvaultd';

/** The gateway digest of the second release. */
export const BUMPED_GATEWAY = BITVAULT_IMAGES.gateway.replace(/[0-9a-f]{64}$/, 'f'.repeat(64));

function releaseTwo(): SynthesizedObject[] {
  const app = new App();
  bitvault(app, { images: { gateway: BUMPED_GATEWAY } });
  // The second release also tolerates three failed success-rate measurements instead of one.
  return synthesize(app).map((o) => {
    if (o.path !== 'bitvault/prod/gateway/analysistemplate-gateway-slo.yaml') return o;
    const manifest = structuredClone(o.manifest);
    manifest.spec.metrics.find((m: any) => m.name === 'success-rate').failureLimit = 3;
    return { ...o, manifest };
  });
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', '-c', 'commit.gpgsign=false', ...args], { cwd, stdio: 'pipe' });

/**
 * A git repository with two bitvault releases: HEAD holds dist/ of the reference platform and the shipped
 * bitvaultd migrations; the working tree holds dist/ with a gateway digest bump and a weaker prod
 * gateway analysis (success-rate failureLimit 1 → 3), plus two new migrations: 0005 (expand, untracked)
 * and 0006 (contract, staged).
 */
export function releaseRepo(): string {
  const repo = mkdtempSync(join(tmpdir(), 'diff-release-'));
  git(repo, 'init', '-q', '-b', 'main');
  mkdirSync(join(repo, 'apps/bitvault'), { recursive: true });
  cpSync(MIGRATIONS, join(repo, MIGRATIONS), { recursive: true });
  // As synth writes them: manifests and rollout plans (which the diff must ignore: they are not manifests).
  const one = synthesize((() => { const app = new App(); bitvault(app); return app; })());
  writeAtomically(one, join(repo, 'dist'), rolloutPlans(one));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'release 1');
  const two = releaseTwo();
  writeAtomically(two, join(repo, 'dist'), rolloutPlans(two));
  writeFileSync(join(repo, MIGRATIONS, '0005_add_accounts_email.sql'), "SET lock_timeout = '2s';\nALTER TABLE accounts ADD COLUMN IF NOT EXISTS email text;\n");
  writeFileSync(join(repo, MIGRATIONS, '0006_drop_accounts_display_name.sql'), "-- migration: contract\nSET lock_timeout = '2s';\nALTER TABLE accounts DROP COLUMN IF EXISTS display_name;\n");
  git(repo, 'add', join(MIGRATIONS, '0006_drop_accounts_display_name.sql'));
  return repo;
}
