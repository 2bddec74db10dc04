import { decodeXML } from 'entities/decode';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import Parser from 'rss-parser';
import { toPublishedAt } from '../normalize/dates.ts';
import { cleanText } from '../normalize/text.ts';
import { normalizeUrl } from '../normalize/url.ts';
import { dedupeKey } from './state.ts';
import type { DiscoveredItem, FeedKind, ParsedFeed } from './types.ts';

/** A feed body that cannot be read as a feed or sitemap; the message says exactly why. */
export class FeedParseError extends Error {
  override readonly name = 'FeedParseError';
  constructor(
    readonly feedUrl: string,
    readonly reason: string,
  ) {
    super(`${feedUrl}: ${reason}`);
  }
}

interface RawItem {
  link: string | undefined;
  guid: string | undefined;
  title: string | undefined;
  date: string | undefined;
  updated: string | undefined;
}

/**
 * Atom dates are renamed before rss-parser sees them: it runs `new Date(published).toISOString()`, which
 * drops the publisher's offset and throws on one bad date, losing the whole feed.
 */
const ATOM_DATE_TAGS: Record<string, string> = { published: 'atom-published', updated: 'atom-updated' };

type RssItem = Parser.Item & { 'atom-published'?: string; 'atom-updated'?: string; id?: string; date?: string; 'rdf:about'?: string };

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** Parses RSS 2.0, Atom, RDF (RSS 1.0), sitemap urlsets, Google News sitemaps and sitemap indexes. */
export async function parseFeed(body: string, feedUrl: string): Promise<ParsedFeed> {
  const xml = body.replace(/^\uFEFF/, '');
  if (xml.trim() === '') throw new FeedParseError(feedUrl, 'empty body, not a feed');
  if (/^\s*<(!doctype\s+html|html[\s>])/i.test(xml)) throw htmlPageError(feedUrl, xml);

  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    const { line, col, msg } = validation.err;
    throw new FeedParseError(feedUrl, `malformed XML at line ${line}, column ${col}: ${msg}`);
  }

  const root = rootElementName(xml);
  const localName = root?.split(':').pop()?.toLowerCase();
  switch (localName) {
    case 'rss':
      return parseSyndication(xml, feedUrl, 'rss');
    case 'feed':
      return parseSyndication(xml, feedUrl, 'atom');
    case 'rdf':
      return parseSyndication(xml, feedUrl, 'rdf');
    case 'urlset':
    case 'sitemapindex':
      return parseSitemap(xml, feedUrl);
    case 'html':
      throw htmlPageError(feedUrl, xml);
    default:
      throw new FeedParseError(feedUrl, `root element <${root ?? '?'}> is not RSS, Atom, RDF or a sitemap`);
  }
}

function htmlPageError(feedUrl: string, body: string): FeedParseError {
  // Some WAFs answer 200 with a page that sets a cookie from JavaScript and reloads.
  const challenge = /document\.cookie\s*=/.test(body) ? ' (a JavaScript cookie-challenge page)' : '';
  return new FeedParseError(feedUrl, `got an HTML page, not a feed${challenge}`);
}

/** The first element's name, after the XML declaration, comments, processing instructions and DOCTYPE. */
function rootElementName(xml: string): string | undefined {
  const prolog = /^\s*(?:<\?[\s\S]*?\?>\s*|<!--[\s\S]*?-->\s*|<!DOCTYPE[^[>]*(?:\[[\s\S]*?\])?\s*>\s*)*<([A-Za-z_][\w:.-]*)/i;
  return prolog.exec(xml)?.[1];
}

async function parseSyndication(xml: string, feedUrl: string, kind: FeedKind): Promise<ParsedFeed> {
  const parser = new Parser<Record<string, unknown>, RssItem>({
    defaultRSS: 2,
    customFields: { item: ['atom-published', 'atom-updated', 'id'] },
    xml2js: {
      tagNameProcessors: kind === 'atom' ? [(name: string) => ATOM_DATE_TAGS[name] ?? name] : [],
    },
  });
  let feed: Parser.Output<RssItem>;
  try {
    feed = await parser.parseString(xml);
  } catch (error) {
    const message = (error as Error).message.replace(/\s*\n\s*/g, ' ');
    throw new FeedParseError(feedUrl, `malformed XML: ${message}`);
  }
  const raw = feed.items.map(
    (item): RawItem => ({
      link: text(item.link),
      guid: text(item.guid) ?? text(item.id) ?? text(item['rdf:about']),
      title: text(item.title),
      date: text(item.pubDate) ?? text(item['atom-published']) ?? text(item['atom-updated']) ?? text(item.date),
      updated: text(item['atom-updated']),
    }),
  );
  const title = text(feed.title);
  return collect(kind, title === undefined ? null : cleanText(title) || null, raw, [], feedUrl);
}

const sitemapParser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  // Entities are decoded below: one XML round for URLs, cleanText (several rounds) for titles.
  processEntities: false,
  isArray: (name) => name === 'url' || name === 'sitemap',
});

