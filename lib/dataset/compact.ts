import { gunzipSync, gzipSync } from 'node:zlib';
import { COMPACTION_DUE_PREFIX, compactionDueKey } from '../store/keys.ts';
import type { ObjectStore } from '../store/types.ts';
import { describeError } from '../errors.ts';
import { assembleDay, compareDays, dayId, scanDataset, WATERMARK_OVERLAP_MS, writeWatermark, type DayRef } from './days.ts';
import { checkFilter, dailyPartKey, matchesFilter, type PartitionFilter } from './partitions.ts';

export interface CompactOptions extends PartitionFilter {
  store: ObjectStore;
  /** Rebuild every day from all the articles, ignoring the parts and the watermark (a lost or damaged part). */
  full?: boolean;
  /** The clock that names the next watermark. */
  now?: () => Date;
  /** Called once per day as it is finished, for progress output. */
  onPartition?: (result: PartitionCompaction) => void;
}

export type CompactionOutcome = 'written' | 'removed' | 'unchanged' | 'failed';

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
  removed: number;
  unchanged: number;
  failed: number;
  articles: number;
  /** Changed articles that could not be read (their day is unknown): the run counts as failed. */
  unreadable: number;
}

/**
 * Writes articles-daily/v1/source=<id>/date=<day>/part-00000.ndjson.gz for every day whose articles
 * changed since the last compaction (lib/dataset/days.ts): a day an article was stored in, updated in or
 * moved to, however far back, today's open day included, and every day a writer marked as left
 * (state/compaction-due/). A day's part holds its articles in id order; a day left with none loses its
 * part. Re-running over the same articles produces the same content and skips the write. A run over the
 * whole dataset that compacted every day it had to moves the watermark to the start of its listing, so
 * the next run reads only what was written after; a day that cannot be compacted keeps its part as it was
 * and the watermark stays, so the next run tries again.
 */
export async function compactDataset(options: CompactOptions): Promise<CompactSummary> {
  const filter = checkFilter(options);
  const { store } = options;
  const filtered = filter.source !== undefined || filter.since !== undefined || filter.until !== undefined;
  const summary: CompactSummary = { written: 0, removed: 0, unchanged: 0, failed: 0, articles: 0, unreadable: 0 };
  const scan = await scanDataset(store, { full: options.full === true, ...(options.now === undefined ? {} : { now: options.now }) });
  summary.unreadable = scan.unreadable.length;
  const days = new Map<string, DayRef>();
  for (const { day } of scan.changedByDay.values()) if (matchesFilter(day, filter)) days.set(dayId(day), day);
  const marked = await takeMarkers(store, filter, scan.since);
  for (const { day } of marked) days.set(dayId(day), day);
  for (const day of [...days.values()].sort(compareDays)) {
    const result = await compactDay(store, scan, day);
    summary[result.outcome] += 1;
    if (result.outcome !== 'failed') summary.articles += result.articles;
    else if (marked.some((marker) => dayId(marker.day) === dayId(day))) await putMarker(store, day);
    options.onPartition?.(result);
  }
  if (!filtered && summary.failed === 0 && summary.unreadable === 0) await writeWatermark(store, scan.listedFrom);
  return summary;
}

async function compactDay(store: ObjectStore, scan: Awaited<ReturnType<typeof scanDataset>>, day: DayRef): Promise<PartitionCompaction> {
  const key = dailyPartKey(day.source, day.date);
  const assembled = await assembleDay(store, scan, day);
  const result = { source: day.source, date: day.date, key, articles: assembled.lines.length };
  if (assembled.problems.length > 0) {
    return { ...result, outcome: 'failed', error: `${assembled.problems.length} articles unreadable: ${assembled.problems.join('; ')}` };
  }
  try {
    if (assembled.lines.length === 0) {
      if (assembled.part === null) return { ...result, outcome: 'unchanged' };
      await store.delete(key);
      return { ...result, outcome: 'removed' };
    }
    const content = Buffer.from(assembled.lines.map((line) => `${line}\n`).join(''), 'utf8');
    // Compare what the file holds, not the gzip bytes: another zlib build may compress the same text differently.
    if (assembled.part !== null && sameContent(assembled.part, content)) return { ...result, outcome: 'unchanged' };
    await store.put(key, gzipSync(content, { level: 9 }), { contentType: 'application/gzip' });
    return { ...result, outcome: 'written' };
  } catch (error) {
    return { ...result, outcome: 'failed', error: `cannot write ${key}: ${describeError(error)}` };
  }
}

function sameContent(existingGzip: Buffer, content: Buffer): boolean {
  try {
    return gunzipSync(existingGzip).equals(content);
  } catch {
    // A truncated or foreign object is simply replaced.
    return false;
  }
}

interface Marker {
  key: string;
  day: DayRef;
}

/**
 * The days writers marked as left, within the filter. A marker is deleted only once it is older than the
 * changes this run reads (the watermark less its overlap): the article write that follows a marker may
 * land after this run's listing, and the day must then be compacted again by the run that reads that write.
 */
async function takeMarkers(store: ObjectStore, filter: PartitionFilter, since: Date | null): Promise<Marker[]> {
  const markers: Marker[] = [];
  const prefix = filter.source === undefined ? COMPACTION_DUE_PREFIX : `${COMPACTION_DUE_PREFIX}source=${filter.source}/`;
  for await (const { key, lastModified } of store.listWithTimes(prefix)) {
    const match = /source=([a-z0-9][a-z0-9.-]*)\/date=(\d{4}-\d{2}-\d{2})\.json$/.exec(key.slice(COMPACTION_DUE_PREFIX.length));
    if (match === null) continue;
    const day = { source: match[1]!, date: match[2]! };
    if (!matchesFilter(day, filter)) continue;
    markers.push({ key, day });
    if (since !== null && lastModified.getTime() < since.getTime() - WATERMARK_OVERLAP_MS) await store.delete(key);
  }
  return markers;
}

async function putMarker(store: ObjectStore, day: DayRef): Promise<void> {
  await store.put(compactionDueKey(day.source, day.date), '{}', { contentType: 'application/json' });
}
