import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deduplicationIdFor, hostGroupId, sendFifoMessages, type FifoMessage } from '../../functions/queue.ts';
import { startMoto, type MotoServer } from '../helpers/moto.ts';

/** The handlers' SQS sender against moto_server: any number of messages, in batches of ten. */

let moto: MotoServer;
let sqs: SQSClient;

async function fifoQueue(name: string): Promise<string> {
  const created = await sqs.send(new CreateQueueCommand({ QueueName: `${name}.fifo`, Attributes: { FifoQueue: 'true' } }));
  return created.QueueUrl!;
}

/** Receives and deletes: a FIFO group stays blocked while its messages are in flight. */
async function receiveAll(queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    const messages = received.Messages ?? [];
    if (messages.length === 0) return bodies;
    bodies.push(...messages.map((message) => message.Body!));
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((received, index) => ({ Id: String(index), ReceiptHandle: received.ReceiptHandle! })),
      }),
    );
  }
}

const message = (n: number, host = 'example.com'): FifoMessage => ({
  body: JSON.stringify({ n }),
  groupId: `${host}-${n % 3}`,
  deduplicationId: deduplicationIdFor(String(n)),
});

beforeAll(async () => {
  moto = await startMoto();
  sqs = new SQSClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
}, 60_000);

afterAll(async () => {
  sqs?.destroy();
  await moto?.stop();
});

describe('sendFifoMessages', () => {
  it('sends 23 messages in batches of ten, each exactly once', async () => {
    const queueUrl = await fifoQueue('batches');
    await sendFifoMessages(sqs, queueUrl, Array.from({ length: 23 }, (_, n) => message(n)));
    const received = (await receiveAll(queueUrl)).map((body) => (JSON.parse(body) as { n: number }).n);
    expect(received.sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, n) => n));
  });
});

describe('hostGroupId', () => {
  it('groups by host, keeping a non-default port', () => {
    expect(hostGroupId('https://baodanang.vn/a-1.html')).toBe('baodanang.vn');
    expect(hostGroupId('https://en.baodanang.vn/a-1.html')).toBe('en.baodanang.vn');
    expect(hostGroupId('http://127.0.0.1:8788/x')).toBe('127.0.0.1:8788');
  });
});
