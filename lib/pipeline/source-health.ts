import * as z from '../schema/zod.ts';
import type { ObjectStore } from '../store/types.ts';
import { batchesHourPrefix, ledgerWrittenAt, outcomesHourPrefix, readLedgerEvents } from './run-ledger.ts';

/**
 * Per-source freshness and extraction drift, judged from one state object instead of per-source
 * CloudWatch metrics. A custom metric costs $0.30 a month for every source (and a per-source alarm $0.10
 * more), so per-source metrics make the fixed cost grow with every source. Dispatch publishes two numbers
 * (sources stale, sources drifting) and logs which sources, whatever the number of sources.
 *
 * process-article writes nothing for it: its run ledger (run-ledger.ts) records each new article with its
 * source and the fields it lacked, in the manifest of its raw page batch (or, when the write went otherwise,
 * in its outcomes object). On every tick dispatch folds the ledger objects written since its last tick into
 * `state/source-health.json`, which holds every source's hourly counts and where the fold stands, and judges
 * every source from it: one GET and one PUT per tick whatever the number of sources, two LISTs per hour of
 * ledger keys the fold looks at (outcome and batch keys start with the time they were written), and a GET per
 * ledger object, i.e. about one per process-article invocation. A batch entry that its invocation's outcomes
 * object corrects is left out when both are folded in the same tick; otherwise (an article that lost a race
 * or failed after its page was stored, folded a tick apart) it counts once too often: rare, and health only
 * judges hours of new articles.
 *
 * A ledger key is named when it is written but is listed only once its PUT completes, so it can show up
 * after a key named later. Each fold therefore lists again from FOLD_OVERLAP_MS before it ran and skips
 * the keys of that overlap it already counted: a PUT cannot outlast process-article's timeout (2 minutes;
 * tests/infra checks it stays below the overlap), so every ledger object is counted exactly once.
 *
 * Only new articles (state `stored`) count: an article a feed lists exactly as before is never fetched
 * again, so it says nothing about today's template, and one stored earlier and now re-checked
 * (`unchanged`, `updated`) reflects a page that may be days old.
 *
 * Writer: dispatch only. Each fold is computed from the state it read, so when two dispatches overlap
 * (a retry, one started by hand) whichever writes last leaves a consistent state and the next fold goes on
 * from it: nothing is counted twice.
 */

export const SOURCE_HEALTH_KEY = 'state/source-health.json';

/** Longer than an outcomes PUT can take (process-article's timeout) plus the clock difference of two Lambdas. */
export const FOLD_OVERLAP_MS = 5 * 60_000;

/** Hourly buckets kept: enough for the longest freshness window (24 h) and the drift window. */
const BUCKET_HOURS_KEPT = 24;
const HOUR_MS = 3_600_000;

const SourceHealthSchema = z.strictObject({
  /** When this source first stored a new article: a source is judged stale only after a full window. */
  firstStoredAt: z.string(),
  lastStoredAt: z.string(),
  /** New articles stored per UTC hour ("2026-09-05T15"), and how many lacked a watched field. */
  hours: z.array(z.strictObject({ hour: z.string(), stored: z.number(), incomplete: z.number() })),
});
export type SourceHealth = z.infer<typeof SourceHealthSchema>;

const HealthStateSchema = z.strictObject({
  /** The next fold lists the outcomes keys written from this time on... */
  foldedFrom: z.string(),
  /** ...and skips these of them, already counted. */
  foldedKeys: z.array(z.string()),
  /** By source id: configured sources that stored a new article. */
  sources: z.record(z.string(), SourceHealthSchema),
});
export type HealthState = z.infer<typeof HealthStateSchema>;

export async function loadHealthState(store: ObjectStore): Promise<HealthState | null> {
  const bytes = await store.get(SOURCE_HEALTH_KEY);
  if (bytes === null) return null;
  const result = HealthStateSchema.safeParse(JSON.parse(bytes.toString('utf8')));
  if (!result.success) throw new Error(`source health ${SOURCE_HEALTH_KEY} in ${store.description} is invalid: ${z.describeIssues(result.error.issues)}`);
  return result.data;
}

export async function saveHealthState(store: ObjectStore, state: HealthState): Promise<void> {
  await store.put(SOURCE_HEALTH_KEY, JSON.stringify(state), { contentType: 'application/json; charset=utf-8' });
}

const hourOf = (at: Date): string => at.toISOString().slice(0, 13);

