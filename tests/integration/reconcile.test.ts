import { beforeEach, describe, expect, it } from 'vitest';
import { handler as reconcileHandler } from '../../functions/reconcile.ts';
import { loadFeedState, recordArticleIds, saveFeedState } from '../../lib/feeds/state.ts';
import type { FeedState } from '../../lib/feeds/types.ts';
import { reconcileFeedStates, UnmigratedStoreError } from '../../lib/pipeline/reconcile.ts';
import { articleKey } from '../../lib/store/keys.ts';
import { S3ObjectStore } from '../../lib/store/s3.ts';
import type { ObjectStore } from '../../lib/store/types.ts';
import { forwardingStore } from '../helpers/forwarding-store.ts';
import { createTestBucket, testS3Client } from '../helpers/moto.ts';
import { useTestStores } from '../helpers/test-stores.ts';

/** reconcileFeedStates on both stores: seen means "the store holds its article", checked from one listing. */

const stores = useTestStores('reconcile');


const FEED = 'https://vnexpress.net/rss/thoi-su.rss';
const OTHER_FEED = 'https://vnexpress.net/rss/the-gioi.rss';
const KEPT = '1'.repeat(20);
const GONE = '2'.repeat(20);

function feedState(feedUrl: string, ids: Array<[string, string | null]>): FeedState {
  const fresh: FeedState = { feedUrl, etag: '"v1"', lastModified: 'Sat, 05 Sep 2026 10:00:00 GMT', lastFetchedAt: null, seen: ids.map(([key]) => `000000000000:${key}`) };
  return recordArticleIds(fresh, new Map(ids));
}

describe.each(stores.implementations)('reconcileFeedStates: %s', (_name, makeStore) => {
  let store: ObjectStore;
  beforeEach(async () => {
    store = await makeStore();
  });

  it('forgets seen items whose article is gone and drops the validators of their feed; keeps the rest as it was', async () => {
    await store.put(articleKey(KEPT), '{}');
    await saveFeedState(store, feedState(FEED, [['kept', KEPT], ['gone', GONE], ['not-an-article', null]]));
    const untouched = feedState(OTHER_FEED, [['kept', KEPT]]);
    await saveFeedState(store, untouched);
    // Written before article ids were recorded: nothing to check it against, left alone.
    const legacy: FeedState = { feedUrl: 'https://tuoitre.vn/rss/tin-moi-nhat.rss', etag: '"x"', lastModified: null, lastFetchedAt: null, seen: ['old'] };
    await saveFeedState(store, legacy);

    const result = await reconcileFeedStates(store);
    expect(result).toEqual({ articlesInStore: 1, feedStates: 3, feedStatesHealed: 1, itemsForgotten: 1, feedStatesChangedMeanwhile: 0 });
    const healed = await loadFeedState(store, FEED);
    expect(healed.seen).toEqual(['000000000000:kept', '000000000000:not-an-article']);
    expect(healed.articleIds).toEqual({ kept: KEPT, 'not-an-article': null });
    expect(healed).toMatchObject({ etag: null, lastModified: null });
    expect(await loadFeedState(store, OTHER_FEED)).toEqual(untouched);
    expect(await loadFeedState(store, legacy.feedUrl)).toEqual(legacy);

    // Nothing left to heal: a second pass writes nothing.
    expect(await reconcileFeedStates(store)).toMatchObject({ feedStatesHealed: 0, itemsForgotten: 0 });
  });

  it('refuses a store that still holds articles in the layout before ids, instead of forgetting every item stored there', async () => {
    await store.put(`articles/v1/source=vnexpress/date=2026-09-05/${KEPT}.json`, '{}');
    const state = feedState(FEED, [['kept', KEPT]]);
    await saveFeedState(store, state);
    await expect(reconcileFeedStates(store)).rejects.toThrow(UnmigratedStoreError);
    await expect(reconcileFeedStates(store)).rejects.toThrow('run `news-ingest migrate` on it first');
    expect(await loadFeedState(store, FEED)).toEqual(state);
  });

  it('does not undo a feed state a fetch saved while it was being checked; the next pass checks the new one', async () => {
    await saveFeedState(store, feedState(FEED, [['gone', GONE]]));
    // The fetch's state: it saw another item since (and still remembers the gone one).
    const fetched = feedState(FEED, [['gone', GONE], ['new', KEPT]]);
    let fetchSaved = false;
    const racing = forwardingStore(store, {
      put: async (key, body, options) => {
        if (key.startsWith('state/feeds/') && !fetchSaved) {
          fetchSaved = true;
          await saveFeedState(store, fetched);
        }
        return store.put(key, body, options);
      },
    });
    expect(await reconcileFeedStates(racing)).toMatchObject({ feedStatesHealed: 0, feedStatesChangedMeanwhile: 1 });
    expect(await loadFeedState(store, FEED)).toEqual(fetched);

    expect(await reconcileFeedStates(store)).toMatchObject({ feedStatesHealed: 1, itemsForgotten: 2, feedStatesChangedMeanwhile: 0 });
  });
});

describe('the reconciliation Lambda', () => {
  it('heals the feed states of the bucket named in its environment', async () => {
    const bucket = 'reconcile-lambda';
    await createTestBucket(stores.moto().endpoint, bucket);
    const store = new S3ObjectStore({ bucket, client: testS3Client(stores.moto().endpoint) });
    await saveFeedState(store, feedState(FEED, [['gone', GONE]]));
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: 'us-east-1',
      NEWS_INGEST_BUCKET: bucket,
      AWS_ENDPOINT_URL_S3: stores.moto().endpoint,
    });
    try {
      expect(await reconcileHandler()).toEqual({ articlesInStore: 0, feedStates: 1, feedStatesHealed: 1, itemsForgotten: 1, feedStatesChangedMeanwhile: 0 });
      expect((await loadFeedState(store, FEED)).seen).toEqual([]);
    } finally {
      process.env = saved;
    }
  });
});
