import type { IngestConfig } from '../config.ts';
import type { HostLimits } from '../http/options.ts';

/**
 * Per-host fetch settings from each source's politeness and allowInsecureRedirects, keyed by every host
 * the source is reached on: its domain and the host (with port, when it has one) of each of its feeds.
 * Where sources share a host, the strictest setting wins.
 */
export function hostLimitsFor(config: IngestConfig): Record<string, HostLimits> {
  const limits: Record<string, HostLimits> = {};
  const apply = (host: string, own: Required<HostLimits>): void => {
    const existing = limits[host];
    limits[host] = existing
      ? {
          perHostConcurrency: Math.min(existing.perHostConcurrency ?? own.perHostConcurrency, own.perHostConcurrency),
          minIntervalMs: Math.max(existing.minIntervalMs ?? own.minIntervalMs, own.minIntervalMs),
          allowInsecureRedirects: (existing.allowInsecureRedirects ?? false) && own.allowInsecureRedirects,
        }
      : own;
  };
  for (const source of config.sources) {
    const own = {
      perHostConcurrency: source.politeness.concurrency,
      minIntervalMs: source.politeness.minIntervalMs,
      allowInsecureRedirects: source.allowInsecureRedirects,
    };
    const hosts = new Set([source.domain.toLowerCase()]);
    for (const feed of source.feeds) hosts.add(new URL(feed.url.replaceAll('{date}', '2000-01-01')).host);
    for (const host of hosts) apply(host, own);
  }
  return limits;
}
