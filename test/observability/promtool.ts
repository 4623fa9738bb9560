import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';

/**
 * Debian's promtool (the `prometheus` package `.ci/run` installs): `check rules` and `test rules` on the rule groups
 * the PrometheusRules of dist/ hold, written out as the plain Prometheus rule files prometheus-operator makes of them.
 */
export function promtool(args: readonly string[], cwd?: string): { status: number; output: string } {
  const run = spawnSync('promtool', [...args], { cwd, encoding: 'utf8', timeout: 300_000 });
  if (run.error) throw new Error(`promtool could not run (${run.error.message}): apt-get install -y prometheus`);
  return { status: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
}

/** A fresh temporary folder. */
export function scratch(): string {
  return mkdtempSync(path.join(tmpdir(), 'cdk8s-delivery-promtool-'));
}

/** Writes a PrometheusRule's groups as a Prometheus rule file; returns its path. */
export function writeRuleFile(dir: string, name: string, rule: Record<string, any>): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, stringify({ groups: rule.spec.groups }, { lineWidth: 0 }));
  return file;
}

/**
 * A counter's samples in promtool's expanding notation, one sample per interval: `segments` are [increment per
 * interval, intervals] pairs; the first sample is 0.
 */
export function counter(segments: readonly (readonly [number, number])[]): string {
  const parts = ['0'];
  let value = 0;
  for (const [increment, count] of segments) {
    if (count <= 0) continue;
    parts.push(`${round(value + increment)}+${increment}x${count - 1}`);
    value = round(value + increment * count);
  }
  return parts.join(' ');
}

function round(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

/** A PromQL selector string for a series of promtool's input (labels in the given order). */
export function series(metric: string, labels: Record<string, string>): string {
  return `${metric}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(', ')}}`;
}
