import { LocalDirectoryStore } from '../store/local.ts';
import { S3ObjectStore } from '../store/s3.ts';
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

export function openDatasetStore(location: StoreLocation): ObjectStore {
  if (location.bucket !== undefined) {
    if (location.from !== undefined) throw new StoreOptionsError('choose one store: --from DIR or --bucket NAME');
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
