import { locationOf, ReviewObject, subjectOf } from '../manifests.js';
import { Change, risk } from './change.js';

/** The label value the Migration puts on the ConfigMaps that deliver its SQL. */
const SQL_COMPONENT = 'migration-sql';
/** The runner script delivered with the files: not a migration. */
const RUNNER_SCRIPT = 'migrate.psql';
/** Job fields that change whenever the delivered SQL does: the names of the content-named ConfigMaps. */
const SOURCE_NAMES = /^spec\.template\.spec\.volumes\[[^\]]+\]\.projected\.sources(\[\d+\](\.configMap(\.name)?)?)?$/;

const isSqlConfigMap = (o: ReviewObject) => o.manifest.kind === 'ConfigMap' && o.manifest.metadata?.labels?.['app.kubernetes.io/component'] === SQL_COMPONENT;
const key = (o: { platform: string; environment: string; unit: string }) => `${o.platform}/${o.environment}/${o.unit}`;

/** The delivered files of each migration unit: file name → text. */
function deliveredFiles(objects: readonly ReviewObject[]): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const o of objects.filter(isSqlConfigMap)) {
    const unit = key(locationOf(o.path));
    const files = out.get(unit) ?? new Map<string, string>();
    for (const [name, text] of Object.entries((o.manifest.data ?? {}) as Record<string, string>)) if (name !== RUNNER_SCRIPT) files.set(name, text);
    out.set(unit, files);
  }
  return out;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Reads a release's migration changes the way the seed's rule judges them. The content-named ConfigMaps
 * that carry the SQL, and the Job whose only change is their names, are one change: "delivered SQL", with
 * the files added (and any edited or removed). Per environment, a release whose only changes are its
 * migrations is a migration-only release: its contract migrations ship alone, with no image change, which
 * is safe by expand/contract, so they raise no `contract-migration` flag; in a release that also changes
 * images, a contract migration keeps the flag, naming the images.
 */
export function explainDeliveredSql(changes: readonly Change[], before: readonly ReviewObject[], after: readonly ReviewObject[]): Change[] {
  const filesBefore = deliveredFiles(before);
  const filesAfter = deliveredFiles(after);
  const units = new Set([...filesBefore.keys(), ...filesAfter.keys()]);
  const sqlSubjects = new Set([...before, ...after].filter(isSqlConfigMap).map((o) => `${key(locationOf(o.path))}|${subjectOf(o.manifest)}`));
  const isDelivery = (c: Change) => units.has(key(c)) && (
    ((c.aspect === 'added' || c.aspect === 'removed') && sqlSubjects.has(`${key(c)}|${c.subject}`)) ||
    (c.aspect === 'other' && c.subject.startsWith('Job/') && (c.after ?? '').split(', ').every((f) => SOURCE_NAMES.test(f))));
  const out = changes.filter((c) => !isDelivery(c));

  const imageChanges = new Map<string, string[]>();
  for (const c of out.filter((c) => c.aspect === 'image')) {
    const env = `${c.platform}/${c.environment}`;
    imageChanges.set(env, [...(imageChanges.get(env) ?? []), c.subject]);
  }
  const envOnlyMigrations = (platform: string, environment: string) =>
    out.every((c) => `${c.platform}/${c.environment}` !== `${platform}/${environment}` || c.aspect === 'migration' || units.has(key(c)));

  const isContract = (unit: string, name: string) => out.some((c) => key(c) === unit && c.subject === `migration ${name}` && (c.after ?? '').startsWith('contract'));
  const delivered = new Map<string, Set<string>>();
  for (const unit of [...units].sort()) {
    const was = filesBefore.get(unit) ?? new Map<string, string>();
    const now = filesAfter.get(unit) ?? new Map<string, string>();
    const added = [...now.keys()].filter((n) => !was.has(n)).sort();
    const edited = [...now.keys()].filter((n) => was.has(n) && was.get(n) !== now.get(n)).sort();
    const removed = [...was.keys()].filter((n) => !now.has(n)).sort();
    if (added.length + edited.length + removed.length === 0) continue;
    const [platform, environment, ...folder] = unit.split('/');
    const job = [...after, ...before].find((o) => o.manifest.kind === 'Job' && key(locationOf(o.path)) === unit);
    const images = imageChanges.get(`${platform}/${environment}`) ?? [];
    delivered.set(unit, new Set(added));
    const parts = [...added.map((n) => `+ ${n}${isContract(unit, n) ? ' (contract)' : ''}`), ...edited.map((n) => `edited ${n}`), ...removed.map((n) => `- ${n}`)];
    out.push({
      platform: platform!, environment: environment!, unit: folder.join('/'),
      subject: job ? subjectOf(job.manifest) : 'migrations',
      aspect: 'migration',
      field: 'delivered SQL',
      before: plural(was.size, 'file'),
      after: `${plural(now.size, 'file')}: ${parts.join(', ')}`,
      note: envOnlyMigrations(platform!, environment!) ? 'migration-only release: no image change' : images.length > 0 ? `with new images of ${images.join(', ')}` : 'with other changes, no image change',
      risks: [],
    });
  }

  // The seed's rule: a contract migration is safe when it ships alone, with no image change. Judged only
  // where dist/ shows the file delivered: a file the manifests do not carry reaches no database yet.
  return out.map((c) => {
    if (c.aspect !== 'migration' || c.field !== 'new migration' || !c.risks.some((r) => r.flag === 'contract-migration')) return c;
    if (!delivered.get(key(c))?.has(c.subject.replace(/^migration /, ''))) return c;
    const images = imageChanges.get(`${c.platform}/${c.environment}`) ?? [];
    if (images.length > 0) {
      return { ...c, risks: c.risks.map((r) => r.flag === 'contract-migration' ? risk('contract-migration', `ships in the same release as new images of ${images.join(', ')}: their old pods still run during the rollout and may use what it removes; ship it alone, after no running version uses the old shape`) : r) };
    }
    return { ...c, note: `${c.note ? `${c.note}; ` : ''}shipped alone, no image change in this release: safe by expand/contract`, risks: c.risks.filter((r) => r.flag !== 'contract-migration') };
  });
}
