import { parseGoDuration } from '../../validation/manifest.js';

/** One field of a CloudNativePG schedule: its name, bounds and (for month and weekday) names. */
interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly CronField[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day of week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

const DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

/**
 * Checks a ScheduledBackup schedule the way CloudNativePG parses it (github.com/robfig/cron v1 `Parse`, called
 * by the ScheduledBackup webhook): six fields — second, minute, hour, day of month, month, day of week — or a
 * descriptor such as `@daily` / `@every 6h`. Returns what is wrong, or undefined when the schedule is valid.
 *
 * Five fields are refused although the parser accepts them: it reads them as *second* minute hour dom month,
 * so the Unix crontab `0 2 * * *` ("02:00 daily") would back up at minute 2 of every hour. A step of 0 is
 * refused too: that parser loops forever on it.
 */
export function checkBackupSchedule(schedule: string): string | undefined {
  const text = schedule.trim();
  if (text.startsWith('@')) {
    if (DESCRIPTORS.includes(text)) return undefined;
    if (text.startsWith('@every ')) {
      const seconds = parseGoDuration(text.slice('@every '.length));
      return seconds !== undefined && seconds >= 1 ? undefined : `"${text.slice('@every '.length)}" is not a Go duration of at least 1s`;
    }
    return `"${text}" is not a known descriptor (${DESCRIPTORS.join(', ')}, @every <duration>)`;
  }
  const parts = text.split(/\s+/).filter((p) => p !== '');
  if (parts.length === 5) {
    return 'has 5 fields: CloudNativePG schedules have 6, starting with seconds, and would read this Unix crontab as "second minute hour day month", firing far more often than meant';
  }
  if (parts.length !== 6) return `has ${parts.length} fields, but CloudNativePG schedules have 6: second minute hour day-of-month month day-of-week`;
  for (const [index, part] of parts.entries()) {
    const problem = checkField(part, FIELDS[index]!);
    if (problem) return `${FIELDS[index]!.name} field "${part}": ${problem}`;
  }
  return undefined;
}

function checkField(field: string, spec: CronField): string | undefined {
  for (const expr of field.split(',')) {
    if (expr === '') return 'has an empty list item';
    const [range, step, ...extra] = expr.split('/');
    if (extra.length > 0) return 'has more than one "/"';
    if (step !== undefined && !(/^[0-9]+$/.test(step) && Number(step) >= 1)) return `step "${step}" must be a whole number of at least 1`;
    if (range === '*' || range === '?') continue;
    const bounds = range!.split('-');
    if (bounds.length > 2) return 'has more than one "-"';
    const values: number[] = [];
    for (const bound of bounds) {
      const value = parseValue(bound, spec);
      if (value === undefined) return `"${bound}" is not a number${spec.names ? ' or name' : ''}`;
      if (value < spec.min || value > spec.max) return `${value} is outside ${spec.min}-${spec.max}`;
      values.push(value);
    }
    if (values.length === 2 && values[0]! > values[1]!) return `range start ${values[0]} is after its end ${values[1]}`;
  }
  return undefined;
}

function parseValue(text: string, spec: CronField): number | undefined {
  const named = spec.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + spec.min;
  return /^[0-9]+$/.test(text) ? Number(text) : undefined;
}
