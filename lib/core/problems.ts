import { Construct, IConstruct } from 'constructs';
import { Finding, formatFinding, renderValue } from '../validation/finding.js';

/** What a construct reports about its own props. The construct path is added for it. */
export interface Problem {
  /** The prop path, e.g. `readinessProbe` or `autoscaling.minReplicas`. */
  readonly field: string;
  /** The value seen. */
  readonly value?: unknown;
  /** What is wrong. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  /** Stable rule id. @default `props/invalid` */
  readonly rule?: string;
}

const PROBLEMS = new WeakMap<IConstruct, Finding[]>();

/**
 * Records a problem with a construct's props. Constructs check their props as early as the constructor
 * and keep going, so a synth reports every problem at once instead of the first one.
 */
export function reportProblem(scope: IConstruct, problem: Problem): void {
  let list = PROBLEMS.get(scope);
  if (!list) {
    list = [];
    PROBLEMS.set(scope, list);
  }
  list.push({
    location: scope.node.path,
    field: problem.field,
    value: problem.value,
    rule: problem.rule ?? 'props/invalid',
    message: problem.message,
    fix: problem.fix,
  });
}

/** Every problem reported by `root` or any construct below it, in construct-tree order. */
export function collectProblems(root: IConstruct): Finding[] {
  return problemsOf(root.node.findAll());
}

/** Every problem reported by these constructs, in their order (a caller that walks the tree anyway walks it once). */
export function problemsOf(constructs: readonly IConstruct[]): Finding[] {
  const found: Finding[] = [];
  for (const c of constructs) {
    const reported = PROBLEMS.get(c);
    if (reported) found.push(...reported);
  }
  return found;
}

/**
 * Thrown when a synth finds problems. Its message lists every finding, one per line, each with the
 * construct path (or file), the field, the value, the rule and the fix.
 */
export class SynthError extends Error {
  /** All findings, in a stable order. */
  public readonly findings: readonly Finding[];

  constructor(findings: readonly Finding[]) {
    const grouped = groupAcrossEnvironments(findings);
    const lines = grouped.map((f) => `  - ${formatFinding(f)}`);
    const count = `${grouped.length} problem${grouped.length === 1 ? '' : 's'}`;
    super(`synth failed with ${count}${grouped.length === findings.length ? '' : ` (${findings.length} findings across environments)`}:\n${lines.join('\n')}`);
    this.name = 'SynthError';
    this.findings = findings;
  }
}

/** Throws a {@link SynthError} when `root` or its children reported problems. */
export function assertNoProblems(root: Construct): void {
  const problems = collectProblems(root);
  if (problems.length > 0) throw new SynthError(problems);
}

/**
 * One finding per distinct problem: the same problem in several environments of a platform (construct paths
 * `<platform>/<environment>/…` that differ only in the environment) is one line, its location naming the
 * environments together, e.g. `shop/{dev,staging,prod}/api`. A problem whose message differs per environment
 * (it names the environment) stays one line per environment. Order: first occurrence.
 */
export function groupAcrossEnvironments(findings: readonly Finding[]): Finding[] {
  const groups = new Map<string, { finding: Finding; environments: string[] }>();
  const out: { finding: Finding; environments: string[] }[] = [];
  for (const finding of findings) {
    const segments = finding.location.split('/');
    if (segments.length < 3) {
      out.push({ finding, environments: [] });
      continue;
    }
    const key = JSON.stringify([segments[0], segments.slice(2).join('/'), finding.field, renderValue(finding.value), finding.rule, finding.message, finding.fix]);
    const group = groups.get(key);
    if (group && !group.environments.includes(segments[1]!)) {
      group.environments.push(segments[1]!);
    } else if (!group) {
      const created = { finding, environments: [segments[1]!] };
      groups.set(key, created);
      out.push(created);
    }
  }
  return out.map(({ finding, environments }) => {
    if (environments.length < 2) return finding;
    const segments = finding.location.split('/');
    return { ...finding, location: [segments[0], `{${environments.join(',')}}`, ...segments.slice(2)].join('/') };
  });
}
