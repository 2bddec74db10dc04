import { loadConfig } from '../config.ts';
import { BUCKET_ENV } from '../dataset/open-store.ts';
import { PoliteFetcher } from '../http/fetcher.ts';
import { s3StoreFromEnvironment } from '../store/s3.ts';
import { hostLimitsFor } from './politeness.ts';
import type { PipelineDeps, PipelineLogger } from './types.ts';

/**
 * PipelineDeps for the Lambda handlers, from environment variables the CDK stack sets. The AWS endpoint
 * (AWS_ENDPOINT_URL, or AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL_SQS) is read by the AWS SDK itself; tests
 * point it at moto_server.
 */
export const CloudEnv = {
  bucket: BUCKET_ENV,
  /** Path of the ingest config (config/feeds.json, bundled next to the handler). */
  configPath: 'NEWS_INGEST_CONFIG',
  feedQueueUrl: 'NEWS_INGEST_FEED_QUEUE_URL',
  articleQueueUrl: 'NEWS_INGEST_ARTICLE_QUEUE_URL',
  /** dispatch: a source with no new article for this many hours is stale. */
  staleAfterHours: 'NEWS_INGEST_STALE_AFTER_HOURS',
  /** dispatch: a source whose new articles lack a watched field more often than this (percent) is drifting. */
  driftThresholdPercent: 'NEWS_INGEST_DRIFT_THRESHOLD_PERCENT',
  /** "1" lets the fetcher reach 127.0.0.0/8 and ::1: tests only; never set by the stack. */
  allowLoopback: 'NEWS_INGEST_ALLOW_LOOPBACK',
} as const;

export type Env = Readonly<Record<string, string | undefined>>;

export class CloudEnvError extends Error {
  override readonly name = 'CloudEnvError';
}

export function requireEnv(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new CloudEnvError(`environment variable ${name} is not set (the CDK stack sets it on every function)`);
  }
  return value;
}

export async function cloudDepsFromEnv(env: Env, logger?: PipelineLogger): Promise<PipelineDeps> {
  const config = await loadConfig(requireEnv(env, CloudEnv.configPath));
  const store = s3StoreFromEnvironment(requireEnv(env, CloudEnv.bucket), env);
  const allowLoopback = env[CloudEnv.allowLoopback];
  if (allowLoopback !== undefined && allowLoopback !== '1' && allowLoopback !== '0') {
    throw new CloudEnvError(`${CloudEnv.allowLoopback} must be "1" or "0", got ${JSON.stringify(allowLoopback)}`);
  }
  const fetcher = new PoliteFetcher({
    userAgent: config.userAgent,
    allowLoopback: allowLoopback === '1',
    hostOverrides: hostLimitsFor(config),
  });
  // The stack's bucket is versioned: an overwritten article is its earlier revision, kept by the bucket
  // (and expired by its lifecycle); a revisions/ copy as well would keep every revision twice.
  return { fetcher, store, config, clock: () => new Date(), keepRevisions: 'bucket-versioning', ...(logger ? { logger } : {}) };
}
