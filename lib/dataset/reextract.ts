import { gunzipSync } from 'node:zlib';
import { EXTRACTOR_VERSION, extractArticle, NotAnArticleError } from '../extract/index.ts';
import { readArticle, writeArticle, type WriteArticleOptions } from '../store/articles.ts';
import type { ObjectStore, WriteOutcome } from '../store/types.ts';
import { describeError } from '../errors.ts';
import { mapOrdered } from './ordered.ts';
import { RAW_ROOT, checkFilter, listPartitionedKeys, parseRawKey, type PartitionFilter } from './partitions.ts';

/**
 * What re-extracting one stored page did. `current`: its article was extracted by this EXTRACTOR_VERSION,
 * so the page is not read at all. `unchanged`/`updated` come from writeArticle (same content hash or not);
 * `skipped` pages are not (or no longer) articles and keep their stored version; `failed` ones are
 * reported with the reason and also left as they were.
 */
export type ReextractOutcome = WriteOutcome | 'current' | 'skipped' | 'failed';

export interface ReextractResult {
  rawKey: string;
  outcome: ReextractOutcome;
  /** The article's key when it was written (or found unchanged). */
  articleKey?: string;
  reason?: string;
}

export type ReextractSummary = Record<ReextractOutcome, number>;

/**
 * Re-runs extraction on one stored raw page (raw/source=…/date=…/<id>.html.gz) and writes the result
 * through writeArticle, keeping the stored article's url, fetchedAt, feed and source: only what the
 * extractor reads from the page may change. Never throws for a bad page; the result says what happened.
 */
export async function reextractRawObject(
  store: ObjectStore,
  rawKey: string,
  options: WriteArticleOptions = { keepRevisions: 'local-copy' },
): Promise<ReextractResult> {
  const parsed = parseRawKey(rawKey);
  if (parsed === null) return { rawKey, outcome: 'failed', reason: `not a raw page key (raw/source=<id>/date=<day>/<id>.html.gz)` };
  try {
    const stored = await readArticle(store, parsed.id);
    if (stored === null) return { rawKey, outcome: 'failed', reason: `no stored article with id ${parsed.id} for this page` };
    if (stored.extractor.version === EXTRACTOR_VERSION) {
      return { rawKey, outcome: 'current', reason: `already extracted by extractor version ${EXTRACTOR_VERSION}` };
    }
    const gzipped = await store.get(rawKey);
    if (gzipped === null) return { rawKey, outcome: 'failed', reason: 'the raw page is gone' };
    // The pipeline stores the page as it decoded it (UTF-8 text), so no charset sniffing here.
    const html = gunzipSync(gzipped).toString('utf8');
    let article;
    try {
      article = extractArticle(html, {
        url: stored.url,
        fetchedAt: new Date(stored.fetchedAt),
        feed: stored.feed,
        source: stored.source,
      });
    } catch (error) {
      if (error instanceof NotAnArticleError) return { rawKey, outcome: 'skipped', reason: `not-an-article: ${error.message}` };
      throw error;
    }
    if (article.id !== stored.id) {
      // A different canonical URL would file the page as a second article: nothing may be doubled.
      return {
        rawKey,
        outcome: 'failed',
        reason: `re-extraction gives canonical URL ${article.canonicalUrl} (id ${article.id}), the stored article has ${stored.canonicalUrl} (id ${stored.id}); not written`,
      };
    }
    // The page is the one stored: it is not written again (on a versioned bucket, another copy of it).
    const written = await writeArticle(store, article, null, { ...options, refreshExtractorVersion: true });
    return { rawKey, outcome: written.outcome, articleKey: written.key };
  } catch (error) {
    return { rawKey, outcome: 'failed', reason: describeError(error) };
  }
}

export interface ReextractOptions extends Pick<PartitionFilter, 'since' | 'source'> {
  store: ObjectStore;
  /** Pages re-extracted at once (extraction is CPU-bound; this overlaps the store round trips). */
  concurrency?: number;
  onResult?: (result: ReextractResult) => void;
}

/** Re-extracts every stored raw page the filter selects (partition date >= since, one source). */
export async function reextractStoredPages(options: ReextractOptions): Promise<ReextractSummary> {
  const filter = checkFilter({ since: options.since, source: options.source });
  const summary: ReextractSummary = { current: 0, stored: 0, unchanged: 0, updated: 0, skipped: 0, failed: 0 };
  const keys = listPartitionedKeys(options.store, RAW_ROOT, filter);
  for await (const { outcome } of mapOrdered(keys, options.concurrency ?? 4, (raw) => reextractRawObject(options.store, raw.key))) {
    // reextractRawObject reports failures as results; a rejection here would be a bug, so let it surface.
    if (!outcome.ok) throw outcome.error;
    summary[outcome.value.outcome] += 1;
    options.onResult?.(outcome.value);
  }
  return summary;
}
