/**
 * What 1M articles cost in AWS (us-east-1, list prices from config/aws-prices.json): Lambda GB-s on ARM at
 * the CPU time measured here, the configured per-host interval and an assumed network wait (a page from
 * Vietnam to us-east-1 cannot be timed from a machine without internet), S3 requests (an article's own
 * counted by the end-to-end run, its invocation's from the handler's code), SQS, Scheduler and CloudWatch.
 * Pure functions of their inputs, so tests/unit/bench-cost.test.ts can check the arithmetic.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { MetricNames } from '../functions/metric-names.ts';
import { FOLD_OVERLAP_MS } from '../lib/pipeline/source-health.ts';

const Priced = { source: z.string().url(), note: z.string().optional() };

export const AwsPricesSchema = z.object({
  region: z.string(),
  currency: z.literal('USD'),
  pricesAsOf: z.string(),
  writtenOn: z.string(),
  howRead: z.string(),
  lambda: z.object({ ...Priced, armGbSecond: z.number().positive(), requestPerMillion: z.number().positive() }),
  s3: z.object({ ...Priced, putPer1000: z.number().positive(), getPer1000: z.number().positive(), standardGbMonth: z.number().positive() }),
  sqs: z.object({ ...Priced, fifoRequestPerMillion: z.number().positive(), standardRequestPerMillion: z.number().positive() }),
  scheduler: z.object({ ...Priced, invocationPerMillion: z.number().positive() }),
  cloudwatch: z.object({
    ...Priced,
    logsIngestionPerGb: z.number().positive(),
    logsStorageGbMonth: z.number().positive(),
    customMetricMonth: z.number().positive(),
    alarmMetricMonth: z.number().positive(),
    dashboardMonth: z.number().positive(),
  }),
});
export type AwsPrices = z.infer<typeof AwsPricesSchema>;

export function loadAwsPrices(path = new URL('../config/aws-prices.json', import.meta.url)): AwsPrices {
  const parsed = AwsPricesSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`config/aws-prices.json: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** What this machine measured (the end-to-end run) and what the deployed stack is configured with. */
export interface MeasuredInputs {
  /** CPU time per article on this machine, one core: fetch decoding, extraction, serializing, gzip. */
  cpuMsPerArticle: number;
  articleJsonBytes: number;
  rawGzBytes: number;
  /**
   * S3 requests per stored article, counted by the end-to-end run's store wrapper: the article's own
   * object (keyed by id: one GET that finds nothing, one PUT; the run's few feed-state and summary writes
   * are spread over its articles). Not the raw page batches, which the local run writes at its own grain: in the cloud they
   * are one per invocation (PROCESS_ARTICLE_INVOCATION_S3).
   */
  s3PutsPerStoredArticle: number;
  s3GetsPerStoredArticle: number;
  /**
   * From config/feeds.json: the sources' mean minimum interval between two requests to one host. An
   * invocation's records share a host (FIFO group), so its k pages start at least this far apart.
   */
  hostIntervalMs: number;
  /** From config/feeds.json. */
  sources: number;
  feeds: number;
}

