/**
 * Turns the benchmark's measurements into the same sections twice: a plain-text table for the terminal and
 * BENCHMARKS.md, plus the one-line JSON summary. Pure functions of the results (tests/unit/bench-report.test.ts).
 */
import { LARGE_DEPLOYMENT_SOURCES, type CostAssumptions, type CostModel } from './bench-cost.ts';
import type { CpuStage, EndToEndResult } from './bench-e2e.ts';
import type { ExtractionResult } from './bench-extraction.ts';
import type { LambdaResult } from './bench-lambda.ts';
import type { MemoryResult } from './bench-memory.ts';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
  /** 1-minute load average when the run started and ended: other work on the machine skews wall-clock figures. */
  loadAverage: { start: number; end: number };
}

export interface BenchResults {
  date: string;
  quick: boolean;
  durationSec: number;
  machine: Machine;
  extraction: ExtractionResult;
  memory: MemoryResult;
  e2e: EndToEndResult;
  lambda: LambdaResult;
  cost: CostModel;
  costAssumptions: CostAssumptions;
  pricesAsOf: string;
}

export const GOALS = {
  floorRatio: 1.5,
  readabilityRatio: 30,
  bundleKb: 1024,
  initMs: 150,
  usdPerMillion: 10,
  usdPerMonthFixed: 10,
  usdPerMonthFixedLarge: 60,
} as const;

