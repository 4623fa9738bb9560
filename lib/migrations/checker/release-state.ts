import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { type InputProblem, parseManifestDocuments, readManifestFiles } from '../../validation/manifest-files.js';
import { MigrationInputError, errorMessage } from './errors.js';
import { type ReleaseState } from './release.js';
import { type MigrationFile, isMigrationFileName, sortMigrationNames } from './sql-file.js';

/** Where a release's state is read from. */
export interface ReleaseSources {
  /** The migrations directory. */
  readonly migrationsDir: string;
  /**
   * A directory of synthesized manifests (e.g. `dist/`, or `dist/<platform>/prod`) whose workload
   * images are compared between releases.
   * @default - no images: the contract/image-change rule is not checked
   */
  readonly manifestsDir?: string;
  /**
   * Names (`metadata.name`) of the workloads that use the database.
   * @default - every workload in manifestsDir (conservative)
   */
  readonly workloads?: readonly string[];
}

/** Annotations of hook objects (the migration Job itself): they run once per sync, they are not long-running old code. */
const HOOK_ANNOTATIONS = ['argocd.argoproj.io/hook', 'helm.sh/hook'];

/** Pod spec of a workload object, by kind. */
function podSpecOf(object: any): any {
  switch (object?.kind) {
    case 'Pod':
      return object.spec;
    case 'CronJob':
      return object.spec?.jobTemplate?.spec?.template?.spec;
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
    case 'Rollout':
      return object.spec?.template?.spec;
    default:
      return undefined;
  }
}

/**
 * Container images of the workloads in a set of manifest files, keyed `Kind/namespace/name/container`
 * (namespace `-` when the manifest leaves it to the GitOps destination). Hook objects are skipped.
 */
export function workloadImages(manifests: ReadonlyMap<string, string>, workloads?: readonly string[]): Record<string, string> {
  const objects: unknown[] = [];
  // Parsed as `validate` parses (issue 26: the yaml package's default duplicate-key check is quadratic, and
  // its errors were ignored): every problem of every file is an input error (exit 2).
  const problems: InputProblem[] = [];
  for (const [file, text] of [...manifests].sort(([a], [b]) => (a < b ? -1 : 1))) {
    objects.push(...parseManifestDocuments(file, text, problems).filter((o) => o !== undefined && o !== null));
  }
  if (problems.length > 0) throw new MigrationInputError(problems.map((p) => ({ location: p.location, message: `cannot read the manifest: ${p.message}` })));
  return workloadImagesOf(objects, workloads);
}

/** {@link workloadImages} for manifests already parsed (a synth's objects): no YAML round trip. */
export function workloadImagesOf(objects: readonly unknown[], workloads?: readonly string[]): Record<string, string> {
  const images: Record<string, string> = {};
  const wanted = workloads ? new Set(workloads) : undefined;
  for (const object of objects as any[]) {
    const spec = podSpecOf(object);
    const name = object?.metadata?.name;
    if (!spec || typeof name !== 'string' || (wanted && !wanted.has(name))) continue;
    if (HOOK_ANNOTATIONS.some((a) => object.metadata?.annotations?.[a] !== undefined)) continue;
    for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      if (typeof container?.image === 'string') images[`${object.kind}/${object.metadata?.namespace ?? '-'}/${name}/${container.name}`] = container.image;
    }
  }
  return images;
}

