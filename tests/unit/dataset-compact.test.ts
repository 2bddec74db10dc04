import { mkdtempSync, rmSync } from 'node:fs';
import { utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compactDataset, type PartitionCompaction } from '../../lib/dataset/compact.ts';
import { readWatermark } from '../../lib/dataset/days.ts';
import { sha256Hex } from '../../lib/schema/ids.ts';
import { writeArticle } from '../../lib/store/articles.ts';
import { articleKey, COMPACTION_DUE_PREFIX } from '../../lib/store/keys.ts';
import { dailyPartKey, todayInDatasetZone } from '../../lib/dataset/partitions.ts';
import { LocalDirectoryStore } from '../../lib/store/local.ts';
import type { ObjectStore } from '../../lib/store/types.ts';
import { serializeArticle } from '../../lib/schema/article.ts';
import { syntheticArticle, writeSyntheticDataset } from '../../bench/synthetic-dataset.ts';
import { forwardingStore } from '../helpers/forwarding-store.ts';

async function dailyLines(store: ObjectStore, source: string, day: string): Promise<string[] | null> {
  const bytes = await store.get(dailyPartKey(source, day));
  if (bytes === null) return null;
  return gunzipSync(bytes).toString('utf8').split('\n').slice(0, -1);
}

async function collectKeys(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  return keys;
}

/** Sets the modification time of every object under `prefix` `hours` back: written before an earlier compaction. */
async function age(store: LocalDirectoryStore, root: string, prefix: string, hours: number): Promise<void> {
  const then = new Date(Date.now() - hours * 3600_000);
  for (const key of await collectKeys(store, prefix)) await utimes(join(root, ...key.split('/')), then, then);
}

/** The store, counting the article objects read. */
function countingReads(inner: ObjectStore): { store: ObjectStore; articleReads: () => number } {
  let reads = 0;
  const store = forwardingStore(inner, {
    get: (key) => {
      if (key.startsWith('articles/v2/')) reads += 1;
      return inner.get(key);
    },
  });
  return { store, articleReads: () => reads };
}