export interface BenchSummary {
  extractPagesPerSec: number;
  floorRatio: number;
  readabilityRatio: number;
  peakRssMb: number;
  e2eArticlesPerSec: number;
  bundleKbMax: number;
  initMsMax: number;
  usdPerMillion: number;
  /** Fixed monthly cost of the configured deployment, and of one following 500 sources. */
  usdPerMonthFixed: number;
  usdPerMonthFixed500: number;
  perConcurrentPageMb: number;
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

export function summarize(results: BenchResults): BenchSummary {
  return {
    extractPagesPerSec: round(results.extraction.ours.pagesPerSec, 1),
    floorRatio: round(results.extraction.floorRatio, 2),
    readabilityRatio: round(results.extraction.readabilityRatio, 1),
    peakRssMb: round(results.memory.extract.peakRssMb, 0),
    e2eArticlesPerSec: round(results.e2e.articlesPerSec, 1),
    bundleKbMax: round(results.lambda.bundleKbMax, 0),
    initMsMax: round(results.lambda.initMsMax, 0),
    usdPerMillion: round(results.cost.usdPerMillion, 2),
    usdPerMonthFixed: round(results.cost.fixedUsdPerMonth, 2),
    usdPerMonthFixed500: round(results.cost.fixedUsdPerMonthLarge, 2),
    perConcurrentPageMb: round(results.memory.perConcurrentPageMb, 2),
  };
}

export interface Section {
  title: string;
  /** First row is the header; the first column is left-aligned, the rest right-aligned. */
  rows: string[][];
  notes: string[];
}

function verdict(met: boolean): string {
  return met ? 'met' : 'MISSED';
}

const fixed = (value: number, digits = 1): string => value.toFixed(digits);
const usd = (value: number): string => `$${value.toFixed(2)}`;

const CPU_STAGE_LABELS: Record<CpuStage, string> = {
  extract: 'extract (lib/extract, lib/sources)',
  store: 'store (lib/store: serialize, gzip, files)',
  fetch: 'fetch (lib/http: polite fetcher, decoding)',
  feeds: 'feeds (lib/feeds: parse)',
  pipeline: 'pipeline glue (lib/pipeline)',
  'node-io': 'node I/O (sockets, HTTP parsing, fs)',
  gc: 'garbage collection',
  idle: 'idle (waiting)',
};

export function reportSections(results: BenchResults): Section[] {
  const { extraction, memory, e2e, lambda } = results;
  const summary = summarize(results);
  const speedRow = (name: string, stats: ExtractionResult['ours']): string[] => [
    name,
    fixed(stats.pagesPerSec),
    fixed(stats.mbPerSec, 2),
    fixed(stats.p50Ms, 2),
    fixed(stats.p99Ms, 2),
    String(stats.runs),
  ];
  const sections: Section[] = [
    {
      title: `Extraction, one core: ${extraction.pages} fixture pages, ${fixed(extraction.corpusBytes / 1e6)} MB`,
      rows: [
        ['extractor', 'pages/s', 'MB/s', 'p50 ms', 'p99 ms', 'pages timed'],
        speedRow('DOM only: cheerio + htmlparser2 (floor)', extraction.floor),
        speedRow('news-ingest extractArticle', extraction.ours),
        speedRow('@mozilla/readability + jsdom', extraction.readability),
      ],
      notes: [
        `ours ÷ floor = ${fixed(extraction.floorRatio, 2)} (goal ≤ ${GOALS.floorRatio}: ${verdict(extraction.floorRatio <= GOALS.floorRatio)}); ` +
          extraction.byGroup.map((group) => `${group.group} pages ${fixed(group.floorRatio, 2)}`).join(', '),
        `readability ÷ ours = ${fixed(extraction.readabilityRatio)} (goal ≥ ${GOALS.readabilityRatio}: ${verdict(extraction.readabilityRatio >= GOALS.readabilityRatio)}), ` +
          `against ours' passes alternated with readability's; against ours' main passes ${fixed(extraction.readabilityRatioMainPasses)}`,
        'pages/s and MB/s are per CPU-second of this process; p50/p99 are wall-clock per page; a full GC runs before every pass.',
        ...(extraction.refusals.length > 0 ? [`refused: ${extraction.refusals.join('; ')}`] : []),
      ],
    },
    {
      title: 'Memory (fresh processes)',
      rows: [
        ['measurement', 'baseline RSS MB', 'peak RSS MB'],
        [`extracting all pages × ${memory.extract.rounds}`, fixed(memory.extract.baselineRssMb, 0), fixed(memory.extract.peakRssMb, 0)],
        ...memory.ingest.map((run) => [`ingest, concurrency ${run.concurrency} (${run.stored} stored)`, fixed(run.baselineRssMb, 0), fixed(run.peakRssMb, 0)]),
      ],
      notes: [`per concurrent page in the ingest run: ${fixed(memory.perConcurrentPageMb, 2)} MB ((peak at N − peak at 1) ÷ (N − 1))`],
    },
    {
      title: `End to end: runIngest over the sample site, ${e2e.stored} articles stored, concurrency ${e2e.concurrency}, politeness delays off`,
      rows: [
        ['stage', 'calls', 'latency sum ms', 'mean ms', 'CPU ms', 'CPU share'],
        ...latencyRows(e2e),
        ...(Object.keys(CPU_STAGE_LABELS) as CpuStage[]).map((stage) => [
          CPU_STAGE_LABELS[stage],
          '',
          '',
          '',
          fixed(e2e.cpuByStageMs[stage], 0),
          `${fixed((100 * e2e.cpuByStageMs[stage]) / totalOf(e2e.cpuByStageMs), 1)}%`,
        ]),
      ],
      notes: [
        `${fixed(e2e.articlesPerSec)} articles/s (${fixed(e2e.wallMs / 1000, 1)} s wall); ${fixed(e2e.cpuMsPerArticle, 1)} CPU ms per article; event loop busy ${fixed(100 * e2e.eventLoopUtilization, 0)}% of the run.`,
        `Outcomes: ${Object.entries(e2e.counts).map(([state, count]) => `${state} ${count}`).join(', ')}.`,
        'Latency sums overlap (many requests in flight) and include waiting for the busy event loop; the CPU columns come from a sampling profile of this process (the site runs in its own).',
        `Stored per article: ${fixed(e2e.articleJsonBytes / 1024)} KB JSON + ${fixed(e2e.rawGzBytes / 1024)} KB gzipped raw page.`,
        `Store requests per stored article: ${fixed((e2e.latencies.storePut.count - e2e.latencies.rawBatchPuts) / e2e.stored, 2)} PUT of its own ` +
          `(the article under its id; feed states, run summary and compaction markers spread over the run) + ${fixed(e2e.latencies.rawBatchPuts / e2e.stored, 3)} ` +
          `raw page batch PUT (${e2e.latencies.rawBatchPuts} batches for ${e2e.stored} pages); ${fixed(e2e.latencies.storeGet.count / e2e.stored, 2)} GET.`,
      ],
    },
    {
      title: `Lambda bundles (median of ${lambda.runs} fresh node processes)`,
      rows: [
        ['function', 'bundle KB', 'cold init ms', 'import ms', 'node alone ms', 'RSS after load MB'],
        ...lambda.functions.map((figures) => [
          figures.function,
          fixed(figures.bundleKb, 0),
          fixed(figures.coldInitMs, 0),
          fixed(figures.importMs, 0),
          fixed(figures.nodeBaselineMs, 0),
          fixed(figures.rssAfterLoadMb, 0),
        ]),
      ],
      notes: [
        `largest bundle ${fixed(lambda.bundleKbMax, 0)} KB (goal ≤ ${GOALS.bundleKb} KB: ${verdict(lambda.bundleKbMax <= GOALS.bundleKb)}); ` +
          `slowest cold init ${fixed(lambda.initMsMax, 0)} ms (goal ≤ ${GOALS.initMs} ms: ${verdict(lambda.initMsMax <= GOALS.initMs)})`,
        ...(lambda.nagViolations.length > 0 ? [`cdk-nag: ${lambda.nagViolations.join('; ')}`] : []),
      ],
    },
    costSection(results, summary),
  ];
  return sections;
}

function totalOf(times: Record<string, number>): number {
  return Object.values(times).reduce((sum, value) => sum + value, 0);
}

function latencyRows(e2e: EndToEndResult): string[][] {
  const row = (name: string, tally: { count: number; totalMs: number }): string[] => [
    name,
    String(tally.count),
    fixed(tally.totalMs, 0),
    fixed(tally.count === 0 ? 0 : tally.totalMs / tally.count, 1),
    '',
    '',
  ];
  return [
    row('fetch feed (wrapper)', e2e.latencies.feedFetch),
    row('fetch page (wrapper)', e2e.latencies.pageFetch),
    row('store get (wrapper)', e2e.latencies.storeGet),
    row('store put (wrapper)', e2e.latencies.storePut),
  ];
}

function costSection(results: BenchResults, summary: BenchSummary): Section {
  const { cost, costAssumptions: assumptions } = results;
  return {
    title: `Cost per 1M articles stored, AWS us-east-1 list prices (config/aws-prices.json, ${results.pricesAsOf})`,
    rows: [
      ['item', 'USD per 1M', 'basis'],
      ...cost.lines.map((line) => [line.item, usd(line.usdPerMillion), line.basis]),
      ['total', usd(cost.usdPerMillion), ''],
    ],
    notes: [
      `Goal ≤ $${GOALS.usdPerMillion} per 1M: ${usd(summary.usdPerMillion)} (${verdict(summary.usdPerMillion <= GOALS.usdPerMillion)}). Dominant: ${cost.dominant}.`,
      `Lambda time per article processed: ${fixed(cost.lambdaMsPerProcessing, 0)} ms billed at ${assumptions.lambdaMemoryMb} MB = ` +
        `${fixed(cost.waitMsPerProcessing, 0)} ms waiting (an invocation of ${assumptions.articlesPerInvocation} articles waits ${assumptions.networkWaitMsPerPage} ms assumed network wait + ${assumptions.articlesPerInvocation - 1} configured host interval(s)) + measured CPU × ${fixed(assumptions.fullVcpuMemoryMb / assumptions.lambdaMemoryMb, 2)} ` +
        `(1 vCPU at ${assumptions.fullVcpuMemoryMb} MB) + ${fixed(cost.s3RequestsPerStoredArticle, 1)} S3 requests (the article's measured, its invocation's shared) × ${assumptions.s3LatencyMs} ms.`,
      `Each article is processed ${fixed(cost.processingsPerArticle, 1)} times (assumed): once when first listed, again only when its feed entry ` +
        `changes; items a feed lists as before are not fetched again.`,
      `Fixed per month (not per article), as configured: ${cost.fixedMonthly.map((line) => `${line.item} ${usd(line.usdPerMonth)} (${line.basis})`).join('; ')}; ` +
        `total ${usd(cost.fixedUsdPerMonth)}/month (goal ≤ $${GOALS.usdPerMonthFixed}: ${verdict(cost.fixedUsdPerMonth <= GOALS.usdPerMonthFixed)}), ` +
        `${usd(cost.allInUsdPerMillion)} per 1M all-in at ${assumptions.articlesPerMonth.toLocaleString('en-US')} articles/month.`,
      `Fixed per month with ${LARGE_DEPLOYMENT_SOURCES} sources: ${cost.fixedMonthlyLarge.map((line) => `${line.item} ${usd(line.usdPerMonth)} (${line.basis})`).join('; ')}; ` +
        `total ${usd(cost.fixedUsdPerMonthLarge)}/month (goal ≤ $${GOALS.usdPerMonthFixedLarge}: ${verdict(cost.fixedUsdPerMonthLarge <= GOALS.usdPerMonthFixedLarge)}).`,
      `Storage: ${usd(cost.storageUsdPerMonthPerMillion)} per month for every 1M articles kept (measured sizes).`,
    ],
  };
}

function alignedRows(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ').trimEnd(),
  );
}

