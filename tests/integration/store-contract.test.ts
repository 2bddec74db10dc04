import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '../../lib/store/s3.ts';
import { PreconditionFailedError, type ObjectStore } from '../../lib/store/types.ts';
import { createTestBucket, startMoto, startMotoProxy, testS3Client, testS3ClientConfig } from '../helpers/moto.ts';
import { useTestStores } from '../helpers/test-stores.ts';

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of iterable) keys.push(key);
  return keys;
}

const stores = useTestStores('contract');

/**
 * `racingCreatesAreAtomic`: moto_server checks If-None-Match and then writes, in two steps, so under load two
 * racing creates can both succeed there (real S3 serializes them). Sequential create-only semantics are
 * checked on both; the race itself only where the store guarantees it.
 */
const implementations: Array<[string, () => Promise<ObjectStore>, { racingCreatesAreAtomic: boolean }]> = [
  ['LocalDirectoryStore', async () => (await stores.local()).store, { racingCreatesAreAtomic: true }],
  ['S3ObjectStore on moto_server', async () => (await stores.s3()).store, { racingCreatesAreAtomic: false }],
];

describe.each(implementations)('ObjectStore contract: %s', (_name, makeStore, { racingCreatesAreAtomic }) => {
  let store: ObjectStore;
  beforeEach(async () => {
    store = await makeStore();
  });

  it('returns null for a key that was never written', async () => {
    expect(await store.get('articles/v1/none.json')).toBeNull();
  });

  it('gives back exactly the bytes that were put, for strings and buffers', async () => {
    await store.put('a/text.json', '{"title":"Đà Nẵng"}');
    const binary = Buffer.from([0, 255, 31, 139, 8, 0]);
    await store.put('a/binary.gz', binary);
    expect((await store.get('a/text.json'))?.toString('utf8')).toBe('{"title":"Đà Nẵng"}');
    expect(await store.get('a/binary.gz')).toEqual(binary);
  });

  it('reads the first bytes of an object with getStart: all of a shorter one, none of an empty one, null for a missing key', async () => {
    const body = Buffer.from('{"manifest":1}\n' + 'x'.repeat(5000), 'utf8');
    await store.put('raw/batches/date=2026-09-05/b.pages', body);
    await store.put('raw/batches/date=2026-09-05/empty.pages', '');
    expect(await store.getStart('raw/batches/date=2026-09-05/b.pages', 15)).toEqual(body.subarray(0, 15));
    expect(await store.getStart('raw/batches/date=2026-09-05/b.pages', 64 * 1024)).toEqual(body);
    expect(await store.getStart('raw/batches/date=2026-09-05/empty.pages', 100)).toEqual(Buffer.alloc(0));
    expect(await store.getStart('raw/batches/date=2026-09-05/none.pages', 100)).toBeNull();
  });

  it('overwrites a key with a plain put', async () => {
    await store.put('k.json', 'first');
    await store.put('k.json', 'second');
    expect((await store.get('k.json'))?.toString()).toBe('second');
  });

  it('lists keys under a prefix recursively in lexicographic (S3) order', async () => {
    const keys = ['p/b/2.json', 'p/a/1.json', 'p/a-b/x.json', 'p/a.json', 'p/a/0.json', 'q/z.json', 'pz.json'];
    for (const key of keys) await store.put(key, key);
    expect(await collect(store.list('p/'))).toEqual(['p/a-b/x.json', 'p/a.json', 'p/a/0.json', 'p/a/1.json', 'p/b/2.json']);
    expect(await collect(store.list('p/a'))).toEqual(['p/a-b/x.json', 'p/a.json', 'p/a/0.json', 'p/a/1.json']);
    expect(await collect(store.list('p'))).toEqual([
      'p/a-b/x.json',
      'p/a.json',
      'p/a/0.json',
      'p/a/1.json',
      'p/b/2.json',
      'pz.json',
    ]);
    expect(await collect(store.list(''))).toHaveLength(keys.length);
    expect(await collect(store.list('missing/'))).toEqual([]);
  });

  it('lists with each object\'s last-modified time, in the same order as list', async () => {
    const before = Date.now();
    for (const key of ['t/b.json', 't/a.json', 't/a/1.json']) await store.put(key, key);
    const listed: Array<{ key: string; lastModified: Date }> = [];
    for await (const object of store.listWithTimes('t/')) listed.push(object);
    expect(listed.map((object) => object.key)).toEqual(await collect(store.list('t/')));
    for (const { lastModified } of listed) {
      // S3 gives whole seconds.
      expect(lastModified.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
      expect(lastModified.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    }
  });

  it('lists past one page of results', async () => {
    const keys = Array.from({ length: 1005 }, (_, index) => `many/${String(index).padStart(4, '0')}.json`);
    for (let start = 0; start < keys.length; start += 50) {
      await Promise.all(keys.slice(start, start + 50).map((key) => store.put(key, 'x')));
    }
    expect(await collect(store.list('many/'))).toEqual(keys);
  });

  it('deletes a key, and deleting a missing key is not an error', async () => {
    await store.put('d/1.json', 'x');
    await store.delete('d/1.json');
    expect(await store.get('d/1.json')).toBeNull();
    expect(await collect(store.list('d/'))).toEqual([]);
    await expect(store.delete('d/never.json')).resolves.toBeUndefined();
  });

  it('creates with ifNoneMatch when the key is absent, and refuses with PreconditionFailedError when present', async () => {
    await store.put('articles/v2/ab/x.json', 'first', { ifNoneMatch: true });
    const second = store.put('articles/v2/ab/x.json', 'second', { ifNoneMatch: true });
    await expect(second).rejects.toBeInstanceOf(PreconditionFailedError);
    await expect(second).rejects.toThrow(/articles\/v2\/ab\/x\.json already exists/);
    expect((await store.get('articles/v2/ab/x.json'))?.toString()).toBe('first');
  });

  it.runIf(racingCreatesAreAtomic)('lets exactly one of many racing ifNoneMatch creates win', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, writer) => store.put('race/key.json', `writer ${writer}`, { ifNoneMatch: true })),
    );
    const winners = results.filter((result) => result.status === 'fulfilled');
    const losers = results.filter((result) => result.status === 'rejected');
    expect(winners).toHaveLength(1);
    for (const loser of losers) expect((loser as PromiseRejectedResult).reason).toBeInstanceOf(PreconditionFailedError);
    expect(await collect(store.list('race/'))).toEqual(['race/key.json']);
  });

  it('replaces with ifMatch only the version read: another ETag, or a key gone, is a PreconditionFailedError', async () => {
    const firstEtag = await store.put('m/k.json', 'first');
    const read = await store.getWithEtag('m/k.json');
    expect(read).toEqual({ body: Buffer.from('first'), etag: firstEtag });
    const secondEtag = await store.put('m/k.json', 'second', { ifMatch: firstEtag });
    expect(secondEtag).not.toBe(firstEtag);
    expect((await store.getWithEtag('m/k.json'))?.etag).toBe(secondEtag);

    // A writer still holding the first version's ETag must not replace the second.
    const stale = store.put('m/k.json', 'stale', { ifMatch: firstEtag });
    await expect(stale).rejects.toBeInstanceOf(PreconditionFailedError);
    expect((await store.get('m/k.json'))?.toString()).toBe('second');
    await expect(store.put('m/gone.json', 'x', { ifMatch: firstEtag })).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await store.get('m/gone.json')).toBeNull();
    expect(await store.getWithEtag('m/never.json')).toBeNull();
  });

  it.runIf(racingCreatesAreAtomic)('lets exactly one of many racing ifMatch replaces of one version win', async () => {
    const etag = await store.put('race/m.json', 'base');
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, writer) => store.put('race/m.json', `writer ${writer}`, { ifMatch: etag })),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const loser of results.filter((result) => result.status === 'rejected')) {
      expect((loser as PromiseRejectedResult).reason).toBeInstanceOf(PreconditionFailedError);
    }
    expect(await collect(store.list('race/'))).toEqual(['race/m.json']);
  });

  it('rejects keys that could escape the store or collide with temp files', async () => {
    for (const bad of ['', '../x.json', 'a//b.json', '/abs.json', 'a/.hidden', 'a\\b']) {
      await expect(store.put(bad, 'x')).rejects.toThrow(/invalid store key/);
    }
  });
});

