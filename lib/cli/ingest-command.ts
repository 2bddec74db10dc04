import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { loadConfig, type IngestConfig } from '../config.ts';
import { openDatasetStore } from '../dataset/open-store.ts';
import { describeError } from '../errors.ts';
import { PoliteFetcher } from '../http/fetcher.ts';
import { runIngest, type RunProgress } from '../pipeline/local-runner.ts';
import { hostLimitsFor } from '../pipeline/politeness.ts';
import type { ItemState, RunSummary } from '../pipeline/types.ts';
import { createSampleSite, SAMPLE_SITE_PORT, type SampleSite } from '../sample-site/site.ts';
import type { ObjectStore } from '../store/types.ts';
import { checkOptions, EXIT_OK, EXIT_UNAVAILABLE, port, positiveInteger, reportFailure, UsageError, withStoreOptions } from './conventions.ts';
import type { RegisterCommand } from './main.ts';

export interface IngestCommandOptions {
  config?: string;
  out?: string;
  bucket?: string;
  endpoint?: string;
  region?: string;
  sample?: boolean;
  samplePort?: number;
  limit?: number;
  source?: string;
  concurrency?: number;
}

const DEFAULT_CONFIG = 'config/feeds.json';

export const registerIngestCommand: RegisterCommand = (program: Command, setExitCode) => {
  withStoreOptions(
    program
      .command('ingest')
      .description('Fetch the configured feeds once and store their articles (./data or an S3 bucket)')
      .option('--config <file>', `ingest config (default: ${DEFAULT_CONFIG})`),
    '--out',
  )
    .option('--sample', 'ingest from the bundled sample site on 127.0.0.1 (works offline)')
    .option('--sample-port <n>', `port of the sample site, 0 for any free one (default: ${SAMPLE_SITE_PORT})`, port)
    .option('--limit <n>', 'process at most n articles; the rest are listed again next run', positiveInteger)
    .option('--source <id>', 'only this source')
    .option('--concurrency <n>', 'articles in flight across all hosts (per-host limits still apply)', positiveInteger)
    .action(async (options: IngestCommandOptions) => {
      setExitCode(await ingestCommand(options));
    });
};

/**
 * Runs one ingest and prints progress and a summary; returns the exit code: 0 when feeds were read (failed
 * items are recorded and retried next run), 2 for bad options or config, 3 when the store is unusable or
 * no feed could be read.
 */
export async function ingestCommand(options: IngestCommandOptions): Promise<number> {
  let site: SampleSite | null = null;
  try {
    const { out: from, bucket, endpoint, region } = options;
    const store = checkOptions(() => openDatasetStore({ from, bucket, endpoint, region }, '--out'));
    if (options.sample && options.config) throw new UsageError('--sample uses the sample site\'s own config; drop --config');
    await assertStoreReachable(store);
    let config: IngestConfig;
    if (options.sample) {
      site = await createSampleSite({ port: options.samplePort ?? SAMPLE_SITE_PORT });
      config = site.config();
      process.stderr.write(`sample site on ${site.origin} (${site.pages.length} articles)\n`);
    } else {
      config = await loadConfig(options.config ?? DEFAULT_CONFIG);
    }
    const fetcher = new PoliteFetcher({
      userAgent: config.userAgent,
      // Only the bundled sample site may be reached on loopback; everything else stays refused.
      allowLoopback: options.sample === true,
      hostOverrides: hostLimitsFor(config),
    });
    const progress = progressReporter();
    const { summary, summaryKey } = await runIngest({
      config,
      fetcher,
      store,
      onProgress: progress.update,
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
      ...(options.source !== undefined ? { sourceId: options.source } : {}),
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    });
    progress.stop();
    process.stdout.write(formatSummary(summary, `${store.description.replace(/\/$/, '')}/${summaryKey}`));
    const unreadable = noFeedReadMessage(summary);
    if (unreadable === null) return EXIT_OK;
    process.stderr.write(`news-ingest ingest: ${unreadable}\n`);
    return EXIT_UNAVAILABLE;
  } catch (error) {
    return reportFailure('ingest', error, process.stderr);
  } finally {
    await site?.close();
  }
}

