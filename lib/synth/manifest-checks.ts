import { SYNC_WAVE_ANNOTATION } from '../core/sync-wave.js';
import { checkAnalysisTemplate } from '../validation/analysis-rules.js';
import { Finding } from '../validation/finding.js';
import { checkKeda, KEDA_WARNING_RULES } from '../validation/keda-rules.js';
import { checkRollouts, WARNING_RULES } from '../validation/rollout-rules.js';
import { checkInlineSecrets } from '../validation/secret-rules.js';

/** A manifest with its location (construct path at synth) and output path. */
export interface LocatedManifest {
  readonly object: Record<string, any>;
  readonly location: string;
  readonly path: string;
}

/**
 * Rules checked on the synthesized manifests, the way the controllers will see them, per platform and
 * environment (the set one Argo CD sync applies):
 * - every object has an explicit integer Argo CD sync wave (argoproj/argo-cd#5086);
 * - Argo Rollouts' own validation of Rollouts and AnalysisTemplates, including the cross-object
 *   references, which the controller only reports at reconcile time, one error at a time;
 * - no Secret carries inline values.
 * Warning-level rules are left to `validate`; a synth fails on errors only.
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
  const groups = new Map<string, LocatedManifest[]>();
  for (const m of manifests) {
    const key = m.path.split('/').slice(0, 2).join('/');
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  for (const group of groups.values()) {
    const set = group.map((m) => ({ object: m.object, location: m.location }));
    findings.push(...checkRollouts(set));
    findings.push(...checkKeda(set).filter((f) => !KEDA_WARNING_RULES.has(f.rule)));
    findings.push(...checkInlineSecrets(set));
    for (const m of set) {
      if (m.object.apiVersion === 'argoproj.io/v1alpha1' && m.object.kind === 'AnalysisTemplate') findings.push(...checkAnalysisTemplate(m));
    }
  }
  return findings.filter((f) => !WARNING_RULES.has(f.rule));
}
