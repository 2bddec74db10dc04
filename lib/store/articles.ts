import { setTimeout as sleep } from 'node:timers/promises';
import { DateTime } from 'luxon';
import { serializeArticle, validateArticle, type Article } from '../schema/article.ts';
import { parseArticleKey, todayInDatasetZone } from '../dataset/partitions.ts';
import { articleKey, compactionDueKey, indexKey, rawRevisionKey, revisionKey } from './keys.ts';
import { storeRawPage, type RawPageLocation, type RawPageSlot } from './raw-pages.ts';
import { PreconditionFailedError, type ObjectStore, type PutOptions, type WriteOutcome } from './types.ts';

/** Where an article lives; written once, when the article is first stored, and never moved. */
export interface ArticleIndexEntry {
  id: string;
  articleKey: string;
  /**
   * The page's own object (raw/source=…/date=…/<id>.html.gz), in entries written before raw pages were
   * batched (lib/store/raw-pages.ts). The first update after that removes it (see replaceLegacyPage).
   */
  rawKey?: string;
}

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
  /** Decides whether the article's day is closed (a change to a closed day marks it for compaction). */
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

function parseIndexEntry(bytes: Buffer, key: string): ArticleIndexEntry {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new Error(`index entry ${key} is not JSON: ${(error as Error).message}`);
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    typeof (parsed as ArticleIndexEntry).id !== 'string' ||
    typeof (parsed as ArticleIndexEntry).articleKey !== 'string' ||
    !['string', 'undefined'].includes(typeof (parsed as ArticleIndexEntry).rawKey)
  ) {
    throw new Error(`index entry ${key} is not {id, articleKey[, rawKey]}`);
  }
  const entry = parsed as ArticleIndexEntry;
  return { id: entry.id, articleKey: entry.articleKey, ...(entry.rawKey === undefined ? {} : { rawKey: entry.rawKey }) };
}

async function readIndexEntry(store: ObjectStore, id: string): Promise<ArticleIndexEntry | null> {
  const key = indexKey(id);
  const bytes = await store.get(key);
  return bytes === null ? null : parseIndexEntry(bytes, key);
}

/**
 * The index entry for this article: the existing one, or a new one if this call creates it first
 * (`created`: then no article can be stored under it yet, unless a writer stopped between the two).
 */
async function claimIndexEntry(store: ObjectStore, article: Article): Promise<{ entry: ArticleIndexEntry; created: boolean }> {
  const existing = await readIndexEntry(store, article.id);
  if (existing !== null) return { entry: existing, created: false };
  const date = partitionDateFor(article);
  const entry: ArticleIndexEntry = { id: article.id, articleKey: articleKey(article.source.id, date, article.id) };
  try {
    await store.put(indexKey(article.id), JSON.stringify(entry), { contentType: ARTICLE_CONTENT_TYPE, ifNoneMatch: true });
    return { entry, created: true };
  } catch (error) {
    if (!(error instanceof PreconditionFailedError)) throw error;
    // Another writer created it between our read and our put: its key wins.
    const winner = await readIndexEntry(store, article.id);
    if (winner === null) throw new Error(`index entry ${indexKey(article.id)} vanished after a conflicting create`);
    return { entry: winner, created: false };
  }
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
 * Writes an article idempotently. The first store fixes its key (through the index); later writes with
 * the same contentHash write nothing ('unchanged'); changed content overwrites the same key ('updated')
 * after keeping the earlier version. Racing first writes end with exactly one 'stored'.
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
  const line = serializeArticle(article);
  const { entry, created } = await claimIndexEntry(store, article);
  let page: Promise<RawPageLocation> | null = null;
  const storePage = async (): Promise<boolean> => {
    if (rawHtml === null) return false;
    const date = parseArticleKey(entry.articleKey)?.date ?? partitionDateFor(article);
    const raw = { id: article.id, source: article.source.id, date, fetchedAt: article.fetchedAt, html: rawHtml };
    page ??= options.rawPages?.add(raw) ?? storeRawPage(store, raw, options.now === undefined ? undefined : () => options.now!);
    await page;
    return true;
  };
  const write: PendingWrite = { store, entry, article, line, storePage, options };
  for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt += 1) {
    // An index entry this call created has no article yet: the create is tried without reading first (a
    // GET less per new article); if one is there after all, the create is refused and the next round reads.
    const result = attempt === 1 && created ? await createArticle(write) : await attemptWrite(write);
    if (result !== null) return result;
    await sleep(Math.random() * WRITE_BACKOFF_MS * 2 ** attempt);
  }
  throw new Error(`${entry.articleKey}: other writers kept changing it; gave up after ${WRITE_ATTEMPTS} attempts`);
}

