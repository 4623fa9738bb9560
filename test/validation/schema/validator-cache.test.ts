import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileCrdAjvSchema, createCrdAjv, crdAjvSchema, type CrdAjvSchema } from '../../../lib/validation/schema/crd.js';
import { kubernetesModelsDir, loadCoreCatalogue, loadPinnedCrds } from '../../../lib/validation/schema/pinned.js';
import { celFindings } from '../../../lib/validation/schema/cel.js';
import {
  CEL_OUTCOME_LOOKUPS,
  cachedCelOutcome,
  cachedCelParse,
  cachedCrdValidator,
  defaultValidatorCacheDir,
  loadCachedValidator,
  crdValidatorCacheDir,
  requireCoreValidator,
  storeValidator,
  useCrdValidatorCache,
  validatorCacheKey,
  validatorSource,
} from '../../../lib/validation/schema/validator-cache.js';
import { SchemaValidator } from '../../../lib/validation/schema-validator.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = Record<string, any>;

/**
 * A document that reaches every field of an ajv CRD schema (to a depth): each property set, lists of two equal items
 * (uniqueness and list-map keys), strings that fail most patterns and formats, numbers outside most bounds.
 */
function sample(schema: Schema | undefined, depth: number): Json {
  if (!schema || depth > 9) return 'x';
  if (Array.isArray(schema.enum)) return schema.enum[0] as Json;
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'integer':
      return 70000;
    case 'number':
      return 1.5;
    case 'boolean':
      return true;
    case 'array': {
      const item = sample(schema.items, depth + 1);
      return [item, structuredClone(item)];
    }
    case 'string':
      return schema.format === 'date-time' ? '2024-01-01T00:00:00Z' : 'Not a name/';
    default: {
      const out: Record<string, Json> = {};
      for (const [name, sub] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) out[name] = sample(sub, depth + 1);
      if (schema.additionalProperties === false) out.unknownField = 1;
      return out;
    }
  }
}

/** Every path of `value` (for the mutations). */
function paths(value: Json, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...at, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, k]));
  return out;
}