function child(node: unknown, name: string): unknown {
  return typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[name] : undefined;
}

function parseSitemap(xml: string, feedUrl: string): ParsedFeed {
  const document: unknown = sitemapParser.parse(xml);
  const index = child(document, 'sitemapindex');
  if (index !== undefined) {
    const entries = (child(index, 'sitemap') as unknown[] | undefined) ?? [];
    const childSitemaps: string[] = [];
    let invalidItems = 0;
    for (const entry of entries) {
      const loc = resolveLink(text(child(entry, 'loc')), feedUrl);
      if (loc === null) invalidItems += 1;
      else if (!childSitemaps.includes(loc)) childSitemaps.push(loc);
    }
    return { kind: 'sitemap-index', title: null, items: [], childSitemaps, invalidItems, duplicateItems: 0 };
  }
  const urls = (child(child(document, 'urlset'), 'url') as unknown[] | undefined) ?? [];
  const raw = urls.map((entry): RawItem => {
    const news = child(entry, 'news');
    return {
      link: text(child(entry, 'loc')),
      guid: undefined,
      title: text(child(news, 'title')),
      // lastmod is when the page last changed, not when it was published: it is not used as a date.
      date: text(child(news, 'publication_date')),
      updated: text(child(entry, 'lastmod')),
    };
  });
  return collect('sitemap', null, raw, [], feedUrl);
}

function resolveLink(link: string | undefined, feedUrl: string): string | null {
  if (link === undefined) return null;
  const trimmed = decodeXML(link).trim();
  if (trimmed === '') return null;
  try {
    const url = new URL(trimmed, feedUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return normalizeUrl(url.toString());
  } catch {
    return null;
  }
}

/** Feed pubDates may be US-style ("10/5/2026 3:42:00 PM", a Tuổi Trẻ variant), so that form is allowed here. */
function feedDate(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  return toPublishedAt(decodeXML(raw), { allowUsStyle: true });
}

function collect(
  kind: FeedKind,
  title: string | null,
  raw: RawItem[],
  childSitemaps: string[],
  feedUrl: string,
): ParsedFeed {
  const items: DiscoveredItem[] = [];
  const seenKeys = new Set<string>();
  let invalidItems = 0;
  let duplicateItems = 0;
  for (const entry of raw) {
    const url = resolveLink(entry.link, feedUrl);
    if (url === null) {
      invalidItems += 1;
      continue;
    }
    // A guid is an opaque identifier: trimmed and NFC, never entity-decoded again.
    const guid = entry.guid?.trim().normalize('NFC') || null;
    const itemTitle = entry.title === undefined ? null : cleanText(entry.title) || null;
    const item: DiscoveredItem = {
      url,
      guid,
      title: itemTitle,
      publishedAt: feedDate(entry.date),
      updatedMark: entry.updated?.trim() || null,
      feedUrl,
    };
    const key = dedupeKey(item);
    if (seenKeys.has(key) || seenKeys.has(url)) {
      duplicateItems += 1;
      continue;
    }
    seenKeys.add(key);
    seenKeys.add(url);
    items.push(item);
  }
  return { kind, title, items, childSitemaps, invalidItems, duplicateItems };
}
