import { performance } from 'node:perf_hooks';
import { PoliteFetcher } from '../lib/http/fetcher.ts';
import { normalizeUrl } from '../lib/normalize/url.ts';
import { runIngest } from '../lib/pipeline/local-runner.ts';
import type { ItemState, RunSummary } from '../lib/pipeline/types.ts';
import { ARTICLES_PREFIX } from '../lib/store/keys.ts';
import { createFaultySampleSite, type FaultySampleSite } from '../lib/sample-site/faults.ts';
import type { HostileKind, HostileUrl } from '../lib/sample-site/hostile.ts';
import { seededUniform, type TransientFaultKind } from '../lib/sample-site/transient-faults.ts';
import { validateArticle } from '../lib/schema/article.ts';
import type { ObjectStore } from '../lib/store/types.ts';

/**
 * The chaos run: the sample site with faults in front of it, an ingest, a re-run, then an audit of the
 * store against the site's ground truth. `npm run chaos` runs it at full size; the e2e test runs it small.
 */

export interface ChaosOptions {
  articles: number;
  seed: number;
  /** Share of article pages and feeds that get a transient fault. */
  faultRate: number;
  store: ObjectStore;
  /** Client timeout for one attempt; 'slow' faults stall twice as long. Default 3000 ms: extraction shares the event loop with the site. */
  timeoutMs?: number;
  /** Retries per fetch after the first attempt. Default 3. */
  retries?: number;
  /** Default 20 ms: politeness waits stay small in a chaos run. */
  backoffBaseMs?: number;
  /** Requests in flight to the sample site at once. Default 8. */
  perHostConcurrency?: number;
  /** Articles processed at once by the runner. Default 16. */
  concurrency?: number;
  /**
   * Share of the stored articles deleted between the two runs, picked from the seed (the store forgetting:
   * a wiped prefix, a lifecycle rule, a person). Default 0. The re-run must store each of them again.
   */
  storeLossRate?: number;
  /** Decompressed size of the gzip bomb; smaller in tests. */
  gzipBombBytes?: number;
  onRunFinished?: (run: 1 | 2, summary: RunSummary) => void;
}

export interface StoreAudit {
  /** Article objects under articles/v2/. */
  objects: number;
  /** Ground-truth articles with no object. */
  lost: string[];
  /** Canonical URLs with more than one object, and how many. */
  duplicated: Array<{ url: string; copies: number }>;
  /** Objects whose canonical URL is not a ground-truth article. */
  unexpected: string[];
  /** Objects that do not parse as a schema-valid Article. */
  unreadable: string[];
}

export interface FaultRow {
  kind: TransientFaultKind | HostileKind;
  family: 'transient' | 'hostile';
  /** Paths it was served on. */
  paths: number;
  /** Requests answered with it. */
  injected: number;
  outcome: string;
}

/** One state per URL the feeds listed: the state of its last processing (the re-run's, when it had one). */
export interface FinalStates {
  discovered: number;
  stored: number;
  unchanged: number;
  skipped: number;
  failed: number;
  byState: Partial<Record<ItemState, number>>;
}

/** Articles deleted from the store between the runs, and how many of them the re-run stored again. */
export interface StoreLoss {
  /** Keys of the deleted article objects. */
  deleted: string[];
  restored: number;
}

export interface ChaosResult {
  options: Omit<ChaosOptions, 'store' | 'onRunFinished'>;
  /** The sample site's origin during the run. */
  origin: string;
  hostile: HostileUrl[];
  runs: [RunSummary, RunSummary];
  final: FinalStates;
  audit: StoreAudit;
  storeLoss: StoreLoss;
  faults: FaultRow[];
  /** Requests the site answered, hostile URLs included. */
  requests: number;
  /** Requests to the site's own pages and feeds, and how many of those got a transient fault. */
  siteRequests: number;
  transientFaults: number;
  durationMs: number;
  peakRssBytes: number;
}

