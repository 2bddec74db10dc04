import http from 'node:http';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditStore, finalStatesByUrl } from '../../bench/chaos-core.ts';
import { PoliteFetcher } from '../../lib/http/fetcher.ts';
import { runIngest, type RunProgress } from '../../lib/pipeline/local-runner.ts';
import { hostLimitsFor } from '../../lib/pipeline/politeness.ts';
import type { RunSummary } from '../../lib/pipeline/types.ts';
import { createSampleSite, type SampleSite } from '../../lib/sample-site/site.ts';
import { S3ObjectStore } from '../../lib/store/s3.ts';
import type { ObjectStore, PutOptions } from '../../lib/store/types.ts';
import { startTestServer, type TestServer } from '../helpers/http-server.ts';
import { createTestBucket, startMoto, type MotoServer } from '../helpers/moto.ts';

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

function forward(req: http.IncomingMessage, res: http.ServerResponse): void {
  if (failNext > 0) {
    failNext -= 1;
    failedByProxy += 1;
    req.resume();
    res.writeHead(500, { 'content-type': 'application/xml' });
    res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>injected by the chaos proxy</Message></Error>');
    return;
  }
  const target = new URL(req.url ?? '/', moto.endpoint);
  const upstream = http.request(
    { host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers, agent: false },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end('moto unreachable\n');
  });
  req.pipe(upstream);
}

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
 * The store, except that writing the run summary waits while `outage` is set and not over: the run meets
 * the restart with every other call, but cannot end (its summary needs a store) before moto is back.
 */
class SummaryWaitsForStore implements ObjectStore {
  readonly description: string;
  outage: Promise<void> | null = null;
  constructor(private readonly inner: ObjectStore) {
    this.description = inner.description;
  }

  get(key: string): Promise<Buffer | null> {
    return this.inner.get(key);
  }

  async put(key: string, body: Buffer | string, options?: PutOptions): Promise<void> {
    if (key.startsWith('runs/') && this.outage !== null) await this.outage;
    return this.inner.put(key, body, options);
  }

  list(prefix: string): AsyncIterable<string> {
    return this.inner.list(prefix);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
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
  proxy = await startTestServer(forward);
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

  it('moto stopped and started again mid-run: the run records store failures, and the next run rebuilds the emptied bucket exactly once', async () => {
    const bucket = 'chaos-moto-restart';
    await createTestBucket(moto.endpoint, bucket);
    const { store: s3, client } = storeFor(moto.endpoint, bucket);
    const store = new SummaryWaitsForStore(s3);
    try {
      const first = await ingest(store, (progress) => {
        if (store.outage === null && (progress.counts.stored ?? 0) >= 3) {
          // restart() kills moto (connections refused meanwhile) and starts it empty: no bucket, no objects.
          store.outage = moto.restart().then(() => createTestBucket(moto.endpoint, bucket));
        }
      });
      expect(store.outage).not.toBeNull();
      expectOneStatePerItem(first);
      const storedBeforeRestart = first.items.filter((item) => item.state === 'stored').length;
      expect(storedBeforeRestart).toBeGreaterThanOrEqual(3);
      expect(first.items.some((item) => item.state === 'failed:store')).toBe(true);

      // The restart emptied the bucket: articles the first run reported stored are gone along with the feed
      // state that listed them. So the check that matters is the second run's: it must find the feeds new
      // again and store every article once, whatever the first run managed.
      const second = await ingest(store);
      expectOneStatePerItem(second);
      const audit = await auditStore(store, site.pages.map((page) => page.url));
      expect(audit).toMatchObject({ objects: ARTICLES, lost: [], duplicated: [], unexpected: [], unreadable: [] });
      const final = finalStatesByUrl([first, second]);
      for (const page of site.pages) expect(['stored', 'unchanged']).toContain(final.get(page.url));
    } finally {
      client.destroy();
    }
  });
});
