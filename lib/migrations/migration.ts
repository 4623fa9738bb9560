import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { existsSync, statSync } from 'node:fs';
import { exactSeconds, isWholeSeconds } from '../core/duration.js';
import { commonLabels } from '../core/labels.js';
import { reportProblem } from '../core/problems.js';
import { checkProps } from '../core/props/check-props.js';
import { resolveResources, ResourceRequirements } from '../core/resources.js';
import { SyncWave, syncWaveAnnotations } from '../core/sync-wave.js';
import { PostgresCluster } from '../data/postgres/postgres-cluster.js';
import { DeliveryStage, setOutputFolder } from '../platform/output-folder.js';
import { EnvironmentChart } from '../platform/platform.js';
import { renderPodTemplate } from '../pod/pod-template.js';
import { WorkloadBase } from '../workloads/base/workload-base.js';

/** Props of a {@link Migration}. */
export interface MigrationProps {
  /** The database the migrations change. Its operator-created app Secret (`<cluster>-app`) must exist: it does once the cluster is up, in the data stage before this one. */
  readonly database: PostgresCluster;
  /** The release whose image runs the migrations: the Job uses the same image (the same digest) as this workload in each environment. */
  readonly release: WorkloadBase;
  /** The migrate command in that image, e.g. `['bitvaultd', 'migrate', 'up']`. Forward-only: there is no down-migration in this API. */
  readonly command: readonly string[];
  /**
   * Directory of the SQL migration files (applied in lexical order), relative to the working directory
   * of the synth. Every synth lints it (expand/contract, squawk lock safety) against the committed dist/.
   */
  readonly migrationsDir: string;
  /**
   * Run the migrations on PostgreSQL at synth time (PGlite, in-process) whenever they changed since the
   * committed release: the previous release's migrations, then the new ones twice. A rerun that fails
   * or changes the schema or rows fails the synth (not idempotent), and what the new ones drop, rename,
   * retype or make stricter counts as a contract change whatever the statements look like. When the
   * migrations did not change, no database is started.
   * @default true
   */
  readonly verify?: boolean;
  /**
   * A folder of the queries the previous release runs (`*.sql`, `$n` parameters, values in a
   * `-- params: [...]` comment above each), relative to the working directory of the synth. With
   * `verify`, they run in a rolled-back transaction on the previous and on the migrated schema; one
   * that fails only after the migrations is a contract violation.
   * @default - none
   */
  readonly compatibilityQueries?: string;
  /** Every workload that uses the database: a contract migration may not ship with an image change of any of them. @default the `release` workload only */
  readonly usedBy?: readonly WorkloadBase[];
  /** `lock_timeout` for the session (PGOPTIONS): a migration waiting for a lock fails fast instead of queueing every query behind it. @default 5 seconds */
  readonly lockTimeout?: Duration;
  /** `statement_timeout` for the session (PGOPTIONS). @default 15 minutes (concurrent index builds on big tables take a while) */
  readonly statementTimeout?: Duration;
  /** Retries of the Job's pod before the sync fails. @default 2 */
  readonly backoffLimit?: number;
  /** Seconds after which the Job is stopped, whatever it is doing; must exceed the statement timeout. @default 1800 */
  readonly activeDeadlineSeconds?: number;
  /** Requests and limits of the migration pod. @default 100m CPU and 256 MiB */
  readonly resources?: ResourceRequirements;
  /** Name of the Job and of its output folder `<name>s`. @default `<release>-migrate`, in folder `<release>-migrations` */
  readonly name?: string;
}

const MIGRATIONS = new WeakSet<Migration>();

/**
 * A database migration: a Job that Argo CD runs as a `PreSync` hook (wave 0) of its own unit, which syncs
 * after the data services and before every app (delivery stage MIGRATION). It runs the release's image
 * and migrate command with `lock_timeout` and `statement_timeout` set for the session, bounded by
 * backoffLimit and activeDeadlineSeconds, in a restricted pod. `BeforeHookCreation` deletes the previous
 * Job first, so the next image bump never fails on an immutable Job; there is no `ttlSecondsAfterFinished`
 * (combined with HookSucceeded it races Argo CD, argo-cd PR #29409). PreSync hooks run on every sync,
 * config-only ones too (argoproj/argo-cd#3837): migrations must be idempotent, which the checker enforces.
 *
 * Flux has no hooks: the same Job sits in a unit whose Kustomization the Flux target forces (a new image
 * recreates the immutable Job) and waits on, and every app depends on it.
 */
export class Migration extends Construct {
  /** True for constructs created by this class. */
  public static isMigration(x: unknown): x is Migration {
    return x instanceof Migration && MIGRATIONS.has(x);
  }

  /** The Job name. */
  public readonly jobName: string;
  /** The namespace. */
  public readonly namespace: string;
  /** The image the Job runs (the release's image in this environment). */
  public readonly image: string;
  /** The migrations directory. */
  public readonly migrationsDir: string;
  /** Whether the synth runs changed migrations on PostgreSQL. */
  public readonly verify: boolean;
  /** The previous release's queries, run against the migrated schema. */
  public readonly compatibilityQueries?: string;
  /** The workloads whose image changes block a contract migration. */
  public readonly usedBy: readonly WorkloadBase[];
  /** The environment. */
  public readonly environment: string;
  /** The platform. */
  public readonly platformName: string;