/** Everything the model assumes, each with its reason (printed in BENCHMARKS.md). */
export interface CostAssumptions {
  /** process-article's memorySize (infra/constructs/pipeline.ts; tests/infra/stack.test.ts keeps them equal). */
  lambdaMemoryMb: number;
  /** fetch-feed's memorySize (likewise). */
  fetchFeedMemoryMb: number;
  /** Lambda gives one full vCPU at 1,769 MB, so CPU-bound work at M MB takes 1769/M times as long (Graviton ≈ this CPU assumed). */
  fullVcpuMemoryMb: number;
  /**
   * Waiting for one article page from a Vietnamese origin to us-east-1 (TLS, ~300 KB): billed Lambda time.
   * Assumed, not measured (no internet here); the REPORT lines of a deployed process-article give it.
   */
  networkWaitMsPerPage: number;
  /** Per S3 request from Lambda. */
  s3LatencyMs: number;
  /**
   * FIFO batches hold up to 4 messages of one host; with few new articles per host most hold 1-2. Assumed:
   * a poll queues a host's new articles together, so busy sites fill batches, small ones do not.
   */
  articlesPerInvocation: number;
  /** Powertools log line, EMF lines and Lambda START/END/REPORT lines, per article processed. */
  logBytesPerProcessing: number;
  /**
   * Times one article is processed: once when its feed first lists it, again only when its feed entry
   * changes (title, date, Atom <updated>, sitemap <lastmod>); entries listed as before are not fetched.
   */
  processingsPerArticle: number;
  /** Dispatch schedule (infra settings: rate(15 minutes)). */
  pollMinutes: number;
  /**
   * Custom metrics (functions/metric-names.ts): each name once, with the `service` dimension only, so their
   * number does not grow with the sources (per-source health is judged by dispatch from S3 objects).
   */
  customMetrics: number;
  /** Feed messages per fetch-feed invocation (its SQS batch size): each invocation writes one run-ledger object. */
  feedsPerInvocation: number;
  /** Alarms of the stack: a fixed set, whatever the number of sources (tests/infra/stack.test.ts checks it). */
  alarms: number;
  dashboards: number;
  /** Articles stored per month, to spread the fixed monthly costs over. */
  articlesPerMonth: number;
}

export const DEFAULT_ASSUMPTIONS: Readonly<CostAssumptions> = Object.freeze({
  lambdaMemoryMb: 256,
  fetchFeedMemoryMb: 512,
  fullVcpuMemoryMb: 1769,
  networkWaitMsPerPage: 800,
  s3LatencyMs: 25,
  articlesPerInvocation: 2,
  logBytesPerProcessing: 1500,
  // Assumed: one in five articles is edited once after publication in a way its feed entry shows.
  processingsPerArticle: 1.2,
  pollMinutes: 15,
  customMetrics: Object.keys(MetricNames).length,
  feedsPerInvocation: 5,
  alarms: 23,
  dashboards: 1,
  articlesPerMonth: 100_000,
});

/**
 * S3 requests of a re-check that finds the article unchanged (lib/store/articles.ts writeArticle): it reads
 * the article under its id and writes nothing, not even its page (tests/integration/store-articles.test.ts
 * counts them). A first store is measured: MeasuredInputs.
 */
export const RECHECK_S3_REQUESTS = { put: 0, get: 1 } as const;

/**
 * S3 requests of one process-article invocation besides its articles' own (functions/process-article.ts):
 * the raw page batch (lib/store/raw-pages.ts), one PUT, whose manifest is also the run ledger's record of
 * the articles it stores (with what source health needs). An outcomes object is written only for other
 * outcomes: an invocation of new articles that all store writes none (tests/integration/handlers-sqs.test.ts).
 */
export const PROCESS_ARTICLE_INVOCATION_S3 = { put: 1, get: 0 } as const;
/**
 * A re-check that finds the article unchanged stores no page, so its invocation records it in an outcomes
 * object: counted as if re-checks never shared an invocation with a new article (they may, and then the
 * batch's object is the only one).
 */
const RECHECK_INVOCATION_PUTS = 1;

/**
 * GETs of one ledger object (raw page batch or outcomes object) by dispatch (functions/dispatch.ts): once
 * when folded into source health (lib/pipeline/source-health.ts), and by two daily summaries: its own day's
 * and the day before's, which also reads the next day for articles queued before midnight
 * (lib/pipeline/run-ledger.ts).
 */
export const LEDGER_OBJECT_READS = 3;

/**
 * LISTs per dispatch tick for the health fold: two per UTC hour of ledger keys it looks at (the outcomes
 * prefix and the raw batch prefix), which span the tick interval plus the fold's overlap. S3 prices a LIST
 * as a PUT.
 */
