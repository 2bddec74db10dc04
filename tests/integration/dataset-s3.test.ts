import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as compactHandler } from '../../functions/compact.ts';
import { handler as reextractHandler } from '../../functions/reextract.ts';
import { compactDataset } from '../../lib/dataset/compact.ts';
import { readDay, type DatasetArticle } from '../../lib/dataset/example-consumer.ts';
import { dailyPartKey, todayInDatasetZone } from '../../lib/dataset/partitions.ts';
import { reextractRawObject, reextractStoredPages } from '../../lib/dataset/reextract.ts';
import { EXTRACTOR_VERSION, extractArticle } from '../../lib/extract/index.ts';
import type { Article } from '../../lib/schema/article.ts';
import { serializeArticle } from '../../lib/schema/article.ts';
import { sha256Hex } from '../../lib/schema/ids.ts';
import { readArticle, writeArticle } from '../../lib/store/articles.ts';
import { legacyIndexKey } from '../../lib/store/keys.ts';
import { storeRawPage } from '../../lib/store/raw-pages.ts';
import { S3ObjectStore } from '../../lib/store/s3.ts';
import type { ObjectStore } from '../../lib/store/types.ts';
import { syntheticArticle } from '../../bench/synthetic-dataset.ts';
import { createTestBucket, startMoto, testS3Client, type MotoServer } from '../helpers/moto.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const BUCKET = 'dataset-s3-test';
const MOTO_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' };

/** A saved page, what this extractor makes of it, and what an older version made of it (another title). */
function olderExtractionOfAPage(): { html: string; current: Article; older: Article } {
  const html = readFileSync(join(ROOT, 'tests/fixtures/pages/vnexpress_article.html'), 'utf8');
  const current = extractArticle(html, { fetchedAt: new Date('2026-03-07T02:00:00.000Z') });
  const older: Article = {
    ...current,
    title: 'Tiêu đề cũ',
    contentHash: sha256Hex('older extraction'),
    extractor: { ...current.extractor, version: 'previous' },
  };
  return { html, current, older };
}

async function keysUnder(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  return keys;
}

/** Runs the real CLI against the moto bucket and collects its output. */
function cli(args: string[], endpoint: string, bucket = BUCKET): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/news-ingest.mjs'), ...args, '--bucket', bucket, '--endpoint', endpoint], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...MOTO_CREDENTIALS },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

