#!/usr/bin/env bash
# Consumer tests: cdk8s-delivery used the way a platform team uses it, from the packed tarball installed into
# fresh projects outside this repository (a temporary folder, under /tmp unless a shared/ is reachable from there):
#   (a) a project made by `cdk8s-delivery init` (ES modules, tsx, cdk8s-cli with the validation plugin)
#   (b) a CommonJS + ts-node project shaped like `cdk8s init typescript-app` (its tsconfig.json, no skipLibCheck)
#   (c) an ES module project compiled by tsc (NodeNext) and run by plain node
# In each: synthesize an app with a StatelessService, a QueueWorker, a PostgresCluster with a Migration and the
# Argo CD target; run `validate` and `lint-migrations` from the installed bin; assert objects and exit codes.
# Installs need the npm registry only. Prints "consumer checks: N ok, N failing"; exits 1 on any failure.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
FIXTURE="$REPO/.ci/consumer/app"
# A work folder with no shared/ in it or in any folder above it, so no ../shared is reachable from the projects
# (CI may lay the repository and shared/ side by side in /tmp: then another base is used).
clean_base() {
  local dir
  for base in /tmp /var/tmp "${HOME:-/root}"; do
    dir=$base
    while :; do
      [ -e "$dir/shared" ] && continue 2
      [ "$dir" = / ] && break
      dir=$(dirname "$dir")
    done
    [ -d "$base" ] && [ -w "$base" ] && { echo "$base"; return 0; }
  done
  return 1
}
BASE=$(clean_base) || { echo "no work folder without a shared/ above it (tried /tmp, /var/tmp, \$HOME)"; exit 1; }
WORK=$(mktemp -d "$BASE/cdk8s-delivery-consumer.XXXXXX")
NPM_INSTALL=(npm install --no-audit --no-fund --prefer-offline)
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "  ok   $1"; }
fail() { failed=$((failed + 1)); echo "  FAIL $1"; [ -f "$WORK/last.log" ] && tail -25 "$WORK/last.log" | sed 's/^/       | /'; return 0; }
# expect <name> <exit code> <command...>: runs the command (output in $WORK/last.log) and checks its exit code.
expect() {
  local name=$1 want=$2 got=0
  shift 2
  "$@" >"$WORK/last.log" 2>&1 || got=$?
  cp "$WORK/last.log" "$WORK/expect.log"
  if [ "$got" -eq "$want" ]; then ok "$name (exit $got)"; else fail "$name: exit $got, expected $want"; fi
}
# that <name> <command...>: a plain assertion.
that() {
  local name=$1
  shift
  if "$@" >"$WORK/last.log" 2>&1; then ok "$name"; else fail "$name"; fi
}
log_has() { grep -q -- "$1" "$WORK/expect.log"; } # in the output of the last `expect`
no_engine_warnings() { ! grep -q EBADENGINE "$1"; }
no_combined_files() { [ -z "$(find "$1" -name '*.k8s.yaml' -print -quit)" ]; }
has_objects() { # has_objects <dist>: the objects of the test app, by kind and file
  local d=$1/shop/prod
  grep -q '^kind: Rollout$' "$d/api/rollout-api.yaml" &&
    grep -q '^kind: Deployment$' "$d/worker/deployment-worker.yaml" &&
    grep -q '^kind: HorizontalPodAutoscaler$' "$d/worker/horizontalpodautoscaler-worker.yaml" &&
    grep -q '^kind: Cluster$' "$d/postgres/cluster-postgres.yaml" &&
    grep -q 'argocd.argoproj.io/hook: PreSync' "$d"/api-migrations/job-*.yaml &&
    grep -q '^kind: AppProject$' "$d/argocd/appproject-shop-prod.yaml" &&
    grep -q '^kind: Application$' "$d/bootstrap/application-shop-prod.yaml"
}
# checks <project dir> <bin>: validate and lint-migrations from the installed bin, with their exit codes.
checks() {
  local p=$1 bin=$2
  expect "validate dist/" 0 "$bin" validate "$p/dist"
  expect "lint-migrations migrations/" 0 "$bin" lint-migrations "$p/migrations"
  mkdir -p "$p/bad-migrations" && cp "$p/migrations/"*.sql "$p/bad-migrations/" && cp "$FIXTURE/unsafe.sql" "$p/bad-migrations/0002_drop.sql"
  expect "lint-migrations of a destructive migration" 1 "$bin" lint-migrations "$p/bad-migrations"
  expect "lint-migrations --verify (PGlite, from the installed package)" 0 "$bin" lint-migrations "$p/migrations" --verify
  cp -r "$p/dist/shop/prod" "$p/bad-manifests" && sed -i 's/^spec:$/specz: {}\nspec:/' "$p/bad-manifests/api/rollout-api.yaml"
  expect "validate of a misspelt field" 1 "$bin" validate "$p/bad-manifests"
  that "... names the object, the field and the rule, and nothing else" bash -c "grep -q 'Rollout/shop-prod/api: specz = {}: unknown field.*\\[schema/unknown-field\\]' '$WORK/expect.log' && grep -q '^validate: 1 error ' '$WORK/expect.log'"
}

