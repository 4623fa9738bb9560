import { describe, expect, it } from 'vitest';
import { type EvalPod, NetworkPolicyEvaluator, type NetworkPolicyManifest } from './network-policy-evaluator.js';

/**
 * The evaluator against the upstream semantics: the examples of the Kubernetes documentation
 * (kubernetes/website content/en/docs/concepts/services-networking/network-policies.md, "The NetworkPolicy resource",
 * "Behavior of to and from selectors", "Default policies", "Targeting a range of ports") and of
 * ahmetb/kubernetes-network-policy-recipes (which the documentation links to), each test naming its source.
 */

const pod = (name: string, namespace: string, labels: Record<string, string>, extra: Partial<EvalPod> = {}): EvalPod => ({ name, namespace, labels, ...extra });
const policy = (namespace: string, spec: Record<string, any>, name = 'p'): NetworkPolicyManifest => ({ metadata: { name, namespace }, spec });

describe('NetworkPolicy evaluator: Kubernetes docs, "The NetworkPolicy resource" (test-network-policy)', () => {
  // GIVEN the documentation's example policy in namespace default
  const example = policy('default', {
    podSelector: { matchLabels: { role: 'db' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{
      from: [
        { ipBlock: { cidr: '172.17.0.0/16', except: ['172.17.1.0/24'] } },
        { namespaceSelector: { matchLabels: { project: 'myproject' } } },
        { podSelector: { matchLabels: { role: 'frontend' } } },
      ],
      ports: [{ protocol: 'TCP', port: 6379 }],
    }],
    egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 5978 }] }],
  });
  const evaluator = new NetworkPolicyEvaluator([{ name: 'default' }, { name: 'mine', labels: { project: 'myproject' } }, { name: 'other' }], [example]);
  const db = pod('db', 'default', { role: 'db' });
  const frontend = pod('frontend', 'default', { role: 'frontend' });

  it('allows role=frontend pods of the namespace to role=db on TCP 6379, and no other port', () => {
    expect(evaluator.allows(frontend, db, 6379)).toBe(true);
    expect(evaluator.allows(frontend, db, 6380)).toBe(false);
    expect(evaluator.allows(frontend, db, 6379, 'UDP')).toBe(false);
  });

  it('allows any pod of a namespace labelled project=myproject, but role=frontend pods of other namespaces only through that', () => {
    expect(evaluator.allows(pod('x', 'mine', {}), db, 6379)).toBe(true);
    expect(evaluator.allows(pod('f', 'other', { role: 'frontend' }), db, 6379)).toBe(false);
    expect(evaluator.allows(pod('y', 'default', { role: 'other' }), db, 6379)).toBe(false);
  });

  it('allows 172.17.0.0/16 except 172.17.1.0/24', () => {
    expect(evaluator.allows({ ip: '172.17.0.9' }, db, 6379)).toBe(true);
    expect(evaluator.allows({ ip: '172.17.2.9' }, db, 6379)).toBe(true);
    expect(evaluator.allows({ ip: '172.17.1.9' }, db, 6379)).toBe(false);
  });

  it('isolates role=db for egress: 10.0.0.0/24 on TCP 5978 only', () => {
    expect(evaluator.allows(db, { ip: '10.0.0.7' }, 5978)).toBe(true);
    expect(evaluator.allows(db, { ip: '10.0.1.7' }, 5978)).toBe(false);
    expect(evaluator.allows(db, { ip: '10.0.0.7' }, 80)).toBe(false);
    expect(evaluator.allows(db, frontend, 80)).toBe(false);
  });

  it('leaves pods no policy selects unisolated (frontend reaches anything, anything reaches it)', () => {
    expect(evaluator.isolated(frontend, 'Ingress')).toBe(false);
    expect(evaluator.allows(pod('z', 'other', {}), frontend, 1234)).toBe(true);
  });
});

