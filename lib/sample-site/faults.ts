import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createGzip } from 'node:zlib';
import { escapeUTF8 } from 'entities';
import iconv from 'iconv-lite';
import type { IngestConfig } from '../config.ts';
import {
  createSampleSite,
  DEFAULT_FIXTURES_DIR,
  directoryUrl,
  matchesFeedPath,
  type SamplePage,
  type SampleSite,
  type SampleSiteOptions,
} from './site.ts';

/**
 * A fault-injecting layer in front of the sample site, for chaos runs and tests.
 *
 * Two families of faults:
 * - Transient faults on the site's own article pages and feeds: about `rate` of them are picked from the
 *   seed; a picked path answers badly for its first few requests, then normally. Some last fewer requests
 *   than a fetch's attempts (they clear on retry), some exactly as many (they fail the run and clear on the
 *   re-run).
 * - Hostile URLs under /chaos/, listed by an extra feed and served the same way every time: a 20 MB page,
 *   a gzip bomb, redirect loops, redirects toward private and metadata addresses, broken feeds, duplicate
 *   GUIDs… plus a few real articles in awkward forms (windows-1258, no date) that must still be stored.
 */

export type TransientFaultKind =
  | 'slow'
  | 'http-500'
  | 'http-503'
  | 'http-429'
  | 'reset-mid-body'
  | 'truncated-html'
  | 'malformed-feed'
  | 'empty-feed'
  | 'challenge-feed';

export type HostileKind =
  | 'huge-page'
  | 'gzip-bomb'
  | 'redirect-loop'
  | 'redirect-to-10.0.0.1'
  | 'redirect-to-169.254.169.254'
  | 'redirect-to-127.0.0.1'
  | 'redirect-to-[::1]'
  | 'not-an-article'
  | 'duplicate-guid'
  | 'cross-listed'
  | 'windows-1258'
  | 'missing-date'
  | 'malformed-feed'
  | 'empty-feed'
  | 'challenge-feed';

/** Retried kinds may outlast a fetch's attempts; one-shot kinds are a 2xx with bad content, so last one request. */
const RETRIED_KINDS: ReadonlySet<TransientFaultKind> = new Set(['slow', 'http-500', 'http-503', 'http-429', 'reset-mid-body']);
const ARTICLE_FAULTS: readonly TransientFaultKind[] = ['slow', 'http-500', 'http-503', 'http-429', 'reset-mid-body', 'truncated-html'];
const FEED_FAULTS: readonly TransientFaultKind[] = [
  'slow',
  'http-500',
  'http-503',
  'http-429',
  'reset-mid-body',
  'malformed-feed',
  'empty-feed',
  'challenge-feed',
];

export interface FaultOptions {
  seed: number;
  /** Share of article pages and feeds that get a transient fault, 0 to 1. */
  rate: number;
  /** Requests the client makes per fetch (1 + retries): a fault lasting this many requests outlasts a run. */
  attemptsPerFetch: number;
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
  fixturesDir?: string;
}

export interface PlannedFault {
  kind: TransientFaultKind;
  path: string;
  target: 'article' | 'feed';
  /** The first this-many requests for the path are faulted. */
  requests: number;
}

export interface InjectedFault {
  kind: TransientFaultKind | HostileKind;
  path: string;
  /** 1 for the first request the layer saw for this path. */
  requestNumber: number;
}

