import pLimit from 'p-limit';
import { todayInDatasetZone } from '../dataset/partitions.ts';
import { RAW_BATCH_PREFIX, runKey } from '../store/keys.ts';
import { RawBatchFormatError, readRawBatchManifest } from '../store/raw-pages.ts';
import type { ObjectStore } from '../store/types.ts';
import type { ArticleOutcome, FeedOutcome, ItemState } from './types.ts';

/**
 * The cloud's run ledger: what every feed poll listed and what became of each queued article, so a day's
 * counts can be added up as the local runner's run summary is. The handlers write one object per invocation
 * (a PUT, never a read-modify-write: invocations run in parallel):
 *   runs/ledger/<UTC day>/polls/<invocation>.json            each poll: status, items queued, listed as before, duplicates
 *   raw/batches/date=<day in Vietnam>/<time>-<random>.pages  process-article's raw page batch, written before its
 *                                                             articles: its manifest names the invocation and, for each
 *                                                             page, the URL queued, the state the article is being
 *                                                             written in (stored, updated) and what a new article lacked
 *   runs/ledger/<UTC day>/outcomes/<time>-<invocation>.json  every other final state of the invocation's articles
 *                                                             (unchanged, skipped, failed), and each article whose
 *                                                             write did not end as its batch says: its real state, or
 *                                                             `retryable` (not final: SQS delivers it again, or the
 *                                                             dead-letter queue keeps it)
 * so an invocation that only stores new articles writes one object, not two. Dispatch writes
 * runs/<UTC day>/daily-summary.json once the day is over (summarizeLedgerDay). Outcome and batch keys start
 * with the UTC time they were written (20260905T151502123Z), so they sort by time and dispatch can list the
 * hours written since its last tick to fold them into source health (source-health.ts).
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
  /**
   * Not a final state: the article's write failed after its page went into the invocation's batch, whose
   * manifest therefore says more than happened. Only cancels that manifest entry.
   */
  retryable?: true;
}

const dayOf = (at: Date): string => at.toISOString().slice(0, 10);
/** The invocation as outcome keys and batch manifests name it. */
export const invocationName = (invocationId: string): string => invocationId.replace(/[^A-Za-z0-9_-]/g, '-');
/** 2026-09-05T15:15:02.123Z → 20260905T151502123Z: sorts as the times do. */
const compactTime = (at: Date): string => at.toISOString().replace(/[-:.]/g, '');

/** `runs/ledger/<day>/outcomes/<YYYYMMDDTHH>`: the outcome objects written in that UTC hour, listed as one prefix. */
export function outcomesHourPrefix(hour: Date): string {
  return `${LEDGER_ROOT}${dayOf(hour)}/outcomes/${compactTime(hour).slice(0, 11)}`;
}

/** `raw/batches/date=<day in Vietnam>/<YYYYMMDDTHH>`: the raw page batches written in that UTC hour. */
export function batchesHourPrefix(hour: Date): string {
  return `${RAW_BATCH_PREFIX}date=${todayInDatasetZone(hour)}/${compactTime(hour).slice(0, 11)}`;
}

const OUTCOMES_KEY = /^runs\/ledger\/\d{4}-\d{2}-\d{2}\/outcomes\/(\d{8}T\d{9}Z)-([A-Za-z0-9_-]+)\.json$/;
const BATCH_KEY = new RegExp(`^${RAW_BATCH_PREFIX}date=\\d{4}-\\d{2}-\\d{2}/(\\d{8}T\\d{9}Z)-[0-9A-Za-z]+\\.pages$`);

