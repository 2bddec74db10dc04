import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandFeedUrl } from '../../lib/pipeline/discover.ts';
import { articleIdFor } from '../../lib/schema/ids.ts';
import { S3ObjectStore } from '../../lib/store/s3.ts';
import { ledgerWrittenAt, readLedgerEvents, type OutcomeEntry } from '../../lib/pipeline/run-ledger.ts';
import type { ArticleJob, FeedJob } from '../../lib/pipeline/types.ts';
import { createSampleSite, type SampleSite } from '../../lib/sample-site/site.ts';
import { startTestServer } from '../helpers/http-server.ts';
import {
  capturingEmf,
  createFifoQueue,
  drain,
  lambdaContext,
  metricSum,
  pipelineHandlers,
  recordFrom,
  REGION,
  syntheticRecord,
  type EmfLine,
} from '../helpers/lambda-sqs.ts';
import { createTestBucket, startMoto, testS3Client, type MotoServer } from '../helpers/moto.ts';
import { storedRawPages } from '../helpers/raw-pages.ts';

/**
 * The Lambda handlers invoked as Lambda invokes them (a Scheduler input, SQS batches in the event shape
 * Lambda builds from received messages), against moto_server's S3 and SQS and the sample site on 127.0.0.1.
 */

const BUCKET = 'news-ingest-handlers';
const SCHEDULED_TIME = '2026-09-05T15:15:00Z';
/** Listed by no feed; the sample site answers 503 for it, so processArticle fails it as retryable. */
const FLAKY_PATH = '/baodanang/tam-thoi-loi-1000003.html';
const HALF_HOURLY_SOURCE = 'sample-vnexpress';
const QUARTER_HOUR_MS = 15 * 60_000;

let moto: MotoServer;
let site: SampleSite;
let sqs: SQSClient;
let workDir: string;
let feedQueue: { url: string; arn: string };
let articleQueue: { url: string; arn: string };

let handlers: Awaited<ReturnType<typeof pipelineHandlers>>;

async function getObject(key: string): Promise<string | null> {
  const client = testS3Client(moto.endpoint);
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return await object.Body!.transformToString();
  } catch {
    return null;
  } finally {
    client.destroy();
  }
}

async function keysUnder(prefix: string): Promise<string[]> {
  const client = testS3Client(moto.endpoint);
  try {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
    return (listed.Contents ?? []).map((object) => object.Key!);
  } finally {
    client.destroy();
  }
}

