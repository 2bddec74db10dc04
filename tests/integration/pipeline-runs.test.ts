import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadFeedState } from '../../lib/feeds/state.ts';
import { PoliteFetcher } from '../../lib/http/fetcher.ts';
import { runIngest } from '../../lib/pipeline/local-runner.ts';
import { hostLimitsFor } from '../../lib/pipeline/politeness.ts';
import { discoverDueFeeds, expandFeedUrl } from '../../lib/pipeline/discover.ts';
import { fetchFeed } from '../../lib/pipeline/fetch-feed.ts';
import { processArticle } from '../../lib/pipeline/process-article.ts';
import type { PipelineDeps } from '../../lib/pipeline/types.ts';
import { createSampleSite, type SampleSite, type SampleSiteOptions } from '../../lib/sample-site/site.ts';
import { articleIdFor } from '../../lib/schema/ids.ts';
import { LocalDirectoryStore } from '../../lib/store/local.ts';

/** The stages and the local runner against the sample site on 127.0.0.1 and a local directory store. */

let directory: string;
let store: LocalDirectoryStore;
let site: SampleSite | null = null;
/** Paths the site answers itself with a fault while a test wants it to. */
const faults = new Map<string, (response: ServerResponse) => void>();

function intercept(request: IncomingMessage, response: ServerResponse): boolean {
  const fault = faults.get(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
  if (!fault) return false;
  fault(response);
  return true;
}

async function startSite(options: SampleSiteOptions = {}): Promise<SampleSite> {
  site = await createSampleSite({ intercept, ...options });
  return site;
}

function depsFor(current: SampleSite, clock: () => Date = () => new Date()): PipelineDeps {
  const config = current.config();
  // No retries: a fault should show as the state it ends in, not be retried away within one run.
  const fetcher = new PoliteFetcher({ userAgent: config.userAgent, allowLoopback: true, retries: 0, hostOverrides: hostLimitsFor(config) });
  return { fetcher, store, config, clock };
}

async function collectKeys(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  return keys;
}

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'news-ingest-pipeline-'));
  store = new LocalDirectoryStore(directory);
});

afterEach(async () => {
  faults.clear();
  await site?.close();
  site = null;
  await rm(directory, { recursive: true, force: true });
});