export function healthListsPerTick(pollMinutes: number): number {
  return 2 * (1 + (pollMinutes + FOLD_OVERLAP_MS / 60_000) / 60);
}

/** process-article's S3 requests per article of a first processing: its own (measured) and its share of the invocation's. */
export function s3RequestsPerFirstProcessing(measured: MeasuredInputs, articlesPerInvocation: number): { put: number; get: number } {
  return {
    put: measured.s3PutsPerStoredArticle + PROCESS_ARTICLE_INVOCATION_S3.put / articlesPerInvocation,
    get: measured.s3GetsPerStoredArticle + PROCESS_ARTICLE_INVOCATION_S3.get / articlesPerInvocation,
  };
}

/** SQS requests per article: 1/10 SendMessageBatch, and per invocation one receive and one DeleteMessageBatch. */
export function sqsRequestsPerArticle(articlesPerInvocation: number): number {
  return 0.1 + 2 / articlesPerInvocation;
}

export interface CostLine {
  item: string;
  /** USD per 1M articles stored. */
  usdPerMillion: number;
  basis: string;
}

/** Costs that depend on time (polls, metrics), not on how many articles there are. */
export interface MonthlyLine {
  item: string;
  usdPerMonth: number;
  basis: string;
}

export interface CostModel {
  /** Billed Lambda milliseconds for one article processed. */
  lambdaMsPerProcessing: number;
  /** Of lambdaMsPerProcessing: its share of its invocation's waiting (network and host interval). */
  waitMsPerProcessing: number;
  /** S3 requests (PUT + GET) of one first store, its invocation's share included, each adding s3LatencyMs to the Lambda time. */
  s3RequestsPerStoredArticle: number;
  processingsPerArticle: number;
  /** Every article processed processingsPerArticle times. */
  lines: CostLine[];
  usdPerMillion: number;
  /** If each article were processed once (only new feed items queued). */
  fixedMonthly: MonthlyLine[];
  fixedUsdPerMonth: number;
  /** The same deployment following LARGE_DEPLOYMENT_SOURCES sources (feeds per source as configured). */
  fixedMonthlyLarge: MonthlyLine[];
  fixedUsdPerMonthLarge: number;
  /** As built, with the fixed monthly costs spread over articlesPerMonth. */
  allInUsdPerMillion: number;
  /** Storage added per month by 1M articles kept (article JSON + gzipped raw page). */
  storageUsdPerMonthPerMillion: number;
  /** The line that costs most, as built. */
  dominant: string;
}

const MILLION = 1_000_000;

