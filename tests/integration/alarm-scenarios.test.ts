import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SQSClient } from '@aws-sdk/client-sqs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DispatchResult } from '../../functions/dispatch.ts';
import { loadConfig } from '../../lib/config.ts';
import { fetchFeed } from '../../lib/pipeline/fetch-feed.ts';
import { dailySummaryKey, recordOutcomes, type DailyRunSummary } from '../../lib/pipeline/run-ledger.ts';
import { loadHealthState, saveHealthState, SOURCE_HEALTH_KEY } from '../../lib/pipeline/source-health.ts';
import type { ArticleJob, FeedJob } from '../../lib/pipeline/types.ts';
import { createSampleSite, type SamplePage, type SampleSite } from '../../lib/sample-site/site.ts';
import { S3ObjectStore } from '../../lib/store/s3.ts';
import { FEATURE_FLAGS, readDeploySettings } from '../../infra/settings.ts';
import { NewsIngestStack } from '../../infra/stack.ts';
import { alarmRulesFromTemplate, sampleOf, samplesFromEmf, simulate, type AlarmRule, type MetricSample } from '../helpers/alarm-evaluator.ts';
import {
  capturingEmf,
  createFifoQueue,
  drain,
  lambdaContext,
  pipelineHandlers,
  recordFrom,
  REGION,
  syntheticRecord,
  type EmfLine,
} from '../helpers/lambda-sqs.ts';
import { createTestBucket, startMoto, type MotoServer } from '../helpers/moto.ts';
import { stripBylines } from '../helpers/strip-bylines.ts';

/**
 * Every alarm of the synthesized stack (default settings), with a scenario that must fire it and one that
 * must not, judged by tests/helpers/alarm-evaluator.ts. The custom metrics' values are the EMF the handlers
 * print when run here on moto S3/SQS and the sample site; AWS service metrics (Lambda, SQS, Step Functions)
 * are the datapoints those services would record for the described event.
 */

const projectRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const BUCKET = 'news-ingest-alarms';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DRIFT_SOURCE = 'sample-vnexpress';
const OLD_ITEMS = 1000;

let outdir: string;
let rules: Map<string, AlarmRule>;
let moto: MotoServer;
let site: SampleSite;
let sqs: SQSClient;
let store: S3ObjectStore;
let workDir: string;
let feedQueue: { url: string; arn: string };
let articleQueue: { url: string; arn: string };
let handlers: Awaited<ReturnType<typeof pipelineHandlers>>;

/** What the drift feed lists besides its 1,000 old items; whether article pages lost their byline. */
let driftFeedNewPages: SamplePage[] = [];
let bylinesRemoved = false;

