import { setTimeout as sleep } from 'node:timers/promises';
import { DateTime } from 'luxon';
import { serializeArticle, validateArticle, type Article } from '../schema/article.ts';
import { articleKey, compactionDueKey, revisionKey } from './keys.ts';
import { storeRawPage, type ClaimedState, type RawPageLocation, type RawPageSlot } from './raw-pages.ts';
import { PreconditionFailedError, type ObjectStore, type PutOptions, type WriteOutcome } from './types.ts';

export interface WriteArticleOptions {
  /**
   * How the earlier version survives an update. 'local-copy' copies it to revisions/ first (any store);
   * 'bucket-versioning' relies on the bucket keeping overwritten versions (S3 with versioning enabled).
   */
  keepRevisions: 'local-copy' | 'bucket-versioning';
  /**
   * Re-extraction: when the content is the same but another extractor version produced the stored
   * article, rewrite it with this one's (still 'unchanged'), so the next re-extraction skips the page.
   */
  refreshExtractorVersion?: boolean;
  /** Names the day of a raw page batch written without a `rawPages` slot. */
  now?: Date;
  /**
   * The caller's slot in a batch of raw pages (a pipeline run or invocation; the caller closes it); without
   * one, the page is a batch of its own.
   */
  rawPages?: RawPageSlot;
}

const ARTICLE_CONTENT_TYPE = 'application/json; charset=utf-8';
const FALLBACK_ZONE = 'Asia/Ho_Chi_Minh';

/** publishedAt's own local date; without one, the fetch date in Vietnam. */
export function partitionDateFor(article: Article): string {
  if (article.publishedAt !== null) return article.publishedAt.slice(0, 10);
  const fetched = DateTime.fromISO(article.fetchedAt, { setZone: true }).setZone(FALLBACK_ZONE);
  if (!fetched.isValid) throw new Error(`article ${article.id}: fetchedAt ${article.fetchedAt} is not a valid time`);
  return fetched.toFormat('yyyy-MM-dd');
}

function parseStoredArticle(bytes: Buffer, key: string): Article {
  try {
    return validateArticle(JSON.parse(bytes.toString('utf8')));
  } catch (error) {
    throw new Error(`stored article ${key} is unreadable: ${(error as Error).message}`);
  }
}

/** Attempts of one write while other writers keep changing the article under it. */
const WRITE_ATTEMPTS = 6;
const WRITE_BACKOFF_MS = 25;

type WriteResult = { outcome: WriteOutcome; key: string };

/**
 * Writes an article idempotently under the key its id names (articles/v2/<xx>/<id>.json): later writes with
 * the same contentHash write nothing ('unchanged'); changed content overwrites the same key ('updated')
 * after keeping the earlier version. Racing first writes end with exactly one 'stored'. A new article
 * costs one GET (nothing there) and one PUT of its own; a re-check one GET.
 *
 * The raw page is stored before the article that was extracted from it (in a batch, see raw-pages.ts),
 * so a stored article always has its page; an unchanged article stores no page. Every article write is
 * conditional on the version read (If-Match, or If-None-Match for a create), so nothing written in
 * between is lost: a writer that finds the article changed reads again and decides again. Content fetched
 * before what the store holds (a late retry, a re-extraction of an older page) never replaces it.
 */
export async function writeArticle(
  store: ObjectStore,
  article: Article,
  rawHtml: string | Buffer | null,
  options: WriteArticleOptions = { keepRevisions: 'local-copy' },
): Promise<WriteResult> {
  const key = articleKey(article.id);
  let page: Promise<RawPageLocation> | null = null;
  const storePage = async (state: ClaimedState): Promise<boolean> => {
    if (rawHtml === null) return false;
    const raw = {
      id: article.id,
      source: article.source.id,
      date: partitionDateFor(article),
      fetchedAt: article.fetchedAt,
      html: rawHtml,
      claim: { state, missing: article.missing },
    };
    page ??= options.rawPages?.add(raw) ?? storeRawPage(store, raw, options.now === undefined ? undefined : () => options.now!);
    await page;
    return true;
  };
  const write: PendingWrite = { store, key, article, line: serializeArticle(article), storePage, options };
  for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt += 1) {
    const result = await attemptWrite(write);
    if (result !== null) return result;
    await sleep(Math.random() * WRITE_BACKOFF_MS * 2 ** attempt);
  }
  throw new Error(`${key}: other writers kept changing it; gave up after ${WRITE_ATTEMPTS} attempts`);
}

