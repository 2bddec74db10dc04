export interface PutOptions {
  contentType?: string;
  contentEncoding?: string;
  /** Create only: fail with PreconditionFailedError when the key already exists (If-None-Match: *). */
  ifNoneMatch?: boolean;
  /**
   * Replace only this version: fail with PreconditionFailedError when the object's ETag is another (someone
   * wrote it since it was read) or the object is gone (If-Match).
   */
  ifMatch?: string;
}

/** An object's bytes and the ETag that names this version of it (for PutOptions.ifMatch). */
export interface TaggedObject {
  body: Buffer;
  etag: string;
}

/** A key as a listing gives it, with the time its current version was written. */
export interface ListedObject {
  key: string;
  lastModified: Date;
}

/** A flat key/value object store: a local directory (./data, the default) or an S3 bucket. */
export interface ObjectStore {
  /** Human-readable location, e.g. "./data" or "s3://bucket". */
  readonly description: string;
  get(key: string): Promise<Buffer | null>;
  /** get, with the ETag of the version read. */
  getWithEtag(key: string): Promise<TaggedObject | null>;
  /** The first `bytes` bytes of an object (all of it when it is shorter): one ranged GET, priced as a GET. */
  getStart(key: string, bytes: number): Promise<Buffer | null>;
  /** Writes the object; resolves to the ETag of the version written. */
  put(key: string, body: Buffer | string, options?: PutOptions): Promise<string>;
  /** Keys under a prefix, in lexicographic order. */
  list(prefix: string): AsyncIterable<string>;
  /** list, with each object's last-modified time (S3's LastModified, the file's mtime). */
  listWithTimes(prefix: string): AsyncIterable<ListedObject>;
  delete(key: string): Promise<void>;
}

export class PreconditionFailedError extends Error {
  override readonly name = 'PreconditionFailedError';
}

/** What happened to one article when it was written. */
export type WriteOutcome = 'stored' | 'unchanged' | 'updated';