describe('LocalDirectoryStore files', () => {
  it('leaves no temp files behind after plain and refused conditional writes', async () => {
    const { store, dir } = await stores.local();
    await store.put('x/1.json', 'a');
    await store.put('x/1.json', 'b');
    await expect(store.put('x/1.json', 'c', { ifNoneMatch: true })).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(await readdir(join(dir, 'x'))).toEqual(['1.json']);
  });
});

describe('S3ObjectStore errors', () => {
  it('says the bucket does not exist instead of reading every key as absent', async () => {
    const store = new S3ObjectStore({ bucket: 'no-such-bucket-here', client: testS3Client(stores.moto().endpoint) });
    await expect(store.get('articles/v1/x.json')).rejects.toThrow('S3 bucket "no-such-bucket-here" does not exist');
  });

  it('retries a conditional write S3 answers 409 (another conditional write in flight), and only a conditional one', async () => {
    let conflicts = 0;
    /** Conflicts still to answer: the next PUTs get a 409 until this is 0. */
    let conflictNext = 0;
    const proxy = await startMotoProxy(
      stores.moto,
      (req) => {
        if (req.method !== 'PUT' || conflictNext === 0) return null;
        conflictNext -= 1;
        conflicts += 1;
        return { status: 409, code: 'ConditionalRequestConflict' };
      },
    );
    // One attempt per request at the SDK level: every retry seen here is the store's own.
    const client = new S3Client({ ...testS3ClientConfig(proxy.url), maxAttempts: 1 });
    try {
      await createTestBucket(stores.moto().endpoint, 'conflicts');
      const store = new S3ObjectStore({ bucket: 'conflicts', client });
      conflictNext = 2;
      const etag = await store.put('c/k.json', 'first', { ifNoneMatch: true });
      expect(conflicts).toBe(2);
      conflictNext = 1;
      await store.put('c/k.json', 'second', { ifMatch: etag });
      expect(conflicts).toBe(3);
      expect((await store.get('c/k.json'))?.toString()).toBe('second');
      // A plain put has no condition to conflict on: a 409 there is an error to report, not to retry.
      conflictNext = 1;
      await expect(store.put('c/plain.json', 'x')).rejects.toThrow(/ConditionalRequestConflict|injected/);
      expect(conflicts).toBe(4);
      expect(proxy.requests.filter((request) => request.method === 'PUT')).toHaveLength(6);
    } finally {
      client.destroy();
      await proxy.close();
    }
  });
});

describe('startMoto', () => {
  it('says how to install moto_server when it is not on PATH', async () => {
    await expect(startMoto({ command: 'moto_server_not_installed_here' })).rejects.toThrow(
      'moto_server not found: install it with pip install "moto[server]"',
    );
  });

  it('restarts on the same endpoint with an empty store', async () => {
    const own = await startMoto();
    try {
      await createTestBucket(own.endpoint, 'before-restart');
      const store = new S3ObjectStore({ bucket: 'before-restart', client: testS3Client(own.endpoint) });
      await store.put('k.json', 'x');
      await own.restart();
      await createTestBucket(own.endpoint, 'before-restart');
      expect(await store.get('k.json')).toBeNull();
    } finally {
      await own.stop();
    }
  });
});
