import { gzipSync } from 'node:zlib';
import { DateTime } from 'luxon';
import { serializeArticle, validateArticle, type Article } from '../schema/article.ts';
import { articleKey, indexKey, rawKey, rawRevisionKey, revisionKey } from './keys.ts';
import { PreconditionFailedError, type ObjectStore, type WriteOutcome } from './types.ts';

/** Where an article lives; written once, when the article is first stored, and never moved. */
export interface ArticleIndexEntry {
  id: string;
  articleKey: string;
  rawKey: string;
}

export interface WriteArticleOptions {
  /**
   * How the earlier version survives an update. 'local-copy' copies it to revisions/ first (any store);
   * 'bucket-versioning' relies on the bucket keeping overwritten versions (S3 with versioning enabled).
   */
  keepRevisions: 'local-copy' | 'bucket-versioning';
}

const ARTICLE_CONTENT_TYPE = 'application/json; charset=utf-8';
const RAW_CONTENT_TYPE = 'application/gzip';
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
    typeof (parsed as ArticleIndexEntry).rawKey !== 'string'
  ) {
    throw new Error(`index entry ${key} is not {id, articleKey, rawKey}`);
  }
  const entry = parsed as ArticleIndexEntry;
  return { id: entry.id, articleKey: entry.articleKey, rawKey: entry.rawKey };
}

async function readIndexEntry(store: ObjectStore, id: string): Promise<ArticleIndexEntry | null> {
  const key = indexKey(id);
  const bytes = await store.get(key);
  return bytes === null ? null : parseIndexEntry(bytes, key);
}

/** The index entry for this article: the existing one, or a new one if this call creates it first. */
async function claimIndexEntry(store: ObjectStore, article: Article): Promise<ArticleIndexEntry> {
  const existing = await readIndexEntry(store, article.id);
  if (existing !== null) return existing;
  const date = partitionDateFor(article);
  const entry: ArticleIndexEntry = {
    id: article.id,
    articleKey: articleKey(article.source.id, date, article.id),
    rawKey: rawKey(article.source.id, date, article.id),
  };
  try {
    await store.put(indexKey(article.id), JSON.stringify(entry), { contentType: ARTICLE_CONTENT_TYPE, ifNoneMatch: true });
    return entry;
  } catch (error) {
    if (!(error instanceof PreconditionFailedError)) throw error;
    // Another writer created it between our read and our put: its key wins.
    const winner = await readIndexEntry(store, article.id);
    if (winner === null) throw new Error(`index entry ${indexKey(article.id)} vanished after a conflicting create`);
    return winner;
  }
}

function parseStoredArticle(bytes: Buffer, key: string): Article {
  try {
    return validateArticle(JSON.parse(bytes.toString('utf8')));
  } catch (error) {
    throw new Error(`stored article ${key} is unreadable: ${(error as Error).message}`);
  }
}

/**
 * Writes an article idempotently. The first store fixes its key (through the index); later writes with
 * the same contentHash write nothing ('unchanged'); changed content overwrites the same key ('updated')
 * after keeping the earlier version. Racing first writes end with exactly one 'stored'.
 */
export async function writeArticle(
  store: ObjectStore,
  article: Article,
  rawHtml: string | Buffer | null,
  options: WriteArticleOptions = { keepRevisions: 'local-copy' },
): Promise<{ outcome: WriteOutcome; key: string }> {
  const line = serializeArticle(article);
  const entry = await claimIndexEntry(store, article);
  const raw = rawHtml === null ? null : gzipSync(rawHtml);

  let existingBytes = await store.get(entry.articleKey);
  if (existingBytes === null) {
    // Raw first, so a stored article always has its page; the conditional put decides who "stored" it.
    if (raw !== null) await store.put(entry.rawKey, raw, { contentType: RAW_CONTENT_TYPE });
    try {
      await store.put(entry.articleKey, line, { contentType: ARTICLE_CONTENT_TYPE, ifNoneMatch: true });
      return { outcome: 'stored', key: entry.articleKey };
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
      existingBytes = await store.get(entry.articleKey);
      if (existingBytes === null) throw new Error(`${entry.articleKey} vanished after a conflicting create`);
    }
  }

  const existing = parseStoredArticle(existingBytes, entry.articleKey);
  if (existing.contentHash === article.contentHash) return { outcome: 'unchanged', key: entry.articleKey };

  if (options.keepRevisions === 'local-copy') {
    await store.put(revisionKey(article.id, existing.contentHash, existing.fetchedAt), existingBytes, {
      contentType: ARTICLE_CONTENT_TYPE,
    });
    const existingRaw = await store.get(entry.rawKey);
    if (existingRaw !== null) {
      await store.put(rawRevisionKey(article.id, existing.contentHash, existing.fetchedAt), existingRaw, {
        contentType: RAW_CONTENT_TYPE,
      });
    }
  }
  if (raw !== null) await store.put(entry.rawKey, raw, { contentType: RAW_CONTENT_TYPE });
  await store.put(entry.articleKey, line, { contentType: ARTICLE_CONTENT_TYPE });
  return { outcome: 'updated', key: entry.articleKey };
}

/** The current version of an article by id, or null when it was never stored. */
export async function readArticle(store: ObjectStore, id: string): Promise<Article | null> {
  const entry = await readIndexEntry(store, id);
  if (entry === null) return null;
  const bytes = await store.get(entry.articleKey);
  return bytes === null ? null : parseStoredArticle(bytes, entry.articleKey);
}
