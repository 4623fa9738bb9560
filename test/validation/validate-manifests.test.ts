import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../lib/validation/finding.js';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { ManifestInputError, loadManifests, validateManifests, WARNING_RULE_IDS } from '../../lib/validation/validate-manifests.js';

const FIXTURES = 'test/fixtures/validate';
let schema: SchemaValidator;
beforeAll(async () => {
  schema = await SchemaValidator.load();
});

/** Validates one fixture file or folder, as `cdk8s-delivery validate` does. */
async function validate(target: string) {
  const { manifests } = await loadManifests(`${FIXTURES}/${target}`);
  return validateManifests(manifests, { schema });
}

describe('validateManifests over hand-written manifests', () => {
  it('GIVEN a valid canary, KEDA worker, hook Job, CronJob and nested .yml ConfigMap WHEN validated THEN nothing is found', async () => {
    // GIVEN / WHEN
    const loaded = await loadManifests(`${FIXTURES}/valid`);
    const result = validateManifests(loaded.manifests, { schema });
    // THEN: every document of every file below the folder was read (recursively, .yml too, empty documents skipped)
    expect(loaded.files).toEqual([
      `${FIXTURES}/valid/migrate.yaml`,
      `${FIXTURES}/valid/nested/settings.yml`,
      `${FIXTURES}/valid/shop-web.yaml`,
      `${FIXTURES}/valid/worker.yaml`,
    ]);
    expect(loaded.manifests.map((m) => m.location)).toEqual([
      `${FIXTURES}/valid/migrate.yaml: Job/shop/migrate`,
      `${FIXTURES}/valid/migrate.yaml: CronJob/shop/report`,
      `${FIXTURES}/valid/nested/settings.yml: ConfigMap/shop/settings`,
      `${FIXTURES}/valid/shop-web.yaml: Rollout/shop/web`,
      `${FIXTURES}/valid/shop-web.yaml: Service/shop/web`,
      `${FIXTURES}/valid/shop-web.yaml: Service/shop/web-canary`,
      `${FIXTURES}/valid/shop-web.yaml: AnalysisTemplate/shop/web-success-rate`,
      `${FIXTURES}/valid/worker.yaml: Deployment/jobs/worker`,
      `${FIXTURES}/valid/worker.yaml: ScaledObject/jobs/worker`,
    ]);
    expect(result).toEqual({ errors: [], warnings: [] });
  });

  it('GIVEN a misspelt container field WHEN validated THEN the upstream schema rejects it [schema]', async () => {
    const { errors } = await validate('invalid/schema.yaml');
    expect(errors).toEqual<Finding[]>([{
      location: `${FIXTURES}/invalid/schema.yaml: Pod/shop/typo`,
      field: 'spec.containers[0].imagePullPolcy',
      value: 'Always',
      rule: 'schema/unknown-field',
      message: 'unknown field "imagePullPolcy": spec.containers[0] of Pod (v1) has no such field, so the API server would reject it (strict field validation) or drop it.',
      fix: 'Remove the field or check its spelling against the Pod (v1) schema (did you mean "imagePullPolicy"?).',
    }]);
  });

  it('GIVEN a Rollout whose canary Service does not exist WHEN validated THEN the cross-object reference is reported [rollout]', async () => {
    const { errors } = await validate('invalid/rollout.yaml');
    expect(errors).toEqual<Finding[]>([{
      location: `${FIXTURES}/invalid/rollout.yaml: Rollout/shop/api`,
      field: 'spec.strategy.canary.canaryService',
      value: 'api-canary',
      rule: 'rollout/service-not-found',
      message: 'Service "api-canary" is not in the manifest set for namespace "shop"; the controller marks the Rollout InvalidSpec until it exists.',
      fix: "Add a Service named api-canary in the Rollout's namespace, or fix the name.",
    }]);
  });

  it('GIVEN an AnalysisTemplate interval without a unit WHEN validated THEN it is reported [analysis]', async () => {
    const { errors } = await validate('invalid/analysis.yaml');
    expect(errors).toEqual<Finding[]>([{
      location: `${FIXTURES}/invalid/analysis.yaml: AnalysisTemplate/shop/latency`,
      field: 'spec.metrics[0].interval',
      value: '30',
      rule: 'analysis/invalid-duration',
      message: 'interval "30" is not a Go duration string; the AnalysisRun fails with "invalid interval string".',
      fix: 'Write interval as a quoted Go duration with a unit, for example "30s", "5m" or "1h30m".',
    }]);
  });

  it('GIVEN a ScaledObject with minReplicaCount above maxReplicaCount WHEN validated THEN the KEDA admission rule rejects it [keda]', async () => {
    const all = (await validate('invalid/keda.yaml')).errors;
    // The CRD's own CEL rule (x-kubernetes-validations) says the same (issue 12).
    expect(all.filter((f) => f.rule === 'schema/cel').map((f) => f.message)).toEqual([expect.stringContaining('minReplicaCount must be less than or equal to maxReplicaCount')]);
    const errors = all.filter((f) => f.rule !== 'schema/cel');
    expect(errors).toEqual<Finding[]>([{
      location: `${FIXTURES}/invalid/keda.yaml: ScaledObject/jobs/worker`,
      field: 'spec.minReplicaCount',
      value: 5,
      rule: 'keda/replica-bounds',
      message: 'minReplicaCount 5 is greater than maxReplicaCount 2; KEDA rejects the ScaledObject.',
      fix: 'Lower minReplicaCount to at most 2, or raise maxReplicaCount to at least 5.',
    }]);
  });

  it('GIVEN a sync wave that is not an integer WHEN validated THEN it is reported [argocd]', async () => {
    const { errors } = await validate('invalid/argocd.yaml');
    expect(errors).toEqual<Finding[]>([{
      location: `${FIXTURES}/invalid/argocd.yaml: ConfigMap/shop/settings`,
      field: 'metadata.annotations["argocd.argoproj.io/sync-wave"]',
      value: 'first',
      rule: 'argocd/sync-wave',
      message: 'is not an integer: Argo CD silently ignores it and syncs the object in wave 0 (or its Helm hook weight), likely before what it depends on',
      fix: 'use a whole number such as "-10", "0" or "20" (quoted, annotations are strings)',
    }]);
  });

  it('GIVEN a named HookSucceeded Job with a TTL and a misspelt hook type WHEN validated THEN each hook problem is reported [argocd]', async () => {
    const { errors } = await validate('invalid/argocd-hook.yaml');
    expect(errors.map((f) => [f.location.split(': ')[1], f.field, f.value, f.rule])).toEqual([
      ['Job/shop/migrate', 'metadata.annotations["argocd.argoproj.io/hook-delete-policy"]', 'HookSucceeded', 'argocd/named-hook-job'],
      ['Job/shop/migrate', 'spec.ttlSecondsAfterFinished', 0, 'argocd/hook-ttl-with-hook-succeeded'],
      ['Job/shop/smoke', 'metadata.annotations["argocd.argoproj.io/hook"]', 'PostSynk', 'argocd/hook'],
    ]);
    expect(errors[2]!.fix).toBe('use "PostSync" or one of PreSync, Sync, PostSync, SyncFail, PreDelete, PostDelete, Skip (comma-separated for several)');
  });

  it('GIVEN a privileged root container on the host network WHEN validated THEN each Pod Security violation is reported [pss]', async () => {
    const { errors } = await validate('invalid/pss.yaml');
    const location = `${FIXTURES}/invalid/pss.yaml: Deployment/ops/agent`;
    expect(errors).toEqual<Finding[]>([
      { location, field: 'spec.template.spec.hostNetwork', value: true, rule: 'pss/host-namespaces', message: "shares the node's network namespace, which the baseline Pod Security profile forbids", fix: 'remove hostNetwork (it defaults to false)' },
      { location, field: 'spec.template.spec.containers[0].securityContext.privileged', value: true, rule: 'pss/privileged', message: 'makes container "agent" privileged, which disables most isolation; the baseline profile forbids it', fix: 'remove privileged (it defaults to false)' },
      { location, field: 'spec.template.spec.containers[0].securityContext.runAsUser', value: 0, rule: 'pss/run-as-user', message: 'runs container "agent" as root (UID 0), which the restricted profile forbids', fix: 'set runAsUser to a non-zero UID, e.g. 65532' },
    ]);
  });

  it('GIVEN a Secret with a committed value WHEN validated THEN it is reported with the value redacted [security]', async () => {
    const { errors } = await validate('invalid/secret.yaml');
    expect(errors).toEqual<Finding[]>([{
      location: `${FIXTURES}/invalid/secret.yaml: Secret/shop/db`,
      field: 'stringData',
      value: ['password: <redacted>'],
      rule: 'security/inline-secret',
      message: 'holds secret values, which would be committed to Git in plain text',
      fix: 'remove the Secret and reference an existing one (SecretKey.of(name, key)), created by External Secrets Operator, Sealed Secrets or your secret store',
    }]);
  });

  it('GIVEN a delete policy on an object that is not a hook WHEN validated THEN it is a warning, not an error', async () => {
    const result = await validate('warning');
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((f) => f.rule)).toEqual(['argocd/delete-policy-without-hook']);
    expect(WARNING_RULE_IDS.has('argocd/delete-policy-without-hook')).toBe(true);
  });

  it('GIVEN the whole invalid folder WHEN validated THEN the findings come in file order, then document order', async () => {
    const { errors } = await validate('invalid');
    expect([...new Set(errors.map((f) => f.location.split(':')[0]!.replace(`${FIXTURES}/invalid/`, '')))]).toEqual([
      'analysis.yaml', 'argocd-hook.yaml', 'argocd.yaml', 'keda.yaml', 'pss.yaml', 'rollout.yaml', 'schema.yaml', 'secret.yaml',
    ]);
  });

  it('GIVEN the committed dist/ WHEN each environment (one cluster\'s tree) is validated THEN it is clean', async () => {
    let total = 0;
    for (const env of ['bitvault/dev', 'bitvault/staging', 'bitvault/prod', 'homelab/prod']) {
      const { manifests } = await loadManifests(`dist/${env}`);
      total += manifests.length;
      expect(validateManifests(manifests, { schema }), env).toEqual({ errors: [], warnings: [] });
    }
    expect(total).toBeGreaterThan(100);
  });

  it('GIVEN the tree of bitvault\'s one Argo CD (three clusters) WHEN validated THEN nothing collides: each object counts in the cluster its Application deploys to (issue 12)', async () => {
    const { manifests } = await loadManifests('dist/bitvault');
    expect(validateManifests(manifests, { schema }).errors).toEqual([]);
    // The same objects without the Applications that place them are one cluster's: the ClusterRoles collide.
    const withoutApps = manifests.filter((m) => (m.object as any).kind !== 'Application');
    const duplicates = validateManifests(withoutApps, { schema }).errors.filter((f) => f.rule === 'gitops/duplicate-object');
    expect(duplicates.map((f) => f.value)).toContain('argo-rollouts-gateway-api');
  });
});

describe('loadManifests input errors', () => {
  const problemsOf = async (target: string) => {
    try {
      await loadManifests(target);
    } catch (error) {
      expect(error).toBeInstanceOf(ManifestInputError);
      return (error as ManifestInputError).problems;
    }
    throw new Error('expected an input error');
  };

  it('GIVEN YAML that does not parse THEN the file, line and column are reported', async () => {
    expect(await problemsOf(`${FIXTURES}/unreadable`)).toEqual([
      { location: `${FIXTURES}/unreadable/bad.yaml:3:18`, message: 'YAML does not parse: Implicit keys need to be on a single line' },
    ]);
  });

  it('GIVEN a missing path or a folder without manifests THEN that is reported', async () => {
    expect(await problemsOf(`${FIXTURES}/missing`)).toEqual([{ location: `${FIXTURES}/missing`, message: 'no such file or directory' }]);
    expect(await problemsOf('test/cli')).toEqual([{ location: 'test/cli', message: 'has no .yaml, .yml or .json files' }]);
  });
});
