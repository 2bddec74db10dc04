import type { Command } from 'commander';
import { errorMessage } from '../dataset/ordered.ts';
import { openDatasetStore, type StoreLocation } from '../dataset/open-store.ts';
import { reextractStoredPages } from '../dataset/reextract.ts';
import { EXIT_USAGE, withStoreOptions } from './export-command.ts';
import type { RegisterCommand } from './main.ts';

export interface ReextractCommandOptions extends StoreLocation {
  since?: string;
  source?: string;
}

/** Re-extracts stored raw pages; prints each update and failure, then the counts. Exit 1 if a page failed. */
export async function runReextract(
  options: ReextractCommandOptions,
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
): Promise<number> {
  try {
    const summary = await reextractStoredPages({
      store: openDatasetStore(options),
      ...(options.since !== undefined ? { since: options.since } : {}),
      ...(options.source !== undefined ? { source: options.source } : {}),
      onResult: (result) => {
        if (result.outcome === 'updated') stdout.write(`updated ${result.articleKey}\n`);
        if (result.outcome === 'failed' || result.outcome === 'skipped') {
          stderr.write(`news-ingest reextract: ${result.outcome} ${result.rawKey}: ${result.reason}\n`);
        }
      },
    });
    stdout.write(
      `reextracted: ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.stored} stored, ${summary.skipped} skipped, ${summary.failed} failed; ${summary.current} already extracted by the current version\n`,
    );
    return summary.failed > 0 ? 1 : 0;
  } catch (error) {
    stderr.write(`news-ingest reextract: ${errorMessage(error)}\n`);
    return EXIT_USAGE;
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
