import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Environment, SloAlerting } from '../../../lib/core/environment.js';
import { Probe } from '../../../lib/pod/probe.js';
import { Change, compareManifests } from '../../../lib/review/diff/index.js';
import { StatelessService, StatelessServiceProps } from '../../../lib/workloads/stateless-service.js';
import { DIGEST_IMAGE, synthPlatform } from '../../helpers.js';

const base: StatelessServiceProps = { image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/readyz'), replicas: 10, slo: { successRate: 0.999 } };
const api = (props: Partial<StatelessServiceProps> = {}, environment = Environment.prod()) => synthPlatform((env) => new StatelessService(env, 'api', { ...base, ...props }), [environment]);
const rows = (changes: readonly Change[]) => changes.filter((c) => c.subject === 'PrometheusRule/api-slo').map((c) => [c.field, c.before, c.after]);

describe('compareSloRules: an SLO PrometheusRule as a reviewer reads it', () => {
  it('GIVEN prod tickets only THEN the alert sets are listed per SLO, and nothing of the rewritten rules besides', () => {
    const changes = compareManifests(api(), api({}, Environment.prod({ sloAlerting: SloAlerting.TICKET })));
    const all = 'page 1h/5m, page 6h/30m, ticket 1d/2h, ticket 3d/6h';
    expect(rows(changes)).toEqual([
      ['SLO availability alerts', all, 'ticket 1d/2h, ticket 3d/6h'],
      ['SLO latency alerts', all, 'ticket 1d/2h, ticket 3d/6h'],
    ]);
  });

  it('GIVEN another team, period and runbook THEN each is one line', () => {
    const changes = compareManifests(api(), api({ monitoring: { team: 'payments', sloPeriod: Duration.days(28), runbookUrl: 'https://runbooks.example.com/api' } }));
    expect(rows(changes)).toEqual([
      ['SLO team', 'acme', 'payments'],
      ['SLO period (days)', '30', '28'],
      ['SLO availability runbook', 'inline', 'https://runbooks.example.com/api'],
      ['SLO latency runbook', 'inline', 'https://runbooks.example.com/api'],
    ]);
  });

  it('GIVEN a hand-edited rule without a readable declaration THEN its fields are listed as other fields', () => {
    const before = api();
    const after = structuredClone(before);
    const rule = after.find((o) => o.manifest.kind === 'PrometheusRule')!;
    delete rule.manifest.metadata.annotations['delivery.cdk8s.io/slo'];
    rule.manifest.spec.groups[0].rules[0].expr = 'vector(1)';
    expect(rows(compareManifests(before, after))).toEqual([['other fields', undefined, expect.stringContaining('spec.groups[api-availability].rules[0].expr')]]);
  });
});
