import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  dedupeKey,
  forgetSeen,
  keyOfSeenEntry,
  loadFeedState,
  recordArticleIds,
  rememberSeen,
  saveFeedState,
  seenEntry,
} from '../../lib/feeds/state.ts';
import type { FeedState } from '../../lib/feeds/types.ts';
import { feedIdFor, feedStateKey } from '../../lib/store/keys.ts';
import { LocalDirectoryStore } from '../../lib/store/local.ts';

const tempDirs: string[] = [];
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempStore(): Promise<LocalDirectoryStore> {
  const dir = await mkdtemp(join(tmpdir(), 'feed-state-'));
  tempDirs.push(dir);
  return new LocalDirectoryStore(dir);
}

const FEED = 'https://vnexpress.net/rss/thoi-su.rss';

function state(seen: string[]): FeedState {
  return { feedUrl: FEED, etag: null, lastModified: null, lastFetchedAt: null, seen };
}

describe('dedupeKey', () => {
  it('is the guid when there is one, else the normalized URL', () => {
    expect(dedupeKey({ guid: 'vnn-2495100', url: 'https://vietnamnet.vn/a-2495100.html' })).toBe('vnn-2495100');
    expect(dedupeKey({ guid: null, url: 'https://Tuoitre.VN/a-1.htm?utm_source=rss#top' })).toBe('https://tuoitre.vn/a-1.htm');
  });
});

describe('rememberSeen', () => {
  it('appends new keys newest last, moves re-seen keys to the end, and keeps each key once', () => {
    const next = rememberSeen(state(['a', 'b', 'c']), ['b', 'd', 'd']);
    expect(next.seen).toEqual(['a', 'c', 'b', 'd']);
  });

  it('keeps only the newest max keys', () => {
    const keys = Array.from({ length: 2500 }, (_, index) => `k${index}`);
    const next = rememberSeen(state([]), keys);
    expect(next.seen).toHaveLength(2000);
    expect(next.seen[0]).toBe('k500');
    expect(next.seen.at(-1)).toBe('k2499');
    expect(rememberSeen(state(['old1', 'old2']), ['new'], 2).seen).toEqual(['old2', 'new']);
  });

  it('does not change the state it was given', () => {
    const original = state(['a']);
    rememberSeen(original, ['b']);
    expect(original.seen).toEqual(['a']);
  });
});

describe('seenEntry', () => {
  const item = {
    guid: null,
    url: 'https://tuoitre.vn/a-1.htm',
    title: 'Giá hoa tăng mạnh',
    publishedAt: '2026-03-07T08:01:00+07:00',
    updatedMark: null,
  };

  it('is the same for the same feed entry and differs when its title, date or last-change mark differs', () => {
    expect(seenEntry(item)).toBe(seenEntry({ ...item }));
    expect(seenEntry({ ...item, title: 'Giá hoa tăng mạnh (cập nhật)' })).not.toBe(seenEntry(item));
    expect(seenEntry({ ...item, publishedAt: '2026-03-07T09:00:00+07:00' })).not.toBe(seenEntry(item));
    expect(seenEntry({ ...item, updatedMark: '2026-03-07T10:00:00+07:00' })).not.toBe(seenEntry(item));
  });

  it('carries the dedupe key, and bare keys from older states read as themselves', () => {
    expect(keyOfSeenEntry(seenEntry(item))).toBe('https://tuoitre.vn/a-1.htm');
    expect(keyOfSeenEntry(seenEntry({ ...item, guid: 'tt-1' }))).toBe('tt-1');
    expect(keyOfSeenEntry('vnn-2495100')).toBe('vnn-2495100');
  });

  it('replaces the earlier entry of the same item when remembered, and can be forgotten by key', () => {
    const old = seenEntry(item);
    const revised = seenEntry({ ...item, title: 'Giá hoa tăng mạnh (cập nhật)' });
    const next = rememberSeen(state(['x', old]), [revised]);
    expect(next.seen).toEqual(['x', revised]);
    expect(forgetSeen(next, new Set(['https://tuoitre.vn/a-1.htm'])).seen).toEqual(['x']);
  });
});