function perArticleLines(
  prices: AwsPrices,
  measured: MeasuredInputs,
  assumptions: CostAssumptions,
  processings: number,
  lambdaMs: number,
): CostLine[] {
  const gb = assumptions.lambdaMemoryMb / 1024;
  const repeats = processings - 1;
  const sqs = sqsRequestsPerArticle(assumptions.articlesPerInvocation) * processings;
  const first = s3RequestsPerFirstProcessing(measured, assumptions.articlesPerInvocation);
  const puts = first.put + repeats * (RECHECK_S3_REQUESTS.put + RECHECK_INVOCATION_PUTS / assumptions.articlesPerInvocation);
  // Every processing's outcome is in one ledger object of its invocation (the raw page batch of a new
  // article, the outcomes object of a re-check), which dispatch reads.
  const gets = first.get + repeats * RECHECK_S3_REQUESTS.get + (processings * LEDGER_OBJECT_READS) / assumptions.articlesPerInvocation;
  const logGb = (assumptions.logBytesPerProcessing * processings) / 1e9;
  return [
    {
      item: 'Lambda duration (process-article)',
      usdPerMillion: MILLION * processings * (lambdaMs / 1000) * gb * prices.lambda.armGbSecond,
      basis: `${processings.toFixed(1)} × ${lambdaMs.toFixed(0)} ms × ${gb} GB × $${prices.lambda.armGbSecond}/GB-s`,
    },
    {
      item: 'Lambda requests',
      usdPerMillion: (processings / assumptions.articlesPerInvocation) * prices.lambda.requestPerMillion,
      basis: `${processings.toFixed(1)} ÷ ${assumptions.articlesPerInvocation} articles per invocation × $${prices.lambda.requestPerMillion}/M`,
    },
    {
      item: 'S3 PUT',
      usdPerMillion: MILLION * puts * (prices.s3.putPer1000 / 1000),
      basis: `${puts.toFixed(2)} PUT (the article's own measured: ${measured.s3PutsPerStoredArticle.toFixed(2)}; the raw page batch, which carries the run ledger: ${PROCESS_ARTICLE_INVOCATION_S3.put} per invocation of ${assumptions.articlesPerInvocation}; a re-check its outcomes object's share) × $${prices.s3.putPer1000}/1000`,
    },
    {
      item: 'S3 GET',
      usdPerMillion: MILLION * gets * (prices.s3.getPer1000 / 1000),
      basis: `${gets.toFixed(2)} GET (the article under its id per processing; dispatch reads each invocation's ledger object ${LEDGER_OBJECT_READS} times: health fold, two daily summaries) × $${prices.s3.getPer1000}/1000`,
    },
    {
      item: 'SQS (FIFO)',
      usdPerMillion: sqs * prices.sqs.fifoRequestPerMillion,
      basis: `${sqs.toFixed(1)} requests (send 1/10, receive + delete per invocation) × $${prices.sqs.fifoRequestPerMillion}/M`,
    },
    {
      item: 'CloudWatch Logs ingestion',
      usdPerMillion: MILLION * logGb * prices.cloudwatch.logsIngestionPerGb,
      basis: `${processings.toFixed(1)} × ${assumptions.logBytesPerProcessing} B × $${prices.cloudwatch.logsIngestionPerGb}/GB`,
    },
  ];
}

const total = (lines: readonly CostLine[]): number => lines.reduce((sum, line) => sum + line.usdPerMillion, 0);
const monthlyTotal = (lines: readonly MonthlyLine[]): number => lines.reduce((sum, line) => sum + line.usdPerMonth, 0);

/** A national aggregator's scale: the fixed cost must stay small there too. */
export const LARGE_DEPLOYMENT_SOURCES = 500;

/**
 * What a deployment costs per month before it stores a single article: polling every feed on every tick,
 * dispatch reading each feed's state, the one source health object (and the LISTs of its fold) and
 * fetch-feed's run-ledger objects (once, for the daily summary), and the monitoring. The daily summary's
 * few LISTs a day are left out.
 */
