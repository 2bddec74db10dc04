import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { processArticle } from '../lib/pipeline/process-article.ts';
import { invocationName, outcomeEntries, recordOutcomes } from '../lib/pipeline/run-ledger.ts';
import { RawPageBatcher } from '../lib/store/raw-pages.ts';
import type { ArticleOutcome } from '../lib/pipeline/types.ts';
import { MetricNames } from './metric-names.ts';
import {
  articleWriteObserver,
  fetchDeadline,
  fetcherWithDeadline,
  InvocationMetrics,
  logger,
  parseArticleJob,
  pipelineDeps,
} from './runtime.ts';

const processor = new BatchProcessor(EventType.SQS);

export class RetryableArticleError extends Error {
  override readonly name = 'RetryableArticleError';
}

/**
 * ArticleJob messages → processArticle. A retryable failure (timeout, 5xx, 429, store fault, the
 * invocation's deadline) is reported in batchItemFailures so SQS delivers that message again (then the
 * DLQ); a permanent one (404, robots, not an article, extraction error) is logged, counted and acknowledged.
 * The invocation's run ledger (which also carries what source health needs; dispatch folds it) costs no
 * object of its own when it stores articles: the raw page batch, written before them, records each article
 * it is writing. An outcomes object is written after them only for what the batch cannot say: other final
 * states (unchanged, skipped, failed) and writes that did not end as the batch records.
 */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  const deps = await pipelineDeps();
  const invocationMetrics = new InvocationMetrics();
  const deadline = fetchDeadline(context);
  const fetcher = fetcherWithDeadline(deps.fetcher, deadline);
  // The batch's records run at once: their raw pages go into one object, whose manifest is their ledger entry.
  // It waits for every record up to the fetch deadline (no fetch outlives it): the invocation waits for its
  // slowest record anyway, and a batch cut early costs a second PUT.
  const rawPages = new RawPageBatcher(deps.store, {
    clock: deps.clock,
    invocation: invocationName(context.awsRequestId),
    maxWaitMs: Math.max(0, deadline - Date.now()),
  });
  const outcomes: ArticleOutcome[] = [];

  const handleRecord = async (record: SQSRecord): Promise<void> => {
    const job = parseArticleJob(record.body, record.messageId);
    const observed = articleWriteObserver(deps.store);
    // No logger: the one line below says everything the pipeline's own 'article processed' line would.
    const { logger: _pipelineLogger, ...quiet } = deps;
    const outcome = await processArticle(job, { ...quiet, fetcher, store: observed.store, rawPages });
    outcomes.push(outcome);

    const publishedAt = outcome.state === 'stored' && outcome.key !== null ? observed.publishedAtUtc(outcome.key) : null;
    // One line per article: Logs Insights gives the per-source and per-field detail no metric carries.
    logger.info('article outcome', {
      sourceId: job.sourceId,
      url: job.url,
      state: outcome.state,
      key: outcome.key,
      missing: outcome.missing,
      publishToStoreLagMs: publishedAt === null ? null : deps.clock().getTime() - publishedAt.getTime(),
    });
    if (outcome.state === 'stored') invocationMetrics.count(MetricNames.ArticlesStored);

    if (outcome.state.startsWith('failed:')) {
      const details = { url: job.url, state: outcome.state, error: outcome.error, receiveCount: record.attributes.ApproximateReceiveCount };
      if (outcome.retryable) {
        logger.warn('article failed; SQS will retry it', details);
        throw new RetryableArticleError(`${job.url}: ${outcome.state}: ${outcome.error ?? ''}`);
      }
      invocationMetrics.count(MetricNames.ArticlesFailed);
      logger.error('article failed permanently; acknowledged', details);
    }
  };

  try {
    // See fetch-feed: failures are returned, never thrown, so function errors mean crashes.
    const response = await processPartialResponse(event, handleRecord, processor, { context, throwOnFullBatchFailure: false });
    // The articles are stored; failing the batch over the bookkeeping would only process them again.
    await recordOutcomes(deps.store, outcomeEntries(outcomes), deps.clock(), context.awsRequestId).catch((error: unknown) =>
      logger.error('run ledger not written', { error: (error as Error).message }),
    );
    return response;
  } finally {
    invocationMetrics.publish();
  }
};