function mutate(doc: Json, at: (string | number)[], replacement: Json): Json {
  if (at.length === 0) return replacement;
  const copy = structuredClone(doc) as any;
  let node = copy;
  for (const step of at.slice(0, -1)) node = node[step];
  node[at.at(-1)!] = replacement;
  return copy;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'validator-cache-'));
});
afterEach(() => {
  useCrdValidatorCache(undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('the cache of compiled CRD validators (issue 25: CLI start)', () => {
  it('GIVEN every pinned CRD THEN the validator loaded from its cached code returns the errors of the compiled one, on documents reaching every field and on random faults', async () => {
    // GIVEN every served version of every pinned CRD, compiled by ajv and written out
    const crds = await loadPinnedCrds();
    const ajv = createCrdAjv({ source: true });
    let compared = 0;
    const keywords = new Set<string>();
    for (const crd of crds) {
      const converted = crdAjvSchema(crd)!;
      const compiled = compileCrdAjvSchema(ajv, converted);
      const key = validatorCacheKey(converted);
      storeValidator(dir, key, validatorSource(ajv, compiled));
      // WHEN it is loaded back
      const loaded = loadCachedValidator(dir, key, converted.schema);
      // THEN it is another function with the same schema, and the same verdict and errors on every document
      expect(loaded, crd.kind).toBeTypeOf('function');
      expect(loaded).not.toBe(compiled);
      expect(loaded!.schema).toBe(compiled.schema);
      const full = sample(converted.schema, 0) as Record<string, Json>;
      const documents: Json[] = [{ apiVersion: crd.apiVersion, kind: crd.kind, metadata: { name: 'a' } }, { ...full, apiVersion: crd.apiVersion, kind: crd.kind }];
      const all = paths(full);
      const replacement = fc.oneof(fc.constant(null), fc.boolean(), fc.integer({ min: -3, max: 100_000 }), fc.string({ maxLength: 8 }), fc.constant([]), fc.constant({}), fc.constant({ extra: 'x' }));
      for (const [index, value] of fc.sample(fc.tuple(fc.nat(all.length - 1), replacement), { numRuns: 40, seed: compared + 1 })) documents.push(mutate(full, all[index]!, structuredClone(value) as Json));
      for (const document of documents) {
        const verdict = compiled(document);
        expect(loaded!(document), `${crd.kind} ${crd.apiVersion}`).toBe(verdict);
        expect(loaded!.errors, `${crd.kind} ${crd.apiVersion}`).toEqual(compiled.errors);
        for (const error of compiled.errors ?? []) keywords.add(error.keyword);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(crds.length * 40);
    // the documents reach the keywords whose code is this package's (patterns, formats, list-map keys) and ajv's own
    expect([...keywords].sort()).toEqual(expect.arrayContaining(['additionalProperties', 'duplicate', 'enum', 'format', 'maxItems', 'maximum', 'pattern', 'required', 'type', 'uniqueItems']));
  }, 120_000);

  it('GIVEN the cache turned on WHEN a schema is validated twice THEN the second validator comes from the file the first wrote, and SchemaValidator finds the same', async () => {
    // GIVEN
    useCrdValidatorCache(dir);
    const crd = (await loadPinnedCrds()).find((c) => c.kind === 'HTTPRoute' && c.apiVersion === 'gateway.networking.k8s.io/v1')!;
    const converted = crdAjvSchema(crd)!;
    let created = 0;
    const ajv = (options: { source: boolean }) => {
      created++;
      return createCrdAjv(options);
    };
    // WHEN
    const first = cachedCrdValidator(ajv, converted);
    const files = readdirSync(dir);
    const second = cachedCrdValidator(ajv, converted);
    // THEN one file, no temporary left, and ajv created for the first only
    expect(files).toEqual([`${validatorCacheKey(converted)}.js`]);
    expect(created).toBe(1);
    expect(second).not.toBe(first);
    const route = { apiVersion: crd.apiVersion, kind: 'HTTPRoute', metadata: { name: 'r' }, spec: { hostnames: ['UPPER'], rules: [{ matches: [{ path: { type: 'PathPrefix', value: 'x' } }], bogus: 1 }] } };
    expect(second(route)).toBe(first(route));
    expect(second.errors).toEqual(first.errors);
    expect(second.errors!.length).toBeGreaterThan(0);
    const withCache = (await SchemaValidator.load()).validate(route, 'route.yaml');
    useCrdValidatorCache(undefined);
    expect(withCache).toEqual((await SchemaValidator.load()).validate(route, 'route.yaml'));
    expect(withCache.map((f) => f.rule)).toContain('schema/cel');
  });

  it('GIVEN a damaged, truncated or foreign cache file THEN it is ignored, the schema compiled and the file rewritten', async () => {
    const crd = (await loadPinnedCrds()).find((c) => c.kind === 'HTTPRoute' && c.apiVersion === 'gateway.networking.k8s.io/v1')!;
    const converted: CrdAjvSchema = crdAjvSchema(crd)!;
    const key = validatorCacheKey(converted);
    const file = path.join(dir, `${key}.js`);
    useCrdValidatorCache(dir);
    cachedCrdValidator(createCrdAjv, converted);
    const good = readFileSync(file, 'utf8');
    const damaged = [good.slice(0, good.length / 2), good.replace('validate0', 'validate1'), 'not a validator', `//cdk8s-delivery-validator sha256=${'0'.repeat(64)}\nthrow new Error()`];
    for (const text of damaged) {
      writeFileSync(file, text);
      // WHEN
      expect(loadCachedValidator(dir, key, converted.schema)).toBeUndefined();
      const validate = cachedCrdValidator(createCrdAjv, converted);
      // THEN
      expect(validate({ apiVersion: crd.apiVersion, kind: 'HTTPRoute', metadata: {}, spec: { bogus: 1 } })).toBe(false);
      expect(readFileSync(file, 'utf8')).toBe(good);
    }
  });

  it('GIVEN a damaged V8 code cache beside a validator, or one of another validator THEN the validator loads and validates as compiled', async () => {
    const crds = (await loadPinnedCrds()).filter((c) => c.group === 'gateway.networking.k8s.io').slice(0, 2);
    const ajv = createCrdAjv({ source: true });
    const [a, b] = crds.map((crd) => {
      const converted = crdAjvSchema(crd)!;
      const key = validatorCacheKey(converted);
      storeValidator(dir, key, validatorSource(ajv, compileCrdAjvSchema(ajv, converted)));
      return { crd, converted, key };
    });
    const { createHash } = await import('node:crypto');
    const { Script } = await import('node:vm');
    const otherCode = new Script(`(function () { return ${JSON.stringify(b!.key)} })`).createCachedData();
    const checked = (bytes: Uint8Array) => Buffer.concat([createHash('sha256').update(bytes).digest(), bytes]);
    const document = { apiVersion: a!.crd.apiVersion, kind: a!.crd.kind, metadata: {}, spec: { bogus: 1 } };
    const expected = compileCrdAjvSchema(createCrdAjv(), a!.converted);
    expected(document);
    for (const bytes of [Buffer.from('garbage'), checked(Buffer.from('garbage')), checked(otherCode)]) {
      writeFileSync(path.join(dir, `${a!.key}.v8`), bytes);
      const loaded = loadCachedValidator(dir, a!.key, a!.converted.schema)!;
      expect(loaded(document)).toBe(false);
      expect(loaded.errors).toEqual(expected.errors);
    }
  });

  it('GIVEN a cache folder that cannot be written THEN validation still works (only the compile is paid)', async () => {
    const crd = (await loadPinnedCrds()).find((c) => c.kind === 'HTTPRoute' && c.apiVersion === 'gateway.networking.k8s.io/v1')!;
    const converted = crdAjvSchema(crd)!;
    const blocked = path.join(dir, 'file');
    writeFileSync(blocked, '');
    useCrdValidatorCache(path.join(blocked, 'validators'));
    const validate = cachedCrdValidator(createCrdAjv, converted);
    expect(validate({ apiVersion: crd.apiVersion, kind: 'HTTPRoute', metadata: {}, spec: {} })).toBe(true);
    expect(readdirSync(dir)).toEqual(['file']);
  });

  it('GIVEN a cache folder others may write to, or one inside such a folder THEN the cache is off: a validator planted there is not run, and nothing is written', async () => {
    const crd = (await loadPinnedCrds()).find((c) => c.kind === 'HTTPRoute' && c.apiVersion === 'gateway.networking.k8s.io/v1')!;
    const converted = crdAjvSchema(crd)!;
    const key = validatorCacheKey(converted);
    const planted = 'globalThis.plantedValidatorRan = true; module.exports = () => true;';
    const shared = path.join(dir, 'shared');
    const inShared = path.join(dir, 'open', 'validators');
    mkdirSync(shared, { mode: 0o700 });
    chmodSync(shared, 0o777);
    mkdirSync(inShared, { recursive: true, mode: 0o700 });
    chmodSync(path.dirname(inShared), 0o777);
    for (const folder of [shared, inShared]) {
      storeValidator(folder, key, planted);
      // WHEN
      useCrdValidatorCache(folder);
      const validate = cachedCrdValidator(createCrdAjv, converted);
      // THEN the planted code did not run, the schema was compiled, and the folder holds only what was planted
      expect(crdValidatorCacheDir()).toBeUndefined();
      expect((globalThis as { plantedValidatorRan?: boolean }).plantedValidatorRan).toBeUndefined();
      expect(validate({ apiVersion: crd.apiVersion, kind: 'HTTPRoute', metadata: {}, spec: { bogus: 1 } })).toBe(false);
      expect(readdirSync(folder)).toEqual([`${key}.js`]);
    }
    // AND the same planted file in a private folder is run (the check above is what stopped it)
    const own = path.join(dir, 'own');
    storeValidator(own, key, planted);
    useCrdValidatorCache(own);
    expect(statSync(own).mode & 0o777).toBe(0o700);
    expect(cachedCrdValidator(createCrdAjv, converted)({})).toBe(true);
    expect((globalThis as { plantedValidatorRan?: boolean }).plantedValidatorRan).toBe(true);
    delete (globalThis as { plantedValidatorRan?: boolean }).plantedValidatorRan;
  });

  it('GIVEN CDK8S_DELIVERY_VALIDATOR_CACHE=off THEN there is no cache folder; else XDG_CACHE_HOME or ~/.cache', () => {
    expect(defaultValidatorCacheDir({ CDK8S_DELIVERY_VALIDATOR_CACHE: 'off', XDG_CACHE_HOME: dir })).toBeUndefined();
    expect(defaultValidatorCacheDir({ CDK8S_DELIVERY_VALIDATOR_CACHE: '0' })).toBeUndefined();
    expect(defaultValidatorCacheDir({ XDG_CACHE_HOME: dir })).toBe(path.join(dir, 'cdk8s-delivery', 'validators'));
    expect(defaultValidatorCacheDir({})).toBe(path.join(os.homedir(), '.cache', 'cdk8s-delivery', 'validators'));
  });

  it('GIVEN two schemas that differ in one keyword THEN their keys differ', async () => {
    const crd = (await loadPinnedCrds()).find((c) => c.kind === 'HTTPRoute')!;
    const converted = crdAjvSchema(crd)!;
    const changed = { ...converted, schema: { ...converted.schema, required: ['spec', 'status'] } };
    expect(validatorCacheKey(changed)).not.toBe(validatorCacheKey(converted));
    expect(validatorCacheKey(converted)).toBe(validatorCacheKey(crdAjvSchema(crd)!));
    expect(existsSync(dir)).toBe(true);
  });
});

describe('the cache of parsed CEL rules (issue 25: CLI start)', () => {
  it('GIVEN every rule of every pinned CRD THEN the syntax tree read back from the cache equals the parser’s, and both plans give the same results', async () => {
    // GIVEN
    const { createRequire } = await import('node:module');
    const celRequire = createRequire(createRequire(import.meta.url).resolve('@bufbuild/cel'));
    const { equals } = celRequire('@bufbuild/protobuf') as typeof import('@bufbuild/protobuf');
    const { ParsedExprSchema } = celRequire('@bufbuild/cel-spec/cel/expr/syntax_pb.js') as typeof import('@bufbuild/cel-spec/cel/expr/syntax_pb.js');
    const cel = await import('@bufbuild/cel');
    const { strings } = await import('@bufbuild/cel/ext');
    const env = cel.celEnv({ funcs: strings });
    const rules = new Set<string>();
    const collect = (node: unknown): void => {
      if (typeof node !== 'object' || node === null) return;
      const own = (node as Record<string, unknown>)['x-kubernetes-validations'];
      if (Array.isArray(own)) for (const r of own) if (typeof r?.rule === 'string') rules.add(r.rule);
      for (const value of Object.values(node)) collect(value);
    };
    for (const crd of await loadPinnedCrds()) collect(crd.schema());
    expect(rules.size).toBeGreaterThan(100);
    useCrdValidatorCache(dir);
    const selves: unknown[] = [{}, [], 'x', 1n, { type: 'PathPrefix', value: '/a//b' }, [{ name: 'a' }, { name: 'a' }]];
    let parsedCount = 0;
    for (const rule of rules) {
      let parsed: ReturnType<typeof cel.parse>;
      try {
        parsed = cel.parse(rule);
      } catch {
        continue; // not CEL this library parses: ./cel.ts skips it, the cache never holds it
      }
      parsedCount++;
      // WHEN it goes through the cache (written, then read)
      const first = cachedCelParse(rule, cel.parse);
      const second = cachedCelParse(rule, () => {
        throw new Error('parsed again: not read from the cache');
      });
      // THEN
      expect(equals(ParsedExprSchema, first as never, parsed as never)).toBe(true);
      expect(equals(ParsedExprSchema, second as never, parsed as never), rule).toBe(true);
      const [a, b] = [cel.plan(env, parsed), cel.plan(env, second as never)];
      for (const self of selves) expect(String(b({ self } as never)), rule).toBe(String(a({ self } as never)));
    }
    expect(parsedCount).toBeGreaterThan(100);
    expect(readdirSync(dir).filter((f) => f.endsWith('.cel'))).toHaveLength(parsedCount);
  }, 60_000);

  it('GIVEN a damaged cache file of a rule THEN the rule is parsed again and the file rewritten; without the cache nothing is written', async () => {
    const cel = await import('@bufbuild/cel');
    const rule = "self.type in ['Exact','PathPrefix'] || self.type == 'RegularExpression'";
    expect(cachedCelParse(rule, cel.parse)).toBeDefined();
    expect(readdirSync(dir)).toEqual([]);
    useCrdValidatorCache(dir);
    cachedCelParse(rule, cel.parse);
    const [file] = readdirSync(dir);
    const good = readFileSync(path.join(dir, file!));
    writeFileSync(path.join(dir, file!), Buffer.concat([good.subarray(0, 40), Buffer.from([1, 2, 3])]));
    let parsedAgain = 0;
    cachedCelParse(rule, (r) => {
      parsedAgain++;
      return cel.parse(r);
    });
    expect(parsedAgain).toBe(1);
    expect(readFileSync(path.join(dir, file!))).toEqual(good);
  });
});

/** The checksummed body of a cache file, as the cache writes it. */
const checked = (body: string) => Buffer.concat([createHash('sha256').update(body).digest(), Buffer.from(body)]);

describe('the cache of CEL rule outcomes, for the CLI’s validate (issue 25: CLI start)', () => {
  const schema = () => ({ type: 'object', properties: { a: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.a == 1', message: 'a must be 1' }] });
  const celr = () => readdirSync(dir).filter((f) => f.endsWith('.celr'));

  it('GIVEN the outcome cache on WHEN a node is checked twice THEN the second outcome is read from the file the first wrote; other material is another file; without the option nothing is written', () => {
    // GIVEN
    useCrdValidatorCache(dir);
    let evaluated = 0;
    const evaluate = () => {
      evaluated++;
      return [1];
    };
    // WHEN the cache is on without CEL outcomes
    expect(cachedCelOutcome(() => ['code', 'rules', 'schema', '{"a":2}'], 2, evaluate)).toEqual([1]);
    expect(celr()).toEqual([]);
    // WHEN with them
    useCrdValidatorCache(dir, { celOutcomes: true });
    const first = cachedCelOutcome(() => ['code', 'rules', 'schema', '{"a":2}'], 2, evaluate);
    const second = cachedCelOutcome(() => ['code', 'rules', 'schema', '{"a":2}'], 2, evaluate);
    const otherCode = cachedCelOutcome(() => ['code 2', 'rules', 'schema', '{"a":2}'], 2, evaluate);
    // THEN
    expect([first, second, otherCode]).toEqual([[1], [1], [1]]);
    expect(evaluated).toBe(3);
    expect(celr()).toHaveLength(2);
  });

  it('GIVEN an outcome file changed on disk THEN a well-formed one decides the finding (the check reads it), and a damaged one or indices of no rule are evaluated again and rewritten', () => {
    // GIVEN a node that fails its rule, checked once with the cache
    useCrdValidatorCache(dir, { celOutcomes: true });
    const data = { a: 2 };
    expect(celFindings(data, schema(), 'x.yaml').map((f) => f.message)).toEqual(['a must be 1 (x-kubernetes-validations rule `self.a == 1`): the API server rejects it.']);
    const [file] = celr();
    const written = readFileSync(path.join(dir, file!));
    // WHEN the file says it passes (a new schema object each time: the process's own memo is per schema node)
    writeFileSync(path.join(dir, file!), checked('[]'));
    const planted = celFindings(data, schema(), 'x.yaml');
    writeFileSync(path.join(dir, file!), Buffer.concat([written.subarray(0, 33), Buffer.from('[]')]));
    const damaged = celFindings(data, schema(), 'x.yaml');
    const rewrittenAfterDamage = readFileSync(path.join(dir, file!));
    writeFileSync(path.join(dir, file!), checked('[7]'));
    const noSuchRule = celFindings(data, schema(), 'x.yaml');
    // THEN
    expect(planted).toEqual([]);
    expect(damaged).toHaveLength(1);
    expect(rewrittenAfterDamage).toEqual(written);
    expect(noSuchRule).toHaveLength(1);
    expect(readFileSync(path.join(dir, file!))).toEqual(written);
  });

  it('GIVEN the same rule and data under a number and an integer schema THEN their outcomes are cached apart (the schema decides how numbers become CEL values)', () => {
    // GIVEN
    useCrdValidatorCache(dir, { celOutcomes: true });
    const asNumber = { ...schema(), properties: { a: { type: 'number' } }, 'x-kubernetes-validations': [{ rule: 'type(self.a) == int' }] };
    const asInteger = { ...schema(), 'x-kubernetes-validations': [{ rule: 'type(self.a) == int' }] };
    // WHEN
    const findings = [celFindings({ a: 1 }, asInteger, 'x.yaml'), celFindings({ a: 1 }, asNumber, 'x.yaml'), celFindings({ a: 1 }, structuredClone(asInteger), 'x.yaml')];
    // THEN 1 under an integer schema is a CEL int, under a number schema a double
    expect(findings.map((f) => f.length)).toEqual([0, 1, 0]);
    expect(celr()).toHaveLength(2);
  });

  it(`GIVEN more than ${CEL_OUTCOME_LOOKUPS} nodes in one process THEN the rest are evaluated without reading or writing files`, () => {
    // GIVEN
    useCrdValidatorCache(dir, { celOutcomes: true });
    // WHEN
    const outcomes = Array.from({ length: CEL_OUTCOME_LOOKUPS + 10 }, (_, i) => cachedCelOutcome(() => ['code', 'rules', 'schema', String(i)], 1, () => [0]));
    // THEN
    expect(outcomes.every((o) => o.length === 1 && o[0] === 0)).toBe(true);
    expect(celr()).toHaveLength(CEL_OUTCOME_LOOKUPS);
  });
});

describe('the cache of the core kinds’ validators: each kubernetes-models module graph as one script (issue 25: CLI start)', () => {
  type Validator = ((data: unknown) => boolean) & { errors?: unknown };
  const nodeRequire = createRequire(import.meta.url);
  const scripts = () => readdirSync(dir).filter((f) => f.endsWith('.js'));

  it('GIVEN every catalogued core kind THEN the validator run from its cached script returns the result and errors of the one Node’s require loads, on objects of that kind, faulty ones and random ones', async () => {
    // GIVEN
    const modelsDir = kubernetesModelsDir();
    const { kinds } = await loadCoreCatalogue();
    expect(kinds.length).toBeGreaterThan(100);
    useCrdValidatorCache(dir, { coreScripts: true });
    const random = fc.sample(fc.jsonValue(), { numRuns: 20, seed: 25 });
    for (const k of kinds) {
      const file = k.file.replace(/\.mjs$/, '.js');
      // WHEN written, then read back
      requireCoreValidator(modelsDir, file);
      const cached = (requireCoreValidator(modelsDir, file) as { validate: Validator }).validate;
      const required = (nodeRequire(path.join(modelsDir, file)) as { validate: Validator }).validate;
      // THEN
      expect(cached).not.toBe(required);
      const base = { apiVersion: k.apiVersion, kind: k.kind, metadata: { name: 'x', labels: { a: 'b' } } };
      const docs: unknown[] = [
        {},
        base,
        { ...base, metadata: { name: 1, labels: { a: 1 }, creationTimestamp: 'yesterday' }, spec: { replicas: 'x', ports: [{ port: 70000, protocol: 'x' }], template: { spec: { containers: [{ name: 1, resources: { limits: { cpu: '1x' } } }] } } } },
        { ...base, spec: {}, data: { a: 1 }, rules: [{}], subjects: 'x', webhooks: [{}], status: { conditions: [{ lastTransitionTime: 'x' }] } },
        ...random.map((r) => ({ ...base, spec: r, status: r })),
      ];
      for (const doc of docs) {
        const a = required(structuredClone(doc));
        const aErrors = structuredClone(required.errors);
        const b = cached(structuredClone(doc));
        expect([b, cached.errors], `${k.apiVersion} ${k.kind}`).toEqual([a, aErrors]);
      }
    }
    expect(scripts()).toHaveLength(kinds.length);
  }, 120_000);

  it('GIVEN a cached script changed on disk THEN a well-formed one is what runs (the cache is read), and a damaged one is ignored: the script is made again from the installed files and rewritten', () => {
    // GIVEN
    const modelsDir = kubernetesModelsDir();
    const file = '_schemas/IoK8sApiCoreV1Service.js';
    useCrdValidatorCache(dir, { coreScripts: true });
    requireCoreValidator(modelsDir, file);
    const [script] = scripts();
    const written = readFileSync(path.join(dir, script!), 'utf8');
    // WHEN
    const code = "module.exports = { validate: 'planted' };";
    writeFileSync(path.join(dir, script!), `//cdk8s-delivery-validator sha256=${createHash('sha256').update(code).digest('hex')}\n${code}`);
    const planted = requireCoreValidator(modelsDir, file) as { validate: unknown };
    writeFileSync(path.join(dir, script!), written.replace('validate', 'vaIidate'));
    const damaged = requireCoreValidator(modelsDir, file) as { validate: Validator };
    // THEN
    expect(planted.validate).toBe('planted');
    expect(readFileSync(path.join(dir, script!), 'utf8')).toBe(written);
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { ports: [{ port: 'http' }] } };
    const required = (nodeRequire(path.join(modelsDir, file)) as { validate: Validator }).validate;
    expect([damaged.validate(service), damaged.validate.errors]).toEqual([required(service), required.errors]);
  });

  it('GIVEN no cache, a cache without the option (runSynth’s), or a module that requires other than a string literal THEN Node’s require loads the validator and nothing is written', () => {
    // GIVEN a package laid out as kubernetes-models, one of whose modules requires a computed name
    const modelsDir = path.join(dir, 'kubernetes-models');
    mkdirSync(path.join(modelsDir, '_schemas'), { recursive: true });
    mkdirSync(path.join(modelsDir, 'node_modules', '@kubernetes-models'), { recursive: true });
    symlinkSync(path.join(kubernetesModelsDir(), '..', '@kubernetes-models', 'apimachinery'), path.join(modelsDir, 'node_modules', '@kubernetes-models', 'apimachinery'));
    writeFileSync(path.join(modelsDir, 'package.json'), JSON.stringify({ name: 'kubernetes-models', version: '0.0.0' }));
    writeFileSync(path.join(modelsDir, '_schemas', 'A.js'), 'exports.b = require("./B.js");');
    writeFileSync(path.join(modelsDir, '_schemas', 'B.js'), 'const name = "./C.js"; exports.c = require(name);');
    writeFileSync(path.join(modelsDir, '_schemas', 'C.js'), 'exports.validate = () => true;');
    const cacheDir = path.join(dir, 'cache');
    // WHEN
    const withoutCache = requireCoreValidator(kubernetesModelsDir(), '_schemas/IoK8sApiCoreV1Service.js');
    useCrdValidatorCache(cacheDir);
    const withoutTheOption = requireCoreValidator(kubernetesModelsDir(), '_schemas/IoK8sApiCoreV1Service.js');
    useCrdValidatorCache(cacheDir, { coreScripts: true });
    const computed = requireCoreValidator(modelsDir, '_schemas/A.js');
    // THEN
    expect(withoutCache).toBe(nodeRequire(path.join(kubernetesModelsDir(), '_schemas/IoK8sApiCoreV1Service.js')));
    expect(withoutTheOption).toBe(withoutCache);
    expect(computed).toBe(nodeRequire(path.join(modelsDir, '_schemas/A.js')));
    expect(existsSync(cacheDir) ? readdirSync(cacheDir) : []).toEqual([]);
  });
});
