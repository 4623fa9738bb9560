import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runLauncher } from './launcher.js';


const cli = (args: string[], env: NodeJS.ProcessEnv) => runLauncher(args, { env });

const scratch = mkdtempSync(path.join(os.tmpdir(), 'validate-cache-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** An HTTPRoute that breaks CEL rules, patterns, list-map keys and the schema's fields, beside the invalid fixtures. */
const ROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: web
  namespace: shop
spec:
  hostnames: ["UPPER.example"]
  parentRefs:
    - name: public
    - name: public
  rules:
    - matches:
        - path: { type: PathPrefix, value: "api//x" }
      backendRefs:
        - { group: "", kind: Service, name: web }
      timeouts: { request: 10s, bogus: 1 }
`;

describe('cdk8s-delivery validate with the cache of compiled validators, parsed CEL rules and their outcomes (issue 25)', () => {
  it('GIVEN invalid manifests of core kinds and CRDs WHEN validated without the cache, with an empty one and with the one it filled THEN the output is the same each time', async () => {
    // GIVEN
    const folder = path.join(scratch, 'manifests');
    cpSync(path.join(ROOT, 'test/fixtures/validate/invalid'), folder, { recursive: true });
    writeFileSync(path.join(folder, 'route.yaml'), ROUTE);
    const cacheHome = path.join(scratch, 'cache');
    // WHEN
    const off = await cli(['validate', folder, '--json'], { XDG_CACHE_HOME: cacheHome, CDK8S_DELIVERY_VALIDATOR_CACHE: 'off' });
    expect(readdirSync(scratch)).toEqual(['manifests']);
    const first = await cli(['validate', folder, '--json'], { XDG_CACHE_HOME: cacheHome });
    const cached = readdirSync(path.join(cacheHome, 'cdk8s-delivery', 'validators'));
    const warm = await cli(['validate', folder, '--json'], { XDG_CACHE_HOME: cacheHome });
    // the first run from the cache wrote the V8 code caches of the validators it loaded: the next run uses them
    const codeCaches = readdirSync(path.join(cacheHome, 'cdk8s-delivery', 'validators')).filter((f) => f.endsWith('.v8'));
    const withCodeCache = await cli(['validate', folder, '--json'], { XDG_CACHE_HOME: cacheHome });
    // THEN the cache holds validators and parsed rules, and nothing differs
    expect(cached.filter((f) => f.endsWith('.js')).length).toBeGreaterThanOrEqual(3);
    expect(cached.filter((f) => f.endsWith('.cel')).length).toBeGreaterThan(10);
    // and the outcomes of the CEL rules on the route's nodes, which the warm runs read instead of evaluating them
    expect(cached.filter((f) => f.endsWith('.celr')).length).toBeGreaterThan(3);
    expect(cached.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(off.code).toBe(1);
    expect(first).toEqual(off);
    expect(warm).toEqual(off);
    expect(codeCaches.length).toBe(cached.filter((f) => f.endsWith('.js')).length);
    expect(withCodeCache).toEqual(off);
    const rules = (JSON.parse(off.stdout) as { findings: { rule: string; location: string }[] }).findings.filter((f) => f.location.includes('route.yaml')).map((f) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(['schema/cel', 'schema/pattern', 'schema/unknown-field']));
  }, 120_000);
});
