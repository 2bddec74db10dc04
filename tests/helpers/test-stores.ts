import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { LocalDirectoryStore } from '../../lib/store/local.ts';
import { S3ObjectStore } from '../../lib/store/s3.ts';
import type { ObjectStore } from '../../lib/store/types.ts';
import { createTestBucket, startMoto, testS3Client, type MotoServer } from './moto.ts';

/**
 * Both stores of the store contract for one test file: a moto_server started before its tests and stopped
 * after them, fresh local directories (removed afterwards) and fresh buckets on demand. Call at the top of
 * the file (it registers the beforeAll/afterAll hooks).
 */
export interface TestStores {
  /** The file's moto_server (only inside tests and hooks: it starts in beforeAll). */
  moto(): MotoServer;
  local(): Promise<{ store: LocalDirectoryStore; dir: string }>;
  s3(options?: { versioning?: boolean }): Promise<{ store: S3ObjectStore; bucket: string }>;
  /** [name, factory] of each store, for describe.each. */
  implementations: Array<[string, () => Promise<ObjectStore>]>;
}

export function useTestStores(namePrefix: string): TestStores {
  let moto: MotoServer | undefined;
  let bucketCounter = 0;
  const tempDirs: string[] = [];

  beforeAll(async () => {
    moto = await startMoto();
  });

  afterAll(async () => {
    await moto?.stop();
    await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  const running = (): MotoServer => {
    if (moto === undefined) throw new Error('moto_server is not started yet: use it inside tests or hooks');
    return moto;
  };
  const local = async () => {
    const dir = await mkdtemp(join(tmpdir(), `${namePrefix}-`));
    tempDirs.push(dir);
    return { store: new LocalDirectoryStore(dir), dir };
  };
  const s3 = async (options: { versioning?: boolean } = {}) => {
    bucketCounter += 1;
    const bucket = `${namePrefix}-${bucketCounter}`;
    await createTestBucket(running().endpoint, bucket, options);
    return { store: new S3ObjectStore({ bucket, client: testS3Client(running().endpoint) }), bucket };
  };
  return {
    moto: running,
    local,
    s3,
    implementations: [
      ['LocalDirectoryStore', async () => (await local()).store],
      ['S3ObjectStore on moto_server', async () => (await s3()).store],
    ],
  };
}