function parseCompactTime(time: string): Date {
  const [, year, month, day, hour, minute, second, ms] = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/.exec(time)!;
  return new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}.${ms}Z`);
}

/**
 * When a ledger object (outcomes object or raw page batch) was written, from its key; null for any other key
 * (and for outcome keys named before the time prefix).
 */
export function ledgerWrittenAt(key: string): Date | null {
  const match = OUTCOMES_KEY.exec(key) ?? BATCH_KEY.exec(key);
  return match === null ? null : parseCompactTime(match[1]!);
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

/**
 * What the invocation's outcomes object must hold: every final state its raw page batch does not already
 * record, and a `retryable` entry for each article whose batch entry did not become an article (a retryable
 * failure after its page was added). Empty when every article was stored or updated as its batch says: then
 * the invocation writes no outcomes object.
 */
export function outcomeEntries(outcomes: readonly ArticleOutcome[]): OutcomeEntry[] {
  return outcomes
    .filter((outcome) => (outcome.retryable ? outcome.claimedInBatch !== null : outcome.claimedInBatch !== outcome.state))
    .map((outcome) => ({
      url: outcome.job.url,
      runId: outcome.job.runId,
      sourceId: outcome.job.sourceId,
      state: outcome.state,
      ...(outcome.state === 'stored' ? { missing: outcome.missing } : {}),
      ...(outcome.retryable ? { retryable: true as const } : {}),
    }));
}

/** One recorded state of a queued URL, from an outcomes object or a batch manifest. */
export interface LedgerEvent extends OutcomeEntry {
  /** When the object holding it was written. */
  at: Date;
}

/**
 * The entries of ledger objects (outcomes objects and raw page batches; other keys and batches without ledger
 * fields give none), final states only, in the order they were written: a batch entry cancelled or corrected
 * by its own invocation's outcomes object is left out, and so are `retryable` entries. An object that cannot
 * be read is reported in `unreadable` and skipped. Of a batch only the manifest is read (a ranged GET).
 */
export async function readLedgerEvents(
  store: ObjectStore,
  keys: ReadonlyArray<{ key: string; at: Date }>,
): Promise<{ events: LedgerEvent[]; unreadable: string[]; batches: Array<{ at: Date; pages: number }> }> {
  const limit = pLimit(16);
  const unreadable: string[] = [];
  const batches: Array<{ at: Date; pages: number }> = [];
  const claims: Array<LedgerEvent & { invocation: string }> = [];
  const recorded: Array<LedgerEvent & { invocation: string }> = [];
  const readOne = async ({ key, at }: { key: string; at: Date }): Promise<void> => {
    const outcomes = OUTCOMES_KEY.exec(key);
    if (outcomes !== null) {
      const body = await store.get(key);
      if (body === null) return;
      for (const entry of parseOutcomes(body, key)) recorded.push({ ...entry, at, invocation: outcomes[2]! });
      return;
    }
    const batch = await readRawBatchManifest(store, key);
    if (batch === null || batch.invocation === null) return;
    batches.push({ at, pages: batch.pages.length });
    for (const page of batch.pages) {
      if (page.url === undefined || page.runId === undefined || page.state === undefined) continue;
      const missing = page.state === 'stored' ? { missing: page.missing ?? [] } : {};
      claims.push({ url: page.url, runId: page.runId, sourceId: page.source, state: page.state, ...missing, at, invocation: batch.invocation });
    }
  };
  await Promise.all(
    keys.map((listed) =>
      limit(() =>
        readOne(listed).catch((error: unknown) => {
          // A read that failed (not a bad object) throws: the caller does not save, and reads it again next time.
          if (!(error instanceof LedgerObjectError || error instanceof RawBatchFormatError)) throw error;
          unreadable.push(error.message);
        }),
      ),
    ),
  );
  // Each outcomes entry of an invocation cancels one of its batch entries for the same URL (a URL queued twice
  // into one invocation has two: the create that won stands, the one that lost came out unchanged).
  const corrections = new Map<string, number>();
  const tally = (entry: { invocation: string; url: string }): string => `${entry.invocation}\n${entry.url}`;
  for (const entry of recorded) corrections.set(tally(entry), (corrections.get(tally(entry)) ?? 0) + 1);
  const standing = claims.filter((claim) => {
    const left = corrections.get(tally(claim)) ?? 0;
    if (left === 0) return true;
    corrections.set(tally(claim), left - 1);
    return false;
  });
  const events = [...standing, ...recorded.filter((entry) => entry.retryable !== true)]
    .map(({ invocation: _invocation, ...event }) => event)
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  return { events, unreadable, batches };
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

/** An outcomes object that cannot be read: the message names the key and what is wrong. */
export class LedgerObjectError extends Error {
  override readonly name = 'LedgerObjectError';
}

/** The entries of one outcomes object; the error names the key and what is wrong. */
function parseOutcomes(body: Buffer, key: string): OutcomeEntry[] {
  let parsed: { outcomes?: unknown };
  try {
    parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
  } catch (error) {
    throw new LedgerObjectError(`${key}: not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed.outcomes)) throw new LedgerObjectError(`${key}: no "outcomes" list`);
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
  /**
   * process-article's raw page batches written that day and the pages they hold: pages ÷ objects is the
   * articles per invocation that the cost model assumes (bench/bench-cost.ts), measured.
   */
  rawPageBatches: { objects: number; pages: number };
}

async function readPolls(store: ObjectStore, prefix: string): Promise<PollEntry[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  const limit = pLimit(16);
  const bodies = await Promise.all(keys.map((key) => limit(() => store.get(key))));
  return bodies.flatMap((body) => (body === null ? [] : ((JSON.parse(body.toString('utf8')) as { polls?: PollEntry[] }).polls ?? [])));
}

const addDays = (date: string, days: number): string => dayOf(new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000));

/**
 * The ledger objects written in the given UTC days: their outcomes objects, and the raw page batches of the
 * days in Vietnam those UTC days fall in (a batch is filed under its day in Vietnam, UTC+7).
 */
async function ledgerKeysOfDays(store: ObjectStore, days: readonly string[]): Promise<Array<{ key: string; at: Date }>> {
  const keys: Array<{ key: string; at: Date }> = [];
  const localDays = [...new Set(days.flatMap((day) => [day, addDays(day, 1)]))];
  const prefixes = [...days.map((day) => `${LEDGER_ROOT}${day}/outcomes/`), ...localDays.map((day) => `${RAW_BATCH_PREFIX}date=${day}/`)];
  for (const prefix of prefixes) {
    for await (const key of store.list(prefix)) {
      const at = ledgerWrittenAt(key);
      if (at !== null && days.includes(dayOf(at))) keys.push({ key, at });
    }
  }
  return keys;
}

/** Adds up one UTC day of the ledger. */
export async function summarizeLedgerDay(store: ObjectStore, date: string): Promise<DailyRunSummary> {
  const next = addDays(date, 1);
  const polls = await readPolls(store, `${LEDGER_ROOT}${date}/polls/`);
  const { events, unreadable, batches } = await readLedgerEvents(store, await ledgerKeysOfDays(store, [date, next]));
  if (unreadable.length > 0) throw new Error(`run ledger of ${date}: ${unreadable.join('; ')}`);
  // The first final state of a URL counts (events are in the order they were written).
  const finalState = new Map<string, ItemState>();
  for (const event of events) if (!finalState.has(event.url)) finalState.set(event.url, event.state);

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
    rawPageBatches: { objects: 0, pages: 0 },
  };
  for (const batch of batches) {
    if (dayOf(batch.at) !== date) continue;
    summary.rawPageBatches.objects += 1;
    summary.rawPageBatches.pages += batch.pages;
  }
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
