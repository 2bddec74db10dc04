import type { Context, Handler } from 'aws-lambda';
import { CloudEnv, CloudEnvError, requireEnv, type Env } from '../lib/pipeline/cloud-deps.ts';
import { discoverDueFeeds, newRunId } from '../lib/pipeline/discover.ts';
import { dayToSummarize, writeDailySummaryOnce } from '../lib/pipeline/run-ledger.ts';
import {
  DRIFT_MIN_ARTICLES,
  DRIFT_WINDOW_HOURS,
  judgeSource,
  updateSourceHealth,
  type HealthRules,
  type SourceVerdict,
} from '../lib/pipeline/source-health.ts';
import type { PipelineDeps } from '../lib/pipeline/types.ts';
import { DRIFT_FIELDS, MetricNames } from './metric-names.ts';
import { deduplicationIdFor, hostGroupId, sendFifoMessages } from './queue.ts';
import { InvocationMetrics, logger, pipelineDeps, sqs } from './runtime.ts';

/**
 * The input the stack's EventBridge Scheduler target sends (ScheduleTargetInput with context attributes).
 * A hand-started invocation may send `{}`.
 */
export interface DispatchEvent {
  scheduleArn?: string;
  scheduledTime?: string;
  executionId?: string;
}

export interface DispatchResult {
  runId: string;
  feedsQueued: number;
  sourcesStale: string[];
  sourcesDrifting: string[];
  /** The UTC day whose run ledger this tick summarized (once per day), and whether it added up. */
  ledgerSummary?: { date: string; balanced: boolean; unaccounted: number };
}

/** A day is summarized this long after it ended: articles queued before midnight are done by then. */
const LEDGER_GRACE_HOURS = 3;

export class BadDispatchEventError extends Error {
  override readonly name = 'BadDispatchEventError';
}

/** The schedule tick this invocation is for: the Scheduler's scheduled time, or now when started by hand. */
export function tickOf(event: DispatchEvent, now: Date): Date {
  if (event.scheduledTime === undefined) return now;
  const scheduled = new Date(event.scheduledTime);
  if (Number.isNaN(scheduled.getTime())) {
    throw new BadDispatchEventError(`scheduledTime ${JSON.stringify(event.scheduledTime)} is not an ISO 8601 time`);
  }
  return scheduled;
}

/**
 * One run per scheduled time: a retried invocation of the same tick gets the same run id, so the
 * feed queue's deduplication drops the messages the first attempt already sent.
 */
export function runIdFor(event: DispatchEvent, now: Date): string {
  if (event.scheduledTime === undefined) return newRunId(now);
  return `${tickOf(event, now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-scheduled`;
}

function healthRulesFromEnv(env: Env): HealthRules {
  const number = (name: string): number => {
    const value = Number(requireEnv(env, name));
    if (!Number.isFinite(value) || value <= 0) throw new CloudEnvError(`${name} must be a positive number, got ${JSON.stringify(env[name])}`);
    return value;
  };
  return {
    staleAfterHours: number(CloudEnv.staleAfterHours),
    driftThresholdPercent: number(CloudEnv.driftThresholdPercent),
    driftWindowHours: DRIFT_WINDOW_HOURS,
    driftMinArticles: DRIFT_MIN_ARTICLES,
  };
}

/**
 * Every configured source's freshness and drift, after folding the run ledger process-article wrote since
 * the last tick (its raw page batches' manifests and outcomes objects) into the one health object.
 */
async function judgeSources(deps: PipelineDeps, rules: HealthRules): Promise<SourceVerdict[]> {
  const now = deps.clock();
  const { state, unreadable } = await updateSourceHealth(deps.store, {
    now,
    sourceIds: deps.config.sources.map((source) => source.id),
    watchedFields: DRIFT_FIELDS,
  });
  for (const error of unreadable) logger.error('run-ledger outcomes not counted in source health', { error });
  return deps.config.sources.map((source) => judgeSource(source.id, state.sources[source.id] ?? null, rules, now));
}

export const handler: Handler<DispatchEvent, DispatchResult> = async (event: DispatchEvent, context: Context) => {
  logger.addContext(context);
  const deps = await pipelineDeps();
  const queueUrl = requireEnv(process.env, CloudEnv.feedQueueUrl);
  const rules = healthRulesFromEnv(process.env);
  const runId = runIdFor(event ?? {}, deps.clock());
  const tick = tickOf(event ?? {}, deps.clock());
  const jobs = await discoverDueFeeds(deps, runId, { tickAt: tick });
  await sendFifoMessages(
    sqs(),
    queueUrl,
    jobs.map((job) => ({
      body: JSON.stringify(job),
      groupId: hostGroupId(job.feedUrl),
      deduplicationId: deduplicationIdFor(job.runId, job.feedUrl),
    })),
  );

  const verdicts = await judgeSources(deps, rules);
  const stale = verdicts.filter((verdict) => verdict.stale);
  const drifting = verdicts.filter((verdict) => verdict.drifting);
  // Published on every tick, 0 included: the alarms see a healthy datapoint, not silence.
  const invocationMetrics = new InvocationMetrics();
  invocationMetrics.count(MetricNames.SourcesStale, stale.length);
  invocationMetrics.count(MetricNames.SourcesDrifting, drifting.length);
  for (const verdict of [...stale, ...drifting]) logger.warn('source unhealthy', { ...verdict });

  const summary = await writeDailySummaryOnce(deps.store, dayToSummarize(tick, LEDGER_GRACE_HOURS));
  if (summary !== null) {
    invocationMetrics.count(MetricNames.RunLedgerUnaccounted, summary.unaccounted.length);
    const log = summary.balanced ? logger.info.bind(logger) : logger.error.bind(logger);
    log('run ledger day summarized', { ...summary, unaccounted: summary.unaccounted.slice(0, 50) });
  }
  invocationMetrics.publish();

  logger.info('dispatched due feeds', { runId, feedsQueued: jobs.length, scheduleArn: event?.scheduleArn });
  return {
    runId,
    feedsQueued: jobs.length,
    sourcesStale: stale.map((verdict) => verdict.sourceId),
    sourcesDrifting: drifting.map((verdict) => verdict.sourceId),
    ...(summary !== null ? { ledgerSummary: { date: summary.date, balanced: summary.balanced, unaccounted: summary.unaccounted.length } } : {}),
  };
};
