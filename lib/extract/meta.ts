import type { CheerioAPI } from 'cheerio';
import { collapseWhitespace, decodeEntities } from '../normalize/text.ts';
import { ancestorNamed, elementsByTag, firstWithAttribute, nodeText } from './dom.ts';

/** A date string found in the page head or markup, with where it came from (for preference and debugging). */
export interface DateCandidate {
  source: string;
  value: string;
}

/** What the page's `<head>` and a few well-known markup hooks say about the article. Strings are entity-decoded, NFC. */
export interface PageMeta {
  canonical: string | null;
  ogUrl: string | null;
  ogTitle: string | null;
  twitterTitle: string | null;
  /** the `<title>` element */
  documentTitle: string | null;
  ogDescription: string | null;
  description: string | null;
  ogSiteName: string | null;
  ogImage: string | null;
  /** published-time candidates in preference order: article:published_time, then other head metas */
  published: DateCandidate[];
  modified: DateCandidate[];
  section: string | null;
  tags: string[];
  /** author names from meta tags (never profile URLs) */
  authors: string[];
  /** `<html lang>` */
  htmlLang: string | null;
  /** og:locale / content-language, as a fallback for the language */
  locale: string | null;
  /** `<time datetime>` values in document order */
  timeDatetimes: string[];
}

const PUBLISHED_KEYS = [
  'article:published_time',
  'og:article:published_time',
  'published_time',
  'datepublished',
  'parsely-pub-date',
  'sailthru.date',
  'pubdate',
  'publishdate',
  'publish-date',
  'publish_date',
  'dc.date.issued',
  'dc.date',
  'dcterms.created',
  'date',
  'article.published',
  'cxenseparse:recs:publishtime',
];
const MODIFIED_KEYS = ['article:modified_time', 'og:updated_time', 'datemodified', 'lastmod', 'dcterms.modified', 'article.updated'];
const AUTHOR_KEYS = ['author', 'article:author', 'parsely-author', 'sailthru.author', 'dc.creator', 'byl', 'cxenseparse:author'];
const TAG_KEYS = ['article:tag', 'news_keywords', 'parsely-tags', 'keywords'];

function clean(text: string): string {
  return collapseWhitespace(decodeEntities(text).normalize('NFC'));
}

/** Every meta tag, keyed by its lower-cased name / property / itemprop / http-equiv. */
function metaValues($: CheerioAPI): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const element of elementsByTag($, 'meta')) {
    const attributes = element.attribs;
    const key = (attributes['property'] ?? attributes['name'] ?? attributes['itemprop'] ?? attributes['http-equiv'] ?? '').trim().toLowerCase();
    const content = attributes['content'];
    if (!key || content === undefined) continue;
    const value = clean(content);
    if (value === '') continue;
    const list = values.get(key);
    if (list) list.push(value);
    else values.set(key, [value]);
  }
  return values;
}

function candidates(values: Map<string, string[]>, keys: string[]): DateCandidate[] {
  return keys.flatMap((key) => (values.get(key) ?? []).map((value) => ({ source: `meta:${key}`, value })));
}

/** Read once per page (the adapter run and the generic path both ask), keyed by the loaded page's `$` as its element index is. */
const META_BY_PAGE = new WeakMap<CheerioAPI, PageMeta>();

/** The page's head metadata; the same object on every call for one loaded page: callers read it, never change it. */
export function readPageMeta($: CheerioAPI): PageMeta {
  let meta = META_BY_PAGE.get($);
  if (!meta) {
    meta = pageMetaOf($);
    META_BY_PAGE.set($, meta);
  }
  return meta;
}

function pageMetaOf($: CheerioAPI): PageMeta {
  const values = metaValues($);
  const first = (key: string): string | null => values.get(key)?.[0] ?? null;
  const linkHref = (rel: string): string | null => {
    const href = firstWithAttribute($, 'link', 'rel', rel)?.attribs['href'];
    return href ? href.trim() : null;
  };
  const authors = AUTHOR_KEYS.flatMap((key) => values.get(key) ?? []).filter((name) => !/^https?:\/\/|^www\./i.test(name));
  const tagKey = TAG_KEYS.find((key) => values.has(key));
  const tags = tagKey
    ? (values.get(tagKey) ?? []).flatMap((value) => (values.get(tagKey)!.length > 1 ? [value] : value.split(','))).map((tag) => tag.trim()).filter(Boolean)
    : [];
  const timeDatetimes: string[] = [];
  for (const element of elementsByTag($, 'time')) {
    const value = element.attribs['datetime']?.trim();
    if (value) timeDatetimes.push(value);
  }
  const titleElement = elementsByTag($, 'title').find((element) => ancestorNamed(element, 'head'));
  const documentTitle = clean(titleElement ? nodeText(titleElement) : '');
  const htmlLang = elementsByTag($, 'html')[0]?.attribs['lang']?.trim();
  return {
    canonical: linkHref('canonical'),
    ogUrl: first('og:url'),
    ogTitle: first('og:title'),
    twitterTitle: first('twitter:title'),
    documentTitle: documentTitle || null,
    ogDescription: first('og:description'),
    description: first('description') ?? first('twitter:description'),
    ogSiteName: first('og:site_name') ?? first('application-name'),
    ogImage: first('og:image') ?? first('og:image:url') ?? first('twitter:image'),
    published: candidates(values, PUBLISHED_KEYS),
    modified: candidates(values, MODIFIED_KEYS),
    section: first('article:section') ?? first('parsely-section'),
    tags: [...new Set(tags)],
    authors: [...new Set(authors)],
    htmlLang: htmlLang || null,
    locale: first('og:locale') ?? first('content-language') ?? first('language'),
    timeDatetimes,
  };
}