export interface HostileUrl {
  kind: HostileKind;
  url: string;
  /** A real article that must end up in the store (windows-1258, missing date); otherwise it must not. */
  isArticle: boolean;
  /** For redirects and cross-listings: the real article the URL stands for. */
  aliasOf?: string;
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

const HOSTILE_SOURCE = 'sample-baodanang';
const HOSTILE_FEED_PATH = '/chaos/feeds/hostile.rss';
export type BrokenFeedKind = 'malformed-feed' | 'empty-feed' | 'challenge-feed';
const BROKEN_FEEDS: ReadonlyArray<{ kind: BrokenFeedKind; path: string }> = [
  { kind: 'malformed-feed', path: '/chaos/feeds/malformed.xml' },
  { kind: 'empty-feed', path: '/chaos/feeds/empty.xml' },
  { kind: 'challenge-feed', path: '/chaos/feeds/challenge.rss' },
];
/** Hostile entries that are a way of listing, not a way of answering: counted once per feed served. */
const LISTING_KINDS: ReadonlySet<HostileKind> = new Set(['duplicate-guid', 'cross-listed', 'not-an-article']);
const MALFORMED_FEED = '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Hỏng</title><item><title>Thiếu thẻ đóng</title></channel></rss>\n';
const EMPTY_FEED = '<?xml version="1.0" encoding="utf-8"?>\n';

/** A uniform number in [0, 1) from the seed and a label: the same inputs always give the same number. */
export function seededUniform(seed: number, label: string): number {
  return createHash('sha256').update(`${seed}\u0000${label}`).digest().readUInt32BE(0) / 2 ** 32;
}

function pick<T>(items: readonly T[], u: number): T {
  return items[Math.min(items.length - 1, Math.floor(u * items.length))]!;
}

/** The transient fault for one path, or null when the seed leaves it alone. */
export function planFault(options: Pick<FaultOptions, 'seed' | 'rate' | 'attemptsPerFetch'>, path: string, target: 'article' | 'feed'): PlannedFault | null {
  if (seededUniform(options.seed, `faulted ${path}`) >= options.rate) return null;
  const kind = pick(target === 'article' ? ARTICLE_FAULTS : FEED_FAULTS, seededUniform(options.seed, `kind ${path}`));
  let requests = 1;
  if (RETRIED_KINDS.has(kind)) {
    // 40% clear on the first retry, 30% on the second, 30% outlast every attempt of the run.
    const u = seededUniform(options.seed, `length ${path}`);
    requests = u < 0.4 ? 1 : u < 0.7 ? Math.min(2, options.attemptsPerFetch - 1) : options.attemptsPerFetch;
    requests = Math.max(1, requests);
  }
  return { kind, path, target, requests };
}

interface SeedArticle {
  title: string;
  lead: string;
  publishedAt: string;
  body: { paragraphs: string[] };
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** A plain article page from the seed article's text, with or without its date. */
function awkwardArticleHtml(seed: SeedArticle, url: string, title: string, charset: string, withDate: boolean): string {
  const date = withDate
    ? `<meta property="article:published_time" content="${seed.publishedAt}">`
    : '';
  const time = withDate ? `<time datetime="${seed.publishedAt}">18/10/2024 19:14</time>` : '';
  const paragraphs = seed.body.paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`).join('\n');
  // JSON-LD as news sites write it: the page is listed under a publisher whose own layouts it does not match.
  const jsonLd = JSON.stringify({
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: title,
    mainEntityOfPage: url,
    ...(withDate ? { datePublished: seed.publishedAt } : {}),
  }).replaceAll('<', '\\u003c');
  return [
    '<!doctype html>',
    `<html lang="vi"><head><meta charset="${charset}"><title>${escapeHtml(title)}</title>`,
    `<link rel="canonical" href="${url}">${date}`,
    `<script type="application/ld+json">${jsonLd}</script></head>`,
    `<body><article><h1>${escapeHtml(title)}</h1>${time}`,
    `<p class="sapo">${escapeHtml(seed.lead)}</p>`,
    paragraphs,
    '</article></body></html>',
    '',
  ].join('\n');
}

const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/;

/**
 * Vietnamese as windows-1258 writes it: letters with circumflex, breve or horn precomposed, tone marks as
 * separate combining characters (the code page has no precomposed toned vowels beyond a few).
 */
export function encodeWindows1258(text: string): Buffer {
  const decomposed = text.normalize('NFD').replace(/(\P{M})(\p{M}+)/gu, (_match, base: string, marks: string) => {
    const all = [...marks];
    return (base + all.filter((mark) => !TONE_MARKS.test(mark)).join('')).normalize('NFC') + all.filter((mark) => TONE_MARKS.test(mark)).join('');
  });
  const bytes = iconv.encode(decomposed, 'windows-1258');
  if (iconv.decode(bytes, 'windows-1258').normalize('NFC') !== text.normalize('NFC')) {
    throw new Error('text has characters windows-1258 cannot represent');
  }
  return bytes;
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
  const fixturesDir = options.fixturesDir ?? siteOptions.fixturesDir ?? DEFAULT_FIXTURES_DIR;
  const seedArticle = JSON.parse(readFileSync(new URL('seed/baodanang-2024-10-18.expected.json', directoryUrl(fixturesDir)), 'utf8')) as SeedArticle;
  const challengeHtml = readFileSync(new URL('feeds/bad-cookie-challenge.html', directoryUrl(fixturesDir)), 'utf8');
  const hugePageBytes = options.hugePageBytes ?? 20 * 1024 * 1024;
  const gzipBombBytes = options.gzipBombBytes ?? 256 * 1024 * 1024;
  const awkwardCount = options.awkwardArticles ?? 2;

  const injected: InjectedFault[] = [];
  const requestsByPath = new Map<string, number>();
  const plans = new Map<string, PlannedFault | null>();
  let totalRequests = 0;
  let transientFaultsCleared = false;
  let pagesByPath = new Map<string, SamplePage>();
  let feedPaths: string[] = [];
  /** Set by intercept for the request the site is about to render (rendering is synchronous). */
  let truncateNextRender: string | null = null;
  const gzipBomb = await buildGzipBomb(gzipBombBytes);
  let hostile: HostileUrl[] = [];
  let hostileByPath = new Map<string, HostileUrl>();

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
    if (path.startsWith('/chaos/')) {
      serveChaos(path, request, response, requestNumber);
      return true;
    }
    if (path === '/robots.txt' || transientFaultsCleared) return false;
    const plan = planFor(path);
    if (plan === null || requestNumber > plan.requests) return false;
    record(plan.kind, path, requestNumber);
    return serveTransient(plan.kind, path, response);
  };

  const mutate = (page: SamplePage, html: string): string => {
    if (truncateNextRender !== page.path) return html;
    truncateNextRender = null;
    // Cut between 20% and 60% of the page: a 200 whose HTML simply stops, as a crashed backend sends it.
    const fraction = 0.2 + 0.4 * seededUniform(options.seed, `cut ${page.path}`);
    return html.slice(0, Math.floor(html.length * fraction));
  };

  function serveTransient(kind: TransientFaultKind, path: string, response: ServerResponse): boolean {
    switch (kind) {
      case 'slow': {
        const timer = setTimeout(() => {
          if (!response.destroyed) response.writeHead(504, { 'content-type': 'text/plain' }).end('too slow\n');
        }, options.stallMs);
        response.once('close', () => clearTimeout(timer));
        return true;
      }
      case 'http-500':
        response.writeHead(500, { 'content-type': 'text/plain' }).end('internal server error\n');
        return true;
      case 'http-503':
        response.writeHead(503, { 'content-type': 'text/plain' }).end('service unavailable\n');
        return true;
      case 'http-429':
        response
          .writeHead(429, { 'content-type': 'text/plain', 'retry-after': String(options.retryAfterSeconds) })
          .end('too many requests\n');
        return true;
      case 'reset-mid-body': {
        const start = '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>';
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': '100000' });
        response.write(start, () => response.socket?.destroy());
        return true;
      }
      case 'truncated-html':
        truncateNextRender = path;
        return false;
      case 'malformed-feed':
        response.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(MALFORMED_FEED);
        return true;
      case 'empty-feed':
        response.writeHead(200, { 'content-type': 'application/xml; charset=utf-8' }).end(EMPTY_FEED);
        return true;
      case 'challenge-feed':
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(challengeHtml);
        return true;
    }
  }

  function serveChaos(path: string, request: IncomingMessage, response: ServerResponse, requestNumber: number): void {
    const origin = `http://${request.headers.host ?? `127.0.0.1:${request.socket.localPort}`}`;
    const port = request.socket.localPort;
    const entry = hostileByPath.get(path);
    if (path === HOSTILE_FEED_PATH) {
      for (const listed of hostile.filter((candidate) => LISTING_KINDS.has(candidate.kind))) record(listed.kind, path, requestNumber);
      response.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(hostileFeed());
      return;
    }
    if (path === '/chaos/pages/redirect-loop-b.html') {
      record('redirect-loop', path, requestNumber);
      response.writeHead(302, { location: '/chaos/pages/redirect-loop-a.html' }).end();
      return;
    }
    const broken = BROKEN_FEEDS.find((feed) => feed.path === path);
    if (broken) {
      record(broken.kind, path, requestNumber);
      serveTransient(broken.kind, path, response);
      return;
    }
    if (!entry) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    record(entry.kind, path, requestNumber);
    const articleTarget = entry.aliasOf ? new URL(entry.aliasOf).pathname : '/';
    switch (entry.kind) {
      case 'huge-page':
        streamHugePage(response);
        return;
      case 'gzip-bomb':
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'gzip' }).end(gzipBomb);
        return;
      case 'redirect-loop':
        response.writeHead(302, { location: '/chaos/pages/redirect-loop-b.html' }).end();
        return;
      case 'redirect-to-10.0.0.1':
        response.writeHead(302, { location: 'http://10.0.0.1/tin-tuc/bai-viet.html' }).end();
        return;
      case 'redirect-to-169.254.169.254':
        response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' }).end();
        return;
      case 'redirect-to-127.0.0.1':
        response.writeHead(301, { location: `http://127.0.0.1:${port}${articleTarget}` }).end();
        return;
      case 'redirect-to-[::1]':
        // The sample site listens on 127.0.0.1 only: in sample mode the hop is allowed and finds nobody.
        response.writeHead(301, { location: `http://[::1]:${port}${articleTarget}` }).end();
        return;
      case 'windows-1258': {
        const html = awkwardArticleHtml(seedArticle, origin + path, titleFor(entry), 'windows-1258', true);
        response.writeHead(200, { 'content-type': 'text/html; charset=windows-1258' }).end(encodeWindows1258(html));
        return;
      }
      case 'missing-date':
        response
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end(awkwardArticleHtml(seedArticle, origin + path, titleFor(entry), 'utf-8', false));
        return;
      default:
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  }

