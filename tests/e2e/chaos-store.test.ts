import { setTimeout as sleep } from 'node:timers/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditStore, finalStatesByUrl } from '../../bench/chaos-core.ts';
import { PoliteFetcher } from '../../lib/http/fetcher.ts';
import { runIngest, type RunProgress } from '../../lib/pipeline/local-runner.ts';
import { hostLimitsFor } from '../../lib/pipeline/politeness.ts';
import type { RunSummary } from '../../lib/pipeline/types.ts';
import { createSampleSite, type SampleSite } from '../../lib/sample-site/site.ts';
import { S3ObjectStore } from '../../lib/store/s3.ts';
import { ARTICLES_PREFIX } from '../../lib/store/keys.ts';
import type { ListedObject, ObjectStore, PutOptions, TaggedObject } from '../../lib/store/types.ts';
import type { TestServer } from '../helpers/http-server.ts';
import { createTestBucket, startMoto, startMotoProxy, type MotoServer } from '../helpers/moto.ts';

/**
 * Store faults during a run, against a real S3 API (moto_server): S3 answering 500 for a while (a small
 * proxy in front of moto), and moto stopped and started again mid-run. Writes that cannot be made end as
 * failed:store (retryable); the next run completes them; the bucket ends with every article exactly once.
 */

const ARTICLES = 45;

let moto: MotoServer;
let proxy: TestServer;
let site: SampleSite;
/** The proxy answers 500 to this many more requests, then forwards again. */
let failNext = 0;
let failedByProxy = 0;

function storeFor(endpoint: string, bucket: string): { store: S3ObjectStore; client: S3Client } {
  // Two attempts per request: a burst of 500s outlasts the SDK's own retries, as a long outage would.
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    maxAttempts: 2,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  return { store: new S3ObjectStore({ bucket, client }), client };
}

/**
 * The bucket, wiped at a fixed point of the run: just before the (wipeAfter + 1)-th article write, new calls
 * wait, the calls in flight finish, moto is stopped, that write is sent to the stopped server (it fails as a
 * store outage does), then moto starts again empty and gets its bucket back, and the waiting calls go on. So
 * every run loses exactly the articles written before the wipe and fails exactly one write, whatever the timing.
 */
class BucketWipedMidRun implements ObjectStore {
  readonly description: string;
  /** Article objects written before the wipe (all of them gone afterwards). */
  articlesWrittenBeforeWipe = 0;
  wiped = false;
  private articleWrites = 0;
  private inFlight = 0;
  private pause: Promise<void> | null = null;

  constructor(
    private readonly inner: ObjectStore,
    private readonly wipeAfter: number,
    private readonly wipe: { stop: () => Promise<void>; startEmpty: () => Promise<void> },
  ) {
    this.description = inner.description;
  }

  private async call<T>(operation: () => Promise<T>): Promise<T> {
    while (this.pause !== null) await this.pause;
    this.inFlight += 1;
    try {
      return await operation();
    } finally {
      this.inFlight -= 1;
    }
  }

  get(key: string): Promise<Buffer | null> {
    return this.call(() => this.inner.get(key));
  }

  getWithEtag(key: string): Promise<TaggedObject | null> {
    return this.call(() => this.inner.getWithEtag(key));
  }

  getStart(key: string, bytes: number): Promise<Buffer | null> {
    return this.call(() => this.inner.getStart(key, bytes));
  }

  async put(key: string, body: Buffer | string, options?: PutOptions): Promise<string> {
    if (!key.startsWith(ARTICLES_PREFIX)) return this.call(() => this.inner.put(key, body, options));
    while (this.pause !== null) await this.pause;
    this.articleWrites += 1;
    if (this.articleWrites !== this.wipeAfter + 1) return this.call(() => this.inner.put(key, body, options));
    let resume = (): void => undefined;
    this.pause = new Promise((resolve) => (resume = resolve));
    try {
      while (this.inFlight > 0) await sleep(5);
      this.articlesWrittenBeforeWipe = (await listAll(this.inner, ARTICLES_PREFIX)).length;
      await this.wipe.stop();
      return await this.inner.put(key, body, options);
    } finally {
      await this.wipe.startEmpty();
      this.wiped = true;
      this.pause = null;
      resume();
    }
  }

  list(prefix: string): AsyncIterable<string> {
    return this.inner.list(prefix);
  }

  listWithTimes(prefix: string): AsyncIterable<ListedObject> {
    return this.inner.listWithTimes(prefix);
  }

