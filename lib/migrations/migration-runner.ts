import { checkFactory } from '../core/props/check-props.js';

/** Options of {@link MigrationRunner.psql}. */
export interface PsqlMigrationRunnerOptions {
  /**
   * The image whose `psql` applies the files (it needs `psql` 10 or later on the PATH).
   * @default the PostgresCluster's own operand image in this environment: pinned by digest with the cluster, so the client matches the server
   */
  readonly image?: string;
}

/** What kind of runner a {@link MigrationRunner} is. */
export enum MigrationRunnerKind {
  /** The SQL files are delivered with the manifests and applied by `psql`. */
  PSQL = 'psql',
  /** The release image migrates itself with its own command. */
  COMMAND = 'command',
}

/**
 * How a {@link Migration}'s Job applies the migrations: `MigrationRunner.psql()` (the default) delivers the
 * SQL files with the manifests and applies them with PostgreSQL's own client; `MigrationRunner.command([...])`
 * runs a command of the release image, for binaries that migrate themselves.
 */
export class MigrationRunner {
  /**
   * The default: the files of `migrationsDir` travel in content-named ConfigMaps next to the Job, and `psql`
   * (from the database's own pinned image) applies them with a generated script: an advisory lock against
   * concurrent runs, a history table (`cdk8s_delivery.schema_migrations`) with the sha256 of every applied
   * file, files in lexical order, each once and in one transaction with its history row (unless PostgreSQL
   * refuses its statements in a transaction, e.g. `CREATE INDEX CONCURRENTLY`), an error when an applied
   * file changed, and the first error fails the Job. Any change of the SQL changes dist/, so a contract
   * migration ships alone, without an image change.
   */
  public static psql(options: PsqlMigrationRunnerOptions = {}): MigrationRunner {
    return checkFactory(new MigrationRunner(MigrationRunnerKind.PSQL, undefined, options.image), 'MigrationRunner.psql', [options]);
  }

  /**
   * Runs `command` in the release workload's image (the same digest), e.g. `['bitvaultd', 'migrate', 'up']`:
   * the binary applies the migrations it was built with. No SQL is delivered with the manifests, so a
   * migration reaches the database only with a new image, and a contract migration needs an image of its
   * own (the previous release's code and the new migration): the synth says so when one ships.
   */
  public static command(command: readonly string[]): MigrationRunner {
    // An array is no props object, so there is no generated schema to check it with: the Migration checks it.
    return new MigrationRunner(MigrationRunnerKind.COMMAND, Array.isArray(command) ? [...command] : [], undefined);
  }

  private constructor(
    /** The kind of runner. */
    public readonly kind: MigrationRunnerKind,
    /** With {@link MigrationRunner.command}: the command. */
    public readonly command: readonly string[] | undefined,
    /** With {@link MigrationRunner.psql}: the image given, if any. */
    public readonly image: string | undefined,
  ) {}
}
