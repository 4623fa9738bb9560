import { MigrationInputError } from '../checker/errors.js';
import { type SqlEngine } from './engine.js';

/**
 * The time and memory a verification may take. A migration under review is written by whoever opened the
 * pull request: `SELECT pg_sleep(100000)` or `DO $$ BEGIN LOOP END LOOP; END $$` must end the check with
 * an error naming the file, not hang CI. PGlite ignores `statement_timeout` (it runs in a child process
 * the budget kills); a server also gets `statement_timeout` set to the file budget.
 */
export interface VerifyBudgetOptions {
  /**
   * Seconds one migration file may run, its snapshots included (each run: the first application and the rerun).
   * @default 60
   */
  readonly fileSeconds?: number;
  /**
   * Seconds the whole verification may run, every file of every history of one synth or command together
   * (the engine's start-up excluded).
   * @default 600
   */
  readonly runSeconds?: number;
  /**
   * Megabytes the process may grow by while a statement runs (its resident set size over what it was when
   * the engine had started; PGlite's own process when it runs in one); the JavaScript heap of PGlite's child is capped at the same size.
   * @default 1024
   */
  readonly memoryMb?: number;
}

/** The defaults of {@link VerifyBudgetOptions}. */
export const DEFAULT_VERIFY_BUDGET: Required<VerifyBudgetOptions> = { fileSeconds: 60, runSeconds: 600, memoryMb: 1024 };

/** An engine that can be stopped at once, whatever it runs (PGlite's child process, a server's backend). */
export interface KillableEngine extends SqlEngine {
  /** Stops whatever runs now and frees what the session holds; later calls reject. */
  kill(): Promise<void>;
  /**
   * The resident memory of what runs the SQL, in bytes, when it is a process of its own (PGlite's child): the memory
   * budget watches it instead of this process, which goes on synthesizing meanwhile. Undefined: not known here.
   */
  memoryBytes?(): number | undefined;
}

/** The verification ran past its budget: an input error (exit 2) naming the file that was running. */
export class VerifyBudgetError extends MigrationInputError {
  constructor(location: string, message: string) {
    super([{ location, message }]);
    this.name = 'VerifyBudgetError';
  }
}

/** Where the budget is checked between memory samples (a statement in a tight loop grows fast). */
const MEMORY_SAMPLE_MS = 200;

/**
 * One verification budget: a run deadline fixed when it is created (shared by every history verified with
 * it, as a synth does), a file deadline set by {@link BoundedEngine.startFile}, and a memory ceiling.
 */
export class VerifyBudget {
  readonly fileMs: number;
  readonly runMs: number;
  readonly memoryMb: number;
  /** Set when the first engine is bound: the engine's start-up is not counted. */
  private runDeadline: number | undefined;

  constructor(options: VerifyBudgetOptions = {}) {
    const value = (name: keyof VerifyBudgetOptions) => {
      const v = options[name] ?? DEFAULT_VERIFY_BUDGET[name];
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new RangeError(`verify budget ${name} must be a positive number, got ${String(v)}`);
      return v;
    };
    this.fileMs = value('fileSeconds') * 1000;
    this.runMs = value('runSeconds') * 1000;
    this.memoryMb = value('memoryMb');
  }

  /** The engine with every call bounded by this budget; the run's clock starts with the first engine bound. */
  bound(engine: SqlEngine): BoundedEngine {
    this.runDeadline ??= performance.now() + this.runMs;
    return new BoundedEngine(engine, this, this.runDeadline);
  }
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/**
 * An engine whose calls end when the budget does: the engine is killed (PGlite's child process killed, the
 * server's backend and scratch database dropped) and the call rejects with a {@link VerifyBudgetError}
 * naming the file. After that every call rejects with the same error.
 */
export class BoundedEngine implements SqlEngine {
  private file: { readonly location: string; readonly deadline: number } | undefined;
  /** The file that ran last, for a budget that runs out between files (snapshots, compatibility queries). */
  private last: string | undefined;
  private stopped: VerifyBudgetError | undefined;
  /** The engine being killed: a call that fails because of it waits for it (the scratch database is gone when the error is seen). */
  private killed: Promise<unknown> = Promise.resolve();
  /** The memory the budget watches: the engine's own process when it is one (PGlite's child), else this process. */
  private readonly rss: () => number;
  private readonly baselineRss: number;

  constructor(private readonly engine: SqlEngine, private readonly budget: VerifyBudget, private readonly runDeadline: number) {
    const own = (engine as Partial<KillableEngine>).memoryBytes?.bind(engine);
    this.rss = own && own() !== undefined ? () => own() ?? 0 : () => process.memoryUsage.rss();
    this.baselineRss = this.rss();
  }

  get description(): string {
    return this.engine.description;
  }

  /** Starts the budget of one file (`location`: its path, for the error); until the next call, its statements count against it. */
  startFile(location: string): void {
    this.file = { location, deadline: performance.now() + this.budget.fileMs };
    this.last = location;
  }

  /** Ends the file budget: what runs now counts against the run only. */
  endFile(): void {
    this.file = undefined;
  }

  exec(sql: string): Promise<void> {
    return this.bounded(() => this.engine.exec(sql));
  }

  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return this.bounded(() => this.engine.query<T>(sql, params));
  }

  async close(): Promise<void> {
    if (!this.stopped) await this.engine.close();
  }

  private async bounded<T>(call: () => Promise<T>): Promise<T> {
    if (this.stopped) throw this.stopped;
    const now = performance.now();
    const fileLeft = this.file ? this.file.deadline - now : Infinity;
    const runLeft = this.runDeadline - now;
    const left = Math.min(fileLeft, runLeft);
    const where = this.file?.location ?? this.last ?? 'lint-migrations --verify';
    const overTime = () => fileLeft <= runLeft
      ? `verification stopped: the migration ran past the budget of one file (${seconds(this.budget.fileMs)}; --file-timeout). A statement that runs this long (pg_sleep, an endless loop, a huge backfill) would hold the migration Job just as long: bound it, or raise the budget if it is meant to take that long`
      : `verification stopped: the run's budget (${seconds(this.budget.runMs)} for every migration together; --run-timeout) ran out while this file ran`;
    if (left <= 0) return this.stop(where, overTime());
    let timer: NodeJS.Timeout | undefined;
    let sampler: NodeJS.Timeout | undefined;
    const limit = this.budget.memoryMb * 1024 * 1024;
    const guard = new Promise<never>((_, reject) => {
      timer = setTimeout(() => this.stop(where, overTime()).catch(reject), left);
      sampler = setInterval(() => {
        const grown = this.rss() - this.baselineRss;
        if (grown > limit) {
          this.stop(where, `verification stopped: running the migration grew the process by ${Math.round(grown / 1048576)} MB, past the memory budget of ${this.budget.memoryMb} MB (--memory-limit)`).catch(reject);
        }
      }, MEMORY_SAMPLE_MS);
    });
    try {
      return await Promise.race([call(), guard]);
    } catch (error) {
      if (!this.stopped) throw error;
      await this.killed;
      throw this.stopped;
    } finally {
      clearTimeout(timer);
      clearInterval(sampler);
    }
  }

  private async stop(location: string, message: string): Promise<never> {
    if (!this.stopped) {
      this.stopped = new VerifyBudgetError(location, message);
      const kill = (this.engine as Partial<KillableEngine>).kill;
      this.killed = (kill ? kill.call(this.engine) : this.engine.close()).catch(() => undefined);
    }
    await this.killed;
    throw this.stopped;
  }
}
