import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { cloudDepsFromEnv } from '../lib/pipeline/cloud-deps.ts';
import * as z from '../lib/schema/zod.ts';
import type { ArticleJob, FeedJob, PipelineDeps, PipelineLogger } from '../lib/pipeline/types.ts';
import type { ObjectStore } from '../lib/store/types.ts';
import type { PageFetcher } from '../lib/http/types.ts';
import { METRICS_NAMESPACE, METRICS_SERVICE } from './metric-names.ts';

/** What every handler shares; built once per Lambda execution environment. */

export const logger = new Logger({ serviceName: METRICS_SERVICE });
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });

const pipelineLogger: PipelineLogger = {
  info: (message, details) => logger.info(message, details ?? {}),
  warn: (message, details) => logger.warn(message, details ?? {}),
  error: (message, details) => logger.error(message, details ?? {}),
};

let depsPromise: Promise<PipelineDeps> | undefined;

/** Reads the environment on first use, so a misconfigured function fails its first invocation with the reason. */
export function pipelineDeps(): Promise<PipelineDeps> {
  depsPromise ??= cloudDepsFromEnv(process.env, pipelineLogger);
  return depsPromise;
}

let sqsClient: SQSClient | undefined;

/** Region and endpoint come from the environment (AWS_REGION, AWS_ENDPOINT_URL[_SQS]) as the SDK reads them. */
export function sqs(): SQSClient {
  sqsClient ??= new SQSClient({});
  return sqsClient;
}

const FeedJobSchema = z.strictObject({
  sourceId: z.string().check(z.minLength(1)),
  feedUrl: z.string().check(z.url()),
  kind: z.enum(['rss', 'atom', 'sitemap', 'auto']),
  runId: z.string().check(z.minLength(1)),
  tickAt: z.optional(z.string().check(z.iso.datetime())),
});

const ArticleJobSchema = z.strictObject({
  sourceId: z.string().check(z.minLength(1)),
  url: z.string().check(z.url()),
  guid: z.nullable(z.string()),
  feedUrl: z.string().check(z.url()),
  runId: z.string().check(z.minLength(1)),
});

export class BadMessageError extends Error {
  override readonly name = 'BadMessageError';
}

function parseBody<T>(body: string, schema: z.ZodMiniType<T>, what: string, messageId: string): T {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new BadMessageError(`message ${messageId} is not JSON (${(error as Error).message}); expected a ${what}`);
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    throw new BadMessageError(`message ${messageId} is not a valid ${what}: ${z.describeIssues(result.error.issues)}`);
  }
  return result.data;
}

export const parseFeedJob = (body: string, messageId: string): FeedJob => parseBody(body, FeedJobSchema, 'FeedJob', messageId);
export const parseArticleJob = (body: string, messageId: string): ArticleJob =>
  parseBody(body, ArticleJobSchema, 'ArticleJob', messageId);

/**
 * Counts one invocation's metrics and publishes them as one EMF line with the `service` dimension only
 * (see metric-names.ts for why no metric carries the source).
 */
export class InvocationMetrics {
  private readonly counts = new Map<string, number>();

  count(name: string, value = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + value);
  }

  publish(): void {
    if (this.counts.size === 0) return;
    for (const [name, value] of this.counts) metrics.addMetric(name, MetricUnit.Count, value);
    metrics.publishStoredMetrics();
    this.counts.clear();
  }
}

/**
 * Time kept back from the invocation's end for what follows the fetches (queueing articles, saving state,
 * answering with the batch item failures): a fifth of the remaining time, at most FINISHING_MS. Past the
 * deadline nothing new is fetched, so a message whose host stalls comes back as a batch item failure
 * instead of the whole batch timing out (and every message of it counting towards the DLQ).
 */
export const FINISHING_MS = 15_000;

/** Epoch ms by which fetching must stop, from the Lambda context's remaining time. */
export function fetchDeadline(context: Pick<Context, 'getRemainingTimeInMillis'>): number {
  const remaining = context.getRemainingTimeInMillis();
  return Date.now() + remaining - Math.min(FINISHING_MS, remaining / 5);
}

/** The fetcher, with every request bounded by `deadline`. */
export function fetcherWithDeadline(fetcher: PageFetcher, deadline: number): PageFetcher {
  return { fetch: (request) => fetcher.fetch({ ...request, deadline }) };
}

/**
 * The store, noting the publishedAtUtc of each article JSON it writes: ArticleOutcome does not carry the
 * article, and reading it back would cost a GET per stored article.
 */
export function articleWriteObserver(store: ObjectStore): { store: ObjectStore; publishedAtUtc(key: string): Date | null } {
  const published = new Map<string, Date | null>();
  return {
    store: {
      description: store.description,
      get: (key) => store.get(key),
      getWithEtag: (key) => store.getWithEtag(key),
      getStart: (key, bytes) => store.getStart(key, bytes),
      list: (prefix) => store.list(prefix),
      listWithTimes: (prefix) => store.listWithTimes(prefix),
      delete: (key) => store.delete(key),
      async put(key, body, options) {
        const etag = await store.put(key, body, options);
        if (key.startsWith('articles/') && key.endsWith('.json')) published.set(key, readPublishedAtUtc(body));
        return etag;
      },
    },
    publishedAtUtc: (key) => published.get(key) ?? null,
  };
}

function readPublishedAtUtc(body: Buffer | string): Date | null {
  try {
    const article = JSON.parse(typeof body === 'string' ? body : body.toString('utf8')) as { publishedAtUtc?: unknown };
    if (typeof article.publishedAtUtc !== 'string') return null;
    const date = new Date(article.publishedAtUtc);
    return Number.isNaN(date.getTime()) ? null : date;
  } catch {
    return null;
  }
}
