export interface PutOptions {
  contentType?: string;
  contentEncoding?: string;
  /** Create only: fail with PreconditionFailedError when the key already exists (If-None-Match: *). */
  ifNoneMatch?: boolean;
}

/** A flat key/value object store: a local directory (./data, the default) or an S3 bucket. */
export interface ObjectStore {
  /** Human-readable location, e.g. "./data" or "s3://bucket". */
  readonly description: string;
  get(key: string): Promise<Buffer | null>;
  put(key: string, body: Buffer | string, options?: PutOptions): Promise<void>;
  /** Keys under a prefix, in lexicographic order. */
  list(prefix: string): AsyncIterable<string>;
  delete(key: string): Promise<void>;
}

export class PreconditionFailedError extends Error {
  override readonly name = 'PreconditionFailedError';
}

/** What happened to one article when it was written. */
export type WriteOutcome = 'stored' | 'unchanged' | 'updated';
