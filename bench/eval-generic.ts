/**
 * `npm run eval`: how well the generic extractor does on 47 pages of sites it has never seen (reference:
 * Fundus's per-publisher parsers), and how the full extractor does on the Vietnamese pages against the
 * expectations written for them (eval-vietnamese.ts: tests/fixtures/vietnamese-expectations.ts and the
 * tests/fixtures/vi corpus; per field on the whole corpus, the vi pages, and sites with no adapter). Each
 * corpus prints a line per page and totals, then the same pages through readability+jsdom, Postlight's
 * parser and article-extractor (eval-peers.ts); then ours and readability+jsdom on the trafilatura evaluation
 * set when it is beside the repository (eval-trafilatura.ts); the last line is one JSON object with the totals.
 *
 * `--only <part>` (repeatable) runs some parts: `generic` (the generic corpus, ours and the peers),
 * `vietnamese` (the Vietnamese corpus, ours and the peers), `trafilatura` (the 990-page set: Readability
 * takes about half an hour of it). `npm run eval:vietnamese` is `--only vietnamese`.
 */
import { parseArgs } from 'node:util';
import { evaluateGenericCorpus, type CorpusResult } from '../tests/helpers/corpus-scoring.ts';
import { extractGenericForScoring } from '../tests/helpers/generic-for-scoring.ts';
import { evaluateGenericPeers, evaluateVietnamesePeers, printGenericPeers, printNotRun, printVietnamesePeers } from './eval-peers.ts';
import { evaluateTrafilaturaSet, printTrafilatura } from './eval-trafilatura.ts';
import { evaluateVietnamese } from './eval-vietnamese.ts';

const RUNS = Number(process.env['EVAL_RUNS'] ?? 5);
const PARTS = ['generic', 'vietnamese', 'trafilatura'] as const;
type Part = (typeof PARTS)[number];

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

function partsToRun(): Set<Part> {
  const { values } = parseArgs({ options: { only: { type: 'string', multiple: true } } });
  const only = values.only ?? [...PARTS];
  const unknown = only.filter((part) => !(PARTS as readonly string[]).includes(part));
  if (unknown.length > 0) throw new Error(`--only: unknown part ${unknown.join(', ')} (parts: ${PARTS.join(', ')})`);
  return new Set(only as Part[]);
}

async function main(): Promise<void> {
  const parts = partsToRun();
  const totals: Record<string, unknown> = {};
  if (parts.has('generic')) {
    const generic = evaluateGenericCorpus(extractGenericForScoring, { runs: RUNS });
    printGeneric(generic);
    const peers = await evaluateGenericPeers();
    printGenericPeers(peers);
    Object.assign(totals, { generic: generic.totals, genericPeers: peers });
  }
  if (parts.has('vietnamese')) {
    const vietnamese = evaluateVietnamese(RUNS);
    const peers = await evaluateVietnamesePeers();
    printVietnamesePeers(peers);
    Object.assign(totals, { vietnamese, vietnamesePeers: peers });
  }
  if (parts.has('generic') || parts.has('vietnamese')) printNotRun();
  if (parts.has('trafilatura')) {
    const trafilatura = await evaluateTrafilaturaSet();
    printTrafilatura(trafilatura);
    Object.assign(totals, { trafilatura });
  }
  console.log(JSON.stringify(totals));
}

await main();
