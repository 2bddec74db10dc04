/**
 * The Vietnamese section of `npm run eval`: the full extractor (adapters, generic fallback) against the
 * expectations written by reading each page. Two sources of expectations share one scorer:
 * tests/fixtures/vietnamese-expectations.ts (the first pages, with every field) and the corpus in
 * tests/fixtures/vi/ (one `<page>.expected.json` per page, in the format of docs/adding-a-site.md), whose
 * files leave out the fields they do not check. Per-field accuracy is printed on the whole corpus, on the
 * tests/fixtures/vi pages alone, and on pages of sites no adapter serves.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { Article } from '../lib/schema/article.ts';
import { extractArticle, loadPage } from '../lib/extract/index.ts';
import { readJsonLdArticle } from '../lib/extract/jsonld.ts';
import { readPageMeta } from '../lib/extract/meta.ts';
import { absoluteHttpUrl } from '../lib/normalize/url.ts';
import { findAdapter } from '../lib/sources/registry.ts';
import { VIETNAMESE_EXPECTATIONS, type ImageExpectation, type VietnameseExpectation } from '../tests/fixtures/vietnamese-expectations.ts';
import { median, normalizedText, sameInstant } from '../tests/helpers/corpus-scoring.ts';

export const FIXTURES_DIR = fileURLToPath(new URL('../tests/fixtures/', import.meta.url));
export const VI_CORPUS_DIR = join(FIXTURES_DIR, 'vi');

export const VIETNAMESE_FIELDS = [
  'source', 'extractor', 'title', 'publishedAt', 'updatedAt', 'authors', 'category', 'lead', 'dateline', 'tags',
  'paragraphCount', 'firstParagraph', 'lastParagraph', 'notInBody', 'images',
] as const;
export type VietnameseField = (typeof VIETNAMESE_FIELDS)[number];

/**
 * What one page is expected to give. A field left undefined is not checked on that page. Authors are
 * either full entries (name and the raw text printed) or names only (the tests/fixtures/vi format).
 */
export interface PageExpectation
  extends Pick<VietnameseExpectation, 'file' | 'url'>,
    Partial<Omit<VietnameseExpectation, 'file' | 'url' | 'authors'>> {
  authors?: VietnameseExpectation['authors'] | string[];
  /** the page's site (tests/fixtures/vi); only for reports */
  site?: string;
}

/** One tests/fixtures/vi/<page>.expected.json, as written by the people who read the page. */
interface CorpusFile {
  file: string;
  url: string;
  site: string;
  title: string;
  publishedAt: string | null;
  authors: string[];
  category: string | null;
  leadStart: string | null;
  dateline: string | null;
  firstParagraphStart: string;
  lastParagraphStart: string;
  notInBody: string[];
  images: { caption: string | null; credit: string | null }[];
  notes?: string;
}

/** Every page of tests/fixtures/vi, sorted by file name; [] when the directory does not exist yet. */
export function loadViCorpus(directory = VI_CORPUS_DIR): PageExpectation[] {
  let names: string[];
  try {
    names = readdirSync(directory).filter((name) => name.endsWith('.expected.json')).sort();
  } catch {
    return [];
  }
  return names.map((name) => {
    const raw = JSON.parse(readFileSync(join(directory, name), 'utf8')) as CorpusFile;
    if (typeof raw.file !== 'string' || typeof raw.url !== 'string') throw new Error(`${name}: "file" and "url" are required`);
    return {
      file: raw.file,
      url: raw.url,
      site: raw.site,
      title: raw.title,
      publishedAt: raw.publishedAt,
      authors: raw.authors,
      category: raw.category,
      leadStart: raw.leadStart,
      dateline: raw.dateline,
      firstParagraphStart: raw.firstParagraphStart,
      lastParagraphStart: raw.lastParagraphStart,
      notInBody: raw.notInBody,
      images: raw.images,
    };
  });
}

/** The first pages (every field written) and the tests/fixtures/vi corpus. */
export function loadVietnameseCorpus(): PageExpectation[] {
  return [...VIETNAMESE_EXPECTATIONS, ...loadViCorpus()];
}

export function readPage(want: Pick<PageExpectation, 'file'>): string {
  return readFileSync(join(FIXTURES_DIR, want.file), 'utf8');
}

/** Whitespace-insensitive "starts with"; a null start expects no text at all. */
function startsWith(text: string | null | undefined, start: string | null): boolean {
  if (start === null) return text === null || text === undefined;
  return typeof text === 'string' && normalizedText(text).startsWith(normalizedText(start));
}

const offsetOf = (iso: string | null): string | null => iso?.match(/(Z|[+-]\d{2}:\d{2})$/)?.[1] ?? null;

