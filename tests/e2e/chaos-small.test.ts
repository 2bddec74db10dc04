import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chaosLine, duplicatedCount, finalStatesByUrl, runChaos, type ChaosResult } from '../../bench/chaos-core.ts';
import type { HostileKind } from '../../lib/sample-site/hostile.ts';
import { readArticle } from '../../lib/store/articles.ts';
import { LocalDirectoryStore } from '../../lib/store/local.ts';
import { articleIdFor } from '../../lib/schema/ids.ts';

/**
 * The CI-sized chaos pass: a few hundred articles, ~10% of pages and feeds faulted, hostile URLs, a re-run,
 * then the store is compared with the site's ground truth. Same code as `npm run chaos`, smaller.
 */

const ARTICLES = 300;
const SEED = 7;

let directory: string;
let store: LocalDirectoryStore;
let result: ChaosResult;
/** The host of every HTTP request this process made, as node:http opened it. */
const requestHosts: string[] = [];
const onRequest = (message: unknown): void => {
  requestHosts.push((message as { request: ClientRequest }).request.host);
};

beforeAll(async () => {
  subscribe('http.client.request.start', onRequest);
  directory = await mkdtemp(join(tmpdir(), 'chaos-small-'));
  store = new LocalDirectoryStore(directory);
  // A smaller gzip bomb than the full run's: still 3x the fetcher's 5 MiB cap.
  result = await runChaos({ articles: ARTICLES, seed: SEED, faultRate: 0.1, store, gzipBombBytes: 16 * 1024 * 1024 });
}, 120_000);

afterAll(async () => {
  unsubscribe('http.client.request.start', onRequest);
  if (directory) await rm(directory, { recursive: true, force: true });
});

function hostileStates(kind: HostileKind): string[] {
  const urls = new Set(result.hostile.filter((entry) => entry.kind === kind).map((entry) => entry.url));
  return result.runs.flatMap((run) => run.items.filter((item) => urls.has(item.url)).map((item) => item.state));
}

describe(`chaos pass: ${ARTICLES} articles, seed ${SEED}`, () => {
  it('loses nothing and doubles nothing: every ground-truth article is in the store exactly once', () => {
    expect(result.audit.lost).toEqual([]);
    expect(result.audit.duplicated).toEqual([]);
    expect(duplicatedCount(result.audit)).toBe(0);
    expect(result.audit.unexpected).toEqual([]);
    expect(result.audit.unreadable).toEqual([]);
    // The site's pages plus its two windows-1258 and two dateless articles.
    expect(result.audit.objects).toBe(ARTICLES + 4);
    expect(chaosLine(result)).toMatch(/^chaos: discovered=\d+ stored=\d+ unchanged=\d+ skipped=\d+ failed=\d+ lost=0 duplicated=0$/);
  });

  it('puts every item of every run in exactly one state, and the final states add up', () => {
    for (const run of result.runs) {
      const total = Object.values(run.counts).reduce<number>((sum, count) => sum + (count ?? 0), 0);
      expect(total).toBe(run.discovered);
      expect(run.items).toHaveLength(run.discovered);
    }
    const final = result.final;
    expect(final.stored + final.unchanged + final.skipped + final.failed).toBe(final.discovered);
    expect(finalStatesByUrl(result.runs).size).toBe(final.discovered);
  });

  it('really faulted the run: about a tenth of the requests, of several kinds, some outlasting a run', () => {
    const share = result.transientFaults / result.siteRequests;
    expect(share).toBeGreaterThan(0.03);
    expect(share).toBeLessThan(0.3);
    const transientKinds = result.faults.filter((row) => row.family === 'transient' && row.injected > 0).map((row) => row.kind);
    expect(transientKinds.length).toBeGreaterThanOrEqual(4);
    // Some items failed in the first run and were completed by the re-run.
    const firstRunFailures = result.runs[0].items.filter((item) => item.state.startsWith('failed:') && !item.url.includes('/chaos/'));
    expect(firstRunFailures.length).toBeGreaterThan(0);
    const final = finalStatesByUrl(result.runs);
    for (const item of firstRunFailures) expect(['stored', 'updated', 'unchanged']).toContain(final.get(item.url));
  });

  it('ends each hostile URL in a specific failure, every time', () => {
    // Neither depends on how busy the machine is: the huge page is refused on its Content-Length, and the
    // bomb's small compressed body is read in full, then decoded in one pass that stops at the cap.
    for (const kind of ['huge-page', 'gzip-bomb'] as const) expect(hostileStates(kind)).toEqual(['failed:too-large', 'failed:too-large']);
    expect(new Set(hostileStates('redirect-loop'))).toEqual(new Set(['failed:too-many-redirects']));
    expect(new Set(hostileStates('redirect-to-10.0.0.1'))).toEqual(new Set(['failed:ssrf-refused']));
    expect(new Set(hostileStates('redirect-to-169.254.169.254'))).toEqual(new Set(['failed:ssrf-refused']));
    // Sample mode allows loopback; the site does not listen on ::1, so the hop finds nobody.
    expect(new Set(hostileStates('redirect-to-[::1]'))).toEqual(new Set(['failed:network']));
    for (const run of result.runs) {
      const broken = run.feeds.list.filter((feed) => feed.url.includes('/chaos/feeds/') && !feed.url.endsWith('hostile.rss'));
      expect(broken.map((feed) => feed.status)).toEqual(['failed', 'failed', 'failed']);
    }
  });

  it('never opened a connection to anything but loopback', () => {
    expect(requestHosts.length).toBeGreaterThan(ARTICLES);
    expect(new Set(requestHosts.map((host) => host.replace(/^\[|\]$/g, '')))).toEqual(new Set(['127.0.0.1', '::1']));
  });

  it('stores the windows-1258 article with its Vietnamese text intact, and the dateless one without a date', async () => {
    const origin = result.origin;
    const windows1258 = await readArticle(store, articleIdFor(`${origin}/chaos/bai-viet/windows-1258-1.html`));
    expect(windows1258?.title).toBe('Làm tốt công tác tham mưu, tổng hợp phục vụ lãnh đạo các cấp trong chỉ đạo, điều hành (windows-1258 1)');
    expect(windows1258?.publishedAt).toBe('2024-10-18T19:14:00+07:00');
    const dateless = await readArticle(store, articleIdFor(`${origin}/chaos/bai-viet/khong-ngay-1.html`));
    expect(dateless?.publishedAt).toBeNull();
    expect(dateless?.missing).toContain('publishedAt');
  });
});
