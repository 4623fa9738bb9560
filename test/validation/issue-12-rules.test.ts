import { beforeAll, describe, expect, it } from 'vitest';
import { argoGlobMatch, filepathMatch, isDestinationPermitted, isGroupKindPermitted, isSourcePermitted, normalizeGitUrl } from '../../lib/validation/argocd-project-rules.js';
import { categoryOf } from '../../lib/validation/categories.js';
import { checkExperiments } from '../../lib/validation/experiment-rules.js';
import { checkApplicationProjects, checkDuplicateObjects } from '../../lib/validation/object-set-rules.js';
import { checkPodSecurityStandards } from '../../lib/validation/pod-security-rules.js';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { withSchemaDefaults } from '../../lib/validation/schema/defaults.js';
import { quantityFindings } from '../../lib/validation/schema/quantity.js';

const m = (object: any, location = `${object.kind}/${object.metadata?.name}`) => ({ object, location });

describe('Argo CD AppProject matching, as argo-cd v3.5.1 app_project_types.go does it', () => {
  it('normalizes Git URLs like git.NormalizeGitURL (case, .git suffix, scp-like SSH)', () => {
    expect(normalizeGitUrl(' https://GitHub.com/Org/Repo.git ')).toBe('https://github.com/org/repo');
    expect(normalizeGitUrl('git@github.com:org/repo.git')).toBe('git@github.com/org/repo');
  });
  it('matches sourceRepos as globs with / as separator, and a deny pattern rejects what it matches', () => {
    const project = { sourceRepos: ['https://github.com/org/*'] };
    expect(isSourcePermitted(project, 'https://github.com/org/repo.git')).toBe(true);
    expect(isSourcePermitted(project, 'https://github.com/org/team/repo')).toBe(false); // * stays in one segment
    expect(isSourcePermitted({ sourceRepos: ['https://github.com/org/**'] }, 'https://github.com/org/team/repo')).toBe(true);
    expect(isSourcePermitted({ sourceRepos: ['*', '!https://github.com/evil/*'] }, 'https://github.com/evil/repo')).toBe(false);
    expect(isSourcePermitted({ sourceRepos: ['*', '!https://github.com/evil/*'] }, 'https://github.com/good/repo')).toBe(true);
    expect(isSourcePermitted({ sourceRepos: [] }, 'https://github.com/org/repo')).toBe(false);
  });
  it('matches destinations by server or name and namespace globs, with deny patterns', () => {
    const project = { destinations: [{ server: 'https://*.example:6443', namespace: 'team-*' }, { name: 'in-cluster', namespace: '!kube-system' }] };
    expect(isDestinationPermitted(project, { server: 'https://dev.example:6443' }, 'team-a')).toBe(true);
    expect(isDestinationPermitted(project, { server: 'https://dev.example:6443' }, 'other')).toBe(false);
    expect(isDestinationPermitted(project, { name: 'in-cluster' }, 'apps')).toBe(true);
    expect(isDestinationPermitted(project, { name: 'in-cluster' }, 'kube-system')).toBe(false);
  });
  it('allows namespaced kinds unless whitelisted otherwise or blacklisted, cluster kinds only when whitelisted (names by filepath.Match)', () => {
    expect(isGroupKindPermitted({}, 'apps', 'Deployment', 'x', true)).toBe(true);
    expect(isGroupKindPermitted({ namespaceResourceWhitelist: [] }, 'apps', 'Deployment', 'x', true)).toBe(false);
    expect(isGroupKindPermitted({ namespaceResourceBlacklist: [{ group: '', kind: 'Secret' }] }, '', 'Secret', 'x', true)).toBe(false);
    expect(isGroupKindPermitted({}, '', 'Namespace', 'x', false)).toBe(false);
    const named = { clusterResourceWhitelist: [{ group: '', kind: 'Namespace', name: 'team-*' }, { group: '*.k8s.io', kind: 'Cluster*' }] };
    expect(isGroupKindPermitted(named, '', 'Namespace', 'team-a', false)).toBe(true);
    expect(isGroupKindPermitted(named, '', 'Namespace', 'kube-system', false)).toBe(false);
    expect(isGroupKindPermitted(named, 'rbac.authorization.k8s.io', 'ClusterRole', 'admin', false)).toBe(true);
    expect(filepathMatch('*', 'a/b')).toBe(false);
    expect(argoGlobMatch('{a,b}-*', 'b-x', false)).toBe(true);
  });
});

