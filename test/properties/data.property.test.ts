import { Duration } from 'cdk8s';
import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { SecretKey } from '../../lib/config/secret-reference.js';
import { Nats } from '../../lib/data/helm/nats.js';
import { OpenSearch } from '../../lib/data/helm/opensearch.js';
import { Redis } from '../../lib/data/helm/redis.js';
import { ObjectStoreCredentials } from '../../lib/data/postgres/object-store-credentials.js';
import { PostgresBackup } from '../../lib/data/postgres/postgres-backup.js';
import { PostgresCluster, PrimaryUpdateMethod, PrimaryUpdateStrategy } from '../../lib/data/postgres/postgres-cluster.js';
import { Migration } from '../../lib/migrations/migration.js';
import { MigrationRunner } from '../../lib/migrations/migration-runner.js';
import { EnvironmentChart } from '../../lib/platform/platform.js';
import { Probe } from '../../lib/pod/probe.js';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { StatelessService } from '../../lib/workloads/stateless-service.js';
import * as arb from './arbitraries.js';
import { buildApp, ExpectedFinding, expectDocumentedFailure, expectPreviousOutputKept, expectValidOutput } from './harness.js';

// Runs per property, tuned so the file stays well under 20 s; raise with PROPERTY_RUNS=200 to dig deeper.
const RUNS = Number(process.env.PROPERTY_RUNS ?? 12);
let validator: SchemaValidator;
beforeAll(async () => {
  validator = await SchemaValidator.load();
});

const MIGRATIONS_DIR = 'test/fixtures/migrations/history';
const storageSize = fc.tuple(fc.integer({ min: 1, max: 999 }), fc.constantFrom('Mi', 'Gi', 'Ti', 'M', 'G')).map(([n, unit]) => `${n}${unit}`);
const identifier = fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/).filter((n) => !['postgres', 'template0', 'template1'].includes(n));
const secretKey = fc.tuple(arb.label, fc.stringMatching(/^[a-zA-Z][-._a-zA-Z0-9]{0,8}$/)).map(([s, k]) => SecretKey.of(s, k));
const backup = fc.oneof(
  fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() !== '').map((reason) => PostgresBackup.none(reason)),
  fc.record({
    bucket: arb.label, prefix: arb.label,
    credentials: fc.oneof(arb.label.map((secretName) => ObjectStoreCredentials.s3({ secretName })), fc.constant(ObjectStoreCredentials.s3IamRole())),
    retention: fc.option(fc.tuple(fc.integer({ min: 1, max: 90 }), fc.constantFrom('d', 'w', 'm')).map(([n, u]) => `${n}${u}`), { nil: undefined }),
    hour: fc.integer({ min: 0, max: 23 }),
  }).map((b) => PostgresBackup.objectStore({ destinationPath: `s3://${b.bucket}/${b.prefix}`, credentials: b.credentials, retentionPolicy: b.retention, schedule: `0 0 ${b.hour} * * *` })),
);

const postgresProps = fc.record({
  name: arb.name, image: arb.digestImage, storageSize, walStorageSize: fc.option(storageSize, { nil: undefined }), instances: fc.option(fc.integer({ min: 3, max: 7 }), { nil: undefined }),
  primaryUpdateStrategy: fc.option(fc.constantFrom(PrimaryUpdateStrategy.UNSUPERVISED, PrimaryUpdateStrategy.SUPERVISED), { nil: undefined }),
  primaryUpdateMethod: fc.option(fc.constantFrom(PrimaryUpdateMethod.SWITCHOVER, PrimaryUpdateMethod.RESTART), { nil: undefined }),
  resources: fc.option(arb.resources, { nil: undefined }), database: fc.option(identifier, { nil: undefined }), owner: fc.option(identifier, { nil: undefined }), backup,
}).map(({ name, ...props }) => ({ name, props }));

const helmProps = fc.record({ name: arb.name, storageSize: fc.option(storageSize, { nil: undefined }), replicas: fc.option(fc.constantFrom(3, 5, 7), { nil: undefined }), resources: fc.option(arb.resources, { nil: undefined }), secret: secretKey })
  .map(({ name, ...props }) => ({ name, props }));

