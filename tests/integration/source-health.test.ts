import { describe, expect, it } from 'vitest';
import { LEDGER_ROOT, recordOutcomes, summarizeLedgerDay, type OutcomeEntry } from '../../lib/pipeline/run-ledger.ts';
import {
  FOLD_OVERLAP_MS,
  judgeSource,
  loadHealthState,
  SOURCE_HEALTH_KEY,
  updateSourceHealth,
  type FoldOptions,
} from '../../lib/pipeline/source-health.ts';
import type { ItemState } from '../../lib/pipeline/types.ts';
import { articleIdFor } from '../../lib/schema/ids.ts';
import { RawPageBatcher, type ClaimedState } from '../../lib/store/raw-pages.ts';
import type { ObjectStore } from '../../lib/store/types.ts';
import { forwardingStore } from '../helpers/forwarding-store.ts';
import { useTestStores } from '../helpers/test-stores.ts';

/**
 * Source health folded by dispatch from the run ledger's outcomes objects into one state object, on the
 * local store and on moto's S3 (the fold lists outcome keys by hour prefix and reads each object once).
 */

const stores = useTestStores('source-health');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2026, 8, 5, 15, 0);
const WATCHED = ['publishedAt', 'authors'];

const at = (ms: number): Date => new Date(ms);
let urlCounter = 0;
const entry = (sourceId: string, state: ItemState, missing?: string[]): OutcomeEntry => ({
  url: `https://example.vn/${sourceId}/${(urlCounter += 1)}.html`,
  runId: 'run',
  sourceId,
  state,
  ...(missing === undefined ? {} : { missing }),
});
/**
 * A raw page batch as process-article writes it: one page per entry, each joined with its queued job, so the
 * manifest records the URL, the state its article is being written in and what it lacked.
 */
async function storeBatch(store: ObjectStore, writtenAt: Date, invocation: string, entries: ReadonlyArray<OutcomeEntry & { state: ClaimedState }>): Promise<string> {
  const batcher = new RawPageBatcher(store, { clock: () => writtenAt, invocation });
  const slots = entries.map((item) => batcher.join({ url: item.url, runId: item.runId }));
  const locations = await Promise.all(
    entries.map((item, index) =>
      slots[index]!.add({
        id: articleIdFor(item.url),
        source: item.sourceId,
        date: '2026-09-05',
        fetchedAt: writtenAt.toISOString(),
        html: `<html><body>${item.url}</body></html>`,
        claim: { state: item.state, missing: item.missing ?? [] },
      }),
    ),
  );
  return locations[0]!.key;
}
const claim = (sourceId: string, state: ClaimedState, missing: string[] = []) => ({ ...entry(sourceId, state, state === 'stored' ? missing : undefined), state });

const options = (now: number, sourceIds: readonly string[] = ['a', 'b']): FoldOptions => ({ now: at(now), sourceIds, watchedFields: WATCHED });
const storedCount = (hours: ReadonlyArray<{ stored: number }> | undefined): number => (hours ?? []).reduce((sum, hour) => sum + hour.stored, 0);

/** Counts the requests the fold makes. */
function counting(inner: ObjectStore) {
  const counts = { get: 0, put: 0, list: 0, getStart: 0, gets: [] as string[] };
  const store = forwardingStore(inner, {
    get: (key) => {
      counts.get += 1;
      counts.gets.push(key);
      return inner.get(key);
    },
    getStart: (key, bytes) => {
      counts.getStart += 1;
      return inner.getStart(key, bytes);
    },
    put: (key, body, putOptions) => {
      counts.put += 1;
      return inner.put(key, body, putOptions);
    },
    list: (prefix) => {
      counts.list += 1;
      return inner.list(prefix);
    },
  });
  return { store, counts };
}