function git(cwd: string, args: readonly string[], input?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => reject(new Error(`cannot run git: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(Buffer.concat(err).toString('utf8').trim().split('\n')[0] || `git ${args[0]} exited with ${code}`));
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/**
 * Files under a directory as committed at a git ref (`git ls-tree` + one `git cat-file --batch`),
 * keyed by path relative to the directory. A directory missing at that ref yields no files.
 */
export async function readTreeAtRef(ref: string, dir: string, keep: (relativePath: string) => boolean): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  try {
    if (!(await fs.stat(dir)).isDirectory()) throw new Error('not a directory');
  } catch (error) {
    throw new MigrationInputError([{ location: dir, message: `cannot read the directory: ${errorMessage(error)}` }]);
  }
  // --end-of-options: a ref is never read as an option, whatever it spells (`--output=…`). The ref is listed as the
  // commit it names (`^{commit}`, what rev-parse --verify checked first before): a synth reads the history of every
  // migrations folder, and asking rev-parse only when the listing fails is one git process fewer each time.
  let listed: Buffer;
  try {
    listed = await git(dir, ['ls-tree', '-r', '-z', '--end-of-options', `${ref}^{commit}`, '--', '.']);
  } catch (error) {
    try {
      await git(dir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
    } catch {
      throw new MigrationInputError([{ location: dir, message: `unknown git ref "${ref}" (or ${dir} is not in a git repository)` }]);
    }
    throw new MigrationInputError([{ location: dir, message: `cannot read ${ref} from git: ${errorMessage(error)}` }]);
  }
  try {
    const listing = listed.toString('utf8').split('\0').filter(Boolean);
    const blobs = listing
      .map((line) => ({ header: line.slice(0, line.indexOf('\t')).split(' '), relativePath: line.slice(line.indexOf('\t') + 1) }))
      .filter((e) => e.header[1] === 'blob' && keep(e.relativePath));
    if (blobs.length === 0) return files;
    const batch = await git(dir, ['cat-file', '--batch'], blobs.map((b) => b.header[2]).join('\n') + '\n');
    let offset = 0;
    for (const blob of blobs) {
      const headerEnd = batch.indexOf(0x0a, offset);
      const size = Number(batch.subarray(offset, headerEnd).toString('utf8').split(' ')[2]);
      files.set(blob.relativePath, batch.subarray(headerEnd + 1, headerEnd + 1 + size).toString('utf8'));
      offset = headerEnd + 1 + size + 1;
    }
    // A committed symbolic link's blob is its target path: give it the content of the file it points at
    // (when that file is in the same listing), as a checkout would.
    for (const blob of blobs) {
      if (blob.header[0] !== '120000') continue;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(blob.relativePath), files.get(blob.relativePath) ?? ''));
      const content = files.get(target) ?? (await git(dir, ['cat-file', 'blob', '--end-of-options', `${ref}:./${target}`]).then((b) => b.toString('utf8'), () => undefined));
      if (content !== undefined) files.set(blob.relativePath, content);
    }
    return files;
  } catch (error) {
    throw new MigrationInputError([{ location: dir, message: `cannot read ${ref} from git: ${errorMessage(error)}` }]);
  }
}

const isManifest = (p: string) => /\.(ya?ml|json)$/i.test(p);
const isMigration = (p: string) => !p.includes('/') && isMigrationFileName(p);

/** The release state as committed at a git ref (the migrations and manifests directories as they were then). */
export async function releaseStateAtRef(ref: string, sources: ReleaseSources): Promise<ReleaseState> {
  const migrations = await readTreeAtRef(ref, sources.migrationsDir, isMigration);
  const manifests = sources.manifestsDir ? await readTreeAtRef(ref, sources.manifestsDir, isManifest) : new Map<string, string>();
  const keyed = new Map([...manifests].map(([p, text]) => [`${ref}:${path.join(sources.manifestsDir ?? '', p)}`, text]));
  return { migrations: sortMigrationNames([...migrations.keys()]), images: workloadImages(keyed, sources.workloads), contents: Object.fromEntries(migrations) };
}

/** The release state of the working tree: the parsed migration files and the manifests on disk. */
export async function releaseStateOnDisk(files: readonly MigrationFile[], sources: ReleaseSources): Promise<ReleaseState> {
  let images: Record<string, string> = {};
  if (sources.manifestsDir) {
    // Read exactly as `validate` reads them (same files, same YAML options); any problem is an input error.
    const read = await readManifestFiles(sources.manifestsDir);
    if (read.problems.length > 0) throw new MigrationInputError(read.problems.map((p) => ({ location: p.location, message: `cannot read the manifest: ${p.message}` })));
    images = workloadImagesOf(read.manifests.map((m) => m.object), sources.workloads);
  }
  return {
    migrations: files.map((f) => f.name),
    images,
    contents: Object.fromEntries(files.map((f) => [f.name, f.source.text])),
  };
}
