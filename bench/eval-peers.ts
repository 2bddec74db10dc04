/**
 * news-ingest beside what a user would pick instead, on the same saved pages and with the same scoring
 * functions as the rest of `npm run eval` (tests/helpers/corpus-scoring.ts): @mozilla/readability on jsdom,
 * and Postlight's parser given the saved HTML (the adapters: tests/helpers/peers.ts; the Vietnamese field
 * comparison: tests/helpers/vietnamese-comparison.ts). Fundus is the reference of the generic corpus (its output is the expected
 * file), so it is not run; trafilatura and news-please are Python and PyPI is not reachable here.
 *
 * Every peer runs with the network forbidden (forbidNetwork): a page on which it tries to connect
 * anywhere counts as a failure for it, and the connection is refused before a packet leaves.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { VIETNAMESE_EXPECTATIONS, type VietnameseExpectation } from '../tests/fixtures/vietnamese-expectations.ts';
import { loadGenericCorpus, scorePage, totalsOf, type CorpusPage, type CorpusTotals, type PageScore } from '../tests/helpers/corpus-scoring.ts';
import { forbidNetwork } from '../tests/helpers/network-guard.ts';
import {
  newsIngestFields,
  newsIngestGenericFields,
  postlightFields,
  readabilityFields,
  type CompareExtractor,
  type ComparedFields,
} from '../tests/helpers/peers.ts';
import { compareVietnamese, type VietnamesePageComparison } from '../tests/helpers/vietnamese-comparison.ts';

export interface Contender {
  name: string;
  vietnamese: CompareExtractor;
  generic: CompareExtractor;
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
