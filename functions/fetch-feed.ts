import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { CloudEnv, requireEnv } from '../lib/pipeline/cloud-deps.ts';
import { commitFeedState, fetchFeed, type FetchFeedResult } from '../lib/pipeline/fetch-feed.ts';
import { MetricNames } from './metric-names.ts';
import { deduplicationIdFor, hostGroupId, sendFifoMessages } from './queue.ts';
import { InvocationMetrics, logger, parseFeedJob, pipelineDeps, sqs, timedFetcher } from './runtime.ts';

const processor = new BatchProcessor(EventType.SQS);

export class RetryableFeedError extends Error {
  override readonly name = 'RetryableFeedError';
}

const FEED_METRIC: Record<FetchFeedResult['status'], string> = {
  fetched: MetricNames.FeedsFetched,
  'not-modified': MetricNames.FeedsNotModified,
  failed: MetricNames.FeedsFailed,
};

/**
 * FeedJob messages → fetchFeed → one ArticleJob message per new or changed article (items listed exactly
 * as before are counted unchanged, not queued). The feed state (validators, seen items) is saved only after
 * the articles are queued: if queueing fails, the message is retried and the feed is fetched in full again
 * instead of answering 304 for items nobody queued.
 */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  const deps = await pipelineDeps();
  const articleQueueUrl = requireEnv(process.env, CloudEnv.articleQueueUrl);
  const invocationMetrics = new InvocationMetrics();

  const handleRecord = async (record: SQSRecord): Promise<void> => {
    const job = parseFeedJob(record.body, record.messageId);
    const fetcher = timedFetcher(deps.fetcher, (elapsedMs) =>
      invocationMetrics.milliseconds(job.sourceId, MetricNames.FetchLatency, elapsedMs),
    );
    const result = await fetchFeed(job, { ...deps, fetcher }, { deferStateSave: true });
    invocationMetrics.count(job.sourceId, FEED_METRIC[result.status]);
    if (result.status === 'failed') {
      if (result.retryable) throw new RetryableFeedError(`${job.feedUrl}: ${result.error ?? 'failed'}`);
      logger.warn('feed failed permanently; acknowledged', { feedUrl: job.feedUrl, error: result.error });
      return;
    }
    await sendFifoMessages(
      sqs(),
      articleQueueUrl,
      result.articles.map((article) => ({
        body: JSON.stringify(article),
        groupId: hostGroupId(article.url),
        deduplicationId: deduplicationIdFor(article.url),
      })),
    );
    await commitFeedState(result, deps);
    invocationMetrics.count(job.sourceId, MetricNames.ArticlesDiscovered, result.articles.length + result.listedAsBefore.length);
    // Listed exactly as before by the feed: already stored, not fetched again.
    invocationMetrics.count(job.sourceId, MetricNames.ArticlesUnchanged, result.listedAsBefore.length);
  };

  try {
    // Retryable failures are returned as batchItemFailures even when every record failed: a thrown
    // error would count as a function error, and those alarm.
    return await processPartialResponse(event, handleRecord, processor, { context, throwOnFullBatchFailure: false });
  } finally {
    invocationMetrics.publish();
  }
};
