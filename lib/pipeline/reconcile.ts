import { forgetSeen, keyOfSeenEntry, loadFeedStateVersionAt, saveFeedState } from '../feeds/state.ts';
import { ARTICLES_PREFIX, articleIdOfKey, FEED_STATE_PREFIX, LEGACY_ARTICLES_PREFIX } from '../store/keys.ts';
import { PreconditionFailedError, type ObjectStore } from '../store/types.ts';
import type { PipelineLogger } from './types.ts';

export interface ReconcileResult {
  /** Article objects the listing found. */
  articlesInStore: number;
  feedStates: number;
  /** Feed states rewritten because they remembered articles the store no longer holds. */
  feedStatesHealed: number;
  /** Seen items forgotten, so that the next fetch of their feed takes them as new. */
  itemsForgotten: number;
  /** Feed states a fetch saved while they were being checked: left as the fetch wrote them, checked next time. */
  feedStatesChangedMeanwhile: number;
}

/**
 * Makes every feed state remember as seen only items whose article the store still holds: an item seen
 * and stored, whose article has since gone (a wiped or restored bucket, a deletion, a lost write after the
 * state was saved), is forgotten, and its feed's ETag and Last-Modified are dropped so the next fetch reads
 * the feed in full and stores the article again. Items that ended without an article (null) stay seen.
 *
 * Cheap at any size: one listing of articles/v2/ (1 LIST per 1,000 articles in S3) and one GET per feed
 * state, never a request per seen item. The local runner calls it at the start of every run; in the cloud
 * a daily schedule does (functions/reconcile.ts). A store that still holds articles in the layout before
 * articles were keyed by id is refused: it would forget every item stored there (run `news-ingest migrate`).
 */
export async function reconcileFeedStates(store: ObjectStore, logger?: PipelineLogger): Promise<ReconcileResult> {
  await refuseUnmigratedStore(store);
  const stored = new Set<string>();
  for await (const key of store.list(ARTICLES_PREFIX)) {
    const id = articleIdOfKey(key);
    if (id !== null) stored.add(id);
  }
  const result: ReconcileResult = {
    articlesInStore: stored.size,
    feedStates: 0,
    feedStatesHealed: 0,
    itemsForgotten: 0,
    feedStatesChangedMeanwhile: 0,
  };
  for await (const key of store.list(FEED_STATE_PREFIX)) {
    const version = await loadFeedStateVersionAt(store, key);
    if (version === null) continue;
    const { state } = version;
    result.feedStates += 1;
    const gone = new Set<string>();
    for (const itemKey of state.seen.map(keyOfSeenEntry)) {
      const id = state.articleIds?.[itemKey];
      if (typeof id === 'string' && !stored.has(id)) gone.add(itemKey);
    }
    if (gone.size === 0) continue;
    try {
      // Conditional: a fetch that saved this state meanwhile (the cloud polls while this runs) is not undone.
      await saveFeedState(store, { ...forgetSeen(state, gone), etag: null, lastModified: null }, { ifMatch: version.etag });
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
      result.feedStatesChangedMeanwhile += 1;
      continue;
    }
    result.feedStatesHealed += 1;
    result.itemsForgotten += gone.size;
    logger?.warn('feed state remembered articles the store no longer holds; they will be fetched again', {
      feedUrl: state.feedUrl,
      forgotten: gone.size,
    });
  }
  return result;
}

export class UnmigratedStoreError extends Error {
  override readonly name = 'UnmigratedStoreError';
}

async function refuseUnmigratedStore(store: ObjectStore): Promise<void> {
  for await (const key of store.list(LEGACY_ARTICLES_PREFIX)) {
    throw new UnmigratedStoreError(
      `${store.description} still holds articles under ${LEGACY_ARTICLES_PREFIX} (e.g. ${key}), the layout before articles were keyed by id: run \`news-ingest migrate\` on it first`,
    );
  }
}
