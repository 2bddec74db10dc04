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

export function articleKey(sourceId: string, localDate: string, id: string): string {
  return `articles/v1/source=${check(sourceId, SOURCE_ID, 'source id')}/date=${check(localDate, LOCAL_DATE, 'date')}/${check(id, ARTICLE_ID, 'article id')}.json`;
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
 * Marks a closed day of a source whose articles changed after the day closed, so the daily compaction
 * re-compacts it however far back it is.
 */
export function compactionDueKey(sourceId: string, localDate: string): string {
  return `${COMPACTION_DUE_PREFIX}source=${check(sourceId, SOURCE_ID, 'source id')}/date=${check(localDate, LOCAL_DATE, 'date')}.json`;
}

export function runKey(localDate: string, runId: string): string {
  return `runs/${check(localDate, LOCAL_DATE, 'date')}/${check(runId, RUN_ID, 'run id')}.json`;
}

/** The small index keyed by id that records where an article was first stored. */
export function indexKey(id: string): string {
  check(id, ARTICLE_ID, 'article id');
  return `state/index/${id.slice(0, 2)}/${id}.json`;
}

/**
 * An earlier version of an article, named by the time it was fetched and its content hash.
 * The time is ISO 8601 basic format (20260905T151701.000Z): no ':' so the key is a valid file name everywhere.
 */
export function revisionKey(id: string, contentHash: string, fetchedAt: string): string {
  return `${revisionStem(id, contentHash, fetchedAt)}.json`;
}

/** The raw page that went with the revision of the same name. */
export function rawRevisionKey(id: string, contentHash: string, fetchedAt: string): string {
  return `${revisionStem(id, contentHash, fetchedAt)}.html.gz`;
}

function revisionStem(id: string, contentHash: string, fetchedAt: string): string {
  const time = new Date(fetchedAt);
  if (Number.isNaN(time.getTime())) throw new Error(`invalid fetchedAt ${JSON.stringify(fetchedAt)} for a revision key`);
  const basic = time.toISOString().replace(/[-:]/g, '');
  return `revisions/${check(id, ARTICLE_ID, 'article id')}/${basic}-${check(contentHash, CONTENT_HASH, 'content hash').slice(0, 8)}`;
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
