import { Logger } from '@aws-lambda-powertools/logger';
import { reextractRawObject, type ReextractResult } from '../lib/dataset/reextract.ts';
import { bucketStoreFromEnv } from '../lib/dataset/open-store.ts';
import * as z from '../lib/schema/zod.ts';
import type { S3ObjectStore } from '../lib/store/s3.ts';
import { METRICS_SERVICE } from './metric-names.ts';

/**
 * One item of the re-extraction Distributed Map (infra/reextract.ts): an object the S3 item reader listed
 * under raw/ (a batch of pages, or a page stored before batching), as {Key, Size, Etag, LastModified,
 * StorageClass}. A page that cannot be re-extracted fails the item (after the object's other pages are
 * done), so the map counts it against its tolerated failures and its result file names it.
 */

const logger = new Logger({ serviceName: METRICS_SERVICE });

const ItemSchema = z.looseObject({ Key: z.string().check(z.minLength(1)) });

export class ReextractFailedError extends Error {
  override readonly name = 'ReextractFailedError';
}

let store: S3ObjectStore | undefined;

export async function handler(item: unknown): Promise<ReextractResult[]> {
  store ??= bucketStoreFromEnv(process.env);
  const parsed = ItemSchema.safeParse(item);
  if (!parsed.success) throw new ReextractFailedError(`not an S3 item reader item {Key: …}: ${JSON.stringify(item).slice(0, 200)}`);
  // The stack's bucket is versioned: it keeps the earlier revision (see cloud-deps.ts).
  const results = await reextractRawObject(store, parsed.data.Key, { keepRevisions: 'bucket-versioning' });
  for (const result of results) logger.info('re-extracted', { ...result });
  const failed = results.filter((result) => result.outcome === 'failed');
  if (failed.length > 0) {
    logger.error('re-extraction failed', { rawKey: parsed.data.Key, failed });
    const described = failed.map((result) => `${result.articleId ?? result.rawKey}: ${result.reason}`).join('; ');
    throw new ReextractFailedError(`${parsed.data.Key}: ${failed.length} of ${results.length} pages failed: ${described}`);
  }
  return results;
}
