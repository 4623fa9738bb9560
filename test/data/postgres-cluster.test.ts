import { beforeAll, describe, expect, it } from 'vitest';
import { Environment } from '../../lib/core/environment.js';
import { ObjectStoreCredentials } from '../../lib/data/postgres/object-store-credentials.js';
import { BackupOwnerReference, PostgresBackup } from '../../lib/data/postgres/postgres-backup.js';
import { PostgresCluster, PostgresClusterProps, PrimaryUpdateMethod, PrimaryUpdateStrategy } from '../../lib/data/postgres/postgres-cluster.js';
import { Strategy } from '../../lib/delivery/strategy.js';
import { toYaml } from '../../lib/synth/synthesizer.js';
import { formatFinding } from '../../lib/validation/finding.js';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { manifestOf, objectsOf, synthFindings, synthPlatform } from '../helpers.js';

const PG_IMAGE = `ghcr.io/cloudnative-pg/postgresql:18.1-system-trixie@sha256:${'c'.repeat(64)}`;
const backup = PostgresBackup.objectStore({
  destinationPath: 's3://acme-backups/postgres',
  endpointURL: 'https://minio.storage.svc:9000',
  credentials: ObjectStoreCredentials.s3({ secretName: 'orders-db-backup-s3' }),
});
const base: PostgresClusterProps = { image: PG_IMAGE, storageSize: '20Gi', backup };

function synthDb(props: Partial<PostgresClusterProps> = {}, environments?: Environment[]) {
  return synthPlatform((env) => new PostgresCluster(env, 'orders-db', { ...base, ...props }), environments);
}

let validator: SchemaValidator;
beforeAll(async () => {
  validator = await SchemaValidator.load();
});

