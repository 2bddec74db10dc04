import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { processArticle } from '../lib/pipeline/process-article.ts';
import type { ArticleOutcome } from '../lib/pipeline/types.ts';
import { MISSING_FIELD_METRICS, MetricNames } from './metric-names.ts';
import { articleWriteObserver, InvocationMetrics, logger, parseArticleJob, pipelineDeps, timedFetcher } from './runtime.ts';

const processor = new BatchProcessor(EventType.SQS);
const WATCHED_FIELDS: ReadonlySet<string> = new Set(MISSING_FIELD_METRICS);

export class RetryableArticleError extends Error {
  override readonly name = 'RetryableArticleError';
}

function stateMetric(state: ArticleOutcome['state']): string {
  if (state === 'stored') return MetricNames.ArticlesStored;
  if (state === 'updated') return MetricNames.ArticlesUpdated;
  if (state === 'unchanged') return MetricNames.ArticlesUnchanged;
  return state.startsWith('skipped:') ? MetricNames.ArticlesSkipped : MetricNames.ArticlesFailed;
}

/**
 * ArticleJob messages → processArticle. A retryable failure (timeout, 5xx, 429, store fault) is reported
 * in batchItemFailures so SQS delivers that message again (then the DLQ); a permanent one (404, robots,
 * not an article, extraction error) is logged, counted and acknowledged.
 */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  const deps = await pipelineDeps();
  const invocationMetrics = new InvocationMetrics();

  const handleRecord = async (record: SQSRecord): Promise<void> => {
    const job = parseArticleJob(record.body, record.messageId);
    const observed = articleWriteObserver(deps.store);
    const fetcher = timedFetcher(deps.fetcher, (elapsedMs) =>
      invocationMetrics.milliseconds(job.sourceId, MetricNames.FetchLatency, elapsedMs),
    );
    const outcome = await processArticle(job, { ...deps, fetcher, store: observed.store });

    invocationMetrics.count(job.sourceId, stateMetric(outcome.state));
    if (outcome.state === 'stored' || outcome.state === 'updated' || outcome.state === 'unchanged') {
      for (const field of outcome.missing) {
        if (WATCHED_FIELDS.has(field)) invocationMetrics.count(job.sourceId, MetricNames.MissingField, 1, field);
      }
    }
    const publishedAt = outcome.state === 'stored' && outcome.key !== null ? observed.publishedAtUtc(outcome.key) : null;
    if (publishedAt !== null) {
      invocationMetrics.milliseconds(job.sourceId, MetricNames.PublishToStoreLag, deps.clock().getTime() - publishedAt.getTime());
    }

    if (outcome.state.startsWith('failed:')) {
      const details = { url: job.url, state: outcome.state, error: outcome.error, receiveCount: record.attributes.ApproximateReceiveCount };
      if (outcome.retryable) {
        logger.warn('article failed; SQS will retry it', details);
        throw new RetryableArticleError(`${job.url}: ${outcome.state}: ${outcome.error ?? ''}`);
      }
      logger.error('article failed permanently; acknowledged', details);
    }
  };

  try {
    // See fetch-feed: failures are returned, never thrown, so function errors mean crashes.
    return await processPartialResponse(event, handleRecord, processor, { context, throwOnFullBatchFailure: false });
  } finally {
    invocationMetrics.publish();
  }
};
