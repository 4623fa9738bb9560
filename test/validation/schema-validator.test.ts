import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { Finding } from '../../lib/validation/finding.js';
import { SchemaValidator, validateDirectory } from '../../lib/validation/schema-validator.js';

// Fixtures are written as YAML, the way manifests reach the validator; each call returns a fresh object.
const fixture = (yaml: string): Record<string, unknown> => YAML.parse(yaml) as Record<string, unknown>;

const rollout = () =>
  fixture(`
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  replicas: 3
  revisionHistoryLimit: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{name: http, containerPort: 8080}]
          resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}}
  strategy:
    canary:
      canaryService: web-canary
      stableService: web-stable
      analysis:
        templates: [{templateName: success-rate}]
        startingStep: 1
        args: [{name: service-name, value: web}]
      steps:
        - setWeight: 10
        - pause: {duration: 1m}
        - setWeight: 50
        - pause: {}
`);

const analysisTemplate = () =>
  fixture(`
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: success-rate, namespace: shop}
spec:
  args: [{name: service-name}]
  metrics:
    - name: success-rate
      interval: 30s
      count: 5
      failureLimit: 2
      successCondition: result[0] >= 0.95
      provider:
        prometheus:
          address: http://prometheus.monitoring:9090
          query: sum(rate(http_requests_total{service="{{args.service-name}}",code!~"5.."}[5m])) / sum(rate(http_requests_total{service="{{args.service-name}}"}[5m]))
`);

const scaledObject = () =>
  fixture(`
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: worker, namespace: jobs}
spec:
  scaleTargetRef: {name: worker}
  minReplicaCount: 1
  maxReplicaCount: 10
  triggers:
    - type: prometheus
      metadata: {serverAddress: "http://prometheus:9090", query: sum(queue_depth), threshold: "10"}
`);

const httpRoute = () =>
  fixture(`
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: shop}
spec:
  parentRefs: [{name: public-gw, namespace: infra}]
  hostnames: [shop.example.com]
  rules:
    - matches: [{path: {type: PathPrefix, value: /}}]
      backendRefs:
        - {name: web-stable, port: 80, weight: 90}
        - {name: web-canary, port: 80, weight: 10}
`);

const deployment = () =>
  fixture(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app.kubernetes.io/name: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          imagePullPolicy: IfNotPresent
          ports: [{name: http, containerPort: 8080}]
          env: [{name: MODE, value: prod}]
          resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 1, memory: 256Mi}}
          readinessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 5}
