import type { Command } from 'commander';
import { openDatasetStore, type StoreLocation } from '../dataset/open-store.ts';
import { checkFilter } from '../dataset/partitions.ts';
import { reextractStoredPages } from '../dataset/reextract.ts';
import { checkOptions, EXIT_OK, EXIT_PARTIAL_FAILURE, reportFailure, withStoreOptions } from './conventions.ts';
import type { RegisterCommand } from './main.ts';

export interface ReextractCommandOptions extends StoreLocation {
  since?: string;
  source?: string;
}

/**
 * Re-extracts stored raw pages; prints each update and failure, then the counts. Exit 1 if a page failed,
 * 2 for bad options, 3 when the store cannot be read or written.
 */
export async function runReextract(
  options: ReextractCommandOptions,
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
): Promise<number> {
  try {
    const store = checkOptions(() => {
      checkFilter(options);
      return openDatasetStore(options);
    });
    const summary = await reextractStoredPages({
      store,
      ...(options.since !== undefined ? { since: options.since } : {}),
      ...(options.source !== undefined ? { source: options.source } : {}),
      onResult: (result) => {
        if (result.outcome === 'updated') stdout.write(`updated ${result.articleKey}\n`);
        if (result.outcome === 'failed' || result.outcome === 'skipped') {
          // A batch holds several articles' pages: the article id says which one.
          const page = result.articleId === undefined ? result.rawKey : `${result.rawKey} (article ${result.articleId})`;
          stderr.write(`news-ingest reextract: ${result.outcome} ${page}: ${result.reason}\n`);
        }
      },
    });
    stdout.write(
      `reextracted: ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.stored} stored, ${summary.skipped} skipped, ${summary.failed} failed; ${summary.current} already extracted by the current version\n`,
    );
    return summary.failed > 0 ? EXIT_PARTIAL_FAILURE : EXIT_OK;
  } catch (error) {
    return reportFailure('reextract', error, stderr);
  }
}

export const registerReextractCommand: RegisterCommand = (program: Command, setExitCode) => {
  withStoreOptions(
    program
      .command('reextract')
      .description('Re-run extraction on the stored raw pages (raw/) without fetching again; changed articles come out updated')
      .option('--since <day>', 'only pages whose partition date is this day (YYYY-MM-DD) or later')
      .option('--source <id>', 'only this source'),
  ).action(async (options: ReextractCommandOptions) => {
    setExitCode(await runReextract(options, process.stdout, process.stderr));
  });
};
