import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compactClosedDays, compactRecentDays, lastClosedDay, type PartitionCompaction } from '../../lib/dataset/compact.ts';
import { sha256Hex } from '../../lib/schema/ids.ts';
import { writeArticle } from '../../lib/store/articles.ts';
import { COMPACTION_DUE_PREFIX } from '../../lib/store/keys.ts';
import { dailyPartKey } from '../../lib/dataset/partitions.ts';
import { LocalDirectoryStore } from '../../lib/store/local.ts';
import { serializeArticle } from '../../lib/schema/article.ts';
import { syntheticArticle, writeSyntheticDataset } from '../../bench/synthetic-dataset.ts';

// 17:00 in Vietnam on 4 October: 1-3 October are closed, the 4th and 5th are not.
const NOW = new Date('2024-10-04T10:00:00.000Z');

async function dailyLines(store: LocalDirectoryStore, source: string, day: string): Promise<string[] | null> {
  const bytes = await store.get(dailyPartKey(source, day));
  if (bytes === null) return null;
  return gunzipSync(bytes).toString('utf8').split('\n').slice(0, -1);
}

describe('daily compaction', () => {
  let root: string;
  let store: LocalDirectoryStore;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'dataset-compact-'));
    // 2 sources x 5 days (1-5 October) x 3 articles.
    writeSyntheticDataset(root, { count: 30, sources: ['alpha', 'beta'], days: 5, firstDay: '2024-10-01' });
    store = new LocalDirectoryStore(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('counts days in Asia/Ho_Chi_Minh: a day closes at local midnight, not UTC midnight', () => {
    expect(lastClosedDay(new Date('2024-10-03T16:59:59.000Z'))).toBe('2024-10-02');
    expect(lastClosedDay(new Date('2024-10-03T17:00:00.000Z'))).toBe('2024-10-03');
  });

  it('writes one gzipped NDJSON part per source and closed day, holding that day\'s articles in key order', async () => {
    const seen: PartitionCompaction[] = [];
    const summary = await compactClosedDays({ store, now: NOW, onPartition: (result) => seen.push(result) });
    expect(summary).toEqual({ written: 6, unchanged: 0, failed: 0, articles: 18 });
    expect(seen.map((p) => `${p.source}/${p.date}`)).toEqual([
      'alpha/2024-10-01', 'alpha/2024-10-02', 'alpha/2024-10-03',
      'beta/2024-10-01', 'beta/2024-10-02', 'beta/2024-10-03',
    ]);
    const keys: string[] = [];
    for await (const key of store.list('articles/v1/source=beta/date=2024-10-02/')) keys.push(key);
    const lines = await dailyLines(store, 'beta', '2024-10-02');
    expect(lines).toHaveLength(3);
    const expected = await Promise.all(keys.map(async (key) => (await store.get(key))!.toString('utf8')));
    expect(lines).toEqual(expected);
    expect(await dailyLines(store, 'alpha', '2024-10-04')).toBeNull();
    expect(await dailyLines(store, 'alpha', '2024-10-05')).toBeNull();
  });

  it('is idempotent: a second run writes nothing and leaves the bytes as they were', async () => {
    await compactClosedDays({ store, now: NOW });
    const before = await store.get(dailyPartKey('alpha', '2024-10-01'));
    const again = await compactClosedDays({ store, now: NOW });
    expect(again).toEqual({ written: 0, unchanged: 6, failed: 0, articles: 18 });
    expect((await store.get(dailyPartKey('alpha', '2024-10-01')))!.equals(before!)).toBe(true);
  });

  it('rewrites only the day that gained a late article', async () => {
    await compactClosedDays({ store, now: NOW });
    const late = syntheticArticle(1000, 'alpha', '2024-10-02', 2);
    await store.put(`articles/v1/source=alpha/date=2024-10-02/${late.id}.json`, serializeArticle(late));
    const seen: PartitionCompaction[] = [];
    const summary = await compactClosedDays({ store, now: NOW, onPartition: (result) => seen.push(result) });
    expect(summary).toEqual({ written: 1, unchanged: 5, failed: 0, articles: 19 });
    expect(seen.find((p) => p.outcome === 'written')).toMatchObject({ source: 'alpha', date: '2024-10-02', articles: 4 });
    expect(await dailyLines(store, 'alpha', '2024-10-02')).toContain(serializeArticle(late));
  });

  it('compacts one day of one source on request, and refuses a day that is not closed', async () => {
    const summary = await compactClosedDays({ store, now: NOW, since: '2024-10-02', until: '2024-10-02', source: 'beta' });
    expect(summary).toEqual({ written: 1, unchanged: 0, failed: 0, articles: 3 });
    expect(await dailyLines(store, 'alpha', '2024-10-02')).toBeNull();
    await expect(compactClosedDays({ store, now: NOW, since: '2024-10-04', until: '2024-10-04' })).rejects.toThrow(
      'day 2024-10-04 is not closed yet: the last closed day is 2024-10-03',
    );
  });

  it('leaves a day with an unreadable article as it was and names the bad key', async () => {
    await compactClosedDays({ store, now: NOW });
    const before = await store.get(dailyPartKey('beta', '2024-10-01'));
    const badKey = 'articles/v1/source=beta/date=2024-10-01/ffffffffffffffffffff.json';
    await store.put(badKey, 'not json');
    const seen: PartitionCompaction[] = [];
    const summary = await compactClosedDays({ store, now: NOW, onPartition: (result) => seen.push(result) });
    expect(summary).toEqual({ written: 0, unchanged: 5, failed: 1, articles: 15 });
    const failed = seen.find((p) => p.outcome === 'failed');
    expect(failed?.error).toContain(badKey);
    expect(failed?.error).toContain('not valid JSON');
    expect((await store.get(dailyPartKey('beta', '2024-10-01')))!.equals(before!)).toBe(true);
  });
});

