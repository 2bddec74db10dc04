import type { CheerioAPI } from 'cheerio';
import { isTag, type Element } from 'domhandler';
import type { Article, UrlLessArticle } from '../schema/article.ts';
import { adapterById, findAdapter, sourceForUrl } from '../sources/registry.ts';
import { cleanText } from '../normalize/text.ts';
import { absoluteHttpUrl } from '../normalize/url.ts';
import { elementsByTag, firstWithAttribute, loadPage, nodeText } from './dom.ts';
import { pickLayout, runLayout, type AdapterFields } from './adapter-runner.ts';
import { assembleArticle, assembleUrlLessArticle } from './assemble.ts';
import { genericFieldReader } from './generic.ts';
import extractorVersion from './extractor-version.json' with { type: 'json' };
import { NotAnArticleError, type ExtractedFields, type ExtractOptions, type ExtractorIdentity } from './types.ts';
import { ExtractionTrace } from './explain.ts';

export { NotAnArticleError } from './types.ts';
export { loadPage } from './dom.ts';

/**
 * Bumped whenever extraction rules change what an article comes out as: written in every article, and
 * re-extraction skips pages whose article this version extracted. `npm run extractor-version` bumps it
 * when the fixture pages' output changed (tests/unit/extractor-version.test.ts fails until it is run).
 */
export const EXTRACTOR_VERSION: string = extractorVersion.version;

/** The page has no URL to identify it by: none given, and no absolute canonical link or og:url. */
export class MissingUrlError extends Error {
  override readonly name = 'MissingUrlError';
}

/** `$('meta[property="…"]').first()` */
function metaWithProperty($: CheerioAPI, property: string): Element | undefined {
  return elementsByTag($, 'meta').find((element) => element.attribs['property'] === property);
}

/** The page's URL: the one given, else its absolute canonical link or og:url; null when it has none. */
function pageUrl($: CheerioAPI, options: ExtractOptions): string | null {
  if (options.url !== undefined) {
    if (!absoluteHttpUrl(options.url)) throw new Error(`"${options.url}" is not an absolute http(s) URL`);
    return options.url;
  }
  return (
    absoluteHttpUrl(firstWithAttribute($, 'link', 'rel', 'canonical')?.attribs['href']) ??
    absoluteHttpUrl(metaWithProperty($, 'og:url')?.attribs['content'])
  );
}

/** `href` resolved against `base`, as host and path without query, fragment or trailing slash; null when it is not an http(s) URL. */
function pagePath(href: string | undefined, base: string): string | null {
  const absolute = absoluteHttpUrl(href, base);
  if (!absolute) return null;
  const { host, pathname } = new URL(absolute);
  return `${host}${pathname.replace(/\/+$/, '')}`;
}

/**
 * A section page names itself in its headings: every h1 is a link back to the page (its URL or the
 * canonical address it declares) holding a name other than the page's title ("<h1><a href="/kinh-doanh">
 * Kinh doanh</a></h1>" on /kinh-doanh, titled "Tin kinh doanh: Thị trường, tài chính…"). A blog post's h1
 * may link to itself too, but it holds the post's title.
 */
function isSelfNamedSection($: CheerioAPI, url: string, title: string): boolean {
  const headings = elementsByTag($, 'h1');
  const self = new Set([url, pageUrl($, {})].map((address) => address && pagePath(address, url)));
  return (
    headings.length > 0 &&
    headings.every((heading) => {
      const links = heading.children.filter((child): child is Element => isTag(child) && child.name === 'a');
      const text = cleanText(nodeText(heading));
      return (
        links.length === 1 &&
        cleanText(nodeText(links[0]!)) === text &&
        text.toLocaleLowerCase('vi') !== title.toLocaleLowerCase('vi') &&
        self.has(pagePath(links[0]!.attribs['href'], url))
      );
    })
  );
}

/** Adapter values where the layout found them; the generic path for the rest, unless the layout forbids it. */
function mergeFields(
  adapterFields: AdapterFields,
  generic: <K extends keyof ExtractedFields>(key: K) => ExtractedFields[K],
  forbidden: ReadonlySet<keyof ExtractedFields>,
): ExtractedFields {
  const pick = <K extends keyof ExtractedFields>(key: K, empty: ExtractedFields[K]): ExtractedFields[K] => {
    const own = adapterFields[key];
    if (own !== undefined) return own;
    return forbidden.has(key) ? empty : generic(key);
  };
  return {
    canonicalUrl: pick('canonicalUrl', null),
    title: pick('title', null),
    category: pick('category', null),
    tags: pick('tags', []),
    lead: pick('lead', null),
    // A dateline belongs to its lead: the generic one only comes with the generic lead.
    dateline: adapterFields.dateline ?? (adapterFields.lead === undefined && !forbidden.has('lead') ? generic('dateline') : null),
    publishedAt: pick('publishedAt', null),
    updatedAt: pick('updatedAt', null),
    authors: pick('authors', []),
    paragraphs: pick('paragraphs', []),
    images: pick('images', []),
    language: pick('language', null),
  };
}

interface PageFields {
  fields: ExtractedFields;
  extractor: ExtractorIdentity;
  siteName: string | null;
}