function sameImage(got: Article['images'][number] | undefined, want: ImageExpectation): boolean {
  return (
    got !== undefined &&
    got.caption === want.caption &&
    got.credit === want.credit &&
    (want.alt === undefined || got.alt === want.alt) &&
    (want.urlStart === undefined || got.url.startsWith(want.urlStart))
  );
}

function sameAuthors(got: Article['authors'], want: NonNullable<PageExpectation['authors']>): boolean {
  const names = want.map((author) => (typeof author === 'string' ? author : null));
  if (names.every((name): name is string => name !== null)) {
    return JSON.stringify(got.map((author) => author.name)) === JSON.stringify(names);
  }
  return JSON.stringify(got) === JSON.stringify(want);
}

/**
 * The page's lead picture as the dataset gives it for a page with no picture in its body (the JSON-LD
 * image, else og:image: docs/dataset.md). The tests/fixtures/vi expectations list in-body images only,
 * so on their pages that one stand-in is not counted as an extra image.
 */
function isLeadPictureStandIn(images: Article['images'], html: string): boolean {
  if (images.length !== 1) return false;
  const $ = loadPage(html);
  const leadPictures = [...(readJsonLdArticle($)?.images.map((image) => image.url) ?? []), readPageMeta($).ogImage];
  return leadPictures.some((url) => url !== null && absoluteHttpUrl(url, images[0]!.url) === images[0]!.url);
}

/** Each checked field of an expectation against the Article; fields the expectation leaves out are absent. */
export function vietnameseChecks(article: Article, want: PageExpectation, html = ''): Partial<Record<VietnameseField, boolean>> {
  const paragraphs = article.body.paragraphs;
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  const checks: Partial<Record<VietnameseField, boolean>> = {};
  const check = (field: VietnameseField, wanted: unknown, ok: () => boolean): void => {
    if (wanted !== undefined) checks[field] = ok();
  };
  check('source', want.sourceId, () => article.source.id === want.sourceId);
  check('extractor', want.extractor, () => article.extractor.name === want.extractor);
  check('title', want.title, () => article.title === want.title);
  check('publishedAt', want.publishedAt, () =>
    // the vi corpus is written to the minute the page prints: the same instant within a minute, in the same offset
    want.sourceId === undefined
      ? sameInstant(article.publishedAt, want.publishedAt ?? null) && offsetOf(article.publishedAt) === offsetOf(want.publishedAt ?? null)
      : article.publishedAt === want.publishedAt,
  );
  check('updatedAt', want.updatedAt, () => article.updatedAt === want.updatedAt);
  check('authors', want.authors, () => sameAuthors(article.authors, want.authors!));
  check('category', want.category, () => article.category === want.category);
  check('lead', want.leadStart, () => startsWith(article.lead, want.leadStart!));
  check('dateline', want.dateline, () => article.dateline === want.dateline);
  check('tags', want.tags, () => same(article.tags, want.tags));
  check('paragraphCount', want.paragraphCount, () => paragraphs.length === want.paragraphCount);
  check('firstParagraph', want.firstParagraphStart, () => startsWith(paragraphs[0], want.firstParagraphStart!));
  check('lastParagraph', want.lastParagraphStart, () => startsWith(paragraphs.at(-1), want.lastParagraphStart!));
  check('notInBody', want.notInBody, () => want.notInBody!.every((text) => !article.body.text.includes(text)));
  check('images', want.images, () => {
    const images = want.sourceId === undefined && want.images!.length === 0 && isLeadPictureStandIn(article.images, html) ? [] : article.images;
    return images.length === want.images!.length && want.images!.every((image, index) => sameImage(images[index], image));
  });
  return checks;
}

/** The fields an expectation checks. */
export function checkedFields(want: PageExpectation): VietnameseField[] {
  const present: Record<VietnameseField, unknown> = {
    source: want.sourceId, extractor: want.extractor, title: want.title, publishedAt: want.publishedAt,
    updatedAt: want.updatedAt, authors: want.authors, category: want.category, lead: want.leadStart,
    dateline: want.dateline, tags: want.tags, paragraphCount: want.paragraphCount, firstParagraph: want.firstParagraphStart,
    lastParagraph: want.lastParagraphStart, notInBody: want.notInBody, images: want.images,
  };
  return VIETNAMESE_FIELDS.filter((field) => present[field] !== undefined);
}

export interface PageOutcome {
  want: PageExpectation;
  /** fields checked and wrong (every checked field when extraction threw) */
  wrong: VietnameseField[];
  checked: VietnameseField[];
  failure: string | null;
  milliseconds: number;
  /** a source adapter serves the page's domain */
  adapter: boolean;
  /** from tests/fixtures/vi */
  collected: boolean;
}

