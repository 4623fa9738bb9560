import { Duration } from 'cdk8s';
import { beforeAll, describe, expect, it } from 'vitest';
import { Environment } from '../../../lib/core/environment.js';
import { FluxGitRef } from '../../../lib/gitops/flux/flux-target.js';
import { GitOpsTarget } from '../../../lib/gitops/targets.js';
import { DELIVERY_STAGES } from '../../../lib/platform/output-folder.js';
import { SynthesizedObject, toYaml } from '../../../lib/synth/synthesizer.js';
import { SchemaValidator } from '../../../lib/validation/schema-validator.js';
import { synthFindings } from '../../helpers.js';
import { ENVIRONMENTS, migrationJob, synthWith } from './fixture.js';

const flux = () => GitOpsTarget.flux({ url: 'https://github.com/acme/platform.git', ref: FluxGitRef.branch('main') });

// GIVEN the fixture platform (controllers, Redis, a migration Job, a canary API, a blue-green web) on Flux
const objects = synthWith(flux());
const inEnv = (env: string, folder: string) => objects.filter((o) => o.path.startsWith(`acme/${env}/${folder}/`));
const kustomizations = (env: string) => inEnv(env, 'flux').filter((o) => o.manifest.kind === 'Kustomization').map((o) => o.manifest);
const unitFolders = (env: string) => [...new Set(objects.filter((o) => o.stage && o.path.startsWith(`acme/${env}/`)).map((o) => o.path.split('/')[2]))].sort();
const stageOf = (env: string, folder: string) => objects.find((o) => o.stage && o.path.startsWith(`acme/${env}/${folder}/`))!.stage!;

