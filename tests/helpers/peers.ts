/**
 * What a user would pick instead of news-ingest, each mapped to the fields both corpora are scored in:
 * @mozilla/readability on jsdom, Postlight's parser given the saved HTML, @extractus/article-extractor given
 * the saved HTML, and news-ingest itself (as shipped, and with every adapter off). Used by `npm run eval`
 * (bench/eval-peers.ts) and by the tests.
 */
import { createRequire } from 'node:module';
import * as cheerio from 'cheerio';
import type { AnyNode } from 'domhandler';
import { JSDOM, VirtualConsole } from 'jsdom';
import { Readability } from '@mozilla/readability';
import { extractFromHtml } from '@extractus/article-extractor';
import { renderedText } from '../../lib/extract/dom.ts';
import { extractArticle } from '../../lib/extract/index.ts';
import { normalizedText, type ScoredFields } from './corpus-scoring.ts';
import { extractGenericForScoring } from './generic-for-scoring.ts';

/** An extractor's reading of a page in the terms both corpora are scored in. */
export interface ComparedFields extends ScoredFields {
  /**
   * The extractor's own summary field: ours is the lead without its dateline; readability's is `excerpt`;
   * Postlight's is `dek`, else `excerpt`; article-extractor's is `description`.
   */
  lead: string | null;
  /** The section; only news-ingest has such a field. */
  category: string | null;
  /** The dateline ("ĐNO", "TTO") told apart from the lead; only news-ingest has such a field. */
  dateline: string | null;
  /**
   * The body as the extractor gives it, without a lead it keeps apart: its paragraphs, and its whole text
   * (for the peers, the text of their content HTML as a browser renders it, captions in <figcaption> left
   * out since the markup marks them as captions).
   */
  body: { paragraphs: string[]; text: string };
  /** Caption and credit as separate fields; the peers have no such fields. */
  images: { caption: string | null; credit: string | null }[];
}

export type CompareExtractor = (html: string, url: string) => Promise<ComparedFields>;

/** Elements a reader takes for paragraphs of a content fragment: ours give subheads and list items as paragraphs too. */
const PARAGRAPH_SELECTOR = 'p, h2, h3, h4, h5, h6, li';

function paragraphsOf($: cheerio.CheerioAPI): string[] {
  return $(PARAGRAPH_SELECTOR)
    .not('figcaption *')
    // a list item or heading holding paragraphs is read through them
    .filter((_index, element) => $(element).find(PARAGRAPH_SELECTOR).length === 0)
    .toArray()
    .map((paragraph) => normalizedText($(paragraph).text()))
    .filter((text) => text.length > 0);
}

/** Text of each paragraph, subhead and list item of an HTML fragment outside <figcaption>, whitespace-normalized, empty ones left out. */
export function paragraphsOfHtml(html: string): string[] {
  return paragraphsOf(cheerio.load(html));
}

/** A peer's content HTML as the scorer reads it: its paragraphs, and all of its text outside <figcaption>. */
export function bodyOfHtml(html: string): ComparedFields['body'] {
  const $ = cheerio.load(html);
  return { paragraphs: paragraphsOf($), text: renderedText($.root()[0]!, new Set<AnyNode>($('figcaption').toArray())) };
}

/**
 * A peer's one-string byline as names: split at commas, semicolons, "&", " and ", " và ", with a leading
 * "By " dropped. Names are then compared by authorsMatch (NFC, whitespace, lower case, as a set).
 */
export function splitByline(byline: string | null | undefined): string[] {
  if (!byline) return [];
  return normalizedText(byline)
    .replace(/^by\s+/i, '')
    .split(/\s*[,;&]\s*|\s+(?:and|và)\s+/iu)
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
}

/** The fields of a peer that has only a title, a date, a byline, a summary and content HTML. */
function peerFields(found: { title: string | null | undefined; publishedAt: string | null | undefined; byline: string | null | undefined; summary: string | null | undefined; content: string | null | undefined }): ComparedFields {
  const body = bodyOfHtml(found.content ?? '');
  return {
    title: found.title || null,
    publishedAt: found.publishedAt || null,
    authorNames: splitByline(found.byline),
    bodyParagraphs: body.paragraphs,
    imageCaptions: [],
    lead: found.summary || null,
    category: null,
    dateline: null,
    body,
    images: [],
  };
}

