/**
 * Who is told when a Migration is constructed: `runSynth` listens while it builds the app, to start PGlite's child
 * early (./verify/early-start.ts) — the app's build is synchronous, so this is the only moment it can learn, before
 * the build ends, that the app has Migrations. Internal: not exported by the package.
 */
export interface ConstructedMigration {
  readonly migrationsDir: string;
  readonly verify: boolean;
}

let listener: ((m: ConstructedMigration) => void) | undefined;

/** Calls `on` with every Migration constructed until the returned function is called. */
export function listenForMigrations(on: (m: ConstructedMigration) => void): () => void {
  listener = on;
  return () => {
    if (listener === on) listener = undefined;
  };
}

/** Called by the Migration construct; a listener's error never fails the build (starting early is only an optimisation). */
export function migrationConstructed(m: ConstructedMigration): void {
  try {
    listener?.(m);
  } catch {
    /* not started early: the verification starts PGlite when it needs it, as without a listener */
  }
}
