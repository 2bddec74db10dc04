import { gunzipSync } from 'node:zlib';
import { validateArticle, type Article } from '../schema/article.ts';
import { partitionDateFor } from '../store/articles.ts';
import { ARTICLES_PREFIX, articleIdOfKey, articleKey, COMPACTION_WATERMARK_KEY } from '../store/keys.ts';
import type { ObjectStore } from '../store/types.ts';
import { describeError } from '../errors.ts';
import { mapOrdered } from './ordered.ts';
import { DAILY_ROOT, dailyPartKey, matchesFilter, type PartitionFilter } from './partitions.ts';

/**
 * The dataset's days, read without a request per article of the archive. Articles are stored by id alone
 * (articles/v2/<xx>/<id>.json), so which day an article belongs to (its source and publishedAt's local
 * date) is in the article, not its key. Each day's articles are kept together in its daily part
 * (articles-daily/v1/source=<id>/date=<day>/part-00000.ndjson.gz), which the compaction writes, and the
 * compaction remembers when it last listed the articles (its watermark, state/compaction/watermark.json).
 *
 * A day as it is now = its part, less the articles changed or gone since the watermark, plus the current
 * version of every article changed since then that belongs to it. One listing of articles/v2/ (1 LIST per
 * 1,000 articles) gives every id and when it was last written; only the changed ones are read (twice: once
 * to learn their day, once when their day is assembled, so memory holds ids, not articles). A day an
 * article left when an update moved it elsewhere is named by the writer's marker (state/compaction-due/);
 * the changed articles name every day they joined.
 */

/** Listing times come from the store's clock, the watermark from the compaction's: an hour covers the skew and writes in flight. */
export const WATERMARK_OVERLAP_MS = 60 * 60 * 1000;

/** Articles read at once (S3 round trips overlap; each read is small). */
const READ_CONCURRENCY = 16;

export interface DayRef {
  source: string;
  /** yyyy-MM-dd */
  date: string;
}

export interface DatasetScan {
  /** When the listing started: the next watermark. */
  listedFrom: Date;
  /** The watermark the scan started from (changes since it, less the overlap, were read); null: no watermark, or a full scan. */
  since: Date | null;
  /** Every article id the listing found. */
  listed: Set<string>;
  /** Articles written since the watermark (every one, when there is none). */
  changed: Set<string>;
  /** The days the changed articles belong to now, each with its changed ids. */
  changedByDay: Map<string, { day: DayRef; ids: string[] }>;
  /** Changed articles that could not be read, each with the reason (their day is unknown; they do not count as changed). */
  unreadable: string[];
}

export function dayId(day: DayRef): string {
  return `${day.source}/${day.date}`;
}

/** Source, then date: the order of the daily parts' keys. */
export function compareDays(a: DayRef, b: DayRef): number {
  return a.source < b.source ? -1 : a.source > b.source ? 1 : a.date < b.date ? -1 : a.date > b.date ? 1 : 0;
}

export async function readWatermark(store: ObjectStore): Promise<Date | null> {
  const bytes = await store.get(COMPACTION_WATERMARK_KEY);
  if (bytes === null) return null;
  let listedFrom: unknown;
  try {
    listedFrom = (JSON.parse(bytes.toString('utf8')) as { listedFrom?: unknown }).listedFrom;
  } catch (error) {
    throw new Error(`${COMPACTION_WATERMARK_KEY} is not JSON (${describeError(error)}): run \`news-ingest compact --full\` to rebuild it`);
  }
  const time = typeof listedFrom === 'string' ? new Date(listedFrom) : new Date(Number.NaN);
  if (Number.isNaN(time.getTime())) {
    throw new Error(`${COMPACTION_WATERMARK_KEY} has no valid listedFrom time: run \`news-ingest compact --full\` to rebuild it`);
  }
  return time;
}

export async function writeWatermark(store: ObjectStore, listedFrom: Date): Promise<void> {
  await store.put(COMPACTION_WATERMARK_KEY, JSON.stringify({ listedFrom: listedFrom.toISOString() }), { contentType: 'application/json' });
}

