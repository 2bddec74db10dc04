import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Client } from '@aws-sdk/client-s3';
import { PoliteFetcher } from '../../lib/http/fetcher.ts';
import { runIngest, type RunIngestResult } from '../../lib/pipeline/local-runner.ts';
import { hostLimitsFor } from '../../lib/pipeline/politeness.ts';
import type { RunSummary } from '../../lib/pipeline/types.ts';
import { createSampleSite, type SampleSite } from '../../lib/sample-site/site.ts';
import { validateArticle, type Article } from '../../lib/schema/article.ts';
import { S3ObjectStore } from '../../lib/store/s3.ts';
import { createTestBucket, startMoto, testS3Client, type MotoServer } from '../helpers/moto.ts';
import { rawPageOf, storedRawPages } from '../helpers/raw-pages.ts';

/**
 * The whole path, as the local runner runs it: the sample site on 127.0.0.1 → feeds → pages →
 * extraction → S3 (moto_server). The runs follow each other against the same bucket.
 */

const ARTICLES = 12;
const BUCKET = 'e2e-ingest-sample';

let moto: MotoServer;
let client: S3Client;
let site: SampleSite;
let store: S3ObjectStore;

async function collect(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  return keys;
}

async function storedArticles(): Promise<Map<string, Article>> {
  const articles = new Map<string, Article>();
  for (const key of await collect('articles/v2/')) {
    const bytes = await store.get(key);
    const text = bytes!.toString('utf8');
    expect(text.trimEnd().includes('\n'), `${key} is one line`).toBe(false);
    articles.set(key, validateArticle(JSON.parse(text)));
  }
  return articles;
}

async function ingest(): Promise<RunIngestResult> {
  const config = site.config();
  const fetcher = new PoliteFetcher({ userAgent: config.userAgent, allowLoopback: true, hostOverrides: hostLimitsFor(config) });
  return runIngest({ config, fetcher, store });
}

function expectCountsAddUp(summary: RunSummary): void {
  const total = Object.values(summary.counts).reduce<number>((sum, count) => sum + (count ?? 0), 0);
  expect(total).toBe(summary.discovered);
  expect(summary.items).toHaveLength(summary.discovered);
}

function pathOf(url: string): string {
  return new URL(url).pathname;
}

function pageRequests(path: string): number {
  return site.requests.filter((request) => request.path === path).length;
}

beforeAll(async () => {
  moto = await startMoto();
  await createTestBucket(moto.endpoint, BUCKET);
  client = testS3Client(moto.endpoint);
  store = new S3ObjectStore({ bucket: BUCKET, client });
  site = await createSampleSite({ articles: ARTICLES });
});

afterAll(async () => {
  await site?.close();
  client?.destroy();
  await moto?.stop();
});

