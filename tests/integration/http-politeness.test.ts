import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { PoliteFetcher, type FetcherOptions } from '../../lib/http/index.ts';
import type { TestHandler, TestServer } from '../helpers/http-server.ts';
import { fetchError, loopbackFetcher, serve } from '../helpers/fetch-test-kit.ts';

/** These tests are about robots.txt and pacing, so robots.txt is on unless a test turns it off. */
function politeFetcher(options: Partial<FetcherOptions> = {}): PoliteFetcher {
  return loopbackFetcher({ respectRobots: true, ...options });
}

function robotsTxt(body: string): TestHandler {
  return (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
}

const okPage: TestHandler = (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>ok</p>');

/** A server whose every page is held for holdMs, counting how many requests are in flight at once. */
async function concurrencyProbe(holdMs: number): Promise<{ server: TestServer; maxInFlight: () => number }> {
  let inFlight = 0;
  let maxInFlight = 0;
  const server = await serve(async (_req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await sleep(holdMs);
    inFlight--;
    res.writeHead(200).end('ok');
  });
  return { server, maxInFlight: () => maxInFlight };
}

describe('PoliteFetcher: robots.txt', () => {
  it('refuses a disallowed path without requesting it, and allows the rest', async () => {
    const server = await serve({
      '/robots.txt': robotsTxt('User-agent: *\nDisallow: /private/\n'),
      '/private/secret.html': okPage,
      '/news/a.html': okPage,
    });
    const fetcher = politeFetcher();
    const error = await fetchError(fetcher.fetch({ url: `${server.url}/private/secret.html` }));
    expect(error).toMatchObject({ kind: 'robots-disallowed', permanent: true, url: `${server.url}/private/secret.html` });
    expect(error.message).toContain(`robots.txt of ${server.url} disallows ${server.url}/private/secret.html`);
    expect(server.hits('/private/secret.html').length).toBe(0);
    expect((await fetcher.fetch({ url: `${server.url}/news/a.html` })).text).toBe('<p>ok</p>');
    expect(server.hits('/robots.txt').length).toBe(1);
  });

  it('applies rules for our own user-agent token over the wildcard group', async () => {
    const server = await serve({
      '/robots.txt': robotsTxt('User-agent: *\nAllow: /\n\nUser-agent: news-ingest\nDisallow: /\n'),
      '/a.html': okPage,
    });
    const error = await fetchError(politeFetcher().fetch({ url: `${server.url}/a.html` }));
    expect(error.kind).toBe('robots-disallowed');
  });

  it('checks robots.txt again at a redirect target', async () => {
    const server = await serve({
      '/robots.txt': robotsTxt('User-agent: *\nDisallow: /members/\n'),
      '/short': (_req, res) => res.writeHead(302, { location: '/members/page' }).end(),
      '/members/page': okPage,
    });
    const error = await fetchError(politeFetcher().fetch({ url: `${server.url}/short` }));
    expect(error.kind).toBe('robots-disallowed');
    expect(server.hits('/members/page').length).toBe(0);
  });

  it('allows everything when robots.txt is 404', async () => {
    const server = await serve({ '/a.html': okPage });
    expect((await politeFetcher().fetch({ url: `${server.url}/a.html` })).status).toBe(200);
    expect(server.hits('/robots.txt').length).toBe(1);
  });

  it('treats a 5xx robots.txt as disallow-all for now: retryable error, page not requested', async () => {
    const server = await serve({
      '/robots.txt': (_req, res) => res.writeHead(503).end(),
      '/a.html': okPage,
    });
    const error = await fetchError(politeFetcher({ retries: 1 }).fetch({ url: `${server.url}/a.html` }));
    expect(error).toMatchObject({ kind: 'http-status', status: 503, permanent: false, url: `${server.url}/a.html` });
    expect(error.message).toContain(`robots.txt of ${server.url} is unreachable, so nothing there is fetched for now (RFC 9309)`);
    expect(server.hits('/robots.txt').length).toBe(2);
    expect(server.hits('/a.html').length).toBe(0);
  });

  it('raises the minimum interval between requests to the Crawl-delay', async () => {
    const server = await serve({
      '/robots.txt': robotsTxt('User-agent: *\nCrawl-delay: 1\n'),
      '/a.html': okPage,
      '/b.html': okPage,
    });
    const fetcher = politeFetcher({ minIntervalMs: 0 });
    await Promise.all([fetcher.fetch({ url: `${server.url}/a.html` }), fetcher.fetch({ url: `${server.url}/b.html` })]);
    const starts = server.requests.map((request) => request.receivedAt);
    expect(server.requests.map((request) => request.url).sort()).toEqual(['/a.html', '/b.html', '/robots.txt']);
    // Measured at the server, where connection latency on a loaded 2-core machine can shift one arrival by
    // a few hundred ms: half the delay still tells spacing from none (without it, arrivals are ms apart).
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(500);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(500);
  });

  it('does not consult robots.txt when respectRobots is false', async () => {
    const server = await serve({ '/robots.txt': robotsTxt('User-agent: *\nDisallow: /\n'), '/a.html': okPage });
    await politeFetcher({ respectRobots: false }).fetch({ url: `${server.url}/a.html` });
    expect(server.hits('/robots.txt').length).toBe(0);
  });
});

describe('PoliteFetcher: per-host limits', () => {
  it('keeps at most perHostConcurrency requests in flight, whatever the callers do', async () => {
    const { server, maxInFlight } = await concurrencyProbe(30);
    const fetcher = politeFetcher({ respectRobots: false, perHostConcurrency: 2 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => fetcher.fetch({ url: `${server.url}/page-${i}` })));
    expect(server.requests.length).toBe(10);
    expect(maxInFlight()).toBe(2);
  });

  it('lets a host override raise the limit (the probe does see more than 2 without the cap)', async () => {
    const { server, maxInFlight } = await concurrencyProbe(30);
    const fetcher = politeFetcher({
      respectRobots: false,
      perHostConcurrency: 2,
      hostOverrides: { [`127.0.0.1:${server.port}`]: { perHostConcurrency: 10 } },
    });
    await Promise.all(Array.from({ length: 10 }, (_, i) => fetcher.fetch({ url: `${server.url}/page-${i}` })));
    expect(maxInFlight()).toBeGreaterThan(2);
  });

  it('spaces request starts to one host by minIntervalMs', async () => {
    const server = await serve(okPage);
    const fetcher = politeFetcher({ respectRobots: false, minIntervalMs: 600, perHostConcurrency: 4 });
    await Promise.all(Array.from({ length: 4 }, (_, i) => fetcher.fetch({ url: `${server.url}/p${i}` })));
    const starts = server.requests.map((request) => request.receivedAt);
    // Measured at the server: connection latency on a loaded machine can shift one arrival by a few hundred
    // ms, so half the interval is asserted (without spacing the four requests arrive within ms of each other).
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(300);
  });

  it('does not make one host wait for another host', async () => {
    const slowHost = await serve(okPage);
    const otherHost = await serve(okPage);
    const fetcher = politeFetcher({ respectRobots: false, minIntervalMs: 60_000 });
    await fetcher.fetch({ url: `${slowHost.url}/first` });
    // A second request to slowHost would wait a minute; otherHost has its own schedule.
    const response = await fetcher.fetch({ url: `${otherHost.url}/first` });
    expect(response.status).toBe(200);
  });
});
