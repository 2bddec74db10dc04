import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandFeedUrl } from '../../lib/pipeline/discover.ts';
import { articleIdFor } from '../../lib/schema/ids.ts';
import type { ArticleJob, FeedJob } from '../../lib/pipeline/types.ts';
import { createSampleSite, type SampleSite } from '../../lib/sample-site/site.ts';
import { createTestBucket, startMoto, testS3Client, type MotoServer } from '../helpers/moto.ts';

/**
 * The Lambda handlers invoked as Lambda invokes them (a Scheduler input, SQS batches in the event shape
 * Lambda builds from received messages), against moto_server's S3 and SQS and the sample site on 127.0.0.1.
 */

const REGION = 'us-east-1';
const BUCKET = 'news-ingest-handlers';
const SCHEDULED_TIME = '2026-09-05T15:15:00Z';
/** Listed by no feed; the sample site answers 503 for it, so processArticle fails it as retryable. */
const FLAKY_PATH = '/baodanang/tam-thoi-loi-1000003.html';

let moto: MotoServer;
let site: SampleSite;
let sqs: SQSClient;
let workDir: string;
let feedQueue: { url: string; arn: string };
let articleQueue: { url: string; arn: string };

type Handlers = {
  dispatch: typeof import('../../functions/dispatch.ts').handler;
  fetchFeed: typeof import('../../functions/fetch-feed.ts').handler;
  processArticle: typeof import('../../functions/process-article.ts').handler;
};
let handlers: Handlers;

