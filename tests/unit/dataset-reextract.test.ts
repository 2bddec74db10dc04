import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reextractRawObject, reextractStoredPages, type ReextractResult } from '../../lib/dataset/reextract.ts';
import { EXTRACTOR_VERSION, extractArticle } from '../../lib/extract/index.ts';
import { sha256Hex } from '../../lib/schema/ids.ts';
import type { Article } from '../../lib/schema/article.ts';
import { readArticle, writeArticle } from '../../lib/store/articles.ts';
import { storeRawPage } from '../../lib/store/raw-pages.ts';
import { LocalDirectoryStore } from '../../lib/store/local.ts';
import { forwardingStore } from '../helpers/forwarding-store.ts';

const FIXTURES = resolve(import.meta.dirname, '../fixtures');
const FETCHED_AT = new Date('2026-03-07T02:00:00.000Z');
const PAGES = {
  vnexpress: readFileSync(join(FIXTURES, 'pages/vnexpress_article.html'), 'utf8'),
  tuoitre: readFileSync(join(FIXTURES, 'pages/tuoitre_article.html'), 'utf8'),
  baodanang: readFileSync(join(FIXTURES, 'seed/baodanang-2024-10-18.pre2025.html'), 'utf8'),
};

function extractAsFetched(html: string, source: keyof typeof PAGES): Article {
  const { url } = extractArticle(html, { fetchedAt: FETCHED_AT });
  // Found through a feed: re-extraction must keep that, although the page itself does not say it.
  return extractArticle(html, { url, fetchedAt: FETCHED_AT, feed: { url: `https://${source}.example/rss`, guid: url } });
}