function driftFeedXml(): string {
  const item = (title: string, link: string, publishedAt: Date) =>
    `<item><title>${title}</title><link>${link}</link><guid>${link}</guid><pubDate>${publishedAt.toUTCString()}</pubDate></item>`;
  const old = Array.from({ length: OLD_ITEMS }, (_, index) =>
    item(`Tin cũ ${index}`, `${site.origin}/old/${index}.html`, new Date(Date.UTC(2026, 0, 1) + index * MINUTE)),
  );
  const fresh = driftFeedNewPages.map((page) => item(page.title, page.url, page.publishedAt));
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>drift</title><link>${site.origin}/</link>${[...fresh, ...old].join('')}</channel></rss>`;
}

const feedJob = (pathOrUrl: string, sourceId: string): FeedJob => ({
  sourceId,
  feedUrl: new URL(pathOrUrl, site.origin).href,
  kind: 'auto',
  runId: `alarm-${Date.now()}`,
});
const articleJob = (url: string, sourceId: string): ArticleJob => ({ sourceId, url, guid: null, feedUrl: `${site.origin}/drift/feed.xml`, runId: 'alarm' });

/** Runs the feed jobs through fetch-feed, and what they queued through process-article; returns the EMF. */
async function ingest(jobs: FeedJob[], expectQueued?: number): Promise<EmfLine[]> {
  const emf: EmfLine[] = [];
  const feeds = jobs.map((job, index) => syntheticRecord(`feed-${index}`, JSON.stringify(job), feedQueue.arn));
  emf.push(...(await capturingEmf(() => handlers.fetchFeed({ Records: feeds } satisfies SQSEvent, lambdaContext('fetch-feed')))).emf);
  const articles = await drain(sqs, articleQueue.url);
  if (expectQueued !== undefined) expect(articles).toHaveLength(expectQueued);
  for (let start = 0; start < articles.length; start += 10) {
    const records = articles.slice(start, start + 10).map((message) => recordFrom(message, articleQueue.arn));
    emf.push(...(await capturingEmf(() => handlers.processArticle({ Records: records }, lambdaContext('process-article')))).emf);
  }
  return emf;
}

async function dispatchTick(): Promise<EmfLine[]> {
  const { emf } = await capturingEmf(() => handlers.dispatch({}, lambdaContext('dispatch'), () => undefined) as Promise<unknown>);
  await drain(sqs, feedQueue.url);
  return emf;
}

interface Scenario {
  description: string;
  samples(rule: AlarmRule): Promise<MetricSample[]> | MetricSample[];
}

/** An AWS service metric: `value` at each of `minutes` after T0 (a fixed day). */
const T0 = Date.UTC(2026, 8, 5, 17, 30);
const awsMetric = (description: string, points: Array<[minutes: number, value: number]>): Scenario => ({
  description,
  samples: (rule) => points.map(([minutes, value]) => sampleOf(rule, T0 + minutes * MINUTE, value)),
});
const everyFiveMinutes = (hours: number, value: number): Array<[number, number]> =>
  Array.from({ length: (hours * 60) / 5 }, (_, index) => [index * 5, value]);

const emfScenario = (description: string, run: () => Promise<EmfLine[]>): Scenario => ({
  description,
  samples: async () => samplesFromEmf(await run()),
});

const functionAlarms = (name: string, event: string): Record<string, { fires: Scenario; quiet: Scenario }> => ({
  [`${name}-Errors`]: {
    fires: awsMetric(`one failed ${event} (Errors 1 in one period, nothing else all day)`, [[0, 1]]),
    quiet: awsMetric(`a day of ${event}s that all succeed (Errors 0 every 5 minutes)`, everyFiveMinutes(24, 0)),
  },
  [`${name}-Throttles`]: {
    fires: awsMetric(`one throttled ${event}`, [[0, 1]]),
    quiet: awsMetric(`a day of ${event}s never throttled (Throttles 0)`, everyFiveMinutes(24, 0)),
  },
});

const queueAlarms = (name: string, maxAgeSeconds: number): Record<string, { fires: Scenario; quiet: Scenario }> => ({
  [`${name}-DeadLetters`]: {
    fires: awsMetric('one message moved to the dead-letter queue', [[0, 0], [5, 1], [10, 1]]),
    quiet: awsMetric('an empty dead-letter queue all day', everyFiveMinutes(24, 0)),
  },
  [`${name}-OldestMessage`]: {
    fires: awsMetric(`a message waiting ${maxAgeSeconds + 300} s`, [[0, maxAgeSeconds - 600], [5, maxAgeSeconds + 300]]),
    quiet: awsMetric(`a backlog that drains: oldest message at most ${maxAgeSeconds - 60} s`, [[0, 60], [5, maxAgeSeconds - 60], [10, 30]]),
  },
});

const SCENARIOS: Record<string, { fires: Scenario; quiet: Scenario }> = {
  // First: its quiet scenario is the fresh deploy, before any other scenario stores an article.
  SourcesStale: {
    fires: emfScenario('a source whose last new article was stored 13 hours ago (limit 12); then a dispatch tick', async () => {
      // The health object is dropped, so the tick folds the last 24 hours of the ledger, as on a first deploy.
      await store.delete(SOURCE_HEALTH_KEY);
      const outcome = { url: site.pages[2]!.url, runId: 'alarm', sourceId: 'sample-tuoitre', state: 'stored' as const, missing: [] };
      await recordOutcomes(store, [outcome], new Date(Date.now() - 13 * HOUR), 'stale-source');
      return dispatchTick();
    }),
    quiet: emfScenario('a fresh deploy (no source has stored anything yet): a dispatch tick', () => dispatchTick()),
  },
  FeedsFailed: {
    fires: emfScenario('fetch-feed polls a feed that answers 404', () => ingest([feedJob('/gone/feed.xml', 'sample-baodanang')])),
    quiet: emfScenario('fetch-feed polls a healthy feed and one answering 503 (retried through SQS, not permanent)', () =>
      ingest([feedJob(site.feeds[0]!.url, site.feeds[0]!.sourceId), feedJob('/busy/feed.xml', 'sample-baodanang')]),
    ),
  },
  ArticlesFailed: {
    fires: emfScenario('process-article gets an article of a source missing from the config (permanent)', async () => {
      const record = syntheticRecord('unknown', JSON.stringify(articleJob(site.pages[0]!.url, 'not-configured')), articleQueue.arn);
      return (await capturingEmf(() => handlers.processArticle({ Records: [record] }, lambdaContext('process-article')))).emf;
    }),
    quiet: emfScenario('process-article gets a 503 article (retryable) and a good one', async () => {
      const records = [
        syntheticRecord('busy', JSON.stringify(articleJob(`${site.origin}/busy/article.html`, 'sample-baodanang')), articleQueue.arn),
        syntheticRecord('good', JSON.stringify(articleJob(site.pages[0]!.url, site.pages[0]!.sourceId)), articleQueue.arn),
      ];
      return (await capturingEmf(() => handlers.processArticle({ Records: records }, lambdaContext('process-article')))).emf;
    }),
  },
  SourcesDrifting: {
    fires: emfScenario(
      `a source's 6 new articles all lose their byline while its feed lists ${OLD_ITEMS} unchanged items; then a dispatch tick`,
      async () => {
        await forgetSourceHealth(DRIFT_SOURCE);
        driftFeedNewPages = driftPages().slice(6, 12);
        bylinesRemoved = true;
        const emf = await ingest([feedJob('/drift/feed.xml', DRIFT_SOURCE)], 6);
        return [...emf, ...(await dispatchTick())];
      },
    ),
    quiet: emfScenario(`the same source's 6 new articles keep their byline (${OLD_ITEMS} unchanged items listed too); then a dispatch tick`, async () => {
      driftFeedNewPages = driftPages().slice(0, 6);
      bylinesRemoved = false;
      const emf = await ingest([feedJob('/drift/feed.xml', DRIFT_SOURCE)], 6);
      return [...emf, ...(await dispatchTick())];
    }),
  },
  ...queueAlarms('FeedQueue', 3600),
  ...queueAlarms('ArticleQueue', 3 * 3600),
  'Schedules-DeadLetters': {
    fires: awsMetric('the Scheduler could not invoke dispatch (or a daily compaction or reconciliation failed all its retries)', [[0, 1]]),
    quiet: awsMetric('every scheduled invocation delivered', everyFiveMinutes(24, 0)),
  },
  ...functionAlarms('Dispatch', 'dispatch tick'),
  ...functionAlarms('FetchFeed', 'feed batch'),
  ...functionAlarms('ProcessArticle', 'article batch'),
  ...functionAlarms('Compact', 'daily compaction'),
  ...functionAlarms('Reconcile', 'daily reconciliation of feed states'),
  'Reextract-Throttles': {
    fires: awsMetric('a backfill throttled in three consecutive 5-minute periods (stuck)', [[0, 12], [5, 30], [10, 8]]),
    quiet: awsMetric('a burst of 40 throttles in one period, retried by the map with backoff', [[0, 40], [5, 0], [10, 0], [15, 0]]),
  },
  'Reextract-ExecutionsFailed': {
    fires: awsMetric('one failed re-extraction execution', [[0, 1]]),
    quiet: awsMetric('no execution failed (the metric has no datapoint)', []),
  },
  RunLedgerUnbalanced: {
    fires: emfScenario(
      "an article queued today answers 503 until the dead-letter queue takes it; today's ledger is summarized after the day",
      async () => {
        await store.delete(dailySummaryKey(today()));
        driftFeedNewPages = [{ title: 'Bài không tới', url: `${site.origin}/busy/lost-article.html`, publishedAt: new Date() } as SamplePage];
        const emf = await ingest([feedJob('/drift/feed.xml', DRIFT_SOURCE)], 1);
        return [...emf, ...(await summarizeToday(false))];
      },
    ),
    quiet: emfScenario("today's ledger after the scenarios above (every queued article reached a final state), summarized after the day", () =>
      summarizeToday(true),
    ),
  },
  'Reextract-ExecutionsTimedOut': {
    fires: awsMetric('one re-extraction execution timed out', [[0, 1]]),
    quiet: awsMetric('no execution timed out (the metric has no datapoint)', []),
  },
};

