/**
 * news-ingest beside what a user would pick instead, on the same saved pages and with the same scoring
 * functions for every extractor: @mozilla/readability on jsdom, Postlight's parser and
 * @extractus/article-extractor given the saved HTML (the adapters: tests/helpers/peers.ts), and news-ingest
 * both as shipped and with every adapter off (what a site without an adapter gets). Two corpora:
 * - the whole Vietnamese corpus (every page of tests/fixtures/vietnamese-expectations.ts and
 *   tests/fixtures/vi/, as bench/eval-vietnamese.ts loads it), scored field by field
 *   (tests/helpers/vietnamese-comparison.ts), on the saved pages, split into sites with and without an
 *   adapter, and on the seed pages apart (they were built from their expectation);
 * - the generic corpus, with Fundus's output as the reference (tests/helpers/corpus-scoring.ts).
 * Fundus is the reference of the generic corpus, so it is not run; trafilatura and news-please are Python
 * and PyPI is not reachable here.
 *
 * Every peer runs with the network forbidden (forbidNetwork): a page on which it tries to connect
 * anywhere counts as a failure for it, and the connection is refused before a packet leaves.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { findAdapter, hostOf } from '../lib/sources/registry.ts';
import { loadGenericCorpus, scorePage, totalsOf, type CorpusPage, type CorpusTotals, type PageScore } from '../tests/helpers/corpus-scoring.ts';
import { forbidNetwork } from '../tests/helpers/network-guard.ts';
import {
  articleExtractorFields,
  newsIngestFields,
  newsIngestGenericFields,
  newsIngestWithoutAdaptersFields,
  postlightFields,
  readabilityFields,
  type CompareExtractor,
  type ComparedFields,
} from '../tests/helpers/peers.ts';
import { COMPARED_FIELDS, compareVietnamese, type ComparedField, type Tally, type VietnamesePageComparison } from '../tests/helpers/vietnamese-comparison.ts';
import { loadVietnameseCorpus, readPage, type PageExpectation } from './eval-vietnamese.ts';

export interface Contender {
  name: string;
  vietnamese: CompareExtractor;
  /** left out of the generic corpus table when undefined */
  generic?: CompareExtractor;
}

export const CONTENDERS: Contender[] = [
  { name: 'news-ingest', vietnamese: newsIngestFields, generic: newsIngestGenericFields },
  { name: 'news-ingest, no adapter', vietnamese: newsIngestWithoutAdaptersFields },
  { name: 'Readability+jsdom', vietnamese: readabilityFields, generic: readabilityFields },
  { name: 'Postlight parser', vietnamese: postlightFields, generic: postlightFields },
  { name: 'article-extractor', vietnamese: articleExtractorFields, generic: articleExtractorFields },
];

const NOTHING: ComparedFields = {
  title: null,
  publishedAt: null,
  authorNames: [],
  bodyParagraphs: [],
  imageCaptions: [],
  lead: null,
  category: null,
  dateline: null,
  body: { paragraphs: [], text: '' },
  images: [],
};

