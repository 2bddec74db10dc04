/**
 * `npm run eval`: how well the generic extractor does on 47 pages of sites it has never seen (reference:
 * Fundus's per-publisher parsers), and how the full extractor does on the Vietnamese pages when their
 * expectations exist. Prints a table per page, then totals; the last line is one JSON object.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { evaluateGenericCorpus, type CorpusResult } from './eval-core.ts';
import { extractGenericForScoring } from './eval-generic-extractor.ts';

const RUNS = Number(process.env['EVAL_RUNS'] ?? 5);
const VIETNAMESE_EXPECTATIONS = fileURLToPath(new URL('../tests/fixtures/vietnamese-expectations.ts', import.meta.url));
const EXTRACT_INDEX = fileURLToPath(new URL('../lib/extract/index.ts', import.meta.url));

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function printGeneric(result: CorpusResult): void {
  const mark = (ok: boolean): string => (ok ? 'ok' : '--');
  console.log('Generic corpus (reference: Fundus)');
  console.log(`${'page'.padEnd(24)} title date authors  bodyF1      ms`);
  for (const page of result.pages) {
    console.log(
      `${page.name.padEnd(24)} ${mark(page.title).padEnd(5)} ${mark(page.date).padEnd(4)} ${mark(page.authors).padEnd(7)} ${page.bodyF1.toFixed(3).padStart(7)} ${page.milliseconds.toFixed(1).padStart(7)}`,
    );
  }
  const totals = result.totals;
  console.log(
    `${'TOTAL'.padEnd(24)} ${percent(totals.titleAccuracy)} title, ${percent(totals.dateAccuracy)} date, ${percent(totals.authorsAccuracy)} authors, ` +
      `mean body F1 ${totals.meanBodyF1.toFixed(3)}, median ${totals.medianMilliseconds.toFixed(1)} ms/page (${RUNS} runs each)`,
  );
}

interface VietnameseExpectation {
  file: string;
  url: string;
  expected: Record<string, unknown>;
}

interface VietnameseResult {
  pages: number;
  fieldsChecked: number;
  fieldsCorrect: number;
  accuracy: number;
  byField: Record<string, { checked: number; correct: number }>;
}

/** Vietnamese pages through the full extractor (adapters + generic), field by field against written expectations. */
async function evaluateVietnamese(): Promise<VietnameseResult | null> {
  if (!existsSync(VIETNAMESE_EXPECTATIONS) || !existsSync(EXTRACT_INDEX)) return null;
  const expectationsModule = (await import(pathToFileURL(VIETNAMESE_EXPECTATIONS).href)) as Record<string, unknown>;
  const expectations = Object.values(expectationsModule).find(Array.isArray) as VietnameseExpectation[] | undefined;
  if (!expectations) return null;
  const { extractArticle } = (await import(pathToFileURL(EXTRACT_INDEX).href)) as {
    extractArticle: (html: string, options: { url: string }) => Record<string, unknown>;
  };
  const byField: VietnameseResult['byField'] = {};
  console.log('\nVietnamese pages (full extractor)');
  for (const expectation of expectations) {
    const path = fileURLToPath(new URL(`../tests/fixtures/${expectation.file}`, import.meta.url));
    const html = await readFile(existsSync(path) ? path : expectation.file, 'utf8');
    const article = extractArticle(html, { url: expectation.url });
    const wrong: string[] = [];
    for (const [field, want] of Object.entries(expectation.expected)) {
      const got = field.includes('.') ? field.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | null)?.[key], article) : article[field];
      const correct = JSON.stringify(got) === JSON.stringify(want);
      const tally = (byField[field] ??= { checked: 0, correct: 0 });
      tally.checked += 1;
      if (correct) tally.correct += 1;
      else wrong.push(field);
    }
    console.log(`${expectation.file.padEnd(44)} ${wrong.length === 0 ? 'all fields ok' : `wrong: ${wrong.join(', ')}`}`);
  }
  const fieldsChecked = Object.values(byField).reduce((sum, tally) => sum + tally.checked, 0);
  const fieldsCorrect = Object.values(byField).reduce((sum, tally) => sum + tally.correct, 0);
  for (const [field, tally] of Object.entries(byField)) console.log(`  ${field.padEnd(20)} ${tally.correct}/${tally.checked}`);
  return { pages: expectations.length, fieldsChecked, fieldsCorrect, accuracy: fieldsChecked ? fieldsCorrect / fieldsChecked : 1, byField };
}

async function main(): Promise<void> {
  const generic = evaluateGenericCorpus(extractGenericForScoring, { runs: RUNS });
  printGeneric(generic);
  const vietnamese = await evaluateVietnamese();
  console.log(JSON.stringify({ generic: generic.totals, vietnamese }));
}

await main();
