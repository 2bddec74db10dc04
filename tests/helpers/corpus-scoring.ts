import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

/**
 * Scoring of an extractor against reference output, independent of the extractor itself (it is passed in),
 * so `npm run eval` and the floors test share one definition of "correct".
 */

/** What the reference (Fundus) says about one page of the generic corpus. */
export interface GenericReference {
  url: string;
  title: string | null;
  authors: string[] | null;
  /** "2023-08-30 12:52:08+00:00", or without an offset when Fundus found none */
  publishedAt: string | null;
  summary: string[] | null;
  paragraphs: string[] | null;
  images: { caption: string | null; credit: string[] | null }[] | null;
}

export interface CorpusPage {
  name: string;
  url: string;
  html: string;
  expected: GenericReference;
}

/** The fields scored, as an extractor under test reports them. */
export interface ScoredFields {
  title: string | null;
  /** ISO 8601 with an offset */
  publishedAt: string | null;
  authorNames: string[];
  /** lead first (when the extractor keeps it apart), then body paragraphs */
  bodyParagraphs: string[];
  imageCaptions: (string | null)[];
}

export type ExtractForScoring = (html: string, url: string) => ScoredFields;

export interface PageScore {
  name: string;
  title: boolean;
  date: boolean;
  authors: boolean;
  bodyF1: number;
  /** share of the reference's image captions found among the extracted ones; null when it lists none */
  captionRecall: number | null;
  /** median over the timed runs: parse + extract */
  milliseconds: number;
  actual: ScoredFields;
}

export interface CorpusTotals {
  pages: number;
  titleAccuracy: number;
  dateAccuracy: number;
  authorsAccuracy: number;
  meanBodyF1: number;
  /** over pages whose reference lists captions */
  meanCaptionRecall: number;
  medianMilliseconds: number;
}

export interface CorpusResult {
  pages: PageScore[];
  totals: CorpusTotals;
}

export const GENERIC_CORPUS_DIR = fileURLToPath(new URL('../fixtures/generic/', import.meta.url));

export function loadGenericCorpus(directory = GENERIC_CORPUS_DIR): CorpusPage[] {
  const provenance = readFileSync(join(directory, 'PROVENANCE.tsv'), 'utf8').trim().split('\n').slice(1);
  return provenance.map((line) => {
    const [name, url] = line.split('\t');
    if (!name || !url) throw new Error(`PROVENANCE.tsv: malformed line "${line}"`);
    return {
      name,
      url,
      html: readFileSync(join(directory, `${name}.html`), 'utf8'),
      expected: JSON.parse(readFileSync(join(directory, `${name}.expected.json`), 'utf8')) as GenericReference,
    };
  });
}

/** NFC, every run of whitespace (including no-break and thin spaces) as one space, trimmed. */
export function normalizedText(text: string): string {
  return text.normalize('NFC').replace(/[\s\u00a0\u200b\u2009\u202f]+/g, ' ').trim();
}

export function titleMatches(actual: string | null, expected: string | null): boolean {
  if (expected === null) return actual === null;
  return actual !== null && normalizedText(actual) === normalizedText(expected);
}

const WITH_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Same instant within 60 s. A reference without an offset (Fundus found only a local time) is compared
 * with the local wall-clock time of the actual value.
 */
export function sameInstant(actual: string | null, expected: string | null): boolean {
  if (expected === null) return actual === null;
  if (actual === null) return false;
  const expectedIso = expected.trim().replace(' ', 'T');
  if (WITH_OFFSET.test(expectedIso)) return Math.abs(Date.parse(actual) - Date.parse(expectedIso)) <= 60_000;
  const actualLocal = actual.replace(/(Z|[+-]\d{2}:\d{2})$/, '');
  return Math.abs(Date.parse(`${actualLocal}Z`) - Date.parse(`${expectedIso}Z`)) <= 60_000;
}

function normalizedName(name: string): string {
  return normalizedText(name).toLocaleLowerCase();
}

export function authorsMatch(actual: string[], expected: string[] | null): boolean {
  const want = new Set((expected ?? []).map(normalizedName));
  const got = new Set(actual.map(normalizedName));
  return want.size === got.size && [...want].every((name) => got.has(name));
}

