/**
 * Extraction speed on one core over the fixture pages: our extractor beside the floor for any DOM-based
 * extractor (building the DOM alone with cheerio's htmlparser2 backend) and beside what most users reach
 * for (@mozilla/readability on jsdom). All three run in this process, in alternating rounds, so their
 * ratios hold on a noisy machine.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { load } from 'cheerio';
import { extractArticle, NotAnArticleError } from '../lib/extract/index.ts';
import { VIETNAMESE_EXPECTATIONS } from '../tests/fixtures/vietnamese-expectations.ts';
import { loadGenericCorpus } from '../tests/helpers/corpus-scoring.ts';

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

const FIXTURES_DIR = fileURLToPath(new URL('../tests/fixtures/', import.meta.url));

export interface BenchPage {
  name: string;
  /** Vietnamese pages go through a source adapter; the generic corpus through the generic path only. */
  group: 'vietnamese' | 'generic';
  url: string;
  html: string;
  bytes: number;
}

/** Every fixture article page with the URL it was saved from: the Vietnamese pages and the 47-page generic corpus. */
export function loadBenchPages(): BenchPage[] {
  const vietnamese = VIETNAMESE_EXPECTATIONS.map((expectation) => ({
    name: expectation.file,
    group: 'vietnamese' as const,
    url: expectation.url,
    html: readFileSync(`${FIXTURES_DIR}${expectation.file}`, 'utf8'),
  }));
  const generic = loadGenericCorpus().map((page) => ({ name: `generic/${page.name}.html`, group: 'generic' as const, url: page.url, html: page.html }));
  return [...vietnamese, ...generic].map((page) => ({ ...page, bytes: Buffer.byteLength(page.html, 'utf8') }));
}

export interface SpeedStats {
  /** Page extractions timed (pages × rounds). */
  runs: number;
  /** CPU time (user + system) of the timed passes: on a shared machine it counts only our own work. */
  cpuMs: number;
  /** Pages per CPU-second, i.e. on one core. */
  pagesPerSec: number;
  mbPerSec: number;
  /** Wall-clock time per page, each page timed alone. */
  p50Ms: number;
  p99Ms: number;
  /** Mean CPU time for one pass over the pages, the basis of the ratios. */
  msPerPass: number;
}

export interface GroupRatios {
  group: BenchPage['group'];
  pages: number;
  bytes: number;
  oursMsPerPass: number;
  floorMsPerPass: number;
  floorRatio: number;
}

export interface ExtractionResult {
  pages: number;
  corpusBytes: number;
  ours: SpeedStats;
  floor: SpeedStats;
  readability: SpeedStats;
  /** ours ÷ floor (time per pass): 1.0 would be no cost beyond building the DOM. */
  floorRatio: number;
  /** readability ÷ ours (time per pass): how many times faster ours is. */
  readabilityRatio: number;
  /** readability ÷ ours' main passes (run before any readability pass), for comparison. */
  readabilityRatioMainPasses: number;
  /** The floor ratio for the adapter pages and for the generic corpus apart. */
  byGroup: GroupRatios[];
  /** Pages our extractor refused (not an article) or failed on, with the reason: timed all the same. */
  refusals: string[];
}

export interface ExtractionOptions {
  warmupRounds: number;
  rounds: number;
  readabilityWarmupRounds: number;
  readabilityRounds: number;
}

export const FULL_EXTRACTION: ExtractionOptions = { warmupRounds: 3, rounds: 12, readabilityWarmupRounds: 1, readabilityRounds: 2 };
export const QUICK_EXTRACTION: ExtractionOptions = { warmupRounds: 1, rounds: 3, readabilityWarmupRounds: 0, readabilityRounds: 1 };

type Extractor = (page: BenchPage) => void;

/** The floor: the DOM alone, with the same parser options our extractor loads pages with. */
export const buildDomOnly: Extractor = (page) => {
  load(page.html, { xml: { xmlMode: false, decodeEntities: true } });
};

export const extractOurs: Extractor = (page) => {
  try {
    extractArticle(page.html, { url: page.url, fetchedAt: new Date(0) });
  } catch (error) {
    if (!(error instanceof NotAnArticleError)) throw error;
  }
};

/**
 * @mozilla/readability on jsdom with jsdom's defaults (no scripts, no subresources); CSS parse complaints
 * are dropped, not printed. Loaded on demand, so processes that only measure ours do not carry jsdom.
 */