/** Extracts one page `runs` times (timing the median) and scores it; an extraction that throws is wrong in every field. */
export function scoreVietnamesePage(want: PageExpectation, runs = 1, genericOnly = false): PageOutcome {
  const html = readPage(want);
  const times: number[] = [];
  let article: Article | undefined;
  let failure: string | null = null;
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    try {
      article = extractArticle(html, { url: want.url, fetchedAt: new Date('2026-03-08T00:00:00Z'), genericOnly });
    } catch (error) {
      failure = `${error instanceof Error ? error.name : 'Error'}: ${error instanceof Error ? error.message : String(error)}`;
    }
    times.push(performance.now() - started);
  }
  const checked = checkedFields(want);
  const checks = article && !failure ? vietnameseChecks(article, want, html) : {};
  return {
    want,
    checked,
    wrong: checked.filter((field) => !checks[field]),
    failure,
    milliseconds: median(times),
    adapter: !genericOnly && findAdapter(want.url) !== null,
    collected: want.file.startsWith('vi/'),
  };
}

export interface FieldAccuracy {
  pages: number;
  /** share of the pages on which every checked field is right */
  pageAccuracy: number;
  /** checked fields right, over all pages */
  fieldsRight: number;
  fieldsChecked: number;
  byField: Partial<Record<VietnameseField, { correct: number; checked: number }>>;
}

export function accuracyOf(outcomes: PageOutcome[]): FieldAccuracy {
  const byField: FieldAccuracy['byField'] = {};
  for (const outcome of outcomes) {
    for (const field of outcome.checked) {
      const tally = (byField[field] ??= { correct: 0, checked: 0 });
      tally.checked += 1;
      if (!outcome.wrong.includes(field)) tally.correct += 1;
    }
  }
  const tallies = Object.values(byField);
  return {
    pages: outcomes.length,
    pageAccuracy: outcomes.length === 0 ? 0 : outcomes.filter((outcome) => outcome.wrong.length === 0).length / outcomes.length,
    fieldsRight: tallies.reduce((sum, tally) => sum + tally.correct, 0),
    fieldsChecked: tallies.reduce((sum, tally) => sum + tally.checked, 0),
    byField,
  };
}

const percent = (share: number): string => `${(share * 100).toFixed(1)}%`;

function printAccuracy(label: string, accuracy: FieldAccuracy): void {
  if (accuracy.pages === 0) {
    console.log(`${label}: no pages`);
    return;
  }
  const fields = VIETNAMESE_FIELDS.flatMap((field) => {
    const tally = accuracy.byField[field];
    return tally ? [`${field} ${tally.correct}/${tally.checked}`] : [];
  });
  console.log(
    `${label}: ${accuracy.pages} pages, all fields right on ${percent(accuracy.pageAccuracy)}, ` +
      `${accuracy.fieldsRight}/${accuracy.fieldsChecked} fields (${percent(accuracy.fieldsRight / Math.max(accuracy.fieldsChecked, 1))})`,
  );
  console.log(`  ${fields.join(', ')}`);
}

export interface VietnameseResult {
  whole: FieldAccuracy;
  collected: FieldAccuracy;
  noAdapter: FieldAccuracy;
  /** the tests/fixtures/vi pages with every adapter switched off: the generic Vietnamese path alone */
  collectedGenericOnly: FieldAccuracy;
  medianMilliseconds: number;
}

/** Scores every Vietnamese page, prints a line per page and the three per-field summaries. */
export function evaluateVietnamese(runs: number, pages = loadVietnameseCorpus()): VietnameseResult {
  console.log(`\nVietnamese pages (full extractor; expectations written by reading each page; ${VI_CORPUS_DIR} holds ${loadViCorpus().length} of them)`);
  const outcomes = pages.map((want) => {
    const outcome = scoreVietnamesePage(want, runs);
    const verdict = outcome.failure ? `FAILED: ${outcome.failure}` : outcome.wrong.length === 0 ? 'all fields right' : `wrong: ${outcome.wrong.join(', ')}`;
    console.log(`${want.file.padEnd(66)} ${outcome.adapter ? 'adapter' : 'generic'} ${outcome.milliseconds.toFixed(1).padStart(7)} ms  ${verdict}`);
    return outcome;
  });
  const result: VietnameseResult = {
    whole: accuracyOf(outcomes),
    collected: accuracyOf(outcomes.filter((outcome) => outcome.collected)),
    noAdapter: accuracyOf(outcomes.filter((outcome) => !outcome.adapter)),
    collectedGenericOnly: accuracyOf(pages.filter((want) => want.file.startsWith('vi/')).map((want) => scoreVietnamesePage(want, 1, true))),
    medianMilliseconds: median(outcomes.map((outcome) => outcome.milliseconds)),
  };
  printAccuracy('Whole Vietnamese corpus', result.whole);
  printAccuracy('tests/fixtures/vi pages', result.collected);
  printAccuracy('Pages of sites with no adapter', result.noAdapter);
  printAccuracy('tests/fixtures/vi pages, generic path alone (every adapter off)', result.collectedGenericOnly);
  return result;
}
