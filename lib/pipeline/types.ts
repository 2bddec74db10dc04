import type { IngestConfig } from '../config.ts';
import type { PageFetcher } from '../http/types.ts';
import type { WriteArticleOptions } from '../store/articles.ts';
import type { RawPageBatcher } from '../store/raw-pages.ts';
import type { ObjectStore } from '../store/types.ts';

/**
 * What the pipeline's stages take and give. The stages are plain functions over an injected fetcher, store
 * and clock, one module each (discover.ts, fetch-feed.ts, process-article.ts), so a Lambda bundles only the
 * stage it runs; the local runner and the handlers call exactly these.
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
  /** How an updated article's earlier version is kept; default 'local-copy' (the cloud: 'bucket-versioning'). */
  keepRevisions?: WriteArticleOptions['keepRevisions'];
  /** Batches the raw pages of the articles in flight together (a run, an invocation); without it, one object per page. */
  rawPages?: RawPageBatcher;
}

export interface FeedJob {
  sourceId: string;
  feedUrl: string;
  kind: 'rss' | 'atom' | 'sitemap' | 'auto';
  runId: string;
  /** ISO time of the schedule tick this job was dispatched for (absent in messages from before it existed). */
  tickAt?: string;
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
  /**
   * The state the raw page batch's manifest records for this article (its page was added to a batch of a
   * ledger-keeping invocation), or null. The run ledger needs an outcomes entry only where this differs.
   */
  claimedInBatch: 'stored' | 'updated' | null;
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
  /** failed only: the fetch error's kind (FetchErrorKind), when the failure came from the fetcher. */
  errorKind?: string;
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
  /** failed only: the fetch error's kind (e.g. name-resolution), when the fetcher named one. */
  errorKind?: string;
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