describe('compaction of a store keyed by id', () => {
  let root: string;
  let store: LocalDirectoryStore;

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'dataset-compact-'));
    // 2 sources x 5 days (1-5 October) x 3 articles, written three hours ago.
    writeSyntheticDataset(root, { count: 30, sources: ['alpha', 'beta'], days: 5, firstDay: '2024-10-01' });
    store = new LocalDirectoryStore(root);
    await age(store, root, 'articles/', 3);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('counts days in Asia/Ho_Chi_Minh: a day ends at local midnight, not UTC midnight', () => {
    expect(todayInDatasetZone(new Date('2024-10-03T16:59:59.000Z'))).toBe('2024-10-03');
    expect(todayInDatasetZone(new Date('2024-10-03T17:00:00.000Z'))).toBe('2024-10-04');
  });

  it("writes one gzipped NDJSON part per source and day, holding that day's articles in id order, and records its watermark", async () => {
    const seen: PartitionCompaction[] = [];
    const before = new Date();
    const summary = await compactDataset({ store, onPartition: (result) => seen.push(result) });
    expect(summary).toEqual({ written: 10, removed: 0, unchanged: 0, failed: 0, articles: 30, unreadable: 0 });
    expect(seen.map((p) => `${p.source}/${p.date}`)).toEqual([
      ...['01', '02', '03', '04', '05'].map((day) => `alpha/2024-10-${day}`),
      ...['01', '02', '03', '04', '05'].map((day) => `beta/2024-10-${day}`),
    ]);
    const lines = (await dailyLines(store, 'beta', '2024-10-02'))!;
    expect(lines).toHaveLength(3);
    const ids = lines.map((line) => (JSON.parse(line) as { id: string }).id);
    expect(ids).toEqual([...ids].sort());
    expect(lines).toEqual(await Promise.all(ids.map(async (id) => (await store.get(articleKey(id)))!.toString('utf8'))));
    expect((await readWatermark(store))!.getTime()).toBeGreaterThanOrEqual(before.getTime());
  });

  it('reads no article the next time when none was written since, and leaves every part as it was', async () => {
    await compactDataset({ store });
    const before = await store.get(dailyPartKey('alpha', '2024-10-01'));
    const counted = countingReads(store);
    const again = await compactDataset({ store: counted.store });
    expect(again).toEqual({ written: 0, removed: 0, unchanged: 0, failed: 0, articles: 0, unreadable: 0 });
    expect(counted.articleReads()).toBe(0);
    expect((await store.get(dailyPartKey('alpha', '2024-10-01')))!.equals(before!)).toBe(true);
  });

  it('rewrites only the day that gained a late article, reading only that article', async () => {
    await compactDataset({ store });
    const late = syntheticArticle(1000, 'alpha', '2024-10-02', 2);
    await writeArticle(store, late, null);
    const seen: PartitionCompaction[] = [];
    const counted = countingReads(store);
    const summary = await compactDataset({ store: counted.store, onPartition: (result) => seen.push(result) });
    expect(summary).toEqual({ written: 1, removed: 0, unchanged: 0, failed: 0, articles: 4, unreadable: 0 });
    expect(seen).toEqual([expect.objectContaining({ source: 'alpha', date: '2024-10-02', articles: 4, outcome: 'written' })]);
    // Once to learn its day, once when the day is put together.
    expect(counted.articleReads()).toBe(2);
    expect(await dailyLines(store, 'alpha', '2024-10-02')).toContain(serializeArticle(late));
  });

  it('moves an article whose update changed its day, however far back: the day it left loses it, the day it joined gains it', async () => {
    const old = syntheticArticle(1, 'alpha', '2024-09-01', 1);
    await writeArticle(store, old, null);
    await age(store, root, 'articles/', 3);
    await compactDataset({ store });
    expect(await dailyLines(store, 'alpha', '2024-09-01')).toEqual([serializeArticle(old)]);

    // A month later the publisher corrects it and dates it anew.
    const corrected = {
      ...old,
      title: `${old.title} (đính chính)`,
      publishedAt: '2024-10-04T09:00:00+07:00',
      publishedAtUtc: '2024-10-04T02:00:00.000Z',
      contentHash: sha256Hex('corrected'),
      fetchedAt: '2024-10-04T09:00:00.000Z',
    };
    expect((await writeArticle(store, corrected, null)).outcome).toBe('updated');
    expect(await collectKeys(store, COMPACTION_DUE_PREFIX)).toEqual(['state/compaction-due/source=alpha/date=2024-09-01.json']);

    const compacted: PartitionCompaction[] = [];
    await compactDataset({ store, onPartition: (result) => compacted.push(result) });
    expect(compacted.map((result) => [result.date, result.outcome])).toEqual([
      ['2024-09-01', 'removed'],
      ['2024-10-04', 'written'],
    ]);
    expect(await dailyLines(store, 'alpha', '2024-09-01')).toBeNull();
    expect(await dailyLines(store, 'alpha', '2024-10-04')).toContain(serializeArticle(corrected));
    // The marker stays while the write it announced could still come after a listing; then it goes.
    expect(await collectKeys(store, COMPACTION_DUE_PREFIX)).toHaveLength(1);
    await age(store, root, COMPACTION_DUE_PREFIX, 3);
    await age(store, root, 'articles/', 3);
    await compactDataset({ store });
    expect(await collectKeys(store, COMPACTION_DUE_PREFIX)).toEqual([]);
  });

  it('compacts one day of one source on request and keeps the watermark where it was', async () => {
    const summary = await compactDataset({ store, since: '2024-10-02', until: '2024-10-02', source: 'beta' });
    expect(summary).toEqual({ written: 1, removed: 0, unchanged: 0, failed: 0, articles: 3, unreadable: 0 });
    expect(await dailyLines(store, 'alpha', '2024-10-02')).toBeNull();
    expect(await readWatermark(store)).toBeNull();
  });

  it('names a changed article that cannot be read, leaves the parts as they were and the watermark where it was', async () => {
    await compactDataset({ store });
    const watermark = await readWatermark(store);
    const before = await store.get(dailyPartKey('beta', '2024-10-01'));
    const badKey = articleKey('ffffffffffffffffffff');
    await store.put(badKey, 'not json');
    const summary = await compactDataset({ store });
    expect(summary).toMatchObject({ written: 0, failed: 0, unreadable: 1 });
    expect((await store.get(dailyPartKey('beta', '2024-10-01')))!.equals(before!)).toBe(true);
    expect(await readWatermark(store)).toEqual(watermark);
  });

  it('rebuilds a lost part with --full, which reads every article', async () => {
    await compactDataset({ store });
    await store.delete(dailyPartKey('beta', '2024-10-03'));
    expect((await compactDataset({ store })).written).toBe(0);
    const summary = await compactDataset({ store, full: true });
    expect(summary).toEqual({ written: 1, removed: 0, unchanged: 9, failed: 0, articles: 30, unreadable: 0 });
    expect(await dailyLines(store, 'beta', '2024-10-03')).toHaveLength(3);
  });

  it('drops a deleted article from its day when the day is compacted again', async () => {
    await compactDataset({ store });
    const [first, second] = (await dailyLines(store, 'alpha', '2024-10-01'))!.map((line) => (JSON.parse(line) as { id: string }).id);
    await store.delete(articleKey(first!));
    await writeArticle(store, { ...syntheticArticle(2000, 'alpha', '2024-10-01', 1) }, null);
    await compactDataset({ store });
    const ids = (await dailyLines(store, 'alpha', '2024-10-01'))!.map((line) => (JSON.parse(line) as { id: string }).id);
    expect(ids).toHaveLength(3);
    expect(ids).not.toContain(first);
    expect(ids).toContain(second);
  });
});