echo "== consumer tests in $WORK"
echo "   (no shared/ in $WORK or any folder above it)"

echo "-- npm pack"
(cd "$REPO" && npm pack --silent --pack-destination "$WORK" >"$WORK/pack.log" 2>&1) || { cat "$WORK/pack.log"; exit 1; }
TARBALL=$(ls "$WORK"/cdk8s-delivery-*.tgz)
that "the tarball holds build/, schemas/, README, LICENSE and package.json only" \
  bash -c "tar -tzf '$TARBALL' | grep -Ev '^package/(build/|schemas/|README.md\$|LICENSE\$|package.json\$)' | (! grep .)"

echo "-- (d) the README's install commands, literally, in a fresh folder holding only the tarball"
D="$WORK/readme"
mkdir -p "$D" && cp "$TARBALL" "$D/"
sed -n '/<!-- install:begin/,/<!-- install:end/p' "$REPO/README.md" | sed -n '/^```sh$/,/^```$/p' | sed '1d;$d' >"$WORK/readme-install.sh"
that "the README's install block names this version's tarball ($(basename "$TARBALL"))" grep -q -- "--package ./$(basename "$TARBALL") " "$WORK/readme-install.sh"
{
  echo 'set -e'
  echo 'export GIT_AUTHOR_NAME=ci GIT_AUTHOR_EMAIL=ci@example.com GIT_COMMITTER_NAME=ci GIT_COMMITTER_EMAIL=ci@example.com'
  cat "$WORK/readme-install.sh"
} >"$WORK/readme-run.sh"
expect "the README's install block, run line by line (set -e)" 0 bash -c "cd '$D' && bash '$WORK/readme-run.sh'"
that "... no stack trace in its output (cdk8s-cli's upgrade check is off)" bash -c "! grep -qE '^[[:space:]]+at .+:[0-9]+:[0-9]+' '$WORK/expect.log'"
that "... the starter depends on the tarball it was made from" grep -q "\"cdk8s-delivery\": \"file:../$(basename "$TARBALL")\"" "$D/my-platform/package.json"
that "... and npm installed it from there, not from the registry" node -e "const p = require('$D/my-platform/package-lock.json').packages['node_modules/cdk8s-delivery']; if (!p || !String(p.resolved).startsWith('file:')) process.exit(1)"
that "... synthesized the starter" test -f "$D/my-platform/dist/my-platform/prod/api/rollout-api.yaml"

echo "-- (c) ES module project, compiled by tsc (NodeNext), run by node"
C="$WORK/c"
mkdir -p "$C/src" && cp "$FIXTURE/platform.ts" "$C/src/" && cp "$FIXTURE/main-esm.ts" "$C/src/main.ts" && cp -r "$FIXTURE/migrations" "$C/"
cat >"$C/package.json" <<'EOF'
{ "name": "consumer-esm", "version": "1.0.0", "private": true, "type": "module" }
EOF
cat >"$C/tsconfig.json" <<'EOF'
{ "compilerOptions": { "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext", "strict": true, "outDir": "out", "rootDir": "src", "types": ["node"] }, "include": ["src"] }
EOF
expect "install the tarball with cdk8s, constructs, typescript" 0 bash -c "cd '$C' && ${NPM_INSTALL[*]} '$TARBALL' cdk8s constructs typescript@5.9.3 @types/node@20 2>&1 | tee install.log"
that "... without engine warnings" no_engine_warnings "$C/install.log"
expect "tsc (NodeNext, the package's types)" 0 bash -c "cd '$C' && npx tsc -p ."
expect "node out/main.js synthesizes" 0 bash -c "cd '$C' && node out/main.js"
that "... the app's objects" has_objects "$C/dist"
expect "import { runSynth, SchemaValidator, lintMigrations } from 'cdk8s-delivery' in plain node" 0 bash -c "cd '$C' && node --input-type=module -e \"import { runSynth, SchemaValidator, lintMigrations, semanticDiff } from 'cdk8s-delivery'; for (const f of [runSynth, SchemaValidator.load, lintMigrations, semanticDiff]) if (typeof f !== 'function') process.exit(1);\""
checks "$C" "$C/node_modules/.bin/cdk8s-delivery"
mkdir -p "$WORK/crds" "$C/widgets"
cat >"$WORK/crds/widget.yaml" <<'EOF'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.com }
spec:
  group: example.com
  names: { kind: Widget, plural: widgets, singular: widget, listKind: WidgetList }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: { type: object, properties: { size: { type: integer } } }
