export interface FetchRequest {
  url: string;
  /** Conditional GET validators from the last fetch of the same URL. */
  etag?: string | null;
  lastModified?: string | null;
  /**
   * The URL that sent those validators (the final `url` of that fetch, after redirects; default: `url`).
   * They go to that URL only, never to another hop of the redirect chain.
   */
  validatorsUrl?: string | null;
  /** What the caller expects, used for the Accept header and for feed-specific checks. */
  expect?: 'html' | 'feed' | 'robots';
  /**
   * Epoch ms by which the fetch must be over (a Lambda's remaining time): attempts are cut short at it and
   * no retry or politeness wait starts that would end after it; the fetch then fails as a retryable timeout.
   */
  deadline?: number;
}

export interface FetchResponse {
  /** URL after redirects. */
  url: string;
  status: number;
  notModified: boolean;
  headers: Record<string, string>;
  /** Bytes as received (after content-encoding is undone). */
  body: Buffer;
  /** Body decoded from its charset (header, BOM, meta) and NFC-normalized. */
  text: string;
  charset: string;
  etag: string | null;
  lastModified: string | null;
  /** Total time spent, in ms, including retries and politeness waits. */
  elapsedMs: number;
}

export type FetchErrorKind =
  | 'timeout'
  | 'too-large'
  | 'too-many-redirects'
  | 'insecure-redirect'
  | 'truncated'
  | 'ssrf-refused'
  | 'bad-url'
  | 'http-status'
  | 'network'
  /** The host name did not resolve (also what an offline machine reports for every host). */
  | 'name-resolution'
  | 'robots-disallowed'
  | 'cookie-challenge'
  | 'decode';

export class FetchError extends Error {
  override readonly name = 'FetchError';
  constructor(
    readonly kind: FetchErrorKind,
    message: string,
    /** A permanent error is recorded, never retried (404/410, SSRF refusals, robots, bad URL). */
    readonly permanent: boolean,
    readonly status?: number,
    readonly url?: string,
  ) {
    super(message);
  }
}

/** Everything the pipeline needs from the network; the stage code does not know which one it gets. */
export interface PageFetcher {
  fetch(request: FetchRequest): Promise<FetchResponse>;
}
