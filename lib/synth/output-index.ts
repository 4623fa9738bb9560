/**
 * What the last synth wrote into an output folder, to re-synthesize incrementally: for every file, a hash of the
 * manifest it was rendered from and the file's identity on disk (inode, size, modification time) right after the
 * write. On the next synth, an object whose manifest hashes the same, and whose file is still exactly that file, is
 * unchanged: it is not rendered to YAML again, not validated again (a synth validated it before writing it), and its
 * file is hard-linked into the new tree instead of rewritten (lib/synth/writer.ts).
 *
 * Anything else falls back to rendering and comparing the text, as without an index: a file edited, replaced
 * (another inode: a git checkout), or written by another program; a missing or unreadable index; another renderer
 * (the index records a fingerprint of `toYaml` and of the yaml package's version). The index lives outside the
 * output folder, which stays exactly the manifests: `$XDG_CACHE_HOME/cdk8s-delivery/synth/<sha256 of the folder's
 * absolute path>.json` (or `~/.cache/…`); `CDK8S_DELIVERY_SYNTH_CACHE=off` turns it off.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const FORMAT = 'cdk8s-delivery synth index v1';

/** One file of the index: manifest hash, inode, size, mtime (ns, as a string). */
type Entry = [hash: string, ino: number, size: number, mtimeNs: string];

/** The index of one output folder. */
export class OutputIndex {
  /** The index of `outdir` as the last synth left it, or an empty one (no file is then taken as unchanged). */
  static read(outdir: string, renderer: string): OutputIndex {
    const file = indexFile(outdir);
    if (file === undefined) return new OutputIndex(outdir, new Map());
    try {
      const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { format?: string; renderer?: string; entries?: Record<string, Entry> };
      if (stored.format !== FORMAT || stored.renderer !== renderer || typeof stored.entries !== 'object' || stored.entries === null) return new OutputIndex(outdir, new Map());
      return new OutputIndex(outdir, new Map(Object.entries(stored.entries)));
    } catch {
      return new OutputIndex(outdir, new Map());
    }
  }

  private constructor(private readonly outdir: string, private readonly entries: Map<string, Entry>) {}

  /**
   * The identity of the file at `relativePath` when it is the file the last synth rendered from a manifest with this
   * hash, untouched since; else undefined.
   */
  unchanged(relativePath: string, hash: string): FileIdentity | undefined {
    const entry = this.entries.get(relativePath);
    if (entry === undefined || entry[0] !== hash) return undefined;
    const now = identity(path.join(this.outdir, relativePath));
    return now !== undefined && now[0] === entry[1] && now[1] === entry[2] && now[2] === entry[3] ? now : undefined;
  }

  /**
   * Records the files just written (`hashes` by relative path) and stores the index. A failure to store it only
   * costs the next synth a full render.
   */
  static write(outdir: string, renderer: string, hashes: ReadonlyMap<string, string>): void {
    const file = indexFile(outdir);
    if (file === undefined) return;
    const entries: Record<string, Entry> = {};
    for (const [relativePath, hash] of hashes) {
      const id = identity(path.join(outdir, relativePath));
      if (id) entries[relativePath] = [hash, ...id];
    }
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      fs.writeFileSync(tmp, JSON.stringify({ format: FORMAT, outdir: path.resolve(outdir), renderer, entries }), { mode: 0o600 });
      fs.renameSync(tmp, file);
    } catch {
      fs.rmSync(tmp, { force: true });
    }
  }

  /** Forgets the index of `outdir` (e.g. when a synth failed half-way: nothing it says can be trusted). */
  static remove(outdir: string): void {
    const file = indexFile(outdir);
    if (file) fs.rmSync(file, { force: true });
  }
}

/** A hash of a manifest's content (its JSON: key order matters, so a reordered manifest is only a miss). */
export function manifestHash(manifest: unknown): string {
  return createHash('sha1').update(JSON.stringify(manifest)).digest('base64');
}

/** A fingerprint of a renderer: its source text and the version of the yaml package it calls. */
export function rendererFingerprint(render: (manifest: unknown) => string): string {
  return createHash('sha256').update(`${render.toString()}\0yaml ${yamlVersion()}`).digest('hex');
}

function yamlVersion(): string {
  try {
    let dir = path.dirname(createRequire(import.meta.url).resolve('yaml'));
    for (let i = 0; i < 4; i++, dir = path.dirname(dir)) {
      const file = path.join(dir, 'package.json');
      if (!fs.existsSync(file)) continue;
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'yaml') return String(pkg.version);
    }
  } catch {
    /* unknown below */
  }
  return 'unknown';
}

/** A file's identity: inode, size and modification time (ns). */
export type FileIdentity = [ino: number, size: number, mtimeNs: string];

/** The identity of a file; undefined when it is not a regular file. */
export function identity(file: string): FileIdentity | undefined {
  try {
    const s = fs.statSync(file, { bigint: true });
    return s.isFile() ? [Number(s.ino), Number(s.size), s.mtimeNs.toString()] : undefined;
  } catch {
    return undefined;
  }
}

function indexFile(outdir: string): string | undefined {
  if (process.env.CDK8S_DELIVERY_SYNTH_CACHE === 'off') return undefined;
  const base = process.env.XDG_CACHE_HOME || (os.homedir() ? path.join(os.homedir(), '.cache') : undefined);
  if (!base) return undefined;
  return path.join(base, 'cdk8s-delivery', 'synth', `${createHash('sha256').update(path.resolve(outdir)).digest('hex')}.json`);
}
