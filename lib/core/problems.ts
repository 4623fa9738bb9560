import { Construct, IConstruct } from 'constructs';
import { Finding, formatFinding } from '../validation/finding.js';

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
  return root.node.findAll().flatMap((c) => PROBLEMS.get(c) ?? []);
}

/**
 * Thrown when a synth finds problems. Its message lists every finding, one per line, each with the
 * construct path (or file), the field, the value, the rule and the fix.
 */
export class SynthError extends Error {
  /** All findings, in a stable order. */
  public readonly findings: readonly Finding[];

  constructor(findings: readonly Finding[]) {
    const lines = findings.map((f) => `  - ${formatFinding(f)}`);
    super(`synth failed with ${findings.length} problem${findings.length === 1 ? '' : 's'}:\n${lines.join('\n')}`);
    this.name = 'SynthError';
    this.findings = findings;
  }
}

/** Throws a {@link SynthError} when `root` or its children reported problems. */
export function assertNoProblems(root: Construct): void {
  const problems = collectProblems(root);
  if (problems.length > 0) throw new SynthError(problems);
}