`);

const at = (obj: Record<string, unknown>, dotted: string): Record<string, unknown> =>
  dotted.split('.').reduce<Record<string, unknown>>((node, key) => node[key] as Record<string, unknown>, obj);
const firstContainer = (d: Record<string, unknown>) => (at(d, 'spec.template.spec').containers as Record<string, unknown>[])[0]!;

let validator: SchemaValidator;

beforeAll(async () => {
  validator = await SchemaValidator.load();
});

describe('SchemaValidator: custom resources from the pinned CRDs', () => {
  it('accepts a valid Argo Rollout with canary steps', () => {
    // GIVEN a Rollout using canary steps, analysis and a full pod template
    // WHEN validated
    const findings = validator.validate(rollout(), 'rollout.yaml: Rollout/shop/web');
    // THEN there is nothing to report
    expect(findings).toEqual([]);
  });

  it('reports an unknown field in spec.strategy.canary once, with a spelling hint', () => {
    // GIVEN a Rollout whose canary strategy has a misspelled `stepz` next to `steps`
    const manifest = rollout();
    at(manifest, 'spec.strategy.canary').stepz = [{ setWeight: 20 }];
    // WHEN validated
    const findings = validator.validate(manifest, 'rollout.yaml: Rollout/shop/web');
    // THEN exactly one unknown-field finding names the path and suggests `steps`
    expect(findings).toEqual<Finding[]>([
      {
        location: 'rollout.yaml: Rollout/shop/web',
        field: 'spec.strategy.canary.stepz',
        value: [{ setWeight: 20 }],
        rule: 'schema/unknown-field',
        message:
          'unknown field "stepz": spec.strategy.canary of Rollout (argoproj.io/v1alpha1) has no such field, so the API server would reject it (strict field validation) or drop it.',
        fix: 'Remove the field or check its spelling against the Rollout (argoproj.io/v1alpha1) schema (did you mean "steps"?).',
      },
    ]);
  });

  it('reports a quoted setWeight as a type error', () => {
    // GIVEN a Rollout step with setWeight "10" (a string; the CRD says integer)
    const manifest = rollout();
    (at(manifest, 'spec.strategy.canary').steps as Record<string, unknown>[])[0] = { setWeight: '10' };
    // WHEN validated
    const findings = validator.validate(manifest, 'loc');
    // THEN one schema/type finding at that step
    expect(findings).toEqual<Finding[]>([
      {
        location: 'loc',
        field: 'spec.strategy.canary.steps[0].setWeight',
        value: '10',
        rule: 'schema/type',
        message: 'must be an integer but is a string.',
        fix: 'Write the number without quotes: 10.',
      },
    ]);
  });

  it('reports duplicate keys of a list-type map in the Rollout pod template', () => {
    // GIVEN two containers with the same name (containers is x-kubernetes-list-type: map keyed by name)
    const manifest = rollout();
    (at(manifest, 'spec.template.spec').containers as unknown[]).push({ name: 'web', image: 'busybox:1.36' });
    // WHEN validated
    const findings = validator.validate(manifest, 'loc');
    // THEN the second entry is reported as a duplicate
    expect(findings).toEqual<Finding[]>([
      {
        location: 'loc',
        field: 'spec.template.spec.containers[1]',
        value: { name: 'web', image: 'busybox:1.36' },
        rule: 'schema/duplicate',
        message: 'duplicate list entry (same name): a Kubernetes list of type map must not repeat keys.',
        fix: 'Remove or merge the duplicate entry.',
      },
    ]);
  });

  it('treats null in a non-nullable CRD field as unset, like the API server, but still checks required fields', () => {
    // GIVEN a Rollout with `analysis: null` (an optional, non-nullable field)
    const manifest = rollout();
    at(manifest, 'spec.strategy.canary').analysis = null;
    // AND a Rollout whose required pod-template `containers` is null
    const withoutContainers = rollout();
    at(withoutContainers, 'spec.template.spec').containers = null;
    // WHEN both are validated
    // THEN the optional null is accepted and the required one is reported missing
    expect(validator.validate(manifest, 'loc')).toEqual([]);
    expect(validator.validate(withoutContainers, 'loc')).toEqual<Finding[]>([
      {
        location: 'loc',
        field: 'spec.template.spec.containers',
        value: undefined,
        rule: 'schema/required',
        message: 'required field "containers" is missing.',
        fix: 'Add spec.template.spec.containers (see the Rollout (argoproj.io/v1alpha1) schema).',
      },
    ]);
  });

  it('accepts a valid AnalysisTemplate with a prometheus provider and rejects a numeric interval', () => {
    // GIVEN a valid AnalysisTemplate, and a copy whose interval is the number 30 instead of "30s"
    const invalid = analysisTemplate();
    (at(invalid, 'spec').metrics as Record<string, unknown>[])[0]!.interval = 30;
    // WHEN both are validated
    // THEN the valid one passes and the other has exactly one type finding
    expect(validator.validate(analysisTemplate(), 'loc')).toEqual([]);
    expect(validator.validate(invalid, 'loc')).toEqual<Finding[]>([
      {
        location: 'loc',
        field: 'spec.metrics[0].interval',
        value: 30,
        rule: 'schema/type',
        message: 'must be a string but is an integer.',
        fix: 'Quote the value so it is a string: "30".',
      },
    ]);
  });

  it('accepts a valid KEDA ScaledObject and rejects an unquoted trigger metadata value', () => {
    // GIVEN a ScaledObject whose prometheus trigger threshold is the number 10 (trigger metadata is a string map)
    const invalid = scaledObject();
    at(invalid, 'spec').triggers = [{ type: 'prometheus', metadata: { serverAddress: 'http://prometheus:9090', query: 'q', threshold: 10 } }];
    // WHEN validated, next to the valid original
    // THEN only the invalid one reports the threshold
    expect(validator.validate(scaledObject(), 'loc')).toEqual([]);
    expect(validator.validate(invalid, 'loc')).toEqual<Finding[]>([
      {
        location: 'loc',
        field: 'spec.triggers[0].metadata.threshold',
        value: 10,
        rule: 'schema/type',
        message: 'must be a string but is an integer.',
        fix: 'Quote the value so it is a string: "10".',
      },
    ]);
  });

  it('accepts a valid HTTPRoute and reports an unknown backendRef field with a hint', () => {
    // GIVEN an HTTPRoute whose first backendRef says `wieght`
    const invalid = httpRoute();
    const rules = at(invalid, 'spec').rules as { backendRefs: Record<string, unknown>[] }[];
    rules[0]!.backendRefs[0] = { name: 'web-stable', port: 80, wieght: 90 };
    // WHEN validated, next to the valid original
    // THEN the valid one passes and the misspelling is one unknown-field finding
    expect(validator.validate(httpRoute(), 'loc')).toEqual([]);
    expect(validator.validate(invalid, 'loc')).toEqual<Finding[]>([
      {
        location: 'loc',
        field: 'spec.rules[0].backendRefs[0].wieght',
        value: 90,
        rule: 'schema/unknown-field',
        message:
          'unknown field "wieght": spec.rules[0].backendRefs[0] of HTTPRoute (gateway.networking.k8s.io/v1) has no such field, so the API server would reject it (strict field validation) or drop it.',
        fix: 'Remove the field or check its spelling against the HTTPRoute (gateway.networking.k8s.io/v1) schema (did you mean "weight"?).',
      },
    ]);
  });

  it('reports an HTTPRoute path type outside the enum', () => {
    // GIVEN an HTTPRoute using the Ingress-style path type "Prefix"
    const manifest = httpRoute();
    (at(manifest, 'spec').rules as { matches: unknown[] }[])[0]!.matches = [{ path: { type: 'Prefix', value: '/' } }];
    // WHEN validated
    // THEN one enum finding lists the allowed values (the CRD's CEL rule on the same field agrees, issue 12)
    const findings = validator.validate(manifest, 'loc');
    expect(findings.filter((f) => f.rule === 'schema/cel').map((f) => f.field)).toEqual(['spec.rules[0].matches[0].path']);
    expect(findings.filter((f) => f.rule !== 'schema/cel')).toEqual<Finding[]>([
      {
        location: 'loc',
        field: 'spec.rules[0].matches[0].path.type',
        value: 'Prefix',
        rule: 'schema/enum',
        message: 'must be one of "Exact", "PathPrefix", "RegularExpression".',
        fix: 'Use one of "Exact", "PathPrefix", "RegularExpression".',
      },
    ]);
  });

  it('accepts a valid Argo CD Application and a valid CloudNativePG Cluster', () => {
    // GIVEN an Application with automated sync and a three-instance Cluster
    const application = fixture(`
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: shop, namespace: argocd, finalizers: [resources-finalizer.argocd.argoproj.io]}
spec:
  project: default
  source: {repoURL: "https://github.com/example/deploy.git", targetRevision: main, path: apps/shop}
  destination: {server: "https://kubernetes.default.svc", namespace: shop}
  syncPolicy: {automated: {prune: true, selfHeal: true}, syncOptions: [CreateNamespace=true]}
