import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { assertValidKey } from './keys.ts';
import { PreconditionFailedError, type ListedObject, type ObjectStore, type PutOptions, type TaggedObject } from './types.ts';

const TEMP_SUFFIX = '.tmp';
const LOCK_SUFFIX = '.lock';
/** A lock older than this was left by a crashed writer (a conditional write holds it for milliseconds). */
const STALE_LOCK_MS = 30_000;
const LOCK_WAIT_MS = 5;

/** The ETag S3 gives an object written in one PUT: the quoted MD5 of its bytes. */
function etagOf(body: Buffer): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

/** Byte order of the UTF-8 encoding, which is S3's listing order. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** An ObjectStore in a local directory, with the same key layout as the bucket (./data by default). */
export class LocalDirectoryStore implements ObjectStore {
  readonly description: string;
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.description = root;
  }

  private pathFor(key: string): string {
    assertValidKey(key);
    return join(this.root, ...key.split('/'));
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.pathFor(key));
    } catch (error) {
      if (isErrno(error, 'ENOENT') || isErrno(error, 'EISDIR')) return null;
      throw error;
    }
  }

  async getStart(key: string, bytes: number): Promise<Buffer | null> {
    let handle;
    try {
      handle = await open(this.pathFor(key), 'r');
    } catch (error) {
      if (isErrno(error, 'ENOENT') || isErrno(error, 'EISDIR')) return null;
      throw error;
    }
    try {
      const buffer = Buffer.alloc(bytes);
      const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  async getWithEtag(key: string): Promise<TaggedObject | null> {
    const body = await this.get(key);
    return body === null ? null : { body, etag: etagOf(body) };
  }

  async put(key: string, body: Buffer | string, options: PutOptions = {}): Promise<string> {
    const target = this.pathFor(key);
    const directory = dirname(target);
    await mkdir(directory, { recursive: true });
    const etag = etagOf(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
    if (options.ifMatch !== undefined) {
      const expected = options.ifMatch;
      await this.withLock(target, async () => {
        const current = await this.get(key);
        if (current === null || etagOf(current) !== expected) {
          throw new PreconditionFailedError(`${key} in ${this.description} is not the version ${expected} any more`);
        }
        await this.replace(target, directory, body);
      });
      return etag;
    }
    if (options.ifNoneMatch !== true) {
      await this.replace(target, directory, body);
      return etag;
    }
    const temp = await this.tempFileWith(directory, body);
    try {
      // link() fails atomically with EEXIST when the target exists: the local If-None-Match: *.
      await link(temp, target);
      return etag;
    } catch (error) {
      if (isErrno(error, 'EEXIST')) throw new PreconditionFailedError(`${key} already exists in ${this.description}`);
      throw error;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }

  /** Readers never see a half-written file: a temp file beside the target, then moved into place. */
  private async tempFileWith(directory: string, body: Buffer | string): Promise<string> {
    const temp = join(directory, `.${randomBytes(8).toString('hex')}${TEMP_SUFFIX}`);
    await writeFile(temp, body);
    return temp;
  }

  private async replace(target: string, directory: string, body: Buffer | string): Promise<void> {
    const temp = await this.tempFileWith(directory, body);
    try {
      await rename(temp, target);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Runs `action` holding the key's lock file (created exclusively beside it), so a conditional replace reads
   * and renames with no other conditional writer in between, across processes too.
   */
  private async withLock<T>(target: string, action: () => Promise<T>): Promise<T> {
    const lock = join(dirname(target), `.${basename(target)}${LOCK_SUFFIX}`);
    for (;;) {
      try {
        const handle = await open(lock, 'wx');
        await handle.close();
        break;
      } catch (error) {
        if (!isErrno(error, 'EEXIST')) throw error;
        const held = await stat(lock).catch(() => null);
        if (held !== null && Date.now() - held.mtimeMs > STALE_LOCK_MS) await unlink(lock).catch(() => undefined);
        else await sleep(LOCK_WAIT_MS);
      }
    }
    try {
      return await action();
    } finally {
      await unlink(lock).catch(() => undefined);
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    const slash = prefix.lastIndexOf('/');
    const base = slash === -1 ? '' : prefix.slice(0, slash);
    if (base !== '') assertValidKey(base);
    yield* this.walk(base, prefix);
  }

  /** Depth-first in key order: a directory sorts as "name/", so "a-b" comes before "a/x" as in S3. */
  private async *walk(directoryKey: string, prefix: string): AsyncIterable<string> {
    const directory = directoryKey === '' ? this.root : join(this.root, ...directoryKey.split('/'));
    let entries;
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return;
      throw error;
    }
    const children = entries
      .filter((entry) => !entry.name.startsWith('.') && (entry.isDirectory() || entry.isFile()))
      .map((entry) => {
        const key = directoryKey === '' ? entry.name : `${directoryKey}/${entry.name}`;
        return { key, isDirectory: entry.isDirectory(), sortKey: entry.isDirectory() ? `${key}/` : key };
      })
      .sort((a, b) => compareUtf8(a.sortKey, b.sortKey));
    for (const child of children) {
      if (child.isDirectory) {
        const asPrefix = `${child.key}/`;
        if (asPrefix.startsWith(prefix) || prefix.startsWith(asPrefix)) yield* this.walk(child.key, prefix);
      } else if (child.key.startsWith(prefix)) {
        yield child.key;
      }
    }
  }

  async *listWithTimes(prefix: string): AsyncIterable<ListedObject> {
    for await (const key of this.list(prefix)) {
      // A file removed between the walk and the stat is no longer listed, as in S3.
      const stats = await stat(this.pathFor(key)).catch((error: unknown) => (isErrno(error, 'ENOENT') ? null : Promise.reject(error)));
      if (stats !== null) yield { key, lastModified: stats.mtime };
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.pathFor(key));
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error;
    }
  }
}
