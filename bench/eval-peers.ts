/**
 * news-ingest beside what a user would pick instead, on the same saved pages and with the same scoring
 * functions as the rest of `npm run eval` (eval-core.ts): @mozilla/readability on jsdom, and Postlight's
 * parser given the saved HTML. Fundus is the reference of the generic corpus (its output is the expected
 * file), so it is not run; trafilatura and news-please are Python and PyPI is not reachable here.
 *
 * Every peer runs with the network forbidden (forbidNetwork): a page on which it tries to connect
 * anywhere counts as a failure for it, and the connection is refused before a packet leaves.
 */
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import * as cheerio from 'cheerio';
import { JSDOM, VirtualConsole } from 'jsdom';
import { Readability } from '@mozilla/readability';
import { extractArticle } from '../lib/extract/index.ts';
import { VIETNAMESE_EXPECTATIONS, type VietnameseExpectation } from '../tests/fixtures/vietnamese-expectations.ts';
import {
  authorsMatch,
  bagOfWordsF1,
  loadGenericCorpus,
  normalizedText,
  sameInstant,
  scorePage,
  titleMatches,
  totalsOf,
  type CorpusPage,
  type CorpusTotals,
  type PageScore,
  type ScoredFields,
} from './eval-core.ts';
import { extractGenericForScoring } from './eval-generic-extractor.ts';

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

export interface Contender {
  name: string;
  vietnamese: CompareExtractor;
  generic: CompareExtractor;
}

export class NetworkAttemptError extends Error {
  override readonly name = 'NetworkAttemptError';
}

/**
 * Runs `run` with every outgoing socket connection refused (TCP and TLS both go through
 * net.Socket.prototype.connect, and DNS lookups happen only inside it). Throws NetworkAttemptError if
 * `run` tried to connect, even when it caught the refusal itself.
 */
export async function forbidNetwork<T>(run: () => T | Promise<T>): Promise<T> {
  const connect = net.Socket.prototype.connect;
  const attempts: string[] = [];
  net.Socket.prototype.connect = function refusedConnect(...args: unknown[]): never {
    const target = JSON.stringify(args[0]) ?? String(args[0]);
    attempts.push(target);
    throw new NetworkAttemptError(`tried to connect to ${target}`);
  } as typeof connect;
  try {
    const value = await run();
    if (attempts.length > 0) throw new NetworkAttemptError(`tried to connect to ${attempts.join(', ')}`);
    return value;
  } finally {
    net.Socket.prototype.connect = connect;
  }
}

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

export const CONTENDERS: Contender[] = [
  { name: 'news-ingest', vietnamese: newsIngestFields, generic: newsIngestGenericFields },
  { name: 'readability+jsdom', vietnamese: readabilityFields, generic: readabilityFields },
  { name: 'Postlight parser', vietnamese: postlightFields, generic: postlightFields },
];

const NOTHING: ComparedFields = {
  title: null,
  publishedAt: null,
  authorNames: [],
  bodyParagraphs: [],
  imageCaptions: [],
  lead: null,
  images: [],
};

interface Outcome {
  fields: ComparedFields;
  milliseconds: number;
  /** what went wrong; the page then scores as if nothing was found */
  failure: string | null;
}

