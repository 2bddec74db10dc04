import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  paginateListObjectsV2,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { assertValidKey } from './keys.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { PreconditionFailedError, type ListedObject, type ObjectStore, type PutOptions, type TaggedObject } from './types.ts';

export interface S3ObjectStoreOptions {
  bucket: string;
  /** For S3-compatible stores (MinIO, moto, R2 …); omit for AWS. */
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
  /** SDK attempts per request, including the first; the SDK backs off between them. Default 5. */
  maxAttempts?: number;
  /** A ready client (tests, custom credentials); the options above are then ignored. */
  client?: S3Client;
}

/** S3 answers 409 while another conditional write to the same key is in flight; it asks for a retry. */
const CONDITIONAL_CONFLICT_ATTEMPTS = 5;
const CONDITIONAL_CONFLICT_BACKOFF_MS = 50;

function statusOf(error: unknown): number | undefined {
  return error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
}

export class S3ObjectStore implements ObjectStore {
  readonly description: string;
  private readonly bucket: string;
  private readonly client: S3Client;

  constructor(options: S3ObjectStoreOptions) {
    if (options.bucket.length === 0) throw new Error('S3ObjectStore needs a bucket name');
    this.bucket = options.bucket;
    this.description = `s3://${options.bucket}`;
    this.client =
      options.client ??
      new S3Client({
        ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
        ...(options.region === undefined ? {} : { region: options.region }),
        forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
        maxAttempts: options.maxAttempts ?? 5,
      });
  }

  async get(key: string): Promise<Buffer | null> {
    return (await this.getWithEtag(key))?.body ?? null;
  }

  async getWithEtag(key: string): Promise<TaggedObject | null> {
    assertValidKey(key);
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const body = response.Body === undefined ? Buffer.alloc(0) : Buffer.from(await response.Body.transformToByteArray());
      if (response.ETag === undefined) throw new Error(`${this.description}: GET ${key} answered without an ETag`);
      return { body, etag: response.ETag };
    } catch (error) {
      return this.absentOrThrow(error);
    }
  }

  async getStart(key: string, bytes: number): Promise<Buffer | null> {
    assertValidKey(key);
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=0-${bytes - 1}` }));
      return response.Body === undefined ? Buffer.alloc(0) : Buffer.from(await response.Body.transformToByteArray());
    } catch (error) {
      // An empty object has no byte 0: S3 answers 416 to any range.
      if (statusOf(error) === 416) return Buffer.alloc(0);
      return this.absentOrThrow(error);
    }
  }

  /** A GET's error: null for a missing key, thrown otherwise. */
  private absentOrThrow(error: unknown): null {
    // A missing bucket also answers 404: that is a configuration error, not an absent key.
    if ((error as { name?: string }).name === 'NoSuchBucket') {
      throw new Error(`S3 bucket "${this.bucket}" does not exist (or is not reachable at this endpoint)`, { cause: error });
    }
    if (error instanceof NoSuchKey || statusOf(error) === 404) return null;
    throw error;
  }

  async put(key: string, body: Buffer | string, options: PutOptions = {}): Promise<string> {
    assertValidKey(key);
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      Body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
      ...(options.contentType === undefined ? {} : { ContentType: options.contentType }),
      ...(options.contentEncoding === undefined ? {} : { ContentEncoding: options.contentEncoding }),
      ...(options.ifNoneMatch === true ? { IfNoneMatch: '*' } : {}),
      ...(options.ifMatch === undefined ? {} : { IfMatch: options.ifMatch }),
    });
    const conditional = options.ifNoneMatch === true || options.ifMatch !== undefined;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const response = await this.client.send(command);
        if (response.ETag === undefined) throw new Error(`${this.description}: PUT ${key} answered without an ETag`);
        return response.ETag;
      } catch (error) {
        const status = statusOf(error);
        if (status === 412 && options.ifMatch !== undefined) {
          throw new PreconditionFailedError(`${key} in ${this.description} is not the version ${options.ifMatch} any more`);
        }
        if (status === 412) throw new PreconditionFailedError(`${key} already exists in ${this.description}`);
        // If-Match on a key that is gone: S3 answers 404 (NoSuchKey). The version that was read is gone too.
        if (status === 404 && options.ifMatch !== undefined && (error as { name?: string }).name !== 'NoSuchBucket') {
          throw new PreconditionFailedError(`${key} in ${this.description} is gone (expected version ${options.ifMatch})`);
        }
        if (status === 409 && conditional && attempt < CONDITIONAL_CONFLICT_ATTEMPTS) {
          // Backoff with full jitter, so racing writers do not collide again in step.
          await sleep(Math.random() * CONDITIONAL_CONFLICT_BACKOFF_MS * 2 ** attempt);
          continue;
        }
        throw error;
      }
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    for await (const object of this.listWithTimes(prefix)) yield object.key;
  }

  async *listWithTimes(prefix: string): AsyncIterable<ListedObject> {
    const pages = paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: prefix });
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) yield { key: object.Key, lastModified: object.LastModified ?? new Date(0) };
      }
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}

/**
 * The bucket store of code running in AWS: the SDK's own AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, when set
 * (tests point them at moto_server), select an S3-compatible API, which serves buckets by path.
 */
export function s3StoreFromEnvironment(bucket: string, env: Record<string, string | undefined>): S3ObjectStore {
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  return new S3ObjectStore({ bucket, ...(endpoint === undefined ? {} : { endpoint, forcePathStyle: true }) });
}