/** Lists the articles and reads those changed since the watermark (all of them when `full` or there is none). */
export async function scanDataset(store: ObjectStore, options: { full?: boolean; now?: () => Date } = {}): Promise<DatasetScan> {
  const watermark = options.full === true ? null : await readWatermark(store);
  const listedFrom = (options.now ?? (() => new Date()))();
  const changedFrom = watermark === null ? Number.NEGATIVE_INFINITY : watermark.getTime() - WATERMARK_OVERLAP_MS;
  const listed = new Set<string>();
  const changed = new Set<string>();
  for await (const { key, lastModified } of store.listWithTimes(ARTICLES_PREFIX)) {
    const id = articleIdOfKey(key);
    if (id === null) continue;
    listed.add(id);
    if (lastModified.getTime() >= changedFrom) changed.add(id);
  }
  const scan: DatasetScan = { listedFrom, since: watermark, listed, changed, changedByDay: new Map(), unreadable: [] };
  for await (const { item: id, outcome } of mapOrdered(toAsync(changed), READ_CONCURRENCY, (id) => readStoredArticle(store, articleKey(id)))) {
    if (!outcome.ok) {
      // Its day is unknown: where a part holds it, it stays as it was there until it reads again.
      changed.delete(id);
      scan.unreadable.push(describeError(outcome.error));
      continue;
    }
    const day = dayOf(outcome.value);
    const entry = scan.changedByDay.get(dayId(day)) ?? { day, ids: [] };
    entry.ids.push(id);
    scan.changedByDay.set(dayId(day), entry);
  }
  return scan;
}

/** Reads one stored article object; the error names the key and what is wrong with it. */
export async function readStoredArticle(store: ObjectStore, key: string): Promise<Article> {
  const body = await store.get(key);
  if (body === null) throw new Error(`${key}: listed but gone when read`);
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new Error(`${key}: not valid JSON (${describeError(error)})`);
  }
  try {
    return validateArticle(json);
  } catch (error) {
    throw new Error(`${key}: ${describeError(error)}`);
  }
}

/** The day an article belongs to: its source and publishedAt's local date (the fetch date in Vietnam without one). */
export function dayOf(article: Article): DayRef {
  return { source: article.source.id, date: partitionDateFor(article) };
}

export interface DatasetDay extends DayRef {
  /** The day's articles in id order, one JSON line each (without the newline). */
  lines: string[];
  /** Articles of the day that could not be read: the day is incomplete. */
  problems: string[];
  /** The day's part as stored before (null: none). */
  part: Buffer | null;
}

/** One day as it is now: its part, less what changed or went since the scan's watermark, plus its changed articles. */
export async function assembleDay(store: ObjectStore, scan: DatasetScan, day: DayRef): Promise<DatasetDay> {
  const part = await store.get(dailyPartKey(day.source, day.date));
  const problems: string[] = [];
  const byId = new Map<string, string>();
  if (part !== null) {
    try {
      for (const line of gunzipSync(part).toString('utf8').split('\n')) {
        if (line === '') continue;
        const id = (JSON.parse(line) as { id?: unknown }).id;
        if (typeof id === 'string' && scan.listed.has(id) && !scan.changed.has(id)) byId.set(id, line);
      }
    } catch (error) {
      problems.push(`${dailyPartKey(day.source, day.date)} is unreadable (${describeError(error)}): run \`news-ingest compact --full\``);
    }
  }
  const changedIds = scan.changedByDay.get(dayId(day))?.ids ?? [];
  for await (const { outcome } of mapOrdered(toAsync(changedIds), READ_CONCURRENCY, (id) => readStoredArticle(store, articleKey(id)))) {
    if (!outcome.ok) {
      problems.push(describeError(outcome.error));
      continue;
    }
    // Changed again since the scan, to another day: it belongs there now (the next scan places it; the writer marked this day).
    if (dayId(dayOf(outcome.value)) !== dayId(day)) continue;
    byId.set(outcome.value.id, JSON.stringify(outcome.value));
  }
  const lines = [...byId.keys()].sort().map((id) => byId.get(id)!);
  return { ...day, lines, problems, part };
}

/** The days that have a daily part, in key order (one listing of articles-daily/v1/, narrowed to a source). */
export async function* daysWithParts(store: ObjectStore, filter: PartitionFilter): AsyncGenerator<DayRef> {
  const prefix = filter.source === undefined ? DAILY_ROOT : `${DAILY_ROOT}source=${filter.source}/`;
  for await (const key of store.list(prefix)) {
    const match = /^articles-daily\/v1\/source=([a-z0-9][a-z0-9.-]*)\/date=(\d{4}-\d{2}-\d{2})\/part-00000\.ndjson\.gz$/.exec(key);
    if (match === null) continue;
    const day = { source: match[1]!, date: match[2]! };
    if (matchesFilter(day, filter)) yield day;
  }
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}
