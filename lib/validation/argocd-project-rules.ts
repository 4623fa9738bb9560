/**
 * Argo CD AppProject semantics, as Argo CD v3.5.1 applies them (read from argoproj/argo-cd v3.5.1,
 * `pkg/apis/application/v1alpha1/app_project_types.go` and `types.go`; no code copied):
 *
 * - `sourceRepos`: both sides are normalized like `git.NormalizeGitURL` (lower-case, trimmed, `.git` suffix
 *   removed, `git@host:path` → `host/path`), then matched as gobwas globs with `/` as the separator (`*` stays
 *   inside one path segment, `**` crosses them). A `!pattern` entry rejects every source it matches; any
 *   other source counts as matched by it, as upstream's loop does.
 * - `destinations`: server (or name) and namespace globs (no separator); `!` patterns deny.
 * - kinds: a namespaced kind is allowed when `namespaceResourceWhitelist` is absent or lists it, and
 *   `namespaceResourceBlacklist` does not; a cluster-scoped kind only when `clusterResourceWhitelist` lists it
 *   (empty = none) and `clusterResourceBlacklist` does not. Group, kind and the optional name of a cluster item
 *   are `filepath.Match` patterns.
 */

/** The parts of an AppProject spec these rules read. */
export interface AppProjectSpec {
  readonly sourceRepos?: readonly string[];
  readonly destinations?: readonly { readonly server?: string; readonly name?: string; readonly namespace?: string }[];
  readonly clusterResourceWhitelist?: readonly { readonly group?: string; readonly kind?: string; readonly name?: string }[];
  readonly clusterResourceBlacklist?: readonly { readonly group?: string; readonly kind?: string; readonly name?: string }[];
  readonly namespaceResourceWhitelist?: readonly { readonly group?: string; readonly kind?: string }[] | null;
  readonly namespaceResourceBlacklist?: readonly { readonly group?: string; readonly kind?: string }[];
}

const cache = new Map<string, RegExp>();

/** A gobwas/glob pattern (`*`, `**`, `?`, `[...]`, `{a,b}`) as a RegExp; `*` and `?` stop at `separators`. */
function globRegExp(pattern: string, separators: string, star: 'gobwas' | 'filepath'): RegExp {
  const key = `${star}|${separators}|${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const notSep = separators === '' ? '[\\s\\S]' : `[^${separators.replace(/[\\\]^-]/g, '\\$&')}]`;
  let out = '';
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (star === 'gobwas' && pattern[i + 1] === '*') {
        out += '[\\s\\S]*';
        i++;
      } else out += `${notSep}*`;
    } else if (c === '?') out += notSep;
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) {
        out += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, end);
      if (body.startsWith('!') || body.startsWith('^')) body = `^${body.slice(1)}`;
      out += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) {
      out += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else if (star === 'gobwas' && c === '{') {
      depth++;
      out += '(?:';
    } else if (star === 'gobwas' && c === '}' && depth > 0) {
      depth--;
      out += ')';
    } else if (star === 'gobwas' && c === ',' && depth > 0) out += '|';
    else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  let re: RegExp;
  try {
    re = new RegExp(`^${out}$`);
  } catch {
    re = /$^/; // an invalid pattern matches nothing (upstream: the compile error counts as no match)
  }
  cache.set(key, re);
  return re;
}

/** Argo CD's `globMatch`: `!` negates when allowed, `*` matches everything, else a gobwas glob. */
export function argoGlobMatch(pattern: string, value: string, allowNegation: boolean, separators = ''): boolean {
  if (allowNegation && pattern.startsWith('!')) return !globRegExp(pattern.slice(1), separators, 'gobwas').test(value);
  if (pattern === '*') return true;
  return globRegExp(pattern, separators, 'gobwas').test(value);
}

/** Go's `filepath.Match` (separator `/`). */
export function filepathMatch(pattern: string, value: string): boolean {
  return globRegExp(pattern, '/', 'filepath').test(value);
}

/** `git.NormalizeGitURL` of Argo CD, for comparison only. */
export function normalizeGitUrl(repo: string): string {
  let r = repo.trim().toLowerCase();
  const ssh = /^(?:ssh:\/\/)?([\w.-]+@[\w.-]+):(.*)$/.exec(r);
  if (ssh && !r.startsWith('ssh://')) r = `ssh://${ssh[1]}/${ssh[2]}`;
  if (r.endsWith('.git')) r = r.slice(0, -4);
  return r.replace(/^ssh:\/\//, '');
}

/** True when the project allows an Application source from `repoURL`. */
export function isSourcePermitted(project: AppProjectSpec, repoURL: string): boolean {
  const source = normalizeGitUrl(repoURL);
  let any = false;
  for (const repo of project.sourceRepos ?? []) {
    const deny = repo.startsWith('!');
    const normalized = deny ? `!${normalizeGitUrl(repo.slice(1))}` : normalizeGitUrl(repo);
    const matched = argoGlobMatch(normalized, source, true, '/');
    if (matched) any = true;
    else if (deny) return false;
  }
  return any;
}

/** True when the project allows deploying to `namespace` of the cluster with this server URL (or name). */
export function isDestinationPermitted(project: AppProjectSpec, destination: { readonly server?: string; readonly name?: string }, namespace: string): boolean {
  let any = false;
  for (const item of project.destinations ?? []) {
    const nameMatched = Boolean(destination.name) && argoGlobMatch(item.name ?? '', destination.name!, true);
    const serverMatched = Boolean(destination.server) && argoGlobMatch(item.server ?? '', destination.server!, true);
    const namespaceMatched = argoGlobMatch(item.namespace ?? '', namespace, true);
    const deny = (p: string | undefined) => (p ?? '').startsWith('!');
    if ((serverMatched || nameMatched) && namespaceMatched) any = true;
    else if (((!nameMatched && deny(item.name)) || (!serverMatched && deny(item.server))) && namespaceMatched) return false;
    else if (!namespaceMatched && deny(item.namespace) && serverMatched) return false;
  }
  return any;
}

/** True when the project allows objects of `group`/`kind` (cluster-scoped ones by `name` too). */
export function isGroupKindPermitted(project: AppProjectSpec, group: string, kind: string, name: string, namespaced: boolean): boolean {
  const inList = (list: readonly { group?: string; kind?: string; name?: string }[], withName: boolean) =>
    list.some((item) => filepathMatch(item.kind ?? '', kind) && filepathMatch(item.group ?? '', group) && (!withName || !item.name || filepathMatch(item.name, name)));
  if (namespaced) {
    const white = project.namespaceResourceWhitelist;
    const black = project.namespaceResourceBlacklist ?? [];
    const whitelisted = white === undefined || white === null || (white.length > 0 && inList(white, false));
    return whitelisted && !(black.length > 0 && inList(black, false));
  }
  const white = project.clusterResourceWhitelist ?? [];
  const black = project.clusterResourceBlacklist ?? [];
  return white.length > 0 && inList(white, true) && !(black.length > 0 && inList(black, true));
}