`);
    const cluster = fixture(`
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: {name: shop-db, namespace: shop}
spec:
  instances: 3
  imageName: ghcr.io/cloudnative-pg/postgresql:16.4
  storage: {size: 10Gi}
  bootstrap: {initdb: {database: shop, owner: shop}}
  postgresql: {parameters: {max_connections: "200"}}
  monitoring: {enablePodMonitor: false}
`);
    // WHEN validated
    // THEN neither has findings
    expect(validator.validate(application, 'loc')).toEqual([]);
    expect(validator.validate(cluster, 'loc')).toEqual([]);
  });

  it('checks custom resource metadata against the core ObjectMeta schema', () => {
    // GIVEN a Rollout with `metadata.labelz` (the CRD itself only says metadata is an object)
    const manifest = rollout();
    at(manifest, 'metadata').labelz = { app: 'web' };
    // WHEN validated
    // THEN the unknown metadata field is reported
    expect(validator.validate(manifest, 'loc')).toEqual<Finding[]>([
      {
        location: 'loc',
        field: 'metadata.labelz',
        value: { app: 'web' },
        rule: 'schema/unknown-field',
        message:
          'unknown field "labelz": metadata of Rollout (argoproj.io/v1alpha1) has no such field, so the API server would reject it (strict field validation) or drop it.',
        fix: 'Remove the field or check its spelling against the Rollout (argoproj.io/v1alpha1) schema (did you mean "labels"?).',
      },
    ]);
  });

  it('reports an apiVersion the CRD does not serve', () => {
    // GIVEN a Rollout declared as argoproj.io/v1 (only v1alpha1 is served)
    const manifest = { ...rollout(), apiVersion: 'argoproj.io/v1' };
    // WHEN validated
    // THEN one api-version finding points to the served version
    expect(validator.validate(manifest, 'loc')).toEqual<Finding[]>([
      {
        location: 'loc',
        field: 'apiVersion',
        value: 'argoproj.io/v1',
        rule: 'schema/api-version',
        message: 'Rollout is not served as argoproj.io/v1 (known: argoproj.io/v1alpha1).',
        fix: "Set apiVersion to argoproj.io/v1alpha1 and check the spec against that version's schema.",
      },
    ]);
  });
});

describe('SchemaValidator: core kinds', () => {
  it('accepts a valid Deployment', () => {
    // GIVEN a Deployment with probes, resources and an int-or-string maxSurge
    // WHEN validated
    // THEN there is nothing to report
    expect(validator.validate(deployment(), 'loc')).toEqual([]);
  });

  it('reports a numeric imagePullPolicy as one type error (no extra enum noise)', () => {
    // GIVEN a container with imagePullPolicy: 3
    const manifest = deployment();
    firstContainer(manifest).imagePullPolicy = 3;
    // WHEN validated
    // THEN one schema/type finding at that path
    expect(validator.validate(manifest, 'deploy.yaml: Deployment/shop/web')).toEqual<Finding[]>([
      {
        location: 'deploy.yaml: Deployment/shop/web',
        field: 'spec.template.spec.containers[0].imagePullPolicy',
        value: 3,
        rule: 'schema/type',
        message: 'must be a string but is an integer.',
        fix: 'Quote the value so it is a string: "3".',
      },
    ]);
  });

  it('reports an unknown container field', () => {
    // GIVEN a container with a field `foo` that no Kubernetes version has
    const manifest = deployment();
    firstContainer(manifest).foo = 'bar';
    // WHEN validated
    // THEN one unknown-field finding at spec.template.spec.containers[0].foo
    expect(validator.validate(manifest, 'loc')).toEqual<Finding[]>([
      {
        location: 'loc',
        field: 'spec.template.spec.containers[0].foo',
        value: 'bar',
        rule: 'schema/unknown-field',
        message:
          'unknown field "foo": spec.template.spec.containers[0] of Deployment (apps/v1) has no such field, so the API server would reject it (strict field validation) or drop it.',
        fix: 'Remove the field or check its spelling against the Deployment (apps/v1) schema.',
      },
    ]);
  });

  it('reports an unknown metadata field on a core kind', () => {
    // GIVEN a Deployment with metadata.labelz
    const manifest = deployment();
    at(manifest, 'metadata').labelz = { app: 'web' };
    // WHEN validated
    // THEN it is an unknown field with a hint towards labels
    expect(validator.validate(manifest, 'loc')).toEqual<Finding[]>([
      {
        location: 'loc',
        field: 'metadata.labelz',
        value: { app: 'web' },
        rule: 'schema/unknown-field',
        message:
          'unknown field "labelz": metadata of Deployment (apps/v1) has no such field, so the API server would reject it (strict field validation) or drop it.',
        fix: 'Remove the field or check its spelling against the Deployment (apps/v1) schema (did you mean "labels"?).',
      },
    ]);
  });

  it('reports wrong int-or-string and required-field problems once each', () => {
    // GIVEN a Deployment whose maxSurge is a boolean and whose container lost its name
    const manifest = deployment();
    at(manifest, 'spec.strategy.rollingUpdate').maxSurge = true;
    delete firstContainer(manifest).name;
    // WHEN validated
    const findings = validator.validate(manifest, 'loc');
    // THEN one finding per problem (kubernetes-models reports 3 ajv errors for the int-or-string alone)
    expect(findings.map((f) => [f.rule, f.field, f.message])).toEqual([
      ['schema/type', 'spec.strategy.rollingUpdate.maxSurge', 'must be a string or integer but is a boolean.'],
      ['schema/required', 'spec.template.spec.containers[0].name', 'required field "name" is missing.'],
    ]);
  });

  it('accepts a PodDisruptionBudget and an autoscaling/v2 HorizontalPodAutoscaler', () => {
    // GIVEN a PDB with minAvailable and an HPA with a CPU utilisation target and scale-down behaviour
    const pdb = fixture(`
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
`);
    const hpa = fixture(`
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
  behavior: {scaleDown: {stabilizationWindowSeconds: 300}}
