import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { goDuration, promDuration } from '../../lib/core/duration.js';

describe('durations', () => {
  it('renders Go durations that Argo Rollouts parses', () => {
    expect([Duration.seconds(30), Duration.minutes(1), Duration.seconds(90), Duration.hours(1), Duration.seconds(5430), Duration.seconds(0)].map(goDuration)).toEqual(['30s', '1m', '1m30s', '1h', '1h30m30s', '0s']);
  });
  it('renders Prometheus range durations', () => {
    expect([Duration.minutes(2), Duration.seconds(90), Duration.hours(1)].map(promDuration)).toEqual(['2m', '90s', '1h']);
  });
});