/** Each field's record from the path that gave its value; a forbidden generic fallback is said so. */
function explainMerge(
  trace: ExtractionTrace,
  adapterTrace: ExtractionTrace,
  genericTrace: ExtractionTrace,
  adapterFields: AdapterFields,
  forbidden: ReadonlySet<keyof ExtractedFields>,
): void {
  for (const field of FIELD_ORDER) {
    trace.adopt(field, adapterTrace);
    if (adapterFields[field] !== undefined) continue;
    if (forbidden.has(field)) trace.reject(field, 'generic path', null, 'the layout forbids the generic fallback for this field');
    else trace.adopt(field, genericTrace);
  }
}

const FIELD_ORDER: readonly (keyof ExtractedFields)[] = [
  'title', 'publishedAt', 'updatedAt', 'authors', 'category', 'tags', 'lead', 'dateline', 'paragraphs', 'images', 'language', 'canonicalUrl',
];

/**
 * The page's fields: the source adapter for its domain reads what its layout knows, the generic path
 * (JSON-LD, meta, content heuristics) fills the rest. Without a URL no adapter is chosen (unless named) and
 * relative links are not resolved.
 */
function readPage($: CheerioAPI, url: string | null, options: ExtractOptions): PageFields {
  const where = url ?? 'page without a URL';
  const siteName = cleanText(metaWithProperty($, 'og:site_name')?.attribs['content'] ?? '') || null;
  const adapter = options.genericOnly ? null : options.adapterId ? adapterById(options.adapterId) : url ? findAdapter(url) : null;
  const layout = adapter ? pickLayout($, adapter) : null;

  let extractor: ExtractorIdentity = { name: 'generic', version: EXTRACTOR_VERSION };
  let adapterFields: AdapterFields = {};
  let forbidden = new Set<keyof ExtractedFields>();
  // Each path records into its own trace; the explanation takes each field's record from the path that gave it.
  const adapterTrace = options.trace ? new ExtractionTrace() : undefined;
  const genericTrace = options.trace ? new ExtractionTrace() : undefined;
  if (adapter && layout) {
    extractor = { name: `${adapter.id}/${layout.id}`, version: EXTRACTOR_VERSION };
    adapterFields = runLayout($, adapter, layout, url ?? undefined, adapterTrace);
    forbidden = new Set(layout.noGenericFallback ?? []);
  } else if (adapter) {
    // A redesign the adapter does not know yet (or an older template) is left to the generic path, which
    // makes its own not-an-article decision for list and section pages.
    options.trace?.reject('paragraphs', `adapter ${adapter.id}`, null, `no layout matches (${adapter.layouts.map((known) => known.detect).join(' | ')}); the generic path reads the page`);
  }

  // The generic path reads only what the adapter left unfound: body scoring runs only if the body is missing.
  const fields = mergeFields(adapterFields, genericFieldReader($, url ?? undefined, genericTrace), forbidden);
  if (options.trace && adapterTrace && genericTrace) explainMerge(options.trace, adapterTrace, genericTrace, adapterFields, forbidden);

  if (!layout && url && fields.title && isSelfNamedSection($, url, fields.title)) throw new NotAnArticleError(`${where}: a section page (its h1 is a link to the page itself)`);
  if (!fields.title) throw new NotAnArticleError(`${where}: no title found`);
  if (fields.paragraphs.length === 0) throw new NotAnArticleError(`${where}: no article body found`);
  return { fields, extractor, siteName };
}

/**
 * Extracts one Article from a fetched page (its URL known: given, or the page's canonical link or og:url).
 * The page is parsed once; a page of a known publisher in none of its adapter's layouts (an older template,
 * a redesign) is read by the generic path. Throws NotAnArticleError for pages without a title or body and
 * for section pages whose h1 links back to themselves; MissingUrlError when the page has no URL.
 */
export function extractArticle(html: string, options: ExtractOptions = {}): Article {
  const $ = loadPage(html);
  const url = pageUrl($, options);
  if (!url) throw new MissingUrlError('the page has no absolute canonical link or og:url and no URL was given');
  return articleAt($, url, options);
}

function articleAt($: CheerioAPI, url: string, options: ExtractOptions): Article {
  const { fields, extractor, siteName } = readPage($, url, options);
  const article = assembleArticle({
    fields,
    url,
    source: options.source ?? sourceForUrl(url, siteName),
    feed: options.feed ?? null,
    fetchedAt: options.fetchedAt ?? new Date(),
    extractor,
  });
  if (article.dateline && !fields.dateline) options.trace?.chose('dateline', 'rule: the dateline prefix of the lead (lib/normalize/dateline.ts)', article.dateline);
  return article;
}

/**
 * Extracts one article from a saved page, its URL known or not: as extractArticle when the URL is given or
 * the page names it; else an article whose URL and source are null and whose id comes from its content
 * (relative links on the page are then left out: pictures given by a relative address are dropped).
 */
export function extractSavedPage(html: string, options: ExtractOptions = {}): Article | UrlLessArticle {
  const $ = loadPage(html);
  const url = pageUrl($, options);
  if (url) return articleAt($, url, options);
  const { fields, extractor } = readPage($, null, options);
  return assembleUrlLessArticle({ fields, feed: options.feed ?? null, fetchedAt: options.fetchedAt ?? new Date(), extractor });
}