export function renderText(sections: readonly Section[]): string {
  return sections
    .map((section) => [section.title, ...alignedRows(section.rows), ...section.notes.map((note) => `  ${note}`)].join('\n'))
    .join('\n\n');
}

function markdownCell(cell: string): string {
  return cell.replaceAll('|', '\\|');
}

export function markdownTable(rows: readonly string[][]): string {
  const [header, ...body] = rows;
  if (!header) throw new Error('a table needs a header row');
  const line = (cells: readonly string[]): string => `| ${cells.map(markdownCell).join(' | ')} |`;
  const rule = `|${header.map((_, column) => (column === 0 ? ' --- ' : ' ---: ')).join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}

export function renderMarkdown(results: BenchResults, sections: readonly Section[]): string {
  const { machine } = results;
  return [
    '# Benchmarks',
    '',
    `Regenerated by \`npm run bench${results.quick ? ' -- --quick' : ''}\` on ${results.date} (${fixed(results.durationSec, 0)} s). Do not edit by hand.`,
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${fixed(machine.memoryGb, 1)} GB memory, Node ${machine.node} (${machine.platform}); ` +
      `load average ${fixed(machine.loadAverage.start, 2)} at the start, ${fixed(machine.loadAverage.end, 2)} at the end.`,
    '',
    ...sections.flatMap((section) => [`## ${section.title}`, '', markdownTable(section.rows), '', ...section.notes.map((note) => `- ${note}`), '']),
    '## Summary',
    '',
    '```json',
    JSON.stringify(summarize(results)),
    '```',
    '',
  ].join('\n');
}
