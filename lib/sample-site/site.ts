import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IngestConfig } from '../config.ts';
import { renderAtom, renderNewsSitemap, renderRss, renderUrlset, type FeedEntry, type RssStyle } from './feeds.ts';

/**
 * A bundled news site on 127.0.0.1 built from its own saved pages (pages/): RSS, Atom and sitemaps
 * listing article pages whose links point back to this server, robots.txt, ETag / Last-Modified.
 * It lets `news-ingest ingest --sample`, the e2e tests and the benchmarks run the whole path offline.
 */

export type Publisher = 'baodanang' | 'vnexpress' | 'tuoitre' | 'dantri' | 'vietnamnet' | 'nld';

/** `adapter`: the sample pages are served from 127.0.0.1, so the source says which adapter reads them. */
const PUBLISHERS: Record<Publisher, { name: string; domain: string; adapter: string }> = {
  baodanang: { name: 'Báo Đà Nẵng', domain: 'baodanang.vn', adapter: 'baodanang' },
  vnexpress: { name: 'VnExpress', domain: 'vnexpress.net', adapter: 'vnexpress' },
  tuoitre: { name: 'Tuổi Trẻ', domain: 'tuoitre.vn', adapter: 'tuoitre' },
  dantri: { name: 'Dân Trí', domain: 'dantri.com.vn', adapter: 'dantri' },
  vietnamnet: { name: 'VietNamNet', domain: 'vietnamnet.vn', adapter: 'vietnamnet' },
  nld: { name: 'Người Lao Động', domain: 'nld.com.vn', adapter: 'tuoitre' },
};

/** Article pages (in pages/), in the order generated articles cycle through them. */
const TEMPLATE_FILES: ReadonlyArray<{ publisher: Publisher; file: string }> = [
  { publisher: 'baodanang', file: 'baodanang-2024-10-18.onecms.html' },
  { publisher: 'vnexpress', file: 'vnexpress_article.html' },
  { publisher: 'tuoitre', file: 'tuoitre_article.html' },
  { publisher: 'dantri', file: 'dantri_article.html' },
  { publisher: 'vietnamnet', file: 'vietnamnet_article.html' },
  { publisher: 'nld', file: 'nld_article.html' },
  // nguoiquansat.vn runs the CMS baodanang.vn moved to in July 2025: its current and older templates.
  { publisher: 'baodanang', file: 'nguoiquansat-article-314409-2026-new-template.EXCERPT.html' },
  { publisher: 'baodanang', file: 'baodanang-2024-10-18.pre2025.html' },
  { publisher: 'baodanang', file: 'nguoiquansat-article-110172-2024-old-template.EXCERPT.html' },
];

/** A real section page (a list of links): listed in a feed, it must end `skipped:not-an-article`. */
const SECTION_PAGE = { publisher: 'vnexpress' as Publisher, file: 'vnexpress_list.html', path: '/vnexpress/kinh-doanh' };
/** Disallowed by robots.txt: must end `skipped:robots-disallowed`, never be fetched. */
const DISALLOWED_PATH = '/baodanang/private/ban-nhap-1000001.html';
/** Listed by a feed but gone from the site: must end `skipped:http-404`. */
const GONE_PATH = '/baodanang/bai-viet-da-go-1000002.html';

/**
 * The port `--sample` and `serve-sample` use unless told otherwise. Article ids come from the page URL,
 * port included, so a fixed port keeps them stable from one `ingest --sample` run to the next.
 */
export const SAMPLE_SITE_PORT = 8788;

/** The site's own pages, shipped with the code (pages/README.md says where each comes from). */
const PAGES_DIR = new URL('./pages/', import.meta.url);

/** A file of pages/ as text. */
export function readSamplePage(file: string): string {
  return readFileSync(new URL(file, PAGES_DIR), 'utf8');
}

interface Template {
  publisher: Publisher;
  file: string;
  html: string;
  canonicalUrl: string;
  /** The h1 text exactly as written in the HTML (entities and all), trimmed. */
  rawTitle: string;
}

