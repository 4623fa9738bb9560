import { describe, expect, it } from 'vitest';
import { ARGOCD_RULES as R, ARGOCD_WARNING_RULES, checkArgoCdAnnotations } from '../../lib/validation/argocd-rules.js';
import type { Finding } from '../../lib/validation/finding.js';

const LOCATION = 'out/x.yaml: Job/shop/migrate';
const WAVE = 'metadata.annotations["argocd.argoproj.io/sync-wave"]';
const HOOK = 'metadata.annotations["argocd.argoproj.io/hook"]';
const POLICY = 'metadata.annotations["argocd.argoproj.io/hook-delete-policy"]';
const OPTIONS = 'metadata.annotations["argocd.argoproj.io/sync-options"]';

const object = (kind: string, annotations: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  object: { apiVersion: kind === 'Job' ? 'batch/v1' : kind === 'Application' ? 'argoproj.io/v1alpha1' : 'v1', kind, metadata: { name: 'migrate', namespace: 'shop', annotations }, ...extra },
  location: LOCATION,
});
const check = (kind: string, annotations: Record<string, unknown>, extra?: Record<string, unknown>, requireExplicitWave = false) =>
  checkArgoCdAnnotations(object(kind, annotations, extra), { requireExplicitWave });
const rules = (findings: Finding[]) => findings.map((f) => [f.field, f.value, f.rule]);

describe('checkArgoCdAnnotations: sync waves', () => {
  it.each(['0', '-30', '+5', '20'])('GIVEN wave %j THEN it parses as an integer', (wave) => {
    expect(check('ConfigMap', { 'argocd.argoproj.io/sync-wave': wave })).toEqual([]);
  });

  it.each(['first', '1.5', ' 1', '', '10s'])('GIVEN wave %j THEN it is reported', (wave) => {
    expect(rules(check('ConfigMap', { 'argocd.argoproj.io/sync-wave': wave }))).toEqual([[WAVE, wave, R.syncWave]]);
  });

  it('GIVEN no wave THEN it is fine by default, and an error when explicit waves are required', () => {
    expect(check('ConfigMap', {})).toEqual([]);
    expect(check('ConfigMap', {}, {}, true)).toEqual<Finding[]>([{
      location: LOCATION, field: WAVE, value: undefined, rule: R.explicitWave,
      message: 'every object needs an explicit integer sync wave, or it may sync before what it depends on (argoproj/argo-cd#5086)',
      fix: 'annotate it `argocd.argoproj.io/sync-wave: "<n>"` with the wave of its kind (exported as SyncWave: e.g. String(SyncWave.CONFIG) for a ConfigMap, String(SyncWave.APP) for a workload); objects created inside an environment of a Platform get theirs',
    }]);
  });
});

