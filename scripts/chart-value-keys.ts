/**
 * Derives the value keys of a pinned chart version from its values.yaml, as test data
 * (test/fixtures/charts/<chart>-<version>.json). Run against a local clone of the chart repository:
 *
 *   npx tsx scripts/chart-value-keys.ts <git-dir> <tag> <path-to-values.yaml> <owner/repo> <out.json>
 *
 * `keys` lists every dotted key path of values.yaml; `openMaps` the paths whose default is an empty map or
 * null (free-form: annotations, node selectors, security contexts, `merge` blocks), below which any key is
 * accepted. No chart content beyond key names is kept.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import YAML from 'yaml';

const [gitDir, tag, valuesPath, repo, out] = process.argv.slice(2);
if (!out) {
  console.error('usage: chart-value-keys.ts <git-dir> <tag> <values.yaml path> <owner/repo> <out.json>');
  process.exit(2);
}
const text = execFileSync('git', ['--git-dir', gitDir!, 'show', `${tag}:${valuesPath}`], { encoding: 'utf8', maxBuffer: 64 << 20 });
const values = YAML.parse(text) ?? {};
const keys: string[] = [];
const openMaps: string[] = [];
const walk = (node: unknown, prefix: string) => {
  if (node === null || (typeof node === 'object' && !Array.isArray(node) && Object.keys(node as object).length === 0)) {
    if (prefix) openMaps.push(prefix);
    return;
  }
  if (typeof node !== 'object' || Array.isArray(node)) return;
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${k}` : k;
    keys.push(path);
    walk(v, path);
  }
};
walk(values, '');
// Values the templates pass on verbatim (`toYaml .Values.x`, `.Values.x | toYaml`): Kubernetes fields below them.
const chartDir = valuesPath!.replace(/\/values\.yaml$/, '');
const files = execFileSync('git', ['--git-dir', gitDir!, 'ls-tree', '-r', '--name-only', tag!, '--', chartDir], { encoding: 'utf8' }).split('\n').filter((f) => /\/(templates|files)\//.test(f));
const verbatim = new Set<string>();
for (const file of files) {
  const body = execFileSync('git', ['--git-dir', gitDir!, 'show', `${tag}:${file}`], { encoding: 'utf8', maxBuffer: 64 << 20 });
  for (const m of body.matchAll(/toYaml\s+\(?\s*\.Values\.([\w.]+)/g)) verbatim.add(m[1]!);
  for (const m of body.matchAll(/\.Values\.([\w.]+)\s*\)?\s*\|\s*toYaml/g)) verbatim.add(m[1]!);
  // redis-ha renders security contexts through `compatibility.renderSecurityContext` (dict "secContext" .Values.x), as is.
  for (const m of body.matchAll(/"secContext"\s+\.Values\.([\w.]+)/g)) verbatim.add(m[1]!);
}
writeFileSync(out!, `${JSON.stringify({ source: `${repo}@${tag}:${valuesPath}`, keys: keys.sort(), openMaps: openMaps.sort(), verbatim: [...verbatim].sort() }, null, 1)}\n`);
console.log(`${out}: ${keys.length} keys, ${openMaps.length} open maps, ${verbatim.size} verbatim values`);
