import { describe, expect, it } from 'vitest';
import { groupAcrossEnvironments, SynthError } from '../../lib/core/problems.js';
import type { Finding } from '../../lib/validation/finding.js';

const finding = (location: string, message = 'm'): Finding => ({ location, field: 'f', value: 1, rule: 'r/x', message, fix: 'fix it' });

describe('one line per distinct problem (issue 20)', () => {
  it('GIVEN one problem in every environment THEN one line whose location names the environments together', () => {
    const findings = ['dev', 'staging', 'prod'].map((env) => finding(`shop/${env}/api-migrations: migrations/0002_bad.sql:3`));
    expect(groupAcrossEnvironments(findings).map((f) => f.location)).toEqual(['shop/{dev,staging,prod}/api-migrations: migrations/0002_bad.sql:3']);
    const error = new SynthError(findings);
    expect(error.message.split('\n')).toEqual(['synth failed with 1 problem (3 findings across environments):', '  - shop/{dev,staging,prod}/api-migrations: migrations/0002_bad.sql:3: f = 1: m [r/x] Fix: fix it']);
    expect(error.findings).toHaveLength(3);
  });

  it('GIVEN problems that differ (another message, workload or platform) THEN they stay apart, in first-seen order', () => {
    const findings = [finding('shop/dev/api'), finding('shop/prod/api', 'environment "prod" requires digests'), finding('shop/prod/web'), finding('shop/staging/api'), finding('lab/dev/api'), finding('shop')];
    expect(groupAcrossEnvironments(findings).map((f) => `${f.location} ${f.message}`)).toEqual(['shop/{dev,staging}/api m', 'shop/prod/api environment "prod" requires digests', 'shop/prod/web m', 'lab/dev/api m', 'shop m']);
  });
});