const DEFAULTS = { timeoutMs: 3000, retries: 3, backoffBaseMs: 20, perHostConcurrency: 8, concurrency: 16, storeLossRate: 0 };

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const settings = { ...DEFAULTS, ...withoutUndefined(options) };
  const started = performance.now();
  const faulty = await createFaultySampleSite(
    { articles: settings.articles },
    {
      seed: settings.seed,
      rate: settings.faultRate,
      attemptsPerFetch: settings.retries + 1,
      stallMs: settings.timeoutMs * 2,
      retryAfterSeconds: 1,
      ...(settings.gzipBombBytes === undefined ? {} : { gzipBombBytes: settings.gzipBombBytes }),
    },
  );
  try {
    const config = faulty.config();
    const ingest = async (run: 1 | 2): Promise<RunSummary> => {
      // A new fetcher per run, as a new process would have: no robots.txt or schedule carried over.
      const fetcher = new PoliteFetcher({
        userAgent: config.userAgent,
        allowLoopback: true,
        connectTimeoutMs: settings.timeoutMs,
        totalTimeoutMs: settings.timeoutMs,
        retries: settings.retries,
        backoffBaseMs: settings.backoffBaseMs,
        hostOverrides: { [new URL(faulty.site.origin).host]: { perHostConcurrency: settings.perHostConcurrency, minIntervalMs: 0 } },
      });
      const { summary } = await runIngest({ config, fetcher, store: options.store, concurrency: settings.concurrency });
      options.onRunFinished?.(run, summary);
      return summary;
    };
    const first = await ingest(1);
    faulty.clearTransientFaults();
    feedsMoveOn(faulty);
    const deleted = await loseArticles(options.store, settings.storeLossRate, settings.seed);
    const second = await ingest(2);
    const audit = await auditStore(options.store, faulty.groundTruth());
    const present = new Set(await listKeys(options.store, ARTICLES_PREFIX));
    const { store: _store, onRunFinished: _onRunFinished, ...reported } = settings;
    return {
      options: reported,
      origin: faulty.site.origin,
      hostile: faulty.hostile,
      runs: [first, second],
      final: finalStates([first, second]),
      audit,
      storeLoss: { deleted, restored: deleted.filter((key) => present.has(key)).length },
      faults: faultRows(faulty, [first, second], audit),
      requests: faulty.requestCount(),
      transientFaults: faulty.injected.filter((fault) => !fault.path.startsWith('/chaos/')).length,
      siteRequests: faulty.requestCount() - faulty.requestCount('/chaos/'),
      durationMs: performance.now() - started,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
  } finally {
    await faulty.close();
  }
}

/**
 * Between two runs real feeds change (new stories, corrections), so a re-run fetches them rather than
 * getting a 304: one correction per publisher stands for that here, and must come out `updated`.
 */
function feedsMoveOn(faulty: FaultySampleSite): void {
  const lastPageOf = new Map<string, number>();
  for (const page of faulty.site.pages) lastPageOf.set(page.publisher, page.index);
  for (const index of lastPageOf.values()) faulty.site.reviseArticle(index);
}

async function listKeys(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  return keys;
}

/** Deletes round(rate × count) article objects, picked by the seed; returns their keys. */
async function loseArticles(store: ObjectStore, rate: number, seed: number): Promise<string[]> {
  if (rate === 0) return [];
  const keys = await listKeys(store, ARTICLES_PREFIX);
  const picked = keys
    .map((key) => ({ key, rank: seededUniform(seed, `lose ${key}`) }))
    .sort((a, b) => a.rank - b.rank)
    .slice(0, Math.round(rate * keys.length))
    .map((entry) => entry.key);
  for (const key of picked) await store.delete(key);
  return picked;
}

/** Reads every article object and compares the canonical URLs with the ground truth. */
export async function auditStore(store: ObjectStore, groundTruth: readonly string[]): Promise<StoreAudit> {
  const expected = new Set(groundTruth.map((url) => normalizeUrl(url)));
  const copies = new Map<string, number>();
  const unreadable: string[] = [];
  let objects = 0;
  for await (const key of store.list(ARTICLES_PREFIX)) {
    objects += 1;
    const bytes = await store.get(key);
    try {
      const article = validateArticle(JSON.parse(bytes?.toString('utf8') ?? ''));
      const url = normalizeUrl(article.canonicalUrl ?? article.url);
      copies.set(url, (copies.get(url) ?? 0) + 1);
    } catch {
      unreadable.push(key);
    }
  }
  return {
    objects,
    lost: [...expected].filter((url) => !copies.has(url)),
    duplicated: [...copies].filter(([, count]) => count > 1).map(([url, count]) => ({ url, copies: count })),
    unexpected: [...copies.keys()].filter((url) => !expected.has(url)),
    unreadable,
  };
}

