import { Duration } from 'cdk8s';

/**
 * Renders a duration as a Go duration string ("30s", "5m", "1h30m"), the format Argo Rollouts parses
 * for interval, initialDelay and pause durations. A bare number would be rejected or misread.
 */
export function goDuration(duration: Duration): string {
  let seconds = Math.round(duration.toSeconds());
  if (seconds === 0) return '0s';
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  return `${hours ? `${hours}h` : ''}${minutes ? `${minutes}m` : ''}${seconds ? `${seconds}s` : ''}`;
}

/** Renders a duration in Prometheus range syntax ("2m", "90s", "1h"). */
export function promDuration(duration: Duration): string {
  const seconds = Math.round(duration.toSeconds());
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