interface Outcome {
  fields: ComparedFields;
  milliseconds: number;
  /** what went wrong: on the generic corpus the page then scores as if nothing was found, on the Vietnamese one as wrong in every field */
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

/** One untimed run, so that the first timed page does not carry the extractor's first compilation. */
async function warmUp(extract: CompareExtractor, page: { html: string; url: string } | undefined): Promise<void> {
  if (page) await runOnce(extract, page.html, page.url);
}

const SEED_REFERENCE = fileURLToPath(new URL('../tests/fixtures/seed/baodanang-2024-10-18.expected.json', import.meta.url));

/** The seed pages have a full written reference (lead and every paragraph); the others only first/last starts. */
function referenceBodyOf(want: PageExpectation): string[] | null {
  if (!want.file.startsWith('seed/baodanang-2024-10-18.')) return null;
  const expected = JSON.parse(readFileSync(SEED_REFERENCE, 'utf8')) as { lead: string; body: { paragraphs: string[] } };
  return [expected.lead, ...expected.body.paragraphs];
}

/** Fields only news-ingest has: the peers count as wrong in them. */
const PEERLESS_FIELDS: readonly ComparedField[] = ['category', 'dateline', 'captionCredit'];

/** A page the extractor failed on is wrong in every field it is checked in, as in bench/eval-vietnamese.ts. */
function allWrong(comparison: VietnamesePageComparison): VietnamesePageComparison {
  const fields = Object.fromEntries(Object.entries(comparison.fields).map(([field, tally]) => [field, { right: 0, of: tally.of }]));
  return { fields, bodyF1: comparison.bodyF1 === null ? null : 0 };
}

/** Saved pages (split by whether an adapter serves their site) and the seed pages built from their expectation. */
export const VIETNAMESE_GROUPS = ['saved', 'adapter', 'noAdapter', 'seed'] as const;
export type VietnameseGroup = (typeof VIETNAMESE_GROUPS)[number];

function groupsOf(want: PageExpectation): VietnameseGroup[] {
  if (want.builtFromExpectation) return ['seed'];
  return ['saved', findAdapter(want.url) ? 'adapter' : 'noAdapter'];
}

export interface GroupTotals {
  pages: number;
  sites: number;
  fields: Partial<Record<ComparedField, Tally>>;
  /** every check of every field */
  all: Tally;
  /** the checks of the fields every extractor has (no category, dateline, caption and credit) */
  common: Tally;
  /** mean over the pages with a full reference body; null when none has one */
  bodyF1: number | null;
}

export interface VietnamesePeerTotals {
  groups: Record<VietnameseGroup, GroupTotals>;
  /** pages on which the extractor threw or tried the network */
  failures: string[];
  /** over one pass of every page */
  pagesPerSecond: number;
}

export interface GenericPeerTotals extends CorpusTotals {
  failures: number;
  pagesPerSecond: number;
}

function totalsOfGroup(pages: { want: PageExpectation; comparison: VietnamesePageComparison }[]): GroupTotals {
  const fields: GroupTotals['fields'] = {};
  for (const { comparison } of pages) {
    for (const field of COMPARED_FIELDS) {
      const tally = comparison.fields[field];
      if (!tally) continue;
      const total = (fields[field] ??= { right: 0, of: 0 });
      total.right += tally.right;
      total.of += tally.of;
    }
  }
  const sumOf = (picked: ComparedField[]): Tally => ({
    right: picked.reduce((total, field) => total + (fields[field]?.right ?? 0), 0),
    of: picked.reduce((total, field) => total + (fields[field]?.of ?? 0), 0),
  });
  const f1s = pages.flatMap(({ comparison }) => (comparison.bodyF1 === null ? [] : [comparison.bodyF1]));
  return {
    pages: pages.length,
    sites: new Set(pages.map(({ want }) => want.site ?? hostOf(want.url))).size,
    fields,
    all: sumOf([...COMPARED_FIELDS]),
    common: sumOf(COMPARED_FIELDS.filter((field) => !PEERLESS_FIELDS.includes(field))),
    bodyF1: f1s.length === 0 ? null : f1s.reduce((sum, f1) => sum + f1, 0) / f1s.length,
  };
}

/** One pass of one extractor over every Vietnamese page (tests/fixtures/vi and the first pages), scored per group. */
export async function evaluateVietnamesePeer(contender: Contender, pages: PageExpectation[] = loadVietnameseCorpus()): Promise<VietnamesePeerTotals> {
  const scored: { want: PageExpectation; comparison: VietnamesePageComparison }[] = [];
  const failures: string[] = [];
  let milliseconds = 0;
  await warmUp(contender.vietnamese, pages[0] && { html: readPage(pages[0]), url: pages[0].url });
  for (const want of pages) {
    const outcome = await runOnce(contender.vietnamese, readPage(want), want.url);
    milliseconds += outcome.milliseconds;
    if (outcome.failure) failures.push(`${want.file}: ${outcome.failure}`);
    const comparison = compareVietnamese(outcome.fields, want, referenceBodyOf(want));
    scored.push({ want, comparison: outcome.failure ? allWrong(comparison) : comparison });
  }
  const groups = Object.fromEntries(
    VIETNAMESE_GROUPS.map((group) => [group, totalsOfGroup(scored.filter(({ want }) => groupsOf(want).includes(group)))]),
  ) as Record<VietnameseGroup, GroupTotals>;
  return { groups, failures, pagesPerSecond: pages.length / (milliseconds / 1000) };
}

export async function evaluateGenericPeer(extract: CompareExtractor, pages: CorpusPage[] = loadGenericCorpus()): Promise<GenericPeerTotals> {
  const scores: PageScore[] = [];
  let milliseconds = 0;
  let failures = 0;
  await warmUp(extract, pages[0]);
  for (const page of pages) {
    const outcome = await runOnce(extract, page.html, page.url);
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

export async function evaluateVietnamesePeers(contenders = CONTENDERS): Promise<Record<string, VietnamesePeerTotals>> {
  const pages = loadVietnameseCorpus();
  const result: Record<string, VietnamesePeerTotals> = {};
  for (const contender of contenders) result[contender.name] = await evaluateVietnamesePeer(contender, pages);
  return result;
}

export async function evaluateGenericPeers(contenders = CONTENDERS): Promise<Record<string, GenericPeerTotals>> {
  const pages = loadGenericCorpus();
  const result: Record<string, GenericPeerTotals> = {};
  for (const contender of contenders) if (contender.generic) result[contender.name] = await evaluateGenericPeer(contender.generic, pages);
  return result;
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

const FIELD_LABELS: Record<ComparedField, (checks: number) => string> = {
  title: (n) => `title (${n} pages)`,
  publishedAt: (n) => `publish time, same instant ±60 s (${n})`,
  authors: (n) => `authors, as a set (${n})`,
  category: (n) => `category (${n})`,
  lead: (n) => `lead without dateline (${n} pages with one)`,
  dateline: (n) => `dateline (${n} pages with one)`,
  firstParagraph: (n) => `first paragraph after the lead (${n})`,
  lastParagraph: (n) => `last paragraph (${n})`,
  notInBody: (n) => `no boilerplate in body (${n})`,
  captionCredit: (n) => `caption + credit split (${n} images)`,
};

const GROUP_TITLES: Record<VietnameseGroup, string> = {
  saved: 'saved pages',
  adapter: 'saved pages of sites with an adapter (our adapters were built on some of them)',
  noAdapter: 'saved pages of sites without an adapter',
  seed: 'seed pages (built from their expectation, so ours match by construction)',
};

const cell = (tally: Tally | undefined): string => (tally && tally.of > 0 ? `${percent(tally.right / tally.of)} ${tally.right}/${tally.of}` : '-');

export function printVietnamesePeers(result: Record<string, VietnamesePeerTotals>): void {
  const names = Object.keys(result);
  const totals = names.map((name) => result[name]!);
  for (const group of VIETNAMESE_GROUPS) {
    const first = totals[0]!.groups[group];
    const rows = COMPARED_FIELDS.flatMap((field) => {
      const checks = first.fields[field]?.of;
      return checks === undefined ? [] : [[FIELD_LABELS[field](checks), ...totals.map((t) => cell(t.groups[group].fields[field]))]];
    });
    rows.push([`all checks (${first.all.of})`, ...totals.map((t) => cell(t.groups[group].all))]);
    rows.push([`checks of fields every extractor has (${first.common.of})`, ...totals.map((t) => cell(t.groups[group].common))]);
    if (first.bodyF1 !== null) rows.push(['body F1 (full reference)', ...totals.map((t) => t.groups[group].bodyF1!.toFixed(3))]);
    printTable(`Vietnamese corpus, ${GROUP_TITLES[group]}: ${first.pages} pages of ${first.sites} sites`, ['field', ...names], rows);
  }
  printTable('Vietnamese corpus, one pass over every page', ['', ...names], [
    ['failures (throw / network)', ...totals.map((t) => String(t.failures.length))],
    ['pages/s (after one warm-up page)', ...totals.map((t) => t.pagesPerSecond.toFixed(1))],
  ]);
  for (const [index, name] of names.entries()) for (const failure of totals[index]!.failures) console.log(`  ${name} failed on ${failure}`);
  console.log(
    'Same scorer for every column (tests/helpers/vietnamese-comparison.ts): text whitespace-normalized, authors as a case-folded set. ' +
      'The peers have no category, dateline, or caption and credit fields: those count as wrong for them (a category is right only on a page that has none). ' +
      'Their summary field (Readability excerpt, Postlight dek/excerpt, article-extractor description) or their first paragraph counts as the lead. ' +
      'Their body is the text of their content HTML with <figcaption> left out.',
  );
  console.log(
    `Dates are compared as given; Postlight reads a date printed without a zone in the process's zone (here ${Intl.DateTimeFormat().resolvedOptions().timeZone}).`,
  );
}

export function printGenericPeers(result: Record<string, GenericPeerTotals>): void {
  const names = Object.keys(result);
  const generic = names.map((name) => result[name]!);
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
      ['pages/s (one pass after a warm-up page)', ...generic.map((t) => t.pagesPerSecond.toFixed(1)), 'not run'],
    ],
  );
}

export function printNotRun(): void {
  for (const [name, reason] of Object.entries(NOT_RUN)) console.log(`Not run: ${name} (${reason})`);
}
