import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { SQSClient } from '@aws-sdk/client-sqs';
import { cloudDepsFromEnv } from '../lib/pipeline/cloud-deps.ts';
import * as z from '../lib/schema/zod.ts';
import type { ArticleJob, FeedJob, PipelineDeps, PipelineLogger } from '../lib/pipeline/types.ts';
import type { ObjectStore } from '../lib/store/types.ts';
import type { PageFetcher } from '../lib/http/types.ts';
import { FIELD_DIMENSION, METRICS_NAMESPACE, METRICS_SERVICE, SOURCE_DIMENSION } from './metric-names.ts';

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

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

interface Sample {
  name: string;
  unit: Unit;
  value: number;
}

/**
 * Collects one invocation's metrics per dimension set (source, or source + field) and publishes them as
 * one EMF line per set: Powertools keeps a single dimension set per buffer, and a batch mixes sources.
 */
export class InvocationMetrics {
  private readonly byDimensions = new Map<string, { dimensions: Record<string, string>; samples: Sample[] }>();

  count(sourceId: string, name: string, value = 1, field?: string): void {
    this.add(sourceId, field, { name, unit: MetricUnit.Count, value });
  }

  milliseconds(sourceId: string, name: string, value: number): void {
    this.add(sourceId, undefined, { name, unit: MetricUnit.Milliseconds, value });
  }

  publish(): void {
    for (const { dimensions, samples } of this.byDimensions.values()) {
      metrics.addDimensions(dimensions);
      for (const sample of samples) metrics.addMetric(sample.name, sample.unit, sample.value);
      metrics.publishStoredMetrics();
    }
    this.byDimensions.clear();
  }

  private add(sourceId: string, field: string | undefined, sample: Sample): void {
    const dimensions: Record<string, string> = { [SOURCE_DIMENSION]: sourceId };
    if (field !== undefined) dimensions[FIELD_DIMENSION] = field;
    const id = JSON.stringify(dimensions);
    let entry = this.byDimensions.get(id);
    if (entry === undefined) {
      entry = { dimensions, samples: [] };
      this.byDimensions.set(id, entry);
    }
    entry.samples.push(sample);
  }
}

/** The fetcher, reporting each fetch's time (including retries and politeness waits) as FetchLatency. */
export function timedFetcher(fetcher: PageFetcher, onFetched: (elapsedMs: number) => void): PageFetcher {
  return {
    async fetch(request) {
      const response = await fetcher.fetch(request);
      onFetched(response.elapsedMs);
      return response;
    },
  };
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
      list: (prefix) => store.list(prefix),
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
