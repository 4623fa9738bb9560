import { describe, expect, it } from 'vitest';
import { adaptForFlux } from '../../../lib/gitops/flux/kustomization-spec.js';
import { GitOpsTarget } from '../../../lib/gitops/targets.js';
import { SynthesizedObject, toYaml } from '../../../lib/synth/synthesizer.js';
import { synthWith } from './fixture.js';

/** Kinds that install a Helm chart: how a chart is installed is the GitOps tool's business by nature. */
const HELM_KINDS = new Set(['Application', 'HelmRelease', 'HelmRepository']);

const files = (objects: SynthesizedObject[], keep: (o: SynthesizedObject) => boolean) => new Map(objects.filter(keep).map((o) => [o.path, toYaml(o.manifest)]));
const unitFiles = (objects: SynthesizedObject[]) => files(objects, (o) => o.stage !== undefined && !HELM_KINDS.has(o.manifest.kind));
const helmFiles = (objects: SynthesizedObject[]) => [...files(objects, (o) => o.stage !== undefined && HELM_KINDS.has(o.manifest.kind)).keys()].filter((p) => p.startsWith('acme/prod/'));
const gitopsFolders = (objects: SynthesizedObject[]) => [...new Set(objects.filter((o) => o.stage === undefined).map((o) => o.path.split('/').slice(0, 3).join('/')))].filter((p) => p.startsWith('acme/prod/'));

describe('the same workloads, synthesized for Argo CD and for Flux', () => {
  // GIVEN the fixture platform synthesized three times: Argo CD target, Flux target, no target
  const argo = synthWith(GitOpsTarget.argoCd({ repoURL: 'https://github.com/acme/platform.git' }));
  const flux = synthWith(GitOpsTarget.flux({ url: 'https://github.com/acme/platform.git' }));
  const none = synthWith(undefined);

  it('writes every non-Helm unit file the same, except that Flux gets no Argo CD annotation (issue 20: Flux output speaks Flux)', () => {
    const argoFiles = unitFiles(argo);
    const fluxFiles = unitFiles(flux);
    expect(argoFiles.size).toBeGreaterThan(40);
    expect([...fluxFiles.keys()]).toEqual([...argoFiles.keys()]);
    // The Argo CD file with its Argo CD annotations dropped (and Prune=false turned into Flux's prune: disabled) is the Flux file.
    for (const o of argo.filter((x) => argoFiles.has(x.path))) {
      const manifest = structuredClone(o.manifest);
      adaptForFlux(manifest);
      expect(fluxFiles.get(o.path), o.path).toBe(toYaml(manifest));
    }
    // Not a word of Argo CD in any Flux file, GitOps folders included (Argo Rollouts' kinds are argoproj.io, not argocd).
    expect(flux.filter((o) => /argocd|Argo CD/.test(toYaml(o.manifest))).map((o) => o.path)).toEqual([]);
    // Choosing a target does not touch the units: no target gives the Argo CD units too.
    expect(unitFiles(none)).toEqual(unitFiles(argo));
  });

  it('differs in the units only where a Helm chart is installed: Applications become HelmRepository + HelmRelease pairs', () => {
    // The Helm-based files: the controllers in the platform unit (whose namespace and RBAC stay identical) and Redis.
    // Under Argo CD they are Applications in the argocd/ folder, Argo CD's own (issue 12: an Application inside a
    // folder another Application syncs is the same Application twice when the names meet).
    expect(helmFiles(argo)).toEqual([]);
    expect(argo.filter((o) => o.path.startsWith('acme/prod/argocd/') && o.manifest.spec?.source?.chart).map((o) => o.path)).toEqual([
      'acme/prod/argocd/application-acme-prod-redis.yaml',
      'acme/prod/argocd/application-argo-rollouts.yaml',
      'acme/prod/argocd/application-keda.yaml',
    ]);
    expect(helmFiles(none)).toEqual([
      'acme/prod/platform/application-argo-rollouts.yaml',
      'acme/prod/platform/application-keda.yaml',
      'acme/prod/redis/application-acme-prod-redis.yaml',
    ]);
    expect(helmFiles(flux)).toEqual([
      'acme/prod/platform/helmrelease-argo-rollouts.yaml',
      'acme/prod/platform/helmrelease-keda.yaml',
      'acme/prod/platform/helmrepository-argo-rollouts.yaml',
      'acme/prod/platform/helmrepository-keda.yaml',
      'acme/prod/redis/helmrelease-acme-prod-redis.yaml',
      'acme/prod/redis/helmrepository-acme-prod-redis.yaml',
    ]);
  });

  it('differs otherwise only in the GitOps folders', () => {
    expect(gitopsFolders(argo)).toEqual(['acme/prod/argocd', 'acme/prod/bootstrap']);
    expect(gitopsFolders(flux)).toEqual(['acme/prod/bootstrap', 'acme/prod/flux']);
    expect(gitopsFolders(none)).toEqual([]);
  });
});
