import { type ColumnShape, type RelationShape, type SchemaSnapshot } from './snapshot.js';

/** One difference between two schema snapshots. */
export interface SchemaChange {
  /** The object, e.g. `column public.accounts.owner_name`, `enum public.state`, `view public.v`. */
  readonly object: string;
  readonly change: 'dropped' | 'added' | 'changed';
  /**
   * True when code written for the earlier schema can fail on the later one: something it had was
   * dropped, renamed (a drop and an add), retyped or made stricter.
   */
  readonly contract: boolean;
  /** What changed, in one sentence. */
  readonly message: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const keys = (a: object, b: object) => [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();

function columnChanges(table: string, kind: string, before: Readonly<Record<string, ColumnShape>>, after: Readonly<Record<string, ColumnShape>>, add: (c: SchemaChange) => void): void {
  for (const name of keys(before, after)) {
    const object = `column ${table}.${name}`;
    const a = before[name];
    const b = after[name];
    if (!b) {
      add({ object, change: 'dropped', contract: true, message: `the ${kind} lost column ${name} (dropped or renamed): the previous release's queries that name it fail`, before: a });
      continue;
    }
    if (!a) {
      const required = b.notNull && b.default === undefined && b.identity === undefined && b.generated === undefined && kind === 'table';
      add({
        object, change: 'added', contract: required, after: b,
        message: required
          ? `new column ${name} is NOT NULL without a default: the previous release's inserts, which do not set it, fail`
          : `new column ${name}`,
      });
      continue;
    }
    if (same(a, b)) continue;
    const why: string[] = [];
    let contract = false;
    if (a.type !== b.type) {
      contract = true;
      why.push(`type ${a.type} became ${b.type}: the previous release reads and writes the old type`);
    }
    if (!a.notNull && b.notNull) {
      contract = true;
      why.push('it became NOT NULL: the previous release may still write NULL');
    }
    if (a.notNull && !b.notNull) {
      contract = true;
      why.push('it lost NOT NULL: the previous release may not expect NULL');
    }
    if (a.default !== undefined && b.default === undefined && b.identity === undefined) {
      contract = true;
      why.push(`its default (${a.default}) was dropped: the previous release's inserts that omit it rely on it`);
    } else if (a.default !== b.default && b.default !== undefined && a.default !== undefined) {
      why.push(`its default changed from ${a.default} to ${b.default}`);
    }
    if (a.identity !== b.identity) {
      contract ||= a.identity !== undefined;
      why.push(`identity ${a.identity ?? 'none'} became ${b.identity ?? 'none'}`);
    }
    if (a.generated !== b.generated) {
      contract = true;
      why.push(a.generated === undefined ? 'it became a generated column: the previous release writes it' : 'its generation expression changed or was removed');
    }
    add({ object, change: 'changed', contract, message: `column ${name}: ${why.join('; ')}`, before: a, after: b });
  }
}

function relationChanges(name: string, a: RelationShape | undefined, b: RelationShape | undefined, add: (c: SchemaChange) => void): void {
  const kind = (a ?? b)!.kind;
  const object = `${kind} ${name}`;
  if (!b) {
    add({ object, change: 'dropped', contract: true, message: `${kind} ${name} was dropped or renamed: the previous release's queries on it fail`, before: a });
    return;
  }
  if (!a) {
    add({ object: `${b.kind} ${name}`, change: 'added', contract: false, message: `new ${b.kind} ${name}`, after: b });
    return;
  }
  if (a.kind !== b.kind) {
    add({ object, change: 'changed', contract: true, message: `${name} was a ${a.kind} and is now a ${b.kind}`, before: a.kind, after: b.kind });
  }
  columnChanges(name, b.kind === 'table' || b.kind === 'partitioned table' ? 'table' : b.kind, a.columns, b.columns, add);
  if (a.definition !== b.definition && a.definition !== undefined && b.definition !== undefined) {
    add({ object, change: 'changed', contract: false, message: `the query of ${kind} ${name} changed`, before: a.definition, after: b.definition });
  }
  for (const c of keys(a.constraints, b.constraints)) {
    const ca = a.constraints[c];
    const cb = b.constraints[c];
    const cobj = `constraint ${name}.${c}`;
    if (same(ca, cb)) continue;
    if (!cb) {
      // ON CONFLICT needs the unique index behind a primary key or unique constraint.
      const needed = ca.type === 'primary key' || ca.type === 'unique';
      add({ object: cobj, change: 'dropped', contract: needed, before: ca, message: needed ? `${ca.type} ${c} was dropped: the previous release's ON CONFLICT clauses and lookups may rely on it` : `${ca.type} ${c} was dropped (looser)` });
    } else if (!ca) {
      add({ object: cobj, change: 'added', contract: true, after: cb, message: `new ${cb.type} ${c} on existing ${kind} ${name} (${cb.definition}): the previous release's writes may violate it${cb.validated ? '' : ' (NOT VALID only skips the existing rows)'}` });
    } else if (ca.definition !== cb.definition || ca.type !== cb.type) {
      add({ object: cobj, change: 'changed', contract: true, before: ca, after: cb, message: `${ca.type} ${c} changed from ${ca.definition} to ${cb.definition}: the previous release's writes may violate it` });
    } else {
      add({ object: cobj, change: 'changed', contract: false, before: ca, after: cb, message: `${cb.type} ${c} was validated` });
    }
  }
  for (const t of keys(a.triggers, b.triggers)) {
    if (a.triggers[t] === b.triggers[t]) continue;
    const change = !b.triggers[t] ? 'dropped' : !a.triggers[t] ? 'added' : 'changed';
    add({ object: `trigger ${name}.${t}`, change, contract: false, before: a.triggers[t], after: b.triggers[t], message: `trigger ${t} on ${name} was ${change}` });
  }
}

/**
 * The differences from one snapshot to a later one, each marked contract or not, sorted by object.
 * Contract: a table, view, column, enum value, function signature, sequence or unique key the earlier
 * schema had is gone (dropped or renamed); a column or view column changed type; a column became NOT
 * NULL, lost NOT NULL or its default, or is a new NOT NULL column without default; a CHECK, UNIQUE,
 * foreign key or exclusion constraint, or a unique index, was added to an existing table or changed.
 * Row data is not compared here (see {@link dataChanges}).
 */
export function diffSchemas(before: SchemaSnapshot, after: SchemaSnapshot): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const add = (c: SchemaChange) => changes.push(c);
  for (const s of keys(Object.fromEntries(before.schemas.map((x) => [x, 1])), Object.fromEntries(after.schemas.map((x) => [x, 1])))) {
    const had = before.schemas.includes(s);
    const has = after.schemas.includes(s);
    if (had !== has) add({ object: `schema ${s}`, change: has ? 'added' : 'dropped', contract: had, message: has ? `new schema ${s}` : `schema ${s} was dropped or renamed` });
  }
  for (const r of keys(before.relations, after.relations)) {
    if (!same(before.relations[r], after.relations[r])) relationChanges(r, before.relations[r], after.relations[r], add);
  }
  for (const i of keys(before.indexes, after.indexes)) {
    const a = before.indexes[i];
    const b = after.indexes[i];
    if (same(a, b)) continue;
    const onOldTable = (b ?? a).table in before.relations;
    if (!b) add({ object: `index ${i}`, change: 'dropped', contract: a.unique, before: a, message: a.unique ? `unique index ${i} was dropped: the previous release's ON CONFLICT clauses may rely on it` : `index ${i} was dropped (queries may get slower)` });
    else if (!a) add({ object: `index ${i}`, change: 'added', contract: b.unique && onOldTable, after: b, message: b.unique && onOldTable ? `new unique index ${i} on existing table ${b.table}: the previous release's writes may violate it` : `new index ${i}` });
    else add({ object: `index ${i}`, change: 'changed', contract: (b.unique && a.definition !== b.definition) || (a.unique && !b.unique), before: a, after: b, message: `index ${i} changed${a.valid !== b.valid ? (b.valid ? ' (now valid)' : ' (now INVALID)') : ''}` });
  }
  for (const e of keys(before.enums, after.enums)) {
    const a = before.enums[e];
    const b = after.enums[e];
    if (same(a, b)) continue;
    if (!b) add({ object: `enum ${e}`, change: 'dropped', contract: true, before: a, message: `enum type ${e} was dropped or renamed` });
    else if (!a) add({ object: `enum ${e}`, change: 'added', contract: false, after: b, message: `new enum type ${e}` });
    else {
      const removed = a.filter((v) => !b.includes(v));
      const added = b.filter((v) => !a.includes(v));
      add({
        object: `enum ${e}`, change: 'changed', contract: removed.length > 0, before: a, after: b,
        message: removed.length > 0
          ? `enum ${e} lost value${removed.length > 1 ? 's' : ''} ${removed.map((v) => `'${v}'`).join(', ')} (removed or renamed): the previous release still writes and reads ${removed.length > 1 ? 'them' : 'it'}`
          : added.length > 0 ? `enum ${e} gained ${added.map((v) => `'${v}'`).join(', ')}` : `the values of enum ${e} were reordered`,
      });
    }
  }
  for (const f of keys(before.functions, after.functions)) {
    const a = before.functions[f];
    const b = after.functions[f];
    if (same(a, b)) continue;
    if (!b) add({ object: `${a.kind} ${f}`, change: 'dropped', contract: true, before: a, message: `${a.kind} ${f} was dropped, renamed or its arguments changed: the previous release's calls fail` });
    else if (!a) add({ object: `${b.kind} ${f}`, change: 'added', contract: false, after: b, message: `new ${b.kind} ${f}` });
    else if (a.result !== b.result || a.kind !== b.kind) add({ object: `${b.kind} ${f}`, change: 'changed', contract: true, before: a, after: b, message: `${b.kind} ${f} now returns ${b.result} instead of ${a.result}` });
    else add({ object: `${b.kind} ${f}`, change: 'changed', contract: false, before: a, after: b, message: `the body of ${b.kind} ${f} changed` });
  }
  for (const s of keys(before.sequences, after.sequences)) {
    const a = before.sequences[s];
    const b = after.sequences[s];
    if (same(a, b)) continue;
    if (!b) add({ object: `sequence ${s}`, change: 'dropped', contract: true, before: a, message: `sequence ${s} was dropped or renamed: the previous release's nextval calls fail` });
    else if (!a) add({ object: `sequence ${s}`, change: 'added', contract: false, after: b, message: `new sequence ${s}` });
    else add({ object: `sequence ${s}`, change: 'changed', contract: a.type !== b.type || BigInt(b.max) < BigInt(a.max) || BigInt(b.min) > BigInt(a.min), before: a, after: b, message: `sequence ${s} changed (${a.type} ${a.min}..${a.max} to ${b.type} ${b.min}..${b.max})` });
  }
  for (const x of keys(before.extensions, after.extensions)) {
    const a = before.extensions[x];
    const b = after.extensions[x];
    if (a === b) continue;
    add({ object: `extension ${x}`, change: !b ? 'dropped' : !a ? 'added' : 'changed', contract: !b, before: a, after: b, message: !b ? `extension ${x} was dropped` : !a ? `new extension ${x} ${b}` : `extension ${x} ${a} became ${b}` });
  }
  return changes.sort((x, y) => (x.object < y.object ? -1 : x.object > y.object ? 1 : 0));
}

/** Tables whose rows differ between two snapshots (a rerun that inserted, updated or deleted rows). */
export function dataChanges(before: SchemaSnapshot, after: SchemaSnapshot): SchemaChange[] {
  return keys(before.data, after.data)
    .filter((t) => before.data[t] && after.data[t] && !same(before.data[t], after.data[t]))
    .map((t) => ({
      object: `rows of table ${t}`,
      change: 'changed' as const,
      contract: false,
      message: before.data[t].rows === after.data[t].rows
        ? `the rerun changed rows of ${t} (same count, ${after.data[t].rows})`
        : `the rerun changed the number of rows of ${t} from ${before.data[t].rows} to ${after.data[t].rows}`,
      before: before.data[t].rows,
      after: after.data[t].rows,
    }));
}