describe('rules over a set of manifests (validate sees the whole tree)', () => {
  it('reports two objects with the same group, kind, namespace and name (issue 12: the Application twice)', () => {
    const app = (path: string) => m({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'bitvault-dev-nats', namespace: 'argocd' }, spec: { source: { path } } }, path);
    const findings = checkDuplicateObjects([app('argocd/application-bitvault-dev-nats.yaml'), app('nats/application-bitvault-dev-nats.yaml')]);
    expect(findings.map((f) => [f.location, f.rule])).toEqual([['nats/application-bitvault-dev-nats.yaml', 'gitops/duplicate-object']]);
    expect(findings[0]!.message).toContain('argocd/application-bitvault-dev-nats.yaml');
  });
  it('checks an Application against its AppProject in the set, warns when it is absent, flags the default project as policy', () => {
    const project = m({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: 'team', namespace: 'argocd' }, spec: { sourceRepos: ['https://github.com/org/*'], destinations: [{ server: 'https://kubernetes.default.svc', namespace: 'team' }] } });
    const app = (project: string | undefined, repoURL: string, namespace: string) => m({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: `${project}-${namespace}`, namespace: 'argocd' }, spec: { project, source: { repoURL, path: '.' }, destination: { server: 'https://kubernetes.default.svc', namespace } } });
    const findings = checkApplicationProjects([project, app('team', 'https://github.com/org/repo', 'team'), app('team', 'https://github.com/other/repo', 'prod'), app('missing', 'https://x/y', 'a'), app(undefined, 'https://x/y', 'a')]);
    expect(findings.map((f) => [f.location.split('/')[1], f.rule, categoryOf(f.rule)])).toEqual([
      ['team-prod', 'argocd/project-source', 'controller'],
      ['team-prod', 'argocd/project-destination', 'controller'],
      ['missing-a', 'argocd/project-not-in-set', 'controller'],
      ['undefined-a', 'argocd/default-project', 'policy'],
    ]);
  });
});

describe('Experiment rules (utils/conditions/experiments.go VerifyExperimentSpec), issue 12', () => {
  const experiment = (spec: any) => m({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Experiment', metadata: { name: 'e', namespace: 'ns' }, spec });
  const template = (name: string, extra: any = {}) => ({ name, selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'i' }] } }, ...extra });
  it('passes a well-formed Experiment whose analysis template exists', () => {
    const at = m({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 'smoke', namespace: 'ns' }, spec: { metrics: [] } });
    expect(checkExperiments([experiment({ templates: [template('a')], analyses: [{ name: 'x', templateName: 'smoke' }] }), at])).toEqual([]);
  });
  it('reports repeated names, empty selectors, minReadySeconds past the deadline, no containers and a missing AnalysisTemplate', () => {
    const spec = { progressDeadlineSeconds: 30, templates: [template('a'), template('a', { selector: {}, minReadySeconds: 60 }), { ...template('b'), template: { metadata: {} } }], analyses: [{ name: 'x', templateName: 'nope' }, { name: 'y', templateName: 'cluster', clusterScope: true }] };
    expect(checkExperiments([experiment(spec)]).map((f) => [f.rule, f.field])).toEqual([
      ['experiment/selector', 'spec.templates[1].selector'],
      ['experiment/min-ready', 'spec.templates[1].minReadySeconds'],
      ['experiment/template-name', 'spec.templates[1].name'],
      ['experiment/template-containers', 'spec.templates[2].template.spec.containers'],
      ['experiment/analysis-template-not-found', 'spec.analyses[0].templateName'],
      ['experiment/analysis-template-not-found', 'spec.analyses[1].templateName'],
    ]);
  });
  it('applies Pod Security to every Experiment template and every analysis job (issue 12)', () => {
    const root = { spec: { containers: [{ name: 'c', image: 'i', securityContext: { runAsUser: 0 } }] } };
    const exp = m({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Experiment', metadata: { name: 'e' }, spec: { templates: [{ name: 'a', template: root }] } });
    const analysis = m({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 'j' }, spec: { metrics: [{ name: 'web' , provider: { web: { url: 'x' } } }, { name: 'job', provider: { job: { spec: { template: root } } } }] } });
    expect(checkPodSecurityStandards(exp).some((f) => f.field === 'spec.templates[0].template.spec.containers[0].securityContext.runAsUser')).toBe(true);
    expect(checkPodSecurityStandards(analysis).some((f) => f.field === 'spec.metrics[1].provider.job.spec.template.spec.containers[0].securityContext.runAsUser')).toBe(true);
  });
});