EOF
printf 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: shop-prod}\nspec: {size: 3}\n' >"$C/widgets/widget.yaml"
cp "$C/dist/shop/prod/postgres/cluster-postgres.yaml" "$C/widgets/"
expect "validate of a kind of an API group no pinned CRD defines (not checked: a warning)" 0 "$C/node_modules/.bin/cdk8s-delivery" validate "$C/widgets"
that "... says it is not checked and names --crds in the fix" log_has '\[schema/unpinned-kind\] Fix: Add the upstream CRD that defines example.com/v1 Widget with `--crds <dir>`'
expect "validate --crds <dir> adds the CRD to the pinned ones (Widget and the pinned CNPG Cluster both known)" 0 "$C/node_modules/.bin/cdk8s-delivery" validate "$C/widgets" --crds "$WORK/crds"
sed -i 's/size: 3/size: big/' "$C/widgets/widget.yaml"
expect "validate --crds <dir> checks the added kind (size: big is not an integer)" 1 "$C/node_modules/.bin/cdk8s-delivery" validate "$C/widgets" --crds "$WORK/crds"
that "... names the field and the schema rule" log_has 'Widget/shop-prod/w: spec.size = "big".*\[schema/type\]'
mkdir -p "$WORK/reference/dist" && cp -r "$REPO/dist/." "$WORK/reference/dist/"
# One platform at a time: bitvault (Argo CD) and the homelab (Flux) are synced into different clusters.
expect "node build/esm/cli.js validate of the repository's reference dist/bitvault (copied to $WORK/reference/dist: Applications name their folders by repository path)" 0 \
  node "$C/node_modules/cdk8s-delivery/build/esm/cli.js" validate "$WORK/reference/dist/bitvault"
that "... checked every object" log_has '^validate: no errors'
expect "node build/esm/cli.js validate of the repository's reference dist/homelab (copied to $WORK/reference/dist: Applications name their folders by repository path)" 0 \
  node "$C/node_modules/cdk8s-delivery/build/esm/cli.js" validate "$WORK/reference/dist/homelab"