export interface FoldOptions {
  now: Date;
  /** The configured sources: outcomes of other sources are not kept. */
  sourceIds: readonly string[];
  /** A new article lacking one of these fields counts as incomplete. */
  watchedFields: readonly string[];
}

export interface FoldResult {
  state: HealthState;
  /** Ledger objects (outcomes objects, raw page batches) counted by this fold. */
  folded: number;
  /** Ledger objects that could not be parsed (skipped for good; the error says why). */
  unreadable: string[];
}

/** Ledger keys (outcomes objects, raw page batches) written at or after `from` (as far as `now`'s hour), with their times. */
async function ledgerKeysSince(store: ObjectStore, from: Date, now: Date): Promise<Array<{ key: string; at: Date }>> {
  const keys: Array<{ key: string; at: Date }> = [];
  for (let hour = Math.floor(from.getTime() / HOUR_MS) * HOUR_MS; hour <= now.getTime(); hour += HOUR_MS) {
    for (const prefix of [outcomesHourPrefix(new Date(hour)), batchesHourPrefix(new Date(hour))]) {
      for await (const key of store.list(prefix)) {
        const at = ledgerWrittenAt(key);
        if (at !== null && at >= from) keys.push({ key, at });
      }
    }
  }
  return keys;
}

/**
 * Adds the ledger objects written since `previous` (at most the last 24 hours) to it and drops hours
 * older than 24. A failed read throws (nothing is saved: the next tick folds them again).
 */
export async function foldOutcomes(store: ObjectStore, previous: HealthState | null, options: FoldOptions): Promise<FoldResult> {
  const { now } = options;
  // No further back than the hours kept, however long dispatch did not run.
  const lookBack = now.getTime() - BUCKET_HOURS_KEPT * HOUR_MS;
  const from = new Date(Math.max(lookBack, previous === null ? lookBack : Date.parse(previous.foldedFrom)));
  const counted = new Set(previous?.foldedKeys ?? []);
  const listed = await ledgerKeysSince(store, from, now);
  const fresh = listed.filter(({ key }) => !counted.has(key));
  const { events, unreadable } = await readLedgerEvents(store, fresh);

  const configured = new Set(options.sourceIds);
  const sources = new Map(Object.entries(structuredClone(previous?.sources ?? {})).filter(([sourceId]) => configured.has(sourceId)));
  for (const { at, ...entry } of events) {
    if (entry.state !== 'stored' || !configured.has(entry.sourceId)) continue;
    const iso = at.toISOString();
    const health = sources.get(entry.sourceId) ?? { firstStoredAt: iso, lastStoredAt: iso, hours: [] };
    if (iso < health.firstStoredAt) health.firstStoredAt = iso;
    if (iso > health.lastStoredAt) health.lastStoredAt = iso;
    const hour = hourOf(at);
    let bucket = health.hours.find((candidate) => candidate.hour === hour);
    if (bucket === undefined) {
      bucket = { hour, stored: 0, incomplete: 0 };
      health.hours.push(bucket);
    }
    bucket.stored += 1;
    if ((entry.missing ?? []).some((field) => options.watchedFields.includes(field))) bucket.incomplete += 1;
    sources.set(entry.sourceId, health);
  }

  const oldestHour = hourOf(new Date(now.getTime() - (BUCKET_HOURS_KEPT - 1) * HOUR_MS));
  for (const health of sources.values()) {
    health.hours = health.hours.filter((bucket) => bucket.hour >= oldestHour).sort((a, b) => a.hour.localeCompare(b.hour));
  }
  // Never behind where this fold started: keys before it were not listed now, so they cannot be told apart.
  const foldedFrom = new Date(Math.max(from.getTime(), now.getTime() - FOLD_OVERLAP_MS));
  return {
    state: {
      foldedFrom: foldedFrom.toISOString(),
      foldedKeys: listed.filter(({ at }) => at >= foldedFrom).map(({ key }) => key),
      sources: Object.fromEntries(sources),
    },
    folded: fresh.length,
    unreadable,
  };
}

/** Folds the outcomes written since the last tick into the health state and saves it; returns the new state. */
export async function updateSourceHealth(store: ObjectStore, options: FoldOptions): Promise<FoldResult> {
  const result = await foldOutcomes(store, await loadHealthState(store), options);
  await saveHealthState(store, result.state);
  return result;
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

/** The verdict on one source from its health (null: it never stored a new article). */
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
