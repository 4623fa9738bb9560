import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import type { SynthesizedObject } from '../synth/synthesizer.js';
import { toYaml } from '../synth/synthesizer.js';

/**
 * What a synth under `cdk8s synth` leaves in cdk8s-cli's scratch folder (`CDK8S_OUTDIR`) for validation
 * plugins: one `<platform>-<environment>.k8s.yaml` per environment holding all its objects, each
 * document started by `--- # Source: <path below dist/>` (as `helm template` marks its output), and,
 * when cdk8s-cli asks for it
 * (`CDK8S_RECORD_CONSTRUCT_METADATA=true`), `construct-metadata.json` mapping each such path to its
 * construct path, the file cdk8s-cli reads to put construct paths into validation reports.
 */
export const SOURCE_PREFIX = 'Source: ';

/** Options of {@link writeCdk8sOutput}. */
export interface Cdk8sOutputOptions {
  /** Also write `construct-metadata.json` (version 1.0.0, keyed by source path). @default false */
  readonly constructMetadata?: boolean;
}

/** Writes the combined manifests (and construct metadata) for cdk8s-cli and its validation plugins. */
export function writeCdk8sOutput(objects: readonly SynthesizedObject[], dir: string, options: Cdk8sOutputOptions = {}): void {
  const groups = new Map<string, string[]>();
  for (const o of objects) {
    const key = o.path.split('/').slice(0, 2).join('-');
    groups.set(key, [...(groups.get(key) ?? []), `--- # ${SOURCE_PREFIX}${o.path}\n${toYaml(o.manifest)}`]);
  }
  mkdirSync(dir, { recursive: true });
  for (const [key, docs] of groups) writeFileSync(join(dir, `${key}.k8s.yaml`), docs.join(''));
  if (options.constructMetadata) {
    const resources = Object.fromEntries(objects.map((o) => [o.path, { path: o.constructPath }]));
    writeFileSync(join(dir, 'construct-metadata.json'), `${JSON.stringify({ version: '1.0.0', resources }, null, 2)}\n`);
  }
}

/** The `# Source:` path of a document of a combined manifest, if any. */
export function sourceOf(doc: YAML.Document): string | undefined {
  // A comment on the `---` line belongs to the document's contents; one on its own line before it, to the document.
  const comment = (doc.commentBefore ?? (YAML.isNode(doc.contents) ? doc.contents.commentBefore : undefined))?.trim();
  return comment?.startsWith(SOURCE_PREFIX) ? comment.slice(SOURCE_PREFIX.length).trim() : undefined;
}