describe('NetworkPolicy evaluator: Kubernetes docs, "Behavior of to and from selectors"', () => {
  const namespaces = [{ name: 'default' }, { name: 'alice-ns', labels: { user: 'alice' } }, { name: 'bob-ns' }];
  const server = pod('server', 'default', { app: 'server' });

  it('one from element with namespaceSelector and podSelector: role=client pods in user=alice namespaces only', () => {
    const and = new NetworkPolicyEvaluator(namespaces, [policy('default', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { user: 'alice' } }, podSelector: { matchLabels: { role: 'client' } } }] }] })]);
    expect(and.allows(pod('c', 'alice-ns', { role: 'client' }), server, 80)).toBe(true);
    expect(and.allows(pod('n', 'alice-ns', { role: 'nobody' }), server, 80)).toBe(false);
    expect(and.allows(pod('c', 'default', { role: 'client' }), server, 80)).toBe(false);
  });

  it('two from elements: role=client pods of the local namespace, or any pod of user=alice namespaces', () => {
    const or = new NetworkPolicyEvaluator(namespaces, [policy('default', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { user: 'alice' } } }, { podSelector: { matchLabels: { role: 'client' } } }] }] })]);
    expect(or.allows(pod('n', 'alice-ns', { role: 'nobody' }), server, 80)).toBe(true);
    expect(or.allows(pod('c', 'default', { role: 'client' }), server, 80)).toBe(true);
    expect(or.allows(pod('c', 'bob-ns', { role: 'client' }), server, 80)).toBe(false);
  });
});

describe('NetworkPolicy evaluator: Kubernetes docs, "Default policies"', () => {
  const namespaces = [{ name: 'default' }, { name: 'other' }];
  const a = pod('a', 'default', { app: 'a' });
  const b = pod('b', 'other', { app: 'b' });

  it('default-deny-ingress isolates ingress only; egress is unchanged', () => {
    const e = new NetworkPolicyEvaluator(namespaces, [policy('default', { podSelector: {}, policyTypes: ['Ingress'] })]);
    expect(e.allows(b, a, 80)).toBe(false);
    expect(e.allows(a, b, 80)).toBe(true);
  });

  it('allow-all-ingress (`ingress: [{}]`) allows every source even beside a deny', () => {
    const e = new NetworkPolicyEvaluator(namespaces, [
      policy('default', { podSelector: {}, policyTypes: ['Ingress'] }, 'deny'),
      policy('default', { podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] }, 'allow'),
    ]);
    expect(e.allows(b, a, 80)).toBe(true);
  });

  it('default-deny-egress isolates egress only', () => {
    const e = new NetworkPolicyEvaluator(namespaces, [policy('default', { podSelector: {}, policyTypes: ['Egress'] })]);
    expect(e.allows(a, b, 80)).toBe(false);
    expect(e.allows(b, a, 80)).toBe(true);
  });

  it('default-deny-all isolates both directions', () => {
    const e = new NetworkPolicyEvaluator(namespaces, [policy('default', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })]);
    expect(e.allows(a, b, 80)).toBe(false);
    expect(e.allows(b, a, 80)).toBe(false);
    expect(e.allows(a, pod('a2', 'default', { app: 'a' }), 80)).toBe(false);
  });

  it('without policyTypes: Ingress always, Egress when the policy has an egress section', () => {
    const ingressOnly = new NetworkPolicyEvaluator(namespaces, [policy('default', { podSelector: {} })]);
    expect(ingressOnly.isolated(a, 'Ingress')).toBe(true);
    expect(ingressOnly.isolated(a, 'Egress')).toBe(false);
    const both = new NetworkPolicyEvaluator(namespaces, [policy('default', { podSelector: {}, egress: [] })]);
    expect(both.isolated(a, 'Egress')).toBe(true);
  });
});

