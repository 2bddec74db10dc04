import { DateTime } from 'luxon';

/** The dataset's days: Hive-style partitions of the daily parts (articles-daily/v1/source=<id>/date=<day>/). */

export const RAW_ROOT = 'raw/';
export const DAILY_ROOT = 'articles-daily/v1/';

/** The day a dataset partition belongs to is a calendar day in this zone (the publishers' own). */
const DATASET_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** Which partitions to read; dates are inclusive yyyy-MM-dd. */
export interface PartitionFilter {
  source?: string;
  since?: string;
  until?: string;
}

const SOURCE_ID = '[a-z0-9][a-z0-9.-]*';

export function dailyPartKey(source: string, date: string): string {
  return `${DAILY_ROOT}source=${source}/date=${date}/part-00000.ndjson.gz`;
}

/** Checks a yyyy-MM-dd argument is a real calendar day; the error names the option. */
export function parseDay(text: string, optionName: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || !DateTime.fromISO(text, { zone: 'utc' }).isValid) {
    throw new Error(`${optionName} must be a calendar day as YYYY-MM-DD, got ${JSON.stringify(text)}`);
  }
  return text;
}

export function parseSourceId(text: string, optionName: string): string {
  if (!new RegExp(`^${SOURCE_ID}$`).test(text)) {
    throw new Error(`${optionName} must be a source id (lowercase letters, digits, "." and "-"), got ${JSON.stringify(text)}`);
  }
  return text;
}

/** Validates a filter: real days, a source id, and since <= until. */
export function checkFilter(filter: PartitionFilter): PartitionFilter {
  const checked: PartitionFilter = {};
  if (filter.source !== undefined) checked.source = parseSourceId(filter.source, '--source');
  if (filter.since !== undefined) checked.since = parseDay(filter.since, '--since');
  if (filter.until !== undefined) checked.until = parseDay(filter.until, '--until');
  if (checked.since !== undefined && checked.until !== undefined && checked.since > checked.until) {
    throw new Error(`--since ${checked.since} is after --until ${checked.until}: nothing can match`);
  }
  return checked;
}

export function matchesFilter(partition: { source: string; date: string }, filter: PartitionFilter): boolean {
  if (filter.source !== undefined && partition.source !== filter.source) return false;
  if (filter.since !== undefined && partition.date < filter.since) return false;
  if (filter.until !== undefined && partition.date > filter.until) return false;
  return true;
}

/** Today's date where the dataset's days are counted; every earlier day is closed. */
export function todayInDatasetZone(now: Date): string {
  return DateTime.fromJSDate(now, { zone: DATASET_TIME_ZONE }).toISODate()!;
}