const today = (): string => new Date().toISOString().slice(0, 10);

/**
 * A dispatch tick the day after today, past the grace hours: it writes today's run-ledger summary. Checks
 * that the summary's counts add up, and whether it balanced.
 */
async function summarizeToday(expectBalanced: boolean): Promise<EmfLine[]> {
  const nextDay = new Date(Date.parse(`${today()}T00:00:00Z`) + 24 * HOUR + 4 * HOUR).toISOString();
  const { result, emf } = await capturingEmf(() => handlers.dispatch({ scheduledTime: nextDay }, lambdaContext('dispatch'), () => undefined) as Promise<DispatchResult>);
  await drain(sqs, feedQueue.url);
  expect(result.ledgerSummary).toMatchObject({ date: today(), balanced: expectBalanced });
  const summary = JSON.parse((await store.get(dailySummaryKey(today())))!.toString('utf8')) as DailyRunSummary;
  expect(summary.listings).toBe(summary.listedAsBefore + summary.duplicates + summary.queuedListings);
  const finalStates = Object.values(summary.states).reduce((sum: number, count) => sum + (count ?? 0), 0);
  expect(summary.queuedUrls).toBe(finalStates + summary.unaccounted.length);
  expect(summary.queuedUrls).toBeGreaterThan(0);
  return emf;
}

