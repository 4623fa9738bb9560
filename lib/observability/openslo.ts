import { SLO_ANNOTATION, SloDeclaration, SloObjectiveDeclaration } from './slo-rules.js';

/** The OpenSLO version written. */
export const OPENSLO_API_VERSION = 'openslo/v1';

/** One OpenSLO document (a Service or an SLO). */
export type OpenSloDocument = Record<string, unknown> & { readonly apiVersion: string; readonly kind: 'Service' | 'SLO' };

/** A declaration that could not be read, with where it was. */
export interface OpenSloProblem {
  readonly location: string;
  readonly message: string;
}

/** An object as read from a manifest folder, with where it came from. */
export interface LocatedObject {
  readonly object: Record<string, any>;
  readonly location: string;
}

/**
 * The SLOs an environment's manifests declare, as OpenSLO v1 documents: one `Service` per service and one `SLO` per
 * objective (availability, latency), read from the {@link SLO_ANNOTATION} annotation of the PrometheusRules that watch
 * them. Each SLO has its indicator inline, a ratio of Prometheus counters (the same selectors the recording rules
 * use), a rolling time window of the SLO period and the Occurrences budgeting method (events, not time slices: as the
 * burn-rate alerts count). Names are `<service>-<slo>`: one environment per export.
 */
export function openSloDocuments(objects: readonly LocatedObject[]): { documents: OpenSloDocument[]; problems: OpenSloProblem[] } {
  const problems: OpenSloProblem[] = [];
  const declarations: { declaration: SloDeclaration; location: string }[] = [];
  for (const { object, location } of objects) {
    const text = object?.kind === 'PrometheusRule' ? object.metadata?.annotations?.[SLO_ANNOTATION] : undefined;
    if (typeof text !== 'string') continue;
    const declaration = parseDeclaration(text);
    if (typeof declaration === 'string') problems.push({ location, message: `annotation ${SLO_ANNOTATION}: ${declaration}` });
    else declarations.push({ declaration, location });
  }
  declarations.sort((a, b) => a.declaration.service.localeCompare(b.declaration.service, 'en'));
  const seen = new Map<string, SloDeclaration>();
  for (const { declaration: d, location } of declarations) {
    const earlier = seen.get(d.service);
    if (earlier) problems.push({ location, message: `declares the SLOs of service "${d.service}" again (environments ${earlier.environment} and ${d.environment}): export one environment folder at a time, e.g. dist/<platform>/${d.environment}` });
    seen.set(d.service, d);
  }
  if (problems.length > 0) return { documents: [], problems };
  const documents: OpenSloDocument[] = [];
  for (const { declaration: d } of declarations) {
    documents.push({
      apiVersion: OPENSLO_API_VERSION,
      kind: 'Service',
      metadata: { name: d.service, displayName: d.service },
      spec: { description: `${d.service} in namespace ${d.namespace}, environment ${d.environment}, team ${d.team}` },
    });
    for (const o of d.objectives) documents.push(sloDocument(d, o));
  }
  return { documents, problems };
}

function sloDocument(d: SloDeclaration, o: SloObjectiveDeclaration): OpenSloDocument {
  const name = `${d.service}-${o.name}`;
  const percent = `${Math.round(o.target * 1e7) / 1e5} %`;
  const source = (query: string) => ({ metricSource: { type: 'Prometheus', spec: { query } } });
  const description = o.name === 'availability'
    ? `${percent} of the requests to ${d.service} are answered without an error, over a rolling ${d.periodDays} days`
    : `${percent} of the requests to ${d.service} are served within ${Math.round(o.thresholdSeconds! * 1e6) / 1e3} ms, over a rolling ${d.periodDays} days`;
  return {
    apiVersion: OPENSLO_API_VERSION,
    kind: 'SLO',
    metadata: { name, displayName: `${d.service} ${o.name}` },
    spec: {
      description,
      service: d.service,
      indicator: {
        metadata: { name, displayName: o.name === 'availability' ? `${d.service} error ratio` : `${d.service} requests within ${Math.round(o.thresholdSeconds! * 1e6) / 1e3} ms` },
        spec: { ratioMetric: { counter: true, ...(o.bad !== undefined ? { bad: source(o.bad) } : { good: source(o.good!) }), total: source(o.total) } },
      },
      timeWindow: [{ duration: `${d.periodDays}d`, isRolling: true }],
      budgetingMethod: 'Occurrences',
      objectives: [{ displayName: o.name, target: o.target }],
    },
  };
}

/** The declaration, or what is wrong with it. */
function parseDeclaration(text: string): SloDeclaration | string {
  let value: any;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `is not JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  const isText = (x: unknown) => typeof x === 'string' && x.length > 0;
  if (typeof value !== 'object' || value === null) return 'is not a JSON object';
  for (const key of ['service', 'namespace', 'environment', 'team'] as const) if (!isText(value[key])) return `has no ${key}`;
  if (!(Number.isInteger(value.periodDays) && value.periodDays > 0)) return 'has no periodDays (a whole number of days)';
  if (!Array.isArray(value.objectives) || value.objectives.length === 0) return 'has no objectives';
  for (const [i, o] of (value.objectives as any[]).entries()) {
    if (o?.name !== 'availability' && o?.name !== 'latency') return `objectives[${i}].name is not availability or latency`;
    if (!(typeof o.target === 'number' && o.target > 0 && o.target < 1)) return `objectives[${i}].target is not a fraction between 0 and 1`;
    if (!isText(o.total) || isText(o.good) === isText(o.bad)) return `objectives[${i}] needs a total and either good or bad`;
    if (o.name === 'latency' && !(typeof o.thresholdSeconds === 'number' && o.thresholdSeconds > 0)) return `objectives[${i}].thresholdSeconds is missing`;
  }
  return value as SloDeclaration;
}
