import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSRecord } from 'aws-lambda';

/** What Lambda hands the handlers: a context, SQS records built from received messages, EMF on stdout. */

export const REGION = 'us-east-1';

export interface HandlerEnvironment {
  motoEndpoint: string;
  bucket: string;
  configPath: string;
  feedQueueUrl: string;
  articleQueueUrl: string;
  /** dispatch's source health rules (the stack sets them from the deploy settings). */
  staleAfterHours: string;
  driftThresholdPercent: string;
  logLevel: 'WARN' | 'ERROR';
}

/**
 * Sets what the stack gives the pipeline functions, plus what the Lambda runtime provides, pointed at moto
 * and loopback, and imports the three handlers (which read it on first use).
 */
export async function pipelineHandlers(environment: HandlerEnvironment) {
  Object.assign(process.env, {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_ENDPOINT_URL: environment.motoEndpoint,
    NEWS_INGEST_BUCKET: environment.bucket,
    NEWS_INGEST_CONFIG: environment.configPath,
    NEWS_INGEST_FEED_QUEUE_URL: environment.feedQueueUrl,
    NEWS_INGEST_ARTICLE_QUEUE_URL: environment.articleQueueUrl,
    NEWS_INGEST_ALLOW_LOOPBACK: '1',
    NEWS_INGEST_STALE_AFTER_HOURS: environment.staleAfterHours,
    NEWS_INGEST_DRIFT_THRESHOLD_PERCENT: environment.driftThresholdPercent,
    POWERTOOLS_LOG_LEVEL: environment.logLevel,
  });
  return {
    dispatch: (await import('../../functions/dispatch.ts')).handler,
    fetchFeed: (await import('../../functions/fetch-feed.ts')).handler,
    processArticle: (await import('../../functions/process-article.ts')).handler,
  };
}

/** `remainingMs`: what getRemainingTimeInMillis answers, counting down from the moment the context is made. */
export function lambdaContext(functionName: string, remainingMs = 120_000): Context {
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: `req-${functionName}-${Date.now()}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/09/05/[$LATEST]test',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export async function createFifoQueue(sqs: SQSClient, name: string): Promise<{ url: string; arn: string }> {
  const created = await sqs.send(
    new CreateQueueCommand({ QueueName: `${name}.fifo`, Attributes: { FifoQueue: 'true', VisibilityTimeout: '60' } }),
  );
  const url = created.QueueUrl!;
  const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return { url, arn: attributes.Attributes!.QueueArn! };
}

/** Receives and deletes everything (a FIFO group stays blocked while its messages are in flight). */
export async function drain(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
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
export function recordFrom(message: Message, queueArn: string): SQSRecord {
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

export function syntheticRecord(messageId: string, body: string, queueArn: string): SQSRecord {
  return recordFrom({ MessageId: messageId, ReceiptHandle: `handle-${messageId}`, Body: body, MD5OfBody: 'x', Attributes: {} }, queueArn);
}

export type EmfLine = Record<string, any>;

/** EMF lines the handler printed (Powertools writes them to stdout). */
export async function capturingEmf<T>(run: () => Promise<T>): Promise<{ result: T; emf: EmfLine[] }> {
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
      .map((line) => JSON.parse(line) as EmfLine);
    return { result, emf };
  } finally {
    process.stdout.write = write;
  }
}

/** The sum of one metric over EMF lines (values may be numbers or arrays). */
export function metricSum(emf: readonly EmfLine[], name: string): number {
  let sum = 0;
  for (const line of emf) {
    const value = line[name] as number | number[] | undefined;
    if (value === undefined) continue;
    sum += Array.isArray(value) ? value.reduce((a, b) => a + b, 0) : value;
  }
  return sum;
}
