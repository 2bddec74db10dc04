import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PoliteFetcher, addressRefusalReason, type FetcherOptions, type ResolvedAddress } from '../../lib/http/index.ts';
import { watchOutgoingConnections, type ConnectionWatch } from '../helpers/http-server.ts';
import { fetchError, serve } from '../helpers/fetch-test-kit.ts';

// Every test here runs with outgoing connections watched: any attempt to a non-loopback address
// throws inside net.Socket#connect and is recorded, so "nothing was sent" is checked, not assumed.
let watch: ConnectionWatch;
beforeEach(() => {
  watch = watchOutgoingConnections();
});
afterEach(() => {
  watch.restore();
});

/** A resolver the test controls: fixed answers per hostname, and a log of what was asked. */
function fakeDns(records: Record<string, string[]>): { resolve: FetcherOptions['resolve']; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    resolve: async (hostname): Promise<ResolvedAddress[]> => {
      asked.push(hostname);
      const addresses = records[hostname];
      if (!addresses) throw new Error(`getaddrinfo ENOTFOUND ${hostname}`);
      return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    },
  };
}

describe('SSRF guard: decides on the resolved address before any socket opens', () => {
  it.each([
    ['intranet.test', '10.0.0.1', 'private network'],
    ['metadata.test', '169.254.169.254', 'link-local, cloud metadata endpoint'],
    ['localhost.test', '127.0.0.1', 'loopback'],
    ['v6-loopback.test', '::1', 'loopback'],
    ['mapped.test', '::ffff:192.168.1.10', 'private network'],
    ['cgnat.test', '100.64.0.7', 'carrier-grade NAT, 100.64.0.0/10'],
    ['ula.test', 'fd12:3456::1', 'unique-local IPv6, fc00::/7'],
    ['zero.test', '0.0.0.0', 'unspecified address'],
  ])('refuses %s resolving to %s (%s) and opens no connection', async (hostname, address, reason) => {
    const dns = fakeDns({ [hostname]: [address] });
    const fetcher = new PoliteFetcher({ resolve: dns.resolve, allowLoopback: false });
    const error = await fetchError(fetcher.fetch({ url: `http://${hostname}/latest/meta-data/` }));
    expect(error).toMatchObject({ kind: 'ssrf-refused', permanent: true, url: `http://${hostname}/latest/meta-data/` });
    expect(error.message).toBe(`refused: ${hostname} resolves to ${address} (${reason})`);
    expect(dns.asked).toEqual([hostname]);
    expect(watch.attempts).toEqual([]);
  });

  it('refuses a name when any one of its addresses is private', async () => {
    const dns = fakeDns({ 'split.test': ['93.184.216.34', '10.1.2.3'] });
    const error = await fetchError(new PoliteFetcher({ resolve: dns.resolve }).fetch({ url: 'https://split.test/' }));
    expect(error.message).toBe('refused: split.test resolves to 10.1.2.3 (private network)');
    expect(watch.attempts).toEqual([]);
  });

  it.each([
    ['http://10.0.0.1/', '10.0.0.1', 'private network'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254', 'link-local, cloud metadata endpoint'],
    ['http://[::1]:8080/', '::1', 'loopback'],
    ['http://2130706433/', '127.0.0.1', 'loopback'],
    ['http://[::ffff:7f00:1]/', '::ffff:7f00:1', 'loopback'],
    ['http://[64:ff9b::a9fe:a9fe]/', '64:ff9b::a9fe:a9fe', 'link-local, cloud metadata endpoint'],
    ['http://0.0.0.0/', '0.0.0.0', 'unspecified address'],
    ['http://[fe80::1]/', 'fe80::1', 'link-local'],
    ['http://224.0.0.1/', '224.0.0.1', 'multicast'],
  ])('refuses the IP literal in %s without DNS or a connection', async (url, address, reason) => {
    const dns = fakeDns({});
    const error = await fetchError(new PoliteFetcher({ resolve: dns.resolve }).fetch({ url }));
    expect(error.kind).toBe('ssrf-refused');
    expect(error.message).toBe(`refused: ${new URL(url).href} targets ${address} (${reason})`);
    expect(dns.asked).toEqual([]);
    expect(watch.attempts).toEqual([]);
  });

  it('refuses a real loopback server when loopback is not allowed, and the server sees nothing', async () => {
    const server = await serve((_req, res) => res.writeHead(200).end('should not be reached'));
    const error = await fetchError(new PoliteFetcher({ allowLoopback: false }).fetch({ url: `${server.url}/` }));
    expect(error.message).toBe(`refused: ${server.url}/ targets 127.0.0.1 (loopback)`);
    expect(server.requests).toEqual([]);
    expect(watch.attempts).toEqual([]);
  });

  it('allowLoopback admits loopback only, never private networks', async () => {
    const dns = fakeDns({ 'intranet.test': ['10.0.0.1'] });
    const fetcher = new PoliteFetcher({ resolve: dns.resolve, allowLoopback: true });
    const error = await fetchError(fetcher.fetch({ url: 'http://intranet.test/' }));
    expect(error.message).toBe('refused: intranet.test resolves to 10.0.0.1 (private network)');
    expect(watch.attempts).toEqual([]);
  });

  it.each([
    ['http://10.0.0.1/admin', 'refused: http://10.0.0.1/admin targets 10.0.0.1 (private network)'],
    ['http://metadata.test/latest/meta-data/', 'refused: metadata.test resolves to 169.254.169.254 (link-local, cloud metadata endpoint)'],
    ['http://[::ffff:10.0.0.1]/', 'refused: http://[::ffff:a00:1]/ targets ::ffff:a00:1 (private network)'],
  ])('refuses a redirect from a loopback server to %s at that hop', async (target, message) => {
    const server = await serve({
      '/robots.txt': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nAllow: /\n'),
      '/go': (_req, res) => res.writeHead(302, { location: target }).end(),
    });
    const dns = fakeDns({ 'metadata.test': ['169.254.169.254'] });
    const fetcher = new PoliteFetcher({ resolve: dns.resolve, allowLoopback: true, minIntervalMs: 0 });
    const error = await fetchError(fetcher.fetch({ url: `${server.url}/go` }));
    expect(error).toMatchObject({ kind: 'ssrf-refused', permanent: true });
    expect(error.message).toBe(message);
    // Two connections, both to the loopback server: robots.txt and /go. Nothing to the redirect target.
    expect(watch.attempts).toEqual(['127.0.0.1', '127.0.0.1']);
    expect(server.requests.map((request) => request.url)).toEqual(['/robots.txt', '/go']);
  });
});

describe('addressRefusalReason', () => {
  it('passes public unicast addresses (checked without connecting to them)', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '64:ff9b::808:808']) {
      expect(addressRefusalReason(address, false)).toBeNull();
    }
  });

  it('refuses private and metadata addresses written as IPv4, IPv4 inside IPv6 and ULA, and passes 172.32.0.1 just outside 172.16/12', () => {
    for (const address of ['172.16.0.1', '172.31.255.255', '192.168.0.1', '::ffff:169.254.169.254', '::a00:1', 'fc00::1']) {
      expect(addressRefusalReason(address, true)).not.toBeNull();
    }
    expect(addressRefusalReason('172.32.0.1', false)).toBeNull();
  });
});