  constructor(scope: Construct, id: string, props: MigrationProps) {
    super(scope, id);
    const usable = checkProps(this, props);
    const chart = EnvironmentChart.of(this);
    this.environment = chart.environment.name;
    this.platformName = chart.platform.name;
    this.namespace = chart.targetNamespace;
    if (!usable) {
      // Reported by the props check (a missing command, database or release): nothing to build or to lint.
      this.jobName = typeof props.name === 'string' ? props.name : id;
      this.image = '';
      this.migrationsDir = '';
      this.verify = false;
      this.usedBy = [];
      return;
    }
    MIGRATIONS.add(this);
    this.jobName = props.name ?? `${props.release.name}-migrate`;
    this.image = props.release.image;
    this.migrationsDir = props.migrationsDir;
    this.verify = props.verify ?? true;
    this.compatibilityQueries = props.compatibilityQueries;
    this.usedBy = props.usedBy ?? [props.release];
    setOutputFolder(this, `${this.jobName.replace(/-migrate$/, '')}-migrations`, DeliveryStage.MIGRATION);

    const lockTimeout = props.lockTimeout ?? Duration.seconds(5);
    const statementTimeout = props.statementTimeout ?? Duration.minutes(15);
    const backoffLimit = props.backoffLimit ?? 2;
    const deadline = props.activeDeadlineSeconds ?? 1800;
    const problem = (p: Parameters<typeof reportProblem>[1]) => reportProblem(this, p);
    if (props.command.length === 0) problem({ field: 'command', value: [], message: 'is empty', fix: "give the image's migrate command, e.g. ['bitvaultd', 'migrate', 'up']" });
    if (!existsSync(props.migrationsDir) || !statSync(props.migrationsDir).isDirectory()) {
      problem({ field: 'migrationsDir', value: props.migrationsDir, message: 'is not a directory (paths are relative to where the synth runs)', fix: 'point it at the folder of *.sql migration files, e.g. "apps/bitvault/migrations/bitvaultd"' });
    }
    if (props.compatibilityQueries !== undefined && !(existsSync(props.compatibilityQueries) && statSync(props.compatibilityQueries).isDirectory())) {
      problem({ field: 'compatibilityQueries', value: props.compatibilityQueries, message: 'is not a directory (paths are relative to where the synth runs)', fix: "point it at the folder of the previous release's *.sql queries" });
    } else if (props.compatibilityQueries !== undefined && props.verify === false) {
      problem({ field: 'compatibilityQueries', value: props.compatibilityQueries, message: 'is only run when verify is on', fix: 'remove verify: false, or the compatibilityQueries' });
    }
    if (!isWholeSeconds(lockTimeout, 1)) problem({ field: 'lockTimeout', value: exactSeconds(lockTimeout), message: 'must be a whole number of seconds, at least 1', fix: 'use e.g. Duration.seconds(5)' });
    if (!isWholeSeconds(statementTimeout, 1)) problem({ field: 'statementTimeout', value: exactSeconds(statementTimeout), message: 'must be a whole number of seconds, at least 1', fix: 'use e.g. Duration.minutes(15)' });
    if (!(Number.isInteger(backoffLimit) && backoffLimit >= 0 && backoffLimit <= 6)) problem({ field: 'backoffLimit', value: backoffLimit, message: 'must be a whole number from 0 to 6', fix: 'use e.g. 2: a migration that fails three times needs a human, not a loop' });
    if (!(Number.isInteger(deadline) && deadline > exactSeconds(statementTimeout))) {
      problem({ field: 'activeDeadlineSeconds', value: deadline, message: `must be a whole number above the statement timeout (${exactSeconds(statementTimeout)}s), or the Job is killed mid-statement`, fix: `use at least ${Math.ceil(exactSeconds(statementTimeout)) + 60}` });
    }
    if (props.usedBy && !props.usedBy.includes(props.release)) {
      problem({ field: 'usedBy', value: props.usedBy.map((w) => w.name), message: `does not include the release workload "${props.release.name}"`, fix: 'list every workload that uses the database, the release included' });
    }

    const secret = (key: string) => ({ secretKeyRef: { name: props.database.appSecretName, key } });
    const template = renderPodTemplate({
      labels: commonLabels(this.platformName, this.jobName, 'migration'),
      containerName: 'migrate',
      image: this.image,
      command: props.command,
      env: { PGOPTIONS: `-c lock_timeout=${exactSeconds(lockTimeout) * 1000} -c statement_timeout=${exactSeconds(statementTimeout) * 1000}` },
      secretEnv: { DATABASE_URL: secret('uri'), PGHOST: secret('host'), PGPORT: secret('port'), PGDATABASE: secret('dbname'), PGUSER: secret('username'), PGPASSWORD: secret('password') },
      resources: resolveResources(props.resources ?? { cpuRequestMillis: 100, memoryRequestMebibytes: 256 }, 1),
      terminationGracePeriodSeconds: 30,
    }) as { metadata: unknown; spec: Record<string, unknown> };

    new ApiObject(this, 'job', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: this.jobName,
        namespace: this.namespace,
        labels: commonLabels(this.platformName, this.jobName, 'migration'),
        annotations: {
          ...syncWaveAnnotations(SyncWave.MIGRATION),
          'argocd.argoproj.io/hook': 'PreSync',
          'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
        },
      },
      spec: {
        backoffLimit,
        activeDeadlineSeconds: deadline,
        template: { ...template, spec: { ...template.spec, restartPolicy: 'Never' } },
      },
    });
  }
}
