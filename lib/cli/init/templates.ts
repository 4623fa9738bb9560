/**
 * The files `cdk8s-delivery init` writes: a platform repository that depends on cdk8s-delivery. Kept as
 * a TypeScript module (no template files to find at run time). `{{name}}` and the versions are filled in by
 * {@link starterFiles}.
 */

/** What the starter is made from. */
export interface StarterSettings {
  /** The platform name (a DNS label): the package name, the Platform construct id and the dist/ folder. */
  readonly name: string;
  /** The cdk8s-delivery version init comes from (the validation plugin's version in cdk8s.yaml). */
  readonly version: string;
  /** The starter's dependency spec for cdk8s-delivery (see ../init/dependency-source.ts). */
  readonly dependency: string;
  /** Version ranges of the peer dependencies, cdk8s and constructs. */
  readonly peers: Readonly<Record<'cdk8s' | 'constructs', string>>;
  /** Exact versions of the dev tools: tsx, typescript, cdk8s-cli, @types/node. */
  readonly tools: Readonly<Record<'tsx' | 'typescript' | 'cdk8s-cli' | '@types/node', string>>;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Every file of the starter, by path relative to the target folder, in a stable order. */
export function starterFiles(s: StarterSettings): ReadonlyMap<string, string> {
  return new Map<string, string>([
    ['package.json', json({
      name: s.name,
      version: '0.1.0',
      private: true,
      type: 'module',
      engines: { node: '^20.19.0 || ^22.12.0 || ^24.0.0' }, // the lines cdk8s-delivery is tested on (its own engines)
      scripts: {
        // The preload turns a TypeScript syntax error into one block with file:line (tsx prints esbuild's stack).
        // One node process with tsx's loader (the tsx CLI starts two).
        synth: 'node --import tsx --import cdk8s-delivery/app-errors apps/main.ts',
        // `cdk8s synth` runs the app and then the validation plugin (cdk8s.yaml); cdk8s-cli's upgrade check needs
        // the internet and prints a stack trace without it.
        check: 'CDK8S_CHECK_UPGRADE=false cdk8s synth',
        typecheck: 'tsc --noEmit',
        validate: 'cdk8s-delivery validate dist',
        diff: 'cdk8s-delivery diff --base origin/main',
      },
      dependencies: { 'cdk8s-delivery': s.dependency, cdk8s: s.peers.cdk8s, constructs: s.peers.constructs },
      devDependencies: { '@types/node': s.tools['@types/node'], 'cdk8s-cli': s.tools['cdk8s-cli'], tsx: s.tools.tsx, typescript: s.tools.typescript },
    })],
    ['tsconfig.json', json({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2022'],
        types: ['node'],
        strict: true,
        noEmit: true,
        isolatedModules: true,
        forceConsistentCasingInFileNames: true,
      },
      include: ['apps/**/*.ts'],
    })],
    ['cdk8s.yaml', `# \`cdk8s synth\` runs apps/main.ts. The app writes dist/ itself: one file per object, replaced atomically, and
# only when every check passes. cdk8s-cli wipes its \`output\` folder on every run, so that is a scratch folder
# (.cdk8s.out/, git-ignored) where the app leaves the combined manifests the validation plugin below reads;
# no combined *.k8s.yaml file ever lands in dist/.
language: typescript
app: node --import tsx --import cdk8s-delivery/app-errors apps/main.ts
output: .cdk8s.out
validations:
  - package: ./node_modules/cdk8s-delivery/build/cjs/plugin.cjs
    version: ${s.version}
    class: DeliveryValidation
    # properties: { crds: ./crds, policy: restricted }   # crds: extra CRDs, added to the pinned ones; policy: restricted (default), baseline or none
`],
    ['apps/main.ts', `import { App } from 'cdk8s';
import { Autoscaling, Environment, GitOpsTarget, Platform, Probe, QueueWorker, StatelessService, runSynth } from 'cdk8s-delivery';

// Replace the images with yours: staging and prod require digests (\`crane digest <image>\` or your CI's output).
const API_IMAGE = 'ghcr.io/${s.name}/api@sha256:0000000000000000000000000000000000000000000000000000000000000001';
const WORKER_IMAGE = 'ghcr.io/${s.name}/worker@sha256:0000000000000000000000000000000000000000000000000000000000000002';

/** The platform: dev and staging roll fast, prod ships the API as an Argo Rollouts canary. */
export function platform(): App {
  const app = new App();
  const platform = new Platform(app, '${s.name}', {
    environments: [Environment.dev(), Environment.staging(), Environment.prod()],
    gitops: GitOpsTarget.argoCd({ repoURL: 'https://github.com/${s.name}/platform.git', targetRevision: 'main' }),
  });
  platform.forEachEnvironment((env) => {
    // A traffic-serving service. Prod: an Argo Rollouts canary, 10% → analysis → 30% → analysis → 100%, 10 pods
    // approximating 10% without a traffic router (add \`trafficRouter\` for weighted routing). Each analysis is the
    // AnalysisTemplate api-slo, derived from the default SLOs (99.5 % success, p99 500 ms, OpenTelemetry HTTP
    // metrics in Prometheus): set \`slo\` for your objectives, metric names and Prometheus address.
    // Dev and staging: a Deployment with a rolling update.
    new StatelessService(env, 'api', {
      image: API_IMAGE,
      port: 8080,
      readinessProbe: Probe.httpGet('/readyz'),
      replicas: 10,
      environments: { dev: { replicas: 2 } },
    });
    // A queue consumer: rolling update everywhere, scaled by an HPA (or KEDA: Autoscaling.natsJetStream(...)).
    new QueueWorker(env, 'worker', {
      image: WORKER_IMAGE,
      autoscaling: Autoscaling.horizontal({ minReplicas: 2, maxReplicas: 6 }),
    });
  });
  return app;
}

await runSynth(platform, { outdir: 'dist' });
`],
    ['.gitignore', 'node_modules/\n.cdk8s.out/\n*.log\n'],
    ['.github/workflows/platform.yaml', `# Every push and pull request: install, type-check, synthesize, fail when the committed dist/ is not what the code
# produces, validate dist/ (upstream schemas, Argo Rollouts, KEDA, Argo CD, Pod Security "restricted"), and on a
# pull request post the semantic diff of dist/ against the base branch as a comment.
name: platform
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
  pull-requests: write
jobs:
  platform:
    runs-on: ubuntu-latest
    env:
      CDK8S_CHECK_UPGRADE: 'false' # cdk8s-cli's upgrade check
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0 # the diff and the migration checks read the base branch
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      - run: npm run typecheck
      - name: synth (dist/ must be committed as the code produces it)
        run: |
          npm run synth
          if [ -n "$(git status --porcelain -- dist)" ]; then
            echo "::error::dist/ differs from a fresh synth: run 'npm run synth' and commit dist/"
            git status --porcelain -- dist
            git --no-pager diff --stat -- dist
            exit 1
          fi
      - run: npm run validate
      - name: review comment (semantic diff of dist/)
        if: github.event_name == 'pull_request'
        env:
          GH_TOKEN: \${{ github.token }}
          PR: \${{ github.event.pull_request.number }}
        run: |
          npx --no cdk8s-delivery diff --base "origin/\${{ github.base_ref }}" --format markdown > diff.md
          gh pr comment "$PR" --body-file diff.md --edit-last || gh pr comment "$PR" --body-file diff.md
`],
  ]);
}