export interface SamplePage {
  index: number;
  publisher: Publisher;
  sourceId: string;
  /** Fixture file the page is built from. */
  template: string;
  path: string;
  url: string;
  title: string;
  /** Bumped by reviseArticle: revision n > 0 changes the title. */
  revision: number;
  publishedAt: Date;
  modifiedAt: Date;
}

export interface SampleFeed {
  sourceId: string;
  kind: 'rss' | 'atom' | 'sitemap';
  /** Path on the site; `{date}` is any yyyy-MM-dd. */
  path: string;
  url: string;
}

export interface SampleRequest {
  method: string;
  path: string;
  status: number;
  conditional: boolean;
}

export interface SampleSiteOptions {
  /** Number of article pages; they cycle through the fixture pages, copies get their own URL and title. */
  articles?: number;
  /** Also list a section page, a robots-disallowed URL and a deleted article in the feeds. Default true. */
  extras?: boolean;
  /** 0 (the default) picks a free port. */
  port?: number;
  clock?: () => Date;
  /** Rewrites an article page's HTML as it is served (chaos tests: truncate, re-encode, …). */
  mutate?: (page: SamplePage, html: string) => string;
  /** Sees every request first; returns true when it answered it itself (chaos tests: 429, 503, stalls). */
  intercept?: (request: IncomingMessage, response: ServerResponse) => boolean;
}

export interface SampleSite {
  origin: string;
  pages: SamplePage[];
  feeds: SampleFeed[];
  /** URLs listed in feeds that are not article pages, by what should become of them. */
  extras: { notAnArticle: string; robotsDisallowed: string; gone: string } | null;
  /** An article listed by two feeds of the same source. */
  sharedUrl: string;
  /** Every request served, in order. */
  requests: SampleRequest[];
  /** A config whose sources are this site's feeds (source ids "sample-<publisher>"). */
  config(): IngestConfig;
  /** Changes an article (its title) and its lastmod, as a correction would; the feeds change with it. */
  reviseArticle(index: number): SamplePage;
  /** Bumps every lastmod without changing any page, so every feed answers 200 with new validators. */
  touchFeeds(): void;
  close(): Promise<void>;
}

