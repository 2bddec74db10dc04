const TRACKING_PARAMETER = /^(utm_[a-z]+|fbclid|gclid|gclsrc|dclid|msclkid|mc_cid|mc_eid|zarsrc|_ga|igshid|ref|ref_src|cmpid)$/i;

/**
 * The form of a URL used for ids and dedupe: no fragment, no tracking parameters, lowercase host,
 * default port dropped, remaining query parameters sorted.
 */
export function normalizeUrl(raw: string): string {
  const url = new URL(raw.trim());
  url.hash = '';
  url.hostname = url.hostname.toLowerCase();
  const kept = [...url.searchParams.entries()].filter(([name]) => !TRACKING_PARAMETER.test(name));
  kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  url.search = '';
  for (const [name, value] of kept) url.searchParams.append(name, value);
  return url.toString();
}

/**
 * `raw` (trimmed) resolved against `base` when given, if the result is an http(s) URL; null for empty,
 * unparseable or other-scheme values (data:, javascript:, mailto:).
 */
export function absoluteHttpUrl(raw: string | null | undefined, base?: string): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}
