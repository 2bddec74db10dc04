import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IngestConfig } from '../config.ts';
import {
  BROKEN_FEEDS,
  buildGzipBomb,
  HOSTILE_FEED_PATH,
  HOSTILE_SOURCE,
  hostileUrlsOf,
  serveHostile,
  type BrokenFeedKind,
  type HostileKind,
  type HostileRoutes,
  type HostileUrl,
  type SeedArticle,
} from './hostile.ts';
import { createSampleSite, matchesFeedPath, readSamplePage, type SamplePage, type SampleSite, type SampleSiteOptions } from './site.ts';
import {
  planFault,
  seededUniform,
  serveTransientFault,
  type FaultPlanOptions,
  type PlannedFault,
  type TransientAnswers,
  type TransientFaultKind,
} from './transient-faults.ts';

/**
 * A fault-injecting layer in front of the sample site, for chaos runs and tests, with two families of faults:
 * - transient faults on the site's own article pages and feeds (transient-faults.ts): about `rate` of them
 *   are picked from the seed; a picked path answers badly for its first few requests, then normally. Some
 *   last fewer requests than a fetch's attempts (they clear on retry), some exactly as many (they fail the
 *   run and clear on the re-run);
 * - hostile URLs under /chaos/ (hostile.ts), served the same way every time.
 */

export interface FaultOptions extends FaultPlanOptions {
  /** How long a 'slow' response stalls before giving up on the client; more than the client's timeout. */
  stallMs: number;
  /** Sent with 429s. */
  retryAfterSeconds: number;
  /** Body size of the huge page. Default 20 MiB. */
  hugePageBytes?: number;
  /** Decompressed size of the gzip bomb. Default 256 MiB. */
  gzipBombBytes?: number;
  /** Real articles served in windows-1258, and real articles without any date. Default 2 each. */
  awkwardArticles?: number;
}

export interface InjectedFault {
  kind: TransientFaultKind | HostileKind;
  path: string;
  /** 1 for the first request the layer saw for this path. */
  requestNumber: number;
}

export interface FaultySampleSite {
  site: SampleSite;
  /** Every fault served so far, in order. */
  injected: InjectedFault[];
  /** The transient fault planned for each picked path. */
  plan(): PlannedFault[];
  hostile: HostileUrl[];
  /** Feeds that are broken on every request (listed in config() too). */
  brokenFeeds: Array<{ kind: BrokenFeedKind; url: string }>;
  /** The site's config plus the hostile feed and the broken feeds (all under source sample-baodanang). */
  config(): IngestConfig;
  /** URLs of every real article the site lists: each must be in the store exactly once after a re-run. */
  groundTruth(): string[];
  /** Requests the layer has seen (faulted or not), hostile URLs included; or only those under a path prefix. */
  requestCount(pathPrefix?: string): number;
  /** Ends every transient fault, as the outage it stands for would end before a re-run; hostile URLs stay. */
  clearTransientFaults(): void;
  close(): Promise<void>;
}