interface PendingWrite {
  store: ObjectStore;
  entry: ArticleIndexEntry;
  article: Article;
  line: string;
  /** Stores the raw page once (later calls wait for the same write); false when the write has no page (re-extraction). */
  storePage: () => Promise<boolean>;
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
  const { store, entry, article } = write;
  const current = await store.getWithEtag(entry.articleKey);
  if (current === null) return createArticle(write);

  const existing = parseStoredArticle(current.body, entry.articleKey);
  // Same content, or content fetched before what is stored: nothing to write (fetchedAt is UTC ISO, so
  // the strings order as the times do).
  if (existing.contentHash === article.contentHash || article.fetchedAt < existing.fetchedAt) {
    const staleVersion = existing.contentHash === article.contentHash && existing.extractor.version !== article.extractor.version;
    if (write.options.refreshExtractorVersion === true && staleVersion) {
      await markClosedDayForCompaction(write);
      const refreshed = await putIf(store, entry.articleKey, write.line, { contentType: ARTICLE_CONTENT_TYPE, ifMatch: current.etag });
      if (!refreshed) return null;
    }
    return { outcome: 'unchanged', key: entry.articleKey };
  }
  await markClosedDayForCompaction(write);
  if (write.options.keepRevisions === 'local-copy') {
    await store.put(revisionKey(article.id, existing.contentHash, existing.fetchedAt), current.body, { contentType: ARTICLE_CONTENT_TYPE });
  }
  if (await write.storePage()) await replaceLegacyPage(write, existing);
  const updated = await putIf(store, entry.articleKey, write.line, { contentType: ARTICLE_CONTENT_TYPE, ifMatch: current.etag });
  return updated ? { outcome: 'updated', key: entry.articleKey } : null;
}

/** The page first, so a stored article always has its page; the article's create decides who stored it. */
async function createArticle(write: PendingWrite): Promise<WriteResult | null> {
  await markClosedDayForCompaction(write);
  await write.storePage();
  const created = await putIf(write.store, write.entry.articleKey, write.line, { contentType: ARTICLE_CONTENT_TYPE, ifNoneMatch: true });
  return created ? { outcome: 'stored', key: write.entry.articleKey } : null;
}

/**
 * An article stored before pages were batched has its page in its own object, which re-extraction would
 * read as the article's page: when a new page comes with an update, the old one is removed before the
 * update is written, so it can never stand for the new content (a write that fails after this leaves the
 * old content with no page, never a wrong one). The local store keeps a revisions/ copy of it; a
 * versioned bucket keeps it as a noncurrent version.
 */
async function replaceLegacyPage({ store, entry, options }: PendingWrite, existing: Article): Promise<void> {
  if (entry.rawKey === undefined) return;
  if (options.keepRevisions === 'local-copy') {
    const legacy = await store.get(entry.rawKey);
    if (legacy === null) return;
    await store.put(rawRevisionKey(existing.id, existing.contentHash, existing.fetchedAt), legacy, { contentType: 'application/gzip' });
  }
  await store.delete(entry.rawKey);
}

/**
 * The daily compaction re-compacts only its last few closed days on its own: a write to any closed day
 * leaves a marker so that day is compacted again too. Marked before the write, so a write that fails
 * after the mark costs one needless re-compaction, never a missed one. Only writes after the day ended
 * pay for it: a GET, and a PUT only for the first write to that day since its last compaction (a backfill
 * of old articles pays one PUT per day, not per article).
 */
async function markClosedDayForCompaction({ store, entry, options }: PendingWrite): Promise<void> {
  const partition = parseArticleKey(entry.articleKey);
  if (partition === null || partition.date >= todayInDatasetZone(options.now ?? new Date())) return;
  const marker = compactionDueKey(partition.source, partition.date);
  if ((await store.get(marker)) === null) await store.put(marker, '{}', { contentType: ARTICLE_CONTENT_TYPE });
}

/** The current version of an article by id, or null when it was never stored. */
export async function readArticle(store: ObjectStore, id: string): Promise<Article | null> {
  const entry = await readIndexEntry(store, id);
  if (entry === null) return null;
  const bytes = await store.get(entry.articleKey);
  return bytes === null ? null : parseStoredArticle(bytes, entry.articleKey);
}
