import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { existsSync, statSync } from 'node:fs';
import { exactSeconds, isWholeSeconds } from '../core/duration.js';
import { checkImage } from '../core/image.js';
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
import { MigrationRunner, MigrationRunnerKind } from './migration-runner.js';
import { readDeliveredMigrations } from './runner/delivered-files.js';
import { DELIVERABLE_NAME, psqlRunnerScript, RUNNER_SCRIPT } from './runner/psql-script.js';
import { CONFIG_MAP_DATA_BUDGET, packSqlConfigMaps } from './runner/sql-config-maps.js';
import { migrationConstructed } from './constructed.js';

/** Where the psql runner's pod mounts the delivered files (its working directory). */
export const MIGRATIONS_MOUNT_PATH = '/var/run/cdk8s-delivery/migrations';

/** The psql runner's command, run in {@link MIGRATIONS_MOUNT_PATH}. */
export const PSQL_RUNNER_COMMAND: readonly string[] = ['psql', '--no-psqlrc', '--set=ON_ERROR_STOP=1', `--file=${RUNNER_SCRIPT}`];

/** Props of a {@link Migration}. */
export interface MigrationProps {
  /** The database the migrations change. Its operator-created app Secret (`<cluster>-app`) must exist: it does once the cluster is up, in the data stage before this one. */
  readonly database: PostgresCluster;
  /** The release the migrations belong to: it names the Job, and its image changes are checked against contract migrations. */
  readonly release: WorkloadBase;
  /**
   * How the Job applies the migrations. Forward-only either way: there is no down-migration in this API.
   * @default `MigrationRunner.psql()`: the files of `migrationsDir` are delivered with the manifests (content-named ConfigMaps) and applied by `psql` from the database's own image, with a history table, checksums, an advisory lock and one transaction per file
   */
  readonly runner?: MigrationRunner;
  /**
   * Directory of the SQL migration files (applied in lexical order), relative to the working directory
   * of the synth. Every synth lints it (expand/contract, squawk lock safety) against the committed dist/,
   * and with the default runner delivers it to the Job.
   */
  readonly migrationsDir: string;
  /**
   * Run the migrations on PostgreSQL at synth time (PGlite, in a child process) whenever they changed since the
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
 * after the data services and before every app (delivery stage MIGRATION), with `lock_timeout` and
 * `statement_timeout` set for the session, bounded by backoffLimit and activeDeadlineSeconds, in a
 * restricted pod. `BeforeHookCreation` deletes the previous Job first, so the next change never fails on an
 * immutable Job; there is no `ttlSecondsAfterFinished` (combined with HookSucceeded it races Argo CD,
 * argo-cd PR #29409). PreSync hooks run on every sync, config-only ones too (argoproj/argo-cd#3837).
 *
 * With the default runner (`MigrationRunner.psql()`) the SQL files travel with the manifests: ConfigMaps
 * `<job>-sql-<hash>` named after their content (split below the 1 MiB object limit), PreSync hooks in wave
 * -1 so they exist before the Job, which mounts them (one projected volume) and runs `psql` from the
 * database's pinned image on a generated script. Any change of a file changes the ConfigMaps' names and so
 * the Job: Argo CD syncs, the hook runs, with or without an image change. With
 * `MigrationRunner.command([...])` the Job runs the release image's own command instead, as before.
 *
 * Flux has no hooks: the same objects sit in a unit whose Kustomization the Flux target forces (a changed
 * Job is recreated) and waits on, and every app depends on it.
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
  /** The image the Job runs: the database's (psql runner) or the release's (command runner) in this environment. */
  public readonly image: string;
  /** How the Job applies the migrations. */
  public readonly runner: MigrationRunner;
  /** The names of the ConfigMaps that deliver the SQL (psql runner; none with a command runner). */
  public readonly sqlConfigMaps: readonly string[];
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
    const usable = checkProps(this, props, { explainedKeys: ['command'] });
    if (props && typeof props === 'object' && 'command' in props) {
      const command = (props as { command?: unknown }).command;
      reportProblem(this, {
        field: 'command',
        value: command,
        rule: 'props/replaced',
        message: 'was replaced by `runner`: the default runner now applies the files of migrationsDir itself, delivered with the manifests',
        fix: `remove \`command\` to use the default (MigrationRunner.psql()), or keep the image's own migrate command with \`runner: MigrationRunner.command(${Array.isArray(command) && command.length > 0 ? JSON.stringify(command) : "['<binary>', 'migrate']"})\``,
      });
    }
    const chart = EnvironmentChart.of(this);
    this.environment = chart.environment.name;
    this.platformName = chart.platform.name;
    this.namespace = chart.targetNamespace;
    this.runner = props?.runner instanceof MigrationRunner ? props.runner : MigrationRunner.psql();
    this.sqlConfigMaps = [];
    if (!usable) {
      // Reported by the props check (a missing database or release): nothing to build or to lint.
      this.jobName = typeof props.name === 'string' ? props.name : id;
      this.image = '';
      this.migrationsDir = '';
      this.verify = false;
      this.usedBy = [];
      return;
    }
    MIGRATIONS.add(this);
    this.jobName = props.name ?? `${props.release.name}-migrate`;
    const psql = this.runner.kind === MigrationRunnerKind.PSQL;
    this.image = psql ? (this.runner.image ?? props.database.image) : props.release.image;
    this.migrationsDir = props.migrationsDir;
    this.verify = props.verify ?? true;
    this.compatibilityQueries = props.compatibilityQueries;
    this.usedBy = props.usedBy ?? [props.release];
    migrationConstructed(this);
    setOutputFolder(this, `${this.jobName.replace(/-migrate$/, '')}-migrations`, DeliveryStage.MIGRATION);

