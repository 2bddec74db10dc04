import { sha256Hex } from '../schema/ids.ts';
import { normalizeUrl } from '../normalize/url.ts';

/** The key layout (listed in docs/dataset.md), shared by the bucket and ./data. */

const SOURCE_ID = /^[a-z0-9][a-z0-9.-]*$/;
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ARTICLE_ID = /^[0-9a-f]{20}$/;
const CONTENT_HASH = /^[0-9a-f]{64}$/;
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const FEED_ID = /^[a-z0-9][a-z0-9-]*$/;

/** Keys are '/'-separated; a segment may not be empty or start with '.' (that rules out '..' and temp files). */
export function assertValidKey(key: string): void {
  if (key.length === 0) throw new Error('invalid store key: empty');
  if (key.includes('\\') || key.includes('\0')) {
    throw new Error(`invalid store key ${JSON.stringify(key)}: contains a backslash or NUL`);
  }
  for (const segment of key.split('/')) {
    if (segment.length === 0) throw new Error(`invalid store key ${JSON.stringify(key)}: empty path segment`);
    if (segment.startsWith('.')) throw new Error(`invalid store key ${JSON.stringify(key)}: segment starts with '.'`);
  }
}

function check(value: string, pattern: RegExp, what: string): string {
  if (!pattern.test(value)) throw new Error(`invalid ${what} ${JSON.stringify(value)} for a store key (expected ${pattern})`);
  return value;
}

export const ARTICLES_PREFIX = 'articles/v2/';

/**
 * An article's one object, named by its id alone, so any writer finds it with one GET whatever its date
 * or source says now (the dated partitions are built by the compaction, lib/dataset/days.ts). The two-hex
 * shard spreads the keys over 256 prefixes (S3 scales request rates per prefix) and directories (./data).
 */
export function articleKey(id: string): string {
  check(id, ARTICLE_ID, 'article id');
  return `${ARTICLES_PREFIX}${id.slice(0, 2)}/${id}.json`;
}

/** The article id of an `articles/v2/<xx>/<id>.json` key, or null for any other key. */
export function articleIdOfKey(key: string): string | null {
  const match = /^articles\/v2\/([0-9a-f]{2})\/([0-9a-f]{20})\.json$/.exec(key);
  return match !== null && match[2]!.startsWith(match[1]!) ? match[2]! : null;
}

/** Before articles were keyed by id (read only by `news-ingest migrate`, lib/store/migrate.ts). */
export const LEGACY_ARTICLES_PREFIX = 'articles/v1/';
export const LEGACY_INDEX_PREFIX = 'state/index/';

export function legacyIndexKey(id: string): string {
  check(id, ARTICLE_ID, 'article id');
  return `${LEGACY_INDEX_PREFIX}${id.slice(0, 2)}/${id}.json`;
}

export const RAW_BATCH_PREFIX = 'raw/batches/';
const BATCH_ID = /^[0-9A-Za-z][0-9A-Za-z-]*$/;

/** A batch of raw pages (lib/store/raw-pages.ts), under the day it was written. */
export function rawBatchKey(localDate: string, batchId: string): string {
  return `${RAW_BATCH_PREFIX}date=${check(localDate, LOCAL_DATE, 'date')}/${check(batchId, BATCH_ID, 'batch id')}.pages`;
}

export const FEED_STATE_PREFIX = 'state/feeds/';

export function feedStateKey(feedId: string): string {
  return `${FEED_STATE_PREFIX}${check(feedId, FEED_ID, 'feed id')}.json`;
}

export const COMPACTION_DUE_PREFIX = 'state/compaction-due/';

/**
 * Marks a day of a source that an article left (an update moved its date), so the compaction rewrites that
 * day's part without it however far back it is (lib/dataset/days.ts).
 */
export function compactionDueKey(sourceId: string, localDate: string): string {
  return `${COMPACTION_DUE_PREFIX}source=${check(sourceId, SOURCE_ID, 'source id')}/date=${check(localDate, LOCAL_DATE, 'date')}.json`;
}

/** The time from which the compaction next looks for changed articles (lib/dataset/days.ts). */
export const COMPACTION_WATERMARK_KEY = 'state/compaction/watermark.json';

export function runKey(localDate: string, runId: string): string {
  return `runs/${check(localDate, LOCAL_DATE, 'date')}/${check(runId, RUN_ID, 'run id')}.json`;
}

/**
 * An earlier version of an article, named by the time it was fetched and its content hash.
 * The time is ISO 8601 basic format (20260905T151701.000Z): no ':' so the key is a valid file name everywhere.
 */
export function revisionKey(id: string, contentHash: string, fetchedAt: string): string {
  const time = new Date(fetchedAt);
  if (Number.isNaN(time.getTime())) throw new Error(`invalid fetchedAt ${JSON.stringify(fetchedAt)} for a revision key`);
  const basic = time.toISOString().replace(/[-:]/g, '');
  return `revisions/${check(id, ARTICLE_ID, 'article id')}/${basic}-${check(contentHash, CONTENT_HASH, 'content hash').slice(0, 8)}.json`;
}

const SLUG_MAX_LENGTH = 60;

/** A readable, stable feed id: slug of host and path plus a short hash of the normalized URL. */
export function feedIdFor(feedUrl: string): string {
  const normalized = normalizeUrl(feedUrl);
  const url = new URL(normalized);
  const slug = `${url.hostname.replace(/^www\./, '')}${url.pathname}${url.search}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX_LENGTH)
    .replace(/-+$/, '');
  return `${slug || 'feed'}-${sha256Hex(normalized).slice(0, 8)}`;
}
