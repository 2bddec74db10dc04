import type { Command } from 'commander';
import { compactClosedDays } from '../dataset/compact.ts';
import { openDatasetStore, type StoreLocation } from '../dataset/open-store.ts';
import { parseDay, parseSourceId } from '../dataset/partitions.ts';
import { checkOptions, EXIT_OK, EXIT_PARTIAL_FAILURE, reportFailure, withStoreOptions } from './conventions.ts';
import type { RegisterCommand } from './main.ts';

export interface CompactCommandOptions extends StoreLocation {
  day?: string;
  source?: string;
}

/**
 * Compacts closed days; prints each day it wrote or could not compact, then the counts. Exit 1 if a day
 * failed, 2 for bad options, 3 when the store cannot be read or written.
 */
export async function runCompact(
  options: CompactCommandOptions,
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
  now: Date = new Date(),
): Promise<number> {
  try {
    const store = checkOptions(() => {
      if (options.day !== undefined) parseDay(options.day, '--day');
      if (options.source !== undefined) parseSourceId(options.source, '--source');
      return openDatasetStore(options);
    });
    const summary = await compactClosedDays({
      store,
      now,
      ...(options.day !== undefined ? { since: options.day, until: options.day } : {}),
      ...(options.source !== undefined ? { source: options.source } : {}),
      onPartition: (result) => {
        if (result.outcome === 'written') stdout.write(`written ${result.key} (${result.articles} articles)\n`);
        if (result.outcome === 'failed') stderr.write(`news-ingest compact: ${result.source} ${result.date} not compacted: ${result.error}\n`);
      },
    });
    stdout.write(
      `compacted: ${summary.written} days written, ${summary.unchanged} unchanged, ${summary.failed} failed (${summary.articles} articles)\n`,
    );
    return summary.failed > 0 ? EXIT_PARTIAL_FAILURE : EXIT_OK;
  } catch (error) {
    return reportFailure('compact', error, stderr);
  }
}

export const registerCompactCommand: RegisterCommand = (program: Command, setExitCode) => {
  withStoreOptions(
    program
      .command('compact')
      .description(
        'Write articles-daily/v1/source=<id>/date=<day>/part-00000.ndjson.gz for each closed day (before today in Asia/Ho_Chi_Minh); unchanged days are skipped',
      )
      .option('--day <day>', 'only this day (YYYY-MM-DD); default: every closed day')
      .option('--source <id>', 'only this source'),
  ).action(async (options: CompactCommandOptions) => {
    setExitCode(await runCompact(options, process.stdout, process.stderr));
  });
};