const migrationProps = fc.record({
  name: arb.name.filter((n) => n !== 'db'), image: arb.digestImage, command: fc.array(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), { minLength: 1, maxLength: 3 }),
  lockSeconds: fc.integer({ min: 1, max: 60 }), statementSeconds: fc.integer({ min: 1, max: 3600 }), slack: fc.integer({ min: 1, max: 3600 }),
  backoffLimit: fc.integer({ min: 0, max: 6 }), resources: fc.option(arb.resources, { nil: undefined }),
  ownCommand: fc.boolean(),
}).map((m) => ({ name: m.name, props: { image: m.image, runner: m.ownCommand ? MigrationRunner.command(m.command) : MigrationRunner.psql(), migrationsDir: MIGRATIONS_DIR, lockTimeout: Duration.seconds(m.lockSeconds), statementTimeout: Duration.seconds(m.statementSeconds), activeDeadlineSeconds: m.statementSeconds + m.slack, backoffLimit: m.backoffLimit, resources: m.resources } }));

/** A Migration needs its database and release workload: both are built in every environment too. */
function buildMigration(env: EnvironmentChart, name: string, p: any) {
  const database = new PostgresCluster(env, 'db', { image: p.image, storageSize: '10Gi', backup: PostgresBackup.none('property test') });
  const release = new StatelessService(env, name, { image: p.image, readinessProbe: Probe.httpGet('/readyz'), replicas: 10 });
  // `image` is the release's (a Migration has no image prop: the strict props check would reject it).
  const { image: _image, ...props } = p;
  return new Migration(env, `${name}-migrations`, { ...props, database, release });
}

const CLASSES = {
  PostgresCluster: { props: postgresProps, build: (env: EnvironmentChart, name: string, p: any) => new PostgresCluster(env, name, p) },
  Redis: { props: helmProps, build: (env: EnvironmentChart, name: string, { secret, ...p }: any) => new Redis(env, name, { ...p, password: secret }) },
  Nats: { props: helmProps, build: (env: EnvironmentChart, name: string, { secret: _, ...p }: any) => new Nats(env, name, p) },
  OpenSearch: { props: helmProps, build: (env: EnvironmentChart, name: string, { secret, ...p }: any) => new OpenSearch(env, name, { ...p, adminPassword: secret }) },
  Migration: { props: migrationProps, build: buildMigration },
} as const;
type ClassName = keyof typeof CLASSES;

describe.each(Object.keys(CLASSES) as ClassName[])('%s with random valid props', (className) => {
  it('always synthesizes output that passes the full validation (schema, controller rules, Pod Security restricted)', () => {
    const { props, build } = CLASSES[className];
    fc.assert(fc.property(props as fc.Arbitrary<{ name: string; props: any }>, ({ name, props: p }) => expectValidOutput(buildApp((env) => build(env, name, p)), validator)), { numRuns: RUNS });
  });
});

const at = (env: string, name: string) => `acme/${env}/${name}`;
const HELM: readonly ClassName[] = ['Redis', 'Nats', 'OpenSearch'];

interface Family {
  readonly classes: readonly ClassName[];
  readonly breakProps: fc.Arbitrary<{ readonly patch: (props: any, className: ClassName) => any; readonly expected: (name: string, className: ClassName) => ExpectedFinding[] }>;
}

