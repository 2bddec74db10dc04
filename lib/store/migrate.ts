import { gunzipSync } from 'node:zlib';
import { validateArticle } from '../schema/article.ts';
import { describeError } from '../errors.ts';
import { mapOrdered } from '../dataset/ordered.ts';
import { writeArticle, type WriteArticleOptions } from './articles.ts';
import { LEGACY_ARTICLES_PREFIX, LEGACY_INDEX_PREFIX, legacyIndexKey } from './keys.ts';
import { RawPageBatcher } from './raw-pages.ts';
import type { ObjectStore, WriteOutcome } from './types.ts';

/**
 * `news-ingest migrate`: moves a store written before articles were keyed by id to the id layout, once.
 * Before, an article lived at articles/v1/source=<id>/date=<day>/<id>.json and an index entry
 * (state/index/<xx>/<id>.json) recorded that key, and, for articles stored before raw pages were batched,
 * the page's own object (raw/source=…/date=…/<id>.html.gz). Each article is written to articles/v2/ through
 * writeArticle (so a copy the new code already stored there after a later fetch is kept: the older one
 * comes out `unchanged`), its page object moves into a raw page batch with it, and then the page object,
 * the index entry and the v1 article are deleted, the article last, so a run that stops anywhere is simply
 * run again. Index entries left without an article are deleted at the end.
 */

/** Articles migrated at once: their pages share a batch. */
const CONCURRENCY = 16;

const LEGACY_ARTICLE_KEY = /^articles\/v1\/source=[a-z0-9][a-z0-9.-]*\/date=\d{4}-\d{2}-\d{2}\/([0-9a-f]{20})\.json$/;

export interface MigrationResult {
  legacyKey: string;
  outcome: WriteOutcome | 'failed';
  /** The page object moved into a batch with the article (or, when a newer copy was kept, dropped). */
  pageKey?: string;
  reason?: string;
}

export type MigrationSummary = Record<MigrationResult['outcome'], number> & { pages: number; indexEntriesRemoved: number };

export interface MigrateOptions {
  store: ObjectStore;
  /** As for writeArticle: the local store keeps revisions/ copies, a versioned bucket its object versions. */
  keepRevisions: WriteArticleOptions['keepRevisions'];
  onResult?: (result: MigrationResult) => void;
}

export async function migrateToIdKeys(options: MigrateOptions): Promise<MigrationSummary> {
  const { store } = options;
  const summary: MigrationSummary = { stored: 0, updated: 0, unchanged: 0, failed: 0, pages: 0, indexEntriesRemoved: 0 };
  const batcher = new RawPageBatcher(store);
  const keys = filterKeys(store.list(LEGACY_ARTICLES_PREFIX));
  for await (const { item: legacyKey, outcome } of mapOrdered(keys, CONCURRENCY, (key) => migrateArticle(options, batcher, key))) {
    const result: MigrationResult = outcome.ok ? outcome.value : { legacyKey, outcome: 'failed', reason: describeError(outcome.error) };
    summary[result.outcome] += 1;
    if (result.pageKey !== undefined) summary.pages += 1;
    options.onResult?.(result);
  }
  if (summary.failed === 0) {
    for await (const key of store.list(LEGACY_INDEX_PREFIX)) {
      await store.delete(key);
      summary.indexEntriesRemoved += 1;
    }
  }
  return summary;
}

async function* filterKeys(keys: AsyncIterable<string>): AsyncGenerator<string> {
  for await (const key of keys) if (LEGACY_ARTICLE_KEY.test(key)) yield key;
}

async function migrateArticle({ store, keepRevisions }: MigrateOptions, batcher: RawPageBatcher, legacyKey: string): Promise<MigrationResult> {
  const slot = batcher.join();
  try {
    const id = LEGACY_ARTICLE_KEY.exec(legacyKey)![1]!;
    const bytes = await store.get(legacyKey);
    if (bytes === null) return { legacyKey, outcome: 'failed', reason: 'listed but gone when read' };
    const article = validateArticle(JSON.parse(bytes.toString('utf8')));
    if (article.id !== id) return { legacyKey, outcome: 'failed', reason: `the article in it has id ${article.id}` };
    const pageKey = await legacyPageKey(store, id);
    const gzipped = pageKey === null ? null : await store.get(pageKey);
    const html = gzipped === null ? null : gunzipSync(gzipped);
    if (html === null) slot.close();
    const written = await writeArticle(store, article, html, { keepRevisions, rawPages: slot });
    if (pageKey !== null && gzipped !== null) await store.delete(pageKey);
    await store.delete(legacyIndexKey(id));
    await store.delete(legacyKey);
    return { legacyKey, outcome: written.outcome, ...(pageKey !== null && gzipped !== null ? { pageKey } : {}) };
  } finally {
    slot.close();
  }
}

/** The page object an index entry written before batching names, if any. */
async function legacyPageKey(store: ObjectStore, id: string): Promise<string | null> {
  const entry = await store.get(legacyIndexKey(id));
  if (entry === null) return null;
  const rawKey = (JSON.parse(entry.toString('utf8')) as { rawKey?: unknown }).rawKey;
  return typeof rawKey === 'string' && /^raw\/source=[a-z0-9][a-z0-9.-]*\/date=\d{4}-\d{2}-\d{2}\/[0-9a-f]{20}\.html\.gz$/.test(rawKey)
    ? rawKey
    : null;
}
