import { describe, expect, it } from 'vitest';
import { backoffDelayMs, parseRetryAfter } from '../../lib/http/retry.ts';
import type { TestRoutes } from '../helpers/http-server.ts';
import { fetchError, loopbackFetcher, serve } from '../helpers/fetch-test-kit.ts';

/** Answers with the given statuses in turn, then 200 "ok" for ever. */
function statusSequence(statuses: number[], headers: Record<string, string> = {}): TestRoutes {
  let calls = 0;
  return (_req, res) => {
    const status = statuses[calls++];
    if (status === undefined) res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    else res.writeHead(status, headers).end(`status ${status}`);
  };
}

describe('PoliteFetcher: retries', () => {
  it('retries 503, 502 and a dropped connection, then succeeds', async () => {
    let calls = 0;
    const server = await serve((req, res) => {
      calls++;
      if (calls === 1) res.writeHead(503).end();
      else if (calls === 2) res.writeHead(502).end();
      else if (calls === 3) req.socket.destroy();
      else res.writeHead(200).end('ok');
    });
    const response = await loopbackFetcher({ retries: 3 }).fetch({ url: `${server.url}/flaky` });
    expect(response.text).toBe('ok');
    expect(server.requests.length).toBe(4);
  });

  it('gives up after the configured retries with a retryable http-status error', async () => {
    const server = await serve(statusSequence([503, 503, 503, 503, 503]));
    const error = await fetchError(loopbackFetcher({ retries: 2 }).fetch({ url: `${server.url}/down` }));
    expect(error).toMatchObject({ kind: 'http-status', status: 503, permanent: false, url: `${server.url}/down` });
    expect(error.message).toBe(`${server.url}/down answered HTTP 503 (gave up after 3 attempts)`);
    expect(server.requests.length).toBe(3);
  });

  it.each([404, 410, 400])('treats %i as permanent and does not retry it', async (status) => {
    const server = await serve(statusSequence([status]));
    const error = await fetchError(loopbackFetcher({ retries: 3 }).fetch({ url: `${server.url}/gone` }));
    expect(error).toMatchObject({ kind: 'http-status', status, permanent: true });
    expect(error.message).toBe(`${server.url}/gone answered HTTP ${status}`);
    expect(server.requests.length).toBe(1);
  });

  it('retries 403 (WAF) fewer times than other transient failures', async () => {
    const server = await serve(statusSequence([403, 403, 403, 403]));
    const error = await fetchError(loopbackFetcher({ retries: 3, forbiddenRetries: 1, backoffBaseMs: 1 }).fetch({ url: `${server.url}/waf` }));
    expect(error).toMatchObject({ kind: 'http-status', status: 403, permanent: false });
    expect(server.requests.length).toBe(2);
  });

  it('keeps one retry budget per URL across a mix of 503s and 403s (documented on FetcherOptions.retries)', async () => {
    // 503 spends one of the 3 retries, the 403 the one retry a 403 may have: both retried, then 200.
    const recovers = await serve(statusSequence([503, 403]));
    const options = { retries: 3, forbiddenRetries: 1, backoffBaseMs: 1 };
    expect((await loopbackFetcher(options).fetch({ url: `${recovers.url}/mixed` })).text).toBe('ok');
    expect(recovers.requests).toHaveLength(3);

    // A second 403 finds the 403 retry spent and ends the fetch, though retries are left.
    const blocked = await serve(statusSequence([403, 503, 403]));
    const error = await fetchError(loopbackFetcher(options).fetch({ url: `${blocked.url}/mixed` }));
    expect(error.message).toBe(`${blocked.url}/mixed answered HTTP 403 (gave up after 3 attempts)`);
    expect(blocked.requests).toHaveLength(3);

    // And the whole budget is the same 3 retries however the failures are mixed.
    const down = await serve(statusSequence([503, 503, 403, 503, 503]));
    const spent = await fetchError(loopbackFetcher(options).fetch({ url: `${down.url}/mixed` }));
    expect(spent.message).toBe(`${down.url}/mixed answered HTTP 503 (gave up after 4 attempts)`);
    expect(down.requests).toHaveLength(4);
  });

  it('honours Retry-After in seconds on 429 before retrying', async () => {
    const server = await serve(statusSequence([429], { 'retry-after': '1' }));
    const response = await loopbackFetcher({ retries: 1 }).fetch({ url: `${server.url}/limited` });
    expect(response.text).toBe('ok');
    const [first, second] = server.requests;
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(1000);
  });

  it('honours Retry-After as an HTTP date on 503', async () => {
    // HTTP dates have whole seconds: two seconds ahead is at least one second of waiting.
    const retryAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 2000).toUTCString();
    const server = await serve(statusSequence([503], { 'retry-after': retryAt }));
    await loopbackFetcher({ retries: 1 }).fetch({ url: `${server.url}/maintenance` });
    const [first, second] = server.requests;
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(1000);
  });

  it('does not wait for a Retry-After longer than maxRetryAfterMs: fails retryable at once', async () => {
    const server = await serve(statusSequence([503], { 'retry-after': '3600' }));
    const error = await fetchError(loopbackFetcher({ retries: 3, maxRetryAfterMs: 60_000 }).fetch({ url: `${server.url}/later` }));
    expect(error).toMatchObject({ kind: 'http-status', status: 503, permanent: false });
    expect(error.message).toContain('Retry-After 3600 s, longer than the 60000 ms this fetcher waits');
    expect(server.requests.length).toBe(1);
  });
});

describe('Retry-After and backoff arithmetic', () => {
  const now = Date.parse('2026-09-05T15:00:00Z');
  it('reads delta-seconds and HTTP dates, and ignores garbage', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Sat, 05 Sep 2026 15:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sat, 05 Sep 2026 14:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  it('doubles the backoff per attempt within the jitter band', () => {
    expect(backoffDelayMs(0, 500, () => 0)).toBe(250);
    expect(backoffDelayMs(0, 500, () => 0.999999)).toBe(500);
    expect(backoffDelayMs(3, 500, () => 0)).toBe(2000);
    expect(backoffDelayMs(3, 500, () => 0.999999)).toBe(4000);
  });
});
