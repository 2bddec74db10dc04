import { DateTime } from 'luxon';
import { findSource, type IngestConfig, type SourceConfig } from '../config.ts';
import { extractArticle } from '../extract/index.ts';
import { NotAnArticleError } from '../extract/types.ts';
import { parseFeed } from '../feeds/parse.ts';
import { dedupeKey, forgetSeen, keyOfSeenEntry, loadFeedState, rememberSeen, saveFeedState, seenEntry } from '../feeds/state.ts';
import type { DiscoveredItem, FeedKind, FeedState } from '../feeds/types.ts';
import { FetchError, type FetchResponse, type PageFetcher } from '../http/types.ts';
import { normalizeUrl } from '../normalize/url.ts';
import { writeArticle } from '../store/articles.ts';
import { runKey } from '../store/keys.ts';
import type { ObjectStore } from '../store/types.ts';

/**
 * The pipeline's stages as plain functions over an injected fetcher, store and clock. The local runner
 * and the Lambda handlers call exactly these; neither the stages nor their callers know about the other.
 */

export interface PipelineLogger {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

export interface PipelineDeps {
  fetcher: PageFetcher;
  store: ObjectStore;
  config: IngestConfig;
  clock: () => Date;
  logger?: PipelineLogger;
}

export interface FeedJob {
  sourceId: string;
  feedUrl: string;
  kind: 'rss' | 'atom' | 'sitemap' | 'auto';
  runId: string;
}

export interface ArticleJob {
  sourceId: string;
  url: string;
  guid: string | null;
  /** The feed or sitemap that listed the article (a child sitemap when found through an index). */
  feedUrl: string;
  runId: string;
}

export type ItemState = 'stored' | 'unchanged' | 'updated' | `skipped:${string}` | `failed:${string}`;

export interface ArticleOutcome {
  job: ArticleJob;
  state: ItemState;
  /** Only failed:* can be retryable: a transient fault worth another attempt (SQS redelivery, then DLQ). */
  retryable: boolean;
  articleId: string | null;
  key: string | null;
  missing: string[];
  error: string | null;
}

export interface FeedOutcome {
  job: FeedJob;
  status: 'fetched' | 'not-modified' | 'failed';
  /** Articles to process: new ones, and seen ones whose feed entry changed (title, date, last change). */
  articles: ArticleJob[];
  /**
   * Articles stored by an earlier run that the feed lists exactly as before: not fetched again (each page
   * would otherwise be requested on every poll for as long as the feed lists it); they end `unchanged`.
   */
  listedAsBefore: ArticleJob[];
  /** Items listed more than once by this feed (and its child sitemaps), dropped here. */
  duplicates: number;
  /** Items not in the feed state's `seen` list: new since the last fetch. */
  newItems: number;
  error: string | null;
  /** failed only: a transient fault (timeout, 5xx, 429) rather than a permanent one. */
  retryable: boolean;
}

export interface RunItem {
  url: string;
  sourceId: string;
  state: ItemState;
  error?: string;
}

export interface RunFeed {
  sourceId: string;
  url: string;
  status: FeedOutcome['status'];
  items: number;
  error?: string;
}

export interface RunSummary {
  runId: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  store: string;
  feeds: { fetched: number; notModified: number; failed: number; list: RunFeed[] };
  /** Items the feeds listed in this run; always equal to the sum of `counts`. */
  discovered: number;
  /** Items per final state, e.g. { stored: 12, "skipped:not-an-article": 1 }. */
  counts: Partial<Record<ItemState, number>>;
  items: RunItem[];
}

/** A sitemap index names many daily sitemaps; only the first few (the newest, as CMSs list them) are read. */
export const MAX_CHILD_SITEMAPS = 3;

export function newRunId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${stamp}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Expands `{date}` (today in the source's zone), e.g. for /sitemap-article-{date}.xml. */
export function expandFeedUrl(template: string, source: SourceConfig, now: Date): string {
  if (!template.includes('{date}')) return template;
  const today = DateTime.fromJSDate(now, { zone: source.timeZone }).toFormat('yyyy-MM-dd');
  return template.replaceAll('{date}', today);
}

export interface DiscoverOptions {
  /** Only this source's feeds. */
  sourceId?: string;
  /** Every configured feed, due or not (a run started by hand). */
  includeNotDue?: boolean;
}

/** The feeds whose source interval has passed since their last fetch (never fetched: due). */
export async function discoverDueFeeds(deps: PipelineDeps, runId: string, options: DiscoverOptions = {}): Promise<FeedJob[]> {
  const now = deps.clock();
  const sources = options.sourceId ? [findSource(deps.config, options.sourceId)] : deps.config.sources;
  const jobs: FeedJob[] = [];
  for (const source of sources) {
    for (const feed of source.feeds) {
      const feedUrl = expandFeedUrl(feed.url, source, now);
      if (!options.includeNotDue) {
        const state = await loadFeedState(deps.store, feedUrl);
        if (state.lastFetchedAt !== null) {
          const dueAt = new Date(state.lastFetchedAt).getTime() + source.intervalMinutes * 60_000;
          if (dueAt > now.getTime()) continue;
        }
      }
      jobs.push({ sourceId: source.id, feedUrl, kind: feed.kind, runId });
    }
  }
  return jobs;
}

export interface FetchFeedOptions {
  /**
   * Leave the feed state (validators, seen) unsaved and return it in `pendingState`, to be saved with
   * commitFeedState once the articles are safely queued or processed: a crash in between then refetches
   * the feed instead of getting a 304 for items nobody processed.
   */
  deferStateSave?: boolean;
}

export interface FetchFeedResult extends FeedOutcome {
  pendingState: FeedState[];
}

/** Fetches one feed (conditional GET), parses it and lists its articles. Never throws for bad input. */
export async function fetchFeed(job: FeedJob, deps: PipelineDeps, options: FetchFeedOptions = {}): Promise<FetchFeedResult> {
  const outcome: FetchFeedResult = {
    job,
    status: 'fetched',
    articles: [],
    listedAsBefore: [],
    duplicates: 0,
    newItems: 0,
    error: null,
    retryable: false,
    pendingState: [],
  };
  let fetched: ParsedDocument[];
  try {
    const top = await fetchFeedDocument(job.feedUrl, deps);
    if (top.kind === 'not-modified') {
      outcome.status = 'not-modified';
      outcome.pendingState.push(top.state);
      return await finish(outcome, deps, options);
    }
    if (job.kind !== 'auto' && kindFamily(top.feedKind) !== job.kind) {
      // Still usable (the parser detects the format), but the config is wrong about this feed.
      deps.logger?.warn('feed kind differs from config', { feedUrl: job.feedUrl, configured: job.kind, found: top.feedKind });
    }
    fetched = [top];
    for (const child of top.childSitemaps.slice(0, MAX_CHILD_SITEMAPS)) {
      const document = await fetchFeedDocument(child, deps);
      if (document.kind === 'not-modified') outcome.pendingState.push(document.state);
      else fetched.push(document);
    }
  } catch (error) {
    outcome.status = 'failed';
    outcome.error = describeError(error);
    outcome.retryable = isTransient(error);
    deps.logger?.warn('feed failed', { feedUrl: job.feedUrl, error: outcome.error });
    return outcome;
  }

  const listed = new Set<string>();
  for (const document of fetched) {
    const seenEntries = new Set(document.state.seen);
    const seenKeys = new Set(document.state.seen.map(keyOfSeenEntry));
    const entries: string[] = [];
    for (const item of document.items) {
      const key = itemKey(item);
      const entry = seenEntry(item);
      entries.push(entry);
      if (listed.has(key)) {
        outcome.duplicates += 1;
        continue;
      }
      listed.add(key);
      const article: ArticleJob = { sourceId: job.sourceId, url: item.url, guid: item.guid, feedUrl: item.feedUrl, runId: job.runId };
      if (seenEntries.has(entry)) {
        outcome.listedAsBefore.push(article);
        continue;
      }
      if (!seenKeys.has(dedupeKey(item))) outcome.newItems += 1;
      outcome.articles.push(article);
    }
    outcome.pendingState.push(rememberSeen(document.state, entries));
  }
  deps.logger?.info('feed fetched', {
    feedUrl: job.feedUrl,
    articles: outcome.articles.length,
    newItems: outcome.newItems,
    listedAsBefore: outcome.listedAsBefore.length,
  });
  return await finish(outcome, deps, options);
}

async function finish(outcome: FetchFeedResult, deps: PipelineDeps, options: FetchFeedOptions): Promise<FetchFeedResult> {
  if (!options.deferStateSave) await commitFeedState(outcome, deps);
  return outcome;
}

/**
 * Saves the feed state fetchFeed produced. `unfinished` lists the articles that did not reach a final state
 * (a transient failure, a run limit): they are not remembered as seen, and ETag and Last-Modified are
 * dropped, so the next run refetches the whole feed and processes them again.
 */
export async function commitFeedState(
  outcome: FetchFeedResult,
  deps: PipelineDeps,
  options: { unfinished?: readonly ArticleJob[] } = {},
): Promise<void> {
  const unfinished = new Set((options.unfinished ?? []).map((article) => dedupeKey(article)));
  for (const state of outcome.pendingState) {
    await saveFeedState(
      deps.store,
      unfinished.size > 0 ? { ...forgetSeen(state, unfinished), etag: null, lastModified: null } : state,
    );
  }
}

interface ParsedDocument {
  kind: 'parsed';
  feedKind: FeedKind;
  state: FeedState;
  items: DiscoveredItem[];
  childSitemaps: string[];
}
type FeedDocument = { kind: 'not-modified'; state: FeedState } | ParsedDocument;

async function fetchFeedDocument(feedUrl: string, deps: PipelineDeps): Promise<FeedDocument> {
  const previous = await loadFeedState(deps.store, feedUrl);
  const response = await deps.fetcher.fetch({
    url: feedUrl,
    etag: previous.etag,
    lastModified: previous.lastModified,
    expect: 'feed',
  });
  const fetchedAt = deps.clock().toISOString();
  if (response.notModified) {
    return { kind: 'not-modified', state: { ...previous, lastFetchedAt: fetchedAt } };
  }
  assertOk(response);
  const parsed = await parseFeed(response.text, feedUrl);
  return {
    kind: 'parsed',
    feedKind: parsed.kind,
    state: { ...previous, etag: response.etag, lastModified: response.lastModified, lastFetchedAt: fetchedAt },
    items: parsed.items,
    childSitemaps: parsed.childSitemaps,
  };
}

function kindFamily(kind: FeedKind): FeedJob['kind'] {
  if (kind === 'rdf') return 'rss';
  if (kind === 'sitemap-index') return 'sitemap';
  return kind;
}

/** Dedupe on the normalized URL: guids differ between a site's RSS and its sitemap for the same article. */
function itemKey(item: DiscoveredItem): string {
  return normalizeUrl(item.url);
}

/**
 * Fetches, extracts and stores one article. Never throws: every job ends in one ItemState.
 * A seen article comes here again only when its feed entry changed: a revised page then comes out as
 * `updated`, an identical one as `unchanged` (same contentHash, nothing written).
 */
export async function processArticle(job: ArticleJob, deps: PipelineDeps): Promise<ArticleOutcome> {
  const outcome: ArticleOutcome = { job, state: 'failed:unknown', retryable: false, articleId: null, key: null, missing: [], error: null };
  const source = deps.config.sources.find((candidate) => candidate.id === job.sourceId);
  if (!source) return fail(outcome, 'unknown-source', `source "${job.sourceId}" is not configured`, false);

  let response: FetchResponse;
  try {
    response = await deps.fetcher.fetch({ url: job.url, expect: 'html' });
    assertOk(response);
  } catch (error) {
    if (error instanceof FetchError) {
      if (error.kind === 'robots-disallowed') return skip(outcome, 'robots-disallowed', error.message);
      if (error.kind === 'http-status' && (error.status === 404 || error.status === 410)) {
        return skip(outcome, `http-${error.status}`, error.message);
      }
      const reason = error.kind === 'http-status' && error.status !== undefined ? `http-${error.status}` : error.kind;
      return fail(outcome, reason, error.message, !error.permanent);
    }
    return fail(outcome, 'fetch', describeError(error), true);
  }

  // A 200 whose HTML stops before both </body> and </html> was cut off on the way: stored, it would be a
  // partial article that later runs never revisit. Retried instead (pages may omit one of the two, not both).
  if (!CLOSING_BODY_OR_HTML_TAG.test(response.text)) {
    return fail(outcome, 'truncated', `${job.url}: the page ends before </body> and </html> (cut off in transit?)`, true);
  }

  let article;
  try {
    article = extractArticle(response.text, {
      url: response.url,
      fetchedAt: deps.clock(),
      feed: { url: job.feedUrl, guid: job.guid },
      source: { id: source.id, name: source.name, domain: source.domain },
      adapterId: source.adapter,
    });
  } catch (error) {
    if (error instanceof NotAnArticleError) return skip(outcome, 'not-an-article', error.message);
    return fail(outcome, 'extract', describeError(error), false);
  }
  outcome.articleId = article.id;
  outcome.missing = [...article.missing];

  try {
    const written = await writeArticle(deps.store, article, response.text);
    outcome.state = written.outcome;
    outcome.key = written.key;
  } catch (error) {
    return fail(outcome, 'store', describeError(error), true);
  }
  deps.logger?.info('article processed', { url: job.url, state: outcome.state, key: outcome.key, missing: outcome.missing });
  return outcome;
}

const CLOSING_BODY_OR_HTML_TAG = /<\/(?:body|html)\s*>/i;

function skip(outcome: ArticleOutcome, reason: string, message: string): ArticleOutcome {
  return { ...outcome, state: `skipped:${reason}`, retryable: false, error: message };
}

function fail(outcome: ArticleOutcome, reason: string, message: string, retryable: boolean): ArticleOutcome {
  return { ...outcome, state: `failed:${reason}`, retryable, error: message };
}

/** The fetcher reports non-2xx as FetchError; a 2xx-less response that slipped through is treated the same. */
function assertOk(response: FetchResponse): void {
  if (response.status >= 200 && response.status < 300) return;
  const permanent = response.status < 500 && response.status !== 429 && response.status !== 408;
  throw new FetchError('http-status', `HTTP ${response.status} from ${response.url}`, permanent, response.status, response.url);
}

function isTransient(error: unknown): boolean {
  return error instanceof FetchError ? !error.permanent : false;
}

function describeError(error: unknown): string {
  if (error instanceof FetchError) return `${error.kind}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Writes runs/<YYYY-MM-DD>/<runId>.json (the UTC date the run started) and returns its key. */
export async function writeRunSummary(store: ObjectStore, summary: RunSummary): Promise<string> {
  const key = runKey(summary.startedAt.slice(0, 10), summary.runId);
  await store.put(key, `${JSON.stringify(summary, null, 2)}\n`, { contentType: 'application/json' });
  return key;
}
