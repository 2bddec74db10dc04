/**
 * What a user would pick instead of news-ingest, each mapped to the fields both corpora are scored in:
 * @mozilla/readability on jsdom, Postlight's parser given the saved HTML, and news-ingest itself (the full
 * extractor, and the generic path alone). Used by `npm run eval` (bench/eval-peers.ts) and by the tests.
 */
import { createRequire } from 'node:module';
import * as cheerio from 'cheerio';
import { JSDOM, VirtualConsole } from 'jsdom';
import { Readability } from '@mozilla/readability';
import { extractArticle } from '../../lib/extract/index.ts';
import { normalizedText, type ScoredFields } from './corpus-scoring.ts';
import { extractGenericForScoring } from './generic-for-scoring.ts';

/** An extractor's reading of a page in the terms both corpora are scored in. */
export interface ComparedFields extends ScoredFields {
  /**
   * The extractor's own summary field: ours is the lead without its dateline; readability's is `excerpt`;
   * Postlight's is `dek`, else `excerpt`.
   */
  lead: string | null;
  /** Caption and credit as separate fields; the peers have no such fields. */
  images: { caption: string | null; credit: string | null }[];
}

export type CompareExtractor = (html: string, url: string) => Promise<ComparedFields>;

/** Text of each <p> of an HTML fragment, whitespace-normalized, empty ones left out. */
export function paragraphsOfHtml(html: string): string[] {
  const $ = cheerio.load(html);
  return $('p')
    .toArray()
    .map((paragraph) => normalizedText($(paragraph).text()))
    .filter((text) => text.length > 0);
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
  return {
    title: article.title || null,
    publishedAt: article.publishedTime || null,
    authorNames: splitByline(article.byline),
    bodyParagraphs: paragraphsOfHtml(article.content ?? ''),
    imageCaptions: [],
    lead: article.excerpt || null,
    images: [],
  };
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
  return {
    title: result.title || null,
    publishedAt: result.date_published || null,
    authorNames: splitByline(result.author),
    bodyParagraphs: paragraphsOfHtml(result.content ?? ''),
    imageCaptions: [],
    lead: result.dek || result.excerpt || null,
    images: [],
  };
}

/** The full extractor (adapters, generic fallback), as it runs on the Vietnamese pages. */
export async function newsIngestFields(html: string, url: string): Promise<ComparedFields> {
  const article = extractArticle(html, { url });
  return {
    title: article.title,
    publishedAt: article.publishedAt,
    authorNames: article.authors.map((author) => author.name),
    bodyParagraphs: article.lead ? [article.lead, ...article.body.paragraphs] : article.body.paragraphs,
    imageCaptions: article.images.map((image) => image.caption),
    lead: article.lead,
    images: article.images.map((image) => ({ caption: image.caption, credit: image.credit })),
  };
}

/** The generic path alone, as `npm run eval` scores it on the generic corpus. */
export async function newsIngestGenericFields(html: string, url: string): Promise<ComparedFields> {
  const fields = extractGenericForScoring(html, url);
  return { ...fields, lead: null, images: [] };
}