describe('export, compaction and re-extraction on S3 (moto_server)', () => {
  let moto: MotoServer;
  let store: S3ObjectStore;
  const synthetic: Article[] = [];

  beforeAll(async () => {
    moto = await startMoto();
    await createTestBucket(moto.endpoint, BUCKET);
    store = new S3ObjectStore({ bucket: BUCKET, client: testS3Client(moto.endpoint) });
    for (let index = 0; index < 12; index += 1) {
      const article = syntheticArticle(index, index % 2 === 0 ? 'alpha' : 'beta', `2024-10-0${1 + (index % 4)}`, 2);
      synthetic.push(article);
      expect((await writeArticle(store, article, null)).outcome).toBe('stored');
    }
  }, 60_000);
  afterAll(async () => {
    await moto?.stop();
  });

  it('exports through the CLI from the bucket, filtered by source and day', async () => {
    const all = await cli(['export'], moto.endpoint);
    expect(all.stderr).toContain('12 articles exported, 0 unreadable');
    expect(all.code).toBe(0);
    expect(all.stdout.trim().split('\n').map((line) => (JSON.parse(line) as Article).id).sort()).toEqual(synthetic.map((a) => a.id).sort());

    const some = await cli(['export', '--source', 'beta', '--since', '2024-10-02', '--until', '2024-10-02', '--format', 'csv'], moto.endpoint);
    expect(some.code).toBe(0);
    const expected = synthetic.filter((a) => a.source.id === 'beta' && a.publishedAt!.startsWith('2024-10-02'));
    expect(expected.length).toBeGreaterThan(0);
    const rows = some.stdout.trim().split('\r\n');
    expect(rows).toHaveLength(1 + expected.length);
    expect(rows.slice(1).map((row) => row.split(',')[0]).sort()).toEqual(expected.map((a) => a.id).sort());
  }, 60_000);

  it('compacts every day whose articles changed into the bucket, and a second run writes nothing', async () => {
    const first = await compactDataset({ store });
    // alpha has the 1st and 3rd, beta the 2nd and 4th.
    expect(first).toEqual({ written: 4, removed: 0, unchanged: 0, failed: 0, articles: 12, unreadable: 0 });
    const part = await store.get(dailyPartKey('alpha', '2024-10-03'));
    const lines = gunzipSync(part!).toString('utf8').trim().split('\n');
    expect(lines.sort()).toEqual(synthetic.filter((a) => a.source.id === 'alpha' && a.publishedAt!.startsWith('2024-10-03')).map(serializeArticle).sort());
    // Written within the hour the watermark overlaps: read again, and found the same.
    expect(await compactDataset({ store })).toEqual({ written: 0, removed: 0, unchanged: 4, failed: 0, articles: 12, unreadable: 0 });
    // The export of a compacted bucket reads the parts and the articles changed since: the same articles.
    const exported = await cli(['export'], moto.endpoint);
    expect(exported.stdout.trim().split('\n').map((line) => (JSON.parse(line) as Article).id).sort()).toEqual(synthetic.map((a) => a.id).sort());
  }, 60_000);

  it('the documented TypeScript consumer reads a compacted day', async () => {
    const client = testS3Client(moto.endpoint);
    const collect = async (source: string, day: string) => {
      const articles: DatasetArticle[] = [];
      for await (const article of readDay(client, BUCKET, source, day)) articles.push(article);
      return articles.map((article) => article.id).sort();
    };
    const expected = (source: string, day: string) =>
      synthetic.filter((a) => a.source.id === source && a.publishedAt!.startsWith(day)).map((a) => a.id).sort();
    expect(await store.get(dailyPartKey('alpha', '2024-10-03'))).not.toBeNull();
    expect(await collect('alpha', '2024-10-03')).toEqual(expected('alpha', '2024-10-03'));
    expect(await collect('beta', '2024-10-04')).toEqual(expected('beta', '2024-10-04'));
    expect(await collect('beta', '2024-10-04')).toHaveLength(3);
    expect(await collect('beta', '2024-10-05')).toEqual([]);
    client.destroy();
  }, 60_000);

  it('the compaction Lambda compacts the day of an article written since its last run', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, MOTO_CREDENTIALS, { NEWS_INGEST_BUCKET: BUCKET, AWS_ENDPOINT_URL_S3: moto.endpoint });
    try {
      const yesterday = todayInDatasetZone(new Date(Date.now() - 24 * 3600_000));
      const late = syntheticArticle(100, 'beta', yesterday, 2);
      await writeArticle(store, late, null);
      const summary = await compactHandler({});
      expect(summary).toMatchObject({ written: 1, removed: 0, failed: 0, unreadable: 0 });
      const part = await store.get(dailyPartKey('beta', yesterday));
      expect(gunzipSync(part!).toString('utf8')).toBe(`${serializeArticle(late)}\n`);
      expect(await compactHandler({})).toMatchObject({ written: 0, failed: 0 });
    } finally {
      process.env = saved;
    }
  }, 120_000);

  it('the compaction Lambda names the event field that is wrong', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { NEWS_INGEST_BUCKET: BUCKET });
    try {
      await expect(compactHandler({ full: 'yes' })).rejects.toThrow(/^compaction event is invalid:\n.*\n {2}→ at full$/);
    } finally {
      process.env = saved;
    }
  });

  it('re-extracts stored pages on S3: an article from an older extraction comes out updated, once', async () => {
    const { html, current, older } = olderExtractionOfAPage();
    expect((await writeArticle(store, older, html)).outcome).toBe('stored');

    expect(await reextractStoredPages({ store, source: 'vnexpress' })).toMatchObject({ updated: 1, failed: 0 });
    expect((await readArticle(store, current.id))!.title).toBe(current.title);

    const saved = { ...process.env };
    Object.assign(process.env, MOTO_CREDENTIALS, { NEWS_INGEST_BUCKET: BUCKET, AWS_ENDPOINT_URL_S3: moto.endpoint });
    try {
      // One Distributed Map item, as the S3 item reader hands it over: the batch holding the page.
      const rawKeys = await keysUnder(store, 'raw/');
      expect(rawKeys).toHaveLength(1);
      const rawKey = rawKeys[0]!;
      const result = await reextractHandler({ Key: rawKey, Size: 1234, Etag: '"x"', LastModified: 1, StorageClass: 'STANDARD' });
      // Re-extracted above by this extractor version: the page is not extracted again.
      expect(result).toEqual([{ rawKey, articleId: current.id, outcome: 'current', reason: `already extracted by extractor version ${EXTRACTOR_VERSION}` }]);
      const orphan = await storeRawPage(store, { id: '00000000000000000000', source: 'vnexpress', date: '2026-03-07', fetchedAt: current.fetchedAt, html });
      await expect(reextractHandler({ Key: orphan.key })).rejects.toThrow(
        `${orphan.key}: 1 of 1 pages failed: 00000000000000000000: no stored article with id 00000000000000000000`,
      );
    } finally {
      process.env = saved;
    }
  }, 60_000);

  it('a versioned bucket written before ids: `news-ingest migrate` moves it, and the moved page is re-extracted', async () => {
    const bucket = 'migrate-versioned';
    await createTestBucket(moto.endpoint, bucket, { versioning: true });
    const client = testS3Client(moto.endpoint);
    const legacyStore = new S3ObjectStore({ bucket, client });
    const { html, current, older } = olderExtractionOfAPage();
    const date = current.publishedAt!.slice(0, 10);
    const legacyKey = `articles/v1/source=vnexpress/date=${date}/${current.id}.json`;
    const legacyPage = `raw/source=vnexpress/date=${date}/${current.id}.html.gz`;
    await legacyStore.put(legacyIndexKey(current.id), JSON.stringify({ id: current.id, articleKey: legacyKey, rawKey: legacyPage }));
    await legacyStore.put(legacyPage, gzipSync(html));
    await legacyStore.put(legacyKey, serializeArticle(older));
    try {
      const migrated = await cli(['migrate'], moto.endpoint, bucket);
      expect(migrated.stderr).not.toContain('news-ingest migrate:');
      expect(migrated.stdout).toContain('migrated: 1 stored, 0 updated, 0 unchanged (a copy at least as new was there), 0 failed; 1 page objects moved into batches, 0 index entries removed');
      expect(migrated.code).toBe(0);
      expect(await readArticle(legacyStore, current.id)).toEqual(older);
      expect(await keysUnder(legacyStore, 'state/')).toEqual([]);
      expect(await keysUnder(legacyStore, 'articles/v1/')).toEqual([]);
      const rawKeys = await keysUnder(legacyStore, 'raw/');
      expect(rawKeys).toEqual([expect.stringMatching(/^raw\/batches\//)]);
      expect(await reextractRawObject(legacyStore, rawKeys[0]!, { keepRevisions: 'bucket-versioning' })).toEqual([
        { rawKey: rawKeys[0], articleId: current.id, outcome: 'updated', articleKey: `articles/v2/${current.id.slice(0, 2)}/${current.id}.json` },
      ]);
      expect((await readArticle(legacyStore, current.id))!.title).toBe(current.title);
      expect(await keysUnder(legacyStore, 'revisions/')).toEqual([]);
    } finally {
      client.destroy();
    }
  }, 60_000);

  it("re-extraction on a versioned bucket, as the Lambda runs it, keeps one copy of each revision and does not put the page again", async () => {
    const bucket = 'reextract-versioned';
    await createTestBucket(moto.endpoint, bucket, { versioning: true });
    const client = testS3Client(moto.endpoint);
    const versioned = new S3ObjectStore({ bucket, client });
    const { html, current, older } = olderExtractionOfAPage();
    const { key } = await writeArticle(versioned, older, html, { keepRevisions: 'bucket-versioning' });
    const rawKeys = await keysUnder(versioned, 'raw/');
    expect(rawKeys).toHaveLength(1);
    const rawKey = rawKeys[0]!;
    const versionsOf = async (prefix: string): Promise<number> =>
      (await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix }))).Versions?.length ?? 0;

    try {
      expect(await reextractRawObject(versioned, rawKey, { keepRevisions: 'bucket-versioning' })).toEqual([
        { rawKey, articleId: current.id, outcome: 'updated', articleKey: key },
      ]);
      expect((await readArticle(versioned, current.id))!.title).toBe(current.title);
      // The earlier article is its noncurrent version; nothing under revisions/; the page has its one version.
      expect(await versionsOf(key)).toBe(2);
      expect(await versionsOf('revisions/')).toBe(0);
      expect(await versionsOf(rawKey)).toBe(1);
    } finally {
      client.destroy();
    }
  }, 60_000);
});
