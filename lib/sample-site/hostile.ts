import type { IncomingMessage, ServerResponse } from 'node:http';
import { createGzip } from 'node:zlib';
import { escapeUTF8 } from 'entities';
import type { SampleSite } from './site.ts';
import { encodeWindows1258 } from './windows-1258.ts';

/**
 * Hostile URLs under /chaos/, listed by an extra feed and served the same way every time: a 20 MB page, a
 * gzip bomb, redirect loops, redirects toward private and metadata addresses, broken feeds, duplicate
 * GUIDs… plus a few real articles in awkward forms (windows-1258, no date) that must still be stored.
 */

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

export interface HostileUrl {
  kind: HostileKind;
  url: string;
  /** A real article that must end up in the store (windows-1258, missing date); otherwise it must not. */
  isArticle: boolean;
  /** For redirects and cross-listings: the real article the URL stands for. */
  aliasOf?: string;
}

export const HOSTILE_SOURCE = 'sample-baodanang';
export const HOSTILE_FEED_PATH = '/chaos/feeds/hostile.rss';
export type BrokenFeedKind = 'malformed-feed' | 'empty-feed' | 'challenge-feed';
export const BROKEN_FEEDS: ReadonlyArray<{ kind: BrokenFeedKind; path: string }> = [
  { kind: 'malformed-feed', path: '/chaos/feeds/malformed.xml' },
  { kind: 'empty-feed', path: '/chaos/feeds/empty.xml' },
  { kind: 'challenge-feed', path: '/chaos/feeds/challenge.rss' },
];
/** Hostile entries that are a way of listing, not a way of answering: counted once per feed served. */
const LISTING_KINDS: ReadonlySet<HostileKind> = new Set(['duplicate-guid', 'cross-listed', 'not-an-article']);

export interface SeedArticle {
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

export interface HostileRoutes {
  hostile: HostileUrl[];
  seedArticle: SeedArticle;
  gzipBomb: Buffer;
  hugePageBytes: number;
  record(kind: HostileKind, path: string, requestNumber: number): void;
  serveBrokenFeed(kind: BrokenFeedKind, response: ServerResponse): void;
}

/** The hostile URLs of a site: its /chaos/ pages, and real articles listed in hostile ways. */
export function hostileUrlsOf(site: SampleSite, awkwardArticles: number): HostileUrl[] {
  const own = site.pages.filter((page) => page.sourceId === HOSTILE_SOURCE);
  const real = (index: number): string => (own[index % Math.max(1, own.length)] ?? site.pages[index % site.pages.length]!).url;
  const at = (path: string): string => site.origin + path;
  const hostile: HostileUrl[] = [
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
  for (let index = 1; index <= awkwardArticles; index += 1) {
    hostile.push({ kind: 'windows-1258', url: at(`/chaos/bai-viet/windows-1258-${index}.html`), isArticle: true });
    hostile.push({ kind: 'missing-date', url: at(`/chaos/bai-viet/khong-ngay-${index}.html`), isArticle: true });
  }
  return hostile;
}

/** Answers a request under /chaos/ the same way every time, recording what it served. */
export function serveHostile(path: string, request: IncomingMessage, response: ServerResponse, requestNumber: number, routes: HostileRoutes): void {
  const { hostile, record } = routes;
  const origin = `http://${request.headers.host ?? `127.0.0.1:${request.socket.localPort}`}`;
  const port = request.socket.localPort;
  const entry = hostile.find((candidate) => new URL(candidate.url).pathname === path);
  if (path === HOSTILE_FEED_PATH) {
    for (const listed of hostile.filter((candidate) => LISTING_KINDS.has(candidate.kind))) record(listed.kind, path, requestNumber);
    response.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(hostileFeedXml(hostile));
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
    routes.serveBrokenFeed(broken.kind, response);
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
      streamHugePage(response, routes.hugePageBytes);
      return;
    case 'gzip-bomb':
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'gzip' }).end(routes.gzipBomb);
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
      const html = awkwardArticleHtml(routes.seedArticle, origin + path, titleFor(entry, routes), 'windows-1258', true);
      response.writeHead(200, { 'content-type': 'text/html; charset=windows-1258' }).end(encodeWindows1258(html));
      return;
    }
    case 'missing-date':
      response
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(awkwardArticleHtml(routes.seedArticle, origin + path, titleFor(entry, routes), 'utf-8', false));
      return;
    default:
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  }
}

function titleFor(entry: HostileUrl, { hostile, seedArticle }: HostileRoutes): string {
  const number = hostile.filter((candidate) => candidate.kind === entry.kind).indexOf(entry) + 1;
  return `${seedArticle.title} (${entry.kind} ${number})`;
}

/**
 * A page of hugePageBytes that says so in Content-Length, streamed with backpressure. (A body without a
 * length is stopped at the cap while it streams; lib/http's tests cover that case.)
 */
export function streamHugePage(response: ServerResponse, hugePageBytes: number): void {
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

/** The RSS feed listing every hostile URL (the first duplicate-GUID item twice). */
function hostileFeedXml(hostile: HostileUrl[]): string {
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

/** Gzip of `bytes` spaces (about 1000:1), built a megabyte at a time so this process never holds them all. */
export async function buildGzipBomb(bytes: number): Promise<Buffer> {
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
