import { Duration } from 'cdk8s';

/**
 * Renders a duration as a Go duration string ("30s", "5m", "1h30m"), the format Argo Rollouts parses
 * for interval, initialDelay and pause durations. A bare number would be rejected or misread.
 */
export function goDuration(duration: Duration): string {
  let seconds = Math.round(exactSeconds(duration));
  if (seconds === 0) return '0s';
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  return `${hours ? `${hours}h` : ''}${minutes ? `${minutes}m` : ''}${seconds ? `${seconds}s` : ''}`;
}

/** Renders a duration in Prometheus range syntax ("2m", "90s", "1h"). */
export function promDuration(duration: Duration): string {
  const seconds = Math.round(exactSeconds(duration));
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/**
 * Seconds in a duration, fractions included. cdk8s' own `toSeconds()` throws on anything that is not a
 * whole number of seconds, which would turn a prop mistake into a stack trace instead of a finding.
 */
export function exactSeconds(duration: Duration): number {
  // From the amount and unit: `toMilliseconds()` throws on a fraction of a millisecond and on NaN or Infinity
  // (`Duration.seconds(Number(process.env.UNSET))`), where a finding with the construct path is wanted.
  const { amount, unit } = duration as unknown as { amount?: unknown; unit?: { inMillis?: unknown } };
  if (typeof amount === 'number' && typeof unit?.inMillis === 'number') return (amount * unit.inMillis) / 1000;
  return duration.toMilliseconds() / 1000;
}

/** True when the duration is a whole number of seconds of at least `min`. */
export function isWholeSeconds(duration: Duration | undefined, min: number): boolean {
  if (!duration) return false;
  const s = exactSeconds(duration);
  return Number.isInteger(s) && s >= min;
}