that "... checked every object" log_has '^validate: no errors'
# The installed CLI's cache of compiled CRD validators and parsed CEL rules (issue 25): without it, with an empty cache
# folder, with the one the first run filled, and with the V8 code caches the second wrote; the same findings each time.
VCACHE="$WORK/validator-cache"
mkdir -p "$WORK/cache-check" && cp "$WORK"/reference/dist/bitvault/dev/bitvault-web/*.yaml "$WORK/cache-check/"
sed -i 's|value: /$|value: api//v1|' "$WORK/cache-check/httproute-bitvault-web.yaml"
for run in off first second third; do
  expect "validate of a faulty HTTPRoute, validator cache: $run" 1 \
    env XDG_CACHE_HOME="$VCACHE" CDK8S_DELIVERY_VALIDATOR_CACHE="$([ $run = off ] && echo off || echo on)" \
    node "$C/node_modules/cdk8s-delivery/build/esm/cli.js" validate "$WORK/cache-check" --json
  cp "$WORK/expect.log" "$WORK/cache-$run.json"
done
that "... the CEL rules' findings, the same with and without the cache" bash -c \
  "grep -q '\"rule\": \"schema/cel\"' '$WORK/cache-off.json' && for r in first second third; do cmp -s '$WORK/cache-off.json' \"$WORK/cache-\$r.json\" || exit 1; done"
that "... the cache holds the HTTPRoute's validator, its V8 code cache and the parsed rules" bash -c \
  "ls '$VCACHE/cdk8s-delivery/validators' | grep -q '[.]js$' && ls '$VCACHE/cdk8s-delivery/validators' | grep -q '[.]v8$' && ls '$VCACHE/cdk8s-delivery/validators' | grep -q '[.]cel$'"

echo "-- (b) CommonJS + ts-node project shaped like cdk8s init typescript-app"
B="$WORK/b"
mkdir -p "$B" && cp "$FIXTURE/platform.ts" "$B/" && cp "$FIXTURE/main-cjs.ts" "$B/main.ts" && cp -r "$FIXTURE/migrations" "$B/"
TEMPLATE="$REPO/node_modules/cdk8s-cli/templates/typescript-app"
cp "$TEMPLATE/tsconfig.json" "$TEMPLATE/cdk8s.yaml" "$B/"
cat >"$B/package.json" <<'EOF'
{ "name": "consumer-cjs", "version": "1.0.0", "main": "main.js", "types": "main.ts", "license": "Apache-2.0", "private": true,
  "scripts": { "compile": "tsc --build", "synth": "cdk8s synth" } }
EOF
expect "install the tarball with cdk8s, constructs, ts-node, typescript" 0 bash -c "cd '$B' && ${NPM_INSTALL[*]} '$TARBALL' cdk8s constructs ts-node@10.9.2 typescript@5.9.3 @types/node@20 2>&1 | tee install.log"
that "... without engine warnings" no_engine_warnings "$B/install.log"
that "the template's tsconfig: CommonJS, no skipLibCheck" bash -c "grep -q '\"module\": \"CommonJS\"' '$B/tsconfig.json' && ! grep -q skipLibCheck '$B/tsconfig.json'"
expect "tsc --build with the template's settings (type-checks the package's .d.ts)" 0 bash -c "cd '$B' && npx tsc --build"
expect "the cdk8s.yaml app command (npx ts-node main.ts) synthesizes" 0 bash -c "cd '$B' && $(sed -n 's/^app: //p' "$B/cdk8s.yaml")"
that "... the app's objects" has_objects "$B/dist"
expect "node main.js (compiled CommonJS) synthesizes the same" 0 bash -c "cd '$B' && rm -rf dist && node main.js"
expect "require('cdk8s-delivery/plugin') is the cdk8s validation plugin class" 0 bash -c "cd '$B' && node -e \"const p = require('cdk8s-delivery/plugin'); if (typeof p.DeliveryValidation !== 'function') process.exit(1)\""
checks "$B" "$B/node_modules/.bin/cdk8s-delivery"

echo "-- (a) a project made by cdk8s-delivery init"
expect "npx --package <tarball> cdk8s-delivery init shop-platform" 0 bash -c "cd '$WORK' && npm exec --yes --prefer-offline --package='$TARBALL' -- cdk8s-delivery init shop-platform"
A="$WORK/shop-platform"
expect "npm install (the starter's dependencies, the tarball for cdk8s-delivery)" 0 bash -c "cd '$A' && ${NPM_INSTALL[*]} '$TARBALL' 2>&1 | tee install.log"
that "... without engine warnings" no_engine_warnings "$A/install.log"
expect "npm run synth of the starter" 0 bash -c "cd '$A' && npm run synth"
that "... a canary Rollout and a worker Deployment" bash -c "grep -q '^kind: Rollout$' '$A/dist/shop-platform/prod/api/rollout-api.yaml' && grep -q '^kind: Deployment$' '$A/dist/shop-platform/prod/worker/deployment-worker.yaml'"
expect "npm run typecheck" 0 bash -c "cd '$A' && npm run typecheck"
# issue 26: a TypeScript syntax error in the app is one block with file:line (the app-errors preload), not esbuild's stack.
cp "$A/apps/main.ts" "$WORK/main.ts.starter"
printf '\nconst broken = (;\n' >>"$A/apps/main.ts"
expect "npm run synth of an app with a syntax error fails" 1 bash -c "cd '$A' && npm run synth"
that "... in one block naming apps/main.ts:line:column, without esbuild's stack" bash -c "grep -q 'synth failed: the app has a syntax error' '$WORK/expect.log' && grep -q 'apps/main.ts:[0-9]*:[0-9]*: ' '$WORK/expect.log' && ! grep -q '^ *at ' '$WORK/expect.log'"
cp "$WORK/main.ts.starter" "$A/apps/main.ts"
expect "cdk8s synth (app, then the validation plugin)" 0 bash -c "cd '$A' && npx cdk8s synth"
that "... the plugin's report succeeded" log_has 'Validations ended succesfully'
that "... combined manifests in .cdk8s.out/ and none in dist/" bash -c "[ -n \"\$(find '$A/.cdk8s.out' -name '*.k8s.yaml')\" ] && [ -z \"\$(find '$A/dist' -name '*.k8s.yaml')\" ]"
expect "npm run validate" 0 bash -c "cd '$A' && npm run validate"
cp "$A/cdk8s.yaml" "$WORK/cdk8s.yaml.starter"
sed -i 's|^    # properties: .*|    properties: { policy: strict }|' "$A/cdk8s.yaml"
expect "cdk8s synth with an invalid plugin property (policy: strict) fails" 2 bash -c "cd '$A' && npx cdk8s synth"
that "... naming the property, its value and the allowed ones" log_has 'policy must be one of restricted, baseline, none, not "strict"'
cp "$WORK/cdk8s.yaml.starter" "$A/cdk8s.yaml"
cp "$FIXTURE/platform.ts" "$A/apps/platform.ts" && cp "$FIXTURE/main-esm.ts" "$A/apps/main.ts" && cp -r "$FIXTURE/migrations" "$A/" && rm -rf "$A/dist"
expect "npm run synth of the test app" 0 bash -c "cd '$A' && npm run synth"
that "... the app's objects" has_objects "$A/dist"
expect "npm run typecheck of the test app" 0 bash -c "cd '$A' && npm run typecheck"
checks "$A" "$A/node_modules/.bin/cdk8s-delivery"
cp "$FIXTURE/unsafe.sql" "$A/migrations/0002_drop.sql"
before=$(cd "$A" && find dist -type f -exec sha256sum {} + | sort | sha256sum)
expect "a synth with a destructive migration fails" 1 bash -c "cd '$A' && npm run synth"
that "... and leaves dist/ as it was" test "$before" = "$(cd "$A" && find dist -type f -exec sha256sum {} + | sort | sha256sum)"

# ---- strict props (issue 20): a plain JavaScript app with misspelt and missing props, in (c) (ES modules, the ESM
# bundle) and in (b) (CommonJS, the CJS bundle). The synth fails naming each prop and the nearest valid one, prints no
# stack trace, and leaves dist/ as it was.
strict_props() { # strict_props <project dir> <file>
  local p=$1 file=$2 before
  before=$(cd "$p" && find dist -type f -exec sha256sum {} + | sort | sha256sum)
  expect "node $file (misspelt props in plain JavaScript) fails the synth" 1 bash -c "cd '$p' && node $file"
  # The location reads shop/{dev,prod}/api: one line for a problem in both environments.
  that "... names autoscalling and the nearest valid prop" log_has 'shop/[^ ]*/api: autoscalling = "<Autoscaling>": is not a prop of StatelessServiceProps, so it would be silently ignored \[props/unknown\] Fix: did you mean `autoscaling`?'
  that "... names slo.latencyP99FailAbov and latencyP99FailAbove" log_has 'shop/[^ ]*/api: slo.latencyP99FailAbov = .*\[props/unknown\] Fix: did you mean `latencyP99FailAbove`?'
  that "... reports the Migration's missing migrationsDir instead of crashing" bash -c "grep -q 'shop/[^ ]*/api-migrations: migrationsDir = undefined: is required by MigrationProps \[props/required\]' '$WORK/expect.log' && ! grep -q 'Cannot read properties' '$WORK/expect.log'"
  that "... says what replaced the Migration's command prop, with the line to write" log_has 'shop/[^ ]*/api-migrations: command = \["api","migrate"\]: was replaced by `runner`.*\[props/replaced\] Fix: remove `command` to use the default (MigrationRunner.psql()), or keep .*`runner: MigrationRunner.command(\["api","migrate"\])`'
  that "... prints no stack trace" bash -c "! grep -qE '^ +at ' '$WORK/expect.log'"
  that "... and leaves dist/ as it was" test "$before" = "$(cd "$p" && find dist -type f -exec sha256sum {} + | sort | sha256sum)"
}
cp "$FIXTURE/misspelt-props.mjs" "$C/"
strict_props "$C" misspelt-props.mjs
sed -e "s|^import { App, Duration } from 'cdk8s';|const { App, Duration } = require('cdk8s');|" \
  -e "s|^import { \(.*\) } from 'cdk8s-delivery';|const { \1 } = require('cdk8s-delivery');|" \
  -e 's|^await runSynth(|void runSynth(|' "$FIXTURE/misspelt-props.mjs" >"$B/misspelt-props.cjs"
