import pLimit from 'p-limit';
import { runKey } from '../store/keys.ts';
import type { ObjectStore } from '../store/types.ts';
import type { ArticleOutcome, FeedOutcome, ItemState } from './types.ts';

/**
 * The cloud's run ledger: what every feed poll listed and what became of each queued article, so a day's
 * counts can be added up as the local runner's run summary is. The handlers write one object per invocation
 * (a PUT, never a read-modify-write: invocations run in parallel):
 *   runs/ledger/<UTC day>/polls/<invocation>.json            each poll: status, items queued, listed as before, duplicates
 *   runs/ledger/<UTC day>/outcomes/<time>-<invocation>.json  each article's final state (retryable failures are not
 *                                                             final: SQS delivers them again, or the dead-letter queue
 *                                                             keeps them), and what a new article lacked
 * and dispatch writes runs/<UTC day>/daily-summary.json once the day is over (summarizeLedgerDay). Outcome keys
 * start with the time they were written (20260905T151502123Z), so they sort by time within a day and dispatch
 * can list the hours written since its last tick to fold them into source health (source-health.ts).
 */

export const LEDGER_ROOT = 'runs/ledger/';
export const DAILY_SUMMARY_RUN_ID = 'daily-summary';

export interface PollEntry {
  runId: string;
  sourceId: string;
  feedUrl: string;
  status: FeedOutcome['status'];
  /** URLs sent to the article queue: each must get a final state. */
  queued: string[];
  /** Listed exactly as before: final state `unchanged` at once (not fetched again). */
  listedAsBefore: number;
  /** Listed twice by this poll: the second listing is dropped. */
  duplicates: number;
}

export interface OutcomeEntry {
  url: string;
  runId: string;
  sourceId: string;
  state: ItemState;
  /** A new article (`stored`) only: the fields it lacked, which source health counts towards drift. */
  missing?: string[];
}

const dayOf = (at: Date): string => at.toISOString().slice(0, 10);
const invocationName = (invocationId: string): string => invocationId.replace(/[^A-Za-z0-9_-]/g, '-');
/** 2026-09-05T15:15:02.123Z → 20260905T151502123Z: sorts as the times do. */
const compactTime = (at: Date): string => at.toISOString().replace(/[-:.]/g, '');

/** `runs/ledger/<day>/outcomes/<YYYYMMDDTHH>`: the outcome objects written in that UTC hour, listed as one prefix. */
export function outcomesHourPrefix(hour: Date): string {
  return `${LEDGER_ROOT}${dayOf(hour)}/outcomes/${compactTime(hour).slice(0, 11)}`;
}

/** When an outcomes object was written, from its key; null for any other key (and for those named before the time prefix). */
export function outcomesWrittenAt(key: string): Date | null {
  const match = /^runs\/ledger\/\d{4}-\d{2}-\d{2}\/outcomes\/(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z-[A-Za-z0-9_-]+\.json$/.exec(key);
  if (match === null) return null;
  const [, year, month, day, hour, minute, second, ms] = match;
  return new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}.${ms}Z`);
}

export function pollEntry(outcome: FeedOutcome): PollEntry {
  return {
    runId: outcome.job.runId,
    sourceId: outcome.job.sourceId,
    feedUrl: outcome.job.feedUrl,
    status: outcome.status,
    queued: outcome.status === 'failed' ? [] : outcome.articles.map((article) => article.url),
    listedAsBefore: outcome.listedAsBefore.length,
    duplicates: outcome.duplicates,
  };
}

/** Final outcomes only (not a retryable failure). */
export function outcomeEntries(outcomes: readonly ArticleOutcome[]): OutcomeEntry[] {
  return outcomes
    .filter((outcome) => !outcome.retryable)
    .map((outcome) => ({
      url: outcome.job.url,
      runId: outcome.job.runId,
      sourceId: outcome.job.sourceId,
      state: outcome.state,
      ...(outcome.state === 'stored' ? { missing: outcome.missing } : {}),
    }));
}

const putLedger = (store: ObjectStore, key: string, body: object): Promise<string> =>
  store.put(key, JSON.stringify(body), { contentType: 'application/json; charset=utf-8' });

export async function recordPolls(store: ObjectStore, polls: readonly PollEntry[], at: Date, invocationId: string): Promise<void> {
  if (polls.length > 0) await putLedger(store, `${LEDGER_ROOT}${dayOf(at)}/polls/${invocationName(invocationId)}.json`, { polls });
}

/** `at`: the time of writing (the key's name), taken just before the write so the key sorts as it becomes visible. */
export async function recordOutcomes(store: ObjectStore, outcomes: readonly OutcomeEntry[], at: Date, invocationId: string): Promise<void> {
  if (outcomes.length === 0) return;
  await putLedger(store, `${LEDGER_ROOT}${dayOf(at)}/outcomes/${compactTime(at)}-${invocationName(invocationId)}.json`, { outcomes });
}

/** The entries of one outcomes object; the error names the key and what is wrong. */
export function parseOutcomes(body: Buffer, key: string): OutcomeEntry[] {
  let parsed: { outcomes?: unknown };
  try {
    parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
  } catch (error) {
    throw new Error(`${key}: not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed.outcomes)) throw new Error(`${key}: no "outcomes" list`);
  return parsed.outcomes as OutcomeEntry[];
}

