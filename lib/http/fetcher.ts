import tls from 'node:tls';
import robotsParserModule from 'robots-parser';
import { looksLikeCookieChallenge } from './challenge.ts';
import { decodeBody } from './charset.ts';
import { exchange, type ExchangeResult } from './exchange.ts';
import { HostSchedule } from './host-schedule.ts';
import { DEFAULT_FETCHER_OPTIONS, type FetcherOptions, type HostLimits, type ResolvedAddress } from './options.ts';
import { backoffDelayMs, isRetryableStatus, parseRetryAfter } from './retry.ts';
import { sleepUntil } from './sleep.ts';
import { resolveAndGuard } from './ssrf.ts';
import { FetchError, type FetchRequest, type FetchResponse, type PageFetcher } from './types.ts';

// robots-parser is CommonJS (module.exports = fn) but its typings declare an ES default export,
// which NodeNext reads as `.default`; at runtime the default import is the function itself.
const robotsParser = robotsParserModule as unknown as typeof robotsParserModule.default;
type Robots = ReturnType<typeof robotsParser>;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

const ACCEPT_BY_EXPECT: Record<NonNullable<FetchRequest['expect']>, string> = {
  html: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8',
  feed: 'application/rss+xml,application/atom+xml,application/rdf+xml;q=0.9,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5',
  robots: 'text/plain,*/*;q=0.5',
};

/** The final hop of a fetch: the exchange plus the URL it came from. */
interface FinalHop extends ExchangeResult {
  url: URL;
}

export function parseHttpUrl(raw: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw new FetchError('bad-url', `bad URL "${raw}": not a valid absolute URL`, true, undefined, raw);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchError('bad-url', `bad URL "${url.href}": only http and https are fetched, not ${url.protocol}`, true, undefined, url.href);
  }
  return url;
}

