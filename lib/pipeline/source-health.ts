import * as z from '../schema/zod.ts';
import type { ObjectStore } from '../store/types.ts';
import type { ArticleOutcome } from './types.ts';

/**
 * Per-source freshness and extraction drift, judged from a small state object per source instead of
 * per-source CloudWatch metrics. A custom metric costs $0.30 a month for every source (and a per-source
 * alarm $0.10 more), so per-source metrics make the fixed cost grow with every source; this object costs
 * one GET and one PUT per process-article batch that stored a new article, and dispatch reads it once
 * per source and tick. Dispatch then publishes two numbers (sources stale, sources drifting) and logs
 * which sources, whatever the number of sources.
 *
 * Only new articles (state `stored`) count: an article a feed lists exactly as before is never fetched
 * again, so it says nothing about today's template, and one stored earlier and now re-checked
 * (`unchanged`, `updated`) reflects a page that may be days old.
 *
 * Writers: process-article only. Its queue's message group is the article's host, so one host's
 * articles are never in two invocations at once; a source whose articles live on several hosts can
 * lose a concurrent update, which only leaves its counts a little low.
 */

/** Hourly buckets kept: enough for the longest freshness window (24 h) and the drift window. */
const BUCKET_HOURS_KEPT = 24;
const HOUR_MS = 3_600_000;

const HealthSchema = z.strictObject({
  sourceId: z.string().check(z.minLength(1)),
  /** When this source first stored a new article: a source is judged stale only after a full window. */
  firstStoredAt: z.string(),
  lastStoredAt: z.string(),
  /** New articles stored per UTC hour ("2026-09-05T15"), and how many lacked a watched field. */
  hours: z.array(z.strictObject({ hour: z.string(), stored: z.number(), incomplete: z.number() })),
});
export type SourceHealth = z.infer<typeof HealthSchema>;

export function sourceHealthKey(sourceId: string): string {
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(sourceId)) throw new Error(`invalid source id ${JSON.stringify(sourceId)} for a health key`);
  return `state/health/${sourceId}.json`;
}

export async function loadSourceHealth(store: ObjectStore, sourceId: string): Promise<SourceHealth | null> {
  const key = sourceHealthKey(sourceId);
  const bytes = await store.get(key);
  if (bytes === null) return null;
  const result = HealthSchema.safeParse(JSON.parse(bytes.toString('utf8')));
  if (!result.success) throw new Error(`source health ${key} in ${store.description} is invalid: ${z.describeIssues(result.error.issues)}`);
  return result.data;
}

const hourOf = (at: Date): string => at.toISOString().slice(0, 13);

/**
 * Adds the new articles among `outcomes` (incomplete: one of `watchedFields` missing) to each source's
 * health object. Outcomes of other states change nothing and cost no request.
 */
export async function recordNewArticles(
  store: ObjectStore,
  outcomes: readonly ArticleOutcome[],
  watchedFields: readonly string[],
  now: Date,
): Promise<void> {
  const bySource = new Map<string, { stored: number; incomplete: number }>();
  for (const outcome of outcomes) {
    if (outcome.state !== 'stored') continue;
    const counts = bySource.get(outcome.job.sourceId) ?? { stored: 0, incomplete: 0 };
    counts.stored += 1;
    if (outcome.missing.some((field) => watchedFields.includes(field))) counts.incomplete += 1;
    bySource.set(outcome.job.sourceId, counts);
  }
  for (const [sourceId, counts] of bySource) {
    const previous = await loadSourceHealth(store, sourceId);
    const hour = hourOf(now);
    const oldest = hourOf(new Date(now.getTime() - (BUCKET_HOURS_KEPT - 1) * HOUR_MS));
    const hours = (previous?.hours ?? []).filter((bucket) => bucket.hour >= oldest);
    const current = hours.find((bucket) => bucket.hour === hour);
    if (current) {
      current.stored += counts.stored;
      current.incomplete += counts.incomplete;
    } else {
      hours.push({ hour, ...counts });
    }
    const health: SourceHealth = {
      sourceId,
      firstStoredAt: previous?.firstStoredAt ?? now.toISOString(),
      lastStoredAt: now.toISOString(),
      hours,
    };
    await store.put(sourceHealthKey(sourceId), JSON.stringify(health), { contentType: 'application/json; charset=utf-8' });
  }
}

/** Drift is judged over the last six hours, once a source stored at least five new articles in them. */
export const DRIFT_WINDOW_HOURS = 6;
export const DRIFT_MIN_ARTICLES = 5;

export interface HealthRules {
  /** Stale: no new article for this long (after a first one, and a full window since it). */
  staleAfterHours: number;
  driftWindowHours: number;
  /** Drifting: more than this share (percent) of the window's new articles lack a watched field... */
  driftThresholdPercent: number;
  /** ...judged only once the window holds this many new articles. */
  driftMinArticles: number;
}

export interface SourceVerdict {
  sourceId: string;
  stale: boolean;
  drifting: boolean;
  hoursSinceNewArticle: number | null;
  /** New articles in the drift window and the share of them lacking a watched field. */
  windowArticles: number;
  incompletePercent: number | null;
}

/** The verdict on one source from its health object (null: it never stored a new article). */
export function judgeSource(sourceId: string, health: SourceHealth | null, rules: HealthRules, now: Date): SourceVerdict {
  if (health === null) {
    // Never stored anything: a fresh deploy or a new source is not stale; a broken feed alarms as FeedsFailed.
    return { sourceId, stale: false, drifting: false, hoursSinceNewArticle: null, windowArticles: 0, incompletePercent: null };
  }
  const staleMs = rules.staleAfterHours * HOUR_MS;
  const sinceLast = now.getTime() - new Date(health.lastStoredAt).getTime();
  const monitoredLongEnough = now.getTime() - new Date(health.firstStoredAt).getTime() >= staleMs;
  const windowStart = hourOf(new Date(now.getTime() - (rules.driftWindowHours - 1) * HOUR_MS));
  let windowArticles = 0;
  let incomplete = 0;
  for (const bucket of health.hours) {
    if (bucket.hour < windowStart) continue;
    windowArticles += bucket.stored;
    incomplete += bucket.incomplete;
  }
  const incompletePercent = windowArticles === 0 ? null : (100 * incomplete) / windowArticles;
  return {
    sourceId,
    stale: monitoredLongEnough && sinceLast >= staleMs,
    drifting: windowArticles >= rules.driftMinArticles && incompletePercent !== null && incompletePercent > rules.driftThresholdPercent,
    hoursSinceNewArticle: sinceLast / HOUR_MS,
    windowArticles,
    incompletePercent,
  };
}