export async function createSampleSite(options: SampleSiteOptions = {}): Promise<SampleSite> {
  const clock = options.clock ?? (() => new Date());
  const templates = loadTemplates();
  const sectionHtml = readSamplePage(SECTION_PAGE.file);
  const articleCount = options.articles ?? templates.length;
  if (!Number.isInteger(articleCount) || articleCount < 1) throw new Error(`articles must be a positive integer, got ${articleCount}`);
  const withExtras = options.extras ?? true;
  const requests: SampleRequest[] = [];
  const createdAt = clock();
  let lastChange = createdAt;
  /** HTTP dates have one-second resolution: every change moves the site's clock on by at least a second. */
  const nextChangeTime = (): Date => {
    lastChange = new Date(Math.max(clock().getTime(), Math.floor(lastChange.getTime() / 1000) * 1000 + 1000));
    return lastChange;
  };

  let origin = '';
  const pages: SamplePage[] = [];
  const pagesByPath = new Map<string, SamplePage>();
  const server: Server = createServer((request, response) => {
    if (options.intercept?.(request, response)) return;
    handle(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`sample site: port ${options.port} on 127.0.0.1 is in use; choose another port`) : error),
    );
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  for (let index = 0; index < articleCount; index += 1) {
    const template = templates[index % templates.length]!;
    const copy = Math.floor(index / templates.length);
    const path = `/${template.publisher}${localPath(new URL(template.canonicalUrl).pathname, copy)}`;
    const publishedAt = new Date(createdAt.getTime() - (index + 1) * 7 * 60_000);
    const page: SamplePage = {
      index,
      publisher: template.publisher,
      sourceId: sourceIdFor(template.publisher),
      template: template.file,
      path,
      url: origin + path,
      title: copy === 0 ? template.rawTitle : `${template.rawTitle} (bản ${copy + 1})`,
      revision: 0,
      publishedAt,
      modifiedAt: publishedAt,
    };
    pages.push(page);
    pagesByPath.set(path, page);
  }
  const publishers = [...new Set(pages.map((page) => page.publisher))];
  // The extras are listed by the baodanang and vnexpress feeds, so they need articles of both.
  const extras = withExtras && publishers.includes('baodanang') && publishers.includes('vnexpress')
    ? { notAnArticle: origin + SECTION_PAGE.path, robotsDisallowed: origin + DISALLOWED_PATH, gone: origin + GONE_PATH }
    : null;

  const feedDefinitions = defineFeeds(publishers);
  const feeds: SampleFeed[] = feedDefinitions.map((feed) => ({
    sourceId: sourceIdFor(feed.publisher),
    kind: feed.kind,
    path: feed.path,
    url: origin + feed.path,
  }));
  const firstOf = (publisher: Publisher): SamplePage => pages.find((page) => page.publisher === publisher)!;
  const sharedUrl = firstOf(publishers[0]!).url;

  function entriesFor(feed: FeedDefinition): FeedEntry[] {
    const own = pages.filter((page) => page.publisher === feed.publisher);
    const selected = feed.select === 'first' ? own.slice(0, 1) : feed.select === 'all-but-last' && own.length > 1 ? own.slice(0, -1) : own;
    const entries: FeedEntry[] = selected.map((page) => ({
      url: page.url,
      title: currentTitle(page),
      summary: `Bài mẫu ${page.index + 1} từ ${PUBLISHERS[page.publisher].name}.`,
      publishedAt: page.publishedAt,
      modifiedAt: page.modifiedAt,
    }));
    if (extras && feed.extras) {
      const at = createdAt;
      if (feed.publisher === 'baodanang') {
        entries.push({ url: extras.robotsDisallowed, title: 'Bản nháp', summary: 'Chưa xuất bản.', publishedAt: at, modifiedAt: at });
        entries.push({ url: extras.gone, title: 'Bài đã gỡ', summary: 'Bài viết không còn.', publishedAt: at, modifiedAt: at });
      } else {
        entries.push({ url: extras.notAnArticle, title: 'Kinh doanh', summary: 'Trang chuyên mục.', publishedAt: at, modifiedAt: at });
      }
    }
    return entries;
  }

  function renderFeed(feed: FeedDefinition): { body: string; contentType: string; lastModified: Date } {
    const entries = entriesFor(feed);
    const lastModified = entries.reduce((max, entry) => (entry.modifiedAt > max ? entry.modifiedAt : max), createdAt);
    const publisher = PUBLISHERS[feed.publisher];
    switch (feed.kind) {
      case 'rss':
        return {
          body: renderRss({ title: publisher.name, link: `${origin}/${feed.publisher}/` }, entries, feed.style ?? RFC822_WITH_GUID, createdAt),
          contentType: 'application/rss+xml; charset=utf-8',
          lastModified,
        };
      case 'atom':
        return {
          body: renderAtom({ title: publisher.name, selfUrl: origin + feed.path, siteUrl: `${origin}/${feed.publisher}/` }, entries, createdAt),
          contentType: 'application/atom+xml; charset=utf-8',
          lastModified,
        };
      case 'sitemap':
        return {
          body: feed.news ? renderNewsSitemap({ name: publisher.name }, entries) : renderUrlset(entries),
          contentType: 'application/xml; charset=utf-8',
          lastModified,
        };
    }
  }

  function renderPage(page: SamplePage): string {
    const template = templates.find((candidate) => candidate.file === page.template)!;
    let html = template.html
      .replaceAll(template.canonicalUrl, page.url)
      .replaceAll(jsonEscaped(template.canonicalUrl), jsonEscaped(page.url));
    const title = currentTitle(page);
    if (title !== template.rawTitle) html = html.replaceAll(template.rawTitle, title);
    return options.mutate ? options.mutate(page, html) : html;
  }

  function handle(request: IncomingMessage, response: ServerResponse): void {
    const path = new URL(request.url ?? '/', origin).pathname;
    const conditional = request.headers['if-none-match'] !== undefined || request.headers['if-modified-since'] !== undefined;
    const send = (status: number, body: string, contentType: string, lastModified?: Date): void => {
      const headers: Record<string, string> = { 'content-type': contentType };
      let finalStatus = status;
      if (status === 200 && lastModified) {
        const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
        headers.etag = etag;
        headers['last-modified'] = lastModified.toUTCString();
        if (isNotModified(request, etag, lastModified)) finalStatus = 304;
      }
      requests.push({ method: request.method ?? 'GET', path, status: finalStatus, conditional });
      response.writeHead(finalStatus, headers);
      response.end(finalStatus === 304 || request.method === 'HEAD' ? undefined : body);
    };

    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(405, 'method not allowed\n', 'text/plain; charset=utf-8');
      return;
    }
    if (path === '/robots.txt') {
      send(200, `User-agent: *\nDisallow: /baodanang/private/\n`, 'text/plain; charset=utf-8');
      return;
    }
    if (path === '/') {
      send(200, homePage(feeds, pages), 'text/html; charset=utf-8');
      return;
    }
    const feed = feedDefinitions.find((candidate) => matchesFeedPath(candidate.path, path));
    if (feed) {
      const rendered = renderFeed(feed);
      send(200, rendered.body, rendered.contentType, rendered.lastModified);
      return;
    }
    const page = pagesByPath.get(path);
    if (page) {
      send(200, renderPage(page), 'text/html; charset=utf-8', page.modifiedAt);
      return;
    }
    if (extras && path === SECTION_PAGE.path) {
      send(200, sectionHtml, 'text/html; charset=utf-8', createdAt);
      return;
    }
    // DISALLOWED_PATH is deliberately not served: a polite crawler never asks for it.
    send(404, 'not found\n', 'text/plain; charset=utf-8');
  }

  return {
    origin,
    pages,
    feeds,
    extras,
    sharedUrl,
    requests,
    config: () => ({
      userAgent: 'news-ingest/0.1 (+https://github.com/news-ingest/news-ingest; sample site run)',
      sources: publishers.map((publisher) => ({
        id: sourceIdFor(publisher),
        name: `${PUBLISHERS[publisher].name} (mẫu)`,
        domain: PUBLISHERS[publisher].domain,
        adapter: PUBLISHERS[publisher].adapter,
        timeZone: 'Asia/Ho_Chi_Minh',
        intervalMinutes: 15,
        // One loopback server stands in for all publishers: no need to wait between requests.
        politeness: { concurrency: 4, minIntervalMs: 0 },
        allowInsecureRedirects: false,
        feeds: feeds
          .filter((feed) => feed.sourceId === sourceIdFor(publisher))
          .map((feed) => ({ url: feed.url, kind: feed.kind })),
      })),
    }),
    reviseArticle(index: number): SamplePage {
      const page = pages[index];
      if (!page) throw new Error(`no sample article ${index} (the site has ${pages.length})`);
      page.revision += 1;
      page.modifiedAt = nextChangeTime();
      return page;
    },
    touchFeeds(): void {
      const at = nextChangeTime();
      for (const page of pages) page.modifiedAt = at;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

interface FeedDefinition {
  publisher: Publisher;
  kind: 'rss' | 'atom' | 'sitemap';
  path: string;
  select: 'all' | 'all-but-last' | 'first';
  /** Lists this publisher's extra (non-article) URLs too. */
  extras: boolean;
  style?: RssStyle;
  news?: boolean;
}

const RFC822_WITH_GUID: RssStyle = { withGuid: true, dates: 'rfc822' };

/** Feeds shaped like each publisher's real ones (feeds.ts); baodanang has RSS and sitemaps that overlap. */
function defineFeeds(publishers: Publisher[]): FeedDefinition[] {
  const all: FeedDefinition[] = [
    { publisher: 'baodanang', kind: 'rss', path: '/baodanang/rss/home.rss', select: 'all-but-last', extras: true },
    { publisher: 'baodanang', kind: 'rss', path: '/baodanang/rss/chinh-tri.rss', select: 'first', extras: false },
    { publisher: 'baodanang', kind: 'sitemap', path: '/baodanang/sitemap-article-{date}.xml', select: 'all', extras: false },
    { publisher: 'vnexpress', kind: 'rss', path: '/vnexpress/rss/kinh-doanh.rss', select: 'all', extras: true },
    {
      publisher: 'tuoitre',
      kind: 'rss',
      path: '/tuoitre/rss/thoi-su.rss',
      select: 'all',
      extras: false,
      style: { withGuid: false, dates: 'gmt7' },
    },
    { publisher: 'dantri', kind: 'atom', path: '/dantri/atom.xml', select: 'all', extras: false },
    { publisher: 'vietnamnet', kind: 'sitemap', path: '/vietnamnet/sitemap-news.xml', select: 'all', extras: false, news: true },
    { publisher: 'nld', kind: 'rss', path: '/nld/rss/thoi-su.rss', select: 'all', extras: false },
  ];
  return all.filter((feed) => publishers.includes(feed.publisher));
}

/** Whether `path` is the feed path `pattern`, where a `{date}` part stands for any YYYY-MM-DD. */
export function matchesFeedPath(pattern: string, path: string): boolean {
  if (!pattern.includes('{date}')) return pattern === path;
  const [before, after] = pattern.split('{date}') as [string, string];
  return path.startsWith(before) && path.endsWith(after) && /^\d{4}-\d{2}-\d{2}$/.test(path.slice(before.length, path.length - after.length));
}

function sourceIdFor(publisher: Publisher): string {
  return `sample-${publisher}`;
}

function loadTemplates(): Template[] {
  return TEMPLATE_FILES.map(({ publisher, file }) => {
    const html = readSamplePage(file);
    const canonicalUrl = /<link\b[^>]*rel="canonical"[^>]*href="([^"]+)"/i.exec(html)?.[1];
    const rawTitle = /<h1\b[^>]*>([^<]+)</i.exec(html)?.[1]?.trim();
    if (!canonicalUrl || !rawTitle) throw new Error(`sample site: ${file} has no canonical link or no h1 text`);
    return { publisher, file, html, canonicalUrl, rawTitle };
  });
}