/** Clears one source's health (its quiet scenario's articles), as if it had stored nothing before. */
async function forgetSourceHealth(sourceId: string): Promise<void> {
  const state = (await loadHealthState(store))!;
  delete state.sources[sourceId];
  await saveHealthState(store, state);
}

function driftPages(): SamplePage[] {
  return site.pages.filter((page) => page.sourceId === DRIFT_SOURCE);
}

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'news-ingest-alarms-cdk-'));
  const app = new App({ outdir, context: { ...FEATURE_FLAGS } });
  const settings = readDeploySettings(app.node);
  const stack = new NewsIngestStack(app, 'NewsIngest', { settings, config: await loadConfig(join(projectRoot, settings.configPath)), projectRoot });
  const template = Template.fromStack(stack).toJSON() as Parameters<typeof alarmRulesFromTemplate>[0];
  rules = alarmRulesFromTemplate(template);

  const dispatchEnv = Object.values(template.Resources).find(
    (resource) => resource.Type === 'AWS::Lambda::Function' && resource.Properties.Environment?.Variables?.NEWS_INGEST_STALE_AFTER_HOURS !== undefined,
  )!.Properties.Environment.Variables as Record<string, string>;

  moto = await startMoto();
  await createTestBucket(moto.endpoint, BUCKET, { versioning: true });
  sqs = new SQSClient({ endpoint: moto.endpoint, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  feedQueue = await createFifoQueue(sqs, 'alarm-feeds');
  articleQueue = await createFifoQueue(sqs, 'alarm-articles');
  site = await createSampleSite({
    // Twelve pages of the drift source: six for each drift scenario.
    articles: 108,
    extras: false,
    mutate: (_page, html) => (bylinesRemoved ? stripBylines(html) : html),
    intercept: (request, response) => {
      if (request.url === '/drift/feed.xml') {
        response.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(driftFeedXml());
        return true;
      }
      if (request.url?.startsWith('/busy/')) {
        response.writeHead(503, { 'content-type': 'text/plain' }).end('busy\n');
        return true;
      }
      return false;
    },
  });
  workDir = await mkdtemp(join(tmpdir(), 'news-ingest-alarms-'));
  const configPath = join(workDir, 'feeds.json');
  await writeFile(configPath, JSON.stringify(site.config()));
  store = new S3ObjectStore({ bucket: BUCKET, endpoint: moto.endpoint, forcePathStyle: true, region: REGION });
  handlers = await pipelineHandlers({
    motoEndpoint: moto.endpoint,
    bucket: BUCKET,
    configPath,
    feedQueueUrl: feedQueue.url,
    articleQueueUrl: articleQueue.url,
    // The deployed dispatch's health rules, as synthesized.
    staleAfterHours: dispatchEnv.NEWS_INGEST_STALE_AFTER_HOURS!,
    driftThresholdPercent: dispatchEnv.NEWS_INGEST_DRIFT_THRESHOLD_PERCENT!,
    logLevel: 'ERROR',
  });
  // The drift source's feed first lists only its old items, as it did before: they are the ones
  // "listed exactly as before" in both drift scenarios.
  await seedOldItems();
}, 180_000);

