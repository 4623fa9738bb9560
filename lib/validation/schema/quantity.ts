import type { Finding } from '../finding.js';

/** resource.Quantity's syntax (the pattern the Kubernetes OpenAPI schema gives quantities). */
const QUANTITY = /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;

/**
 * Resource quantities of every container inside a custom resource (a Rollout's, Experiment's or analysis
 * job's pod template): the CRDs type them as int-or-string, but the API server decodes the embedded pod spec
 * and rejects `memory: invalid`, as the Deployment schema would.
 */
export function quantityFindings(data: unknown, location: string, path = ''): Finding[] {
  const out: Finding[] = [];
  // The path of the node walked, as parts pushed and popped along the walk: its text is built only for a finding.
  const parts: string[] = path ? [path] : [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        parts.push(`[${i}]`);
        walk(node[i]);
        parts.pop();
      }
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const o = node as Record<string, unknown>;
    for (const list of CONTAINER_LISTS) {
      if (!Array.isArray(o[list])) continue;
      (o[list] as unknown[]).forEach((c, i) => {
        const resources = (c as any)?.resources;
        for (const kind of ['limits', 'requests']) {
          const values = resources?.[kind];
          if (typeof values !== 'object' || values === null) continue;
          for (const [name, value] of Object.entries(values)) {
            if (typeof value === 'number' || (typeof value === 'string' && QUANTITY.test(value))) continue;
            const at = parts.join('');
            const field = `${at ? `${at}.` : ''}${list}[${i}].resources.${kind}.${name}`;
            out.push({ location, field, value, rule: 'schema/quantity', message: 'is not a Kubernetes quantity (e.g. "256Mi", "0.5", "500m"): the API server rejects it.', fix: 'write the amount as a number with an optional suffix, e.g. "512Mi" or "250m"' });
          }
        }
      });
    }
    for (const key in o) {
      if (!Object.hasOwn(o, key) || key === 'status') continue;
      parts.push(parts.length === 0 ? key : `.${key}`);
      walk(o[key]);
      parts.pop();
    }
  };
  walk(data);
  return out;
}

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;
