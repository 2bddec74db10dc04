import type { Command } from 'commander';
import { compactDataset } from '../dataset/compact.ts';
import { openDatasetStore, type StoreLocation } from '../dataset/open-store.ts';
import { parseDay, parseSourceId } from '../dataset/partitions.ts';
import { checkOptions, EXIT_OK, EXIT_PARTIAL_FAILURE, reportFailure, withStoreOptions } from './conventions.ts';
import type { RegisterCommand } from './main.ts';

export interface CompactCommandOptions extends StoreLocation {
  day?: string;
  source?: string;
  full?: boolean;
}

/**
 * Compacts the days whose articles changed since the last compaction; prints each day it wrote, removed or
 * could not compact, then the counts. Exit 1 if a day or a changed article failed, 2 for bad options, 3
 * when the store cannot be read or written.
 */
export async function runCompact(
  options: CompactCommandOptions,
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
): Promise<number> {
  try {
    const store = checkOptions(() => {
      if (options.day !== undefined) parseDay(options.day, '--day');
      if (options.source !== undefined) parseSourceId(options.source, '--source');
      return openDatasetStore(options);
    });
    const summary = await compactDataset({
      store,
      full: options.full === true,
      ...(options.day !== undefined ? { since: options.day, until: options.day } : {}),
      ...(options.source !== undefined ? { source: options.source } : {}),
      onPartition: (result) => {
        if (result.outcome === 'written') stdout.write(`written ${result.key} (${result.articles} articles)\n`);
        if (result.outcome === 'removed') stdout.write(`removed ${result.key} (no articles left)\n`);
        if (result.outcome === 'failed') stderr.write(`news-ingest compact: ${result.source} ${result.date} not compacted: ${result.error}\n`);
      },
    });
    stdout.write(
      `compacted: ${summary.written} days written, ${summary.removed} removed, ${summary.unchanged} unchanged, ${summary.failed} failed (${summary.articles} articles)\n`,
    );
    if (summary.unreadable > 0) stderr.write(`news-ingest compact: ${summary.unreadable} changed articles unreadable (their day is unknown)\n`);
    return summary.failed > 0 || summary.unreadable > 0 ? EXIT_PARTIAL_FAILURE : EXIT_OK;
  } catch (error) {
    return reportFailure('compact', error, stderr);
  }
}

export const registerCompactCommand: RegisterCommand = (program: Command, setExitCode) => {
  withStoreOptions(
    program
      .command('compact')
      .description(
        'Write articles-daily/v1/source=<id>/date=<day>/part-00000.ndjson.gz for each day whose articles changed since the last compaction (today included); unchanged days are skipped',
      )
      .option('--day <day>', 'only this day (YYYY-MM-DD); default: every day that changed')
      .option('--source <id>', 'only this source')
      .option('--full', 'rebuild every day from all the articles (a lost or damaged daily part)'),
  ).action(async (options: CompactCommandOptions) => {
    setExitCode(await runCompact(options, process.stdout, process.stderr));
  });
};