    const lockTimeout = props.lockTimeout ?? Duration.seconds(5);
    const statementTimeout = props.statementTimeout ?? Duration.minutes(15);
    const backoffLimit = props.backoffLimit ?? 2;
    const deadline = props.activeDeadlineSeconds ?? 1800;
    const problem = (p: Parameters<typeof reportProblem>[1]) => reportProblem(this, p);
    if (psql && this.runner.image !== undefined) {
      const imageProblem = checkImage(this.runner.image, chart.environment.imagePolicy, this.environment);
      if (imageProblem) problem({ field: 'runner.image', value: this.runner.image, rule: 'props/image', ...imageProblem });
    }
    const command = this.runner.command ?? [];
    if (!psql && command.some((c) => typeof c !== 'string' || c === '')) problem({ field: 'runner', value: command, message: 'MigrationRunner.command() takes non-empty strings only', fix: "give the command as an array of strings, e.g. ['bitvaultd', 'migrate', 'up']" });
    if (!psql && command.length === 0) problem({ field: 'runner', value: [], message: 'MigrationRunner.command() was given an empty command', fix: "give the image's migrate command, e.g. MigrationRunner.command(['bitvaultd', 'migrate', 'up']), or use the default MigrationRunner.psql()" });
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
    const pgOptions = `-c lock_timeout=${exactSeconds(lockTimeout) * 1000} -c statement_timeout=${exactSeconds(statementTimeout) * 1000}`;
    const labels = commonLabels(this.platformName, this.jobName, 'migration');
    // Network policy (issue 23): the Job's pod reaches its database.
    chart.network.register({ construct: this, name: this.jobName, podLabels: labels, connectsTo: [props.database] });
    const connection = { PGHOST: secret('host'), PGPORT: secret('port'), PGDATABASE: secret('dbname'), PGUSER: secret('username'), PGPASSWORD: secret('password') };
    const delivered = psql ? this.deliverSql(props.migrationsDir, labels) : [];
    this.sqlConfigMaps = delivered;
    const template = renderPodTemplate({
      labels,
      containerName: 'migrate',
      image: this.image,
      command: psql ? PSQL_RUNNER_COMMAND : this.runner.command,
      env: psql ? { PGOPTIONS: pgOptions, PGAPPNAME: this.jobName, PGCONNECT_TIMEOUT: '10' } : { PGOPTIONS: pgOptions },
      secretEnv: psql ? connection : { DATABASE_URL: secret('uri'), ...connection },
      resources: resolveResources(props.resources ?? { cpuRequestMillis: 100, memoryRequestMebibytes: 256 }, 1),
      terminationGracePeriodSeconds: 30,
    }) as { metadata: unknown; spec: Record<string, any> };
    if (psql) {
      // One directory holding every delivered file, whichever ConfigMap carries it; the script includes them relative to itself.
      const container = template.spec.containers[0];
      container.workingDir = MIGRATIONS_MOUNT_PATH;
      container.volumeMounts = [...(container.volumeMounts ?? []), { name: 'migrations', mountPath: MIGRATIONS_MOUNT_PATH, readOnly: true }];
      template.spec.volumes = [...(template.spec.volumes ?? []), { name: 'migrations', projected: { sources: delivered.map((name) => ({ configMap: { name } })) } }];
    }