export function duplicatedCount(audit: StoreAudit): number {
  return audit.duplicated.reduce((sum, entry) => sum + entry.copies - 1, 0);
}

/** The last state of each listed URL; `skipped:duplicate` only says another feed's listing was processed. */
export function finalStatesByUrl(runs: readonly RunSummary[]): Map<string, ItemState> {
  const states = new Map<string, ItemState>();
  for (const run of runs) {
    for (const item of run.items) {
      if (item.state === 'skipped:duplicate' && states.has(item.url)) continue;
      states.set(item.url, item.state);
    }
  }
  return states;
}

export function finalStates(runs: readonly RunSummary[]): FinalStates {
  const byState: Partial<Record<ItemState, number>> = {};
  const final: FinalStates = { discovered: 0, stored: 0, unchanged: 0, skipped: 0, failed: 0, byState };
  for (const state of finalStatesByUrl(runs).values()) {
    final.discovered += 1;
    byState[state] = (byState[state] ?? 0) + 1;
    if (state === 'stored' || state === 'updated') final.stored += 1;
    else if (state === 'unchanged') final.unchanged += 1;
    else if (state.startsWith('skipped:')) final.skipped += 1;
    else final.failed += 1;
  }
  return final;
}

function tally(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([value, count]) => (count === 1 ? value : `${value} ×${count}`)).join(', ');
}

function faultRows(faulty: FaultySampleSite, runs: [RunSummary, RunSummary], audit: StoreAudit): FaultRow[] {
  const origin = faulty.site.origin;
  const lost = new Set(audit.lost);
  const itemStates = (run: RunSummary, url: string): string[] =>
    run.items.filter((item) => item.url === url && item.state !== 'skipped:duplicate').map((item) => item.state);
  const feedStates = (run: RunSummary, url: string): string[] =>
    run.feeds.list.filter((feed) => feed.url === url).map((feed) => (feed.status === 'failed' ? `failed (${(feed.error ?? '').split(':')[0]})` : feed.status));
  const rows: FaultRow[] = [];

  const plans = faulty.plan();
  const transientKinds = [...new Set(plans.map((plan) => plan.kind))].sort();
  for (const kind of transientKinds) {
    const planned = plans.filter((plan) => plan.kind === kind);
    const injected = faulty.injected.filter((fault) => fault.kind === kind && planned.some((plan) => plan.path === fault.path)).length;
    const articles = planned.filter((plan) => plan.target === 'article').map((plan) => origin + plan.path);
    const feeds = planned.filter((plan) => plan.target === 'feed').map((plan) => origin + plan.path);
    const parts: string[] = [];
    if (articles.length > 0) {
      const firstRun = articles.flatMap((url) => itemStates(runs[0], url));
      const inStore = articles.filter((url) => !lost.has(normalizeUrl(url))).length;
      parts.push(`${articles.length} pages; run 1: ${tally(firstRun) || 'not listed (feed failed)'}; in store after re-run: ${inStore}/${articles.length}`);
    }
    if (feeds.length > 0) {
      parts.push(`${feeds.length} feeds; run 1: ${tally(feeds.flatMap((url) => feedStates(runs[0], url)))}; re-run: ${tally(feeds.flatMap((url) => feedStates(runs[1], url)))}`);
    }
    rows.push({ kind, family: 'transient', paths: planned.length, injected, outcome: parts.join(' | ') });
  }

  const hostileKinds = [...new Set(faulty.hostile.map((entry) => entry.kind))];
  for (const kind of hostileKinds) {
    const entries = faulty.hostile.filter((entry) => entry.kind === kind);
    const injected = faulty.injected.filter((fault) => fault.kind === kind).length;
    const describe = (run: RunSummary): string => tally(entries.flatMap((entry) => itemStates(run, entry.url))) || 'not listed';
    let outcome = `run 1: ${describe(runs[0])}; re-run: ${describe(runs[1])}`;
    const mustBeStored = entries.filter((entry) => entry.isArticle || entry.aliasOf !== undefined).map((entry) => entry.aliasOf ?? entry.url);
    if (mustBeStored.length > 0) {
      const present = mustBeStored.filter((url) => !lost.has(normalizeUrl(url))).length;
      outcome += `; article in store once: ${present}/${mustBeStored.length}`;
    }
    rows.push({ kind, family: 'hostile', paths: entries.length, injected, outcome });
  }
  for (const feed of faulty.brokenFeeds) {
    rows.push({
      kind: feed.kind,
      family: 'hostile',
      paths: 1,
      injected: faulty.injected.filter((fault) => fault.path === new URL(feed.url).pathname).length,
      outcome: `feed run 1: ${tally(feedStates(runs[0], feed.url))}; re-run: ${tally(feedStates(runs[1], feed.url))}`,
    });
  }
  return rows;
}

