import type { Node } from 'constructs';

/** Deployment choices read from CDK context (`cdk.json` "context" or `cdk deploy -c key=value`). */
export interface DeploySettings {
  /** EventBridge Scheduler expression for the dispatch run, e.g. "rate(15 minutes)". */
  scheduleExpression: string;
  /** Alarm notifications go to this address when set (a subscription the owner must confirm). */
  alarmEmail: string | null;
  /** raw/ pages (kept for re-extraction) are deleted after this many days. */
  rawRetentionDays: number;
  /** Older article revisions (noncurrent versions) are deleted after this many days. */
  revisionRetentionDays: number;
  /** Alarm when a source stores no new article for this long. */
  noNewArticlesHours: number;
  /** Alarm when more than this share (percent) of a source's articles lack publishedAt or authors. */
  driftThresholdPercent: number;
  /** The ingest config bundled into the functions and used for per-source alarms. */
  configPath: string;
  /**
   * First day (yyyy-MM-dd) of the Athena `date` partition projection: partitions before it are invisible
   * to queries, so it must precede the oldest article in the archive.
   */
  datasetFirstDate: string;
  /** Pages the re-extraction map processes at once (its MaxConcurrency). */
  reextractConcurrency: number;
  /** Concurrency reserved for the re-extraction function (0: none; see docs/deploy.md for small accounts). */
  reextractReservedConcurrency: number;
}

export const DEFAULT_SETTINGS: Readonly<DeploySettings> = Object.freeze({
  scheduleExpression: 'rate(15 minutes)',
  alarmEmail: null,
  rawRetentionDays: 365,
  revisionRetentionDays: 365,
  noNewArticlesHours: 12,
  driftThresholdPercent: 50,
  configPath: 'config/feeds.json',
  // Before Vietnamese news went online (the oldest national sites date from the late 1990s): the archive
  // fits whatever dates a backfill brings. Projection only enumerates the days a query's filter selects.
  datasetFirstDate: '1990-01-01',
  reextractConcurrency: 5,
  reextractReservedConcurrency: 5,
});

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

const SCHEDULE_PATTERN = /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Reads and checks every setting; a bad value names the context key and what it should be. */
export function readDeploySettings(node: Node): DeploySettings {
  const scheduleExpression = stringContext(node, 'schedule') ?? DEFAULT_SETTINGS.scheduleExpression;
  if (!SCHEDULE_PATTERN.test(scheduleExpression)) {
    throw new SettingsError(`context "schedule" must be rate(N minutes|hours|days) or cron(...), got "${scheduleExpression}"`);
  }
  const alarmEmail = stringContext(node, 'alarmEmail') ?? null;
  if (alarmEmail !== null && !EMAIL_PATTERN.test(alarmEmail)) {
    throw new SettingsError(`context "alarmEmail" must be an e-mail address, got "${alarmEmail}"`);
  }
  const reextractConcurrency = intContext(node, 'reextractConcurrency', DEFAULT_SETTINGS.reextractConcurrency, 1, 1000);
  return {
    scheduleExpression,
    alarmEmail,
    rawRetentionDays: intContext(node, 'rawRetentionDays', DEFAULT_SETTINGS.rawRetentionDays, 31, 36500),
    revisionRetentionDays: intContext(node, 'revisionRetentionDays', DEFAULT_SETTINGS.revisionRetentionDays, 1, 36500),
    // A CloudWatch alarm looks back at most one day.
    noNewArticlesHours: intContext(node, 'noNewArticlesHours', DEFAULT_SETTINGS.noNewArticlesHours, 1, 24),
    driftThresholdPercent: intContext(node, 'driftThresholdPercent', DEFAULT_SETTINGS.driftThresholdPercent, 1, 100),
    configPath: stringContext(node, 'configPath') ?? DEFAULT_SETTINGS.configPath,
    datasetFirstDate: dayContext(node, 'datasetFirstDate', DEFAULT_SETTINGS.datasetFirstDate),
    reextractConcurrency,
    reextractReservedConcurrency: intContext(node, 'reextractReservedConcurrency', reextractConcurrency, 0, 1000),
  };
}

function dayContext(node: Node, key: string, fallback: string): string {
  const value = stringContext(node, key) ?? fallback;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new SettingsError(`context "${key}" must be a day as yyyy-MM-dd, got "${value}"`);
  }
  return value;
}

function stringContext(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new SettingsError(`context "${key}" must be a string, got ${JSON.stringify(value)}`);
  return value;
}

function intContext(node: Node, key: string, fallback: number, min: number, max: number): number {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return fallback;
  // `-c key=30` arrives as the string "30".
  const parsed = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof parsed !== 'number' || !Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new SettingsError(`context "${key}" must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

/**
 * CDK feature flags this app depends on, passed as App context (tests build the app the same way).
 * Access logs are delivered under a bucket policy rather than the legacy LogDeliveryWrite ACL, so both
 * buckets can keep ACLs disabled (BucketOwnerEnforced).
 */
export const FEATURE_FLAGS: Readonly<Record<string, boolean>> = Object.freeze({
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
});
