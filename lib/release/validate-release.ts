import { containersOf } from '../review/manifests.js';
import type { Finding } from '../validation/finding.js';
import type { Manifest } from '../validation/manifest.js';
import { ReleaseGitHistory } from './git-history.js';
import { digestOf } from './release-file.js';
import { promotionViolations, proofCommits, ReleaseInputError, shortDigestOf } from './release-operations.js';
import { readReleaseFile } from './release-store.js';

/** The images an object runs: its pod template's containers, or a CloudNativePG Cluster's `spec.imageName`. */
function imagesOf(object: any): string[] {
  if (object?.kind === 'Cluster' && typeof object.spec?.imageName === 'string') return [object.spec.imageName];
  return containersOf(object ?? {}).map((c) => c.image).filter((i): i is string => typeof i === 'string');
}

/**
 * `cdk8s-delivery validate <dir> --release <file>`: the release file's promotion rule (on its record, cross-checked
 * against git history), and the manifests against the file: every workload the file records in an environment runs
 * that image in `<dir>/<platform>/<environment>/<workload>/` (a dist/ synthesized from another version of the file,
 * or edited by hand, is out of date). Unreadable or malformed release files are input problems (exit code 2).
 */
export function validateRelease(file: string, manifests: readonly Manifest[]): { findings: Finding[]; problems: { location: string; message: string }[] } {
  let state;
  try {
    state = readReleaseFile(file).state;
  } catch (error) {
    if (error instanceof ReleaseInputError) return { findings: [], problems: error.problems.map((message) => ({ location: file, message })) };
    throw error;
  }
  const findings: Finding[] = promotionViolations(state, proofCommits(state).length === 0 ? undefined : ReleaseGitHistory.of(file)).map((v) => ({
    location: file,
    field: `workloads.${v.workload}.${v.environment}.image`,
    value: v.image,
    rule: 'release/promotion',
    message: `${v.workload} ${v.message}`,
    fix: v.fix,
  }));
  const unitOf = (m: Manifest) => (m.file ?? m.location.split(': ')[0]!).split('\\').join('/').split('/');
  for (const environment of state.environments) {
    // Only environments of the platform present in the folder validated (<dir>/<platform>/<environment>/...).
    const here = manifests.filter((m) => {
      const parts = unitOf(m);
      const at = parts.findIndex((p, i) => p === state.platform && parts[i + 1] === environment);
      return at >= 0 && parts.length > at + 3;
    });
    if (here.length === 0) continue;
    for (const workload of Object.keys(state.workloads).sort()) {
      const entry = state.workloads[workload]![environment];
      if (!entry) continue;
      const unit = here.filter((m) => {
        const parts = unitOf(m);
        const at = parts.findIndex((p, i) => p === state.platform && parts[i + 1] === environment);
        return parts[at + 2] === workload && imagesOf(m.object).length > 0;
      });
      const location = `${state.platform}/${environment}/${workload}/`;
      if (unit.length === 0) {
        findings.push({ location: file, field: `workloads.${workload}.${environment}.image`, value: entry.image, rule: 'release/out-of-date', message: `the manifests have no workload in ${location} to run it`, fix: 'synthesize again (`npm run synth`) and commit the output folder, or validate the folder synth writes' });
        continue;
      }
      if (unit.some((m) => imagesOf(m.object).some((i) => digestOf(i) === digestOf(entry.image)))) continue;
      const first = unit[0]!;
      findings.push({ location: first.location, field: 'image', value: imagesOf(first.object)[0], rule: 'release/out-of-date', message: `does not run ${shortDigestOf(entry.image)}, which ${file} records for ${workload} in ${environment}`, fix: 'synthesize again (`npm run synth`) from the release file and commit the output folder' });
    }
  }
  return { findings, problems: [] };
}
