import { beforeAll, describe, expect, it } from 'vitest';
import { Environment } from '../../lib/core/environment.js';
import { CustomDataResource, CustomDataResourceProps } from '../../lib/data/custom-data-resource.js';
import { toYaml } from '../../lib/synth/synthesizer.js';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { manifestOf, objectsOf, synthFindings, synthPlatform } from '../helpers.js';

// A custom resource whose CRD is pinned, so the output can be checked against the real schema.
const base: CustomDataResourceProps = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Backup', spec: { cluster: { name: 'orders-db' }, method: 'barmanObjectStore' } };

function synthResource(props: Partial<CustomDataResourceProps> = {}, environments?: Environment[]) {
  return synthPlatform((env) => new CustomDataResource(env, 'pre-migration-backup', { ...base, ...props }), environments);
}

let validator: SchemaValidator;
beforeAll(async () => {
  validator = await SchemaValidator.load();
});

describe('CustomDataResource', () => {
  const objects = synthResource();

  it('places the operator resource in its folder, the environment namespace and wave 0, protected from pruning', () => {
    expect(objectsOf(objects, 'staging', 'pre-migration-backup').map((o) => o.path)).toEqual(['acme/staging/pre-migration-backup/backup-pre-migration-backup.yaml']);
    const resource = manifestOf(objects, 'staging', 'Backup', 'pre-migration-backup');
    expect(resource).toEqual({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Backup',
      metadata: {
        name: 'pre-migration-backup',
        namespace: 'acme-staging',
        labels: { 'app.kubernetes.io/name': 'pre-migration-backup', 'app.kubernetes.io/part-of': 'acme', 'app.kubernetes.io/component': 'custom-data-resource', 'app.kubernetes.io/managed-by': 'cdk8s-delivery' },
        annotations: { 'argocd.argoproj.io/sync-wave': '0', 'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true,Prune=false,Delete=false' },
      },
      spec: { cluster: { name: 'orders-db' }, method: 'barmanObjectStore' },
    });
    expect(objects.flatMap((o) => validator.validate(o.manifest, o.path))).toEqual([]);
  });

  it('refuses built-in kinds, malformed kinds and inline secrets in the spec', () => {
    const findings = synthFindings(() => synthResource({ apiVersion: 'apps/v1', kind: 'statefulset', spec: { auth: { password: 'hunter2' } } }, [Environment.dev()]));
    expect(findings.map((f) => [f.field, f.value, f.rule])).toEqual([
      ['apiVersion', 'apps/v1', 'props/invalid'],
      ['kind', 'statefulset', 'props/invalid'],
      ['spec.auth.password', '<redacted>', 'security/inline-secret'],
    ]);
  });

  it.each(['dev', 'staging', 'prod'])('snapshot %s', (env) => {
    const yaml = objectsOf(objects, env, 'pre-migration-backup').map((o) => `# ${o.path}\n${toYaml(o.manifest)}`).join('---\n');
    expect(yaml).toMatchSnapshot();
  });
});