    new ApiObject(this, 'job', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: this.jobName,
        namespace: this.namespace,
        labels,
        annotations: preSyncHook(SyncWave.MIGRATION),
      },
      spec: {
        backoffLimit,
        activeDeadlineSeconds: deadline,
        template: { ...template, spec: { ...template.spec, restartPolicy: 'Never' } },
      },
    });
  }

  /**
   * The SQL files and the runner script, in ConfigMaps named after their content: PreSync hooks one wave
   * before the Job (Argo CD creates them first; `BeforeHookCreation` replaces one of the same name), plain
   * objects of the unit under Flux. Returns their names.
   */
  private deliverSql(dir: string, labels: Record<string, string>): string[] {
    const files = readDeliveredMigrations(dir);
    const badNames = files.filter((f) => !DELIVERABLE_NAME.test(f.name) || f.name.length > 253).map((f) => f.name);
    if (badNames.length > 0) {
      reportProblem(this, { field: 'migrationsDir', value: badNames, message: 'holds file names a ConfigMap key cannot carry (letters, digits, ".", "-" and "_" only, at most 253 characters)', fix: 'rename the files, e.g. 0005_add_email.sql, before they ship (shipped names never change)' });
    }
    const deliverable = files.filter((f) => !badNames.includes(f.name));
    const entries = [{ key: RUNNER_SCRIPT, value: psqlRunnerScript(deliverable) }, ...deliverable.map((f) => ({ key: f.name, value: f.text }))];
    const packed = packSqlConfigMaps(this.jobName, entries);
    for (const big of packed.tooLarge) {
      reportProblem(this, {
        field: 'migrationsDir',
        value: big.key,
        rule: 'migration/file-too-large',
        message: `${big.key} is ${big.bytes} bytes: one file must fit in one ConfigMap (${CONFIG_MAP_DATA_BUDGET} bytes of data, below Kubernetes' 1 MiB object limit), and a split cannot cut a file`,
        fix: 'split it into several migration files of under 900 KiB each (a bulk data load belongs in a batched job, not in a migration)',
      });
    }
    packed.configMaps.forEach((configMap, i) => {
      new ApiObject(this, `sql-${i}`, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: configMap.name,
          namespace: this.namespace,
          labels: { ...labels, 'app.kubernetes.io/component': 'migration-sql' },
          annotations: preSyncHook(SyncWave.MIGRATION - 1),
        },
        immutable: true,
        data: configMap.data,
      });
    });
    return packed.configMaps.map((c) => c.name);
  }
}

/**
 * An Argo CD PreSync hook in `wave`: `BeforeHookCreation` deletes the previous object of the same name before
 * the hook is created again (a Job is immutable; a ConfigMap of the same content is recreated, not patched).
 */
function preSyncHook(wave: number): Record<string, string> {
  return { ...syncWaveAnnotations(wave), 'argocd.argoproj.io/hook': 'PreSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' };
}
