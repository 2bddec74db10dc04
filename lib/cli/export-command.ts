import { Option, type Command } from 'commander';
import { EXPORT_FORMATS, exportArticles, type ExportFormat } from '../dataset/export.ts';
import { errorMessage } from '../dataset/ordered.ts';
import { DEFAULT_DATA_DIR, openDatasetStore, type StoreLocation } from '../dataset/open-store.ts';
import type { RegisterCommand } from './main.ts';

export interface ExportCommandOptions extends StoreLocation {
  since?: string;
  until?: string;
  source?: string;
  format: ExportFormat;
}

export const EXIT_SOME_UNREADABLE = 1;
export const EXIT_USAGE = 2;

/** Adds the store options every dataset command shares. */
export function withStoreOptions(command: Command): Command {
  return command
    .option('--from <dir>', `local directory store (default: ${DEFAULT_DATA_DIR})`)
    .option('--bucket <name>', 'S3 bucket store instead of a directory')
    .option('--endpoint <url>', 'S3-compatible endpoint (with --bucket)')
    .option('--region <region>', 'S3 region (with --bucket)');
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
    const summary = await exportArticles({
      store: openDatasetStore(options),
      format: options.format,
      output: stdout,
      ...(options.since !== undefined ? { since: options.since } : {}),
      ...(options.until !== undefined ? { until: options.until } : {}),
      ...(options.source !== undefined ? { source: options.source } : {}),
      // The message starts with the key.
      onError: (_key, message) => stderr.write(`news-ingest export: skipped ${message}\n`),
    });
    stderr.write(`news-ingest export: ${summary.exported} articles exported, ${summary.failed} unreadable\n`);
    return summary.failed > 0 ? EXIT_SOME_UNREADABLE : 0;
  } catch (error) {
    if (brokenPipe || isBrokenPipe(error)) return 0;
    stderr.write(`news-ingest export: ${errorMessage(error)}\n`);
    return EXIT_USAGE;
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