describe('compactRecentDays and days changed after they closed', () => {
  let root: string;
  let store: LocalDirectoryStore;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'dataset-compact-due-'));
    store = new LocalDirectoryStore(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('re-compacts a day of any age that an update touched, once, and leaves untouched old days alone', async () => {
    const old = syntheticArticle(1, 'alpha', '2024-09-01', 1);
    const untouched = syntheticArticle(2, 'alpha', '2024-09-02', 1);
    // Both stored on their own day: no day closed yet, nothing marked.
    await writeArticle(store, old, null, { keepRevisions: 'local-copy', now: new Date('2024-09-01T05:00:00.000Z') });
    await writeArticle(store, untouched, null, { keepRevisions: 'local-copy', now: new Date('2024-09-02T05:00:00.000Z') });
    expect(await collectKeys(store, COMPACTION_DUE_PREFIX)).toEqual([]);
    await compactClosedDays({ store, now: NOW });

    // A month later, a correction of the old article (its day long outside the 3-day look-back).
    const corrected = { ...old, title: `${old.title} (đính chính)`, contentHash: sha256Hex('corrected'), fetchedAt: '2024-10-04T09:00:00.000Z' };
    expect((await writeArticle(store, corrected, null, { keepRevisions: 'local-copy', now: NOW })).outcome).toBe('updated');
    expect(await collectKeys(store, COMPACTION_DUE_PREFIX)).toEqual(['state/compaction-due/source=alpha/date=2024-09-01.json']);

    const compacted: PartitionCompaction[] = [];
    await compactRecentDays({ store, sources: ['alpha'], days: 3, now: NOW, onPartition: (result) => compacted.push(result) });
    expect(compacted.map((result) => [result.date, result.outcome])).toEqual([['2024-09-01', 'written']]);
    expect(await dailyLines(store, 'alpha', '2024-09-01')).toEqual([serializeArticle(corrected)]);
    expect(await collectKeys(store, COMPACTION_DUE_PREFIX)).toEqual([]);
    // Nothing marked any more: the next run compacts only its look-back days.
    const again: PartitionCompaction[] = [];
    await compactRecentDays({ store, sources: ['alpha'], days: 3, now: NOW, onPartition: (result) => again.push(result) });
    expect(again).toEqual([]);
  });
});

async function collectKeys(store: LocalDirectoryStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  return keys;
}