export async function readabilityExtractor(): Promise<Extractor> {
  const [{ Readability }, { JSDOM, VirtualConsole }] = await Promise.all([import('@mozilla/readability'), import('jsdom')]);
  return (page) => {
    const dom = new JSDOM(page.html, { url: page.url, virtualConsole: new VirtualConsole() });
    try {
      new Readability(dom.window.document).parse();
    } finally {
      dom.window.close();
    }
  };
}

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples: readonly number[], fraction: number): number {
  if (samples.length === 0) throw new Error('percentile of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1]!;
}

/** Wall-clock samples per page, CPU time per pass. */
interface Samples {
  perPageMs: number[][];
  passCpuMs: number[];
}

function emptySamples(pages: readonly BenchPage[]): Samples {
  return { perPageMs: pages.map(() => []), passCpuMs: [] };
}

export function speedStats(samples: Samples, corpusBytes: number): SpeedStats {
  const passes = samples.passCpuMs.length;
  if (passes < 1) throw new Error('speedStats needs at least one timed pass');
  const wall = samples.perPageMs.flat();
  const cpuMs = sum(samples.passCpuMs);
  return {
    runs: wall.length,
    cpuMs,
    pagesPerSec: wall.length / (cpuMs / 1000),
    mbPerSec: (corpusBytes * passes) / 1e6 / (cpuMs / 1000),
    p50Ms: percentile(wall, 0.5),
    p99Ms: percentile(wall, 0.99),
    msPerPass: cpuMs / passes,
  };
}

/** A full collection between passes, so one contender's garbage is not collected on the next one's time. */
const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** One pass over the pages: each page's wall time, and the pass's CPU time. */
function timePass(pages: readonly BenchPage[], extract: Extractor, samples: Samples | null): void {
  collectGarbage();
  const cpuStart = process.cpuUsage();
  pages.forEach((page, index) => {
    const started = performance.now();
    extract(page);
    const elapsed = performance.now() - started;
    samples?.perPageMs[index]!.push(elapsed);
  });
  samples?.passCpuMs.push(cpuMsSince(cpuStart));
}

function refusalsOf(pages: readonly BenchPage[]): string[] {
  const refusals: string[] = [];
  for (const page of pages) {
    try {
      extractArticle(page.html, { url: page.url, fetchedAt: new Date(0) });
    } catch (error) {
      refusals.push(`${page.name}: ${(error as Error).name}: ${(error as Error).message}`);
    }
  }
  return refusals;
}

/**
 * The floor ratio per group of pages. Per-pass CPU time is not split by page, so the groups use the
 * wall-clock page times, in the same alternating rounds.
 */
function groupRatios(pages: readonly BenchPage[], ours: Samples, floor: Samples): GroupRatios[] {
  const passes = ours.passCpuMs.length;
  return (['vietnamese', 'generic'] as const).flatMap((group) => {
    const indexes = pages.flatMap((page, index) => (page.group === group ? [index] : []));
    if (indexes.length === 0) return [];
    const oursMsPerPass = sum(indexes.map((index) => sum(ours.perPageMs[index]!))) / passes;
    const floorMsPerPass = sum(indexes.map((index) => sum(floor.perPageMs[index]!))) / passes;
    return [{
      group,
      pages: indexes.length,
      bytes: sum(indexes.map((index) => pages[index]!.bytes)),
      oursMsPerPass,
      floorMsPerPass,
      floorRatio: oursMsPerPass / floorMsPerPass,
    }];
  });
}

export async function runExtractionBench(
  pages: readonly BenchPage[],
  options: ExtractionOptions,
  onProgress: (message: string) => void = () => {},
): Promise<ExtractionResult> {
  const extractReadability = await readabilityExtractor();
  const corpusBytes = sum(pages.map((page) => page.bytes));
  const refusals = refusalsOf(pages);

  for (let round = 0; round < options.warmupRounds; round += 1) {
    timePass(pages, buildDomOnly, null);
    timePass(pages, extractOurs, null);
  }
  const floorSamples = emptySamples(pages);
  const oursSamples = emptySamples(pages);
  // Alternate floor and ours round by round, so a slow spell on the machine hits both alike.
  for (let round = 0; round < options.rounds; round += 1) {
    timePass(pages, buildDomOnly, floorSamples);
    timePass(pages, extractOurs, oursSamples);
    onProgress(`extraction round ${round + 1}/${options.rounds}`);
  }

  for (let round = 0; round < options.readabilityWarmupRounds; round += 1) timePass(pages, extractReadability, null);
  const readabilitySamples = emptySamples(pages);
  const oursBesideReadability = emptySamples(pages);
  for (let round = 0; round < options.readabilityRounds; round += 1) {
    timePass(pages, extractReadability, readabilitySamples);
    timePass(pages, extractOurs, oursBesideReadability);
    onProgress(`readability round ${round + 1}/${options.readabilityRounds}`);
  }

  const ours = speedStats(oursSamples, corpusBytes);
  const floor = speedStats(floorSamples, corpusBytes);
  const readability = speedStats(readabilitySamples, corpusBytes);
  const oursThen = speedStats(oursBesideReadability, corpusBytes);
  return {
    pages: pages.length,
    corpusBytes,
    ours,
    floor,
    readability,
    floorRatio: ours.msPerPass / floor.msPerPass,
    // Against the passes of ours run between readability's, so both saw the same machine state.
    readabilityRatio: readability.msPerPass / oursThen.msPerPass,
    readabilityRatioMainPasses: readability.msPerPass / ours.msPerPass,
    byGroup: groupRatios(pages, oursSamples, floorSamples),
    refusals,
  };
}