  function titleFor(entry: HostileUrl): string {
    const number = hostile.filter((candidate) => candidate.kind === entry.kind).indexOf(entry) + 1;
    return `${seedArticle.title} (${entry.kind} ${number})`;
  }

  /** 20 MB of paragraphs, chunked (no Content-Length), so only the client's running byte count can stop it. */
  /**
   * A page of hugePageBytes that says so in Content-Length, streamed with backpressure. (A body without a
   * length is stopped at the cap while it streams; lib/http's tests cover that case.)
   */
  function streamHugePage(response: ServerResponse): void {
    const head = Buffer.from('<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Trang khổng lồ</title></head><body>\n', 'utf8');
    const chunk = Buffer.from(`<p>${'Đà Nẵng '.repeat(2000)}</p>\n`, 'utf8');
    const tail = Buffer.from('</body></html>\n', 'utf8');
    const chunks = Math.ceil(hugePageBytes / chunk.length);
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(head.length + chunks * chunk.length + tail.length) });
    response.write(head);
    let sent = 0;
    const writeMore = (): void => {
      while (sent < chunks && !response.destroyed) {
        sent += 1;
        if (!response.write(chunk)) {
          response.once('drain', writeMore);
          return;
        }
      }
      if (!response.destroyed) response.end(tail);
    };
    writeMore();
  }

  function hostileFeed(): string {
    const now = new Date().toUTCString();
    const items = hostile.flatMap((entry, index) => {
      const guid = entry.kind === 'duplicate-guid' ? 'chaos-duplicate-guid' : entry.url;
      const item = (link: string): string =>
        [
          '    <item>',
          `      <title>${escapeUTF8(`${entry.kind} ${index + 1}`)}</title>`,
          `      <link>${escapeUTF8(link)}</link>`,
          `      <guid isPermaLink="false">${escapeUTF8(guid)}</guid>`,
          `      <pubDate>${now}</pubDate>`,
          '    </item>',
        ].join('\n');
      // The first duplicate-GUID item is listed twice word for word; the feed must drop the copy.
      return entry.kind === 'duplicate-guid' && index === hostile.findIndex((candidate) => candidate.kind === 'duplicate-guid')
        ? [item(entry.url), item(entry.url)]
        : [item(entry.url)];
    });
    return [
      '<?xml version="1.0" encoding="utf-8"?>',
      '<rss version="2.0">',
      '  <channel>',
      '    <title>Chaos</title>',
      '    <link>http://127.0.0.1/chaos/</link>',
      ...items,
      '  </channel>',
      '</rss>',
      '',
    ].join('\n');
  }

  const site = await createSampleSite({ ...siteOptions, intercept, mutate });
  pagesByPath = new Map(site.pages.map((page) => [page.path, page]));
  feedPaths = site.feeds.map((feed) => feed.path);

  const own = site.pages.filter((page) => page.sourceId === HOSTILE_SOURCE);
  const real = (index: number): string => (own[index % Math.max(1, own.length)] ?? site.pages[index % site.pages.length]!).url;
  const at = (path: string): string => site.origin + path;
  hostile = [
    { kind: 'huge-page', url: at('/chaos/pages/huge.html'), isArticle: false },
    { kind: 'gzip-bomb', url: at('/chaos/pages/gzip-bomb.html'), isArticle: false },
    { kind: 'redirect-loop', url: at('/chaos/pages/redirect-loop-a.html'), isArticle: false },
    { kind: 'redirect-to-10.0.0.1', url: at('/chaos/pages/redirect-private.html'), isArticle: false },
    { kind: 'redirect-to-169.254.169.254', url: at('/chaos/pages/redirect-metadata.html'), isArticle: false },
    { kind: 'redirect-to-127.0.0.1', url: at('/chaos/pages/redirect-loopback.html'), isArticle: false, aliasOf: real(1) },
    { kind: 'redirect-to-[::1]', url: at('/chaos/pages/redirect-ipv6-loopback.html'), isArticle: false, aliasOf: real(1) },
    { kind: 'not-an-article', url: at('/'), isArticle: false },
    { kind: 'duplicate-guid', url: real(2), isArticle: false, aliasOf: real(2) },
    { kind: 'duplicate-guid', url: real(3), isArticle: false, aliasOf: real(3) },
    { kind: 'cross-listed', url: real(0), isArticle: false, aliasOf: real(0) },
  ];
  for (let index = 1; index <= awkwardCount; index += 1) {
    hostile.push({ kind: 'windows-1258', url: at(`/chaos/bai-viet/windows-1258-${index}.html`), isArticle: true });
    hostile.push({ kind: 'missing-date', url: at(`/chaos/bai-viet/khong-ngay-${index}.html`), isArticle: true });
  }
  hostileByPath = new Map(hostile.filter((entry) => entry.url.startsWith(`${site.origin}/chaos/`)).map((entry) => [new URL(entry.url).pathname, entry]));

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

/** Gzip of `bytes` spaces (about 1000:1), built a megabyte at a time so this process never holds them all. */
async function buildGzipBomb(bytes: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    gzip.once('end', resolve);
    gzip.once('error', reject);
  });
  const block = Buffer.alloc(Math.min(bytes, 1024 * 1024), 0x20);
  for (let written = 0; written < bytes; written += block.length) {
    if (!gzip.write(block)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await done;
  return Buffer.concat(chunks);
}
