import { describe, expect, it } from 'vitest';
import { findInlineSecrets } from '../../lib/data/inline-secrets.js';
import { checkBackupSchedule } from '../../lib/data/postgres/backup-schedule.js';
import { checkStorageSize } from '../../lib/data/storage-size.js';

describe('checkBackupSchedule (CloudNativePG six-field cron)', () => {
  it.each(['0 0 0 * * *', '0 30 2 * * sun', '0 0 */6 * * ?', '0 0 1 1-7 * MON', '0 0,30 * * jan-jun 1-5', '@daily', '@weekly', '@every 6h', '  0 0 0 * * *  '])('accepts %j', (schedule) => {
    expect(checkBackupSchedule(schedule)).toBeUndefined();
  });

  it.each([
    ['0 2 * * *', 'has 5 fields: CloudNativePG schedules have 6, starting with seconds, and would read this Unix crontab as "second minute hour day month", firing far more often than meant'],
    ['0 0 0 * *  * *', 'has 7 fields, but CloudNativePG schedules have 6: second minute hour day-of-month month day-of-week'],
    ['60 0 0 * * *', 'second field "60": 60 is outside 0-59'],
    ['0 0 24 * * *', 'hour field "24": 24 is outside 0-23'],
    ['0 0 0 0 * *', 'day of month field "0": 0 is outside 1-31'],
    ['0 0 0 * 13 *', 'month field "13": 13 is outside 1-12'],
    ['0 0 0 * * 7', 'day of week field "7": 7 is outside 0-6'],
    ['0 0 0 * * funday', 'day of week field "funday": "funday" is not a number or name'],
    ['0 */0 * * * *', 'minute field "*/0": step "0" must be a whole number of at least 1'],
    ['0 0 5-2 * * *', 'hour field "5-2": range start 5 is after its end 2'],
    ['0 0 1,,2 * * *', 'hour field "1,,2": has an empty list item'],
    ['@fortnightly', '"@fortnightly" is not a known descriptor (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, @every <duration>)'],
    ['@every 1d', '"1d" is not a Go duration of at least 1s'],
  ])('refuses %j', (schedule, message) => {
    expect(checkBackupSchedule(schedule)).toBe(message);
  });
});

describe('checkStorageSize', () => {
  it.each(['20Gi', '500Mi', '1Ti', '10G', '1.5Gi'])('accepts %j', (size) => {
    expect(checkStorageSize(size, 'storageSize')).toEqual([]);
  });

  it.each([
    ['20GB', 'is not a Kubernetes quantity: a number and one of the units Ki, Mi, Gi, Ti, Pi, Ei, k, M, G, T, P, E, without spaces ("GB" is not a unit)'],
    ['20 Gi', 'is not a Kubernetes quantity: a number and one of the units Ki, Mi, Gi, Ti, Pi, Ei, k, M, G, T, P, E, without spaces ("GB" is not a unit)'],
    ['20', 'has no unit, so it would mean bytes'],
    ['0Gi', 'must be larger than zero'],
    [20, 'must be a quantity string'],
  ])('refuses %j', (size, message) => {
    expect(checkStorageSize(size, 'storageSize')).toEqual([{ field: 'storageSize', value: size, message, fix: 'write a Kubernetes quantity with a unit, e.g. "20Gi" (binary) or "20G" (decimal)' }]);
  });
});

describe('findInlineSecrets', () => {
  it('finds credential-named strings and secret-named env entries, and leaves Secret references alone', () => {
    // GIVEN values mixing inline secrets with references to Secrets
    const values = {
      auth: { password: 'hunter2', existingSecret: 'cache-auth', authKey: 'password', passwordSecret: 'cache-auth' },
      s3: { accessKey: 'AKIA', secretName: 'creds' },
      extraEnvs: [
        { name: 'OPENSEARCH_INITIAL_ADMIN_PASSWORD', value: 'Admin123!' },
        { name: 'OPENSEARCH_INITIAL_ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
        { name: 'LOG_LEVEL', value: 'info' },
      ],
      token: '',
    };
    // THEN only the values are reported, by path
    expect(findInlineSecrets(values, 'values')).toEqual(['values.auth.password', 'values.s3.accessKey', 'values.extraEnvs[0].value']);
  });
});
