import { createRequire } from 'node:module';

let promqlParser: typeof import('@prometheus-io/lezer-promql').parser | undefined;

/**
 * The PromQL grammar, loaded (its CommonJS build: the check is synchronous) when the first query is checked: `validate`
 * of manifests without AnalysisTemplates or rules does not load it (~15 ms; issue 25: CLI start).
 */
function parser(): typeof import('@prometheus-io/lezer-promql').parser {
  return (promqlParser ??= (createRequire(import.meta.url)('@prometheus-io/lezer-promql') as typeof import('@prometheus-io/lezer-promql')).parser);
}

/**
 * Syntax check of a PromQL query without a Prometheus: the Lezer grammar the Prometheus project
 * publishes for its own UI (@prometheus-io/lezer-promql). It knows the function names and the operator
 * grammar; it does not type-check (e.g. `rate()` of an instant vector) or compile label regexes. Those
 * are checked where a Prometheus exists: the test suite runs every emitted query against a real one
 * (`analysis simulate`). Template placeholders (`{{args.x}}`) stand for a plain word.
 * Returns a message, or undefined when the query parses.
 */
export function promqlSyntaxError(query: string): string | undefined {
  const text = query.replace(/\{\{\s*args\.[A-Za-z0-9_.-]+\s*\}\}/g, 'arg');
  if (text.trim() === '') return 'the query is empty';
  const tree = parser().parse(text);
  let at: number | undefined;
  tree.iterate({
    enter: (node) => {
      if (at === undefined && node.type.isError) at = node.from;
      return at === undefined;
    },
  });
  if (at === undefined) return undefined;
  const from = Math.max(0, at - 30);
  return `PromQL syntax error at character ${at}: …${text.slice(from, at)}⟨here⟩${text.slice(at, at + 30)}…`;
}
