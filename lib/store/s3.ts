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
import { PreconditionFailedError, type ObjectStore, type PutOptions } from './types.ts';

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
    assertValidKey(key);
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (response.Body === undefined) return Buffer.alloc(0);
      return Buffer.from(await response.Body.transformToByteArray());
    } catch (error) {
      // A missing bucket also answers 404: that is a configuration error, not an absent key.
      if ((error as { name?: string }).name === 'NoSuchBucket') {
        throw new Error(`S3 bucket "${this.bucket}" does not exist (or is not reachable at this endpoint)`, { cause: error });
      }
      if (error instanceof NoSuchKey || statusOf(error) === 404) return null;
      throw error;
    }
  }

  async put(key: string, body: Buffer | string, options: PutOptions = {}): Promise<void> {
    assertValidKey(key);
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      Body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
      ...(options.contentType === undefined ? {} : { ContentType: options.contentType }),
      ...(options.contentEncoding === undefined ? {} : { ContentEncoding: options.contentEncoding }),
      ...(options.ifNoneMatch === true ? { IfNoneMatch: '*' } : {}),
    });
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.client.send(command);
        return;
      } catch (error) {
        const status = statusOf(error);
        if (status === 412) throw new PreconditionFailedError(`${key} already exists in ${this.description}`);
        if (status === 409 && options.ifNoneMatch === true && attempt < CONDITIONAL_CONFLICT_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    const pages = paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: prefix });
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) yield object.Key;
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
