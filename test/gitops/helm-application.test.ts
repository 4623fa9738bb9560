import { beforeAll, describe, expect, it } from 'vitest';
import { Environment } from '../../lib/core/environment.js';
import { ArgoCdHelmApplication, ArgoCdHelmApplicationProps } from '../../lib/gitops/argocd/helm-application.js';
import { HelmChart, HelmCrdPolicy } from '../../lib/gitops/helm-chart.js';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { manifestOf, synthFindings, synthPlatform } from '../helpers.js';

const chart = HelmChart.of({ repoURL: 'https://charts.example.com', chart: 'thing', version: '1.2.3', releaseName: 'my-thing', values: { replicas: 2, nested: { on: true } } });
const base: ArgoCdHelmApplicationProps = { name: 'thing', chart, destinationNamespace: 'things', wave: -10 };

function synthApplication(props: Partial<ArgoCdHelmApplicationProps> = {}) {
  return synthPlatform((env) => new ArgoCdHelmApplication(env, 'thing', { ...base, ...props }), [Environment.prod()]);
}

let validator: SchemaValidator;
beforeAll(async () => {
  validator = await SchemaValidator.load();
});

describe('ArgoCdHelmApplication', () => {
  it('installs the pinned chart from its repository with typed values, in the argocd namespace, with the resources finalizer', () => {
    // GIVEN the default props
    const app = manifestOf(synthApplication(), 'prod', 'Application', 'thing');
    // THEN
    expect(app.metadata).toEqual({
      name: 'thing',
      namespace: 'argocd',
      annotations: { 'argocd.argoproj.io/sync-wave': '-10', 'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true' },
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
      // Every object of an environment carries the platform's labels (lib/platform/guests.ts completeManifest).
      labels: { 'app.kubernetes.io/part-of': 'acme', 'app.kubernetes.io/managed-by': 'cdk8s-delivery' },
    });
    expect(app.spec).toEqual({
      project: 'default',
      source: { repoURL: 'https://charts.example.com', chart: 'thing', targetRevision: '1.2.3', helm: { releaseName: 'my-thing', valuesObject: { replicas: 2, nested: { on: true } } } },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'things' },
      syncPolicy: { automated: { prune: true, selfHeal: true }, retry: { limit: -1, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } } },
    });
    expect(validator.validate(app, 'thing')).toEqual([]);
  });

  it('renders sync options, project, namespace, manual sync, skipped CRDs and deletion protection when asked', () => {
    // GIVEN every option set
    const skipCrds = HelmChart.of({ repoURL: 'https://charts.example.com', chart: 'thing', version: '1.2.3', crds: HelmCrdPolicy.SKIP });
    const app = manifestOf(
      synthApplication({ chart: skipCrds, argoCdNamespace: 'gitops', project: 'platform', automated: false, createNamespace: true, serverSideApply: true, syncOptions: ['PruneLast=true'], deletionProtection: true, destinationServer: 'https://other:6443' }),
      'prod',
      'Application',
      'thing',
    );
    // THEN
    expect(app.metadata.namespace).toBe('gitops');
    expect(app.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('SkipDryRunOnMissingResource=true,Prune=false,Delete=false');
    expect(app.spec.project).toBe('platform');
    expect(app.spec.source.helm).toEqual({ releaseName: 'thing', skipCrds: true });
    expect(app.spec.destination.server).toBe('https://other:6443');
    expect(app.spec.syncPolicy.automated).toBeUndefined();
    expect(app.spec.syncPolicy.syncOptions).toEqual(['CreateNamespace=true', 'ServerSideApply=true', 'PruneLast=true']);
    expect(validator.validate(app, 'thing')).toEqual([]);
  });

  it('reports an unpinned chart on the Application', () => {
    const findings = synthFindings(() => synthApplication({ chart: HelmChart.of({ repoURL: 'https://charts.example.com', chart: 'thing', version: 'latest' }) }));
    expect(findings.map((f) => [f.location, f.field, f.value])).toEqual([['acme/prod/thing', 'chart.version', 'latest']]);
  });
});