async function runOnce(extract: CompareExtractor, html: string, url: string): Promise<Outcome> {
  const started = performance.now();
  try {
    const fields = await forbidNetwork(() => extract(html, url));
    return { fields, milliseconds: performance.now() - started, failure: null };
  } catch (error) {
    return { fields: NOTHING, milliseconds: performance.now() - started, failure: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/** The written expectation's fields a peer can be held to, each right or wrong on one page. */
export interface VietnamesePageComparison {
  title: boolean;
  date: boolean;
  authors: boolean;
  /** the lead, without the dateline, as the summary field or as the first body paragraph */
  lead: boolean;
  /** first body paragraph after the lead (a paragraph holding the lead is skipped) */
  firstParagraph: boolean;
  lastParagraph: boolean;
  /** none of the page's captions, credits, bylines, related boxes and ads in the body */
  cleanBody: boolean;
  /** null: no full reference body for this page */
  bodyF1: number | null;
  /** reference images with a caption or credit whose caption and credit are both found, as separate fields */
  captionCredit: { right: number; of: number };
}

const startsWithText = (text: string | undefined, start: string): boolean =>
  text !== undefined && normalizedText(text).startsWith(normalizedText(start));

export function compareVietnamese(fields: ComparedFields, want: VietnameseExpectation, referenceBody: string[] | null): VietnamesePageComparison {
  const body = fields.bodyParagraphs;
  const leadStart = want.leadStart;
  const leadFirst = leadStart !== null && body[0] !== undefined && normalizedText(body[0]).includes(normalizedText(leadStart));
  const bodyText = normalizedText(body.join('\n'));
  const wantedImages = want.images.filter((image) => image.caption !== null || image.credit !== null);
  const sameOrNull = (a: string | null, b: string | null): boolean => (a === null || b === null ? a === b : normalizedText(a) === normalizedText(b));
  return {
    title: titleMatches(fields.title, want.title),
    date: sameInstant(fields.publishedAt, want.publishedAt),
    authors: authorsMatch(fields.authorNames, want.authors.map((author) => author.name)),
    lead: leadStart === null ? fields.lead === null : startsWithText(fields.lead ?? undefined, leadStart) || startsWithText(body[0], leadStart),
    firstParagraph: startsWithText(body[leadFirst ? 1 : 0], want.firstParagraphStart),
    lastParagraph: startsWithText(body.at(-1), want.lastParagraphStart),
    cleanBody: want.notInBody.every((text) => !bodyText.includes(normalizedText(text))),
    bodyF1: referenceBody === null ? null : bagOfWordsF1(body, referenceBody),
    captionCredit: {
      right: wantedImages.filter((image) => fields.images.some((got) => sameOrNull(got.caption, image.caption) && sameOrNull(got.credit, image.credit))).length,
      of: wantedImages.length,
    },
  };
}

const fixture = (path: string): string => fileURLToPath(new URL(`../tests/fixtures/${path}`, import.meta.url));

/** The seed pages have a full written reference (lead and every paragraph); the others only first/last starts. */
function referenceBodyOf(want: VietnameseExpectation): string[] | null {
  if (!want.file.startsWith('seed/baodanang-2024-10-18.')) return null;
  const expected = JSON.parse(readFileSync(fixture('seed/baodanang-2024-10-18.expected.json'), 'utf8')) as {
    lead: string;
    body: { paragraphs: string[] };
  };
  return [expected.lead, ...expected.body.paragraphs];
}

export interface VietnameseTotals {
  pages: number;
  failures: number;
  title: number;
  date: number;
  authors: number;
  leadWithoutDateline: number;
  firstParagraph: number;
  lastParagraph: number;
  cleanBody: number;
  /** mean over the pages with a full reference body */
  bodyF1: number;
  bodyF1Pages: number;
  /** share of captioned/credited reference images split right */
  captionCreditSplit: number;
  captionCreditImages: number;
  pagesPerSecond: number;
}

export interface GenericPeerTotals extends CorpusTotals {
  failures: number;
  pagesPerSecond: number;
}

export interface PeersResult {
  vietnamese: Record<string, VietnameseTotals>;
  generic: Record<string, GenericPeerTotals>;
  notRun: Record<string, string>;
}

export async function evaluateVietnamesePeers(contender: Contender, expectations = VIETNAMESE_EXPECTATIONS): Promise<VietnameseTotals> {
  const comparisons: VietnamesePageComparison[] = [];
  let milliseconds = 0;
  let failures = 0;
  for (const want of expectations) {
    const html = readFileSync(fixture(want.file), 'utf8');
    const outcome = await runOnce(contender.vietnamese, html, want.url);
    milliseconds += outcome.milliseconds;
    if (outcome.failure) failures += 1;
    comparisons.push(compareVietnamese(outcome.fields, want, referenceBodyOf(want)));
  }
  const share = (pick: (page: VietnamesePageComparison) => boolean): number => comparisons.filter(pick).length / comparisons.length;
  const f1s = comparisons.flatMap((page) => (page.bodyF1 === null ? [] : [page.bodyF1]));
  const images = comparisons.reduce((sum, page) => sum + page.captionCredit.of, 0);
  return {
    pages: comparisons.length,
    failures,
    title: share((page) => page.title),
    date: share((page) => page.date),
    authors: share((page) => page.authors),
    leadWithoutDateline: share((page) => page.lead),
    firstParagraph: share((page) => page.firstParagraph),
    lastParagraph: share((page) => page.lastParagraph),
    cleanBody: share((page) => page.cleanBody),
    bodyF1: f1s.reduce((sum, f1) => sum + f1, 0) / Math.max(f1s.length, 1),
    bodyF1Pages: f1s.length,
    captionCreditSplit: comparisons.reduce((sum, page) => sum + page.captionCredit.right, 0) / Math.max(images, 1),
    captionCreditImages: images,
    pagesPerSecond: comparisons.length / (milliseconds / 1000),
  };
}

export async function evaluateGenericPeers(contender: Contender, pages: CorpusPage[] = loadGenericCorpus()): Promise<GenericPeerTotals> {
  const scores: PageScore[] = [];
  let milliseconds = 0;
  let failures = 0;
  for (const page of pages) {
    const outcome = await runOnce(contender.generic, page.html, page.url);
    milliseconds += outcome.milliseconds;
    if (outcome.failure) failures += 1;
    // The fields were produced (and timed) above; scorePage only applies the shared scoring to them.
    scores.push({ ...scorePage(page, () => outcome.fields), milliseconds: outcome.milliseconds });
  }
  return { ...totalsOf(scores), failures, pagesPerSecond: pages.length / (milliseconds / 1000) };
}

export const NOT_RUN: Record<string, string> = {
  Fundus: 'Python; its per-publisher output is the generic corpus reference (100% there by construction); not run on the Vietnamese pages',
  trafilatura: 'Python; PyPI is not reachable here',
  'news-please': 'Python; PyPI is not reachable here',
};

export async function evaluatePeers(contenders = CONTENDERS): Promise<PeersResult> {
  const vietnamese: Record<string, VietnameseTotals> = {};
  const generic: Record<string, GenericPeerTotals> = {};
  const pages = loadGenericCorpus();
  for (const contender of contenders) {
    vietnamese[contender.name] = await evaluateVietnamesePeers(contender);
    generic[contender.name] = await evaluateGenericPeers(contender, pages);
  }
  return { vietnamese, generic, notRun: NOT_RUN };
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]): string => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  console.log(`\n${title}`);
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

export function printPeers(result: PeersResult): void {
  const names = Object.keys(result.vietnamese);
  const vn = names.map((name) => result.vietnamese[name]!);
  const first = vn[0]!;
  printTable(
    `Peers on the Vietnamese pages (${first.pages}; expectations in tests/fixtures/vietnamese-expectations.ts; same scorer for all)`,
    ['field', ...names, 'Fundus'],
    [
      ['title', ...vn.map((t) => percent(t.title)), 'not run'],
      ['date (same instant ±60 s)', ...vn.map((t) => percent(t.date)), 'not run'],
      ['authors (set; NFC, case)', ...vn.map((t) => percent(t.authors)), 'not run'],
      [`body F1 (${first.bodyF1Pages} pages with full ref.)`, ...vn.map((t) => t.bodyF1.toFixed(3)), 'not run'],
      ['first paragraph after lead', ...vn.map((t) => percent(t.firstParagraph)), 'not run'],
      ['last paragraph', ...vn.map((t) => percent(t.lastParagraph)), 'not run'],
      ['no boilerplate in body', ...vn.map((t) => percent(t.cleanBody)), 'not run'],
      ['lead without dateline', ...vn.map((t) => percent(t.leadWithoutDateline)), 'not run'],
      [`caption+credit split (${first.captionCreditImages} images)`, ...vn.map((t) => percent(t.captionCreditSplit)), 'not run'],
      ['failures (throw / network)', ...vn.map((t) => String(t.failures)), '-'],
      ['pages/s (one pass)', ...vn.map((t) => t.pagesPerSecond.toFixed(1)), '-'],
    ],
  );
  const generic = names.map((name) => result.generic[name]!);
  printTable(
    `Peers on the generic corpus (${generic[0]!.pages} pages; reference: Fundus; same scorer for all)`,
    ['field', ...names, 'Fundus'],
    [
      ['title', ...generic.map((t) => percent(t.titleAccuracy)), 'reference'],
      ['date (same instant ±60 s)', ...generic.map((t) => percent(t.dateAccuracy)), 'reference'],
      ['authors (set; NFC, case)', ...generic.map((t) => percent(t.authorsAccuracy)), 'reference'],
      ['body F1', ...generic.map((t) => t.meanBodyF1.toFixed(3)), 'reference'],
      ['caption recall', ...generic.map((t) => t.meanCaptionRecall.toFixed(2)), 'reference'],
      ['failures (throw / network)', ...generic.map((t) => String(t.failures)), '-'],
      ['pages/s (one pass)', ...generic.map((t) => t.pagesPerSecond.toFixed(1)), 'not run'],
    ],
  );
  console.log(
    'Peers have no lead, dateline, caption or credit fields: their summary field (readability excerpt, Postlight dek/excerpt) or first paragraph counts as the lead; their captions count as missing.',
  );
  console.log(
    `Dates are compared as given; Postlight reads a date printed without a zone in the process's zone (here ${Intl.DateTimeFormat().resolvedOptions().timeZone}).`,
  );
  for (const [name, reason] of Object.entries(result.notRun)) console.log(`Not run: ${name} (${reason})`);
}
