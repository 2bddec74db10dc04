import { randomBytes } from 'node:crypto';
import { link, mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { assertValidKey } from './keys.ts';
import { PreconditionFailedError, type ObjectStore, type PutOptions } from './types.ts';

const TEMP_SUFFIX = '.tmp';

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

  async put(key: string, body: Buffer | string, options: PutOptions = {}): Promise<void> {
    const target = this.pathFor(key);
    const directory = dirname(target);
    await mkdir(directory, { recursive: true });
    // Readers never see a half-written file: write a temp file beside the target, then move it into place.
    const temp = join(directory, `.${randomBytes(8).toString('hex')}${TEMP_SUFFIX}`);
    await writeFile(temp, body);
    try {
      if (options.ifNoneMatch === true) {
        // link() fails atomically with EEXIST when the target exists: the local If-None-Match: *.
        try {
          await link(temp, target);
        } catch (error) {
          if (isErrno(error, 'EEXIST')) throw new PreconditionFailedError(`${key} already exists in ${this.description}`);
          throw error;
        }
        await unlink(temp);
      } else {
        await rename(temp, target);
      }
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
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

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.pathFor(key));
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error;
    }
  }
}
