import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { articleIdFor } from '../../lib/schema/ids.ts';
import { partitionDateFor, readArticle, writeArticle } from '../../lib/store/articles.ts';
import { articleKey } from '../../lib/store/keys.ts';
import type { ObjectStore } from '../../lib/store/types.ts';
import { forwardingStore } from '../helpers/forwarding-store.ts';
import { testS3Client } from '../helpers/moto.ts';
import { useTestStores } from '../helpers/test-stores.ts';
import { rawPageOf, storedRawPages } from '../helpers/raw-pages.ts';
import { makeArticle } from '../helpers/sample-article.ts';

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of iterable) keys.push(key);
  return keys;
}

const RAW_HTML = '<html><body><h1>Khai mạc kỳ họp</h1></body></html>';
const CHANGED_BODY = {
  paragraphs: ['Sáng 18-10, HĐND thành phố khai mạc kỳ họp thứ nhất (cập nhật).'],
  text: 'Sáng 18-10, HĐND thành phố khai mạc kỳ họp thứ nhất (cập nhật).',
  wordCount: 12,
};

const testStores = useTestStores('articles');
const localStore = () => testStores.local();
const s3Store = (versioning: boolean) => testStores.s3({ versioning });

async function versionCount(bucket: string, prefix: string): Promise<number> {
  const response = await testS3Client(testStores.moto().endpoint).send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix }));
  return response.Versions?.length ?? 0;
}

const BATCH_KEY = /^raw\/batches\/date=\d{4}-\d{2}-\d{2}\/[0-9A-Za-z-]+\.pages$/;

/**
 * The store, except that the first put of a key `holds` matches waits until open(): a writer stopped at a
 * chosen point, so a race is played out in a fixed order instead of by timing.
 */
class WriteGate {
  readonly store: ObjectStore;
  /** Resolves when the held put has arrived. */
  readonly reached: Promise<void>;
  private release = (): void => undefined;
  private arrived = (): void => undefined;

  constructor(inner: ObjectStore, holds: (key: string) => boolean) {
    const released = new Promise<void>((resolve) => (this.release = resolve));
    this.reached = new Promise<void>((resolve) => (this.arrived = resolve));
    let held = false;
    this.store = forwardingStore(inner, {
      put: async (key, body, options) => {
        if (!held && holds(key)) {
          held = true;
          this.arrived();
          await released;
        }
        return inner.put(key, body, options);
      },
    });
  }

  open(): void {
    this.release();
  }
}

/** `racingCreatesAreAtomic`: see store-contract.test.ts (moto checks If-None-Match and writes in two steps). */
const stores: Array<[string, () => Promise<ObjectStore>, { racingCreatesAreAtomic: boolean }]> = [
  ['LocalDirectoryStore', async () => (await localStore()).store, { racingCreatesAreAtomic: true }],
  ['S3ObjectStore on moto_server', async () => (await s3Store(false)).store, { racingCreatesAreAtomic: false }],
];

