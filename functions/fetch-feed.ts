import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { CloudEnv, requireEnv } from '../lib/pipeline/cloud-deps.ts';
import { commitFeedState, fetchFeed } from '../lib/pipeline/fetch-feed.ts';
import { pollEntry, recordPolls, type PollEntry } from '../lib/pipeline/run-ledger.ts';
import { MetricNames } from './metric-names.ts';
import { deduplicationIdFor, hostGroupId, sendFifoMessages } from './queue.ts';
import { fetchDeadline, fetcherWithDeadline, InvocationMetrics, logger, parseFeedJob, pipelineDeps, sqs } from './runtime.ts';

const processor = new BatchProcessor(EventType.SQS);

export class RetryableFeedError extends Error {
  override readonly name = 'RetryableFeedError';
}

/**
 * FeedJob messages → fetchFeed → one ArticleJob message per new or changed article (items listed exactly
 * as before are counted unchanged, not queued). The feed state (validators, seen items) is saved only after
 * the articles are queued: if queueing fails, the message is retried and the feed is fetched in full again
 * instead of answering 304 for items nobody queued. Records run in parallel (one host each, FIFO groups),
 * and no fetch runs past the invocation's deadline: a stalled host fails only its own message.
 */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  const deps = await pipelineDeps();
  const articleQueueUrl = requireEnv(process.env, CloudEnv.articleQueueUrl);
  const invocationMetrics = new InvocationMetrics();
  const fetcher = fetcherWithDeadline(deps.fetcher, fetchDeadline(context));
  const polls: PollEntry[] = [];

  const handleRecord = async (record: SQSRecord): Promise<void> => {
    const job = parseFeedJob(record.body, record.messageId);
    const result = await fetchFeed(job, { ...deps, fetcher }, { deferStateSave: true });
    logger.info('feed polled', {
      sourceId: job.sourceId,
      feedUrl: job.feedUrl,
      status: result.status,
      queued: result.articles.length,
      listedAsBefore: result.listedAsBefore.length,
      newItems: result.newItems,
      error: result.error,
    });
    if (result.status === 'failed') {
      polls.push(pollEntry(result));
      if (result.retryable) throw new RetryableFeedError(`${job.feedUrl}: ${result.error ?? 'failed'}`);
      invocationMetrics.count(MetricNames.FeedsFailed);
      logger.warn('feed failed permanently; acknowledged', { sourceId: job.sourceId, feedUrl: job.feedUrl, error: result.error });
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
    polls.push(pollEntry(result));
    await commitFeedState(result, deps);
  };

  try {
    // Retryable failures are returned as batchItemFailures even when every record failed: a thrown
    // error would count as a function error, and those alarm.
    const response = await processPartialResponse(event, handleRecord, processor, { context, throwOnFullBatchFailure: false });
    await recordPolls(deps.store, polls, deps.clock(), context.awsRequestId).catch((error: unknown) =>
      logger.error('run ledger not written', { error: (error as Error).message }),
    );
    return response;
  } finally {
    invocationMetrics.publish();
  }
};