describe('ingest from the sample site into S3', () => {
  let firstRun: RunSummary;
  let firstArticles: Map<string, Article>;

  it('stores every article page once, with a schema-valid article and its raw page', async () => {
    const { summary, summaryKey } = await ingest();
    firstRun = summary;
    expectCountsAddUp(summary);
    expect(summary.feeds).toMatchObject({ fetched: site.feeds.length, notModified: 0, failed: 0 });
    expect(summary.counts.stored).toBe(ARTICLES);

    firstArticles = await storedArticles();
    expect(firstArticles.size).toBe(ARTICLES);
    expect(new Set([...firstArticles.values()].map((article) => article.url))).toEqual(new Set(site.pages.map((page) => page.url)));
    for (const article of firstArticles.values()) {
      expect(article.source.id).toMatch(/^sample-/);
      expect(article.feed?.url.startsWith(site.origin)).toBe(true);
      // The sources name their adapters, so pages served from 127.0.0.1 are read by them, not the generic path.
      expect(article.extractor.name).not.toBe('generic');
      expect(article.publishedAt).toMatch(/\+07:00$/);
      expect(article.authors.length).toBeGreaterThan(0);
    }
    // Every article's page, kept in batches of the pages fetched together (fewer objects than pages).
    const batches = await collect('raw/');
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.length).toBeLessThan(ARTICLES);
    for (const article of firstArticles.values()) expect(await rawPageOf(store, article)).toMatch(/<\/(?:body|html)>/i);
    expect((await storedRawPages(store)).length).toBe(ARTICLES);

    const written = JSON.parse((await store.get(summaryKey))!.toString('utf8')) as RunSummary;
    expect(summaryKey).toBe(`runs/${summary.startedAt.slice(0, 10)}/${summary.runId}.json`);
    expect(written.counts).toEqual(summary.counts);
  });

  it('ends each non-article URL in its own skipped state, and never requests what robots.txt disallows', () => {
    const stateOf = (url: string): string[] => firstRun.items.filter((item) => item.url === url).map((item) => item.state);
    expect(stateOf(site.extras!.notAnArticle)).toEqual(['skipped:not-an-article']);
    expect(stateOf(site.extras!.gone)).toEqual(['skipped:http-404']);
    expect(stateOf(site.extras!.robotsDisallowed)).toEqual(['skipped:robots-disallowed']);
    expect(pageRequests(pathOf(site.extras!.robotsDisallowed))).toBe(0);
    expect(firstRun.discovered).toBe(ARTICLES + 3 + (firstRun.counts['skipped:duplicate'] ?? 0));
  });

  it('processes an article listed by several feeds once', () => {
    const listings = firstRun.items.filter((item) => item.url === site.sharedUrl).map((item) => item.state).sort();
    // home.rss, chinh-tri.rss and the daily sitemap all list it.
    expect(listings).toEqual(['skipped:duplicate', 'skipped:duplicate', 'stored']);
    expect(pageRequests(pathOf(site.sharedUrl))).toBe(1);
  });

  it('a second run over unchanged feeds gets 304s and stores nothing', async () => {
    const { summary } = await ingest();
    expectCountsAddUp(summary);
    expect(summary.feeds).toMatchObject({ fetched: 0, notModified: site.feeds.length, failed: 0 });
    expect(summary.discovered).toBe(0);
    expect(await storedArticles()).toEqual(firstArticles);
  });

  it('when the feeds change but no page does, every article comes out unchanged and nothing is written', async () => {
    site.touchFeeds();
    const { summary } = await ingest();
    expectCountsAddUp(summary);
    expect(summary.feeds.fetched).toBe(site.feeds.length);
    // Pages whose feed entry changed (Atom <updated>, sitemap <lastmod>) are fetched again and found
    // identical; items an RSS feed lists exactly as before are not fetched again. Both end unchanged, and so
    // do the three non-article URLs, which the first run already settled.
    expect(summary.counts).toEqual({ 'skipped:duplicate': firstRun.counts['skipped:duplicate'], unchanged: ARTICLES + 3 });
    expect(await storedArticles()).toEqual(firstArticles);
    expect(await collect('revisions/')).toEqual([]);
  });

  it('an article changed on the site comes out updated, its earlier version kept', async () => {
    const revised = site.reviseArticle(1);
    const { summary } = await ingest();
    expectCountsAddUp(summary);
    // Only the feeds listing the revised page changed; the others answer 304 and list nothing.
    const changedFeeds = site.feeds.filter((feed) => feed.sourceId === revised.sourceId);
    expect(summary.feeds).toMatchObject({ fetched: changedFeeds.length, notModified: site.feeds.length - changedFeeds.length });
    expect(summary.items.filter((item) => item.state === 'updated').map((item) => item.url)).toEqual([revised.url]);
    const otherArticles = summary.items.filter(
      (item) => item.url !== revised.url && site.pages.some((page) => page.url === item.url) && item.state !== 'skipped:duplicate',
    );
    expect(otherArticles.length).toBeGreaterThan(0);
    expect(otherArticles.every((item) => item.state === 'unchanged')).toBe(true);
    expect(summary.counts.stored).toBeUndefined();

    const now = await storedArticles();
    expect(now.size).toBe(ARTICLES);
    const [key, before] = [...firstArticles.entries()].find(([, article]) => article.url === revised.url)!;
    const after = now.get(key)!;
    expect(after.title).toBe(`${before.title} (cập nhật lần 1)`);
    expect(after.id).toBe(before.id);
    expect(after.contentHash).not.toBe(before.contentHash);

    const revisions = await collect(`revisions/${before.id}/`);
    const kept = revisions.filter((revisionKey) => revisionKey.endsWith('.json'));
    expect(kept).toHaveLength(1);
    expect(validateArticle(JSON.parse((await store.get(kept[0]!))!.toString('utf8')))).toEqual(before);
    // Both pages are kept in their batches: the revision's and the current article's.
    expect(await rawPageOf(store, before)).toMatch(/<\/(?:body|html)>/i);
    expect(await rawPageOf(store, after)).toContain('(cập nhật lần 1)');
  });
});
