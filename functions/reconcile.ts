import { Logger } from '@aws-lambda-powertools/logger';
import { bucketStoreFromEnv } from '../lib/dataset/open-store.ts';
import { reconcileFeedStates, type ReconcileResult } from '../lib/pipeline/reconcile.ts';
import { METRICS_SERVICE } from './metric-names.ts';

/**
 * Scheduled reconciliation of the feed states with the bucket (infra/reconcile.ts): fetch-feed remembers
 * an item as seen once it is queued, so an article that never got stored (its message dead-lettered) or
 * was deleted since would otherwise never be fetched again. One listing of articles/v2/, one GET per feed.
 */

const logger = new Logger({ serviceName: METRICS_SERVICE });

export async function handler(): Promise<ReconcileResult> {
  const result = await reconcileFeedStates(bucketStoreFromEnv(process.env), {
    info: (message, details) => logger.info(message, details ?? {}),
    warn: (message, details) => logger.warn(message, details ?? {}),
    error: (message, details) => logger.error(message, details ?? {}),
  });
  logger.info('feed states reconciled with the bucket', { ...result });
  return result;
}