describe.each(stores.implementations)('source health on %s', (_name, makeStore) => {
  it('counts the new articles of each configured source, and those lacking a watched field; other states and sources count nothing', async () => {
    const store = await makeStore();
    await recordOutcomes(store, [entry('a', 'stored', []), entry('a', 'stored', ['authors', 'image']), entry('a', 'unchanged')], at(T0 + MINUTE), 'inv-1');
    await recordOutcomes(store, [entry('b', 'stored', ['image']), entry('b', 'failed:http-404'), entry('gone', 'stored', ['authors'])], at(T0 + 2 * MINUTE), 'inv-2');
    await recordOutcomes(store, [entry('a', 'updated'), entry('a', 'stored', ['publishedAt'])], at(T0 + HOUR + MINUTE), 'inv-3');

    const { state, folded, unreadable } = await updateSourceHealth(store, options(T0 + HOUR + 10 * MINUTE));
    expect({ folded, unreadable }).toEqual({ folded: 3, unreadable: [] });
    expect(state.sources).toEqual({
      a: {
        firstStoredAt: at(T0 + MINUTE).toISOString(),
        lastStoredAt: at(T0 + HOUR + MINUTE).toISOString(),
        hours: [
          { hour: '2026-09-05T15', stored: 2, incomplete: 1 },
          { hour: '2026-09-05T16', stored: 1, incomplete: 1 },
        ],
      },
      b: { firstStoredAt: at(T0 + 2 * MINUTE).toISOString(), lastStoredAt: at(T0 + 2 * MINUTE).toISOString(), hours: [{ hour: '2026-09-05T15', stored: 1, incomplete: 0 }] },
    });
    // One object holds every source; it is what dispatch reads on the next tick.
    expect(await loadHealthState(store)).toEqual(state);
    const verdict = judgeSource('a', state.sources.a!, { staleAfterHours: 12, driftWindowHours: 6, driftThresholdPercent: 50, driftMinArticles: 3 }, at(T0 + 2 * HOUR));
    expect(verdict).toMatchObject({ windowArticles: 3, drifting: true, stale: false });
    expect(verdict.incompletePercent).toBeCloseTo(200 / 3, 10);
  });

  it('reads one health object per tick whatever the number of sources, and each outcomes object once', async () => {
    const { store, counts } = counting(await makeStore());
    const sourceIds = Array.from({ length: 500 }, (_, index) => `source-${index}`);
    for (let invocation = 0; invocation < 3; invocation += 1) {
      await recordOutcomes(store, [entry(sourceIds[invocation * 100]!, 'stored', [])], at(T0 + (invocation + 1) * MINUTE), `inv-${invocation}`);
    }
    counts.put = 0;

    await updateSourceHealth(store, options(T0 + 14 * MINUTE, sourceIds));
    // No state yet: the first fold looks back 24 hours (25 hours, each an outcomes and a raw batch prefix);
    // then one GET per outcomes object.
    expect(counts).toMatchObject({ get: 1 + 3, put: 1, list: 2 * 25 });
    expect(counts.gets[0]).toBe(SOURCE_HEALTH_KEY);

    Object.assign(counts, { get: 0, put: 0, list: 0, gets: [] });
    await recordOutcomes(store, [entry(sourceIds[7]!, 'stored', [])], at(T0 + 20 * MINUTE), 'inv-next');
    counts.put = 0;
    const next = await updateSourceHealth(store, options(T0 + 29 * MINUTE, sourceIds));
    // The next tick: the health object, the one new outcomes object, one hour's two prefixes listed.
    expect(counts).toMatchObject({ get: 2, put: 1, list: 2 });
    expect(Object.keys(next.state.sources).sort()).toEqual([sourceIds[0], sourceIds[100], sourceIds[200], sourceIds[7]].sort());

    Object.assign(counts, { get: 0, put: 0, list: 0, gets: [] });
    await updateSourceHealth(store, options(T0 + 44 * MINUTE, sourceIds));
    expect(counts).toMatchObject({ get: 1, put: 1, list: 2 });

    // After three days without a tick, no further back than the 24 hours kept.
    Object.assign(counts, { get: 0, put: 0, list: 0, gets: [] });
    await updateSourceHealth(store, options(T0 + 72 * HOUR, sourceIds));
    expect(counts).toMatchObject({ get: 1, put: 1, list: 2 * 25 });
  });

  it('an outcomes object that becomes visible only after a later-named one was folded is counted once, on the next tick', async () => {
    const store = await makeStore();
    await recordOutcomes(store, [entry('a', 'stored', [])], at(T0 + 10 * 1000), 'named-later');
    expect((await updateSourceHealth(store, options(T0 + 20 * 1000))).folded).toBe(1);

    // Named before that fold ran (its PUT took longer than the other's), visible only now.
    await recordOutcomes(store, [entry('a', 'stored', ['authors'])], at(T0 + 5 * 1000), 'named-earlier');
    const next = await updateSourceHealth(store, options(T0 + 2 * MINUTE));
    expect(next.folded).toBe(1);
    expect(next.state.sources.a!.hours).toEqual([{ hour: '2026-09-05T15', stored: 2, incomplete: 1 }]);
    // Listed again by later ticks while inside their overlap, never counted twice.
    const later = await updateSourceHealth(store, options(T0 + 2 * MINUTE + FOLD_OVERLAP_MS / 2));
    expect(later.folded).toBe(0);
    expect(storedCount(later.state.sources.a!.hours)).toBe(2);
  });

  it('a first fold looks back 24 hours; later folds drop the hours older than 24', async () => {
    const store = await makeStore();
    await recordOutcomes(store, [entry('a', 'stored', [])], at(T0 - 25 * HOUR), 'too-old');
    await recordOutcomes(store, [entry('a', 'stored', [])], at(T0 - 23 * HOUR), 'day-old');
    await recordOutcomes(store, [entry('a', 'stored', [])], at(T0 - MINUTE), 'recent');
    const first = await updateSourceHealth(store, options(T0));
    expect(first.state.sources.a!.hours.map((hour) => hour.hour)).toEqual(['2026-09-04T16', '2026-09-05T14']);
    expect(first.state.sources.a!.firstStoredAt).toBe(at(T0 - 23 * HOUR).toISOString());

    const later = await updateSourceHealth(store, options(T0 + 2 * HOUR));
    expect(later.state.sources.a!.hours).toEqual([{ hour: '2026-09-05T14', stored: 1, incomplete: 0 }]);
    // Freshness keeps what the dropped hours cannot say: when the source first and last stored.
    expect(later.state.sources.a!.firstStoredAt).toBe(at(T0 - 23 * HOUR).toISOString());
  });

  it('an outcomes object that cannot be read is reported and skipped; the others are counted', async () => {
    const store = await makeStore();
    await recordOutcomes(store, [entry('a', 'stored', [])], at(T0 + MINUTE), 'good');
    const badKey = `${LEDGER_ROOT}2026-09-05/outcomes/20260905T150200000Z-bad.json`;
    await store.put(badKey, '{"outcomes": ');
    const result = await updateSourceHealth(store, options(T0 + 10 * MINUTE));
    expect(result.folded).toBe(2);
    expect(result.unreadable).toEqual([expect.stringContaining(badKey)]);
    expect(storedCount(result.state.sources.a!.hours)).toBe(1);
  });

  it('the daily summary still finds every outcome under its day, whatever the time-sorted names', async () => {
    const store = await makeStore();
    const day = '2026-09-05';
    const queued = [entry('a', 'stored', []), entry('a', 'unchanged'), entry('b', 'failed:http-404')];
    await store.put(
      `${LEDGER_ROOT}${day}/polls/poll-1.json`,
      JSON.stringify({ polls: [{ runId: 'run', sourceId: 'a', feedUrl: 'https://example.vn/feed', status: 'fetched', queued: queued.map((item) => item.url), listedAsBefore: 0, duplicates: 0 }] }),
    );
    await recordOutcomes(store, queued.slice(0, 2), at(Date.UTC(2026, 8, 5, 23, 59)), 'before-midnight');
    await recordOutcomes(store, queued.slice(2), at(Date.UTC(2026, 8, 6, 0, 1)), 'after-midnight');
    const summary = await summarizeLedgerDay(store, day);
    expect(summary).toMatchObject({ queuedUrls: 3, states: { stored: 1, unchanged: 1, 'failed:http-404': 1 }, unaccounted: [], balanced: true });
  });
  it('counts the new articles a raw page batch records as its ledger; a batch entry its own invocation corrects counts as corrected', async () => {
    const { store, counts } = counting(await makeStore());
    const lostRace = claim('a', 'stored', ['authors']);
    await storeBatch(store, at(T0 + MINUTE), 'inv-1', [claim('a', 'stored', ['publishedAt']), claim('a', 'stored'), lostRace, claim('b', 'updated')]);
    // The same invocation, after its articles: one write ended otherwise than its batch says.
    await recordOutcomes(store, [{ ...lostRace, state: 'unchanged' }, entry('b', 'skipped:not-an-article')], at(T0 + MINUTE + 900), 'inv-1');
    // An invocation that only stored new articles wrote its batch and nothing else.
    await storeBatch(store, at(T0 + HOUR + MINUTE), 'inv-2', [claim('b', 'stored', ['image'])]);
    counts.put = 0;
    counts.get = 0;

    const { state, folded, unreadable } = await updateSourceHealth(store, options(T0 + HOUR + 10 * MINUTE));
    expect({ folded, unreadable }).toEqual({ folded: 3, unreadable: [] });
    // The health object and the outcomes object whole; of each batch only its manifest (a ranged GET).
    expect(counts).toMatchObject({ get: 2, getStart: 2, put: 1 });
    expect(state.sources).toEqual({
      a: {
        firstStoredAt: at(T0 + MINUTE).toISOString(),
        lastStoredAt: at(T0 + MINUTE).toISOString(),
        hours: [{ hour: '2026-09-05T15', stored: 2, incomplete: 1 }],
      },
      b: {
        firstStoredAt: at(T0 + HOUR + MINUTE).toISOString(),
        lastStoredAt: at(T0 + HOUR + MINUTE).toISOString(),
        hours: [{ hour: '2026-09-05T16', stored: 1, incomplete: 0 }],
      },
    });
    // Listed again inside the next tick's overlap, never counted twice.
    const next = await updateSourceHealth(store, options(T0 + HOUR + 12 * MINUTE));
    expect(next.folded).toBe(0);
    expect(next.state.sources).toEqual(state.sources);
  });

  it('the daily summary balances from batch manifests and outcomes objects: a write that failed after its page was stored is not taken as stored', async () => {
    const store = await makeStore();
    const day = '2026-09-05';
    const stored = claim('a', 'stored');
    const updated = claim('a', 'updated');
    const storeFailed = claim('b', 'stored');
    const lostRace = claim('b', 'stored');
    const skipped = entry('b', 'skipped:http-404');
    const late = claim('a', 'stored');
    const deadLettered = claim('a', 'stored');
    // Queued twice into one invocation: one create wins, the other comes out unchanged.
    const twice = claim('b', 'stored');
    const queued = [stored, updated, storeFailed, lostRace, skipped, late, deadLettered, twice];
    await store.put(
      `${LEDGER_ROOT}${day}/polls/poll-1.json`,
      JSON.stringify({ polls: [{ runId: 'run', sourceId: 'a', feedUrl: 'https://example.vn/feed', status: 'fetched', queued: queued.map((item) => item.url), listedAsBefore: 0, duplicates: 0 }] }),
    );
    // 06:00 UTC is 13:00 in Vietnam (batch filed under 2026-09-05); 23:30 UTC is 06:30 the next day there.
    await storeBatch(store, at(Date.UTC(2026, 8, 5, 6)), 'inv-1', [stored, updated, storeFailed, lostRace, twice, twice]);
    await recordOutcomes(
      store,
      [{ ...storeFailed, state: 'failed:store', retryable: true }, { ...lostRace, state: 'unchanged' }, skipped, { ...twice, state: 'unchanged' }],
      at(Date.UTC(2026, 8, 5, 6, 0, 1)),
      'inv-1',
    );
    // SQS delivered the failed one again: stored for good this time.
    await storeBatch(store, at(Date.UTC(2026, 8, 5, 6, 20)), 'inv-2', [{ ...storeFailed }]);
    // Queued before midnight, stored after it (UTC).
    await storeBatch(store, at(Date.UTC(2026, 8, 6, 0, 1)), 'inv-3', [late]);
    // Its write failed on the last delivery: the dead-letter queue holds it, so the day does not add up.
    await storeBatch(store, at(Date.UTC(2026, 8, 5, 23, 30)), 'inv-4', [deadLettered]);
    await recordOutcomes(store, [{ ...deadLettered, state: 'failed:store', retryable: true }], at(Date.UTC(2026, 8, 5, 23, 30, 1)), 'inv-4');

    const summary = await summarizeLedgerDay(store, day);
    expect(summary).toMatchObject({
      queuedUrls: 8,
      states: { stored: 4, updated: 1, unchanged: 1, 'skipped:http-404': 1 },
      unaccounted: [deadLettered.url],
      balanced: false,
      // The day's batches (inv-1, inv-2, inv-4; inv-3's is the next day's): the articles per invocation, measured.
      rawPageBatches: { objects: 3, pages: 8 },
    });
  });
});