describe('PostgresCluster across environments', () => {
  // GIVEN one cluster with object-store backups, defined once for dev, staging and prod
  const objects = synthDb();

  it('emits a Cluster and a ScheduledBackup in its own folder', () => {
    expect(objectsOf(objects, 'prod', 'orders-db').map((o) => o.path)).toEqual(['acme/prod/orders-db/cluster-orders-db.yaml', 'acme/prod/orders-db/scheduledbackup-orders-db.yaml']);
  });

  it.each([
    ['dev', 1, false],
    ['staging', 2, true],
    ['prod', 3, true],
  ])('%s runs %i instance(s) (3 scaled by the replica scale), with the PDB only when a standby exists', (env, instances, pdb) => {
    const spec = manifestOf(objects, env, 'Cluster', 'orders-db').spec;
    expect([spec.instances, spec.enablePDB]).toEqual([instances, pdb]);
  });

  it('updates replicas first, then the primary by unsupervised switchover', () => {
    const spec = manifestOf(objects, 'prod', 'Cluster', 'orders-db').spec;
    expect([spec.primaryUpdateStrategy, spec.primaryUpdateMethod]).toEqual(['unsupervised', 'switchover']);
  });

  it('pins the operand image, sizes storage and resources, and bootstraps the app database with checksums', () => {
    const spec = manifestOf(objects, 'prod', 'Cluster', 'orders-db').spec;
    expect(spec.imageName).toBe(PG_IMAGE);
    expect(spec.storage).toEqual({ size: '20Gi' });
    expect(spec.walStorage).toBeUndefined();
    expect(spec.resources).toEqual({ requests: { cpu: '500m', memory: '1024Mi' }, limits: { memory: '1024Mi' } });
    expect(spec.bootstrap).toEqual({ initdb: { database: 'app', owner: 'app', dataChecksums: true } });
    expect(spec.monitoring).toBeUndefined();
    // dev halves the resources
    expect(manifestOf(objects, 'dev', 'Cluster', 'orders-db').spec.resources.requests).toEqual({ cpu: '250m', memory: '512Mi' });
  });

  it('archives WAL to the object store under a per-environment server name, credentials by Secret reference only', () => {
    const backupSpec = manifestOf(objects, 'prod', 'Cluster', 'orders-db').spec.backup;
    expect(backupSpec).toEqual({
      retentionPolicy: '30d',
      barmanObjectStore: {
        destinationPath: 's3://acme-backups/postgres',
        endpointURL: 'https://minio.storage.svc:9000',
        serverName: 'acme-prod-orders-db',
        s3Credentials: { accessKeyId: { name: 'orders-db-backup-s3', key: 'ACCESS_KEY_ID' }, secretAccessKey: { name: 'orders-db-backup-s3', key: 'ACCESS_SECRET_KEY' } },
        wal: { compression: 'gzip' },
        data: { compression: 'gzip' },
      },
    });
    expect(manifestOf(objects, 'staging', 'Cluster', 'orders-db').spec.backup.barmanObjectStore.serverName).toBe('acme-staging-orders-db');
  });

  it('schedules a daily base backup of this cluster, taken at once, owned by the schedule', () => {
    expect(manifestOf(objects, 'prod', 'ScheduledBackup', 'orders-db').spec).toEqual({
      schedule: '0 0 0 * * *',
      cluster: { name: 'orders-db' },
      method: 'barmanObjectStore',
      immediate: true,
      backupOwnerReference: 'self',
    });
  });

  it('puts every object in wave 0 and protects only the Cluster from pruning and deletion', () => {
    const annotations = objectsOf(objects, 'prod', 'orders-db').map((o) => [o.manifest.kind, o.manifest.metadata.annotations]);
    expect(annotations).toEqual([
      ['Cluster', { 'argocd.argoproj.io/sync-wave': '0', 'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true,Prune=false,Delete=false' }],
      ['ScheduledBackup', { 'argocd.argoproj.io/sync-wave': '0', 'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true' }],
    ]);
  });

  it('validates against the pinned CloudNativePG CRDs', () => {
    const findings = objects.filter((o) => o.path.includes('/orders-db/')).flatMap((o) => validator.validate(o.manifest, o.path));
    expect(findings).toEqual([]);
  });

  it('exposes the Services and the app Secret the operator creates', () => {
    let cluster: PostgresCluster | undefined;
    synthPlatform((env) => {
      cluster = new PostgresCluster(env, 'orders-db', base);
    }, [Environment.prod()]);
    expect([cluster!.readWriteServiceName, cluster!.readOnlyServiceName, cluster!.appSecretName]).toEqual(['orders-db-rw', 'orders-db-ro', 'orders-db-app']);
  });
});

