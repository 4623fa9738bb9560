import { describe, expect, it } from 'vitest';
import { ASSUMED_CLUSTER, GITOPS_INSTANCE_ANNOTATION, readGitOpsTree } from '../../lib/validation/gitops-tree.js';
import type { Manifest } from '../../lib/validation/manifest.js';

const at = (file: string, object: Record<string, any>): Manifest => ({ object, location: `${file}: ${object.kind}/${object.metadata?.namespace ?? '-'}/${object.metadata?.name}`, file });
const application = (name: string, path: string, destination: Record<string, string>, annotations?: Record<string, string>) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name, namespace: 'argocd', ...(annotations ? { annotations } : {}) },
  spec: { project: 'p', source: { repoURL: 'https://git.example/r.git', path }, destination },
});
const configMap = (name: string, namespace?: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(namespace ? { namespace } : {}) } });
const IN_CLUSTER = { server: 'https://kubernetes.default.svc', namespace: 'shop' };

describe('the GitOps tree of a set of manifests (issue 20)', () => {
  it('GIVEN hand-written manifests without GitOps objects or annotated roots THEN they are one cluster, as before', () => {
    const manifests = [at('a/cm.yaml', configMap('x', 'shop')), at('b/app.yaml', application('app', 'a', IN_CLUSTER))];
    const tree = readGitOpsTree(manifests);
    expect(manifests.map((m) => tree.clustersOf(m))).toEqual([[ASSUMED_CLUSTER], [ASSUMED_CLUSTER]]);
  });

  it('GIVEN an annotated root WHEN its tree is under a folder of another name THEN each file is placed by the Application whose folder holds it', () => {
    // GIVEN: the repository's dist/ copied to /tmp/review, the Applications naming dist/ paths.
    const root = at('/tmp/review/shop/dev/bootstrap/root.yaml', application('root', 'dist/shop/dev/argocd', IN_CLUSTER, { [GITOPS_INSTANCE_ANNOTATION]: 'shop-dev' }));
    const child = at('/tmp/review/shop/dev/argocd/orders.yaml', application('orders', 'dist/shop/dev/orders', { server: 'https://dev.example:6443', namespace: 'shop-dev' }));
    const named = at('/tmp/review/shop/dev/argocd/cache.yaml', application('cache', 'dist/shop/dev/cache', { name: 'edge', namespace: 'shop-dev' }));
    const local = at('/tmp/review/shop/dev/argocd/jobs.yaml', application('jobs', './dist/shop/dev/jobs/', IN_CLUSTER));
    const orders = at('/tmp/review/shop/dev/orders/cm.yaml', configMap('orders'));
    const cache = at('/tmp/review/shop/dev/cache/cm.yaml', configMap('cache'));
    const jobs = at('/tmp/review/shop/dev/jobs/cm.yaml', configMap('jobs', 'batch'));
    const stray = at('/tmp/review/shop/dev/orders/nested/cm.yaml', configMap('nested'));
    // WHEN
    const tree = readGitOpsTree([root, child, named, local, orders, cache, jobs, stray]);
    // THEN
    expect(tree.clustersOf(root)).toEqual(['the cluster of Argo CD shop-dev']);
    expect(tree.clustersOf(child)).toEqual(['the cluster of Argo CD shop-dev']);
    expect(tree.clustersOf(orders)).toEqual(['https://dev.example:6443']);
    expect(tree.clustersOf(cache)).toEqual(['the cluster "edge" registered in the cluster of Argo CD shop-dev']);
    expect(tree.clustersOf(jobs)).toEqual(['the cluster of Argo CD shop-dev']);
    // A directory source is not recursive: the nested file belongs to no Application.
    expect(tree.clustersOf(stray)).toEqual([ASSUMED_CLUSTER]);
    expect(tree.appliersOf(orders)).toEqual([child]);
    expect(tree.namespaceOf(orders)).toBe('shop-dev');
    expect(tree.namespaceOf(jobs)).toBe('batch');
  });

  it('GIVEN Flux roots WHEN Kustomizations apply folders recursively THEN their files go to the Flux\'s cluster, in the target namespace', () => {
    const kustomization = (name: string, path: string, extra: Record<string, unknown> = {}, annotations?: Record<string, string>) => ({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name, namespace: 'flux-system', ...(annotations ? { annotations } : {}) },
      spec: { path, sourceRef: { kind: 'GitRepository', name: 'r' }, interval: '10m', prune: true, ...extra },
    });
    const root = at('out/prod/bootstrap/k.yaml', kustomization('root', './dist/prod/flux', {}, { [GITOPS_INSTANCE_ANNOTATION]: 'home' }));
    const unit = at('out/prod/flux/apps.yaml', kustomization('apps', './dist/prod/apps', { targetNamespace: 'apps' }));
    const remote = at('out/prod/flux/edge.yaml', kustomization('edge', './dist/prod/edge', { kubeConfig: { secretRef: { name: 'edge-kubeconfig' } } }));
    const deep = at('out/prod/apps/web/cm.yaml', configMap('web', 'elsewhere'));
    const edge = at('out/prod/edge/cm.yaml', configMap('edge'));
    const tree = readGitOpsTree([root, unit, remote, deep, edge]);
    expect(tree.clustersOf(deep)).toEqual(['the cluster of Flux home']);
    expect(tree.namespaceOf(deep)).toBe('apps');
    expect(tree.clustersOf(edge)).toEqual(['the cluster of kubeconfig Secret edge-kubeconfig (from the cluster of Flux home)']);
  });

  it('GIVEN two Applications that apply each other\'s folders THEN reading the tree ends', () => {
    const a = at('x/a.yaml', application('a', 'y', IN_CLUSTER));
    const b = at('y/b.yaml', application('b', 'x', IN_CLUSTER));
    const tree = readGitOpsTree([a, b]);
    expect(tree.clustersOf(a)).toEqual([ASSUMED_CLUSTER]);
  });
});
