import { Option } from 'commander';
import { EXPORT_FORMATS, exportArticles, type ExportFormat } from '../dataset/export.ts';
import { openDatasetStore, type StoreLocation } from '../dataset/open-store.ts';
import { checkFilter } from '../dataset/partitions.ts';
import { checkOptions, EXIT_OK, EXIT_PARTIAL_FAILURE, reportFailure, withStoreOptions } from './conventions.ts';
import type { RegisterCommand } from './main.ts';

export interface ExportCommandOptions extends StoreLocation {
  since?: string;
  until?: string;
  source?: string;
  format: ExportFormat;
}

function isBrokenPipe(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'EPIPE';
}

/**
 * Streams the selected articles to `stdout`; unreadable objects are named on `stderr` and make the exit
 * code 1 (the rest is still exported). A reader that stops early (`| head`) ends the export quietly.
 */
export async function runExport(
  options: ExportCommandOptions,
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
): Promise<number> {
  let brokenPipe = false;
  const onStdoutError = (error: unknown) => {
    if (isBrokenPipe(error)) brokenPipe = true;
  };
  stdout.on('error', onStdoutError);
  try {
    const store = checkOptions(() => {
      checkFilter(options);
      return openDatasetStore(options);
    });
    const summary = await exportArticles({
      store,
      format: options.format,
      output: stdout,
      ...(options.since !== undefined ? { since: options.since } : {}),
      ...(options.until !== undefined ? { until: options.until } : {}),
      ...(options.source !== undefined ? { source: options.source } : {}),
      // The message starts with the key.
      onError: (message) => stderr.write(`news-ingest export: skipped ${message}\n`),
    });
    stderr.write(`news-ingest export: ${summary.exported} articles exported, ${summary.failed} unreadable\n`);
    return summary.failed > 0 ? EXIT_PARTIAL_FAILURE : EXIT_OK;
  } catch (error) {
    if (brokenPipe || isBrokenPipe(error)) return EXIT_OK;
    return reportFailure('export', error, stderr);
  } finally {
    stdout.off('error', onStdoutError);
  }
}

export const registerExportCommand: RegisterCommand = (program, setExitCode) => {
  withStoreOptions(
    program
      .command('export')
      .description('Stream stored articles to stdout as NDJSON (one article per line) or CSV, in constant memory')
      .option('--since <day>', 'first day (YYYY-MM-DD, the partition date), inclusive')
      .option('--until <day>', 'last day (YYYY-MM-DD), inclusive')
      .option('--source <id>', 'only this source')
      .addOption(new Option('--format <format>', 'output format').choices(EXPORT_FORMATS).default('ndjson')),
  ).action(async (options: ExportCommandOptions) => {
    setExitCode(await runExport(options, process.stdout, process.stderr));
  });
};