`);
    // WHEN validated
    // THEN both pass
    expect(validator.validate(pdb, 'loc')).toEqual([]);
    expect(validator.validate(hpa, 'loc')).toEqual([]);
  });

  it('reports a removed API version of a core kind', () => {
    // GIVEN a Deployment declared as extensions/v1beta1 (removed in Kubernetes 1.16)
    const manifest = { ...deployment(), apiVersion: 'extensions/v1beta1' };
    // WHEN validated
    // THEN the finding points to apps/v1
    expect(validator.validate(manifest, 'loc')).toEqual<Finding[]>([
      {
        location: 'loc',
        field: 'apiVersion',
        value: 'extensions/v1beta1',
        rule: 'schema/api-version',
        message: 'Deployment is not served as extensions/v1beta1 (known: apps/v1).',
        fix: "Set apiVersion to apps/v1 and check the spec against that version's schema.",
      },
    ]);
  });
});

describe('SchemaValidator: kinds', () => {
  it('reports a kind of an API group nothing pins once, as not checked (issue 12: Istio, SMI, cert-manager kinds)', () => {
    // GIVEN a resource of a kind that neither Kubernetes nor the pinned CRDs define, in a group none of them has
    const manifest = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 3 } };
    // WHEN validated
    const findings = validator.validate(manifest, 'loc');
    // THEN one unpinned-kind finding (a warning in validateManifests)
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ location: 'loc', field: 'kind', value: 'Widget', rule: 'schema/unpinned-kind' });
    expect(findings[0]!.message).toMatch(/^is not checked: no schema of API group example\.com is pinned/);
  });

  it('reports an unknown kind of a pinned group as an error (a typo)', () => {
    const findings = validator.validate({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rolout', metadata: { name: 'w' } }, 'loc');
    expect(findings.map((f) => f.rule)).toEqual(['schema/unknown-kind']);
  });

  it('knows core kinds and CRD kinds, and only their served versions', () => {
    // GIVEN the loaded validator
    // WHEN asked about a few apiVersion/kind pairs
    // THEN core and CRD kinds are known and unserved/unknown ones are not
    expect(validator.knows('apps/v1', 'Deployment')).toBe(true);
    expect(validator.knows('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding')).toBe(true);
    expect(validator.knows('apiextensions.k8s.io/v1', 'CustomResourceDefinition')).toBe(true);
    expect(validator.knows('gateway.networking.k8s.io/v1beta1', 'HTTPRoute')).toBe(true);
    expect(validator.knows('keda.sh/v1alpha1', 'ScaledObject')).toBe(true);
    expect(validator.knows('extensions/v1beta1', 'Deployment')).toBe(false);
    expect(validator.knows('argoproj.io/v1', 'Rollout')).toBe(false);
    expect(validator.knows('example.com/v1', 'Widget')).toBe(false);
  });
});

describe('validateDirectory', () => {
  it('validates every document of every YAML file and names each by file, kind, namespace and name', async () => {
    // GIVEN a folder with a multi-document file (valid Service + Deployment with a typo) and a nested file
    const dir = await mkdtemp(path.join(tmpdir(), 'schema-validator-'));
    try {
      const broken = deployment();
      firstContainer(broken).imagePullPolizy = 'Always';
      const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] } };
      await writeFile(path.join(dir, 'app.yaml'), `${YAML.stringify(service)}---\n${YAML.stringify(broken)}---\n`);
      await mkdir(path.join(dir, 'cluster'));
      await writeFile(path.join(dir, 'cluster', 'ns.yml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labelz: {}\n');
      // WHEN the folder is validated
      const findings = await validateDirectory(dir, validator);
      // THEN each problem carries its file and object
      expect(findings.map((f) => [f.location, f.field, f.rule])).toEqual([
        ['app.yaml: Deployment/shop/web', 'spec.template.spec.containers[0].imagePullPolizy', 'schema/unknown-field'],
        ['cluster/ns.yml: Namespace/-/shop', 'metadata.labelz', 'schema/unknown-field'],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