/** The page's path with its trailing numeric id shifted for copies, so each copy is its own article. */
function localPath(pathname: string, copy: number): string {
  if (copy === 0) return pathname;
  const match = /(\d+)(\D*)$/.exec(pathname);
  if (!match) return `${pathname.replace(/\/$/, '')}-${copy}`;
  const shifted = (BigInt(match[1]!) + BigInt(copy)).toString().padStart(match[1]!.length, '0');
  return pathname.slice(0, match.index) + shifted + match[2]!;
}

function jsonEscaped(url: string): string {
  return url.replaceAll('/', '\\/');
}

function isNotModified(request: IncomingMessage, etag: string, lastModified: Date): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined) return ifNoneMatch.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*');
  const ifModifiedSince = request.headers['if-modified-since'];
  if (ifModifiedSince === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  return !Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) <= Math.floor(since / 1000);
}

function currentTitle(page: SamplePage): string {
  return page.revision === 0 ? page.title : `${page.title} (cập nhật lần ${page.revision})`;
}

function homePage(feeds: SampleFeed[], pages: SamplePage[]): string {
  const feedLinks = feeds.map((feed) => `<li><a href="${feed.url}">${feed.kind}: ${feed.path}</a></li>`).join('\n');
  const pageLinks = pages.map((page) => `<li><a href="${page.url}">${page.path}</a></li>`).join('\n');
  return `<!doctype html>\n<html lang="vi"><head><meta charset="utf-8"><title>news-ingest sample site</title></head>\n<body><h2>Feeds</h2><ul>\n${feedLinks}\n</ul><h2>Articles</h2><ul>\n${pageLinks}\n</ul></body></html>\n`;
}
