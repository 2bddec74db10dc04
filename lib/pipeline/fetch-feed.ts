import { parseFeed } from '../feeds/parse.ts';
import {
  dedupeKey,
  forgetSeen,
  keyOfSeenEntry,
  loadFeedState,
  recordArticleIds,
  rememberSeen,
  saveFeedState,
  seenEntry,
} from '../feeds/state.ts';
import type { DiscoveredItem, FeedKind, FeedState } from '../feeds/types.ts';
import { normalizeUrl } from '../normalize/url.ts';
import { describeError } from '../errors.ts';
import { FetchError } from '../http/types.ts';
import { assertOk, isTransient } from './responses.ts';
import { articleIdFor } from '../schema/ids.ts';
import type { ArticleJob, FeedJob, FeedOutcome, PipelineDeps } from './types.ts';

/** A sitemap index names many daily sitemaps; only the first few (the newest, as CMSs list them) are read. */
export const MAX_CHILD_SITEMAPS = 3;

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
    const top = await fetchFeedDocument(job.feedUrl, job, deps);
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
      const document = await fetchFeedDocument(child, job, deps);
      if (document.kind === 'not-modified') outcome.pendingState.push(document.state);
      else fetched.push(document);
    }
  } catch (error) {
    outcome.status = 'failed';
    outcome.error = describeError(error);
    if (error instanceof FetchError) outcome.errorKind = error.kind;
    outcome.retryable = isTransient(error);
    deps.logger?.warn('feed failed', { feedUrl: job.feedUrl, error: outcome.error });
    return outcome;
  }

  const listed = new Set<string>();
  for (const document of fetched) {
    const seenEntries = new Set(document.state.seen);
    const seenKeys = new Set(document.state.seen.map(keyOfSeenEntry));
    const entries: string[] = [];
    // Until processing says otherwise (the local runner records what each item really became), an item is
    // presumed stored under the id of its own URL, which is what the store is checked against.
    const presumedIds = new Map<string, string>();
    for (const item of document.items) {
      const key = itemKey(item);
      const entry = seenEntry(item);
      entries.push(entry);
      if (listed.has(key)) {
        outcome.duplicates += 1;
        continue;
      }
      listed.add(key);
      if (document.state.articleIds?.[dedupeKey(item)] === undefined) presumedIds.set(dedupeKey(item), articleIdFor(item.url));
      const article: ArticleJob = { sourceId: job.sourceId, url: item.url, guid: item.guid, feedUrl: item.feedUrl, runId: job.runId };
      if (seenEntries.has(entry)) {
        outcome.listedAsBefore.push(article);
        continue;
      }
      if (!seenKeys.has(dedupeKey(item))) outcome.newItems += 1;
      outcome.articles.push(article);
    }
    outcome.pendingState.push(recordArticleIds(rememberSeen(document.state, entries), presumedIds));
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

export interface CommitFeedStateOptions {
  /**
   * Articles that did not reach a final state (a transient failure, a run limit): they are not remembered as
   * seen, and ETag and Last-Modified are dropped, so the next run refetches the whole feed and processes them.
   */
  unfinished?: readonly ArticleJob[];
  /** By article URL: the id each processed article was stored as, or null when it ended without one. */
  articleIds?: ReadonlyMap<string, string | null>;
}

/** Saves the feed state fetchFeed produced. */
export async function commitFeedState(outcome: FetchFeedResult, deps: PipelineDeps, options: CommitFeedStateOptions = {}): Promise<void> {
  const unfinished = new Set((options.unfinished ?? []).map((article) => dedupeKey(article)));
  const processed = new Map<string, string | null>();
  for (const article of [...outcome.articles, ...outcome.listedAsBefore]) {
    const id = options.articleIds?.get(article.url);
    if (id !== undefined) processed.set(dedupeKey(article), id);
  }
  for (const pending of outcome.pendingState) {
    const state = recordArticleIds(pending, processed);
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

async function fetchFeedDocument(feedUrl: string, job: FeedJob, deps: PipelineDeps): Promise<FeedDocument> {
  const previous = await loadFeedState(deps.store, feedUrl);
  const response = await deps.fetcher.fetch({
    url: feedUrl,
    etag: previous.etag,
    lastModified: previous.lastModified,
    validatorsUrl: previous.validatorsUrl ?? null,
    expect: 'feed',
  });
  const fetchedAt = deps.clock().toISOString();
  const lastTickAt = job.tickAt ?? fetchedAt;
  if (response.notModified) {
    return { kind: 'not-modified', state: { ...previous, lastFetchedAt: fetchedAt, lastTickAt } };
  }
  assertOk(response);
  const parsed = await parseFeed(response.text, feedUrl);
  return {
    kind: 'parsed',
    feedKind: parsed.kind,
    state: { ...previous, etag: response.etag, lastModified: response.lastModified, validatorsUrl: response.url, lastFetchedAt: fetchedAt, lastTickAt },
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
