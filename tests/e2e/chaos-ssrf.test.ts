import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PoliteFetcher } from '../../lib/http/fetcher.ts';
import type { ResolvedAddress } from '../../lib/http/options.ts';
import { FetchError } from '../../lib/http/types.ts';
import { createFaultySampleSite, type FaultySampleSite } from '../../lib/sample-site/faults.ts';
import type { HostileKind } from '../../lib/sample-site/hostile.ts';

/**
 * The SSRF guard against the chaos site's redirects and against the same targets in production mode.
 * Every socket this process opens is seen through node:net's diagnostics channel: none may go anywhere
 * but loopback, and in production mode none may open at all for these targets.
 */

const sockets: Array<{ remoteAddress: string | undefined }> = [];
const requestHosts: string[] = [];
const onSocket = (message: unknown): void => {
  sockets.push((message as { socket: { remoteAddress: string | undefined } }).socket);
};
const onRequest = (message: unknown): void => {
  requestHosts.push((message as { request: { host: string } }).request.host);
};

/** Names that resolve where an attacker would point them; nothing here ever reaches DNS. */
const RESOLUTIONS: Record<string, ResolvedAddress[]> = {
  'intranet.example': [{ address: '10.0.0.1', family: 4 }],
  'metadata.example': [{ address: '169.254.169.254', family: 4 }],
  'localhost.example': [{ address: '127.0.0.1', family: 4 }],
  'ipv6-localhost.example': [{ address: '::1', family: 6 }],
  // One public address and one private one: the private one alone is reason to refuse.
  'mixed.example': [
    { address: '93.184.215.14', family: 4 },
    { address: '10.0.0.1', family: 4 },
  ],
};
const resolved: string[] = [];
async function resolver(hostname: string): Promise<ResolvedAddress[]> {
  resolved.push(hostname);
  const addresses = RESOLUTIONS[hostname];
  if (!addresses) throw new Error(`test resolver: ${hostname} is not a name this test uses`);
  return addresses;
}

let faulty: FaultySampleSite;

beforeAll(async () => {
  subscribe('net.client.socket', onSocket);
  subscribe('http.client.request.start', onRequest);
  faulty = await createFaultySampleSite({ articles: 9 }, { seed: 1, rate: 0, attemptsPerFetch: 1, stallMs: 1000, retryAfterSeconds: 1 });
});

afterAll(async () => {
  unsubscribe('net.client.socket', onSocket);
  unsubscribe('http.client.request.start', onRequest);
  await faulty?.close();
});

async function refusal(promise: Promise<unknown>): Promise<FetchError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(FetchError);
  return error as FetchError;
}

describe('production mode (allowLoopback false): refused at the guard, before any socket opens', () => {
  const targets = [
    'http://127.0.0.1:9/bai-viet.html',
    'http://[::1]:9/bai-viet.html',
    'http://10.0.0.1/bai-viet.html',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::ffff:169.254.169.254]/latest/meta-data/',
    'http://intranet.example/bai-viet.html',
    'http://metadata.example/latest/meta-data/',
    'http://localhost.example/bai-viet.html',
    'http://ipv6-localhost.example/bai-viet.html',
    'http://mixed.example/bai-viet.html',
  ];

  it.each(targets)('%s', async (url) => {
    const fetcher = new PoliteFetcher({ userAgent: 'news-ingest-test (+https://example.invalid)', allowLoopback: false, resolve: resolver, retries: 2 });
    const socketsBefore = sockets.length;
    const error = await refusal(fetcher.fetch({ url }));
    expect(error.kind).toBe('ssrf-refused');
    expect(error.permanent).toBe(true);
    expect(error.message).toMatch(/refused: .*\((private network|loopback|link-local)/);
    expect(sockets.length).toBe(socketsBefore);
  });
});

describe('sample mode (allowLoopback true): redirects off loopback are refused at the hop', () => {
  const fetcher = (): PoliteFetcher =>
    new PoliteFetcher({ userAgent: 'news-ingest-test (+https://example.invalid)', allowLoopback: true, retries: 0, minIntervalMs: 0 });
  const urlOf = (kind: HostileKind): string => faulty.hostile.find((entry) => entry.kind === kind)!.url;

  it.each([
    ['redirect-to-10.0.0.1', /targets 10\.0\.0\.1 \(private network\)/],
    ['redirect-to-169.254.169.254', /targets 169\.254\.169\.254 \(link-local, cloud metadata endpoint\)/],
  ] as const)('%s', async (kind, message) => {
    const hostsBefore = requestHosts.length;
    const error = await refusal(fetcher().fetch({ url: urlOf(kind) }));
    expect(error.kind).toBe('ssrf-refused');
    expect(error.message).toMatch(message);
    // Only the sample site was asked (robots.txt, the redirecting page); never the redirect's target.
    expect(requestHosts.slice(hostsBefore).every((host) => host === '127.0.0.1')).toBe(true);
  });

  it('follows a redirect to 127.0.0.1 to the article it points at', async () => {
    const entry = faulty.hostile.find((candidate) => candidate.kind === 'redirect-to-127.0.0.1')!;
    const response = await fetcher().fetch({ url: entry.url });
    expect(response.status).toBe(200);
    expect(response.url).toBe(entry.aliasOf);
  });

  it('gives up on a redirect loop with a specific, permanent error', async () => {
    const error = await refusal(fetcher().fetch({ url: urlOf('redirect-loop') }));
    expect(error.kind).toBe('too-many-redirects');
    expect(error.permanent).toBe(true);
  });

  it('never opened a socket to anything but loopback in this file', () => {
    expect(resolved.length).toBeGreaterThan(0);
    // The channels do see this process's sockets (the sample-mode fetches opened some).
    expect(sockets.length).toBeGreaterThan(0);
    expect(requestHosts.length).toBeGreaterThan(0);
    expect(requestHosts.every((host) => host === '127.0.0.1' || host === '::1')).toBe(true);
  });
});
