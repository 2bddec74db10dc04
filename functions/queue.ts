import { setTimeout as sleep } from 'node:timers/promises';
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
import { sha256Hex } from '../lib/schema/ids.ts';

/** SQS takes at most ten messages per SendMessageBatch. */
const SQS_BATCH_LIMIT = 10;
/** Entries SQS rejects inside a successful call (throttling, internal errors) are sent again this often. */
const ENTRY_ATTEMPTS = 3;
const ENTRY_RETRY_BASE_MS = 200;

export interface FifoMessage {
  body: string;
  /** The host the job will fetch: one host's jobs are never in two invocations at once. */
  groupId: string;
  /** Same id within five minutes: SQS keeps only the first. */
  deduplicationId: string;
}

export class EnqueueError extends Error {
  override readonly name = 'EnqueueError';
}

/** Group by host: `host` keeps a non-default port, so two local test servers are two groups. */
export function hostGroupId(url: string): string {
  return new URL(url).host;
}

export function deduplicationIdFor(...parts: string[]): string {
  return sha256Hex(parts.join('\n'));
}

/** Sends every message or throws naming the ones SQS refused; partial successes are not sent twice. */
export async function sendFifoMessages(client: SQSClient, queueUrl: string, messages: FifoMessage[]): Promise<void> {
  for (let start = 0; start < messages.length; start += SQS_BATCH_LIMIT) {
    let pending: SendMessageBatchRequestEntry[] = messages.slice(start, start + SQS_BATCH_LIMIT).map((message, index) => ({
      Id: String(start + index),
      MessageBody: message.body,
      MessageGroupId: message.groupId,
      MessageDeduplicationId: message.deduplicationId,
    }));
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      const result = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }));
      const failed = result.Failed ?? [];
      if (failed.length === 0) break;
      const permanent = failed.filter((entry) => entry.SenderFault === true);
      if (permanent.length > 0 || attempt >= ENTRY_ATTEMPTS) {
        const reasons = failed.map((entry) => `${entry.Id}: ${entry.Code ?? 'unknown'} ${entry.Message ?? ''}`.trim());
        throw new EnqueueError(`SQS refused ${failed.length} of ${pending.length} messages to ${queueUrl}: ${reasons.join('; ')}`);
      }
      const failedIds = new Set(failed.map((entry) => entry.Id));
      pending = pending.filter((entry) => failedIds.has(entry.Id));
      await sleep(ENTRY_RETRY_BASE_MS * 2 ** (attempt - 1));
    }
  }
}