describe('re-extraction from stored raw pages', () => {
  let root: string;
  let store: LocalDirectoryStore;
  const fresh: Partial<Record<keyof typeof PAGES, Article>> = {};

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'dataset-reextract-'));
    store = new LocalDirectoryStore(root);
    for (const [source, html] of Object.entries(PAGES) as [keyof typeof PAGES, string][]) {
      fresh[source] = extractAsFetched(html, source);
    }
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** Each page's article as the previous extractor version wrote it: same content, another version. */
  function byPreviousVersion(article: Article): Article {
    return { ...article, extractor: { ...article.extractor, version: 'previous' } };
  }

  async function storeAll(): Promise<void> {
    for (const [source, html] of Object.entries(PAGES) as [keyof typeof PAGES, string][]) {
      expect((await writeArticle(store, byPreviousVersion(fresh[source]!), html)).outcome).toBe('stored');
    }
  }

  it('finds every stored article unchanged when the extractor gives the same result, and marks it extracted by this version', async () => {
    await storeAll();
    const summary = await reextractStoredPages({ store });
    expect(summary).toEqual({ current: 0, stored: 0, unchanged: 3, updated: 0, skipped: 0, failed: 0 });
    expect((await readArticle(store, fresh.tuoitre!.id))!.extractor.version).toBe(EXTRACTOR_VERSION);
  });

  it('does not read the pages of articles the current extractor version extracted', async () => {
    await storeAll();
    await reextractStoredPages({ store });
    const reads: string[] = [];
    const puts: string[] = [];
    const watched = forwardingStore(store, {
      get: (key) => {
        reads.push(key);
        return store.get(key);
      },
      put: (key, body, options) => {
        puts.push(key);
        return store.put(key, body, options);
      },
    });
    const results: ReextractResult[] = [];
    expect(await reextractStoredPages({ store: watched, onResult: (result) => results.push(result) })).toEqual({
      current: 3,
      stored: 0,
      unchanged: 0,
      updated: 0,
      skipped: 0,
      failed: 0,
    });
    // Each batch is read once for its manifest (one page each here); nothing is extracted or written.
    const batches: string[] = [];
    for await (const key of store.list('raw/')) batches.push(key);
    expect(batches).toHaveLength(3);
    expect(reads.filter((key) => key.startsWith('raw/'))).toEqual(batches);
    expect(puts).toEqual([]);
    expect(results[0]!.reason).toBe(`already extracted by extractor version ${EXTRACTOR_VERSION}`);
  });

  it('upgrades an article stored by an older extraction (updated), keeping url, fetchedAt and feed', async () => {
    const current = fresh.vnexpress!;
    // What an older adapter version wrote for the same page, fetched earlier: another title, so another content hash.
    const older: Article = {
      ...current,
      title: 'Tiêu đề cũ',
      contentHash: sha256Hex('older extraction'),
      fetchedAt: '2026-03-06T23:00:00.000Z',
      extractor: { name: 'vnexpress/fck-detail', version: 'previous' },
    };
    expect((await writeArticle(store, older, PAGES.vnexpress)).outcome).toBe('stored');
    expect((await writeArticle(store, fresh.tuoitre!, PAGES.tuoitre)).outcome).toBe('stored');
    expect((await writeArticle(store, fresh.baodanang!, PAGES.baodanang)).outcome).toBe('stored');
    expect((await readArticle(store, current.id))!.title).toBe('Tiêu đề cũ');

    const results: ReextractResult[] = [];
    const summary = await reextractStoredPages({ store, onResult: (result) => results.push(result) });
    // The other two were written by this version: not read again.
    expect(summary).toEqual({ current: 2, stored: 0, unchanged: 0, updated: 1, skipped: 0, failed: 0 });
    expect(results.find((result) => result.outcome === 'updated')?.articleId).toBe(current.id);
    const upgraded = (await readArticle(store, current.id))!;
    expect(upgraded.title).toBe(current.title);
    expect(upgraded.contentHash).toBe(current.contentHash);
    expect(upgraded.fetchedAt).toBe('2026-03-06T23:00:00.000Z');
    expect(upgraded.feed).toEqual(current.feed);
    expect(upgraded.url).toBe(current.url);
    // Running it again reads nothing.
    expect(await reextractStoredPages({ store })).toEqual({ current: 3, stored: 0, unchanged: 0, updated: 0, skipped: 0, failed: 0 });
  });

  it('selects pages by source and by partition date', async () => {
    await storeAll();
    expect(await reextractStoredPages({ store, source: 'tuoitre' })).toMatchObject({ unchanged: 1 });
    // The seed article is from 2024, the national pages from 2026 (tuoitre's already re-extracted above).
    expect(await reextractStoredPages({ store, since: '2025-01-01' })).toMatchObject({ current: 1, unchanged: 1, updated: 0 });
    await expect(reextractStoredPages({ store, since: '18/10/2024' })).rejects.toThrow('--since must be a calendar day');
  });

  it('keeps the stored article when its page no longer reads as an article, and reports pages without one', async () => {
    const article = fresh.tuoitre!;
    // The page stored with the article is a section page now (a template change the extractor refuses).
    await writeArticle(store, byPreviousVersion(article), readFileSync(join(FIXTURES, 'pages/tuoitre_list.html')));
    const orphan = '00000000000000000000';
    await storeRawPage(store, { id: orphan, source: 'tuoitre', date: '2026-03-07', fetchedAt: FETCHED_AT.toISOString(), html: PAGES.tuoitre });

    const results: ReextractResult[] = [];
    const summary = await reextractStoredPages({ store, onResult: (result) => results.push(result) });
    expect(summary).toEqual({ current: 0, stored: 0, unchanged: 0, updated: 0, skipped: 1, failed: 1 });
    expect(results.find((result) => result.outcome === 'skipped')).toMatchObject({ articleId: article.id, reason: expect.stringContaining('not-an-article') });
    expect(results.find((result) => result.outcome === 'failed')).toMatchObject({
      rawKey: expect.stringMatching(/^raw\/batches\//),
      articleId: orphan,
      reason: `no stored article with id ${orphan} for this page`,
    });
    expect(await readArticle(store, article.id)).toEqual(byPreviousVersion(article));
  });

  it('uses a batched page only while the stored article was extracted from its fetch', async () => {
    const current = fresh.vnexpress!;
    const older: Article = { ...current, title: 'Tiêu đề cũ', contentHash: sha256Hex('older extraction'), extractor: { name: 'vnexpress/fck-detail', version: 'previous' } };
    const earlier = { ...older, contentHash: sha256Hex('first fetch'), fetchedAt: '2026-03-06T23:00:00.000Z' };
    // Fetched twice; the second fetch was stored as an update. The first page is still in its batch.
    expect((await writeArticle(store, earlier, '<html><body>the first fetch</body></html>')).outcome).toBe('stored');
    expect((await writeArticle(store, older, PAGES.vnexpress)).outcome).toBe('updated');

    const results: ReextractResult[] = [];
    expect(await reextractStoredPages({ store, onResult: (result) => results.push(result) })).toMatchObject({ updated: 1, skipped: 1, failed: 0 });
    expect(results.find((result) => result.outcome === 'skipped')!.reason).toBe(
      `superseded: the stored article was extracted from the fetch of ${older.fetchedAt}, this page is from ${earlier.fetchedAt}`,
    );
    expect((await readArticle(store, current.id))!.title).toBe(current.title);
  });

  it('names a page stored before batching that was not migrated, and re-extracts the rest', async () => {
    await storeAll();
    const legacyPage = 'raw/source=tuoitre/date=2026-03-07/00000000000000000000.html.gz';
    await store.put(legacyPage, gzipSync(PAGES.tuoitre));
    const results: ReextractResult[] = [];
    expect(await reextractStoredPages({ store, onResult: (result) => results.push(result) })).toMatchObject({ unchanged: 3, failed: 0 });
    expect(results.map((result) => result.rawKey)).not.toContain(legacyPage);
    expect(await reextractRawObject(store, legacyPage)).toEqual([
      {
        rawKey: legacyPage,
        outcome: 'failed',
        reason: 'not a raw page batch key (raw/batches/date=<day>/<batch>.pages): a page stored before batching, which `news-ingest migrate` moves into a batch',
      },
    ]);
  });
});
