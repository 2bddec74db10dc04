export { PoliteFetcher, parseHttpUrl } from './fetcher.ts';
export { DEFAULT_FETCHER_OPTIONS, resolveWithSystemDns } from './options.ts';
export type { FetcherOptions, HostLimits, ResolvedAddress, Resolver } from './options.ts';
export { decodeBody } from './charset.ts';
export { looksLikeCookieChallenge } from './challenge.ts';
export { addressRefusalReason } from './ssrf.ts';
export { FetchError } from './types.ts';
export type { FetchErrorKind, FetchRequest, FetchResponse, PageFetcher } from './types.ts';