export function chaosLine(result: ChaosResult): string {
  const { final, audit } = result;
  return `chaos: discovered=${final.discovered} stored=${final.stored} unchanged=${final.unchanged} skipped=${final.skipped} failed=${final.failed} lost=${audit.lost.length} duplicated=${duplicatedCount(audit)}`;
}

function runLine(label: string, run: RunSummary): string {
  const counts = Object.entries(run.counts)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([state, count]) => `${state}=${count}`)
    .join(' ');
  return `${label}: feeds fetched=${run.feeds.fetched} not-modified=${run.feeds.notModified} failed=${run.feeds.failed}; items discovered=${run.discovered} ${counts}; ${(run.durationMs / 1000).toFixed(1)} s`;
}

/** The report `npm run chaos` prints; its last line is chaosLine. */
export function formatChaosReport(result: ChaosResult): string {
  const kindWidth = Math.max(4, ...result.faults.map((row) => row.kind.length));
  const table = [
    `${'fault'.padEnd(kindWidth)}  family     paths  injected  outcome`,
    `${'-'.repeat(kindWidth)}  ---------  -----  --------  -------`,
    ...result.faults.map(
      (row) => `${row.kind.padEnd(kindWidth)}  ${row.family.padEnd(9)}  ${String(row.paths).padStart(5)}  ${String(row.injected).padStart(8)}  ${row.outcome}`,
    ),
  ];
  const { options, audit, storeLoss } = result;
  const share = result.siteRequests === 0 ? 0 : (100 * result.transientFaults) / result.siteRequests;
  return [
    `chaos run: articles=${options.articles} seed=${options.seed} fault-rate=${options.faultRate} timeout=${options.timeoutMs} ms retries=${options.retries}`,
    runLine('run 1', result.runs[0]),
    runLine('re-run', result.runs[1]),
    '',
    ...table,
    '',
    `requests served: ${result.requests}; to the site's own pages and feeds: ${result.siteRequests}, of which ${result.transientFaults} got a transient fault (${share.toFixed(1)}%)`,
    `final states: ${Object.entries(result.final.byState).map(([state, count]) => `${state}=${count}`).join(' ')}`,
    ...(storeLoss.deleted.length > 0
      ? [`store lost between the runs: ${storeLoss.deleted.length} article objects (store-loss=${options.storeLossRate}); stored again by the re-run: ${storeLoss.restored}/${storeLoss.deleted.length}`]
      : []),
    `store: ${audit.objects} article objects; lost=${audit.lost.length} duplicated=${duplicatedCount(audit)} unexpected=${audit.unexpected.length} unreadable=${audit.unreadable.length}`,
    ...audit.lost.slice(0, 10).map((url) => `  lost: ${url}`),
    ...audit.duplicated.slice(0, 10).map((entry) => `  duplicated: ${entry.url} ×${entry.copies}`),
    ...audit.unexpected.slice(0, 10).map((url) => `  unexpected: ${url}`),
    `duration: ${(result.durationMs / 1000).toFixed(1)} s, peak RSS: ${(result.peakRssBytes / 1024 / 1024).toFixed(0)} MiB`,
    chaosLine(result),
  ].join('\n');
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