describe('schema: defaults, CEL, names and quantities (issue 12)', () => {
  let validator: SchemaValidator;
  beforeAll(async () => {
    validator = await SchemaValidator.load();
  });
  it('applies structural defaults before validating, as the API server does', () => {
    const schema = { type: 'object', properties: { a: { type: 'string', default: 'x' }, items: { type: 'array', items: { type: 'object', properties: { type: { type: 'string', default: 'IPAddress' } } } } } };
    const data = { items: [{}, { type: 'Hostname' }] };
    const defaulted = withSchemaDefaults(data, schema) as typeof data;
    expect(defaulted).toEqual({ a: 'x', items: [{ type: 'IPAddress' }, { type: 'Hostname' }] });
    // Copy on write: the input is left as it was, and what gets no default is shared, not copied.
    expect(data).toEqual({ items: [{}, { type: 'Hostname' }] });
    expect(defaulted.items[1]).toBe(data.items[1]);
    const complete = { a: 'y', items: [{ type: 'Hostname' }] };
    expect(withSchemaDefaults(complete, schema)).toBe(complete);
  });
  it('runs the CRD\'s CEL rules: a TCP listener with a hostname is rejected (Gateway API x-kubernetes-validations)', () => {
    const gateway = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'g', namespace: 'n' }, spec: { gatewayClassName: 'c', listeners: [{ name: 'tcp', protocol: 'TCP', port: 9000, hostname: 'example.com' }] } };
    const findings = validator.validate(gateway, 'loc');
    expect(findings.some((f) => f.rule === 'schema/cel')).toBe(true);
    delete (gateway.spec.listeners[0] as any).hostname;
    expect(validator.validate(gateway, 'loc').filter((f) => f.rule === 'schema/cel')).toEqual([]);
  });
  it('rejects a metadata.name that is not a DNS-1123 subdomain (core and custom resources)', () => {
    expect(validator.validate({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name' } }, 'loc').map((f) => f.rule)).toEqual(['schema/name']);
    expect(validator.validate({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'good.name-1' } }, 'loc')).toEqual([]);
    expect(validator.validate({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:aggregate-to-view' }, rules: [] }, 'loc')).toEqual([]);
  });
  it('rejects a resource quantity that does not parse inside a custom resource\'s pod template', () => {
    const spec = { template: { spec: { containers: [{ name: 'c', resources: { requests: { memory: 'invalid', cpu: '250m' }, limits: { memory: 512 } } }] } } };
    expect(quantityFindings(spec, 'loc', 'spec').map((f) => [f.field, f.value])).toEqual([['spec.template.spec.containers[0].resources.requests.memory', 'invalid']]);
  });
});