/** A missing bucket, bad credentials or a wrong endpoint stop the run before any feed is fetched. */
async function assertStoreReachable(store: ObjectStore): Promise<void> {
  try {
    // Listing fails for a missing bucket, where a GET of a missing key is just "not found".
    const keys = store.list('runs/')[Symbol.asyncIterator]();
    await keys.next();
    await keys.return?.();
  } catch (error) {
    throw new Error(`store ${store.description} is not usable: ${describeError(error)}`);
  }
}

/**
 * Why the run read nothing, when every feed failed; null when at least one feed was read (or none was due).
 * When every failure is a host name that did not resolve, the machine is most likely offline.
 */
function noFeedReadMessage(summary: RunSummary): string | null {
  const failed = summary.feeds.list.filter((feed) => feed.status === 'failed');
  if (failed.length === 0 || failed.length < summary.feeds.list.length) return null;
  const message = `no feed could be read (${failed.length} failed)`;
  return failed.every((feed) => feed.errorKind === 'name-resolution')
    ? `${message}: no feed host name resolved. No network? try --sample (the bundled sample site on 127.0.0.1)`
    : message;
}

interface ProgressReporter {
  update: (progress: RunProgress) => void;
  stop: () => void;
}

/** A progress bar on a terminal; plain lines (one per feed and per item) otherwise, e.g. in CI logs. */
function progressReporter(): ProgressReporter {
  if (!process.stderr.isTTY) {
    return {
      update(progress) {
        if (progress.feed) {
          const feed = progress.feed;
          process.stderr.write(`feed ${feed.status} ${feed.url} (${feed.items} items)${feed.error ? `: ${feed.error}` : ''}\n`);
        }
        if (progress.item) {
          const item = progress.item;
          process.stderr.write(`[${progress.itemsDone}/${progress.itemsDiscovered}] ${item.state} ${item.url}${item.error ? `: ${item.error}` : ''}\n`);
        }
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'ingest |{bar}| {value}/{total} items | feeds {feeds} | {counts}',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(progress) {
      const payload = { feeds: `${progress.feedsDone}/${progress.feedsTotal}`, counts: shortCounts(progress.counts) };
      if (!started) {
        bar.start(Math.max(progress.itemsDiscovered, 1), progress.itemsDone, payload);
        started = true;
      }
      bar.setTotal(Math.max(progress.itemsDiscovered, 1));
      bar.update(progress.itemsDone, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function shortCounts(counts: Partial<Record<ItemState, number>>): string {
  return Object.entries(counts)
    .map(([state, count]) => `${state} ${count}`)
    .join(', ');
}

/** The end-of-run table: feeds, items per state (they add up to what was discovered), duration. */
export function formatSummary(summary: RunSummary, summaryLocation: string): string {
  const rows: Array<[string, string]> = [
    ['run', summary.runId],
    ['duration', `${(summary.durationMs / 1000).toFixed(1)} s`],
    ['store', summary.store],
    ['feeds fetched', String(summary.feeds.fetched)],
    ['feeds not modified', String(summary.feeds.notModified)],
    ['feeds failed', String(summary.feeds.failed)],
    ['items discovered', String(summary.discovered)],
    ...Object.entries(summary.counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([state, count]): [string, string] => [`  ${state}`, String(count)]),
    ['summary', summaryLocation],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const failedFeeds = summary.feeds.list.filter((feed) => feed.status === 'failed');
  const failedItems = summary.items.filter((item) => item.state.startsWith('failed:'));
  const lines = [
    ...rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`),
    ...failedFeeds.map((feed) => `feed failed: ${feed.url}: ${feed.error ?? ''}`),
    ...failedItems.map((item) => `item ${item.state}: ${item.url}: ${item.error ?? ''}`),
  ];
  return `${lines.join('\n')}\n`;
}