  delete(key: string): Promise<void> {
    return this.call(() => this.inner.delete(key));
  }
}

async function listAll(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  return keys;
}

function politeFetcher(): PoliteFetcher {
  const config = site.config();
  return new PoliteFetcher({ userAgent: config.userAgent, allowLoopback: true, hostOverrides: hostLimitsFor(config) });
}

async function ingest(store: ObjectStore, onProgress?: (progress: RunProgress) => void): Promise<RunSummary> {
  const { summary } = await runIngest({ config: site.config(), fetcher: politeFetcher(), store, ...(onProgress ? { onProgress } : {}) });
  return summary;
}

function expectOneStatePerItem(summary: RunSummary): void {
  const total = Object.values(summary.counts).reduce<number>((sum, count) => sum + (count ?? 0), 0);
  expect(total).toBe(summary.discovered);
  expect(summary.items).toHaveLength(summary.discovered);
}

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startMotoProxy(
    () => moto,
    () => {
      if (failNext === 0) return null;
      failNext -= 1;
      failedByProxy += 1;
      return { status: 500, code: 'InternalError' };
    },
  );
  site = await createSampleSite({ articles: ARTICLES });
});

afterAll(async () => {
  await site?.close();
  await proxy?.close();
  await moto?.stop();
});

describe('S3 faults during a run', () => {
  it('S3 answering 500 for a while: writes retry, what cannot be written ends failed:store, the next run completes it', async () => {
    const bucket = 'chaos-s3-500s';
    await createTestBucket(moto.endpoint, bucket);
    const { store, client } = storeFor(proxy.url, bucket);
    try {
      failedByProxy = 0;
      let burstStarted = false;
      const first = await ingest(store, (progress) => {
        // Once a few articles are in, S3 fails the next 20 requests: about 10 calls after the SDK's retry.
        if (!burstStarted && (progress.counts.stored ?? 0) >= 5) {
          burstStarted = true;
          failNext = 20;
        }
      });
      expect(failedByProxy).toBe(20);
      expectOneStatePerItem(first);
      const failedWrites = first.items.filter((item) => item.state === 'failed:store');
      expect(failedWrites.length).toBeGreaterThan(0);
      expect(failedWrites.every((item) => /InternalError|injected/.test(item.error ?? ''))).toBe(true);

      const second = await ingest(store);
      expectOneStatePerItem(second);
      const final = finalStatesByUrl([first, second]);
      for (const item of failedWrites) expect(final.get(item.url)).toBe('stored');
      const audit = await auditStore(store, site.pages.map((page) => page.url));
      expect(audit).toMatchObject({ objects: ARTICLES, lost: [], duplicated: [], unexpected: [], unreadable: [] });
    } finally {
      client.destroy();
    }
  });

  it('moto stopped and started again empty mid-run: the next run stores again every article the wipe took, exactly once', async () => {
    const bucket = 'chaos-moto-restart';
    await createTestBucket(moto.endpoint, bucket);
    const { store: s3, client } = storeFor(moto.endpoint, bucket);
    const store = new BucketWipedMidRun(s3, 10, {
      stop: () => moto.stop(),
      // restart() finds moto already stopped and starts it again on the same port: no bucket, no objects.
      startEmpty: () => moto.restart().then(() => createTestBucket(moto.endpoint, bucket)),
    });
    try {
      const first = await ingest(store);
      expect(store.wiped).toBe(true);
      expectOneStatePerItem(first);
      expect(store.articlesWrittenBeforeWipe).toBeGreaterThanOrEqual(10);
      // The write sent to the stopped moto, and no other, failed.
      expect(first.counts['failed:store']).toBe(1);
      // Run 1 saved its feed states into the emptied bucket: they remember as seen the articles the wipe took.
      expect(await listAll(s3, ARTICLES_PREFIX)).toHaveLength(ARTICLES - store.articlesWrittenBeforeWipe - 1);

      const second = await ingest(store);
      expectOneStatePerItem(second);
      // Exactly what went missing is stored again; everything the bucket kept is left alone.
      expect(second.counts.stored).toBe(store.articlesWrittenBeforeWipe + 1);
      const audit = await auditStore(store, site.pages.map((page) => page.url));
      expect(audit).toMatchObject({ objects: ARTICLES, lost: [], duplicated: [], unexpected: [], unreadable: [] });
      const final = finalStatesByUrl([first, second]);
      for (const page of site.pages) expect(['stored', 'unchanged']).toContain(final.get(page.url));
    } finally {
      client.destroy();
    }
  });
});
