import { ApiObject, App } from 'cdk8s';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { Environment } from '../../lib/core/environment.js';
import { syncWaveAnnotations } from '../../lib/core/sync-wave.js';
import { sourceOf, writeCdk8sOutput } from '../../lib/plugin/cdk8s-output.js';
import { Platform } from '../../lib/platform/platform.js';
import { Probe } from '../../lib/pod/probe.js';
import { synthesize } from '../../lib/synth/synthesizer.js';
import { StatelessService } from '../../lib/workloads/stateless-service.js';
import { DIGEST_IMAGE } from '../helpers.js';

// cdk8s-cli's own loader, exactly as `cdk8s synth` uses it (by file: its package exports hide these modules).
const ROOT = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const { PluginManager } = require(path.join(ROOT, 'node_modules/cdk8s-cli/lib/plugins/_manager.js'));
const { ValidationPlugin } = require(path.join(ROOT, 'node_modules/cdk8s-cli/lib/plugins/validation.js'));

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** What `cdk8s synth` does after the app ran: load the plugin registered in cdk8s.yaml, validate, report. */
async function cdk8sValidate(outdir: string, manifests: string[], properties?: Record<string, unknown>) {
  const config = YAML.parse(readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8'));
  expect(config.validations).toEqual([{ package: './lib/plugin', version: '0.1.0', class: 'DeliveryValidation' }]);
  const app = { manifests, constructMetadata: path.join(outdir, 'construct-metadata.json') };
  const entry = properties ? { ...config.validations[0], properties } : config.validations[0];
  const { plugin, context } = ValidationPlugin.load(entry, app, false, new PluginManager(outdir));
  await plugin.validate(context);
  return context.report.toJson();
}

/** A synthesized one-environment app, written the way runSynth writes it under `cdk8s synth`. */
function synthesizedOutput(extra?: (env: any) => void) {
  const app = new App();
  const platform = new Platform(app, 'acme', { environments: [Environment.prod()] });
  new StatelessService(platform.environments[0]!, 'api', { image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/readyz'), replicas: 10 });
  extra?.(platform.environments[0]);
  const outdir = mkdtempSync(path.join(tmpdir(), 'cdk8s-delivery-plugin-'));
  dirs.push(outdir);
  writeCdk8sOutput(synthesize(app), outdir, { constructMetadata: true });
  return outdir;
}

describe('the cdk8s validation plugin (lib/plugin), loaded by cdk8s-cli', () => {
  it('GIVEN a valid synthesized app WHEN cdk8s-cli validates THEN the report succeeds and counts the objects', async () => {
    // GIVEN
    const outdir = synthesizedOutput();
    // WHEN
    const report = await cdk8sValidate(outdir, [path.join(outdir, 'acme-prod.k8s.yaml')]);
    // THEN
    expect(report.summary).toEqual({ status: 'success', plugin: path.join(ROOT, 'lib/plugin'), version: '0.1.0', metadata: { objects: '11', errors: '0', warnings: '0' } });
    expect(report.violations).toEqual([]);
  });

  it('GIVEN a warning in our app and a hand-written privileged Pod WHEN validated THEN errors fail the report, warnings do not, and construct paths come from the metadata', async () => {
    // GIVEN: a delete policy without a hook (a warning: the synth accepts it) ...
    const outdir = synthesizedOutput((env) => new ApiObject(env, 'settings', {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'acme-prod', annotations: { ...syncWaveAnnotations(5), 'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded' } },
    }));
    // ... and a plain cdk8s chart's Pod, keyed by name in the construct metadata as cdk8s itself writes it.
    const handWritten = path.join(outdir, 'tools.k8s.yaml');
    writeFileSync(handWritten, 'apiVersion: v1\nkind: Pod\nmetadata: {name: debug, namespace: tools}\nspec:\n  hostPID: true\n  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n  containers: [{name: sh, image: busybox, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}]\n');
    const metadataFile = path.join(outdir, 'construct-metadata.json');
    const metadata = JSON.parse(readFileSync(metadataFile, 'utf8'));
    writeFileSync(metadataFile, JSON.stringify({ ...metadata, resources: { ...metadata.resources, debug: { path: 'tools/debug' } } }));
    // WHEN
    const report = await cdk8sValidate(outdir, [path.join(outdir, 'acme-prod.k8s.yaml'), handWritten]);
    // THEN
    expect(report.summary.status).toBe('failure');
    expect(report.summary.metadata).toEqual({ objects: '13', errors: '1', warnings: '1' });
    expect(report.violations).toEqual([
      {
        ruleName: 'pss/host-namespaces',
        recommendation: "shares the node's process (PID) namespace, which the baseline Pod Security profile forbids",
        fix: 'remove hostPID (it defaults to false)',
        violatingConstructs: [{ resourceName: 'debug', manifestPath: handWritten, constructPath: 'tools/debug', locations: ["Pod/tools/debug: spec.hostPID = true: shares the node's process (PID) namespace, which the baseline Pod Security profile forbids"] }],
      },
      {
        ruleName: 'argocd/delete-policy-without-hook (warning)',
        recommendation: 'has no effect: the object is not a hook',
        fix: 'add argocd.argoproj.io/hook (e.g. PreSync), or remove the delete policy',
        violatingConstructs: [{
          resourceName: 'acme/prod/settings/configmap-settings.yaml',
          manifestPath: path.join(outdir, 'acme-prod.k8s.yaml'),
          constructPath: 'acme/prod/settings',
          locations: ['ConfigMap/acme-prod/settings: metadata.annotations["argocd.argoproj.io/hook-delete-policy"] = "HookSucceeded": has no effect: the object is not a hook'],
        }],
      },
    ]);
  });

  it('GIVEN policy baseline or none in the properties WHEN a pod breaks only "restricted" THEN the report applies that policy, as validate --policy does', async () => {
    // GIVEN: a Pod that meets "baseline" but not "restricted" (no runAsNonRoot, no seccomp, capabilities kept)
    const outdir = synthesizedOutput();
    const pod = path.join(outdir, 'tools.k8s.yaml');
    writeFileSync(pod, 'apiVersion: v1\nkind: Pod\nmetadata: {name: debug, namespace: tools}\nspec:\n  containers: [{name: sh, image: busybox, resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {memory: 16Mi}}}]\n');
    const manifests = [path.join(outdir, 'acme-prod.k8s.yaml'), pod];
    // WHEN
    const restricted = await cdk8sValidate(outdir, manifests);
    const baseline = await cdk8sValidate(outdir, manifests, { policy: 'baseline' });
    const none = await cdk8sValidate(outdir, manifests, { policy: 'none' });
    // THEN
    expect(restricted.summary.status).toBe('failure');
    expect(restricted.violations.map((v: any) => v.ruleName)).toEqual(['pss/allow-privilege-escalation', 'pss/run-as-non-root', 'pss/seccomp-profile-restricted', 'pss/capabilities-restricted']);
    expect(baseline.summary.status).toBe('success');
    expect(none.summary).toMatchObject({ status: 'success', metadata: { objects: '12', errors: '0' } });
  });

  it('GIVEN unknown or invalid properties WHEN validated THEN the report fails with every problem in one line', async () => {
    const outdir = synthesizedOutput();
    const report = await cdk8sValidate(outdir, [path.join(outdir, 'acme-prod.k8s.yaml')], { policy: 'strict', podSecurityLevel: 'privileged', crd: './crds' });
    expect(report.summary.status).toBe('failure');
    expect(report.violations).toEqual([{
      ruleName: 'cdk8s-delivery/plugin-error',
      recommendation: 'cdk8s.yaml validations properties: policy must be one of restricted, baseline, none, not "strict"; podSecurityLevel must be one of restricted, baseline, not "privileged"; unknown property crd (known: crds, policy, podSecurityLevel)',
      fix: 'fix the input named in the message and synth again',
      violatingConstructs: [],
    }]);
    // podSecurityLevel is read only under policy restricted: with another policy it would be ignored silently
    const conflict = await cdk8sValidate(outdir, [path.join(outdir, 'acme-prod.k8s.yaml')], { policy: 'none', podSecurityLevel: 'restricted' });
    expect(conflict.violations.map((v: any) => v.recommendation)).toEqual(['cdk8s.yaml validations properties: podSecurityLevel applies only with policy restricted, not with policy "none" (remove podSecurityLevel; policy baseline is Pod Security "baseline")']);
  });

  it('GIVEN a manifest that does not parse WHEN validated THEN the report fails with one line, not a stack trace', async () => {
    const outdir = synthesizedOutput();
    const broken = path.join(outdir, 'broken.k8s.yaml');
    writeFileSync(broken, 'kind: [\n');
    const report = await cdk8sValidate(outdir, [broken]);
    expect(report.summary.status).toBe('failure');
    expect(report.violations.map((v: any) => [v.ruleName, v.recommendation.startsWith(`${broken}: document 1 does not parse:`)])).toEqual([['cdk8s-delivery/plugin-error', true]]);
  });
});

describe('writeCdk8sOutput', () => {
  it('GIVEN synthesized objects THEN one combined file per environment, each document headed by its dist/ path, and construct metadata by path', () => {
    const outdir = synthesizedOutput();
    const combined = readFileSync(path.join(outdir, 'acme-prod.k8s.yaml'), 'utf8');
    expect(combined.startsWith('--- # Source: acme/prod/api/analysistemplate-api-slo.yaml\napiVersion: argoproj.io/v1alpha1\n')).toBe(true);
    expect(YAML.parseAllDocuments(combined).map(sourceOf)).toEqual([
      'acme/prod/api/analysistemplate-api-slo.yaml', 'acme/prod/api/poddisruptionbudget-api.yaml', 'acme/prod/api/podmonitor-api.yaml',
      'acme/prod/api/prometheusrule-api-slo.yaml', 'acme/prod/api/rollout-api.yaml',
      'acme/prod/api/service-api-canary.yaml', 'acme/prod/api/service-api.yaml', 'acme/prod/platform/namespace-acme-prod.yaml',
      'acme/prod/platform/networkpolicy-allow-dns.yaml', 'acme/prod/platform/networkpolicy-api.yaml', 'acme/prod/platform/networkpolicy-default-deny.yaml',
    ]);
    const metadata = JSON.parse(readFileSync(path.join(outdir, 'construct-metadata.json'), 'utf8'));
    expect(metadata.version).toBe('1.0.0');
    expect(metadata.resources['acme/prod/api/rollout-api.yaml']).toEqual({ path: 'acme/prod/api/rollout' });
  });
});
