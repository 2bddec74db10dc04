import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compactDataset } from '../../lib/dataset/compact.ts';
import { dailyPartKey } from '../../lib/dataset/partitions.ts';
import { reconcileFeedStates } from '../../lib/pipeline/reconcile.ts';
import { serializeArticle, type Article } from '../../lib/schema/article.ts';
import { readArticle, writeArticle } from '../../lib/store/articles.ts';
import { articleKey, legacyIndexKey } from '../../lib/store/keys.ts';
import { migrateToIdKeys } from '../../lib/store/migrate.ts';
import type { ObjectStore } from '../../lib/store/types.ts';
import { forwardingStore } from '../helpers/forwarding-store.ts';
import { storedRawPages } from '../helpers/raw-pages.ts';
import { makeArticle } from '../helpers/sample-article.ts';
import { useTestStores } from '../helpers/test-stores.ts';

/** `news-ingest migrate` on both stores: a store written before articles were keyed by id, moved once. */

const stores = useTestStores('migrate');

async function collect(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  return keys;
}

const CHANGED_BODY = { paragraphs: ['Nội dung đã cập nhật.'], text: 'Nội dung đã cập nhật.', wordCount: 4 };

function articleAt(path: string, overrides: Partial<Article> = {}): Article {
  const url = `https://baodanang.vn/${path}.html`;
  return makeArticle({ url, canonicalUrl: url, ...overrides });
}

/** Writes an article the way the code before ids did: its dated key, its index entry, and (before batching) its own page object. */
async function writeLegacy(store: ObjectStore, article: Article, page: string | null): Promise<{ key: string; pageKey: string | null }> {
  const day = article.publishedAt!.slice(0, 10);
  const key = `articles/v1/source=${article.source.id}/date=${day}/${article.id}.json`;
  const pageKey = page === null ? null : `raw/source=${article.source.id}/date=${day}/${article.id}.html.gz`;
  await store.put(legacyIndexKey(article.id), JSON.stringify({ id: article.id, articleKey: key, ...(pageKey === null ? {} : { rawKey: pageKey }) }));
  if (pageKey !== null) await store.put(pageKey, gzipSync(page!));
  await store.put(key, serializeArticle(article));
  return { key, pageKey };
}

describe.each(stores.implementations)('migrateToIdKeys on %s', (_name, makeStore) => {
  it('moves every article to its id key and each page object into a batch, removes the old layout, and keeps a newer copy already moved', async () => {
    const store = await makeStore();
    const paged = articleAt('trang-rieng-1');
    const batched = articleAt('da-gop-2', { publishedAt: '2024-10-19T08:00:00+07:00', publishedAtUtc: '2024-10-19T01:00:00.000Z' });
    const stale = articleAt('da-cap-nhat-3');
    await writeLegacy(store, paged, '<html>trang riêng</html>');
    await writeLegacy(store, batched, null);
    await writeLegacy(store, stale, '<html>bản cũ</html>');
    // Deployed before the migration ran: a later fetch of `stale` was stored under its id meanwhile.
    const newer = { ...articleAt('da-cap-nhat-3', { body: CHANGED_BODY }), fetchedAt: '2024-10-20T02:00:00.000Z' };
    expect((await writeArticle(store, newer, '<html>bản mới</html>')).outcome).toBe('stored');
    // The new code refuses to reconcile a store it would mistake for empty.
    await expect(reconcileFeedStates(store)).rejects.toThrow('run `news-ingest migrate` on it first');

    const summary = await migrateToIdKeys({ store, keepRevisions: 'local-copy' });
    expect(summary).toEqual({ stored: 2, updated: 0, unchanged: 1, failed: 0, pages: 2, indexEntriesRemoved: 0 });
    expect(await collect(store, 'articles/')).toEqual([paged, batched, stale].map((article) => articleKey(article.id)).sort());
    expect(await readArticle(store, paged.id)).toEqual(paged);
    expect(await readArticle(store, batched.id)).toEqual(batched);
    expect(await readArticle(store, stale.id)).toEqual(newer);
    expect(await collect(store, 'state/')).toEqual([]);
    // Only batches are left under raw/: the page of `paged`, with its fetch, and the newer fetch's of `stale`.
    expect((await collect(store, 'raw/')).every((key) => key.startsWith('raw/batches/'))).toBe(true);
    const pages = await storedRawPages(store);
    expect(pages.map(({ id, fetchedAt, html }) => ({ id, fetchedAt, html })).sort((a, b) => a.html.localeCompare(b.html))).toEqual([
      { id: stale.id, fetchedAt: newer.fetchedAt, html: '<html>bản mới</html>' },
      { id: paged.id, fetchedAt: paged.fetchedAt, html: '<html>trang riêng</html>' },
    ]);

    // The store now works as any other: a re-check reads the id key, reconcile and compaction see every article.
    expect((await writeArticle(store, paged, '<html>trang riêng</html>')).outcome).toBe('unchanged');
    expect(await reconcileFeedStates(store)).toMatchObject({ articlesInStore: 3 });
    expect(await compactDataset({ store })).toMatchObject({ written: 2, failed: 0, articles: 3 });
    expect(await store.get(dailyPartKey('baodanang', '2024-10-19'))).not.toBeNull();
    // Nothing left to move.
    expect(await migrateToIdKeys({ store, keepRevisions: 'local-copy' })).toEqual({
      stored: 0, updated: 0, unchanged: 0, failed: 0, pages: 0, indexEntriesRemoved: 0,
    });
  });

  it('a run that stops part-way is finished by running it again, and leaves index entries without an article for the end', async () => {
    const inner = await makeStore();
    const first = articleAt('bai-mot-4');
    const second = articleAt('bai-hai-5');
    const { key: firstKey } = await writeLegacy(inner, first, '<html>một</html>');
    await writeLegacy(inner, second, null);
    // An index entry whose article was lost long ago.
    await inner.put(legacyIndexKey('0'.repeat(20)), '{}');
    // The store stops answering deletes of the first article's old key: the run ends with it failed.
    let refuse = true;
    const flaky = forwardingStore(inner, {
      delete: async (key) => {
        if (refuse && key === firstKey) throw new Error('store unavailable');
        return inner.delete(key);
      },
    });
    const interrupted = await migrateToIdKeys({ store: flaky, keepRevisions: 'local-copy' });
    expect(interrupted).toMatchObject({ stored: 1, failed: 1, indexEntriesRemoved: 0 });
    expect(await collect(inner, 'articles/v1/')).toEqual([firstKey]);

    refuse = false;
    expect(await migrateToIdKeys({ store: flaky, keepRevisions: 'local-copy' })).toEqual({
      stored: 0, updated: 0, unchanged: 1, failed: 0, pages: 0, indexEntriesRemoved: 1,
    });
    expect(await collect(inner, 'articles/')).toEqual([first, second].map((article) => articleKey(article.id)).sort());
    expect(await collect(inner, 'state/')).toEqual([]);
    // The page moved in the first run, once.
    expect((await storedRawPages(inner)).map((page) => page.html)).toEqual(['<html>một</html>']);
  });
});
