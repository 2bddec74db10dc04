import { afterEach, expect } from 'vitest';
import { FetchError, PoliteFetcher, type FetcherOptions } from '../../lib/http/index.ts';
import { startTestServer, type TestRoutes, type TestServer } from './http-server.ts';

/** Shared set-up of the lib/http tests: servers closed after each test, loopback fetchers, error capture. */

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A real HTTP (or, with tls, HTTPS) server on 127.0.0.1, closed after the current test. */
export async function serve(routes: TestRoutes, options: { tls?: boolean } = {}): Promise<TestServer> {
  const server = await startTestServer(routes, options);
  servers.push(server);
  return server;
}

/** A fetcher allowed to reach loopback, with no waits between requests and short backoffs; robots.txt off. */
export function loopbackFetcher(options: Partial<FetcherOptions> = {}): PoliteFetcher {
  return new PoliteFetcher({ allowLoopback: true, respectRobots: false, minIntervalMs: 0, backoffBaseMs: 5, ...options });
}

/** The FetchError the promise rejects with (the test fails if it resolves or rejects with anything else). */
export async function fetchError(promise: Promise<unknown>): Promise<FetchError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(FetchError);
  return error as FetchError;
}