/** The sample site with the fault layer in front of it. */
export async function createFaultySampleSite(
  siteOptions: Omit<SampleSiteOptions, 'intercept' | 'mutate'>,
  options: FaultOptions,
): Promise<FaultySampleSite> {
  if (!(options.rate >= 0 && options.rate <= 1)) throw new Error(`fault rate must be between 0 and 1, got ${options.rate}`);
  if (!Number.isInteger(options.attemptsPerFetch) || options.attemptsPerFetch < 1) {
    throw new Error(`attemptsPerFetch must be a positive integer, got ${options.attemptsPerFetch}`);
  }
  const answers: TransientAnswers = { stallMs: options.stallMs, retryAfterSeconds: options.retryAfterSeconds, challengeHtml: readSamplePage('bad-cookie-challenge.html') };

  const injected: InjectedFault[] = [];
  const requestsByPath = new Map<string, number>();
  const plans = new Map<string, PlannedFault | null>();
  let totalRequests = 0;
  let transientFaultsCleared = false;
  let pagesByPath = new Map<string, SamplePage>();
  let feedPaths: string[] = [];
  /** Set by intercept for the request the site is about to render (rendering is synchronous). */
  let truncateNextRender: string | null = null;
  let hostileRoutes: HostileRoutes | null = null;
  const gzipBomb = await buildGzipBomb(options.gzipBombBytes ?? 256 * 1024 * 1024);

  const record = (kind: InjectedFault['kind'], path: string, requestNumber: number): void => {
    injected.push({ kind, path, requestNumber });
  };

  const planFor = (path: string): PlannedFault | null => {
    if (plans.has(path)) return plans.get(path)!;
    const target = pagesByPath.has(path) ? 'article' : feedPaths.some((pattern) => matchesFeedPath(pattern, path)) ? 'feed' : null;
    const plan = target === null ? null : planFault(options, path, target);
    plans.set(path, plan);
    return plan;
  };

  const intercept = (request: IncomingMessage, response: ServerResponse): boolean => {
    const path = new URL(request.url ?? '/', 'http://sample.invalid').pathname;
    totalRequests += 1;
    const requestNumber = (requestsByPath.get(path) ?? 0) + 1;
    requestsByPath.set(path, requestNumber);
    if (path.startsWith('/chaos/') && hostileRoutes) {
      serveHostile(path, request, response, requestNumber, hostileRoutes);
      return true;
    }
    if (path === '/robots.txt' || transientFaultsCleared) return false;
    const plan = planFor(path);
    if (plan === null || requestNumber > plan.requests) return false;
    record(plan.kind, path, requestNumber);
    if (plan.kind === 'truncated-html') truncateNextRender = path;
    return serveTransientFault(plan.kind, response, answers);
  };

  const mutate = (page: SamplePage, html: string): string => {
    if (truncateNextRender !== page.path) return html;
    truncateNextRender = null;
    // Cut between 20% and 60% of the page: a 200 whose HTML simply stops, as a crashed backend sends it.
    const fraction = 0.2 + 0.4 * seededUniform(options.seed, `cut ${page.path}`);
    return html.slice(0, Math.floor(html.length * fraction));
  };

  const site = await createSampleSite({ ...siteOptions, intercept, mutate });
  pagesByPath = new Map(site.pages.map((page) => [page.path, page]));
  feedPaths = site.feeds.map((feed) => feed.path);

  const hostile = hostileUrlsOf(site, options.awkwardArticles ?? 2);
  const at = (path: string): string => site.origin + path;
  hostileRoutes = {
    hostile,
    seedArticle: JSON.parse(readSamplePage('baodanang-2024-10-18.expected.json')) as SeedArticle,
    gzipBomb,
    hugePageBytes: options.hugePageBytes ?? 20 * 1024 * 1024,
    record,
    serveBrokenFeed: (kind, response) => serveTransientFault(kind, response, answers),
  };

  return {
    site,
    injected,
    plan: () => [...plans.values()].filter((plan): plan is PlannedFault => plan !== null),
    hostile,
    brokenFeeds: BROKEN_FEEDS.map((feed) => ({ kind: feed.kind, url: at(feed.path) })),
    config(): IngestConfig {
      const config = site.config();
      return {
        ...config,
        sources: config.sources.map((source) =>
          source.id === HOSTILE_SOURCE
            ? {
                ...source,
                feeds: [
                  ...source.feeds,
                  { url: at(HOSTILE_FEED_PATH), kind: 'rss' as const },
                  ...BROKEN_FEEDS.map((feed) => ({ url: at(feed.path), kind: 'auto' as const })),
                ],
              }
            : source,
        ),
      };
    },
    groundTruth: () => [...site.pages.map((page) => page.url), ...hostile.filter((entry) => entry.isArticle).map((entry) => entry.url)],
    requestCount: (pathPrefix) =>
      pathPrefix === undefined
        ? totalRequests
        : [...requestsByPath].reduce((sum, [path, count]) => (path.startsWith(pathPrefix) ? sum + count : sum), 0),
    clearTransientFaults: () => {
      transientFaultsCleared = true;
    },
    close: () => site.close(),
  };
}