describe.each(stores)('writeArticle on %s', (_name, makeStore, { racingCreatesAreAtomic }) => {
  it('stores a new article as one JSON line under the key its id names, with the raw page gzipped in a batch', async () => {
    const store = await makeStore();
    const article = makeArticle();
    const result = await writeArticle(store, article, RAW_HTML);
    const key = `articles/v2/${article.id.slice(0, 2)}/${article.id}.json`;
    expect(result).toEqual({ outcome: 'stored', key });
    const text = (await store.get(key))!.toString('utf8');
    expect(text.split('\n')).toHaveLength(1);
    expect(JSON.parse(text)).toEqual(article);
    const batches = await collect(store.list('raw/'));
    expect(batches).toEqual([expect.stringMatching(BATCH_KEY)]);
    expect(await storedRawPages(store)).toEqual([
      { batchKey: batches[0], id: article.id, date: '2024-10-18', fetchedAt: article.fetchedAt, html: RAW_HTML },
    ]);
    expect(await readArticle(store, article.id)).toEqual(article);
    expect(await readArticle(store, articleIdFor('https://baodanang.vn/never-stored-1.html'))).toBeNull();
  });

  it('a new article costs one GET and one PUT of its own (the article) and its page in a batch; a re-check one GET', async () => {
    const inner = await makeStore();
    const requests: string[] = [];
    const counted = forwardingStore(inner, {
      get: (key) => (requests.push(`GET ${key.split('/')[0]}`), inner.get(key)),
      getWithEtag: (key) => (requests.push(`GET ${key.split('/')[0]}`), inner.getWithEtag(key)),
      put: (key, body, options) => (requests.push(`PUT ${key.split('/')[0]}`), inner.put(key, body, options)),
    });
    const article = makeArticle();
    expect((await writeArticle(counted, article, RAW_HTML)).outcome).toBe('stored');
    expect(requests).toEqual(['GET articles', 'PUT raw', 'PUT articles']);
    requests.length = 0;
    expect((await writeArticle(counted, article, RAW_HTML)).outcome).toBe('unchanged');
    expect(requests).toEqual(['GET articles']);
  });

  it('writes nothing at all for the same contentHash', async () => {
    const store = await makeStore();
    const article = makeArticle();
    await writeArticle(store, article, RAW_HTML);
    const before = await collect(store.list(''));
    const refetched = makeArticle({ fetchedAt: '2024-10-20T01:00:00.000Z' });
    expect(await writeArticle(store, refetched, '<html>re-fetched page bytes</html>')).toEqual({
      outcome: 'unchanged',
      key: articleKey(article.id),
    });
    expect(await collect(store.list(''))).toEqual(before);
    expect(await readArticle(store, article.id)).toEqual(article);
  });

  it('updates changed content at the same key when publishedAt moved to another day, keeping the earlier version and marking the day it left', async () => {
    const store = await makeStore();
    const first = makeArticle();
    const stored = await writeArticle(store, first, RAW_HTML);
    const changed = makeArticle({
      body: CHANGED_BODY,
      publishedAt: '2024-10-21T08:00:00+07:00',
      publishedAtUtc: '2024-10-21T01:00:00.000Z',
      fetchedAt: '2024-10-21T02:00:00.000Z',
    });
    expect(changed.contentHash).not.toBe(first.contentHash);
    const result = await writeArticle(store, changed, '<html>v2</html>');
    expect(result).toEqual({ outcome: 'updated', key: stored.key });
    expect(await collect(store.list('articles/'))).toEqual([stored.key]);
    expect(await readArticle(store, first.id)).toEqual(changed);

    const revisions = await collect(store.list(`revisions/${first.id}/`));
    const stem = `revisions/${first.id}/20241018T130000.000Z-${first.contentHash.slice(0, 8)}`;
    expect(revisions).toEqual([`${stem}.json`]);
    expect(JSON.parse((await store.get(`${stem}.json`))!.toString('utf8'))).toEqual(first);
    // Each page stays in its own batch, filed under its article's day.
    expect(await rawPageOf(store, changed)).toBe('<html>v2</html>');
    expect(await rawPageOf(store, first)).toBe(RAW_HTML);
    expect((await storedRawPages(store)).map((page) => page.date).sort()).toEqual(['2024-10-18', '2024-10-21']);
    // The compaction learns the day the article joined from the article; the day it left, from this marker.
    expect(await collect(store.list('state/'))).toEqual(['state/compaction-due/source=baodanang/date=2024-10-18.json']);
  });

  it('partitions an article without publishedAt by its fetch date in Vietnam', async () => {
    const store = await makeStore();
    // 20:30 UTC on the 18th is 03:30 on the 19th in Asia/Ho_Chi_Minh.
    const article = makeArticle({
      publishedAt: null,
      publishedAtUtc: null,
      fetchedAt: '2024-10-18T20:30:00.000Z',
      missing: ['publishedAt', 'updatedAt'],
    });
    expect(partitionDateFor(article)).toBe('2024-10-19');
    const result = await writeArticle(store, article, null);
    expect(result).toEqual({ outcome: 'stored', key: articleKey(article.id) });
    expect(await collect(store.list('raw/'))).toEqual([]);
  });

  it.runIf(racingCreatesAreAtomic)('keeps one copy when two workers race to create the same article', async () => {
    const store = await makeStore();
    for (let round = 0; round < 5; round += 1) {
      const url = `https://baodanang.vn/bai-viet-dua-nhau-${round}-3300100.html`;
      const same = makeArticle({ url, canonicalUrl: url });
      const sameOutcomes = await Promise.all([writeArticle(store, same, RAW_HTML), writeArticle(store, same, RAW_HTML)]);
      expect(sameOutcomes.map((result) => result.outcome).sort()).toEqual(['stored', 'unchanged']);

      const otherUrl = `https://baodanang.vn/bai-viet-khac-nhau-${round}-3300200.html`;
      const v1 = makeArticle({ url: otherUrl, canonicalUrl: otherUrl });
      const v2 = makeArticle({
        url: otherUrl,
        canonicalUrl: otherUrl,
        body: CHANGED_BODY,
        publishedAt: '2024-10-22T08:00:00+07:00',
        publishedAtUtc: '2024-10-22T01:00:00.000Z',
      });
      const differentOutcomes = await Promise.all([writeArticle(store, v1, RAW_HTML), writeArticle(store, v2, RAW_HTML)]);
      expect(differentOutcomes.map((result) => result.outcome).sort()).toEqual(['stored', 'updated']);
      expect(differentOutcomes[0]!.key).toBe(differentOutcomes[1]!.key);
    }
    const articleKeys = await collect(store.list('articles/'));
    expect(articleKeys).toHaveLength(10);
    expect(new Set(articleKeys.map((key) => key.split('/').pop())).size).toBe(10);
  });

  it('does not replace stored content with content fetched before it (a late retry, a re-extraction of an older page)', async () => {
    const store = await makeStore();
    const newer = makeArticle({ body: CHANGED_BODY, fetchedAt: '2024-10-19T02:00:00.000Z' });
    const { key } = await writeArticle(store, newer, '<html>newer</html>');
    const older = makeArticle({ fetchedAt: '2024-10-18T13:00:00.000Z' });
    expect(await writeArticle(store, older, '<html>older</html>')).toEqual({ outcome: 'unchanged', key });
    expect(await readArticle(store, newer.id)).toEqual(newer);
    // Nothing to store for the older fetch: its page is not kept either.
    expect((await storedRawPages(store)).map((page) => page.html)).toEqual(['<html>newer</html>']);
    expect(await collect(store.list('revisions/'))).toEqual([]);
  });

  it('an update that read the article before another writer replaced it reads again: newer content is never replaced by older', async () => {
    const inner = await makeStore();
    const v1 = makeArticle({ fetchedAt: '2024-10-18T13:00:00.000Z' });
    const { key } = await writeArticle(inner, v1, '<html>v1</html>');
    const v2 = makeArticle({ body: CHANGED_BODY, fetchedAt: '2024-10-19T02:00:00.000Z' });
    const v3 = makeArticle({ title: 'Bế mạc kỳ họp', fetchedAt: '2024-10-20T02:00:00.000Z' });

    // The v2 writer stops just before its article write; v3 is written in full meanwhile; then v2 goes on.
    const gate = new WriteGate(inner, (putKey) => putKey === key);
    const slow = writeArticle(gate.store, v2, '<html>v2</html>');
    await gate.reached;
    expect(await writeArticle(inner, v3, '<html>v3</html>')).toEqual({ outcome: 'updated', key });
    gate.open();
    expect(await slow).toEqual({ outcome: 'unchanged', key });

    expect(await readArticle(inner, v1.id)).toEqual(v3);
    // v2 stored its page before losing the article write; the stored article still goes with v3's page.
    expect(await rawPageOf(inner, v3)).toBe('<html>v3</html>');
  });

  it("the loser of a create race never has its page taken for the winner's article", async () => {
    const inner = await makeStore();
    const early = makeArticle({ fetchedAt: '2024-10-18T13:00:00.000Z' });
    const late = makeArticle({ fetchedAt: '2024-10-18T13:05:00.000Z' });
    // The early writer has stored its page and stops before its article; the late one creates the article meanwhile.
    const gate = new WriteGate(inner, (putKey) => putKey === articleKey(early.id));
    const held = writeArticle(gate.store, early, '<html>early fetch</html>');
    await gate.reached;
    expect(await writeArticle(inner, late, '<html>late fetch</html>')).toMatchObject({ outcome: 'stored' });
    gate.open();
    expect(await held).toMatchObject({ outcome: 'unchanged' });
    expect(await readArticle(inner, early.id)).toEqual(late);
    // Both pages are kept, never overwritten; the article's page is the one of its own fetch.
    expect(await rawPageOf(inner, late)).toBe('<html>late fetch</html>');
    expect(await rawPageOf(inner, early)).toBe('<html>early fetch</html>');
  });

  it('rejects an article that does not match the schema before writing anything', async () => {
    const store = await makeStore();
    const broken = { ...makeArticle(), title: '' };
    await expect(writeArticle(store, broken, RAW_HTML)).rejects.toThrow(/article does not match schema v1: title/);
    expect(await collect(store.list(''))).toEqual([]);
  });
});