describe('runIngest', () => {
  it('an article two feeds list, whose processing failed, is processed again next run, never taken as unchanged', async () => {
    const current = await startSite();
    const shared = current.pages.find((page) => page.url === current.sharedUrl)!;
    faults.set(shared.path, (response) => response.writeHead(503, { 'content-type': 'text/plain' }).end('busy'));
    const first = await runIngest(depsFor(current));
    const firstStates = first.summary.items.filter((item) => item.url === shared.url).map((item) => item.state);
    expect(firstStates.length).toBeGreaterThan(1);
    expect(firstStates.filter((state) => state !== 'skipped:duplicate')).toEqual(['failed:http-503']);

    // Both feeds are fetched again (no 304): one lists the article exactly as before, the other too, yet it
    // never reached a final state, so it must be fetched and stored, whichever feed is read first.
    faults.clear();
    current.touchFeeds();
    const second = await runIngest(depsFor(current));
    const secondStates = second.summary.items.filter((item) => item.url === shared.url).map((item) => item.state);
    expect(secondStates).toHaveLength(firstStates.length);
    expect(secondStates.filter((state) => state !== 'skipped:duplicate')).toEqual(['stored']);
  });

  it('records a transient page failure as retryable and lists the item again next run', async () => {
    const current = await startSite();
    const broken = current.pages.find((page) => page.publisher === 'nld')!;
    faults.set(broken.path, (response) => response.writeHead(503, { 'content-type': 'text/plain' }).end('busy'));

    const first = await runIngest(depsFor(current));
    expect(first.summary.items.filter((item) => item.url === broken.url)).toEqual([
      expect.objectContaining({ state: 'failed:http-503', error: expect.stringContaining('503') }),
    ]);
    expect(first.summary.counts.stored).toBe(current.pages.length - 1);
    // Its feed forgets its validators, so the next run cannot get a 304 and skip the item.
    const nldFeed = current.feeds.find((feed) => feed.sourceId === broken.sourceId)!;
    expect(await loadFeedState(store, nldFeed.url)).toMatchObject({ etag: null, lastModified: null });

    faults.clear();
    const second = await runIngest(depsFor(current));
    expect(second.summary.items.filter((item) => item.url === broken.url).map((item) => item.state)).toEqual(['stored']);
    expect(second.summary.feeds.fetched).toBe(1);
    expect(second.summary.feeds.notModified).toBe(current.feeds.length - 1);
  });

  it('does not fetch again an article its feed lists exactly as before; one whose entry changed is checked', async () => {
    const current = await startSite();
    const first = await runIngest(depsFor(current));
    expect(first.summary.counts.stored).toBe(current.pages.length);

    // New Last-Modified everywhere, so no feed answers 304; Atom <updated> and sitemap <lastmod> entries change,
    // RSS items (title, pubDate) stay as they were.
    current.touchFeeds();
    const before = current.requests.length;
    const second = await runIngest(depsFor(current));
    expect(second.summary.feeds.fetched).toBe(current.feeds.length);
    expect(second.summary.counts.stored ?? 0).toBe(0);
    const unchangedPages = second.summary.items.filter(
      (item) => item.state === 'unchanged' && current.pages.some((page) => page.url === item.url),
    );
    expect(unchangedPages).toHaveLength(current.pages.length);

    const requested = new Set(current.requests.slice(before).map((request) => request.path));
    const pageOf = (publisher: string) => current.pages.find((page) => page.publisher === publisher)!;
    for (const rssOnly of ['vnexpress', 'tuoitre', 'nld']) expect(requested.has(pageOf(rssOnly).path)).toBe(false);
    expect(requested.has(pageOf('dantri').path)).toBe(true);
    expect(requested.has(pageOf('vietnamnet').path)).toBe(true);
  });

  it('articles the store lost after their run are stored again by the next one, even from feeds that answer 304', async () => {
    const current = await startSite();
    const first = await runIngest(depsFor(current));
    expect(first.summary.counts.stored).toBe(current.pages.length);

    // One article of each of two publishers disappears (deleted by hand, a lifecycle rule, a restored backup).
    const lostPages = ['vnexpress', 'dantri'].map((publisher) => current.pages.find((page) => page.publisher === publisher)!);
    const stored = await collectKeys('articles/v2/');
    for (const page of lostPages) {
      const key = stored.find((candidate) => candidate.endsWith(`/${articleIdFor(page.url)}.json`));
      expect(key).toBeDefined();
      await store.delete(key!);
    }

    // No feed changed: without the check against the store every feed would answer 304 and nothing be fetched.
    const second = await runIngest(depsFor(current));
    expect(second.summary.counts.stored).toBe(lostPages.length);
    for (const page of lostPages) {
      expect(second.summary.items.filter((item) => item.url === page.url && item.state !== 'skipped:duplicate').map((item) => item.state)).toEqual(['stored']);
    }
    const lostSources = new Set(lostPages.map((page) => page.sourceId));
    const feedsOfLost = current.feeds.filter((feed) => lostSources.has(feed.sourceId)).length;
    expect(second.summary.feeds.fetched).toBe(feedsOfLost);
    expect(second.summary.feeds.notModified).toBe(current.feeds.length - feedsOfLost);
    expect(await collectKeys('articles/v2/')).toHaveLength(stored.length);

    // Healed: a third run finds everything in place and fetches nothing.
    const third = await runIngest(depsFor(current));
    expect(third.summary.counts.stored ?? 0).toBe(0);
    expect(third.summary.feeds.notModified).toBe(current.feeds.length);
  });

  it('a page cut off before </body> and </html> is a retryable failure, never a partial article; stored on the next run', async () => {
    const current = await startSite();
    const page = current.pages.find((candidate) => candidate.publisher === 'vnexpress')!;
    const html = await (await fetch(page.url)).text();
    faults.set(page.path, (response) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html.slice(0, Math.floor(html.length * 0.6))));

    const first = await runIngest(depsFor(current));
    expect(first.summary.items.filter((item) => item.url === page.url)).toEqual([
      expect.objectContaining({ state: 'failed:truncated', error: expect.stringContaining('</body>') }),
    ]);

    faults.clear();
    const second = await runIngest(depsFor(current));
    expect(second.summary.items.filter((item) => item.url === page.url).map((item) => item.state)).toEqual(['stored']);
  });

  it('a gzip page whose compressed stream is cut off is failed:truncated even though every byte of markup arrived', async () => {
    const current = await startSite();
    const page = current.pages.find((candidate) => candidate.publisher === 'dantri')!;
    const html = await (await fetch(page.url)).text();
    expect(/<\/body\s*>/i.test(html)).toBe(true);
    const gzip = gzipSync(html);
    // Without the 8-byte trailer every byte of the page is still there; only gzip knows it is incomplete.
    faults.set(page.path, (response) =>
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'gzip' }).end(gzip.subarray(0, gzip.length - 8)),
    );

    const first = await runIngest(depsFor(current));
    expect(first.summary.items.filter((item) => item.url === page.url)).toEqual([
      expect.objectContaining({ state: 'failed:truncated', error: expect.stringContaining('ends before its compressed stream does') }),
    ]);

    faults.clear();
    const second = await runIngest(depsFor(current));
    expect(second.summary.items.filter((item) => item.url === page.url).map((item) => item.state)).toEqual(['stored']);
  });

  it('a malformed feed fails on its own with the parser error; the other feeds are ingested', async () => {
    const current = await startSite();
    const atom = current.feeds.find((feed) => feed.kind === 'atom')!;
    faults.set(atom.path, (response) =>
      response.writeHead(200, { 'content-type': 'application/atom+xml' }).end('<?xml version="1.0"?><feed><entry><title>cut off'),
    );
    const { summary } = await runIngest(depsFor(current));
    expect(summary.feeds.failed).toBe(1);
    const failed = summary.feeds.list.find((feed) => feed.status === 'failed')!;
    expect(failed.url).toBe(atom.url);
    expect(failed.error).toMatch(/FeedParseError/);
    const dantriPages = current.pages.filter((page) => page.sourceId === atom.sourceId).length;
    expect(summary.counts.stored).toBe(current.pages.length - dantriPages);
  });

  it('with a limit, processes that many articles, records the rest as skipped:limit and takes them next run', async () => {
    const current = await startSite({ articles: 12 });
    const first = await runIngest({ ...depsFor(current), limit: 5 });
    expect(first.summary.counts.stored).toBeLessThanOrEqual(5);
    const accepted = first.summary.items.filter((item) => !item.state.startsWith('skipped:duplicate') && item.state !== 'skipped:limit');
    expect(accepted).toHaveLength(5);
    expect(first.summary.counts['skipped:limit']).toBeGreaterThan(0);

    const second = await runIngest(depsFor(current));
    const storedEver = (first.summary.counts.stored ?? 0) + (second.summary.counts.stored ?? 0);
    expect(storedEver).toBe(current.pages.length);
    expect(second.summary.counts['skipped:limit']).toBeUndefined();
  });

  it('only one source with sourceId', async () => {
    const current = await startSite();
    const { summary } = await runIngest({ ...depsFor(current), sourceId: 'sample-vnexpress' });
    expect(summary.feeds.list.map((feed) => feed.sourceId)).toEqual(['sample-vnexpress']);
    expect(new Set(summary.items.map((item) => item.sourceId))).toEqual(new Set(['sample-vnexpress']));
  });
});