strict_props "$B" misspelt-props.cjs
# ---- end of strict props

# ---- our own platform (issue 20): a shop shaped like no reference platform (.ci/consumer/shop: per-environment
# controllers and Gateway, canaries with SLOs, blue-green, KEDA/NATS, Postgres + migrations, Redis, NATS, cdk8s-plus
# objects), written into the project the README's install block made, and taken through the starter's own CI workflow
# (its `run:` steps, literally), on Argo CD and on Flux, with a fake `gh` that refuses a comment GitHub would refuse.
echo "-- (e) our own platform in the README-made project, through the starter's CI workflow"
E="$D/my-platform"
export GIT_AUTHOR_NAME=ci GIT_AUTHOR_EMAIL=ci@example.com GIT_COMMITTER_NAME=ci GIT_COMMITTER_EMAIL=ci@example.com
SHOP="$REPO/.ci/consumer/shop"
expect "npm install cdk8s-plus-28 (plain cdk8s-plus objects beside the workloads)" 0 bash -c "cd '$E' && ${NPM_INSTALL[*]} cdk8s-plus-28@2.5.6"
cp "$SHOP/platform.ts" "$SHOP/main.ts" "$E/apps/" && cp "$SHOP/release.yaml" "$E/" && rm -rf "$E/migrations" && cp -r "$SHOP/migrations" "$E/migrations"
mkdir -p "$WORK/bin"
cat >"$WORK/bin/gh" <<'GH'
#!/usr/bin/env bash
# A stand-in for GitHub's CLI: records the comment, and refuses a body over GitHub's 65,536-character limit as GitHub does.
body=
while [ $# -gt 0 ]; do [ "$1" = --body-file ] && body=$2; shift; done
[ -n "$body" ] || { echo "gh: no --body-file" >&2; exit 1; }
cp "$body" "$GH_RECORD"
node -e 'const n = [...require("fs").readFileSync(process.argv[1], "utf8")].length; console.log(`gh: comment of ${n} characters`); if (n > 65536) { console.error("gh: Body is too long (maximum is 65536 characters)"); process.exit(1); }' "$body"
GH
chmod +x "$WORK/bin/gh"
# workflow_steps <event>: the `run:` steps of the starter's workflow for this event, as one bash script (set -e), with
# the step's env and the expressions GitHub would substitute.
workflow_steps() {
  node --input-type=module -e '
    import { readFileSync } from "node:fs";
    import { createRequire } from "node:module";
    const YAML = createRequire(process.argv[1] + "/")("yaml");
    const wf = YAML.parse(readFileSync(".github/workflows/platform.yaml", "utf8"));
    const event = process.argv[2];
    const sub = (s) => String(s).replace(/\$\{\{\s*github\.base_ref\s*\}\}/g, "main").replace(/\$\{\{\s*github\.token\s*\}\}/g, "fake-token")
      .replace(/\$\{\{\s*github\.event\.pull_request\.number\s*\}\}/g, "7");
    const out = ["set -euo pipefail"];
    for (const [k, v] of Object.entries(wf.jobs.platform.env ?? {})) out.push(`export ${k}=${JSON.stringify(sub(v))}`);
    for (const step of wf.jobs.platform.steps) {
      if (!step.run) continue;
      if (step.if && !(step.if === "github.event_name == \x27pull_request\x27" && event === "pull_request")) continue;
      out.push(`echo "::step:: ${step.name ?? step.run.split("\n")[0]}"`, "(", ...Object.entries(step.env ?? {}).map(([k, v]) => `export ${k}=${JSON.stringify(sub(v))}`), sub(step.run), ")");
    }
    console.log(out.join("\n"));
  ' "$REPO/node_modules" "$1"
}
(cd "$E" && workflow_steps push >"$WORK/workflow-push.sh" && workflow_steps pull_request >"$WORK/workflow-pr.sh")
that "the starter's workflow has the steps the README describes (npm ci, typecheck, synth, validate, diff, gh)" bash -c \
  "grep -q '^npm ci$' '$WORK/workflow-pr.sh' && grep -q '^npm run validate$' '$WORK/workflow-pr.sh' && grep -q 'cdk8s-delivery diff --base \"origin/main\"' '$WORK/workflow-pr.sh' && grep -q '^gh pr comment' '$WORK/workflow-pr.sh' && ! grep -q 'gh pr comment' '$WORK/workflow-push.sh'"
expect "npm run typecheck of the shop" 0 bash -c "cd '$E' && npm run typecheck"
expect "npm run synth of the shop (Argo CD, 20 more canary services)" 0 bash -c "cd '$E' && SHOP_SERVICES=20 npm run synth"
that "... one Argo CD per environment: an Application per unit, an AppProject per environment" bash -c \
  "for e in dev staging prod; do test -f '$E'/dist/shop/\$e/argocd/appproject-shop-\$e.yaml && test -f '$E'/dist/shop/\$e/bootstrap/application-shop-\$e.yaml && [ \$(grep -l '^kind: Application\$' '$E'/dist/shop/\$e/argocd/*.yaml | wc -l) -ge 10 ] || exit 1; done"
# issue 22: every analysed canary is scraped and watched, and its SLOs export as OpenSLO with the installed bin.
that "... a PodMonitor and an SLO PrometheusRule beside every analysed canary Rollout (issue 22)" bash -c \
  "cd '$E' && n=0 && for r in \$(grep -l 'templateName: .*-slo\$' dist/shop/prod/*/rollout-*.yaml); do d=\$(dirname \$r); ls \$d/podmonitor-*.yaml \$d/prometheusrule-*-slo.yaml >/dev/null || exit 1; n=\$((n + 1)); done; [ \$n -ge 20 ]"
expect "cdk8s-delivery slo export dist/shop/prod --format openslo (installed bin)" 0 bash -c "cd '$E' && npx --no-install cdk8s-delivery slo export dist/shop/prod --format openslo --out '$WORK/slos.yaml'"
that "... an OpenSLO v1 SLO per objective of every watched service" bash -c "[ \$(grep -c '^kind: SLO\$' '$WORK/slos.yaml') -eq \$((2 * \$(grep -c '^kind: Service\$' '$WORK/slos.yaml'))) ] && grep -q '^apiVersion: openslo/v1\$' '$WORK/slos.yaml' && [ \$(grep -c '^kind: Service\$' '$WORK/slos.yaml') -ge 20 ]"
that "... isolated by default: default-deny and DNS per environment, fulfilment → orders open at both ends (issue 23)" bash -c \
  "d='$E'/dist/shop/prod/platform && grep -q '^  name: default-deny\$' \$d/networkpolicy-default-deny.yaml && grep -q 'k8s-app: kube-dns' \$d/networkpolicy-allow-dns.yaml && grep -q 'app.kubernetes.io/name: orders' \$d/networkpolicy-fulfilment.yaml && grep -q 'app.kubernetes.io/name: fulfilment' \$d/networkpolicy-orders.yaml"
expect "git: main with the shop, pushed to an origin" 0 bash -c "cd '$E' && git branch -M main && git add -A && git commit -qm shop && git init -q --bare '$WORK/origin.git' && git remote add origin '$WORK/origin.git' && git push -q origin main && git fetch -q origin"
expect "the starter's workflow on a push to main (npm ci, typecheck, synth = committed dist/, validate)" 0 bash -c "cd '$E' && SHOP_SERVICES=20 bash '$WORK/workflow-push.sh'"
expect "npm run check (cdk8s synth: the app, then the validation plugin) of the shop" 0 bash -c "cd '$E' && SHOP_SERVICES=20 npm run check"
that "... the plugin's report succeeded" log_has 'Validations ended succesfully'
# A pull request that changes the SLO of every one of the 22 canary services, in every environment.
expect "a pull request changing every service's SLO: synth and commit" 0 bash -c "cd '$E' && git checkout -qb slo-change && SHOP_SERVICES=20 SHOP_RELEASE=2 npm run synth && git add -A && git commit -qm 'looser SLOs'"
expect "the starter's workflow on that pull request (diff of dist/ posted with gh)" 0 bash -c "cd '$E' && SHOP_SERVICES=20 SHOP_RELEASE=2 GH_RECORD='$WORK/comment.md' PATH='$WORK/bin':\$PATH bash '$WORK/workflow-pr.sh'"
that "... the comment fits GitHub's limit and names the changed services" bash -c \
  "test -s '$WORK/comment.md' && [ \$(node -e 'console.log([...require(\"fs\").readFileSync(process.argv[1], \"utf8\")].length)' '$WORK/comment.md') -le 65536 ] && grep -q 'svc-20' '$WORK/comment.md'"
git -C "$E" checkout -q main
# ---- issue 24: releases as data with the installed bin, on a branch of the shop (main stays as the steps below expect):
# set → refused early promotion → promote with proof → status → history → bad input → refused and forced promotion →
# review diff → validate --release → revert of a promotion reproduces dist/ byte for byte.
echo "-- (e) releases as data: the shop's release.yaml through a release (installed bin)"
rel() { (cd "$E" && npx --no-install cdk8s-delivery release "$@"); }
synth_commit() { (cd "$E" && SHOP_SERVICES=20 npm run synth >/dev/null && git add -A && git commit -qm "$1"); }
D2=sha256:$(printf '2%.0s' {1..64})
D3=sha256:$(printf '3%.0s' {1..64})
git -C "$E" checkout -qb release-flow
expect "release set orders=…@$D2 --env dev" 0 rel set "orders=ghcr.io/shop/orders@$D2" --env dev
that "... says what it set" log_has '^release.yaml: orders dev: sha256:222222222222 (was sha256:aaaaaaaaaaaa); set$'
cp "$E/release.yaml" "$WORK/release.before"
expect "release promote --from dev --to staging before the dev record is committed is refused" 1 rel promote --from dev --to staging
that "... says why, and the file is byte for byte as it was" bash -c "grep -q \"refused: orders: sha256:222222222222 is in dev's record, but in no commit\" '$WORK/expect.log' && cmp -s '$WORK/release.before' '$E/release.yaml'"
expect "synth and commit: dev runs it, staging and prod do not" 0 synth_commit "orders 2 in dev"
that "... dist/ follows the file" bash -c "grep -q 'ghcr.io/shop/orders@$D2' '$E/dist/shop/dev/orders/deployment-orders.yaml' && ! grep -rq '$D2' '$E/dist/shop/staging' '$E/dist/shop/prod'"
expect "release promote --from dev --to staging" 0 rel promote --from dev --to staging
that "... records the commit that proves the run in dev" log_has "^release.yaml: orders dev → staging: sha256:222222222222 (was sha256:aaaaaaaaaaaa); promoted from dev, proof commit $(git -C "$E" rev-parse HEAD | cut -c1-12)$"
expect "synth and commit staging" 0 synth_commit "orders 2 in staging"
expect "release status" 0 rel status
that "... what runs where since when, and what waits" bash -c "grep -qE '^  staging  sha256:222222222222  since [0-9T:-]+Z \(from dev\)$' '$WORK/expect.log' && grep -qE '^  orders staging → prod: sha256:222222222222 in staging since [0-9T:-]+Z$' '$WORK/expect.log'"
expect "release history orders" 0 rel history orders
that "... newest first, with where each came from" bash -c "grep -qE '^  \* [0-9T:-]+Z  ghcr.io/shop/orders@$D2  from dev \(commit [0-9a-f]{12}\)$' '$WORK/expect.log' && grep -qE '^    [0-9T:-]+Z  ghcr.io/shop/orders@sha256:a{64}  set$' '$WORK/expect.log'"
cp "$E/release.yaml" "$WORK/release.before"
expect "release set with a tag instead of a digest: exit 2" 2 rel set orders=ghcr.io/shop/orders:2.0 --env dev
that "... one clear line, no stack trace, the file unchanged" bash -c "grep -q 'is not pinned by digest' '$WORK/expect.log' && ! grep -qE '^ +at ' '$WORK/expect.log' && cmp -s '$WORK/release.before' '$E/release.yaml'"
expect "release promote to an unknown environment: exit 2" 2 rel promote --from staging --to qa
expect "release set catalog=…@$D3 --env prod (never ran in staging) is refused" 1 rel set "catalog=ghcr.io/shop/catalog@$D3" --env prod
that "... says so, and the file is unchanged" bash -c "grep -q 'refused: catalog: sha256:333333333333 never ran in staging' '$WORK/expect.log' && cmp -s '$WORK/release.before' '$E/release.yaml'"
expect "release set … --force --reason (a hotfix)" 0 rel set "catalog=ghcr.io/shop/catalog@$D3" --env prod --force --reason "hotfix for INC-9"
that "... the bypass is recorded in the file" grep -q '^      bypass: "hotfix for INC-9"$' "$E/release.yaml"
expect "release promote --from staging --to prod --workload orders" 0 rel promote --from staging --to prod --workload orders
expect "synth, then the review diff of the release" 0 bash -c "cd '$E' && SHOP_SERVICES=20 npm run synth >/dev/null && npx --no-install cdk8s-delivery diff"
that "... one line per promotion, the bypass flagged" bash -c "grep -qE 'release: orders staging → prod: sha256:222222222222 \(in staging since [0-9T:-]+Z; was sha256:aaaaaaaaaaaa; proof commit [0-9a-f]{12}; rollout: canary ' '$WORK/expect.log' && grep -q '! release: catalog set in prod: sha256:333333333333 .*\[release-bypass: the promotion rule was bypassed: \"hotfix for INC-9\"\]' '$WORK/expect.log'"
expect "validate dist --release release.yaml" 0 bash -c "cd '$E' && npx --no-install cdk8s-delivery validate dist --release release.yaml"
(cd "$E" && git add -A && git commit -qm "orders 2 to prod; catalog hotfix")
(cd "$E" && find dist -type f -exec sha256sum {} + | sort) >"$WORK/dist.prod"
git -C "$E" revert --no-edit HEAD >/dev/null
expect "after git revert of the promotion commit, synth again" 0 bash -c "cd '$E' && SHOP_SERVICES=20 npm run synth"
that "... reproduces the dist/ of the commit before, byte for byte" bash -c "cd '$E' && [ -z \"\$(git status --porcelain -- dist release.yaml)\" ] && grep -q 'ghcr.io/shop/orders@sha256:a\{64\}' dist/shop/prod/orders/rollout-orders.yaml && ! cmp -s <(find dist -type f -exec sha256sum {} + | sort) '$WORK/dist.prod'"
git -C "$E" checkout -qf main
# Flux: the same platform, delivered by Flux.
expect "SHOP_GITOPS=flux npm run synth" 0 bash -c "cd '$E' && rm -rf dist && SHOP_GITOPS=flux npm run synth"
that "... Flux objects, no Argo CD ones" bash -c "grep -rlq '^kind: Kustomization$' '$E/dist' && ! grep -rlq '^kind: Application$' '$E/dist'"
expect "npm run validate (Flux)" 0 bash -c "cd '$E' && npm run validate"
expect "npm run check (Flux)" 0 bash -c "cd '$E' && SHOP_GITOPS=flux npm run check"
# The low-traffic catalog (3 req/s) declares its traffic: without its longer analysis the synth says a healthy canary
# could not reach a pass, with the numbers and the fix.
cp "$E/apps/platform.ts" "$WORK/platform.ts.orig"
sed -i 's/expectedRequestsPerSecond: 3, count: 7 }/expectedRequestsPerSecond: 3 }/' "$E/apps/platform.ts"
expect "a 3 req/s service whose analysis steps cannot reach a pass fails the synth" 1 bash -c "cd '$E' && SHOP_GITOPS=flux npm run synth"
that "... with the numbers and the fix" log_has 'shop/prod/catalog: slo.expectedRequestsPerSecond = 3: at 3 req/s.*\[analysis/evidence-unreachable\] Fix: lengthen the analysis.*slo.count: 7'
cp "$WORK/platform.ts.orig" "$E/apps/platform.ts"
# A misspelt prop in the TypeScript of the shop, under tsx (no type-check): the synth fails naming the nearest prop.
before=$(cd "$E" && find dist -type f -exec sha256sum {} + | sort | sha256sum)
sed -i 's/      autoscaling: Autoscaling.horizontal({ minReplicas: 2, maxReplicas: 8 }),/      autoscalling: Autoscaling.horizontal({ minReplicas: 2, maxReplicas: 8 }),/' "$E/apps/platform.ts"
that "(the shop's orders service now says autoscalling)" grep -q 'autoscalling:' "$E/apps/platform.ts"
expect "npm run synth with a misspelt prop fails" 1 bash -c "cd '$E' && SHOP_GITOPS=flux npm run synth"
that "... names it and the nearest valid prop, with no stack trace" bash -c "grep -q 'shop/[^ ]*/orders: autoscalling = .*\\[props/unknown\\] Fix: did you mean \`autoscaling\`?' '$WORK/expect.log' && ! grep -qE '^ +at ' '$WORK/expect.log'"
that "... and leaves dist/ as it was" test "$before" = "$(cd "$E" && find dist -type f -exec sha256sum {} + | sort | sha256sum)"
# ---- end of our own platform

echo "-- the three projects synthesized the same manifests"
that "(a) = (b)" diff -r "$A/dist" "$B/dist"
that "(a) = (c)" diff -r "$A/dist" "$C/dist"

echo "consumer checks: $passed ok, $failed failing"
if [ "$failed" -eq 0 ]; then rm -rf "$WORK"; else echo "(kept $WORK for inspection)"; exit 1; fi
