import { LocalDirectoryStore } from '../store/local.ts';
import { S3ObjectStore, s3StoreFromEnvironment } from '../store/s3.ts';
import type { ObjectStore } from '../store/types.ts';

export const DEFAULT_DATA_DIR = './data';

/** Where the dataset commands read and write: a local directory (the default ./data) or a bucket. */
export interface StoreLocation {
  from?: string;
  bucket?: string;
  endpoint?: string;
  region?: string;
}

export class StoreOptionsError extends Error {
  override readonly name = 'StoreOptionsError';
}

/** `directoryOption` names the directory flag in errors: `--from` for the dataset commands, `--out` for ingest. */
export function openDatasetStore(location: StoreLocation, directoryOption = '--from'): ObjectStore {
  if (location.bucket !== undefined) {
    if (location.from !== undefined) throw new StoreOptionsError(`choose one store: ${directoryOption} DIR or --bucket NAME`);
    return new S3ObjectStore({
      bucket: location.bucket,
      ...(location.endpoint !== undefined ? { endpoint: location.endpoint, forcePathStyle: true } : {}),
      ...(location.region !== undefined ? { region: location.region } : {}),
    });
  }
  if (location.endpoint !== undefined || location.region !== undefined) {
    throw new StoreOptionsError('--endpoint and --region apply to an S3 store: add --bucket NAME');
  }
  return new LocalDirectoryStore(location.from ?? DEFAULT_DATA_DIR);
}

/** The environment variable naming the bucket, the same on every function of the stack. */
export const BUCKET_ENV = 'NEWS_INGEST_BUCKET';

/** The bucket a Lambda works on: NEWS_INGEST_BUCKET, and AWS_ENDPOINT_URL_S3 for an S3-compatible local API. */
export function bucketStoreFromEnv(env: Record<string, string | undefined>): S3ObjectStore {
  const bucket = env[BUCKET_ENV];
  if (bucket === undefined || bucket.trim() === '') {
    throw new StoreOptionsError(`environment variable ${BUCKET_ENV} is not set (the CDK construct sets it on the function)`);
  }
  return s3StoreFromEnvironment(bucket, env);
}