interface PendingWrite {
  store: ObjectStore;
  key: string;
  article: Article;
  line: string;
  /**
   * Stores the raw page once (later calls wait for the same write; the manifest keeps the state of the
   * first); false when the write has no page (re-extraction).
   */
  storePage: (state: ClaimedState) => Promise<boolean>;
  options: WriteArticleOptions;
}

/** A conditional put that reports a lost race as false instead of throwing. */
async function putIf(store: ObjectStore, key: string, body: Buffer | string, options: PutOptions): Promise<boolean> {
  try {
    await store.put(key, body, options);
    return true;
  } catch (error) {
    if (error instanceof PreconditionFailedError) return false;
    throw error;
  }
}

/** One read-decide-write round; null when another writer changed the article in between (read again). */
async function attemptWrite(write: PendingWrite): Promise<WriteResult | null> {
  const { store, key, article } = write;
  const current = await store.getWithEtag(key);
  if (current === null) return createArticle(write);

  const existing = parseStoredArticle(current.body, key);
  // Same content, or content fetched before what is stored: nothing to write (fetchedAt is UTC ISO, so
  // the strings order as the times do).
  if (existing.contentHash === article.contentHash || article.fetchedAt < existing.fetchedAt) {
    const staleVersion = existing.contentHash === article.contentHash && existing.extractor.version !== article.extractor.version;
    if (write.options.refreshExtractorVersion === true && staleVersion) {
      const refreshed = await putIf(store, key, write.line, { contentType: ARTICLE_CONTENT_TYPE, ifMatch: current.etag });
      if (!refreshed) return null;
    }
    return { outcome: 'unchanged', key };
  }
  await markDayLeft(store, existing, article);
  if (write.options.keepRevisions === 'local-copy') {
    await store.put(revisionKey(article.id, existing.contentHash, existing.fetchedAt), current.body, { contentType: ARTICLE_CONTENT_TYPE });
  }
  await write.storePage('updated');
  const updated = await putIf(store, key, write.line, { contentType: ARTICLE_CONTENT_TYPE, ifMatch: current.etag });
  return updated ? { outcome: 'updated', key } : null;
}

/** The page first, so a stored article always has its page; the article's create decides who stored it. */
async function createArticle(write: PendingWrite): Promise<WriteResult | null> {
  await write.storePage('stored');
  const created = await putIf(write.store, write.key, write.line, { contentType: ARTICLE_CONTENT_TYPE, ifNoneMatch: true });
  return created ? { outcome: 'stored', key: write.key } : null;
}

/**
 * The compaction finds the days an article joins from the articles changed since its last run, but not a
 * day it left: an update that moves the article to another day (the publisher changed publishedAt, a
 * dateless article re-fetched on another day) marks the day it leaves. Marked before the write, so a
 * write that fails after the mark costs one needless re-compaction, never a missed one.
 */
async function markDayLeft(store: ObjectStore, existing: Article, article: Article): Promise<void> {
  const left = { source: existing.source.id, date: partitionDateFor(existing) };
  if (left.source === article.source.id && left.date === partitionDateFor(article)) return;
  await store.put(compactionDueKey(left.source, left.date), '{}', { contentType: ARTICLE_CONTENT_TYPE });
}

/** The current version of an article by id, or null when it was never stored. */
export async function readArticle(store: ObjectStore, id: string): Promise<Article | null> {
  const key = articleKey(id);
  const bytes = await store.get(key);
  return bytes === null ? null : parseStoredArticle(bytes, key);
}
