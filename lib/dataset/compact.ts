import { gunzipSync, gzipSync } from 'node:zlib';
import { COMPACTION_DUE_PREFIX, compactionDueKey } from '../store/keys.ts';
import type { ObjectStore } from '../store/types.ts';
import { readStoredArticle } from './export.ts';
import { describeError } from '../errors.ts';
import { mapOrdered } from './ordered.ts';
import {
  ARTICLES_ROOT,
  DATASET_TIME_ZONE,
  addDays,
  checkFilter,
  dailyPartKey,
  listPartitionedKeys,
  todayInDatasetZone,
  type PartitionFilter,
  type PartitionedKey,
} from './partitions.ts';

export interface CompactOptions extends PartitionFilter {
  store: ObjectStore;
  /** Decides which days are closed (before today in Asia/Ho_Chi_Minh). */
  now?: Date;
  /** Called once per partition as it is finished, for progress output. */
  onPartition?: (result: PartitionCompaction) => void;
}

export type CompactionOutcome = 'written' | 'unchanged' | 'failed';

export interface PartitionCompaction {
  source: string;
  date: string;
  key: string;
  articles: number;
  outcome: CompactionOutcome;
  error?: string;
}

export interface CompactSummary {
  written: number;
  unchanged: number;
  failed: number;
  articles: number;
}

/** The last closed day: yesterday in the dataset's zone. Today's partitions are still growing. */
export function lastClosedDay(now: Date): string {
  return addDays(todayInDatasetZone(now), -1);
}

/**
 * Writes articles-daily/v1/source=<id>/date=<day>/part-00000.ndjson.gz for every closed day the filter
 * selects: the day's articles, one per line, in key order. Re-running over the same articles produces the
 * same content and skips the write, so the step is safe to repeat (and the schedule re-runs recent days
 * to take in late arrivals). A day whose articles cannot all be read is reported and left as it was.
 */
export async function compactClosedDays(options: CompactOptions): Promise<CompactSummary> {
  const filter = checkFilter(options);
  const lastClosed = lastClosedDay(options.now ?? new Date());
  if (filter.since !== undefined && filter.since > lastClosed) {
    throw new Error(
      `day ${filter.since} is not closed yet: the last closed day is ${lastClosed} (days are counted in ${DATASET_TIME_ZONE})`,
    );
  }
  const until = filter.until === undefined || filter.until > lastClosed ? lastClosed : filter.until;
  const summary: CompactSummary = { written: 0, unchanged: 0, failed: 0, articles: 0 };
  const record = (result: PartitionCompaction) => {
    summary[result.outcome] += 1;
    if (result.outcome !== 'failed') summary.articles += result.articles;
    options.onPartition?.(result);
  };
  // Keys arrive in key order, so one partition's keys are contiguous: gather one day, write it, move on.
  let current: PartitionedKey[] = [];
  for await (const partitioned of listPartitionedKeys(options.store, ARTICLES_ROOT, { ...filter, until })) {
    const head = current[0];
    if (head !== undefined && (head.source !== partitioned.source || head.date !== partitioned.date)) {
      record(await compactPartition(options.store, current));
      current = [];
    }
    current.push(partitioned);
  }
  if (current.length > 0) record(await compactPartition(options.store, current));
  return summary;
}

async function compactPartition(store: ObjectStore, keys: PartitionedKey[]): Promise<PartitionCompaction> {
  const { source, date } = keys[0]!;
  const key = dailyPartKey(source, date);
  const result = { source, date, key, articles: keys.length };
  const lines: string[] = [];
  const problems: string[] = [];
  for await (const { outcome } of mapOrdered(toAsync(keys), 16, (partitioned) => readStoredArticle(store, partitioned.key))) {
    if (outcome.ok) lines.push(`${JSON.stringify(outcome.value)}\n`);
    else problems.push(describeError(outcome.error));
  }
  if (problems.length > 0) {
    return { ...result, outcome: 'failed', error: `${problems.length} of ${keys.length} articles unreadable: ${problems.join('; ')}` };
  }
  const content = Buffer.from(lines.join(''), 'utf8');
  const existing = await store.get(key);
  // Compare what the file holds, not the gzip bytes: another zlib build may compress the same text differently.
  if (existing !== null && sameContent(existing, content)) return { ...result, outcome: 'unchanged' };
  try {
    await store.put(key, gzipSync(content, { level: 9 }), { contentType: 'application/gzip' });
  } catch (error) {
    return { ...result, outcome: 'failed', error: `cannot write ${key}: ${describeError(error)}` };
  }
  return { ...result, outcome: 'written' };
}

function sameContent(existingGzip: Buffer, content: Buffer): boolean {
  try {
    return gunzipSync(existingGzip).equals(content);
  } catch {
    // A truncated or foreign object is simply replaced.
    return false;
  }
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

export interface CompactRecentOptions {
  store: ObjectStore;
  sources: string[];
  /** How many closed days back to (re)compact, ending with yesterday; late articles land in recent days. */
  days: number;
  now?: Date;
  onPartition?: (result: PartitionCompaction) => void;
}

/**
 * The scheduled run: the last `days` closed days of each source, listed one day prefix at a time, so the
 * cost follows the days compacted, not the size of the whole dataset; and, however far back, every day
 * a write marked after it closed (state/compaction-due/: an update, a late or healed article, a
 * re-extraction). Markers are taken before compacting, so a write meanwhile marks its day again; a day
 * that fails keeps its marker.
 */
export async function compactRecentDays(options: CompactRecentOptions): Promise<CompactSummary> {
  if (!Number.isInteger(options.days) || options.days < 1) throw new Error(`days must be a positive integer, got ${options.days}`);
  const now = options.now ?? new Date();
  const lastClosed = lastClosedDay(now);
  const total: CompactSummary = { written: 0, unchanged: 0, failed: 0, articles: 0 };
  for (const source of options.sources) {
    const days = new Set<string>();
    for (let back = options.days - 1; back >= 0; back -= 1) days.add(addDays(lastClosed, -back));
    const marked = await takeCompactionMarkers(options.store, source, lastClosed);
    for (const day of marked) days.add(day);
    for (const day of [...days].sort()) {
      const summary = await compactClosedDays({ store: options.store, source, since: day, until: day, now, onPartition: options.onPartition });
      if (summary.failed > 0 && marked.has(day)) await options.store.put(compactionDueKey(source, day), '{}', { contentType: 'application/json' });
      total.written += summary.written;
      total.unchanged += summary.unchanged;
      total.failed += summary.failed;
      total.articles += summary.articles;
    }
  }
  return total;
}

/** The closed days marked for compaction for one source; their markers are deleted. */
async function takeCompactionMarkers(store: ObjectStore, source: string, lastClosed: string): Promise<Set<string>> {
  const days = new Set<string>();
  const prefix = `${COMPACTION_DUE_PREFIX}source=${source}/`;
  for await (const key of store.list(prefix)) {
    const day = /^date=(\d{4}-\d{2}-\d{2})\.json$/.exec(key.slice(prefix.length))?.[1];
    if (day === undefined || day > lastClosed) continue;
    await store.delete(key);
    days.add(day);
  }
  return days;
}
