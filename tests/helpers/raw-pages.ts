import type { Article } from '../../lib/schema/article.ts';
import { RAW_BATCH_PREFIX } from '../../lib/store/keys.ts';
import { decodeRawBatch } from '../../lib/store/raw-pages.ts';
import type { ObjectStore } from '../../lib/store/types.ts';

export interface StoredRawPage {
  batchKey: string;
  id: string;
  date: string;
  fetchedAt: string;
  html: string;
}

/** Every raw page in the store's batches, in key order (reads every batch: for tests). */
export async function storedRawPages(store: ObjectStore): Promise<StoredRawPage[]> {
  const pages: StoredRawPage[] = [];
  for await (const batchKey of store.list(RAW_BATCH_PREFIX)) {
    const batch = decodeRawBatch((await store.get(batchKey))!, batchKey);
    for (const entry of batch.pages) pages.push({ batchKey, id: entry.id, date: entry.date, fetchedAt: entry.fetchedAt, html: batch.html(entry) });
  }
  return pages;
}

/** The HTML of the page the article was extracted from (same id and fetch), or null when no batch holds it. */
export async function rawPageOf(store: ObjectStore, article: Pick<Article, 'id' | 'fetchedAt'>): Promise<string | null> {
  const pages = (await storedRawPages(store)).filter((page) => page.id === article.id && page.fetchedAt === article.fetchedAt);
  if (pages.length > 1) throw new Error(`${pages.length} pages of ${article.id} fetched at ${article.fetchedAt}`);
  return pages[0]?.html ?? null;
}