/** Readability on a jsdom document of the page (scripts not run, no resources loaded). */
function readabilityArticle(html: string, url: string | undefined): NonNullable<ReturnType<Readability['parse']>> {
  const dom = new JSDOM(html, { url, virtualConsole: new VirtualConsole() });
  const article = new Readability(dom.window.document).parse();
  dom.window.close();
  if (!article) throw new Error('readability found no article');
  return article;
}

export async function readabilityFields(html: string, url: string): Promise<ComparedFields> {
  const article = readabilityArticle(html, url);
  return peerFields({ title: article.title, publishedAt: article.publishedTime, byline: article.byline, summary: article.excerpt, content: article.content });
}

/** Readability's title and text, as the trafilatura set scores an extractor's output. */
export async function readabilityText(html: string, url: string | undefined): Promise<string> {
  const article = readabilityArticle(html, url);
  return [article.title, article.textContent].filter((part) => part).join('\n');
}

/** The part of Postlight's result read here (its package ships no types). */
interface PostlightResult {
  error?: boolean;
  message?: string;
  title: string | null;
  author: string | null;
  date_published: string | null;
  content: string | null;
  dek: string | null;
  excerpt: string | null;
  lead_image_url: string | null;
}

interface PostlightParser {
  parse(url: string, options: { html: string; fetchAllPages: boolean }): Promise<PostlightResult>;
}

const postlight = createRequire(import.meta.url)('@postlight/parser') as PostlightParser;

/**
 * Postlight's parser on the saved HTML. Its Resource.create fetches the URL when the html is empty, and
 * collectAllPages fetches a "next page" unless fetchAllPages is false: both paths are closed here.
 */
export async function postlightFields(html: string, url: string): Promise<ComparedFields> {
  if (html.length === 0) throw new Error('Postlight would fetch the URL of an empty page');
  const result = await postlight.parse(url, { html, fetchAllPages: false });
  if (result.error) throw new Error(`Postlight: ${result.message ?? 'error'}`);
  return peerFields({ title: result.title, publishedAt: result.date_published, byline: result.author, summary: result.dek || result.excerpt, content: result.content });
}

/**
 * @extractus/article-extractor on the saved HTML: extractFromHtml parses the string it is given (only its
 * `extract(url)` fetches). It runs Readability on linkedom, then reads metadata and sanitizes the content.
 */
export async function articleExtractorFields(html: string, url: string): Promise<ComparedFields> {
  const article = await extractFromHtml(html, url);
  if (!article) throw new Error('article-extractor found no article');
  return peerFields({ title: article.title, publishedAt: article.published, byline: article.author, summary: article.description, content: article.content });
}

/** The clock the Vietnamese expectations are read at (pages without a year, relative times), as in bench/eval-vietnamese.ts. */
const FETCHED_AT = new Date('2026-03-08T00:00:00Z');

function articleFields(html: string, url: string, genericOnly: boolean): ComparedFields {
  const article = extractArticle(html, { url, fetchedAt: FETCHED_AT, genericOnly });
  return {
    title: article.title,
    publishedAt: article.publishedAt,
    authorNames: article.authors.map((author) => author.name),
    bodyParagraphs: article.lead ? [article.lead, ...article.body.paragraphs] : article.body.paragraphs,
    imageCaptions: article.images.map((image) => image.caption),
    lead: article.lead,
    category: article.category,
    dateline: article.dateline,
    body: { paragraphs: article.body.paragraphs, text: article.body.text },
    images: article.images.map((image) => ({ caption: image.caption, credit: image.credit })),
  };
}

/** The full extractor as shipped (the adapter for the page's domain, the generic path for the rest). */
export async function newsIngestFields(html: string, url: string): Promise<ComparedFields> {
  return articleFields(html, url, false);
}

/** The full extractor with every adapter off: what a site with no adapter gets. */
export async function newsIngestWithoutAdaptersFields(html: string, url: string): Promise<ComparedFields> {
  return articleFields(html, url, true);
}

/** The generic path alone, as `npm run eval` scores it on the generic corpus. */
export async function newsIngestGenericFields(html: string, url: string): Promise<ComparedFields> {
  const fields = extractGenericForScoring(html, url);
  return { ...fields, lead: null, category: null, dateline: null, body: { paragraphs: fields.bodyParagraphs, text: fields.bodyParagraphs.join('\n') }, images: [] };
}
