/**
 * `npm run bench [-- --quick]`: extraction speed beside the DOM floor and readability+jsdom, memory, end to
 * end over the sample site, Lambda bundles and the AWS cost model, in one run. Prints a table, rewrites
 * BENCHMARKS.md, and prints one JSON line last. Progress goes to stderr.
 */
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../lib/config.ts';
import { costModel, DEFAULT_ASSUMPTIONS, loadAwsPrices } from './bench-cost.ts';
import { runEndToEnd, startSampleSiteProcess } from './bench-e2e.ts';
import { FULL_EXTRACTION, loadBenchPages, QUICK_EXTRACTION, runExtractionBench } from './bench-extraction.ts';
import { runLambdaBench } from './bench-lambda.ts';
import { runMemoryBench } from './bench-memory.ts';
import { reportSections, renderMarkdown, renderText, summarize, type BenchResults } from './bench-report.ts';

const BENCHMARKS_FILE = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
const FEEDS_CONFIG = fileURLToPath(new URL('../config/feeds.json', import.meta.url));

const quick = process.argv.includes('--quick');
const unknown = process.argv.slice(2).filter((argument) => argument !== '--quick');
if (unknown.length > 0) {
  process.stderr.write(`npm run bench: unknown argument ${unknown.join(' ')} (only --quick)\n`);
  process.exit(2);
}

const PLAN = quick
  ? { extraction: QUICK_EXTRACTION, memoryRounds: 1, articles: 1_000, concurrency: 16, lambdaRuns: 3 }
  : { extraction: FULL_EXTRACTION, memoryRounds: 3, articles: 1_500, concurrency: 16, lambdaRuns: 7 };

const started = performance.now();
const progress = (message: string): void => {
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);
};
const loadStart = loadavg()[0]!;

progress(`extraction (${quick ? 'quick' : 'full'})`);
const extraction = await runExtractionBench(loadBenchPages(), PLAN.extraction, progress);

progress(`sample site with ${PLAN.articles} articles`);
const site = await startSampleSiteProcess(PLAN.articles);
let e2e;
let memory;
try {
  progress('end to end');
  e2e = await runEndToEnd(site, PLAN.concurrency);
  progress('memory');
  memory = await runMemoryBench(site, { extractRounds: PLAN.memoryRounds, concurrencies: [1, PLAN.concurrency] });
} finally {
  await site.close();
}

progress('Lambda bundles (cdk synth with esbuild)');
const lambda = await runLambdaBench(PLAN.lambdaRuns);

const prices = loadAwsPrices();
const feedsConfig = await loadConfig(FEEDS_CONFIG);
const cost = costModel(prices, {
  cpuMsPerArticle: e2e.cpuMsPerArticle,
  articleJsonBytes: e2e.articleJsonBytes,
  rawGzBytes: e2e.rawGzBytes,
  s3PutsPerStoredArticle: (e2e.latencies.storePut.count - e2e.latencies.rawBatchPuts) / e2e.stored,
  s3GetsPerStoredArticle: e2e.latencies.storeGet.count / e2e.stored,
  hostIntervalMs: feedsConfig.sources.reduce((sum, source) => sum + source.politeness.minIntervalMs, 0) / feedsConfig.sources.length,
  sources: feedsConfig.sources.length,
  feeds: feedsConfig.sources.reduce((sum, source) => sum + source.feeds.length, 0),
});

const cpu = cpus();
const results: BenchResults = {
  date: new Date().toISOString(),
  quick,
  durationSec: (performance.now() - started) / 1000,
  machine: {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGb: totalmem() / 2 ** 30,
    node: process.version,
    platform: `${platform()} ${process.arch}`,
    loadAverage: { start: loadStart, end: loadavg()[0]! },
  },
  extraction,
  memory,
  e2e,
  lambda,
  cost,
  costAssumptions: DEFAULT_ASSUMPTIONS,
  pricesAsOf: `prices as of ${prices.pricesAsOf.split(':')[0]}, not re-read (no internet)`,
};
const sections = reportSections(results);
await writeFile(BENCHMARKS_FILE, renderMarkdown(results, sections));
progress('BENCHMARKS.md written');
console.log(renderText(sections));
console.log(JSON.stringify(summarize(results)));