describe('PostgresCluster options and overrides', () => {
  it('renders every option and per-environment overrides', () => {
    // GIVEN supervised restarts, a WAL volume, parameters, a PodMonitor, an owner secret and dev overrides
    const objects = synthDb({
      primaryUpdateStrategy: PrimaryUpdateStrategy.SUPERVISED,
      primaryUpdateMethod: PrimaryUpdateMethod.RESTART,
      storageClass: 'fast',
      walStorageSize: '5Gi',
      parameters: { max_connections: '200' },
      enablePodMonitor: true,
      database: 'orders',
      ownerSecretName: 'orders-owner',
      instances: 5,
      backup: PostgresBackup.objectStore({ destinationPath: 's3://b/p', credentials: ObjectStoreCredentials.s3IamRole(), retentionPolicy: '4w', schedule: '0 30 2 * * sun', immediate: false, backupOwnerReference: BackupOwnerReference.CLUSTER }),
      environments: { dev: { image: 'ghcr.io/cloudnative-pg/postgresql:18.1', instances: 1, storageSize: '1Gi', backup: PostgresBackup.none('dev data is disposable') } },
    });
    // THEN prod gets every option
    const prod = manifestOf(objects, 'prod', 'Cluster', 'orders-db').spec;
    expect(prod).toMatchObject({
      instances: 5,
      primaryUpdateStrategy: 'supervised',
      primaryUpdateMethod: 'restart',
      storage: { size: '20Gi', storageClass: 'fast' },
      walStorage: { size: '5Gi', storageClass: 'fast' },
      postgresql: { parameters: { max_connections: '200' } },
      monitoring: { enablePodMonitor: true },
      bootstrap: { initdb: { database: 'orders', owner: 'orders', dataChecksums: true, secret: { name: 'orders-owner' } } },
    });
    expect(prod.backup.barmanObjectStore.s3Credentials).toEqual({ inheritFromIAMRole: true });
    expect(prod.backup.retentionPolicy).toBe('4w');
    expect(manifestOf(objects, 'prod', 'ScheduledBackup', 'orders-db').spec).toMatchObject({ schedule: '0 30 2 * * sun', immediate: false, backupOwnerReference: 'cluster' });
    // AND dev runs a tag, one instance, a small volume and no backups at all
    const dev = manifestOf(objects, 'dev', 'Cluster', 'orders-db').spec;
    expect([dev.imageName, dev.instances, dev.storage.size, dev.backup]).toEqual(['ghcr.io/cloudnative-pg/postgresql:18.1', 1, '1Gi', undefined]);
    expect(objectsOf(objects, 'dev', 'orders-db').map((o) => o.manifest.kind)).toEqual(['Cluster']);
    expect(objects.flatMap((o) => validator.validate(o.manifest, o.path))).toEqual([]);
  });

  it('can leave the Cluster unprotected', () => {
    const objects = synthDb({ deletionProtection: false }, [Environment.prod()]);
    expect(manifestOf(objects, 'prod', 'Cluster', 'orders-db').metadata.annotations['argocd.argoproj.io/sync-options']).toBe('SkipDryRunOnMissingResource=true');
  });
});