export interface DailyRunSummary {
  date: string;
  polls: { fetched: number; notModified: number; failed: number };
  /** Items the day's polls listed, one per poll and item: listedAsBefore + duplicates + queued listings. */
  listings: number;
  listedAsBefore: number;
  duplicates: number;
  queuedListings: number;
  /** Distinct URLs queued that day (SQS deduplicates a URL queued twice within five minutes). */
  queuedUrls: number;
  /** Final states of the queued URLs, recorded that day or the next (an article queued before midnight). */
  states: Partial<Record<ItemState, number>>;
  /** Queued URLs with no final state: dead-lettered or lost. The day adds up when this is empty. */
  unaccounted: string[];
  balanced: boolean;
}

async function readEntries<T>(store: ObjectStore, prefix: string, field: 'polls' | 'outcomes'): Promise<T[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  const limit = pLimit(16);
  const bodies = await Promise.all(keys.map((key) => limit(() => store.get(key))));
  return bodies.flatMap((body) => (body === null ? [] : ((JSON.parse(body.toString('utf8')) as Record<string, T[]>)[field] ?? [])));
}

/** Adds up one UTC day of the ledger. */
export async function summarizeLedgerDay(store: ObjectStore, date: string): Promise<DailyRunSummary> {
  const next = dayOf(new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000));
  const polls = await readEntries<PollEntry>(store, `${LEDGER_ROOT}${date}/polls/`, 'polls');
  const outcomes = [
    ...(await readEntries<OutcomeEntry>(store, `${LEDGER_ROOT}${date}/outcomes/`, 'outcomes')),
    ...(await readEntries<OutcomeEntry>(store, `${LEDGER_ROOT}${next}/outcomes/`, 'outcomes')),
  ];
  const finalState = new Map<string, ItemState>();
  for (const outcome of outcomes) if (!finalState.has(outcome.url)) finalState.set(outcome.url, outcome.state);

  const summary: DailyRunSummary = {
    date,
    polls: { fetched: 0, notModified: 0, failed: 0 },
    listings: 0,
    listedAsBefore: 0,
    duplicates: 0,
    queuedListings: 0,
    queuedUrls: 0,
    states: {},
    unaccounted: [],
    balanced: true,
  };
  const queued = new Set<string>();
  for (const poll of polls) {
    summary.polls[poll.status === 'not-modified' ? 'notModified' : poll.status] += 1;
    summary.listedAsBefore += poll.listedAsBefore;
    summary.duplicates += poll.duplicates;
    summary.queuedListings += poll.queued.length;
    for (const url of poll.queued) queued.add(url);
  }
  summary.listings = summary.listedAsBefore + summary.duplicates + summary.queuedListings;
  summary.queuedUrls = queued.size;
  for (const url of [...queued].sort()) {
    const state = finalState.get(url);
    if (state === undefined) summary.unaccounted.push(url);
    else summary.states[state] = (summary.states[state] ?? 0) + 1;
  }
  summary.balanced = summary.unaccounted.length === 0;
  return summary;
}

/** The day dispatch should summarize at `now`, once `graceHours` have passed since it ended (in-flight retries). */
export function dayToSummarize(now: Date, graceHours: number): string {
  return dayOf(new Date(now.getTime() - graceHours * 3_600_000 - 86_400_000));
}

export function dailySummaryKey(date: string): string {
  return runKey(date, DAILY_SUMMARY_RUN_ID);
}

/** Writes the day's summary unless it exists; returns it when written now. */
export async function writeDailySummaryOnce(store: ObjectStore, date: string): Promise<DailyRunSummary | null> {
  const key = dailySummaryKey(date);
  if ((await store.get(key)) !== null) return null;
  const summary = await summarizeLedgerDay(store, date);
  await store.put(key, `${JSON.stringify(summary, null, 2)}\n`, { contentType: 'application/json' });
  return summary;
}
