import { checkBackupSchedule } from './backup-schedule.js';
import { ObjectStoreCredentials } from './object-store-credentials.js';
import { checkFactory } from '../../core/props/check-props.js';

/** Who owns the Backup objects a ScheduledBackup creates (and so when they are garbage-collected). */
export enum BackupOwnerReference {
  /** The ScheduledBackup: deleting the schedule deletes its Backup objects (the stored backups stay). */
  SELF = 'self',
  /** The Cluster: Backup objects live as long as the cluster. */
  CLUSTER = 'cluster',
  /** No owner: Backup objects stay until deleted by hand. */
  NONE = 'none',
}

/** Compression of WAL files and base backups in the object store. */
export enum BackupCompression {
  /** gzip: the usual trade-off between size and CPU. */
  GZIP = 'gzip',
  /** bzip2: smaller files, more CPU. */
  BZIP2 = 'bzip2',
  /** lz4: fastest, larger files. */
  LZ4 = 'lz4',
  /** snappy: fast, larger files. */
  SNAPPY = 'snappy',
}

/** Props of {@link PostgresBackup.objectStore}. */
export interface ObjectStoreBackupProps {
  /** Where WAL and base backups go, e.g. `s3://acme-backups/postgres`. The server name is appended per cluster. */
  readonly destinationPath: string;
  /** Credentials: references to an existing Secret, or workload identity. */
  readonly credentials: ObjectStoreCredentials;
  /** Endpoint of an S3-compatible store (MinIO, Ceph, R2…). @default the provider's public endpoint */
  readonly endpointURL?: string;
  /**
   * Folder under `destinationPath` for this cluster. Two clusters writing to one folder corrupt each other's
   * archive, and CloudNativePG refuses to archive into a non-empty one.
   * @default `<namespace>-<cluster name>`, unique per environment
   */
  readonly serverName?: string;
  /** How long backups and WAL are kept: `<n>d`, `<n>w` or `<n>m`. @default '30d' */
  readonly retentionPolicy?: string;
  /**
   * When base backups run, in CloudNativePG's six-field cron format (seconds first).
   * @default '0 0 0 * * *': every day at midnight UTC (WAL archiving covers the time in between)
   */
  readonly schedule?: string;
  /** Take a base backup as soon as the ScheduledBackup is created, so PITR works from the first day. @default true */
  readonly immediate?: boolean;
  /** Owner of the Backup objects the schedule creates. @default BackupOwnerReference.SELF */
  readonly backupOwnerReference?: BackupOwnerReference;
  /** Compression of WAL files and base backups. @default BackupCompression.GZIP */
  readonly compression?: BackupCompression;
}

/** An object-store backup with its defaults applied. */
export interface ResolvedObjectStoreBackup extends Required<Omit<ObjectStoreBackupProps, 'endpointURL' | 'serverName'>> {
  readonly endpointURL?: string;
  readonly serverName?: string;
}

/**
 * How a Postgres cluster is backed up: continuous WAL archiving plus scheduled base backups, which
 * together give point-in-time recovery (the seed's PITR safety net), or an explicit decision to run
 * without.
 *
 * Uses the in-tree `spec.backup.barmanObjectStore`, which the pinned CloudNativePG v1.30.0 Cluster CRD
 * still serves. Upstream deprecated it in 1.26 in favour of the Barman Cloud plugin (an `ObjectStore`
 * resource of `barmancloud.cnpg.io` plus `spec.plugins`) and plans its removal in 1.31. The plugin needs
 * its own CRD and cert-manager, neither pinned here, so this class is the seam: a later
 * `PostgresBackup.barmanCloudPlugin(...)` renders the plugin form without changing any caller.
 */
export abstract class PostgresBackup {
  /** WAL archiving and scheduled base backups to an object store (S3 or compatible). */
  public static objectStore(props: ObjectStoreBackupProps): PostgresBackup {
    const backup = new ObjectStoreBackup({
      ...props,
      retentionPolicy: props.retentionPolicy ?? '30d',
      schedule: props.schedule ?? '0 0 0 * * *',
      immediate: props.immediate ?? true,
      backupOwnerReference: props.backupOwnerReference ?? BackupOwnerReference.SELF,
      compression: props.compression ?? BackupCompression.GZIP,
    });
    return checkFactory(backup, 'PostgresBackup.objectStore', [props]);
  }

  /**
   * No backups: no WAL archive and no point-in-time recovery. Say why (e.g. "dev data is disposable"); a
   * production-like environment without backups otherwise fails the synth.
   */
  public static none(reason: string): PostgresBackup {
    return new NoBackup(reason);
  }

  /** The kind of backup: `object-store` or `none`. */
  public abstract readonly kind: 'object-store' | 'none';
}

/** Object-store backups. Create with {@link PostgresBackup.objectStore}. */
export class ObjectStoreBackup extends PostgresBackup {
  public readonly kind = 'object-store' as const;

  /** @internal */
  constructor(
    /** The resolved settings. */
    public readonly props: ResolvedObjectStoreBackup,
  ) {
    super();
  }

  /** Problems with the settings (fields relative to `field`). */
  public problems(field: string): { field: string; value: unknown; message: string; fix: string; rule?: string }[] {
    const p = this.props;
    const out: { field: string; value: unknown; message: string; fix: string; rule?: string }[] = [];
    if (!/^(s3|gs|https?):\/\/\S+$/.test(p.destinationPath)) {
      out.push({ field: `${field}.destinationPath`, value: p.destinationPath, message: 'is not an object-store URL', fix: 'use e.g. "s3://bucket/path"' });
    }
    if (p.endpointURL !== undefined && !/^https?:\/\/\S+$/.test(p.endpointURL)) {
      out.push({ field: `${field}.endpointURL`, value: p.endpointURL, message: 'is not an http(s) URL', fix: 'use e.g. "https://minio.storage.svc:9000"' });
    }
    if (!/^[1-9][0-9]*[dwm]$/.test(p.retentionPolicy)) {
      out.push({ field: `${field}.retentionPolicy`, value: p.retentionPolicy, message: 'is not a retention policy: a positive whole number followed by d, w or m (the CRD pattern ^[1-9][0-9]*[dwm]$)', fix: 'use e.g. "30d", "4w" or "6m"' });
    }
    const schedule = checkBackupSchedule(p.schedule);
    if (schedule) {
      out.push({ field: `${field}.schedule`, value: p.schedule, rule: 'data/backup-schedule', message: schedule, fix: 'use six fields, seconds first, e.g. "0 0 2 * * *" for 02:00:00 every day' });
    }
    if (p.serverName !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(p.serverName)) {
      out.push({ field: `${field}.serverName`, value: p.serverName, message: 'is not a lower-case DNS label', fix: 'use e.g. "acme-prod-orders-db"' });
    }
    out.push(...p.credentials.problems(`${field}.credentials`));
    return out;
  }
}

/** No backups. Create with {@link PostgresBackup.none}. */
export class NoBackup extends PostgresBackup {
  public readonly kind = 'none' as const;

  /** @internal */
  constructor(
    /** Why there are no backups. */
    public readonly reason: string,
  ) {
    super();
  }
}
