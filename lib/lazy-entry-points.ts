/**
 * Public functions whose modules are loaded on their first call, not when the library is imported: an app that only
 * declares and synthesizes its platform never loads them (issue 25: `import('cdk8s-delivery')` and `npm run synth`
 * pay for what they use). Each keeps the signature and documentation of the function it calls.
 */
import type { DiffReport, SemanticDiffOptions } from './review/diff/index.js';

/**
 * Compares the output folder in the working tree with the same folder at a git ref and explains every
 * change the way a reviewer reads a release: images, strategies and canary steps, analysis thresholds,
 * disruption budgets, autoscaling bounds, sync waves, objects added and removed, and new migrations
 * (expand or contract), each with the risk flags it raises (see RISK_FLAGS). Rejects with a
 * DiffInputError when an input cannot be read.
 */
export async function semanticDiff(options: SemanticDiffOptions = {}): Promise<DiffReport> {
  return (await import('./review/diff/semantic-diff.js')).semanticDiff(options);
}
