/**
 * `npm run eval`: how well the generic extractor does on 47 pages of sites it has never seen (reference:
 * Fundus's per-publisher parsers), and how the full extractor does on the Vietnamese pages against the
 * expectations written for them (tests/fixtures/vietnamese-expectations.ts). Prints a table per page,
 * then totals, then the same pages through readability+jsdom and Postlight's parser (eval-peers.ts),
 * then ours and readability+jsdom on the trafilatura evaluation set when it is beside the repository
 * (eval-trafilatura.ts); the last line is one JSON object with the totals.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { Article } from '../lib/schema/article.ts';
import { extractArticle } from '../lib/extract/index.ts';
import { VIETNAMESE_EXPECTATIONS, type VietnameseExpectation } from '../tests/fixtures/vietnamese-expectations.ts';
import { evaluateGenericCorpus, median, type CorpusResult } from '../tests/helpers/corpus-scoring.ts';
import { extractGenericForScoring } from '../tests/helpers/generic-for-scoring.ts';
import { evaluatePeers, printPeers } from './eval-peers.ts';
import { evaluateTrafilaturaSet, printTrafilatura } from './eval-trafilatura.ts';

const RUNS = Number(process.env['EVAL_RUNS'] ?? 5);

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function printGeneric(result: CorpusResult): void {
  const mark = (ok: boolean): string => (ok ? 'ok' : '--');
  console.log('Generic corpus (reference: Fundus)');
  console.log(`${'page'.padEnd(24)} title date authors  bodyF1 captions      ms`);
  for (const page of result.pages) {
    console.log(
      `${page.name.padEnd(24)} ${mark(page.title).padEnd(5)} ${mark(page.date).padEnd(4)} ${mark(page.authors).padEnd(7)} ${page.bodyF1.toFixed(3).padStart(7)} ${(page.captionRecall === null ? '-' : page.captionRecall.toFixed(2)).padStart(8)} ${page.milliseconds.toFixed(1).padStart(7)}`,
    );
  }
  const totals = result.totals;
  console.log(
    `${'TOTAL'.padEnd(24)} ${percent(totals.titleAccuracy)} title, ${percent(totals.dateAccuracy)} date, ${percent(totals.authorsAccuracy)} authors, ` +
      `mean body F1 ${totals.meanBodyF1.toFixed(3)}, caption recall ${totals.meanCaptionRecall.toFixed(2)}, median ${totals.medianMilliseconds.toFixed(1)} ms/page (${RUNS} runs each)`,
  );
}

interface FieldTally {
  checked: number;
  correct: number;
}

interface VietnameseResult {
  pages: number;
  /** share of the pages on which every checked field is right */
  pageAccuracy: number;
  byField: Record<string, number>;
  medianMilliseconds: number;
}

const startsWith = (text: string | null | undefined, start: string | null): boolean =>
  start === null ? text === null || text === undefined : typeof text === 'string' && text.startsWith(start);

const VIETNAMESE_FIELDS = [
  'source', 'extractor', 'title', 'publishedAt', 'updatedAt', 'authors', 'category', 'lead', 'dateline', 'tags',
  'paragraphCount', 'firstParagraph', 'lastParagraph', 'notInBody', 'images',
] as const;
type VietnameseField = (typeof VIETNAMESE_FIELDS)[number];

/** Each field of a written expectation, checked against the Article the full extractor gives. */
function vietnameseChecks(article: Article, want: VietnameseExpectation): Record<VietnameseField, boolean> {
  const paragraphs = article.body.paragraphs;
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  return {
    source: article.source.id === want.sourceId,
    extractor: article.extractor.name === want.extractor,
    title: article.title === want.title,
    publishedAt: article.publishedAt === want.publishedAt,
    updatedAt: article.updatedAt === want.updatedAt,
    authors: same(article.authors, want.authors),
    category: article.category === want.category,
    lead: startsWith(article.lead, want.leadStart),
    dateline: article.dateline === want.dateline,
    tags: same(article.tags, want.tags),
    paragraphCount: paragraphs.length === want.paragraphCount,
    firstParagraph: startsWith(paragraphs[0], want.firstParagraphStart),
    lastParagraph: startsWith(paragraphs.at(-1), want.lastParagraphStart),
    notInBody: want.notInBody.every((text) => !article.body.text.includes(text)),
    images:
      article.images.length === want.images.length &&
      want.images.every((image, index) => {
        const got = article.images[index]!;
        return (
          got.caption === image.caption &&
          got.credit === image.credit &&
          (image.alt === undefined || got.alt === image.alt) &&
          (image.urlStart === undefined || got.url.startsWith(image.urlStart))
        );
      }),
  };
}

/** The Vietnamese pages through the full extractor (adapters, generic fallback), field by field. */
async function evaluateVietnamese(): Promise<VietnameseResult> {
  const tallies: Partial<Record<VietnameseField, FieldTally>> = {};
  const timings: number[] = [];
  let pagesAllRight = 0;
  console.log('\nVietnamese pages (full extractor; expectations written by reading each page)');
  for (const want of VIETNAMESE_EXPECTATIONS) {
    const html = await readFile(fileURLToPath(new URL(`../tests/fixtures/${want.file}`, import.meta.url)), 'utf8');
    const runTimes: number[] = [];
    let article: Article | undefined;
    let failure: string | null = null;
    for (let run = 0; run < RUNS; run += 1) {
      const started = performance.now();
      try {
        article = extractArticle(html, { url: want.url });
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
      }
      runTimes.push(performance.now() - started);
    }
    timings.push(median(runTimes));
    // A page whose extraction throws counts as wrong in every field.
    const checks = article && !failure ? vietnameseChecks(article, want) : null;
    const wrong: string[] = [];
    for (const field of VIETNAMESE_FIELDS) {
      const tally = (tallies[field] ??= { checked: 0, correct: 0 });
      tally.checked += 1;
      if (checks?.[field]) tally.correct += 1;
      else wrong.push(field);
    }
    if (wrong.length === 0) pagesAllRight += 1;
    const verdict = failure ? `FAILED: ${failure}` : wrong.length === 0 ? 'all fields right' : `wrong: ${wrong.join(', ')}`;
    console.log(`${want.file.padEnd(66)} ${median(runTimes).toFixed(1).padStart(7)} ms  ${verdict}`);
  }
  const byField = Object.fromEntries(Object.entries(tallies).map(([field, tally]) => [field, tally.correct / tally.checked]));
  console.log(Object.entries(byField).map(([field, share]) => `${field} ${percent(share)}`).join(', '));
  return { pages: VIETNAMESE_EXPECTATIONS.length, pageAccuracy: pagesAllRight / VIETNAMESE_EXPECTATIONS.length, byField, medianMilliseconds: median(timings) };
}

async function main(): Promise<void> {
  const generic = evaluateGenericCorpus(extractGenericForScoring, { runs: RUNS });
  printGeneric(generic);
  const vietnamese = await evaluateVietnamese();
  const peers = await evaluatePeers();
  printPeers(peers);
  const trafilatura = await evaluateTrafilaturaSet();
  printTrafilatura(trafilatura);
  console.log(JSON.stringify({ generic: generic.totals, vietnamese, peers, trafilatura }));
}

await main();
