import { SYNC_WAVE_ANNOTATION } from '../core/sync-wave.js';
import { Finding } from '../validation/finding.js';

/** A manifest with its location (construct path at synth) and output path. */
export interface LocatedManifest {
  readonly object: Record<string, any>;
  readonly location: string;
  readonly path: string;
}

/**
 * Rules checked on the synthesized manifests, the way the controllers will see them: every object has
 * an explicit integer Argo CD sync wave (argoproj/argo-cd#5086).
 */
export function checkManifests(manifests: readonly LocatedManifest[]): Finding[] {
  const findings: Finding[] = [];
  for (const m of manifests) {
    const wave = m.object.metadata?.annotations?.[SYNC_WAVE_ANNOTATION];
    if (wave === undefined || !/^-?[0-9]+$/.test(wave)) {
      findings.push({
        location: m.location,
        field: `metadata.annotations["${SYNC_WAVE_ANNOTATION}"]`,
        value: wave,
        rule: 'argocd/explicit-wave',
        message: 'every object needs an explicit integer sync wave, or it may sync before what it depends on (argoproj/argo-cd#5086)',
        fix: 'add the annotation with a SyncWave constant (syncWaveAnnotations(SyncWave.APP))',
      });
    }
  }
  return findings;
}