const FAMILIES: Readonly<Record<string, Family>> = {
  'image not pinned by digest where the environment requires it': {
    classes: ['PostgresCluster'],
    breakProps: arb.tagImage.map((image) => ({ patch: (p) => ({ ...p, image }), expected: (n) => ['staging', 'prod'].map((e) => ({ location: at(e, n), field: 'image', value: image, rule: 'props/image' })) })),
  },
  'storage size without a unit, or in GB': {
    classes: ['PostgresCluster', ...HELM],
    breakProps: fc.constantFrom('20', '20GB', '10 Gi', '0Gi').map((size) => ({ patch: (p) => ({ ...p, storageSize: size }), expected: (n) => [{ location: at('prod', n), field: 'storageSize', value: size }] })),
  },
  'no backup in a production-like environment': {
    classes: ['PostgresCluster'],
    breakProps: fc.constant({ patch: (p: any) => ({ ...p, backup: undefined }), expected: (n: string) => [{ location: at('prod', n), field: 'backup', value: undefined, rule: 'data/backup-required' }] }),
  },
  'fewer than three members in prod': {
    classes: ['PostgresCluster', ...HELM],
    breakProps: fc.constantFrom(1, 2).map((count) => ({
      patch: (p, c) => (c === 'PostgresCluster' ? { ...p, instances: count } : { ...p, replicas: count }),
      expected: (n, c) => [{ location: at('prod', n), field: c === 'PostgresCluster' ? 'instances' : 'replicas', value: count, rule: c === 'PostgresCluster' || count === 1 ? 'data/high-availability' : 'data/odd-members' }],
    })),
  },
  'database name that PostgreSQL reserves': {
    classes: ['PostgresCluster'],
    breakProps: fc.constantFrom('postgres', 'template1', 'Orders', '1db').map((database) => ({ patch: (p) => ({ ...p, database, owner: 'app' }), expected: (n) => [{ location: at('prod', n), field: 'database', value: database }] })),
  },
  'credential Secret that cannot exist': {
    classes: ['Redis', 'OpenSearch'],
    breakProps: fc.constantFrom('Redis_Auth', '-auth', 'a'.repeat(254)).map((secretName) => ({
      patch: (p) => ({ ...p, secret: SecretKey.of(secretName, 'password') }),
      expected: (n, c) => [{ location: at('prod', n), field: `${c === 'Redis' ? 'password' : 'adminPassword'}.secretName`, value: secretName }],
    })),
  },
  'migration Job that would be killed mid-statement': {
    classes: ['Migration'],
    breakProps: fc.integer({ min: 0, max: 100 }).map((less) => ({
      patch: (p) => ({ ...p, activeDeadlineSeconds: Math.max(0, p.statementTimeout.toSeconds() - less) }),
      expected: () => [],
    })),
  },
  'migration retries out of range, or no command': {
    classes: ['Migration'],
    breakProps: fc.oneof(
      fc.integer({ min: 7, max: 50 }).map((backoffLimit) => ({ patch: (p: any) => ({ ...p, backoffLimit }), expected: (n: string) => [{ location: at('prod', `${n}-migrations`), field: 'backoffLimit', value: backoffLimit }] })),
      fc.constant({ patch: (p: any) => ({ ...p, runner: MigrationRunner.command([]) }), expected: (n: string) => [{ location: at('prod', `${n}-migrations`), field: 'runner', value: [] }] }),
      fc.constant({ patch: (p: any) => ({ ...p, migrationsDir: 'test/fixtures/migrations/missing' }), expected: (n: string) => [{ location: at('prod', `${n}-migrations`), field: 'migrationsDir', value: 'test/fixtures/migrations/missing' }] }),
    ),
  },
};

function brokenProps(className: ClassName, family: Family) {
  return fc.tuple(CLASSES[className].props as fc.Arbitrary<{ name: string; props: any }>, family.breakProps).map(([valid, broken]) => {
    const props = broken.patch(valid.props, className);
    const expected = broken.expected(valid.name, className);
    // The deadline family depends on the generated timeout: compute its finding from the patched props.
    const deadline = className === 'Migration' && expected.length === 0 ? [{ location: at('prod', `${valid.name}-migrations`), field: 'activeDeadlineSeconds', value: props.activeDeadlineSeconds }] : expected;
    return { name: valid.name, props, expected: deadline };
  });
}

const CASES = Object.entries(FAMILIES).flatMap(([family, f]) => f.classes.map((c) => [c, family] as const));

describe.each(CASES)('%s with %s', (className, family) => {
  it('always fails with a SynthError whose findings carry construct path, field, value, rule and fix', () => {
    fc.assert(fc.property(brokenProps(className, FAMILIES[family]!), ({ name, props, expected }) => {
      expectDocumentedFailure(() => buildApp((env) => CLASSES[className].build(env, name, props)), expected);
    }), { numRuns: Math.max(4, Math.round(RUNS / 2)) });
  });
});

describe('runSynth with random invalid props of any data service or migration', () => {
  it('never writes: the previous output stays byte-identical and the problems print without a stack trace', async () => {
    const anyBroken = fc.constantFrom(...CASES).chain(([className, family]) => brokenProps(className, FAMILIES[family]!).map((b) => ({ className, ...b })));
    await fc.assert(fc.asyncProperty(anyBroken, async ({ className, name, props }) => {
      await expectPreviousOutputKept(() => buildApp((env) => CLASSES[className].build(env, name, props)), validator);
    }), { numRuns: RUNS });
  });
});