describe('writeArticle on a local directory', () => {
  it('leaves the stored file untouched (same mtime) for unchanged content', async () => {
    const { store, dir } = await localStore();
    const article = makeArticle();
    const { key } = await writeArticle(store, article, RAW_HTML);
    const before = await stat(join(dir, key));
    expect((await writeArticle(store, article, RAW_HTML)).outcome).toBe('unchanged');
    const after = await stat(join(dir, key));
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(after.ino).toBe(before.ino);
  });

  it('names the stored article that is not JSON instead of writing past it', async () => {
    const { store } = await localStore();
    const article = makeArticle();
    await store.put(articleKey(article.id), '{"id": "', { contentType: 'application/json' });
    await expect(writeArticle(store, article, RAW_HTML)).rejects.toThrow(`stored article ${articleKey(article.id)} is unreadable: `);
    expect(await collect(store.list(''))).toEqual([articleKey(article.id)]);
  });
});

describe('writeArticle on a versioned S3 bucket', () => {
  it("with 'bucket-versioning', an update keeps the earlier version as an object version and writes no revisions/ copy", async () => {
    const { store, bucket } = await s3Store(true);
    const first = makeArticle();
    const { key } = await writeArticle(store, first, RAW_HTML, { keepRevisions: 'bucket-versioning' });
    expect(await versionCount(bucket, key)).toBe(1);

    expect((await writeArticle(store, first, RAW_HTML, { keepRevisions: 'bucket-versioning' })).outcome).toBe('unchanged');
    // The page and the article; nothing more.
    expect(await versionCount(bucket, '')).toBe(2);

    const changed = makeArticle({ body: CHANGED_BODY });
    expect(await writeArticle(store, changed, RAW_HTML, { keepRevisions: 'bucket-versioning' })).toEqual({
      outcome: 'updated',
      key,
    });
    expect(await versionCount(bucket, key)).toBe(2);
    expect(await collect(store.list('revisions/'))).toEqual([]);
    expect(await readArticle(store, first.id)).toEqual(changed);
  });
});
