import { describe, expect, it } from 'vitest';
import {
  AwsPricesSchema,
  costModel,
  DEFAULT_ASSUMPTIONS,
  loadAwsPrices,
  sqsRequestsPerArticle,
  type AwsPrices,
  type CostAssumptions,
  type MeasuredInputs,
} from '../../bench/bench-cost.ts';

/** Round numbers, so every expected figure below can be worked out by hand. */
const PRICES: AwsPrices = {
  region: 'us-east-1',
  currency: 'USD',
  pricesAsOf: 'test',
  writtenOn: 'test',
  howRead: 'test',
  lambda: { source: 'https://aws.amazon.com/lambda/pricing/', armGbSecond: 0.00001, requestPerMillion: 0.2 },
  s3: { source: 'https://aws.amazon.com/s3/pricing/', putPer1000: 0.005, getPer1000: 0.0004, standardGbMonth: 0.02 },
  sqs: { source: 'https://aws.amazon.com/sqs/pricing/', fifoRequestPerMillion: 0.5, standardRequestPerMillion: 0.4 },
  scheduler: { source: 'https://aws.amazon.com/eventbridge/pricing/', invocationPerMillion: 1 },
  cloudwatch: {
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    logsIngestionPerGb: 0.5,
    logsStorageGbMonth: 0.03,
    customMetricMonth: 0.3,
    alarmMetricMonth: 0.1,
    dashboardMonth: 3,
  },
};

const MEASURED: MeasuredInputs = { cpuMsPerArticle: 10, articleJsonBytes: 10_000, rawGzBytes: 40_000, s3PutsPerStoredArticle: 3, s3GetsPerStoredArticle: 2, hostIntervalMs: 1000, sources: 2, feeds: 4 };

const ASSUMPTIONS: CostAssumptions = {
  ...DEFAULT_ASSUMPTIONS,
  lambdaMemoryMb: 512,
  fullVcpuMemoryMb: 1024,
  networkWaitMsPerPage: 800,
  s3LatencyMs: 20,
  articlesPerInvocation: 2,
  logBytesPerProcessing: 1000,
  processingsPerArticle: 1,
  pollMinutes: 15,
  customMetrics: 5,
  feedsPerInvocation: 5,
  alarms: 10,
  dashboards: 1,
  articlesPerMonth: 500_000,
};

const line = (lines: { item: string; usdPerMillion: number }[], item: string): number => {
  const found = lines.find((candidate) => candidate.item === item);
  if (!found) throw new Error(`no line ${item}`);
  return found.usdPerMillion;
};

