import { App } from 'cdk8s';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Environment } from '../../../lib/core/environment.js';
import { PostgresBackup } from '../../../lib/data/postgres/postgres-backup.js';
import { PostgresCluster } from '../../../lib/data/postgres/postgres-cluster.js';
import { Migration, MIGRATIONS_MOUNT_PATH } from '../../../lib/migrations/migration.js';
import { Platform } from '../../../lib/platform/platform.js';
import { Probe } from '../../../lib/pod/probe.js';
import { synthesize, type SynthesizedObject } from '../../../lib/synth/synthesizer.js';
import { StatelessService } from '../../../lib/workloads/stateless-service.js';
import { postgresBinDir } from '../verify/postgres-server.js';

export const API_IMAGE = `ghcr.io/acme/api@sha256:${'1'.repeat(64)}`;
export const POSTGRES_IMAGE = `ghcr.io/cloudnative-pg/postgresql:18.1-system-trixie@sha256:${'b'.repeat(64)}`;

/** A small platform (dev and prod) whose api's Migration uses the default runner on `migrationsDir`. */
export function shopWith(migrationsDir: string, image = API_IMAGE): App {
  const app = new App();
  const platform = new Platform(app, 'shop', { environments: [Environment.dev(), Environment.prod()] });
  platform.forEachEnvironment((env) => {
    const db = new PostgresCluster(env, 'db', { image: POSTGRES_IMAGE, storageSize: '10Gi', backup: PostgresBackup.none('test') });
    const api = new StatelessService(env, 'api', { image, readinessProbe: Probe.httpGet('/readyz'), replicas: 10 });
    new Migration(env, 'api-migrations', { database: db, release: api, migrationsDir });
  });
  return app;
}

/** The migration Job of an environment and the ConfigMaps its pod mounts, as synthesized. */
export interface SynthesizedJob {
  readonly job: Record<string, any>;
  readonly configMaps: readonly Record<string, any>[];
  readonly objects: readonly SynthesizedObject[];
}

export function synthJob(migrationsDir: string, environment = 'prod'): SynthesizedJob {
  const objects = synthesize(shopWith(migrationsDir));
  const inEnv = objects.filter((o) => o.path.startsWith(`shop/${environment}/`));
  const job = inEnv.find((o) => o.manifest.kind === 'Job')!.manifest;
  const volume = job.spec.template.spec.volumes.find((v: any) => v.projected);
  const configMaps = volume.projected.sources.map((s: any) => inEnv.find((o) => o.manifest.kind === 'ConfigMap' && o.manifest.metadata.name === s.configMap.name)!.manifest);
  return { job, configMaps, objects };
}

/**
 * Writes the ConfigMaps' data into `dir` the way the Job's projected volume mounts it: every key of every
 * source as a file at the top of the mount.
 */
export function materialise(synthesized: SynthesizedJob, dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const cm of synthesized.configMaps) for (const [key, value] of Object.entries(cm.data as Record<string, string>)) fs.writeFileSync(path.join(dir, key), value);
}

/** The database the Secret keys of the Job's env stand for. */
export interface TestDatabase {
  readonly host: string;
  readonly port: string;
  readonly dbname: string;
  readonly username: string;
  readonly password: string;
}

export interface JobRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the Job's container exactly: its command and args, in its working directory (the mount, here
 * `dir`), with its env — the values it sets, and the Secret's keys replaced by the test database's —
 * and Debian's psql first on the PATH.
 */
export function runJob(synthesized: SynthesizedJob, dir: string, database: TestDatabase): Promise<JobRun> {
  const container = synthesized.job.spec.template.spec.containers[0];
  if (container.workingDir !== MIGRATIONS_MOUNT_PATH) throw new Error(`the Job runs in ${container.workingDir}, not in the mount ${MIGRATIONS_MOUNT_PATH}`);
  const env: Record<string, string> = { PATH: `${postgresBinDir()}:${process.env.PATH}`, LANG: 'C.UTF-8' };
  for (const e of container.env as any[]) {
    if (e.value !== undefined) env[e.name] = e.value;
    else env[e.name] = (database as unknown as Record<string, string>)[e.valueFrom.secretKeyRef.key];
  }
  const [command, ...args] = [...container.command, ...(container.args ?? [])];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