beforeAll(async () => {
  moto = await startMoto();
  await createTestBucket(moto.endpoint, BUCKET, { versioning: true });
  sqs = new SQSClient({ endpoint: moto.endpoint, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  feedQueue = await createFifoQueue(sqs, 'feeds');
  articleQueue = await createFifoQueue(sqs, 'articles');

  site = await createSampleSite({
    intercept: (request, response) => {
      if (request.url !== FLAKY_PATH) return false;
      response.writeHead(503, { 'content-type': 'text/plain' }).end('busy\n');
      return true;
    },
  });
  workDir = await mkdtemp(join(tmpdir(), 'news-ingest-handlers-'));
  const configPath = join(workDir, 'feeds.json');
  // One source polled every 30 minutes, the others every 15: the cadence test checks both.
  const config = site.config();
  for (const source of config.sources) if (source.id === HALF_HOURLY_SOURCE) source.intervalMinutes = 30;
  await writeFile(configPath, JSON.stringify(config));

  handlers = await pipelineHandlers({
    motoEndpoint: moto.endpoint,
    bucket: BUCKET,
    configPath,
    feedQueueUrl: feedQueue.url,
    articleQueueUrl: articleQueue.url,
    staleAfterHours: '12',
    driftThresholdPercent: '50',
    logLevel: 'WARN',
  });
}, 60_000);

afterAll(async () => {
  sqs?.destroy();
  await site?.close();
  await moto?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('Lambda handlers on moto S3/SQS', () => {
  let feedMessages: Message[] = [];
  let articleMessages: Message[] = [];

  it('dispatch: a Scheduler invocation enqueues one FIFO message per due feed, grouped by host; a retry of it adds none', async () => {
    const schedulerInput = {
      scheduleArn: `arn:aws:scheduler:${REGION}:123456789012:schedule/default/NewsIngest-dispatch`,
      scheduledTime: SCHEDULED_TIME,
      executionId: 'b5c4c2a8-8d5e-4c09-9f0e-0f6d3c1e1a11',
    };
    const result = await handlers.dispatch(schedulerInput, lambdaContext('dispatch'), () => undefined);
    expect(result).toMatchObject({ runId: '20260905T151500Z-scheduled', feedsQueued: site.feeds.length, sourcesStale: [], sourcesDrifting: [] });
    // The Scheduler retries a failed invocation with the same input: same run id, same deduplication ids.
    // (Drained only afterwards: moto deduplicates against messages still queued, SQS for five minutes.)
    const retried = await handlers.dispatch(schedulerInput, lambdaContext('dispatch'), () => undefined);
    expect(retried?.feedsQueued).toBe(site.feeds.length);

    feedMessages = await drain(sqs, feedQueue.url);
    expect(feedMessages).toHaveLength(site.feeds.length);
    const jobs = feedMessages.map((message) => JSON.parse(message.Body!) as FeedJob);
    const now = new Date();
    const expectedUrls = site
      .config()
      .sources.flatMap((source) => source.feeds.map((feed) => expandFeedUrl(feed.url, source, now)));
    expect(jobs.map((job) => job.feedUrl).sort()).toEqual(expectedUrls.sort());
    expect(new Set(jobs.map((job) => job.runId))).toEqual(new Set(['20260905T151500Z-scheduled']));
    expect(new Set(feedMessages.map((message) => message.Attributes?.MessageGroupId))).toEqual(new Set([new URL(site.origin).host]));
  });

  it('dispatch: a scheduledTime that is not a time is refused with the reason', async () => {
    await expect(handlers.dispatch({ scheduledTime: 'yesterday' }, lambdaContext('dispatch'), () => undefined)).rejects.toThrow(
      /scheduledTime "yesterday" is not an ISO 8601 time/,
    );
  });

  it('fetch-feed: queues every listed article once, saves feed state, and reports only the poisoned message', async () => {
    const records = feedMessages.map((message) => recordFrom(message, feedQueue.arn));
    const batches = [records.slice(0, 5), records.slice(5)];
    batches[0]!.push(syntheticRecord('poisoned-feed-message', '{"sourceId": "sample-baodanang", "feedUrl": ', feedQueue.arn));

    const responses: SQSBatchResponse[] = [];
    const emf: EmfLine[] = [];
    for (const batch of batches) {
      const captured = await capturingEmf(() => handlers.fetchFeed({ Records: batch } satisfies SQSEvent, lambdaContext('fetch-feed')));
      responses.push(captured.result);
      emf.push(...captured.emf);
    }
    expect(responses[0]!.batchItemFailures).toEqual([{ itemIdentifier: 'poisoned-feed-message' }]);
    expect(responses[1]!.batchItemFailures).toEqual([]);

    articleMessages = await drain(sqs, articleQueue.url);
    const urls = articleMessages.map((message) => (JSON.parse(message.Body!) as ArticleJob).url);
    const expected = new Set([...site.pages.map((page) => page.url), ...Object.values(site.extras!)]);
    // sharedUrl is listed by two feeds: the article queue's deduplication keeps one message.
    expect(urls.sort()).toEqual([...expected].sort());
    expect(new Set(articleMessages.map((message) => message.Attributes?.MessageGroupId))).toEqual(new Set([new URL(site.origin).host]));

    expect(await keysUnder('state/feeds/')).toHaveLength(site.feeds.length);
    // Every feed answered: no permanent feed failure, and no metric with a per-source dimension.
    expect(metricSum(emf, 'FeedsFailed')).toBe(0);
    for (const line of emf) expect(line._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service']]);
  });

  it('process-article: stores articles, acknowledges permanent skips, and reports only the 503 article for retry', async () => {
    const flakyJob: ArticleJob = {
      sourceId: 'sample-baodanang',
      url: site.origin + FLAKY_PATH,
      guid: null,
      feedUrl: site.feeds[0]!.url,
      runId: '20260905T151500Z-scheduled',
    };
    const records = articleMessages.map((message) => recordFrom(message, articleQueue.arn));
    const batches = [[...records.slice(0, 9), syntheticRecord('flaky-article', JSON.stringify(flakyJob), articleQueue.arn)], records.slice(9)];

    const responses: SQSBatchResponse[] = [];
    const emf: EmfLine[] = [];
    for (const batch of batches) {
      const captured = await capturingEmf(() =>
        handlers.processArticle({ Records: batch } satisfies SQSEvent, lambdaContext('process-article')),
      );
      responses.push(captured.result);
      emf.push(...captured.emf);
    }
    expect(responses[0]!.batchItemFailures).toEqual([{ itemIdentifier: 'flaky-article' }]);
    expect(responses[1]!.batchItemFailures).toEqual([]);

    const stored = (await keysUnder('articles/v2/')).filter((key) => key.endsWith('.json'));
    expect(stored).toHaveLength(site.pages.length);
    // One raw page batch per invocation, holding the pages of the articles it stored.
    const rawPages = await storedRawPages(new S3ObjectStore({ bucket: BUCKET, client: testS3Client(moto.endpoint) }));
    expect(new Set(rawPages.map((page) => page.batchKey)).size).toBe(batches.length);
    expect(rawPages.map((page) => page.id).sort()).toEqual(site.pages.map((page) => articleIdFor(page.url)).sort());
    expect(metricSum(emf, 'ArticlesStored')).toBe(site.pages.length);
    // Section page, robots-disallowed, 404: acknowledged skips; the 503 is retried: no permanent failure.
    expect(metricSum(emf, 'ArticlesFailed')).toBe(0);
    for (const line of emf) expect(line._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service']]);
    // Each invocation wrote its raw page batch, whose manifest is the run ledger's record of the articles it
    // stored (what source health needs included); an outcomes object only where some article ended otherwise
    // (the section page, robots-disallowed and 404 skips), never naming a stored article again.
    const s3 = new S3ObjectStore({ bucket: BUCKET, client: testS3Client(moto.endpoint) });
    const ledgerKeys = [...(await keysUnder('runs/ledger/')), ...(await keysUnder('raw/batches/'))]
      .map((key) => ({ key, at: ledgerWrittenAt(key) }))
      .filter((listed): listed is { key: string; at: Date } => listed.at !== null);
    const outcomeKeys = ledgerKeys.filter(({ key }) => key.includes('/outcomes/'));
    const extras = new Set(Object.values(site.extras!));
    const invocationsWithSkips = batches.filter((batch) => batch.some((record) => extras.has((JSON.parse(record.body) as ArticleJob).url)));
    expect(invocationsWithSkips.length).toBeGreaterThan(0);
    expect(outcomeKeys).toHaveLength(invocationsWithSkips.length);
    expect(await keysUnder('state/health')).toEqual([]);
    const recorded = (await Promise.all(outcomeKeys.map(async ({ key }) => (JSON.parse((await getObject(key))!) as { outcomes: OutcomeEntry[] }).outcomes))).flat();
    expect(recorded.map((outcome) => outcome.state).filter((state) => !state.startsWith('skipped:'))).toEqual([]);
    const { events, unreadable } = await readLedgerEvents(s3, ledgerKeys);
    expect(unreadable).toEqual([]);
    expect(events.filter((event) => event.state === 'stored').map((event) => event.url).sort()).toEqual(site.pages.map((page) => page.url).sort());
    expect(events.filter((event) => event.state.startsWith('skipped:')).map((event) => event.url).sort()).toEqual([...extras].sort());
    for (const event of events) expect(event.missing !== undefined, event.url).toBe(event.state === 'stored');
  });

  it("dispatch: folds process-article's outcomes into one health object holding every source's new articles", async () => {
    const result = await handlers.dispatch({}, lambdaContext('dispatch'), () => undefined);
    await drain(sqs, feedQueue.url);
    expect(result).toMatchObject({ sourcesStale: [], sourcesDrifting: [] });
    const health = JSON.parse((await getObject('state/source-health.json'))!) as { sources: Record<string, { hours: Array<{ stored: number }> }> };
    const sources = [...new Set(site.pages.map((page) => page.sourceId))].sort();
    expect(Object.keys(health.sources).sort()).toEqual(sources);
    for (const source of sources) {
      const stored = health.sources[source]!.hours.reduce((sum, hour) => sum + hour.stored, 0);
      expect(stored, source).toBe(site.pages.filter((page) => page.sourceId === source).length);
    }
  });

  it('process-article: a body that is not an ArticleJob is reported alone; its neighbour is processed (unchanged)', async () => {
    const neighbour = syntheticRecord('known-article', articleMessages[0]!.Body!, articleQueue.arn);
    const malformed = syntheticRecord('malformed-article', JSON.stringify({ url: 'not a url' }), articleQueue.arn);
    const { result, emf } = await capturingEmf(() =>
      handlers.processArticle({ Records: [malformed, neighbour] }, lambdaContext('process-article')),
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'malformed-article' }]);
    const source = (JSON.parse(articleMessages[0]!.Body!) as ArticleJob).sourceId;
    expect(metricSum(emf, 'ArticlesFailed')).toBe(0);
    expect(source).toMatch(/^sample-/);
  });

  it('process-article: an update keeps the earlier version as an object version only, no revisions/ copy', async () => {
    const job = JSON.parse(articleMessages[0]!.Body!) as ArticleJob;
    const page = site.pages.find((candidate) => candidate.url === job.url)!;
    const key = (await keysUnder('articles/v2/')).find((candidate) => candidate.endsWith(`/${articleIdFor(page.url)}.json`))!;
    site.reviseArticle(page.index);
    const result = await handlers.processArticle(
      { Records: [syntheticRecord('revised-article', JSON.stringify(job), articleQueue.arn)] },
      lambdaContext('process-article'),
    );
    expect(result.batchItemFailures).toEqual([]);
    const client = testS3Client(moto.endpoint);
    try {
      const versions = await client.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: key }));
      expect(versions.Versions).toHaveLength(2);
    } finally {
      client.destroy();
    }
    expect(await keysUnder('revisions/')).toEqual([]);
  });
  it('dispatch on scheduler ticks 15 minutes apart: each feed is fetched on every tick its interval asks for', async () => {
    // A tick just before now: each fetch finishes after its tick, as in the cloud.
    const firstTick = Math.floor(Date.now() / 1000) * 1000 - 1000;
    const queuedPerTick: string[][] = [];
    for (let tick = 0; tick < 5; tick += 1) {
      const scheduledTime = new Date(firstTick + tick * QUARTER_HOUR_MS).toISOString();
      await handlers.dispatch({ scheduledTime }, lambdaContext('dispatch'), () => undefined);
      const messages = await drain(sqs, feedQueue.url);
      queuedPerTick.push(messages.map((message) => (JSON.parse(message.Body!) as FeedJob).feedUrl).sort());
      const response = await handlers.fetchFeed({ Records: messages.map((message) => recordFrom(message, feedQueue.arn)) }, lambdaContext('fetch-feed'));
      expect(response.batchItemFailures).toEqual([]);
      await drain(sqs, articleQueue.url);
    }
    const now = new Date();
    const feedsOf = (every: 'quarter' | 'half') =>
      site
        .config()
        .sources.filter((source) => (source.id === HALF_HOURLY_SOURCE) === (every === 'half'))
        .flatMap((source) => source.feeds.map((feed) => expandFeedUrl(feed.url, source, now)))
        .sort();
    const quarterHourly = feedsOf('quarter');
    const halfHourly = feedsOf('half');
    expect(halfHourly.length).toBeGreaterThan(0);
    expect(queuedPerTick).toEqual([
      [...quarterHourly, ...halfHourly].sort(),
      quarterHourly,
      [...quarterHourly, ...halfHourly].sort(),
      quarterHourly,
      [...quarterHourly, ...halfHourly].sort(),
    ]);
  }, 60_000);

  it('process-article: a stalled host under a small time budget fails only its own message; other hosts finish in time', async () => {
    const stalled = await startTestServer({
      '/robots.txt': (_req, res) => res.writeHead(404).end(),
      // Headers never come: only the deadline ends this request.
      '/stalled-article.html': () => new Promise(() => undefined),
    });
    const otherSite = await createSampleSite({ extras: false });
    try {
      const jobFor = (url: string, sourceId: string): ArticleJob => ({ sourceId, url, guid: null, feedUrl: site.feeds[0]!.url, runId: 'deadline-test' });
      const healthy = [site.pages[1]!, otherSite.pages[2]!, otherSite.pages[3]!];
      const records = [
        syntheticRecord('stalled', JSON.stringify(jobFor(`${stalled.url}/stalled-article.html`, 'sample-baodanang')), articleQueue.arn),
        ...healthy.map((page, index) => syntheticRecord(`healthy-${index}`, JSON.stringify(jobFor(page.url, page.sourceId)), articleQueue.arn)),
      ];
      const budgetMs = 10_000;
      const startedAt = Date.now();
      const response = await handlers.processArticle({ Records: records }, lambdaContext('process-article', budgetMs));
      const elapsedMs = Date.now() - startedAt;

      expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'stalled' }]);
      // The answer came while the invocation was still alive (Lambda would have cut it off at the budget).
      expect(elapsedMs).toBeLessThan(budgetMs);
      expect(stalled.hits('/stalled-article.html')).toHaveLength(1);
      for (const page of healthy.slice(1)) {
        expect(otherSite.requests.some((request) => request.path === new URL(page.url).pathname && request.status === 200)).toBe(true);
      }
    } finally {
      await otherSite.close();
      await stalled.close();
    }
  }, 60_000);

  it('process-article: the pages of one invocation share one raw page batch, even when a host answers after seconds', async () => {
    const otherSite = await createSampleSite({ extras: false });
    const slowPage = otherSite.pages[4]!;
    const slowHost = await startTestServer({
      '/robots.txt': (_req, res) => res.writeHead(404).end(),
      // Longer than a local batch waits (2 s) for writers still fetching; well within the fetch timeout.
      '/slow-article.html': async (_req, res) => {
        await new Promise((resolve) => setTimeout(resolve, 2_500));
        const html = await (await fetch(slowPage.url)).text();
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      },
    });
    try {
      const s3 = new S3ObjectStore({ bucket: BUCKET, client: testS3Client(moto.endpoint) });
      const batchesBefore = new Set((await storedRawPages(s3)).map((page) => page.batchKey));
      const jobFor = (url: string, sourceId: string): ArticleJob => ({ sourceId, url, guid: null, feedUrl: site.feeds[0]!.url, runId: 'one-batch-test' });
      const records = [
        syntheticRecord('slow', JSON.stringify(jobFor(`${slowHost.url}/slow-article.html`, 'sample-baodanang')), articleQueue.arn),
        ...otherSite.pages.slice(5, 7).map((page, index) => syntheticRecord(`fast-${index}`, JSON.stringify(jobFor(page.url, page.sourceId)), articleQueue.arn)),
      ];
      const response = await handlers.processArticle({ Records: records }, lambdaContext('process-article'));
      expect(response.batchItemFailures).toEqual([]);

      const written = (await storedRawPages(s3)).filter((page) => !batchesBefore.has(page.batchKey));
      expect(written).toHaveLength(records.length);
      expect(new Set(written.map((page) => page.batchKey)).size).toBe(1);
    } finally {
      await otherSite.close();
      await slowHost.close();
    }
  }, 60_000);

  it('fetch-feed: a stalled feed host under a small time budget fails only its own message; the other feeds are polled', async () => {
    const stalled = await startTestServer({
      '/robots.txt': (_req, res) => res.writeHead(404).end(),
      '/stalled-feed.xml': () => new Promise(() => undefined),
    });
    try {
      const job = (feedUrl: string, sourceId: string): FeedJob => ({ sourceId, feedUrl, kind: 'auto', runId: 'deadline-feeds', tickAt: new Date().toISOString() });
      const healthy = site.config().sources.flatMap((source) => source.feeds.slice(0, 1).map((feed) => job(expandFeedUrl(feed.url, source, new Date()), source.id)));
      const records = [
        syntheticRecord('stalled-feed', JSON.stringify(job(`${stalled.url}/stalled-feed.xml`, 'sample-baodanang')), feedQueue.arn),
        ...healthy.map((feedJob, index) => syntheticRecord(`feed-${index}`, JSON.stringify(feedJob), feedQueue.arn)),
      ];
      const budgetMs = 10_000;
      const startedAt = Date.now();
      const response = await handlers.fetchFeed({ Records: records }, lambdaContext('fetch-feed', budgetMs));
      expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'stalled-feed' }]);
      expect(Date.now() - startedAt).toBeLessThan(budgetMs);
      expect(stalled.hits('/stalled-feed.xml')).toHaveLength(1);
      await drain(sqs, articleQueue.url);
    } finally {
      await stalled.close();
    }
  }, 60_000);
});
