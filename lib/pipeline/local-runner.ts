import pLimit from 'p-limit';
import type { IngestConfig } from '../config.ts';
import { describeError } from '../errors.ts';
import type { PageFetcher } from '../http/types.ts';
import { RawPageBatcher } from '../store/raw-pages.ts';
import type { ObjectStore } from '../store/types.ts';
import { commitFeedState, fetchFeed, type FetchFeedResult } from './fetch-feed.ts';
import { discoverDueFeeds, newRunId, writeRunSummary } from './discover.ts';
import { processArticle } from './process-article.ts';
import { reconcileFeedStates } from './reconcile.ts';
import type { ArticleJob, ItemState, PipelineDeps, PipelineLogger, RunFeed, RunItem, RunSummary } from './types.ts';

/**
 * The local runner: the same stage functions the Lambdas call, in one process, with an in-memory queue.
 * reconcile feed states with the store → discover → fetch feeds (conditional GET) → process each new or changed
 * article once (items listed exactly as before, whose article the store holds, end `unchanged` unfetched) →
 * save feed states with the article each item became → run summary in the store.
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
    rawPages: new RawPageBatcher(options.store, { clock }),
    ...(options.logger ? { logger: options.logger } : {}),
  };
  const started = clock();
  const runId = newRunId(started);
  // An item counts as seen only while the store holds its article: one listing per run heals what went missing.
  const reconciled = await reconcileFeedStates(options.store, options.logger);
  options.logger?.info('feed states reconciled with the store', { ...reconciled });
  const feedJobs = await discoverDueFeeds(deps, runId, {
    includeNotDue: true,
    ...(options.sourceId ? { sourceId: options.sourceId } : {}),
  });

  const counts: Partial<Record<ItemState, number>> = {};
  const items: RunItem[] = [];
  const feeds: RunFeed[] = [];
  const articleLimit = pLimit(options.concurrency ?? DEFAULT_CONCURRENCY);
  const feedLimit = pLimit(FEED_CONCURRENCY);
  let discovered = 0;
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

  // 1. Fetch every feed. Settle them all before reporting a failure, so nothing still runs after we return.
  const fetched = await Promise.allSettled(
    feedJobs.map((job) =>
      feedLimit(async () => {
        const outcome = await fetchFeed(job, deps, { deferStateSave: true });
        const feed: RunFeed = {
          sourceId: job.sourceId,
          url: job.feedUrl,
          status: outcome.status,
          items: outcome.articles.length + outcome.listedAsBefore.length,
          ...(outcome.error ? { error: outcome.error } : {}),
          ...(outcome.errorKind ? { errorKind: outcome.errorKind } : {}),
        };
        feeds.push(feed);
        feedsDone += 1;
        report({ feed });
        return outcome;
      }),
    ),
  );
  const rejected = fetched.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (rejected) throw rejected.reason;
  const outcomes = fetched.map((result) => (result as PromiseFulfilledResult<FetchFeedResult>).value);

  // 2. One state per URL, whichever feeds list it: processed when any feed lists it new or changed (an
  // article two feeds list must not be taken as unchanged from one while its processing failed in the other),
  // `unchanged` only when every listing is as before; every other listing is `skipped:duplicate`.
  const listedUrls = new Set<string>();
  const toProcess: ArticleJob[] = [];
  const unfinishedUrls = new Set<string>();
  const articleIds = new Map<string, string | null>();
  const listing = (job: ArticleJob): boolean => {
    discovered += 1;
    if (listedUrls.has(job.url)) {
      record(job, 'skipped:duplicate', 'listed by another feed in this run');
      return false;
    }
    listedUrls.add(job.url);
    return true;
  };
  for (const job of outcomes.flatMap((outcome) => outcome.articles)) {
    if (!listing(job)) continue;
    if (options.limit !== undefined && toProcess.length >= options.limit) {
      unfinishedUrls.add(job.url);
      record(job, 'skipped:limit', `--limit ${options.limit} reached`);
    } else {
      toProcess.push(job);
    }
  }
  for (const job of outcomes.flatMap((outcome) => outcome.listedAsBefore)) {
    if (listing(job)) record(job, 'unchanged', null);
  }

  // 3. Process each article once.
  await Promise.all(
    toProcess.map((job) =>
      articleLimit(async () => {
        const result = await processArticle(job, deps);
        if (result.retryable) unfinishedUrls.add(job.url);
        else articleIds.set(job.url, result.key === null ? null : result.articleId);
        record(job, result.state, result.error);
      }),
    ),
  );

  // 4. Save each feed's state. What did not reach a final state (a transient failure, the limit) is not
  // remembered as seen in any feed that lists it, so the next run takes it again.
  for (const outcome of outcomes) {
    const unfinished = [...outcome.articles, ...outcome.listedAsBefore].filter((job) => unfinishedUrls.has(job.url));
    try {
      await commitFeedState(outcome, deps, { unfinished, articleIds });
    } catch (error) {
      // A store outage must not abort the run: without saved state the next run refetches the feed in full.
      options.logger?.warn('feed state not saved', { feedUrl: outcome.job.feedUrl, error: describeError(error) });
    }
  }

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
