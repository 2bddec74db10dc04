import { load } from 'cheerio/slim';
import type { CheerioAPI } from 'cheerio';
import type { Element } from 'domhandler';
import type { Article } from '../schema/article.ts';
import { adapterById, findAdapter, sourceForUrl } from '../sources/registry.ts';
import { cleanText } from '../normalize/text.ts';
import { absoluteHttpUrl } from '../normalize/url.ts';
import { elementsByTag, firstWithAttribute } from './dom.ts';
import { pickLayout, runLayout, type AdapterFields } from './adapter-runner.ts';
import { assembleArticle } from './assemble.ts';
import { genericFieldReader } from './generic.ts';
import { readJsonLdArticle } from './jsonld.ts';
import { NotAnArticleError, type ExtractedFields, type ExtractOptions, type ExtractorIdentity } from './types.ts';
import { ExtractionTrace } from './explain.ts';

export { NotAnArticleError } from './types.ts';

/** Bumped whenever extraction rules change what an article comes out as (re-extraction compares it). */
export const EXTRACTOR_VERSION = '2';

/** The page has no URL to identify it by: none given, and no absolute canonical link or og:url. */
export class MissingUrlError extends Error {
  override readonly name = 'MissingUrlError';
}

/** htmlparser2 backend via cheerio/slim: several times faster than parse5 on full pages, and parse5 and undici stay out of the Lambda bundles. */
export function loadPage(html: string): CheerioAPI {
  return load(html, { xml: { xmlMode: false, decodeEntities: true } });
}

/** `$('meta[property="…"]').first()` */
function metaWithProperty($: CheerioAPI, property: string): Element | undefined {
  return elementsByTag($, 'meta').find((element) => element.attribs['property'] === property);
}

function pageUrl($: CheerioAPI, options: ExtractOptions): string {
  if (options.url) return options.url;
  const found =
    absoluteHttpUrl(firstWithAttribute($, 'link', 'rel', 'canonical')?.attribs['href']) ??
    absoluteHttpUrl(metaWithProperty($, 'og:url')?.attribs['content']);
  if (!found) throw new MissingUrlError('the page has no absolute canonical link or og:url: give its URL (--url)');
  return found;
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
    dateline: adapterFields.dateline ?? null,
    publishedAt: pick('publishedAt', null),
    updatedAt: pick('updatedAt', null),
    authors: pick('authors', []),
    paragraphs: pick('paragraphs', []),
    images: pick('images', []),
    language: pick('language', null),
  };
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
 * Extracts one Article from a saved page. The page is parsed once; the source adapter for its domain
 * reads what its layout knows, the generic path (JSON-LD, meta, content heuristics) fills the rest.
 * Throws NotAnArticleError for pages without a title or body (section pages, hubs), and for pages of a
 * known publisher that match none of its layouts and have no JSON-LD article either.
 */
export function extractArticle(html: string, options: ExtractOptions = {}): Article {
  const $ = loadPage(html);
  const url = pageUrl($, options);
  const siteName = cleanText(metaWithProperty($, 'og:site_name')?.attribs['content'] ?? '') || null;
  const adapter = options.genericOnly ? null : options.adapterId ? adapterById(options.adapterId) : findAdapter(url);
  const layout = adapter ? pickLayout($, adapter) : null;

  let extractor: ExtractorIdentity = { name: 'generic', version: EXTRACTOR_VERSION };
  let adapterFields: AdapterFields = {};
  let forbidden = new Set<keyof ExtractedFields>();
  // Each path records into its own trace; the explanation takes each field's record from the path that gave it.
  const adapterTrace = options.trace ? new ExtractionTrace() : undefined;
  const genericTrace = options.trace ? new ExtractionTrace() : undefined;
  if (adapter && layout) {
    extractor = { name: `${adapter.id}/${layout.id}`, version: EXTRACTOR_VERSION };
    adapterFields = runLayout($, adapter, layout, url, adapterTrace);
    forbidden = new Set(layout.noGenericFallback ?? []);
  } else if (adapter && !readJsonLdArticle($)) {
    throw new NotAnArticleError(
      `${url}: no ${adapter.id} article layout matches (${adapter.layouts.map((known) => known.detect).join(' | ')}) and the page has no JSON-LD article`,
    );
  }

  // The generic path reads only what the adapter left unfound: body scoring runs only if the body is missing.
  const fields = mergeFields(adapterFields, genericFieldReader($, url, genericTrace), forbidden);
  if (options.trace && adapterTrace && genericTrace) explainMerge(options.trace, adapterTrace, genericTrace, adapterFields, forbidden);

  if (!fields.title) throw new NotAnArticleError(`${url}: no title found`);
  if (fields.paragraphs.length === 0) throw new NotAnArticleError(`${url}: no article body found`);
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
