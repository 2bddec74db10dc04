import { DateTime } from 'luxon';
import { findSource, type SourceConfig } from '../config.ts';
import { loadFeedState } from '../feeds/state.ts';
import { runKey } from '../store/keys.ts';
import type { ObjectStore } from '../store/types.ts';
import type { FeedJob, PipelineDeps, RunSummary } from './types.ts';

export function newRunId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${stamp}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Expands `{date}` (today in the source's zone), e.g. for /sitemap-article-{date}.xml. */
export function expandFeedUrl(template: string, source: SourceConfig, now: Date): string {
  if (!template.includes('{date}')) return template;
  const today = DateTime.fromJSDate(now, { zone: source.timeZone }).toFormat('yyyy-MM-dd');
  return template.replaceAll('{date}', today);
}

export interface DiscoverOptions {
  /** Only this source's feeds. */
  sourceId?: string;
  /** Every configured feed, due or not (a run started by hand). */
  includeNotDue?: boolean;
  /** The schedule tick this run is for (the Scheduler's scheduled time); default: the clock. */
  tickAt?: Date;
}

/**
 * The feeds whose source interval has passed since the tick of their last fetch (never fetched: due).
 * Ticks, not fetch completion times: a fetch that ends at 00:00:40 for the 00:00 tick is due again at the
 * 00:15 tick, which would otherwise find it 40 s short of its interval and skip it.
 */
export async function discoverDueFeeds(deps: PipelineDeps, runId: string, options: DiscoverOptions = {}): Promise<FeedJob[]> {
  const now = deps.clock();
  const tick = options.tickAt ?? now;
  const sources = options.sourceId ? [findSource(deps.config, options.sourceId)] : deps.config.sources;
  const jobs: FeedJob[] = [];
  for (const source of sources) {
    for (const feed of source.feeds) {
      const feedUrl = expandFeedUrl(feed.url, source, now);
      if (!options.includeNotDue) {
        const state = await loadFeedState(deps.store, feedUrl);
        const last = state.lastTickAt ?? state.lastFetchedAt;
        if (last !== null) {
          const dueAt = new Date(last).getTime() + source.intervalMinutes * 60_000;
          if (dueAt > tick.getTime()) continue;
        }
      }
      jobs.push({ sourceId: source.id, feedUrl, kind: feed.kind, runId, tickAt: tick.toISOString() });
    }
  }
  return jobs;
}

/** Writes runs/<YYYY-MM-DD>/<runId>.json (the UTC date the run started) and returns its key. */
export async function writeRunSummary(store: ObjectStore, summary: RunSummary): Promise<string> {
  const key = runKey(summary.startedAt.slice(0, 10), summary.runId);
  await store.put(key, `${JSON.stringify(summary, null, 2)}\n`, { contentType: 'application/json' });
  return key;
}
