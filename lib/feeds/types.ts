/** One item a feed or sitemap lists. */
export interface DiscoveredItem {
  /** Normalized absolute article URL (lib/normalize/url.ts). */
  url: string;
  /** The item's guid, or null when the feed has none (dedupe then uses the normalized url). */
  guid: string | null;
  title: string | null;
  /** ISO 8601 with offset when the feed gives a parseable date. */
  publishedAt: string | null;
  /**
   * What the feed says about the item's last change (Atom <updated>, sitemap <lastmod>), exactly as given:
   * compared between runs to notice a revised article, never read as a date.
   */
  updatedMark: string | null;
  /** The feed or sitemap that listed it. */
  feedUrl: string;
}

export type FeedKind = 'rss' | 'atom' | 'rdf' | 'sitemap' | 'sitemap-index';

export interface ParsedFeed {
  kind: FeedKind;
  title: string | null;
  items: DiscoveredItem[];
  /** For sitemap indexes: the child sitemaps to fetch. */
  childSitemaps: string[];
  /** Items dropped because they had no usable http(s) link. */
  invalidItems: number;
  /** Items dropped because an earlier item of the same feed had the same dedupe key or URL. */
  duplicateItems: number;
}

/** Per-feed state kept in the store at state/feeds/<feedId>.json. */
export interface FeedState {
  feedUrl: string;
  etag: string | null;
  lastModified: string | null;
  /** Where etag and lastModified came from: the feed URL after redirects (absent in older states). */
  validatorsUrl?: string | null;
  lastFetchedAt: string | null;
  /**
   * The schedule tick (the run's due time) of the last fetch. Due-ness counts from here, not from
   * lastFetchedAt, which lands after the tick: counting from it a 15-minute feed missed every other tick.
   * Absent in states written before it existed.
   */
  lastTickAt?: string | null;
  /**
   * Recently seen items as "<fingerprint>:<dedupe key>" (seenEntry in state.ts; older states hold bare keys),
   * newest last, bounded.
   */
  seen: string[];
  /**
   * For seen items, by dedupe key: the id of the article the item is stored as, or null when it ended without
   * one (not an article, 404, robots). Lets a run check `seen` against the articles the store still holds.
   * Absent in states written before it existed.
   */
  articleIds?: Record<string, string | null>;
}