describe('cost model', () => {
  it('counts a send per ten messages and a receive and a delete per invocation', () => {
    expect(sqsRequestsPerArticle(1)).toBeCloseTo(2.1, 10);
    expect(sqsRequestsPerArticle(4)).toBeCloseTo(0.6, 10);
  });

  it('prices one article processed once from the measured CPU time and the stated waits', () => {
    const model = costModel(PRICES, MEASURED, ASSUMPTIONS);
    // An invocation of 2 articles waits one host interval and one network wait: (1000 + 800) / 2 = 900 ms
    // each; + 10 ms × (1024 / 512) + 5.5 S3 requests × 20 ms: 3 PUT + 2 GET measured, and half of the
    // invocation's one PUT (the raw page batch, which carries the run ledger: no outcomes object when every
    // article stores).
    expect(model.s3RequestsPerStoredArticle).toBe(5.5);
    expect(model.waitMsPerProcessing).toBeCloseTo(900, 10);
    expect(model.lambdaMsPerProcessing).toBeCloseTo(1030, 10);
    const once = model.lines;
    expect(line(once, 'Lambda duration (process-article)')).toBeCloseTo(1e6 * 1.03 * 0.5 * 0.00001, 8); // $5.15
    expect(line(once, 'Lambda requests')).toBeCloseTo(0.1, 10);
    expect(line(once, 'S3 PUT')).toBeCloseTo(3.5 * 5, 10);
    // 2 GET measured; dispatch reads the invocation's ledger object (its batch) 3 times (health fold, two
    // daily summaries), outside process-article's time: 1.5 per article.
    expect(line(once, 'S3 GET')).toBeCloseTo(3.5 * 0.4, 10);
    expect(line(once, 'SQS (FIFO)')).toBeCloseTo(1.1 * 0.5, 10);
    expect(line(once, 'CloudWatch Logs ingestion')).toBeCloseTo(0.5, 10);
    expect(model.usdPerMillion).toBeCloseTo(5.15 + 0.1 + 17.5 + 1.4 + 0.55 + 0.5, 8);
  });

  it('charges a re-check of an article whose feed entry changed as its outcomes share of PUTs and reads, one GET (the article under its id) and a whole Lambda run', () => {
    const model = costModel(PRICES, MEASURED, { ...ASSUMPTIONS, processingsPerArticle: 1.5 });
    expect(model.processingsPerArticle).toBe(1.5);
    // A re-check stores no page: its invocation's outcomes object, shared by 2.
    expect(line(model.lines, 'S3 PUT')).toBeCloseTo((3.5 + 0.5 * 0.5) * 5, 10);
    expect(line(model.lines, 'S3 GET')).toBeCloseTo((2 + 0.5 * 1 + 1.5 * 1.5) * 0.4, 10);
    expect(line(model.lines, 'Lambda duration (process-article)')).toBeCloseTo(1.5 * 5.15, 8);
    expect(model.dominant).toBe('S3 PUT');
    expect(model.usdPerMillion).toBeCloseTo(model.lines.reduce((sum, entry) => sum + entry.usdPerMillion, 0), 10);
  });

  it('prices the S3 requests the end-to-end run counted, not a fixed number', () => {
    const model = costModel(PRICES, { ...MEASURED, s3PutsPerStoredArticle: 4, s3GetsPerStoredArticle: 1 }, ASSUMPTIONS);
    expect(model.s3RequestsPerStoredArticle).toBe(5.5);
    expect(line(model.lines, 'S3 PUT')).toBeCloseTo(4.5 * 5, 10);
    expect(line(model.lines, 'S3 GET')).toBeCloseTo(2.5 * 0.4, 10);
  });

  it('keeps time-driven costs apart and spreads them over the monthly volume for the all-in figure', () => {
    const model = costModel(PRICES, MEASURED, ASSUMPTIONS);
    const metrics = model.fixedMonthly.find((entry) => entry.item === 'Custom metrics');
    expect(metrics?.usdPerMonth).toBeCloseTo(5 * 0.3, 10);
    const alarms = model.fixedMonthly.find((entry) => entry.item === 'Alarms + dashboard');
    expect(alarms?.usdPerMonth).toBeCloseTo(10 * 0.1 + 3, 10);
    expect(model.allInUsdPerMillion).toBeCloseTo(model.usdPerMillion + model.fixedUsdPerMonth * 2, 8);
    // 1M × 50 KB = 50 GB at $0.02
    expect(model.storageUsdPerMonthPerMillion).toBeCloseTo(1, 10);
  });

  it('the monitoring costs the same for 2 sources and for 500; polling grows with the feeds', () => {
    const model = costModel(PRICES, MEASURED, ASSUMPTIONS);
    const item = (lines: typeof model.fixedMonthly, name: string) => lines.find((entry) => entry.item === name)!.usdPerMonth;
    for (const name of ['Custom metrics', 'Alarms + dashboard']) expect(item(model.fixedMonthlyLarge, name)).toBe(item(model.fixedMonthly, name));
    // 2 sources with 4 feeds → 500 sources with 1,000 feeds: 2,880 polls a month each.
    expect(item(model.fixedMonthlyLarge, 'fetch-feed (Lambda, S3 state, SQS)')).toBeCloseTo(250 * item(model.fixedMonthly, 'fetch-feed (Lambda, S3 state, SQS)'), 8);
    // On each of 2,880 ticks dispatch reads every feed state and ONE health object for all sources, writes
    // it back and lists the ledger keys (outcomes and raw batch prefixes) of 1⅓ hours on average (15-minute
    // ticks + 5 minutes' overlap);
    // once a day it reads fetch-feed's ledger objects (one per 5 polls).
    const dispatchLarge = 2880 * (1.2 / 1e6) + (2880 * 1001 + (2880 * 1000) / 5) * 0.0000004 + 2880 * (1 + 2 * (1 + 1 / 3)) * 0.000005;
    expect(item(model.fixedMonthlyLarge, 'Scheduler + dispatch')).toBeCloseTo(dispatchLarge, 10);
    // The health part does not grow with the sources: only the feed states do.
    const dispatchSmall = 2880 * (1.2 / 1e6) + (2880 * 5 + (2880 * 4) / 5) * 0.0000004 + 2880 * (1 + 2 * (1 + 1 / 3)) * 0.000005;
    expect(item(model.fixedMonthly, 'Scheduler + dispatch')).toBeCloseTo(dispatchSmall, 10);
  });

  it('with list prices and config/feeds.json the fixed cost meets its goals: ≤ $10 a month, and ≤ $60 with 500 sources', async () => {
    const { loadConfig } = await import('../../lib/config.ts');
    const config = await loadConfig(new URL('../../config/feeds.json', import.meta.url).pathname);
    const feeds = config.sources.reduce((sum, source) => sum + source.feeds.length, 0);
    const model = costModel(loadAwsPrices(), { ...MEASURED, sources: config.sources.length, feeds });
    expect(model.fixedUsdPerMonth).toBeLessThanOrEqual(10);
    expect(model.fixedUsdPerMonthLarge).toBeLessThanOrEqual(60);
  });

  it('reads the prices file, each service with the pricing page it came from', () => {
    const prices = loadAwsPrices();
    for (const service of [prices.lambda, prices.s3, prices.sqs, prices.scheduler, prices.cloudwatch]) {
      expect(service.source).toMatch(/^https:\/\/aws\.amazon\.com\/[a-z0-9]+\/pricing\/$/);
    }
    expect(AwsPricesSchema.safeParse({ ...prices, s3: { ...prices.s3, putPer1000: -1 } }).success).toBe(false);
  });
});
