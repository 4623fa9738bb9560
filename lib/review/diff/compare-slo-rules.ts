import { SLO_ANNOTATION, type SloDeclaration } from '../../observability/slo-rules.js';
import { subjectOf } from '../manifests.js';
import { ChangeDraft } from './change.js';
import { Comparison } from './compare-workloads.js';
import { annotationField } from './field-paths.js';
import { textSummary } from './long-text.js';

/** The declaration of an SLO PrometheusRule, when it has a readable one. */
function declarationOf(m: Record<string, any>): SloDeclaration | undefined {
  const text = m.metadata?.annotations?.[SLO_ANNOTATION];
  if (typeof text !== 'string') return undefined;
  try {
    const value = JSON.parse(text) as SloDeclaration;
    return Array.isArray(value?.objectives) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Per SLO (rule group), its alerts as `severity long/short`, and the runbook they point to. */
function alertsOf(m: Record<string, any>): Map<string, { alerts: string; runbook: string }> {
  const out = new Map<string, { alerts: string; runbook: string }>();
  for (const group of m.spec?.groups ?? []) {
    const alerts = (group.rules ?? []).filter((r: any) => r.alert);
    const slo = alerts[0]?.labels?.slo ?? String(group.name ?? '').split('-').pop();
    out.set(slo, {
      alerts: alerts.map((r: any) => `${r.labels?.severity} ${r.labels?.long_window}/${r.labels?.short_window}`).join(', ') || 'none',
      runbook: alerts[0]?.annotations?.runbook_url ?? (alerts.length > 0 ? 'inline' : 'none'),
    });
  }
  return out;
}

/**
 * An SLO PrometheusRule (issue 22) as a reviewer reads it: its rules are derived from the declaration in its
 * `delivery.cdk8s.io/slo` annotation, so a change is listed per objective (target, latency threshold), per alert
 * set and runbook, for the team and period, and once for the SLIs' counters (selectors), instead of as the dozens of expressions
 * and alert texts it rewrites. Rules without a readable declaration are compared field by field as before.
 */
export function compareSloRules(a: Record<string, any>, b: Record<string, any>): Comparison {
  const da = declarationOf(a);
  const db = declarationOf(b);
  if (!da || !db) return { changes: [], covered: [] };
  const subject = subjectOf(b);
  const changes: ChangeDraft[] = [];
  const add = (field: string, before: string, after: string) => {
    if (before !== after) changes.push({ subject, aspect: 'analysis', field, before, after, risks: [] });
  };
  add('SLO team', da.team, db.team);
  add('SLO period (days)', String(da.periodDays), String(db.periodDays));
  const names = [...new Set([...da.objectives, ...db.objectives].map((o) => o.name))];
  // The SLIs' counters (selectors) of every objective in one line, the latency bucket left out (its threshold line says it).
  const counters = (d: SloDeclaration) => textSummary(d.objectives.map((o) => [o.bad ?? '', o.good ?? '', o.total].join('\n')).join('\n').replace(/, le=~"[^"]*"/g, ''));
  add('SLO counters', counters(da), counters(db));
  const alertsA = alertsOf(a);
  const alertsB = alertsOf(b);
  for (const name of names) {
    const oa = da.objectives.find((o) => o.name === name);
    const ob = db.objectives.find((o) => o.name === name);
    add(`SLO ${name} objective`, String(oa?.target ?? 'none'), String(ob?.target ?? 'none'));
    add(`SLO ${name} threshold (s)`, String(oa?.thresholdSeconds ?? 'none'), String(ob?.thresholdSeconds ?? 'none'));
    add(`SLO ${name} alerts`, alertsA.get(name)?.alerts ?? 'none', alertsB.get(name)?.alerts ?? 'none');
    add(`SLO ${name} runbook`, alertsA.get(name)?.runbook ?? 'none', alertsB.get(name)?.runbook ?? 'none');
  }
  return { changes, covered: [/^spec\.groups(\.|\[|$)/, annotationField(SLO_ANNOTATION)] };
}