describe('checkArgoCdAnnotations: hooks', () => {
  it('GIVEN every Argo CD v3.5 hook type, comma-separated with spaces THEN nothing is found', () => {
    expect(check('Pod', { 'argocd.argoproj.io/hook': 'PreSync, Sync,PostSync,SyncFail,PreDelete,PostDelete' })).toEqual([]);
  });

  it('GIVEN a misspelt hook type THEN it is reported with the closest known type', () => {
    expect(check('Pod', { 'argocd.argoproj.io/hook': 'PreSynk' })).toEqual<Finding[]>([{
      location: LOCATION, field: HOOK, value: 'PreSynk', rule: R.hook,
      message: 'names unknown hook type "PreSynk", which Argo CD ignores (the object is then applied as a normal resource)',
      fix: 'use "PreSync" or one of PreSync, Sync, PostSync, SyncFail, PreDelete, PostDelete, Skip (comma-separated for several)',
    }]);
  });

  it('GIVEN an unknown delete policy THEN it is reported', () => {
    expect(rules(check('Pod', { 'argocd.argoproj.io/hook': 'PreSync', 'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded,OnSuccess' }))).toEqual([[POLICY, 'HookSucceeded,OnSuccess', R.hookDeletePolicy]]);
  });

  it('GIVEN a delete policy on an object that is not a hook (or a Skip one) THEN it is a warning', () => {
    expect(rules(check('ConfigMap', { 'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded' }))).toEqual([[POLICY, 'HookSucceeded', R.deletePolicyWithoutHook]]);
    expect(rules(check('ConfigMap', { 'argocd.argoproj.io/hook': 'Skip', 'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded' }))).toEqual([[POLICY, 'HookSucceeded', R.deletePolicyWithoutHook]]);
    expect(check('ConfigMap', { 'helm.sh/hook': 'pre-install', 'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded' })).toEqual([]);
    expect([...ARGOCD_WARNING_RULES]).toEqual([R.deletePolicyWithoutHook]);
  });

  it('GIVEN a named hook Job deleted only on success THEN the next image bump would fail: it is reported', () => {
    expect(check('Job', { 'argocd.argoproj.io/hook': 'PreSync', 'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded' })).toEqual<Finding[]>([{
      location: LOCATION, field: POLICY, value: 'HookSucceeded', rule: R.namedHookJob,
      message: 'keeps the previous Job "migrate" when it is not deleted by its policy, so the next sync that changes its template (an image bump) fails with "field is immutable"',
      fix: 'add BeforeHookCreation (e.g. "BeforeHookCreation" or "HookSucceeded,BeforeHookCreation")',
    }]);
  });

  it('GIVEN hook Jobs that Argo CD deletes before recreating THEN nothing is found', () => {
    // No policy at all: Argo CD applies BeforeHookCreation (gitops-engine hook/delete_policy.go).
    expect(check('Job', { 'argocd.argoproj.io/hook': 'PreSync' })).toEqual([]);
    expect(check('Job', { 'argocd.argoproj.io/hook': 'PreSync', 'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded,BeforeHookCreation' })).toEqual([]);
    expect(check('Job', { 'argocd.argoproj.io/hook': 'PreSync', 'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded', 'helm.sh/hook-delete-policy': 'before-hook-creation' })).toEqual([]);
    // generateName gives every run a fresh Job.
    const generated = object('Job', { 'argocd.argoproj.io/hook': 'PreSync', 'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded' });
    generated.object.metadata = { ...generated.object.metadata, name: undefined as unknown as string, generateName: 'migrate-' } as any;
    expect(checkArgoCdAnnotations(generated)).toEqual([]);
  });

  it('GIVEN a hook Job with ttlSecondsAfterFinished and HookSucceeded THEN the race is reported (argo-cd PR #29409); without HookSucceeded it is not', () => {
    const annotations = { 'argocd.argoproj.io/hook': 'PostSync', 'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded,BeforeHookCreation' };
    expect(rules(check('Job', annotations, { spec: { ttlSecondsAfterFinished: 60 } }))).toEqual([['spec.ttlSecondsAfterFinished', 60, R.hookTtl]]);
    expect(check('Job', { ...annotations, 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' }, { spec: { ttlSecondsAfterFinished: 60 } })).toEqual([]);
  });
});

describe('checkArgoCdAnnotations: sync options', () => {
  it('GIVEN every resource-level option with valid values THEN nothing is found', () => {
    const all = 'Prune=confirm, Delete=false,Validate=false,SkipDryRunOnMissingResource=true,PruneLast=true,Replace=true,Force=true,ServerSideApply=false,RespectIgnoreDifferences=true';
    expect(check('ConfigMap', { 'argocd.argoproj.io/sync-options': all })).toEqual([]);
  });

  it('GIVEN a bad value, an unknown option and an Application-only option on a resource THEN each is reported', () => {
    const value = 'Prune=flase,PruneLsat=true,CreateNamespace=true';
    const findings = check('ConfigMap', { 'argocd.argoproj.io/sync-options': value });
    expect(findings.map((f) => [f.field, f.value, f.rule, f.message, f.fix])).toEqual([
      [OPTIONS, value, R.syncOptions, 'sets Prune to "flase", which Argo CD does not understand', 'write Prune=false (allowed values: false, confirm, true)'],
      [OPTIONS, value, R.syncOptions, 'names unknown sync option "PruneLsat", which Argo CD ignores', 'use "PruneLast" or one of Prune, Delete, Validate, SkipDryRunOnMissingResource, PruneLast, Replace, Force, ServerSideApply, RespectIgnoreDifferences as Key=value, comma-separated'],
      [OPTIONS, value, R.syncOptions, "sets CreateNamespace, which Argo CD honours only in an Application's spec.syncPolicy.syncOptions, not on a resource", "move CreateNamespace to the Application's spec.syncPolicy.syncOptions, or remove it"],
    ]);
  });

  it('GIVEN spaces around "=" THEN the entry matches nothing Argo CD compares against: it is reported', () => {
    expect(rules(check('ConfigMap', { 'argocd.argoproj.io/sync-options': 'Prune = false' }))).toEqual([[OPTIONS, 'Prune = false', R.syncOptions]]);
  });

  it("GIVEN an Application's spec.syncPolicy.syncOptions THEN Application-level options pass and a bad value is reported at its index", () => {
    const spec = { syncPolicy: { syncOptions: ['CreateNamespace=true', 'ServerSideApply=true', 'PrunePropagationPolicy=later'] } };
    expect(rules(check('Application', {}, { spec }))).toEqual([['spec.syncPolicy.syncOptions[2]', 'PrunePropagationPolicy=later', R.syncOptions]]);
  });
});
