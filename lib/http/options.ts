import { lookup } from 'node:dns/promises';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a hostname to every address it has; the SSRF guard checks all of them. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** Per-host settings that differ from the fetcher's defaults (from each source's config). */
export interface HostLimits {
  perHostConcurrency?: number;
  minIntervalMs?: number;
  /** Follow a redirect from https on this host to plain http; refused (`insecure-redirect`) otherwise. */
  allowInsecureRedirects?: boolean;
}

export interface FetcherOptions {
  /** Sent on every request; the contact URL lets a site operator reach us instead of blocking us. */
  userAgent: string;
  /** From opening the request until the socket is connected. */
  connectTimeoutMs: number;
  /** One attempt at one URL: request sent until the whole body is read. */
  totalTimeoutMs: number;
  /** Cap on the decompressed body (and on a declared Content-Length). */
  maxBytes: number;
  maxRedirects: number;
  /**
   * Retries of one URL after its first attempt, on network errors, timeouts, truncated bodies, 403, 408,
   * 429 and 5xx: one budget per URL (each redirect hop has its own), whatever mix of failures it meets.
   */
  retries: number;
  /**
   * How many of those retries may follow a 403: WAF blocks are often rate-based and clear with backoff,
   * but not always. A 403 once this is spent ends the fetch even if `retries` is not.
   */
  forbiddenRetries: number;
  /** First backoff delay; doubles per attempt, with jitter. */
  backoffBaseMs: number;
  /** A Retry-After longer than this is not waited for: the fetch fails (retryable) instead. */
  maxRetryAfterMs: number;
  perHostConcurrency: number;
  /** Minimum time between the starts of two requests to the same host. */
  minIntervalMs: number;
  respectRobots: boolean;
  /** Tests and the bundled sample site run on loopback; nothing else may. */
  allowLoopback: boolean;
  resolve: Resolver;
  /**
   * PEM certificates trusted besides Node's bundled roots, e.g. a private CA in front of a mirror; the
   * tests trust their https server on loopback this way.
   */
  extraCaCertificates: readonly string[];
  /** Keyed by host ("example.com" or "example.com:8080"). */
  hostOverrides: Record<string, HostLimits>;
}

export const resolveWithSystemDns: Resolver = async (hostname) =>
  lookup(hostname, { all: true, verbatim: true });

export const DEFAULT_FETCHER_OPTIONS: Readonly<FetcherOptions> = Object.freeze({
  userAgent: 'news-ingest/0.1 (+https://github.com/news-ingest/news-ingest)',
  connectTimeoutMs: 10_000,
  totalTimeoutMs: 30_000,
  maxBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
  retries: 3,
  forbiddenRetries: 1,
  backoffBaseMs: 500,
  maxRetryAfterMs: 120_000,
  perHostConcurrency: 2,
  minIntervalMs: 1_000,
  respectRobots: true,
  allowLoopback: false,
  resolve: resolveWithSystemDns,
  extraCaCertificates: [],
  hostOverrides: {},
});
