import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The dependency the starter's package.json declares on cdk8s-delivery, and how it was chosen. */
export interface DependencySource {
  /** The npm dependency spec: a `file:` tarball path, a URL, a git reference or a registry range. */
  readonly spec: string;
  /** Why this spec, for the message init prints. */
  readonly reason: string;
  /** True when the spec asks the npm registry for the package. */
  readonly registry: boolean;
}

/** What {@link dependencySource} looks at. */
export interface DependencySourceInputs {
  /** `init --from <spec>`. */
  readonly explicit?: string;
  /** The environment: `npm exec --package=<spec>` / `npx --package <spec>` set `npm_config_package`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The folder init was run from (relative specs on the command line are relative to it). */
  readonly cwd: string;
  /** The folder of the new project (a `file:` spec is written relative to it). */
  readonly projectDir: string;
  /** The folder of the running cdk8s-delivery package. */
  readonly packageDir: string;
  /** The running package's name and version. */
  readonly name: string;
  readonly version: string;
}

const TARBALL = /\.(tgz|tar\.gz)$/i;
const REMOTE = /^(https?:|git\+|git:|github:|gitlab:|bitbucket:|ssh:)/i;

/**
 * The dependency spec of the starter: it resolves the way init itself was obtained, so `npm install` in the new
 * project installs the same package. Until cdk8s-delivery is published by its maintainers, a registry range would
 * ask the registry for a name that is not ours (a 404 today, and whoever claims the name first runs code there), so
 * the registry is used only when init itself came from the registry or the user says so (`--from`).
 *
 * In order: `--from <spec>`; the `--package` of `npx --package <spec> cdk8s-delivery init` (npm passes it as
 * `npm_config_package`); the spec of the project that installed the running package (its package.json, which is also
 * what npx writes into its cache folder); and only then `^<version>` from the registry.
 */
export function dependencySource(inputs: DependencySourceInputs): DependencySource {
  if (inputs.explicit !== undefined) return fromSpec(inputs.explicit, inputs.cwd, inputs, '--from');
  const packages = (inputs.env.npm_config_package ?? '').split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
  const ours = packages.find((p) => isOurs(p, inputs));
  if (ours !== undefined) return fromSpec(ours, inputs.cwd, inputs, 'the --package init was run with');
  const host = hostProject(inputs.packageDir);
  const declared = host && declaredSpec(host, inputs.name);
  if (host && declared !== undefined) return fromSpec(declared, host, inputs, `the dependency of ${path.join(host, 'package.json')}`);
  return { spec: `^${inputs.version}`, reason: `the npm registry (${inputs.name}@^${inputs.version}): init could not tell where it came from`, registry: true };
}

function isOurs(spec: string, inputs: DependencySourceInputs): boolean {
  if (spec === inputs.name || spec.startsWith(`${inputs.name}@`)) return true;
  return TARBALL.test(spec) && path.basename(spec).startsWith(`${inputs.name}-`) || REMOTE.test(spec) && spec.includes(inputs.name);
}

/** A spec as written relative to `base`, rewritten for the new project. */
function fromSpec(spec: string, base: string, inputs: DependencySourceInputs, why: string): DependencySource {
  const aliased = spec.startsWith(`${inputs.name}@`) ? spec.slice(inputs.name.length + 1) : spec === inputs.name ? `^${inputs.version}` : spec;
  if (REMOTE.test(aliased)) return { spec: aliased, reason: why, registry: false };
  const local = aliased.startsWith('file:') ? aliased.slice('file:'.length) : TARBALL.test(aliased) || aliased.startsWith('.') || aliased.startsWith('/') ? aliased : undefined;
  if (local !== undefined) {
    const absolute = path.resolve(base, local);
    if (!existsSync(absolute)) throw new Error(`${why} names ${absolute}, which does not exist`);
    const relative = path.relative(inputs.projectDir, absolute).split(path.sep).join('/');
    return { spec: `file:${relative.startsWith('.') ? relative : `./${relative}`}`, reason: `${why} (${absolute})`, registry: false };
  }
  return { spec: aliased, reason: `${why} (the npm registry)`, registry: true };
}

/** The project whose node_modules holds the running package, if it runs from one (npx's cache folder included). */
function hostProject(packageDir: string): string | undefined {
  const parent = path.dirname(packageDir);
  if (path.basename(parent) !== 'node_modules') return undefined;
  const host = path.dirname(parent);
  return existsSync(path.join(host, 'package.json')) ? host : undefined;
}

function declaredSpec(host: string, name: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(path.join(host, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    return manifest.dependencies?.[name] ?? manifest.devDependencies?.[name];
  } catch {
    return undefined;
  }
}