const wordSegmenter = new Intl.Segmenter('und', { granularity: 'word' });

/** Word tokens, lower-cased; scripts without spaces (Chinese, Japanese) are split by ICU's dictionary. */
export function wordTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const segment of wordSegmenter.segment(text.normalize('NFC').toLocaleLowerCase())) {
    if (segment.isWordLike) tokens.push(segment.segment);
  }
  return tokens;
}

/** Bag-of-words F1 between two texts (multiset overlap of word tokens). */
export function bagOfWordsF1(actual: string[], expected: string[]): number {
  const want = new Map<string, number>();
  for (const token of expected.flatMap(wordTokens)) want.set(token, (want.get(token) ?? 0) + 1);
  const got = actual.flatMap(wordTokens);
  const expectedCount = [...want.values()].reduce((sum, count) => sum + count, 0);
  if (expectedCount === 0 && got.length === 0) return 1;
  if (expectedCount === 0 || got.length === 0) return 0;
  let overlap = 0;
  for (const token of got) {
    const left = want.get(token) ?? 0;
    if (left > 0) {
      overlap += 1;
      want.set(token, left - 1);
    }
  }
  const precision = overlap / got.length;
  const recall = overlap / expectedCount;
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

/** The reference body: summary then paragraphs (Fundus usually repeats the summary as the first paragraph). */
export function expectedBody(reference: GenericReference): string[] {
  const summary = reference.summary ?? [];
  const paragraphs = reference.paragraphs ?? [];
  const repeated = summary.length > 0 && summary.every((text, index) => paragraphs[index] === text);
  return repeated ? paragraphs : [...summary, ...paragraphs];
}

/** Share of the reference's captions (whitespace/NFC-normalized) that the extractor reports on some image. */
export function captionRecall(actual: (string | null)[], reference: GenericReference): number | null {
  const wanted = (reference.images ?? []).flatMap((image) => (image.caption ? [normalizedText(image.caption)] : []));
  if (wanted.length === 0) return null;
  const got = new Set(actual.flatMap((caption) => (caption ? [normalizedText(caption)] : [])));
  return wanted.filter((caption) => got.has(caption)).length / wanted.length;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function scorePage(page: CorpusPage, extract: ExtractForScoring, runs = 1): PageScore {
  const timings: number[] = [];
  let actual: ScoredFields | undefined;
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    actual = extract(page.html, page.url);
    timings.push(performance.now() - started);
  }
  if (!actual) throw new Error('scorePage needs at least one run');
  return {
    name: page.name,
    title: titleMatches(actual.title, page.expected.title),
    date: sameInstant(actual.publishedAt, page.expected.publishedAt),
    authors: authorsMatch(actual.authorNames, page.expected.authors),
    bodyF1: bagOfWordsF1(actual.bodyParagraphs, expectedBody(page.expected)),
    captionRecall: captionRecall(actual.imageCaptions, page.expected),
    milliseconds: median(timings),
    actual,
  };
}

export function totalsOf(pages: PageScore[]): CorpusTotals {
  const share = (pick: (page: PageScore) => boolean): number => pages.filter(pick).length / pages.length;
  const withCaptions = pages.flatMap((page) => (page.captionRecall === null ? [] : [page.captionRecall]));
  return {
    pages: pages.length,
    titleAccuracy: share((page) => page.title),
    dateAccuracy: share((page) => page.date),
    authorsAccuracy: share((page) => page.authors),
    meanBodyF1: pages.reduce((sum, page) => sum + page.bodyF1, 0) / pages.length,
    meanCaptionRecall: withCaptions.reduce((sum, recall) => sum + recall, 0) / Math.max(withCaptions.length, 1),
    medianMilliseconds: median(pages.map((page) => page.milliseconds)),
  };
}

/** Scores an extractor over all pages of the generic corpus. */
export function evaluateGenericCorpus(extract: ExtractForScoring, options: { runs?: number; pages?: CorpusPage[] } = {}): CorpusResult {
  const pages = (options.pages ?? loadGenericCorpus()).map((page) => scorePage(page, extract, options.runs ?? 1));
  return { pages, totals: totalsOf(pages) };
}
