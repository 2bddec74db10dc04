import pLimit from 'p-limit';
import type { IngestConfig } from '../config.ts';
import type { PageFetcher } from '../http/types.ts';
import type { ObjectStore } from '../store/types.ts';
import { commitFeedState, fetchFeed, type FetchFeedResult } from './fetch-feed.ts';
import { discoverDueFeeds, newRunId, writeRunSummary } from './discover.ts';
import { processArticle } from './process-article.ts';
import { describeError } from './responses.ts';
import type { ArticleJob, ArticleOutcome, ItemState, PipelineDeps, PipelineLogger, RunFeed, RunItem, RunSummary } from './types.ts';

/**
 * The local runner: the same stage functions the Lambdas call, in one process, with an in-memory queue.
 * discover → fetch feeds (conditional GET) → process each new or changed article once (items listed exactly as
 * before end `unchanged` unfetched) → run summary in the store.
 */

export interface RunProgress {
  feedsDone: number;
  feedsTotal: number;
  /** Items that reached their final state. */
  itemsDone: number;
  itemsDiscovered: number;
  counts: Partial<Record<ItemState, number>>;
  /** What just finished: a feed or an item. */
  feed?: RunFeed;
  item?: RunItem;
}

export interface RunIngestOptions {
  config: IngestConfig;
  fetcher: PageFetcher;
  store: ObjectStore;
  clock?: () => Date;
  /** At most this many articles are processed; the rest end `skipped:limit` and are listed again next run. */
  limit?: number;
  sourceId?: string;
  /** Articles in flight at once across all hosts; per-host limits are the fetcher's. */
  concurrency?: number;
  onProgress?: (progress: RunProgress) => void;
  logger?: PipelineLogger;
}

export interface RunIngestResult {
  summary: RunSummary;
  /** Where the summary was written: runs/<date>/<runId>.json. */
  summaryKey: string;
}

const DEFAULT_CONCURRENCY = 8;
const FEED_CONCURRENCY = 4;

export async function runIngest(options: RunIngestOptions): Promise<RunIngestResult> {
  const clock = options.clock ?? (() => new Date());
  const deps: PipelineDeps = {
    fetcher: options.fetcher,
    store: options.store,
    config: options.config,
    clock,
    ...(options.logger ? { logger: options.logger } : {}),
  };
  const started = clock();
  const runId = newRunId(started);
  const feedJobs = await discoverDueFeeds(deps, runId, {
    includeNotDue: true,
    ...(options.sourceId ? { sourceId: options.sourceId } : {}),
  });

  const counts: Partial<Record<ItemState, number>> = {};
  const items: RunItem[] = [];
  const feeds: RunFeed[] = [];
  const queuedUrls = new Set<string>();
  const articleLimit = pLimit(options.concurrency ?? DEFAULT_CONCURRENCY);
  const feedLimit = pLimit(FEED_CONCURRENCY);
  let discovered = 0;
  let accepted = 0;
  let feedsDone = 0;

  const report = (update: Pick<RunProgress, 'feed' | 'item'>): void => {
    options.onProgress?.({
      feedsDone,
      feedsTotal: feedJobs.length,
      itemsDone: items.length,
      itemsDiscovered: discovered,
      counts: { ...counts },
      ...update,
    });
  };
  const record = (job: ArticleJob, state: ItemState, error: string | null): RunItem => {
    const item: RunItem = { url: job.url, sourceId: job.sourceId, state, ...(error ? { error } : {}) };
    counts[state] = (counts[state] ?? 0) + 1;
    items.push(item);
    report({ item });
    return item;
  };

  /** Counts a listed item; false (and recorded `skipped:duplicate`) when another feed listed it first. */
  const firstListing = (job: ArticleJob): boolean => {
    discovered += 1;
    if (queuedUrls.has(job.url)) {
      record(job, 'skipped:duplicate', 'listed by another feed in this run');
      return false;
    }
    queuedUrls.add(job.url);
    return true;
  };

  /**
   * Processes a feed's articles, then saves its state. Articles that did not reach a final state (a
   * transient failure, the limit) are not remembered as seen, so the next run takes them again.
   */
  const drainFeed = async (outcome: FetchFeedResult): Promise<void> => {
    const unfinished: ArticleJob[] = [];
    const work: Promise<ArticleOutcome>[] = [];
    for (const job of outcome.listedAsBefore) {
      if (firstListing(job)) record(job, 'unchanged', null);
    }
    for (const job of outcome.articles) {
      if (!firstListing(job)) continue;
      if (options.limit !== undefined && accepted >= options.limit) {
        unfinished.push(job);
        record(job, 'skipped:limit', `--limit ${options.limit} reached`);
        continue;
      }
      accepted += 1;
      work.push(articleLimit(() => processArticle(job, deps)));
    }
    for (const result of await Promise.all(work)) {
      if (result.retryable) unfinished.push(result.job);
      record(result.job, result.state, result.error);
    }
    try {
      await commitFeedState(outcome, deps, { unfinished });
    } catch (error) {
      // A store outage must not abort the run: without saved state the next run refetches the feed in full.
      options.logger?.warn('feed state not saved', { feedUrl: outcome.job.feedUrl, error: describeError(error) });
    }
  };

  // Settle every feed before reporting a failure (a store error), so nothing still runs after we return.
  const settled = await Promise.allSettled(
    feedJobs.map((job) =>
      feedLimit(async () => {
        const outcome = await fetchFeed(job, deps, { deferStateSave: true });
        const feed: RunFeed = {
          sourceId: job.sourceId,
          url: job.feedUrl,
          status: outcome.status,
          items: outcome.articles.length + outcome.listedAsBefore.length,
          ...(outcome.error ? { error: outcome.error } : {}),
        };
        feeds.push(feed);
        await drainFeed(outcome);
        feedsDone += 1;
        report({ feed });
      }),
    ),
  );
  const rejected = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (rejected) throw rejected.reason;

  const total = Object.values(counts).reduce<number>((sum, count) => sum + (count ?? 0), 0);
  if (total !== discovered || items.length !== discovered) {
    throw new Error(`run ${runId} lost track of items: discovered ${discovered}, states ${total}, items ${items.length}`);
  }
  const finished = clock();
  const summary: RunSummary = {
    runId,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    store: options.store.description,
    feeds: {
      fetched: feeds.filter((feed) => feed.status === 'fetched').length,
      notModified: feeds.filter((feed) => feed.status === 'not-modified').length,
      failed: feeds.filter((feed) => feed.status === 'failed').length,
      list: feeds,
    },
    discovered,
    counts,
    items,
  };
  const summaryKey = await writeRunSummary(options.store, summary);
  return { summary, summaryKey };
}
