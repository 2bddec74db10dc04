import type { Context, Handler } from 'aws-lambda';
import { CloudEnv, requireEnv } from '../lib/pipeline/cloud-deps.ts';
import { discoverDueFeeds, newRunId } from '../lib/pipeline/discover.ts';
import { deduplicationIdFor, hostGroupId, sendFifoMessages } from './queue.ts';
import { logger, pipelineDeps, sqs } from './runtime.ts';

/**
 * The input the stack's EventBridge Scheduler target sends (ScheduleTargetInput with context attributes).
 * A hand-started invocation may send `{}`.
 */
export interface DispatchEvent {
  scheduleArn?: string;
  scheduledTime?: string;
  executionId?: string;
}

export interface DispatchResult {
  runId: string;
  feedsQueued: number;
}

export class BadDispatchEventError extends Error {
  override readonly name = 'BadDispatchEventError';
}

/**
 * One run per scheduled time: a retried invocation of the same tick gets the same run id, so the
 * feed queue's deduplication drops the messages the first attempt already sent.
 */
export function runIdFor(event: DispatchEvent, now: Date): string {
  if (event.scheduledTime === undefined) return newRunId(now);
  const scheduled = new Date(event.scheduledTime);
  if (Number.isNaN(scheduled.getTime())) {
    throw new BadDispatchEventError(`scheduledTime ${JSON.stringify(event.scheduledTime)} is not an ISO 8601 time`);
  }
  return `${scheduled.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-scheduled`;
}

export const handler: Handler<DispatchEvent, DispatchResult> = async (event: DispatchEvent, context: Context) => {
  logger.addContext(context);
  const deps = await pipelineDeps();
  const queueUrl = requireEnv(process.env, CloudEnv.feedQueueUrl);
  const runId = runIdFor(event ?? {}, deps.clock());
  const jobs = await discoverDueFeeds(deps, runId);
  await sendFifoMessages(
    sqs(),
    queueUrl,
    jobs.map((job) => ({
      body: JSON.stringify(job),
      groupId: hostGroupId(job.feedUrl),
      deduplicationId: deduplicationIdFor(job.runId, job.feedUrl),
    })),
  );
  logger.info('dispatched due feeds', { runId, feedsQueued: jobs.length, scheduleArn: event?.scheduleArn });
  return { runId, feedsQueued: jobs.length };
};