function outOfTime(url: URL): FetchError {
  return new FetchError('timeout', `${url.href} was not fetched: the deadline for this work has passed`, false, undefined, url.href);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * A fetcher a site operator would not block: per-host concurrency and spacing, robots.txt,
 * retries with backoff that honour Retry-After, size and time limits, and an SSRF guard that
 * checks the resolved address of every hop before any socket opens.
 */
export class PoliteFetcher implements PageFetcher {
  readonly options: Readonly<FetcherOptions>;
  private readonly schedules = new Map<string, HostSchedule>();
  private readonly robotsByOrigin = new Map<string, Promise<Robots>>();
  private readonly ca: readonly string[] | undefined;

  constructor(options: Partial<FetcherOptions> = {}) {
    this.options = { ...DEFAULT_FETCHER_OPTIONS, ...options };
    this.ca = this.options.extraCaCertificates.length > 0 ? [...tls.rootCertificates, ...this.options.extraCaCertificates] : undefined;
  }

  async fetch(request: FetchRequest): Promise<FetchResponse> {
    const startedAt = Date.now();
    const checkRobots = this.options.respectRobots && request.expect !== 'robots';
    const final = await this.followRedirects(parseHttpUrl(request.url), request, checkRobots);
    const notModified = final.status === 304;
    const { text, charset } = decodeBody(final.body, final.headers['content-type'] ?? null);
    if (request.expect === 'feed' && final.status === 200 && looksLikeCookieChallenge(text)) {
      throw new FetchError(
        'cookie-challenge',
        `${final.url.href} answered 200 with a JavaScript cookie-challenge page (document.cookie=… then reload) instead of a feed`,
        false,
        final.status,
        final.url.href,
      );
    }
    return {
      url: final.url.href,
      status: final.status,
      notModified,
      headers: final.headers,
      body: final.body,
      text,
      charset,
      // A 304 need not repeat the validators; the ones we sent are still the current ones.
      etag: final.headers.etag ?? (notModified ? (request.etag ?? null) : null),
      lastModified: final.headers['last-modified'] ?? (notModified ? (request.lastModified ?? null) : null),
      elapsedMs: Date.now() - startedAt,
    };
  }

  private async followRedirects(start: URL, request: FetchRequest, checkRobots: boolean): Promise<FinalHop> {
    let url = start;
    for (let redirects = 0; ; redirects++) {
      if (request.deadline !== undefined && Date.now() >= request.deadline) throw outOfTime(url);
      // The guard decides first, so a refused host gets neither a robots.txt request nor any other.
      const address = await resolveAndGuard(url, this.options.resolve, this.options.allowLoopback);
      if (checkRobots) await this.assertRobotsAllow(url, request.deadline);
      const result = await this.fetchWithRetries(url, address, request);
      if (result.status === 304 || (result.status >= 200 && result.status < 300)) return { ...result, url };
      if (!REDIRECT_STATUSES.has(result.status)) {
        throw new FetchError('http-status', `${url.href} answered HTTP ${result.status}, which is neither content nor a redirect`, true, result.status, url.href);
      }
      const location = result.headers.location;
      if (!location) {
        throw new FetchError('http-status', `${url.href} answered ${result.status} without a Location header`, true, result.status, url.href);
      }
      if (redirects >= this.options.maxRedirects) {
        throw new FetchError(
          'too-many-redirects',
          `${start.href} redirected more than ${this.options.maxRedirects} times (last: ${url.href} → ${location})`,
          true,
          result.status,
          start.href,
        );
      }
      const next = parseHttpUrl(location, url);
      if (url.protocol === 'https:' && next.protocol === 'http:' && !this.hostOverride(url).allowInsecureRedirects) {
        throw new FetchError(
          'insecure-redirect',
          `${url.href} redirected to ${next.href}, from https to plain http: refused (a source that needs it sets allowInsecureRedirects in the config)`,
          true,
          result.status,
          url.href,
        );
      }
      url = next;
    }
  }

  /**
   * One hop, retried on transient failures. Returns 2xx, 3xx and 304 answers; throws on the rest.
   * The URL has one retry budget, whatever mix of failures it meets: at most `retries` retries in all, of
   * which at most `forbiddenRetries` may follow a 403. So 503, 403, 503 with the defaults (3 and 1) is
   * retried each time, and a second 403 ends the fetch.
   */
  private async fetchWithRetries(url: URL, address: ResolvedAddress, request: FetchRequest): Promise<ExchangeResult> {
    let retries = 0;
    let forbiddenRetries = 0;
    for (let attempt = 1; ; attempt++) {
      let failure: FetchError;
      let retryAfterMs: number | null = null;
      try {
        const result = await this.attempt(url, address, request);
        if (result.status < 400) return result;
        failure = new FetchError(
          'http-status',
          `${url.href} answered HTTP ${result.status}`,
          !isRetryableStatus(result.status) && result.status !== 403,
          result.status,
          url.href,
        );
        retryAfterMs = parseRetryAfter(result.headers['retry-after'], Date.now());
      } catch (error) {
        if (!(error instanceof FetchError)) throw error;
        failure = error;
      }
      if (failure.permanent) throw failure;
      const forbidden = failure.status === 403;
      if (retries >= this.options.retries || (forbidden && forbiddenRetries >= this.options.forbiddenRetries)) {
        throw new FetchError(failure.kind, `${failure.message} (gave up after ${plural(attempt, 'attempt')})`, false, failure.status, url.href);
      }
      if (retryAfterMs !== null && retryAfterMs > this.options.maxRetryAfterMs) {
        throw new FetchError(
          failure.kind,
          `${failure.message} with Retry-After ${Math.ceil(retryAfterMs / 1000)} s, longer than the ${this.options.maxRetryAfterMs} ms this fetcher waits; try later`,
          false,
          failure.status,
          url.href,
        );
      }
      // A WAF 403 is rate-based: its backoff starts 4x longer (1–2 s, then 2–4 s with the default base).
      const backoffAttempt = forbidden ? retries + 2 : retries;
      retries += 1;
      if (forbidden) forbiddenRetries += 1;
      const retryAt = Date.now() + Math.max(retryAfterMs ?? 0, backoffDelayMs(backoffAttempt, this.options.backoffBaseMs));
      if (request.deadline !== undefined && retryAt >= request.deadline) {
        throw new FetchError(failure.kind, `${failure.message}; no time left for another attempt before the deadline`, false, failure.status, url.href);
      }
      await sleepUntil(retryAt);
    }
  }

  private async attempt(url: URL, address: ResolvedAddress, request: FetchRequest): Promise<ExchangeResult> {
    const headers: Record<string, string> = {
      'user-agent': this.options.userAgent,
      accept: ACCEPT_BY_EXPECT[request.expect ?? 'html'],
      'accept-encoding': 'gzip, deflate, br',
    };
    // Validators belong to the URL that gave them: a redirect target (another host, another document)
    // must not be asked "changed since?" about something it never sent.
    if (url.href === parseHttpUrl(request.validatorsUrl ?? request.url).href) {
      if (request.etag) headers['if-none-match'] = request.etag;
      if (request.lastModified) headers['if-modified-since'] = request.lastModified;
    }
    return this.scheduleFor(url).run(() => {
      // Waiting for this host's turn may have used up the time; an attempt never outlives the deadline.
      const left = request.deadline === undefined ? Number.POSITIVE_INFINITY : request.deadline - Date.now();
      if (left <= 0) throw outOfTime(url);
      return exchange({
        url,
        address,
        headers,
        connectTimeoutMs: Math.min(this.options.connectTimeoutMs, left),
        totalTimeoutMs: Math.min(this.options.totalTimeoutMs, left),
        maxBytes: this.options.maxBytes,
        ...(this.ca ? { ca: this.ca } : {}),
        wantsBody: (status) => status >= 200 && status < 300,
      });
    });
  }

  private scheduleFor(url: URL): HostSchedule {
    let schedule = this.schedules.get(url.host);
    if (!schedule) {
      const override = this.hostOverride(url);
      schedule = new HostSchedule(
        override.perHostConcurrency ?? this.options.perHostConcurrency,
        override.minIntervalMs ?? this.options.minIntervalMs,
      );
      this.schedules.set(url.host, schedule);
    }
    return schedule;
  }

  private hostOverride(url: URL): HostLimits {
    return this.options.hostOverrides[url.host] ?? this.options.hostOverrides[url.hostname] ?? {};
  }

  private async assertRobotsAllow(url: URL, deadline: number | undefined): Promise<void> {
    const robots = await this.robotsFor(url, deadline);
    if (robots.isAllowed(url.href, this.options.userAgent) === false) {
      throw new FetchError('robots-disallowed', `robots.txt of ${url.origin} disallows ${url.href} for ${this.options.userAgent}`, true, undefined, url.href);
    }
  }

  private robotsFor(url: URL, deadline: number | undefined): Promise<Robots> {
    let pending = this.robotsByOrigin.get(url.origin);
    if (!pending) {
      pending = this.loadRobots(url, deadline);
      this.robotsByOrigin.set(url.origin, pending);
      // Failures are not cached: the next fetch on this origin asks again.
      pending.catch(() => this.robotsByOrigin.delete(url.origin));
    }
    return pending;
  }

  /**
   * RFC 9309: a 4xx robots.txt means no rules (allow all); an unreachable one (5xx, timeout,
   * network) means disallow all for now, reported as a retryable error.
   */
  private async loadRobots(pageUrl: URL, deadline: number | undefined): Promise<Robots> {
    const robotsUrl = new URL('/robots.txt', pageUrl.origin);
    let robotsText: string;
    try {
      const final = await this.followRedirects(robotsUrl, { url: robotsUrl.href, expect: 'robots', ...(deadline === undefined ? {} : { deadline }) }, false);
      robotsText = decodeBody(final.body, final.headers['content-type'] ?? null).text;
    } catch (error) {
      if (!(error instanceof FetchError)) throw error;
      const unavailable =
        (error.kind === 'http-status' && error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 429) ||
        error.kind === 'too-many-redirects';
      if (!unavailable) {
        throw new FetchError(
          error.kind,
          `robots.txt of ${pageUrl.origin} is unreachable, so nothing there is fetched for now (RFC 9309): ${error.message}`,
          error.permanent,
          error.status,
          pageUrl.href,
        );
      }
      robotsText = '';
    }
    const robots = robotsParser(robotsUrl.href, robotsText);
    const crawlDelaySeconds = robots.getCrawlDelay(this.options.userAgent);
    if (crawlDelaySeconds !== undefined && crawlDelaySeconds > 0) {
      this.scheduleFor(pageUrl).raiseMinInterval(crawlDelaySeconds * 1000);
    }
    return robots;
  }
}