describe('recordArticleIds', () => {
  const ID_A = 'a'.repeat(20);
  const ID_B = 'b'.repeat(20);

  it('records the article of seen items only, and keeps it only while the item is remembered', () => {
    const recorded = recordArticleIds(state(['a', 'b']), new Map([['a', ID_A], ['b', null], ['never-seen', ID_B]]));
    expect(recorded.articleIds).toEqual({ a: ID_A, b: null });
    expect(forgetSeen(recorded, new Set(['a'])).articleIds).toEqual({ b: null });
    expect(rememberSeen(recorded, ['c'], 2).articleIds).toEqual({ b: null });
    // A re-listed item keeps what it was stored as; a later record replaces it.
    expect(rememberSeen(recorded, [`${'9'.repeat(12)}:a`]).articleIds).toEqual({ a: ID_A, b: null });
    expect(recordArticleIds(recorded, new Map([['a', ID_B]])).articleIds).toEqual({ a: ID_B, b: null });
  });

  it('is saved and read back; states written before it existed still load', async () => {
    const store = await tempStore();
    const recorded = recordArticleIds(state(['a']), new Map([['a', ID_A]]));
    await saveFeedState(store, recorded);
    expect(await loadFeedState(store, FEED)).toEqual(recorded);
    await saveFeedState(store, state(['a']));
    expect((await loadFeedState(store, FEED)).articleIds).toBeUndefined();
  });
});

describe('loadFeedState / saveFeedState', () => {
  it('gives a fresh state for a feed never seen, and reads back what was saved at state/feeds/<feedId>.json', async () => {
    const store = await tempStore();
    expect(await loadFeedState(store, FEED)).toEqual(state([]));
    const saved: FeedState = {
      feedUrl: FEED,
      etag: '"5f3a-1c"',
      lastModified: 'Sat, 07 Mar 2026 01:30:12 GMT',
      lastFetchedAt: '2026-03-07T01:31:00.000Z',
      seen: ['https://vnexpress.net/a-5047363.html'],
    };
    await saveFeedState(store, saved);
    expect(await loadFeedState(store, FEED)).toEqual(saved);
    const key = feedStateKey(feedIdFor(FEED));
    expect(key).toMatch(/^state\/feeds\/vnexpress-net-rss-thoi-su-rss-[0-9a-f]{8}\.json$/);
    expect(JSON.parse((await store.get(key))!.toString('utf8'))).toEqual(saved);
  });

  it('finds the same state for the same feed written with tracking parameters or another host case', async () => {
    const store = await tempStore();
    await saveFeedState(store, { ...state(['x']), etag: '"e1"' });
    expect((await loadFeedState(store, 'https://VNEXPRESS.net/rss/thoi-su.rss?utm_source=x')).etag).toBe('"e1"');
  });

  it('names the key of a corrupt or invalid state file', async () => {
    const store = await tempStore();
    const key = feedStateKey(feedIdFor(FEED));
    await store.put(key, '{"feedUrl": ');
    await expect(loadFeedState(store, FEED)).rejects.toThrow(`feed state ${key} in ${store.description} is not JSON`);
    await store.put(key, JSON.stringify({ feedUrl: FEED, etag: 5, lastModified: null, lastFetchedAt: null, seen: [] }));
    await expect(loadFeedState(store, FEED)).rejects.toThrow(/is invalid: etag: /);
  });
});

describe('feedIdFor', () => {
  it('is a readable slug plus a short hash, different for different feeds on one site', () => {
    expect(feedIdFor('https://baodanang.vn/rss/home.rss')).toMatch(/^baodanang-vn-rss-home-rss-[0-9a-f]{8}$/);
    expect(feedIdFor('https://baodanang.vn/rss/home.rss')).not.toBe(feedIdFor('https://baodanang.vn/rss/xa-hoi.rss'));
    expect(feedIdFor('https://www.baodanang.vn/sitemap-news.xml')).toMatch(/^baodanang-vn-sitemap-news-xml-[0-9a-f]{8}$/);
  });
});