function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: `req-${functionName}-${Date.now()}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/09/05/[$LATEST]test',
    getRemainingTimeInMillis: () => 120_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function createFifoQueue(name: string): Promise<{ url: string; arn: string }> {
  const created = await sqs.send(
    new CreateQueueCommand({ QueueName: `${name}.fifo`, Attributes: { FifoQueue: 'true', VisibilityTimeout: '60' } }),
  );
  const url = created.QueueUrl!;
  const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return { url, arn: attributes.Attributes!.QueueArn! };
}

/** Receives and deletes everything (a FIFO group stays blocked while its messages are in flight). */
async function drain(queueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) return all;
    all.push(...messages);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
      }),
    );
  }
}

/** The record Lambda's SQS event source builds from a received message. */
function recordFrom(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body!,
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(attributes.MessageGroupId ? { MessageGroupId: attributes.MessageGroupId } : {}),
      ...(attributes.MessageDeduplicationId ? { MessageDeduplicationId: attributes.MessageDeduplicationId } : {}),
      ...(attributes.SequenceNumber ? { SequenceNumber: attributes.SequenceNumber } : {}),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody!,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: REGION,
  };
}

function syntheticRecord(messageId: string, body: string, queueArn: string): SQSRecord {
  return recordFrom({ MessageId: messageId, ReceiptHandle: `handle-${messageId}`, Body: body, MD5OfBody: 'x', Attributes: {} }, queueArn);
}

/** EMF lines the handler printed (Powertools writes them to stdout). */
async function capturingEmf<T>(run: () => Promise<T>): Promise<{ result: T; emf: Array<Record<string, any>> }> {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  try {
    const result = await run();
    const emf = lines
      .flatMap((text) => text.split('\n'))
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, any>);
    return { result, emf };
  } finally {
    process.stdout.write = write;
  }
}

function metricSum(emf: Array<Record<string, any>>, name: string, source: string): number {
  let sum = 0;
  for (const line of emf) {
    if (line.source !== source || line[name] === undefined) continue;
    const value = line[name] as number | number[];
    sum += Array.isArray(value) ? value.reduce((a, b) => a + b, 0) : value;
  }
  return sum;
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
  feedQueue = await createFifoQueue('feeds');
  articleQueue = await createFifoQueue('articles');

  site = await createSampleSite({
    intercept: (request, response) => {
      if (request.url !== FLAKY_PATH) return false;
      response.writeHead(503, { 'content-type': 'text/plain' }).end('busy\n');
      return true;
    },
  });
  workDir = await mkdtemp(join(tmpdir(), 'news-ingest-handlers-'));
  const configPath = join(workDir, 'feeds.json');
  await writeFile(configPath, JSON.stringify(site.config()));

  // What the stack sets, plus what the Lambda runtime provides, pointed at moto and the sample site.
  Object.assign(process.env, {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_ENDPOINT_URL: moto.endpoint,
    NEWS_INGEST_BUCKET: BUCKET,
    NEWS_INGEST_CONFIG: configPath,
    NEWS_INGEST_FEED_QUEUE_URL: feedQueue.url,
    NEWS_INGEST_ARTICLE_QUEUE_URL: articleQueue.url,
    NEWS_INGEST_ALLOW_LOOPBACK: '1',
    POWERTOOLS_LOG_LEVEL: 'WARN',
  });
  handlers = {
    dispatch: (await import('../../functions/dispatch.ts')).handler,
    fetchFeed: (await import('../../functions/fetch-feed.ts')).handler,
    processArticle: (await import('../../functions/process-article.ts')).handler,
  };
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
    expect(result).toEqual({ runId: '20260905T151500Z-scheduled', feedsQueued: site.feeds.length });
    // The Scheduler retries a failed invocation with the same input: same run id, same deduplication ids.
    // (Drained only afterwards: moto deduplicates against messages still queued, SQS for five minutes.)
    const retried = await handlers.dispatch(schedulerInput, lambdaContext('dispatch'), () => undefined);
    expect(retried?.feedsQueued).toBe(site.feeds.length);

    feedMessages = await drain(feedQueue.url);
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
    const emf: Array<Record<string, any>> = [];
    for (const batch of batches) {
      const captured = await capturingEmf(() => handlers.fetchFeed({ Records: batch } satisfies SQSEvent, lambdaContext('fetch-feed')));
      responses.push(captured.result);
      emf.push(...captured.emf);
    }
    expect(responses[0]!.batchItemFailures).toEqual([{ itemIdentifier: 'poisoned-feed-message' }]);
    expect(responses[1]!.batchItemFailures).toEqual([]);

    articleMessages = await drain(articleQueue.url);
    const urls = articleMessages.map((message) => (JSON.parse(message.Body!) as ArticleJob).url);
    const expected = new Set([...site.pages.map((page) => page.url), ...Object.values(site.extras!)]);
    // sharedUrl is listed by two feeds: the article queue's deduplication keeps one message.
    expect(urls.sort()).toEqual([...expected].sort());
    expect(new Set(articleMessages.map((message) => message.Attributes?.MessageGroupId))).toEqual(new Set([new URL(site.origin).host]));

    expect(await keysUnder('state/feeds/')).toHaveLength(site.feeds.length);
    expect(metricSum(emf, 'FeedsFetched', 'sample-baodanang')).toBe(3);
    expect(metricSum(emf, 'FeedsFetched', 'sample-vnexpress')).toBe(1);
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
    const emf: Array<Record<string, any>> = [];
    for (const batch of batches) {
      const captured = await capturingEmf(() =>
        handlers.processArticle({ Records: batch } satisfies SQSEvent, lambdaContext('process-article')),
      );
      responses.push(captured.result);
      emf.push(...captured.emf);
    }
    expect(responses[0]!.batchItemFailures).toEqual([{ itemIdentifier: 'flaky-article' }]);
    expect(responses[1]!.batchItemFailures).toEqual([]);

    const stored = (await keysUnder('articles/v1/')).filter((key) => key.endsWith('.json'));
    expect(stored).toHaveLength(site.pages.length);
    const total = (name: string) => [...new Set(emf.map((line) => line.source as string))].reduce((sum, source) => sum + metricSum(emf, name, source), 0);
    expect(total('ArticlesStored')).toBe(site.pages.length);
    // Section page (not an article), robots-disallowed, 404: each acknowledged, none retried.
    expect(total('ArticlesSkipped')).toBe(3);
    expect(total('ArticlesFailed')).toBe(1);
    expect(metricSum(emf, 'ArticlesFailed', 'sample-baodanang')).toBe(1);
    // Every stored sample page has a publishedAt, so each first store reports its lag.
    const lagLines = emf.filter((line) => line.PublishToStoreLag !== undefined);
    expect(lagLines.length).toBeGreaterThan(0);
    for (const line of emf) expect(line.service).toBe('news-ingest');
  });

  it('process-article: a body that is not an ArticleJob is reported alone; its neighbour is processed (unchanged)', async () => {
    const neighbour = syntheticRecord('known-article', articleMessages[0]!.Body!, articleQueue.arn);
    const malformed = syntheticRecord('malformed-article', JSON.stringify({ url: 'not a url' }), articleQueue.arn);
    const { result, emf } = await capturingEmf(() =>
      handlers.processArticle({ Records: [malformed, neighbour] }, lambdaContext('process-article')),
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'malformed-article' }]);
    const source = (JSON.parse(articleMessages[0]!.Body!) as ArticleJob).sourceId;
    expect(metricSum(emf, 'ArticlesUnchanged', source) + metricSum(emf, 'ArticlesSkipped', source)).toBe(1);
  });

  it('process-article: an update keeps the earlier version as an object version only, no revisions/ copy', async () => {
    const job = JSON.parse(articleMessages[0]!.Body!) as ArticleJob;
    const page = site.pages.find((candidate) => candidate.url === job.url)!;
    const key = (await keysUnder('articles/v1/')).find((candidate) => candidate.endsWith(`/${articleIdFor(page.url)}.json`))!;
    site.reviseArticle(page.index);
    const { result, emf } = await capturingEmf(() =>
      handlers.processArticle({ Records: [syntheticRecord('revised-article', JSON.stringify(job), articleQueue.arn)] }, lambdaContext('process-article')),
    );
    expect(result.batchItemFailures).toEqual([]);
    expect(metricSum(emf, 'ArticlesUpdated', job.sourceId)).toBe(1);
    const client = testS3Client(moto.endpoint);
    try {
      const versions = await client.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: key }));
      expect(versions.Versions).toHaveLength(2);
    } finally {
      client.destroy();
    }
    expect(await keysUnder('revisions/')).toEqual([]);
  });
});