/**
 * The drift source's feed first lists only its old items, as it did for months: they are stored (their
 * article messages are not this test's concern, so the feed state is saved by fetchFeed directly) and
 * are "listed exactly as before" in both drift scenarios.
 */
async function seedOldItems(): Promise<void> {
  driftFeedNewPages = [];
  const { pipelineDeps } = await import('../../functions/runtime.ts');
  const seeded = await fetchFeed(feedJob('/drift/feed.xml', DRIFT_SOURCE), await pipelineDeps());
  expect(seeded.status).toBe('fetched');
  expect(seeded.articles).toHaveLength(OLD_ITEMS);
}

afterAll(async () => {
  sqs?.destroy();
  await site?.close();
  await moto?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe('alarm scenarios', () => {
  it('every alarm in the synthesized template has a scenario that fires it and one that does not', () => {
    const names = [...rules.keys()].map((name) => name.replace(/^NewsIngest-/, '')).sort();
    expect(names).toEqual(Object.keys(SCENARIOS).sort());
  });

  // Quiet first where a scenario relies on an empty store (the fresh deploy).
  const order = Object.entries(SCENARIOS).flatMap(([alarm, { fires, quiet }]) => [
    { alarm, expectFire: false, scenario: quiet },
    { alarm, expectFire: true, scenario: fires },
  ]);
  it.each(order)('$alarm: $scenario.description → fires $expectFire', async ({ alarm, expectFire, scenario }) => {
    const rule = rules.get(`NewsIngest-${alarm}`);
    expect(rule, alarm).toBeDefined();
    const samples = await scenario.samples(rule!);
    const own = samples.filter((sample) => sample.metricName === rule!.metricName);
    const times = samples.length > 0 ? samples.map((sample) => sample.timestamp) : [T0];
    const from = Math.min(...times) - HOUR;
    const to = Math.max(...times) + 26 * HOUR;
    const result = simulate(rule!, samples, from, to);
    expect(result.fired, `${alarm} (${own.length} datapoints of ${rule!.metricName})`).toBe(expectFire);
    if (expectFire) expect(own.length).toBeGreaterThan(0);
  }, 60_000);
});