describe('stages', () => {
  it('discoverDueFeeds lists a feed again only when its source interval has passed', async () => {
    const current = await startSite();
    let now = new Date('2026-09-05T10:00:00Z');
    const deps = depsFor(current, () => now);
    const jobs = await discoverDueFeeds(deps, 'run-1');
    expect(jobs).toHaveLength(current.feeds.length);
    // The daily sitemap's {date} is today in Vietnam (UTC+7).
    expect(jobs.map((job) => job.feedUrl)).toContain(`${current.origin}/baodanang/sitemap-article-2026-09-05.xml`);

    for (const job of jobs) await fetchFeed(job, deps);
    now = new Date('2026-09-05T10:14:00Z');
    expect(await discoverDueFeeds(deps, 'run-2')).toEqual([]);
    expect(await discoverDueFeeds(deps, 'run-2', { includeNotDue: true })).toHaveLength(current.feeds.length);
    now = new Date('2026-09-05T10:15:00Z');
    expect(await discoverDueFeeds(deps, 'run-3')).toHaveLength(current.feeds.length);
  });

  it('expandFeedUrl uses the source time zone for {date}', () => {
    const source = { timeZone: 'Asia/Ho_Chi_Minh' } as Parameters<typeof expandFeedUrl>[1];
    expect(expandFeedUrl('https://baodanang.vn/sitemap-article-{date}.xml', source, new Date('2026-09-05T17:30:00Z'))).toBe(
      'https://baodanang.vn/sitemap-article-2026-09-06.xml',
    );
  });

  it('fetchFeed follows a sitemap index to its child sitemaps and lists their articles once', async () => {
    const current = await startSite();
    const daily = `${current.origin}/baodanang/sitemap-article-2026-09-05.xml`;
    const dayBefore = `${current.origin}/baodanang/sitemap-article-2026-09-04.xml`;
    faults.set('/baodanang/sitemap.xml', (response) =>
      response
        .writeHead(200, { 'content-type': 'application/xml' })
        .end(
          `<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` +
            `<sitemap><loc>${daily}</loc></sitemap><sitemap><loc>${dayBefore}</loc></sitemap></sitemapindex>`,
        ),
    );
    const outcome = await fetchFeed(
      { sourceId: 'sample-baodanang', feedUrl: `${current.origin}/baodanang/sitemap.xml`, kind: 'sitemap', runId: 'r' },
      depsFor(current),
    );
    const baodanang = current.pages.filter((page) => page.publisher === 'baodanang').map((page) => page.url);
    expect(outcome.status).toBe('fetched');
    expect(outcome.articles.map((job) => job.url).sort()).toEqual([...baodanang].sort());
    expect(outcome.articles.every((job) => job.feedUrl === daily)).toBe(true);
    // The sample site's daily sitemaps overlap completely: the second one's items are counted, not listed again.
    expect(outcome.duplicates).toBe(baodanang.length);
  });

  it('fetchFeed reports a feed that answers 404 as failed, not retryable, and never throws', async () => {
    const current = await startSite();
    const outcome = await fetchFeed({ sourceId: 'sample-nld', feedUrl: `${current.origin}/nld/rss/khong-co.rss`, kind: 'rss', runId: 'r' }, depsFor(current));
    expect(outcome).toMatchObject({ status: 'failed', retryable: false, articles: [] });
    expect(outcome.error).toMatch(/404/);
  });

  it('processArticle ends an article of an unknown source in failed:unknown-source without fetching it', async () => {
    const current = await startSite();
    const page = current.pages[0]!;
    const before = current.requests.length;
    const outcome = await processArticle({ sourceId: 'nope', url: page.url, guid: null, feedUrl: current.feeds[0]!.url, runId: 'r' }, depsFor(current));
    expect(outcome).toMatchObject({ state: 'failed:unknown-source', retryable: false, key: null });
    expect(current.requests.length).toBe(before);
  });
});
