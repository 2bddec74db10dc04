import ipaddr from 'ipaddr.js';
import { FetchError } from './types.ts';
import type { ResolvedAddress, Resolver } from './options.ts';

const RANGE_DESCRIPTIONS: Record<string, string> = {
  unspecified: 'unspecified address',
  broadcast: 'broadcast address',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT, 100.64.0.0/10',
  private: 'private network',
  reserved: 'reserved range',
  benchmarking: 'benchmarking range',
  amt: 'AMT relay range',
  as112: 'AS112 range',
  as112v6: 'AS112 range',
  uniqueLocal: 'unique-local IPv6, fc00::/7',
  rfc6145: 'IPv4-translated IPv6',
  rfc6052: 'NAT64 local-use range',
  '6to4': '6to4 tunnel',
  teredo: 'Teredo tunnel',
  orchid2: 'ORCHIDv2 range',
  droneRemoteIdProtocolEntityTags: 'DRIP range',
  deprecatedSiteLocal: 'site-local IPv6 (deprecated)',
  deprecatedOrchid: 'ORCHID range',
  discard: 'discard-only IPv6',
  segmentRouting: 'segment-routing IPv6',
};

const CLOUD_METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254']);

function describeRange(range: string, address: string): string {
  const description = RANGE_DESCRIPTIONS[range] ?? range;
  return CLOUD_METADATA_ADDRESSES.has(address) ? `${description}, cloud metadata endpoint` : description;
}

function ipv4Verdict(address: ipaddr.IPv4, allowLoopback: boolean): string | null {
  const range = address.range();
  if (range === 'unicast') return null;
  if (range === 'loopback' && allowLoopback) return null;
  return describeRange(range, address.toString());
}

function embeddedIPv4(ipv6: ipaddr.IPv6): ipaddr.IPv4 {
  const high = ipv6.parts[6] ?? 0;
  const low = ipv6.parts[7] ?? 0;
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/**
 * Why a connection to this IP address is refused, or null when it is allowed.
 * Only public unicast addresses pass (plus loopback when allowed); every special range is refused,
 * including IPv6 forms that embed an IPv4 address (mapped, IPv4-compatible, NAT64).
 */
export function addressRefusalReason(address: string, allowLoopback: boolean): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return ipv4Verdict(parsed as ipaddr.IPv4, allowLoopback);

  const ipv6 = parsed as ipaddr.IPv6;
  const range = ipv6.range();
  if (range === 'ipv4Mapped') return ipv4Verdict(ipv6.toIPv4Address(), allowLoopback);
  // Well-known NAT64 prefix 64:ff9b::/96 carries a real IPv4 destination in its last 32 bits.
  if (range === 'rfc6052' && ipv6.match(ipaddr.IPv6.parse('64:ff9b::'), 96)) {
    return ipv4Verdict(embeddedIPv4(ipv6), allowLoopback);
  }
  if (range === 'unicast') {
    // ::a.b.c.d (IPv4-compatible, deprecated) is not in ipaddr.js's special ranges.
    const ipv4Compatible = ipv6.parts.slice(0, 6).every((part) => part === 0);
    return ipv4Compatible ? 'IPv4-compatible IPv6 (deprecated)' : null;
  }
  if (range === 'loopback' && allowLoopback) return null;
  return describeRange(range, ipv6.toString());
}

/** The URL's hostname without the brackets WHATWG URL keeps around IPv6 literals. */
export function bareHostname(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/**
 * Resolves the URL's host and returns the address to connect to, after checking every address the
 * name resolves to. Runs before any socket is opened; the caller connects to exactly this address.
 */
export async function resolveAndGuard(
  url: URL,
  resolve: Resolver,
  allowLoopback: boolean,
): Promise<ResolvedAddress> {
  const hostname = bareHostname(url);
  if (ipaddr.isValid(hostname)) {
    const reason = addressRefusalReason(hostname, allowLoopback);
    if (reason !== null) {
      throw new FetchError('ssrf-refused', `refused: ${url.href} targets ${hostname} (${reason})`, true, undefined, url.href);
    }
    return { address: hostname, family: ipaddr.parse(hostname).kind() === 'ipv4' ? 4 : 6 };
  }

  let addresses: ResolvedAddress[];
  try {
    addresses = await resolve(hostname);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new FetchError('name-resolution', `could not resolve ${hostname} for ${url.href}: ${detail}`, false, undefined, url.href);
  }
  if (addresses.length === 0) {
    throw new FetchError('name-resolution', `could not resolve ${hostname} for ${url.href}: no addresses`, false, undefined, url.href);
  }
  for (const { address } of addresses) {
    const reason = addressRefusalReason(address, allowLoopback);
    if (reason !== null) {
      throw new FetchError('ssrf-refused', `refused: ${hostname} resolves to ${address} (${reason})`, true, undefined, url.href);
    }
  }
  return addresses[0]!;
}
