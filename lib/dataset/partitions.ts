import { DateTime } from 'luxon';
import type { ObjectStore } from '../store/types.ts';

/** Hive-style partitions of the dataset (the key layout of lib/store/keys.ts), read back from the keys alone. */

export const ARTICLES_ROOT = 'articles/v1/';
export const RAW_ROOT = 'raw/';
export const DAILY_ROOT = 'articles-daily/v1/';

/** The day a dataset partition belongs to is a calendar day in this zone (the publishers' own). */
export const DATASET_TIME_ZONE = 'Asia/Ho_Chi_Minh';

export interface PartitionedKey {
  key: string;
  source: string;
  /** yyyy-MM-dd */
  date: string;
  id: string;
}

/** Which partitions to read; dates are inclusive yyyy-MM-dd. */
export interface PartitionFilter {
  source?: string;
  since?: string;
  until?: string;
}

const SOURCE_ID = '[a-z0-9][a-z0-9.-]*';
const ARTICLE_KEY = new RegExp(`^articles/v1/source=(${SOURCE_ID})/date=(\\d{4}-\\d{2}-\\d{2})/([0-9a-f]{20})\\.json$`);
const RAW_KEY = new RegExp(`^raw/source=(${SOURCE_ID})/date=(\\d{4}-\\d{2}-\\d{2})/([0-9a-f]{20})\\.html\\.gz$`);

function parseWith(pattern: RegExp, key: string): PartitionedKey | null {
  const match = pattern.exec(key);
  if (!match) return null;
  const [, source, date, id] = match;
  return { key, source: source!, date: date!, id: id! };
}

/** `articles/v1/source=<id>/date=<day>/<articleId>.json`, or null for any other key. */
export function parseArticleKey(key: string): PartitionedKey | null {
  return parseWith(ARTICLE_KEY, key);
}

/** `raw/source=<id>/date=<day>/<articleId>.html.gz`, or null for any other key. */
export function parseRawKey(key: string): PartitionedKey | null {
  return parseWith(RAW_KEY, key);
}

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

/** The narrowest key prefix that still holds every partition the filter can match. */
export function listingPrefix(root: string, filter: PartitionFilter): string {
  if (filter.source === undefined) return root;
  const sourcePrefix = `${root}source=${filter.source}/`;
  if (filter.since !== undefined && filter.since === filter.until) return `${sourcePrefix}date=${filter.since}/`;
  return sourcePrefix;
}

/**
 * Keys of the partitions the filter selects, in key order, parsed from the listing alone (no object is
 * read to decide). Keys that do not follow the layout are skipped: they are not dataset objects.
 */
export async function* listPartitionedKeys(
  store: ObjectStore,
  root: typeof ARTICLES_ROOT | typeof RAW_ROOT,
  filter: PartitionFilter,
): AsyncGenerator<PartitionedKey> {
  const parse = root === ARTICLES_ROOT ? parseArticleKey : parseRawKey;
  for await (const key of store.list(listingPrefix(root, filter))) {
    const partitioned = parse(key);
    if (partitioned === null) continue;
    if (filter.source !== undefined && filter.until !== undefined && partitioned.date > filter.until) {
      // One source's keys are listed in date order: nothing later can match.
      return;
    }
    if (matchesFilter(partitioned, filter)) yield partitioned;
  }
}

/** Today's date where the dataset's days are counted; every earlier day is closed. */
export function todayInDatasetZone(now: Date): string {
  return DateTime.fromJSDate(now, { zone: DATASET_TIME_ZONE }).toISODate()!;
}

export function addDays(day: string, days: number): string {
  return DateTime.fromISO(day, { zone: 'utc' }).plus({ days }).toISODate()!;
}