describe('NetworkPolicy evaluator: ports', () => {
  const namespaces = [{ name: 'default' }];
  const client = pod('c', 'default', { app: 'c' });

  it('Kubernetes docs, "Targeting a range of ports": port 32000 with endPort 32768', () => {
    const e = new NetworkPolicyEvaluator(namespaces, [policy('default', { podSelector: { matchLabels: { role: 'db' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }], ports: [{ protocol: 'TCP', port: 32000, endPort: 32768 }] }] })]);
    const db = pod('db', 'default', { role: 'db' });
    expect(e.allows(db, { ip: '10.0.0.1' }, 32000)).toBe(true);
    expect(e.allows(db, { ip: '10.0.0.1' }, 32768)).toBe(true);
    expect(e.allows(db, { ip: '10.0.0.1' }, 32769)).toBe(false);
  });

  it('a named port is the destination pod\'s container port of that name and protocol', () => {
    const e = new NetworkPolicyEvaluator(namespaces, [policy('default', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{ ports: [{ port: 'metrics' }] }], egress: [{ ports: [{ port: 'metrics' }] }] })]);
    const withMetrics = pod('m', 'default', { app: 'm' }, { ports: [{ name: 'metrics', containerPort: 9090 }, { name: 'http', containerPort: 8080 }] });
    const without = pod('w', 'default', { app: 'w' }, { ports: [{ name: 'http', containerPort: 9090 }] });
    expect(e.allows(client, withMetrics, 9090)).toBe(true);
    expect(e.allows(client, withMetrics, 8080)).toBe(false);
    expect(e.allows(client, without, 9090)).toBe(false);
  });

  it('a port entry without port matches every port of its protocol (TCP by default)', () => {
    const e = new NetworkPolicyEvaluator(namespaces, [policy('default', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ protocol: 'UDP' }] }] })]);
    expect(e.allows(client, pod('s', 'default', {}), 53, 'UDP')).toBe(true);
    expect(e.allows(client, pod('s', 'default', {}), 53, 'TCP')).toBe(false);
  });
});

describe('NetworkPolicy evaluator: ahmetb/kubernetes-network-policy-recipes', () => {
  const namespaces = [{ name: 'default' }, { name: 'other' }];
  const web = pod('web', 'default', { app: 'web' });

  it('01-deny-all-traffic-to-an-application: app=web with `ingress: []` accepts nothing; other pods stay open', () => {
    const e = new NetworkPolicyEvaluator(namespaces, [policy('default', { podSelector: { matchLabels: { app: 'web' } }, ingress: [] })]);
    expect(e.allows(pod('x', 'default', {}), web, 80)).toBe(false);
    expect(e.allows(web, pod('x', 'default', {}), 80)).toBe(true);
  });

  it('02-limit-traffic-to-an-application: app=bookstore,role=api from app=bookstore only', () => {
    const api = pod('api', 'default', { app: 'bookstore', role: 'api' });
    const e = new NetworkPolicyEvaluator(namespaces, [policy('default', { podSelector: { matchLabels: { app: 'bookstore', role: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'bookstore' } } }] }] })]);
    expect(e.allows(pod('f', 'default', { app: 'bookstore', role: 'frontend' }), api, 80)).toBe(true);
    expect(e.allows(pod('x', 'default', { app: 'coffeeshop' }), api, 80)).toBe(false);
  });

  it('04-deny-traffic-from-other-namespaces: `from: [podSelector: {}]` admits the own namespace only', () => {
    const e = new NetworkPolicyEvaluator(namespaces, [policy('default', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] })]);
    expect(e.allows(pod('x', 'default', {}), web, 80)).toBe(true);
    expect(e.allows(pod('y', 'other', {}), web, 80)).toBe(false);
  });

  it('05-allow-traffic-from-all-namespaces: `namespaceSelector: {}` admits every namespace', () => {
    const e = new NetworkPolicyEvaluator(namespaces, [policy('default', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: {} }] }] })]);
    expect(e.allows(pod('y', 'other', {}), web, 80)).toBe(true);
    expect(e.allows({ ip: '203.0.113.1' }, web, 80)).toBe(false);
  });

  it('matchExpressions In / NotIn / Exists / DoesNotExist', () => {
    const e = new NetworkPolicyEvaluator(namespaces, [policy('default', {
      podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['db'] }] },
      ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }, { key: 'team', operator: 'Exists' }, { key: 'banned', operator: 'DoesNotExist' }] } }] }],
    })]);
    const db = pod('db', 'default', { tier: 'db' });
    expect(e.allows(pod('a', 'default', { team: 'x', env: 'prod' }), db, 5432)).toBe(true);
    expect(e.allows(pod('b', 'default', { team: 'x', env: 'dev' }), db, 5432)).toBe(false);
    expect(e.allows(pod('c', 'default', { env: 'prod' }), db, 5432)).toBe(false);
    expect(e.allows(pod('d', 'default', { team: 'x', banned: 'yes' }), db, 5432)).toBe(false);
  });
});
