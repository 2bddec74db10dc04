import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, readDeploySettings, SettingsError } from '../../infra/settings.ts';
import { cdkAppsForTests } from '../helpers/cdk-apps.ts';

const testApp = cdkAppsForTests();
const settingsWith = (context: Record<string, unknown>) => readDeploySettings(testApp({ context }).node);

describe('readDeploySettings', () => {
  it('uses the defaults when no context is given', () => {
    expect(settingsWith({})).toEqual(DEFAULT_SETTINGS);
    // The Athena date projection starts before any Vietnamese news site existed: no archived day is invisible.
    expect(DEFAULT_SETTINGS.datasetFirstDate < '1997-01-01').toBe(true);
  });

  it('reads values from cdk.json (typed) and from -c key=value (strings)', () => {
    const settings = settingsWith({
      schedule: 'cron(0/10 * * * ? *)',
      alarmEmail: 'ops@example.org',
      rawRetentionDays: '90',
      noNewArticlesHours: 3,
      datasetFirstDate: '2001-02-26',
    });
    expect(settings).toMatchObject({
      scheduleExpression: 'cron(0/10 * * * ? *)',
      alarmEmail: 'ops@example.org',
      rawRetentionDays: 90,
      noNewArticlesHours: 3,
      datasetFirstDate: '2001-02-26',
    });
  });

  it('reserves as much concurrency for re-extraction as it runs at once, unless told otherwise (0: none, for small accounts)', () => {
    expect(settingsWith({ reextractConcurrency: '8' })).toMatchObject({ reextractConcurrency: 8, reextractReservedConcurrency: 8 });
    expect(settingsWith({ reextractConcurrency: 2, reextractReservedConcurrency: '0' })).toMatchObject({
      reextractConcurrency: 2,
      reextractReservedConcurrency: 0,
    });
  });

  it.each([
    [{ reextractConcurrency: 0 }, /context "reextractConcurrency" must be a whole number from 1 to 1000, got 0/],
    [{ schedule: 'every 5 minutes' }, /context "schedule" must be rate\(N minutes\|hours\|days\) or cron/],
    [{ alarmEmail: 'not-an-address' }, /context "alarmEmail" must be an e-mail address, got "not-an-address"/],
    [{ rawRetentionDays: '30' }, /context "rawRetentionDays" must be a whole number from 31 to 36500, got "30"/],
    [{ noNewArticlesHours: 48 }, /context "noNewArticlesHours" must be a whole number from 1 to 24, got 48/],
    [{ driftThresholdPercent: 'half' }, /context "driftThresholdPercent" must be a whole number from 1 to 100, got "half"/],
    [{ configPath: 7 }, /context "configPath" must be a string, got 7/],
    [{ datasetFirstDate: '26/02/2001' }, /context "datasetFirstDate" must be a day as yyyy-MM-dd, got "26\/02\/2001"/],
  ])('rejects %o with a message naming the key', (context, message) => {
    expect(() => settingsWith(context)).toThrow(SettingsError);
    expect(() => settingsWith(context)).toThrow(message);
  });
});