describe('PostgresCluster errors', () => {
  it('refuses 0 instances', () => {
    const findings = synthFindings(() => synthDb({ instances: 0 }, [Environment.dev()]));
    expect(findings.map(formatFinding)).toEqual(['acme/dev/orders-db: instances = 0: must be a whole number of at least 1 [props/invalid] Fix: set instances to 3 (one primary, two replicas)']);
  });

  it('refuses fewer than 3 instances in production-like environments unless opted out', () => {
    const findings = synthFindings(() => synthDb({ instances: 2 }, [Environment.staging(), Environment.prod()]));
    expect(findings).toEqual([
      {
        location: 'acme/prod/orders-db',
        field: 'instances',
        value: 2,
        rule: 'data/high-availability',
        message: 'gives 2 instances in production-like environment "prod": a failover then leaves no standby (or, with 1, there is no failover at all)',
        fix: 'use 3 or more instances, or set `allowFewerThanThreeInstances: true` to accept the risk',
      },
    ]);
    expect(manifestOf(synthDb({ instances: 2, allowFewerThanThreeInstances: true }, [Environment.prod()]), 'prod', 'Cluster', 'orders-db').spec.instances).toBe(2);
  });

  it('refuses a Unix five-field cron, a bad retention and a bad storage size, all at once', () => {
    const bad = PostgresBackup.objectStore({ destinationPath: 's3://b/p', credentials: ObjectStoreCredentials.s3IamRole(), schedule: '0 2 * * *', retentionPolicy: '0d' });
    const findings = synthFindings(() => synthDb({ backup: bad, storageSize: '20GB', walStorageSize: '5' }, [Environment.prod()]));
    expect(findings.map((f) => [f.field, f.value, f.rule, f.message])).toEqual([
      ['storageSize', '20GB', 'props/invalid', 'is not a Kubernetes quantity: a number and one of the units Ki, Mi, Gi, Ti, Pi, Ei, k, M, G, T, P, E, without spaces ("GB" is not a unit)'],
      ['walStorageSize', '5', 'props/invalid', 'has no unit, so it would mean bytes'],
      ['backup.retentionPolicy', '0d', 'props/invalid', 'is not a retention policy: a positive whole number followed by d, w or m (the CRD pattern ^[1-9][0-9]*[dwm]$)'],
      ['backup.schedule', '0 2 * * *', 'data/backup-schedule', 'has 5 fields: CloudNativePG schedules have 6, starting with seconds, and would read this Unix crontab as "second minute hour day month", firing far more often than meant'],
    ]);
  });

  it('refuses a credential pasted where the Secret name goes, without printing it', () => {
    const leaked = PostgresBackup.objectStore({ destinationPath: 's3://b/p', credentials: ObjectStoreCredentials.s3({ secretName: 'AKIAIOSFODNN7EXAMPLE' }) });
    const findings = synthFindings(() => synthDb({ backup: leaked }, [Environment.prod()]));
    expect(findings).toEqual([
      {
        location: 'acme/prod/orders-db',
        field: 'backup.credentials.secretName',
        value: '<redacted>',
        rule: 'security/inline-secret',
        message: 'looks like a credential, not the name of a Secret: secret values would be committed to Git in plain text',
        fix: 'create a Secret with the keys (External Secrets Operator, Sealed Secrets or by hand) and pass its name, e.g. `secretName: "orders-db-backup-s3"`',
      },
    ]);
    expect(JSON.stringify(findings)).not.toContain('AKIA');
  });

  it('requires a backup decision in production-like environments only', () => {
    const findings = synthFindings(() => synthDb({ backup: undefined }));
    expect(findings.map(formatFinding)).toEqual([
      'acme/prod/orders-db: backup = undefined: is required in production-like environment "prod": without WAL archiving there is no point-in-time recovery, the safety net of the data layer [data/backup-required] Fix: set `backup: PostgresBackup.objectStore({ destinationPath, credentials })`, or `PostgresBackup.none("why")` to run without',
    ]);
    expect(manifestOf(synthDb({ backup: PostgresBackup.none('restored nightly from a replica') }, [Environment.prod()]), 'prod', 'Cluster', 'orders-db').spec.backup).toBeUndefined();
  });

  it('refuses a tag in staging, reserved names, and an override for an unknown environment', () => {
    const findings = synthFindings(() => synthDb({ image: 'ghcr.io/cloudnative-pg/postgresql:18.1', database: 'postgres', owner: 'postgres', environments: { qa: { instances: 1 } } }, [Environment.dev(), Environment.staging()]));
    expect(findings.map((f) => [f.location, f.field, f.rule])).toEqual([
      ['acme/dev/orders-db', 'environments.qa', 'props/environment'],
      ['acme/dev/orders-db', 'database', 'props/invalid'],
      ['acme/dev/orders-db', 'owner', 'props/invalid'],
      ['acme/staging/orders-db', 'environments.qa', 'props/environment'],
      ['acme/staging/orders-db', 'image', 'props/image'],
      ['acme/staging/orders-db', 'database', 'props/invalid'],
      ['acme/staging/orders-db', 'owner', 'props/invalid'],
    ]);
  });

  it('has no strategy prop: the type system refuses a canary, and JavaScript callers get a finding', () => {
    const findings = synthFindings(() =>
      synthPlatform(
        (env) =>
          new PostgresCluster(env, 'orders-db', {
            ...base,
            // @ts-expect-error a data service offers no strategy: never canary a database (tsc --noEmit checks this line)
            strategy: Strategy.canary(),
          }),
        [Environment.prod()],
      ),
    );
    expect(findings.map((f) => [f.field, f.rule, f.message])).toEqual([
      ['strategy', 'data/no-strategy', 'does not apply to a data service: it is never canaried, blue-greened or autoscaled; its operator rolls it with failover'],
    ]);
  });
});

describe('PostgresCluster snapshots', () => {
  const objects = synthDb({ environments: { dev: { image: 'ghcr.io/cloudnative-pg/postgresql:18.1', backup: PostgresBackup.none('dev data is disposable') } } });
  it.each(['dev', 'staging', 'prod'])('%s', (env) => {
    const yaml = objectsOf(objects, env, 'orders-db').map((o) => `# ${o.path}\n${toYaml(o.manifest)}`).join('---\n');
    expect(yaml).toMatchSnapshot();
  });
});
