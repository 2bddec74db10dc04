import { createHash } from 'node:crypto';
import * as z from '../schema/zod.ts';
import { normalizeUrl } from '../normalize/url.ts';
import { feedIdFor, feedStateKey } from '../store/keys.ts';
import type { ObjectStore } from '../store/types.ts';
import type { DiscoveredItem, FeedState } from './types.ts';

export const DEFAULT_SEEN_LIMIT = 2000;

const FeedStateSchema = z.strictObject({
  feedUrl: z.string().check(z.url()),
  etag: z.nullable(z.string()),
  lastModified: z.nullable(z.string()),
  validatorsUrl: z.optional(z.nullable(z.string())),
  lastFetchedAt: z.nullable(z.string()),
  lastTickAt: z.optional(z.nullable(z.string())),
  seen: z.array(z.string()),
  articleIds: z.optional(z.record(z.string(), z.nullable(z.string()))),
});

/** The key an item is deduplicated on: its guid, else its normalized URL. */
export function dedupeKey(item: Pick<DiscoveredItem, 'guid' | 'url'>): string {
  return item.guid ?? normalizeUrl(item.url);
}

const SEEN_FINGERPRINT = /^[0-9a-f]{12}:/;

/**
 * How an item is remembered in `seen`: "<fingerprint>:<dedupe key>", where the fingerprint covers what the
 * feed says about the item (title, date, last change). The same entry in the next fetch means the feed lists
 * the item exactly as before; the same key with another fingerprint means the feed shows a change.
 */
export function seenEntry(item: Pick<DiscoveredItem, 'guid' | 'url' | 'title' | 'publishedAt' | 'updatedMark'>): string {
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([item.title, item.publishedAt, item.updatedMark]))
    .digest('hex')
    .slice(0, 12);
  return `${fingerprint}:${dedupeKey(item)}`;
}

/** The dedupe key of a `seen` entry (entries written before fingerprints existed are bare keys). */
export function keyOfSeenEntry(entry: string): string {
  return SEEN_FINGERPRINT.test(entry) ? entry.slice(13) : entry;
}

/** The stored state of a feed, or a fresh one (nothing seen, no validators) for a feed never fetched. */
export async function loadFeedState(store: ObjectStore, feedUrl: string): Promise<FeedState> {
  const state = await loadFeedStateAt(store, feedStateKey(feedIdFor(feedUrl)));
  return state ?? { feedUrl, etag: null, lastModified: null, lastFetchedAt: null, seen: [] };
}

/** The feed state stored under `key` (a key under state/feeds/), or null when there is none. */
export async function loadFeedStateAt(store: ObjectStore, key: string): Promise<FeedState | null> {
  return (await loadFeedStateVersionAt(store, key))?.state ?? null;
}

/** loadFeedStateAt, with the ETag of the version read (for a save that must not overwrite a newer one). */
export async function loadFeedStateVersionAt(store: ObjectStore, key: string): Promise<{ state: FeedState; etag: string } | null> {
  const object = await store.getWithEtag(key);
  if (object === null) return null;
  return { state: parseFeedState(object.body, key, store), etag: object.etag };
}

function parseFeedState(bytes: Buffer, key: string, store: ObjectStore): FeedState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new Error(`feed state ${key} in ${store.description} is not JSON: ${(error as Error).message}`);
  }
  const result = FeedStateSchema.safeParse(parsed);
  if (!result.success) {
    throw new Error(`feed state ${key} in ${store.description} is invalid: ${z.describeIssues(result.error.issues)}`);
  }
  return result.data;
}

/** `ifMatch`: save only over that version (PreconditionFailedError when the state changed since). */
export async function saveFeedState(store: ObjectStore, state: FeedState, options: { ifMatch?: string } = {}): Promise<void> {
  const valid = FeedStateSchema.parse(state);
  await store.put(feedStateKey(feedIdFor(valid.feedUrl)), JSON.stringify(valid), {
    contentType: 'application/json; charset=utf-8',
    ...(options.ifMatch === undefined ? {} : { ifMatch: options.ifMatch }),
  });
}

/**
 * A new state whose `seen` ends with `entries` (newest last, each once), keeping only the newest `max`.
 * An entry replaces any earlier one with the same dedupe key.
 */
export function rememberSeen(state: FeedState, entries: readonly string[], max: number = DEFAULT_SEEN_LIMIT): FeedState {
  if (!Number.isInteger(max) || max < 0) throw new Error(`rememberSeen: max must be a non-negative integer, got ${max}`);
  const fresh = new Set(entries);
  const freshKeys = new Set([...fresh].map(keyOfSeenEntry));
  const seen = [...state.seen.filter((entry) => !freshKeys.has(keyOfSeenEntry(entry))), ...fresh];
  return withArticleIdsOfSeen({ ...state, seen: max === 0 ? [] : seen.slice(-max) });
}

/** A new state that no longer remembers these dedupe keys, so their items count as new next time. */
export function forgetSeen(state: FeedState, keys: ReadonlySet<string>): FeedState {
  return withArticleIdsOfSeen({ ...state, seen: state.seen.filter((entry) => !keys.has(keyOfSeenEntry(entry))) });
}

/**
 * A new state that records which article each of these seen items is stored as (null: none), by dedupe key.
 * Keys the state does not remember as seen are ignored.
 */
export function recordArticleIds(state: FeedState, ids: ReadonlyMap<string, string | null>): FeedState {
  return withArticleIdsOfSeen({ ...state, articleIds: { ...state.articleIds, ...Object.fromEntries(ids) } });
}

/** articleIds kept for seen items only, so it stays as bounded as `seen`. */
function withArticleIdsOfSeen(state: FeedState): FeedState {
  if (state.articleIds === undefined) return state;
  const recorded = state.articleIds;
  const articleIds: Record<string, string | null> = {};
  for (const key of state.seen.map(keyOfSeenEntry)) {
    if (Object.hasOwn(recorded, key)) articleIds[key] = recorded[key] ?? null;
  }
  return { ...state, articleIds };
}