describe('the Flux tree', () => {
  it.each(ENVIRONMENTS)('%s: one Kustomization per unit folder, each path an existing folder of the output', (env) => {
    // THEN every unit folder has exactly one Kustomization, and every Kustomization path is a synthesized folder
    const ks = kustomizations(env);
    expect(ks.map((k) => k.spec.path).sort()).toEqual(unitFolders(env).map((f) => `./dist/acme/${env}/${f}`));
    expect(unitFolders(env)).toEqual(['api', 'db-migrations', 'orders-db', 'platform', 'redis', 'web']);
    for (const k of ks) {
      expect(k.metadata.name).toBe(`acme-${env}-${k.spec.path.split('/').pop()}`);
      expect(k.metadata.namespace).toBe('flux-system');
      expect([k.spec.prune, k.spec.wait, k.spec.interval, k.spec.retryInterval, k.spec.timeout]).toEqual([true, true, '10m', '2m', '15m']);
    }
  });

  it.each(ENVIRONMENTS)('%s: every sourceRef resolves to the emitted GitRepository', (env) => {
    const sources = inEnv(env, 'flux').filter((o) => o.manifest.kind === 'GitRepository').map((o) => o.manifest);
    expect(sources.map((s) => [s.metadata.namespace, s.metadata.name, s.spec])).toEqual([
      ['flux-system', `acme-${env}`, { interval: '1m', url: 'https://github.com/acme/platform.git', ref: { branch: 'main' } }],
    ]);
    const root = inEnv(env, 'bootstrap').map((o) => o.manifest);
    for (const k of [...kustomizations(env), ...root]) {
      const resolved = sources.filter((s) => s.kind === k.spec.sourceRef.kind && s.metadata.name === k.spec.sourceRef.name && s.metadata.namespace === (k.spec.sourceRef.namespace ?? k.metadata.namespace));
      expect(resolved, k.metadata.name).toHaveLength(1);
    }
  });

  it.each(ENVIRONMENTS)('%s: the root Kustomization applies the flux/ folder, which holds the GitRepository and the unit Kustomizations', (env) => {
    const root = inEnv(env, 'bootstrap');
    expect(root.map((o) => o.path)).toEqual([`acme/${env}/bootstrap/kustomization-acme-${env}.yaml`]);
    expect(root[0].manifest.spec).toEqual({ interval: '10m', retryInterval: '2m', timeout: '15m', path: `./dist/acme/${env}/flux`, sourceRef: { kind: 'GitRepository', name: `acme-${env}` }, prune: true, wait: false });
    expect(inEnv(env, 'flux').length).toBe(1 + unitFolders(env).length);
  });

  it.each(ENVIRONMENTS)('%s: dependsOn is acyclic and reproduces the stage order platform → data → migration → app', (env) => {
    const ks = kustomizations(env);
    const folder = (name: string) => name.slice(`acme-${env}-`.length);
    const edges = new Map<string, string[]>(ks.map((k) => [folder(k.metadata.name), (k.spec.dependsOn ?? []).map((d: { name: string }) => folder(d.name))]));
    // THEN each unit depends on exactly the units of the nearest earlier non-empty stage
    expect(Object.fromEntries(edges)).toEqual({
      platform: [],
      'orders-db': ['platform'],
      redis: ['platform'],
      'db-migrations': ['orders-db', 'redis'],
      api: ['db-migrations'],
      web: ['db-migrations'],
    });
    for (const [unit, deps] of edges) {
      for (const dep of deps) expect(DELIVERY_STAGES.indexOf(stageOf(env, dep)), `${unit} → ${dep}`).toBeLessThan(DELIVERY_STAGES.indexOf(stageOf(env, unit)));
    }
    // AND a topological sort consumes every unit (no cycle), platform first and the apps last
    const order: string[] = [];
    const pending = new Map(edges);
    while (pending.size > 0) {
      const ready = [...pending].filter(([, deps]) => deps.every((d) => order.includes(d))).map(([u]) => u).sort();
      expect(ready.length, `cycle among ${[...pending.keys()]}`).toBeGreaterThan(0);
      for (const u of ready) pending.delete(u);
      order.push(...ready);
    }
    expect(order).toEqual(['platform', 'orders-db', 'redis', 'db-migrations', 'api', 'web']);
  });

  it('without a migration unit, the apps depend on the data units directly', () => {
    // GIVEN a platform whose data stage has a unit and whose migration stage is empty
    const objs = synthWith(flux(), (env) => migrationJob(env), [Environment.prod()]);
    const ks = objs.filter((o) => o.manifest.kind === 'Kustomization' && o.path.includes('/flux/')).map((o) => [o.manifest.metadata.name, o.manifest.spec.dependsOn]);
    // THEN the migration unit depends on the platform, the last non-empty stage before it
    expect(ks).toEqual([
      ['acme-prod-db-migrations', [{ name: 'acme-prod-platform' }]],
      ['acme-prod-platform', undefined],
    ]);
  });

  it('forces the migration Kustomization (an immutable Job is recreated) and waits for the Job; no other unit is forced', () => {
    const ks = kustomizations('prod');
    const migration = ks.find((k) => k.metadata.name === 'acme-prod-db-migrations')!;
    expect([migration.spec.force, migration.spec.wait]).toEqual([true, true]);
    expect(inEnv('prod', 'db-migrations').map((o) => o.manifest.kind)).toEqual(['Job']);
    expect(ks.filter((k) => k.spec.force).map((k) => k.metadata.name)).toEqual(['acme-prod-db-migrations']);
    // AND every app waits for it
    for (const app of ['api', 'web']) expect(ks.find((k) => k.metadata.name === `acme-prod-${app}`)!.spec.dependsOn).toEqual([{ name: 'acme-prod-db-migrations' }]);
  });

  it('checks Rollouts with CEL on status.phase (kstatus cannot read them), only in units that hold a Rollout', () => {
    const withExprs = (env: string) => kustomizations(env).filter((k) => k.spec.healthCheckExprs).map((k) => k.metadata.name);
    expect(withExprs('prod')).toEqual(['acme-prod-api', 'acme-prod-web']);
    expect(withExprs('staging')).toEqual([]);
    expect(kustomizations('prod').find((k) => k.metadata.name === 'acme-prod-api')!.spec.healthCheckExprs).toEqual([
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', failed: "status.phase == 'Degraded'", current: "status.phase == 'Healthy'" },
    ]);
  });

  it('ignores exactly the HTTPRoute weights the Gateway API plugin moves, and only where a canary runs', () => {
    const withIgnore = ENVIRONMENTS.flatMap((env) => kustomizations(env).filter((k) => k.spec.ignore).map((k) => k.metadata.name));
    expect(withIgnore).toEqual(['acme-prod-api']);
    const [rule] = kustomizations('prod').find((k) => k.metadata.name === 'acme-prod-api')!.spec.ignore;
    expect(rule).toEqual({ paths: ['/spec/rules/0/backendRefs/0/weight', '/spec/rules/0/backendRefs/1/weight'], target: { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'api', namespace: 'acme-prod' } });
    // AND each pointer names a weight that exists in the route as emitted
    const route = inEnv('prod', 'api').find((o) => o.manifest.kind === 'HTTPRoute')!.manifest;
    for (const path of rule.paths) {
      const [, , , i, , j] = path.split('/');
      expect(route.spec.rules[Number(i)].backendRefs[Number(j)].weight, path).toBeTypeOf('number');
    }
  });

  it('protects the data from Flux pruning the way Flux reads it: prune disabled on the object itself, no Argo CD annotation (issue 20)', () => {
    // GIVEN the database custom resource, deletion-protected (Argo CD: Prune=false,Delete=false)
    const cluster = inEnv('prod', 'orders-db')[0].manifest;
    // THEN under Flux it carries kustomize-controller's annotation, and nothing of Argo CD's
    expect(cluster.metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    expect(kustomizations('prod').filter((k) => k.spec.patches).map((k) => k.metadata.name)).toEqual([]);
    // AND the Helm-based Redis, a Flux object itself, carries it too
    const redis = inEnv('prod', 'redis').find((o) => o.manifest.kind === 'HelmRelease')!.manifest;
    expect(redis.metadata.annotations).toEqual({ 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
    // AND no object of the tree, the Flux objects included, has an Argo CD annotation or sync wave
    expect(objects.filter((o) => Object.keys(o.manifest.metadata?.annotations ?? {}).some((k) => k.startsWith('argocd.argoproj.io/'))).map((o) => o.path)).toEqual([]);
  });

  it('validates every Flux object against the pinned Flux CRDs', async () => {
    const validator = await SchemaValidator.load();
    const gitops = objects.filter((o) => !o.stage);
    expect(gitops.length).toBe(3 * (1 + 6 + 1));
    expect(gitops.flatMap((o) => validator.validate(o.manifest, o.path))).toEqual([]);
  });

  it.each(ENVIRONMENTS)('%s: snapshot of the GitOps layer', (env) => {
    const yaml = objects.filter((o: SynthesizedObject) => !o.stage && o.path.startsWith(`acme/${env}/`)).map((o) => `# ${o.path}\n${toYaml(o.manifest)}`).join('---\n');
    expect(yaml).toMatchSnapshot();
  });
});

describe('Flux target options', () => {
  it('renders the ref, credentials, namespace, intervals and the output path inside the repository', () => {
    // GIVEN a tag, a private repository, another Flux namespace and dist/ under deploy/out/
    const target = GitOpsTarget.flux({
      url: 'ssh://git@github.com/acme/platform.git',
      ref: FluxGitRef.tag('v1.4.0'),
      secretName: 'platform-deploy-key',
      namespace: 'gitops',
      sourceInterval: Duration.minutes(5),
      interval: Duration.hours(1),
      retryInterval: Duration.seconds(90),
      timeout: Duration.minutes(30),
    });
    const objs = synthWith(target, (env) => migrationJob(env), [Environment.prod()], './deploy/out/');
    const at = (path: string) => objs.find((o) => o.path === path)!.manifest;
    // THEN
    expect(at('acme/prod/flux/gitrepository-acme-prod.yaml').spec).toEqual({ interval: '5m', url: 'ssh://git@github.com/acme/platform.git', ref: { tag: 'v1.4.0' }, secretRef: { name: 'platform-deploy-key' } });
    const unit = at('acme/prod/flux/kustomization-acme-prod-db-migrations.yaml');
    expect([unit.metadata.namespace, unit.spec.path, unit.spec.interval, unit.spec.retryInterval, unit.spec.timeout]).toEqual(['gitops', './deploy/out/acme/prod/db-migrations', '1h', '1m30s', '30m']);
    expect(at('acme/prod/bootstrap/kustomization-acme-prod.yaml').spec.path).toBe('./deploy/out/acme/prod/flux');
  });

  it('pins a commit', () => {
    const objs = synthWith(GitOpsTarget.flux({ url: 'https://github.com/acme/platform.git', ref: FluxGitRef.commit('0123456789abcdef0123456789abcdef01234567') }), (env) => migrationJob(env), [Environment.prod()]);
    expect(objs.find((o) => o.manifest.kind === 'GitRepository')!.manifest.spec.ref).toEqual({ commit: '0123456789abcdef0123456789abcdef01234567' });
  });

  it('rejects, all at once, an scp-like URL, a short commit, a bad namespace and a sub-minute interval', () => {
    // GIVEN a target with four prop mistakes
    const target = GitOpsTarget.flux({ url: 'git@github.com:acme/platform.git', ref: FluxGitRef.commit('0123abc'), namespace: 'Flux', interval: Duration.seconds(30) });
    // WHEN it is synthesized THEN every problem is reported with its fix, located at the platform
    const findings = synthFindings(() => synthWith(target, (env) => migrationJob(env), [Environment.prod()]));
    expect(findings.map((f) => [f.location, f.field, f.value, f.rule])).toEqual([
      ['acme', 'gitops.url', 'git@github.com:acme/platform.git', 'props/invalid'],
      ['acme', 'gitops.ref.commit', '0123abc', 'props/invalid'],
      ['acme', 'gitops.namespace', 'Flux', 'props/invalid'],
      ['acme', 'gitops.interval', 30, 'props/invalid'],
    ]);
    expect(findings[0].message).toBe('is an scp-like Git address, which the Flux GitRepository refuses (its url must start with http://, https:// or ssh://)');
    expect(findings[0].fix).toBe('write it as "ssh://git@github.com/acme/platform.git"');
    expect(findings[3].message).toBe('must be a whole number of seconds of at least 60');
  });
});

let validator: SchemaValidator;
beforeAll(async () => {
  validator = await SchemaValidator.load();
});

describe('the validator is not vacuous for Flux objects', () => {
  it('rejects a misspelt Kustomization field and a sourceRef kind Flux does not know', () => {
    const k = structuredClone(kustomizations('prod')[0]);
    k.spec.dependOn = [];
    k.spec.sourceRef.kind = 'GitRepo';
    expect(validator.validate(k, 'x').map((f) => [f.rule, f.field])).toEqual([['schema/unknown-field', 'spec.dependOn'], ['schema/enum', 'spec.sourceRef.kind']]);
  });
});
