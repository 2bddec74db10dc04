import { EXTRACTOR_VERSION, extractArticle, NotAnArticleError } from '../extract/index.ts';
import { readArticle, writeArticle, type WriteArticleOptions } from '../store/articles.ts';
import type { ObjectStore, WriteOutcome } from '../store/types.ts';
import { describeError } from '../errors.ts';
import { mapOrdered } from './ordered.ts';
import { checkFilter, matchesFilter, type PartitionFilter } from './partitions.ts';
import { RAW_BATCH_PREFIX } from '../store/keys.ts';
import { decodeRawBatch, parseRawBatchKey } from '../store/raw-pages.ts';

/**
 * What re-extracting one stored page did. `current`: its article was extracted by this EXTRACTOR_VERSION,
 * so the page is not read at all. `unchanged`/`updated` come from writeArticle (same content hash or not);
 * `skipped` pages are not (or no longer) articles and keep their stored version; `failed` ones are
 * reported with the reason and also left as they were.
 */
export type ReextractOutcome = WriteOutcome | 'current' | 'skipped' | 'failed';

export interface ReextractResult {
  /** The raw page batch read. */
  rawKey: string;
  /** The article the page belongs to (from the batch's manifest). */
  articleId?: string;
  outcome: ReextractOutcome;
  /** The article's key when it was written (or found unchanged). */
  articleKey?: string;
  reason?: string;
}

export type ReextractSummary = Record<ReextractOutcome, number>;

/** A page to re-extract: its HTML is read only if the stored article needs it. */
interface StoredPage {
  rawKey: string;
  id: string;
  /** The fetch the page came from: it is used only while the stored article says the same. */
  fetchedAt: string;
  html: () => string;
}

/**
 * Re-runs extraction on the pages of one raw page batch (raw/batches/…, see lib/store/raw-pages.ts), one
 * result per page. Never throws for a bad page or object; the results say what happened.
 */
export async function reextractRawObject(
  store: ObjectStore,
  rawKey: string,
  options: WriteArticleOptions = { keepRevisions: 'local-copy' },
  filter: PartitionFilter = {},
): Promise<ReextractResult[]> {
  if (parseRawBatchKey(rawKey) === null) {
    const hint = rawKey.startsWith('raw/source=') ? ': a page stored before batching, which `news-ingest migrate` moves into a batch' : '';
    return [{ rawKey, outcome: 'failed', reason: `not a raw page batch key (raw/batches/date=<day>/<batch>.pages)${hint}` }];
  }
  let batch;
  try {
    const body = await store.get(rawKey);
    if (body === null) return [{ rawKey, outcome: 'failed', reason: 'the raw page batch is gone' }];
    batch = decodeRawBatch(body, rawKey);
  } catch (error) {
    return [{ rawKey, outcome: 'failed', reason: describeError(error) }];
  }
  const results: ReextractResult[] = [];
  for (const entry of batch.pages) {
    if (!matchesFilter({ source: entry.source, date: entry.date }, filter)) continue;
    const page: StoredPage = { rawKey, id: entry.id, fetchedAt: entry.fetchedAt, html: () => batch.html(entry) };
    results.push(await reextractPage(store, page, options));
  }
  return results;
}

/**
 * Re-extracts one page and writes the result through writeArticle, keeping the stored article's url,
 * fetchedAt, feed and source: only what the extractor reads from the page may change.
 */
async function reextractPage(store: ObjectStore, page: StoredPage, options: WriteArticleOptions): Promise<ReextractResult> {
  const { rawKey, id } = page;
  try {
    const stored = await readArticle(store, id);
    if (stored === null) return { rawKey, articleId: id, outcome: 'failed', reason: `no stored article with id ${id} for this page` };
    if (page.fetchedAt !== stored.fetchedAt) {
      // An earlier fetch (the article was updated since), or a fetch whose article write lost or failed.
      return { rawKey, articleId: id, outcome: 'skipped', reason: `superseded: the stored article was extracted from the fetch of ${stored.fetchedAt}, this page is from ${page.fetchedAt}` };
    }
    if (stored.extractor.version === EXTRACTOR_VERSION) {
      return { rawKey, articleId: id, outcome: 'current', reason: `already extracted by extractor version ${EXTRACTOR_VERSION}` };
    }
    // The pipeline stores the page as it decoded it (UTF-8 text), so no charset sniffing here.
    const html = page.html();
    let article;
    try {
      article = extractArticle(html, {
        url: stored.url,
        fetchedAt: new Date(stored.fetchedAt),
        feed: stored.feed,
        source: stored.source,
      });
    } catch (error) {
      if (error instanceof NotAnArticleError) return { rawKey, articleId: id, outcome: 'skipped', reason: `not-an-article: ${error.message}` };
      throw error;
    }
    if (article.id !== stored.id) {
      // A different canonical URL would file the page as a second article: nothing may be doubled.
      return {
        rawKey,
        articleId: id,
        outcome: 'failed',
        reason: `re-extraction gives canonical URL ${article.canonicalUrl} (id ${article.id}), the stored article has ${stored.canonicalUrl} (id ${stored.id}); not written`,
      };
    }
    // The page is the one stored: it is not written again (on a versioned bucket, another copy of it).
    const written = await writeArticle(store, article, null, { ...options, refreshExtractorVersion: true });
    return { rawKey, articleId: id, outcome: written.outcome, articleKey: written.key };
  } catch (error) {
    return { rawKey, articleId: id, outcome: 'failed', reason: describeError(error) };
  }
}

export interface ReextractOptions extends Pick<PartitionFilter, 'since' | 'source'> {
  store: ObjectStore;
  /** Pages re-extracted at once (extraction is CPU-bound; this overlaps the store round trips). */
  concurrency?: number;
  onResult?: (result: ReextractResult) => void;
}

/** Re-extracts every stored raw page the filter selects (the article's partition date >= since, one source), batch by batch. */
export async function reextractStoredPages(options: ReextractOptions): Promise<ReextractSummary> {
  const filter = checkFilter({ since: options.since, source: options.source });
  const summary: ReextractSummary = { current: 0, stored: 0, unchanged: 0, updated: 0, skipped: 0, failed: 0 };
  const keys = filterAsync(options.store.list(RAW_BATCH_PREFIX), (key) => parseRawBatchKey(key) !== null);
  const concurrency = options.concurrency ?? 4;
  for await (const { outcome } of mapOrdered(keys, concurrency, (key) => reextractRawObject(options.store, key, undefined, filter))) {
    // reextractRawObject reports failures as results; a rejection here would be a bug, so let it surface.
    if (!outcome.ok) throw outcome.error;
    for (const result of outcome.value) {
      summary[result.outcome] += 1;
      options.onResult?.(result);
    }
  }
  return summary;
}

async function* filterAsync<T>(items: AsyncIterable<T>, keep: (item: T) => boolean): AsyncGenerator<T> {
  for await (const item of items) if (keep(item)) yield item;
}