export function fixedMonthlyLines(prices: AwsPrices, assumptions: CostAssumptions, sources: number, feeds: number): MonthlyLine[] {
  const pollsPerMonth = (30 * 24 * 60) / assumptions.pollMinutes;
  const feedFetchesPerMonth = pollsPerMonth * feeds;
  const feedLambdaSeconds = feedFetchesPerMonth * ((assumptions.networkWaitMsPerPage + 2 * assumptions.s3LatencyMs) / 1000);
  const pollObjectsPerMonth = feedFetchesPerMonth / assumptions.feedsPerInvocation;
  const dispatchGets = pollsPerMonth * (feeds + 1) + pollObjectsPerMonth;
  const lists = healthListsPerTick(assumptions.pollMinutes);
  const dispatchPutsAndLists = pollsPerMonth * (1 + lists);
  return [
    {
      item: 'Scheduler + dispatch',
      usdPerMonth:
        (pollsPerMonth / MILLION) * (prices.scheduler.invocationPerMillion + prices.lambda.requestPerMillion) +
        dispatchGets * (prices.s3.getPer1000 / 1000) +
        dispatchPutsAndLists * (prices.s3.putPer1000 / 1000),
      basis: `${pollsPerMonth} runs/month, each reading ${feeds} feed states and one health object for all ${sources} sources (GET + PUT, ${lists.toFixed(2)} LISTs); the daily summary reads ${Math.round(pollObjectsPerMonth)} poll objects/month`,
    },
    {
      item: 'fetch-feed (Lambda, S3 state, SQS)',
      usdPerMonth:
        feedLambdaSeconds * (assumptions.fetchFeedMemoryMb / 1024) * prices.lambda.armGbSecond +
        (feedFetchesPerMonth / MILLION) * (prices.lambda.requestPerMillion + 3 * prices.sqs.fifoRequestPerMillion) +
        feedFetchesPerMonth * ((prices.s3.getPer1000 + prices.s3.putPer1000) / 1000) +
        (feedFetchesPerMonth / assumptions.feedsPerInvocation) * (prices.s3.putPer1000 / 1000),
      basis: `${feeds} feeds × ${pollsPerMonth} polls; one state GET + PUT each, one run-ledger PUT per ${assumptions.feedsPerInvocation} polls`,
    },
    {
      item: 'Custom metrics',
      usdPerMonth: assumptions.customMetrics * prices.cloudwatch.customMetricMonth,
      basis: `${assumptions.customMetrics} metrics, none per source`,
    },
    {
      item: 'Alarms + dashboard',
      usdPerMonth: assumptions.alarms * prices.cloudwatch.alarmMetricMonth + assumptions.dashboards * prices.cloudwatch.dashboardMonth,
      basis: `${assumptions.alarms} alarms, ${assumptions.dashboards} dashboard`,
    },
  ];
}

export function costModel(prices: AwsPrices, measured: MeasuredInputs, assumptions: CostAssumptions = DEFAULT_ASSUMPTIONS): CostModel {
  const cpuMsOnLambda = measured.cpuMsPerArticle * (assumptions.fullVcpuMemoryMb / assumptions.lambdaMemoryMb);
  const first = s3RequestsPerFirstProcessing(measured, assumptions.articlesPerInvocation);
  const s3Ops = first.put + first.get;
  // The k records of an invocation are fetched at once as far as their host allows: the invocation lasts
  // (k − 1) host intervals plus one network wait, shared by its k articles; CPU and S3 requests add up.
  const k = assumptions.articlesPerInvocation;
  const waitMs = ((k - 1) * measured.hostIntervalMs + assumptions.networkWaitMsPerPage) / k;
  const lambdaMs = waitMs + cpuMsOnLambda + s3Ops * assumptions.s3LatencyMs;
  const processings = assumptions.processingsPerArticle;
  const lines = perArticleLines(prices, measured, assumptions, processings, lambdaMs);

  const fixedMonthly = fixedMonthlyLines(prices, assumptions, measured.sources, measured.feeds);
  const largeFeeds = Math.round((LARGE_DEPLOYMENT_SOURCES * measured.feeds) / measured.sources);
  const fixedMonthlyLarge = fixedMonthlyLines(prices, assumptions, LARGE_DEPLOYMENT_SOURCES, largeFeeds);
  const asBuilt = total(lines);
  const fixedUsdPerMonth = monthlyTotal(fixedMonthly);
  const dominant = [...lines].sort((a, b) => b.usdPerMillion - a.usdPerMillion)[0]!.item;
  return {
    lambdaMsPerProcessing: lambdaMs,
    waitMsPerProcessing: waitMs,
    s3RequestsPerStoredArticle: s3Ops,
    processingsPerArticle: processings,
    lines,
    usdPerMillion: asBuilt,
    fixedMonthly,
    fixedUsdPerMonth,
    fixedMonthlyLarge,
    fixedUsdPerMonthLarge: monthlyTotal(fixedMonthlyLarge),
    allInUsdPerMillion: asBuilt + fixedUsdPerMonth * (MILLION / assumptions.articlesPerMonth),
    storageUsdPerMonthPerMillion: ((MILLION * (measured.articleJsonBytes + measured.rawGzBytes)) / 1e9) * prices.s3.standardGbMonth,
    dominant,
  };
}
