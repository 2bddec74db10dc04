import { InvalidArgumentError, type Command } from 'commander';
import { ConfigError } from '../config.ts';
import { DEFAULT_DATA_DIR, StoreOptionsError } from '../dataset/open-store.ts';
import { describeError } from '../errors.ts';

/** What every news-ingest command shares: its exit codes (listed in the README), store options, option parsers. */

/** Done; for ingest, item failures are recorded in the run summary and retried by the next run. */
export const EXIT_OK = 0;
/** Ran to the end, but some items failed and are named on stderr (unreadable objects, days, pages, files). */
export const EXIT_PARTIAL_FAILURE = 1;
/** Bad options or config: nothing was done. */
export const EXIT_USAGE = 2;
/** Could not do the work: the store could not be reached, or ingest could read no feed. Try again later. */
export const EXIT_UNAVAILABLE = 3;

/** An option value the command cannot run with; reported with EXIT_USAGE. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Errors that mean "the command line or config is wrong", as opposed to a store or network failure. */
function isUsageError(error: unknown): boolean {
  return error instanceof UsageError || error instanceof StoreOptionsError || error instanceof ConfigError;
}

/** Runs option checks; whatever they throw becomes a UsageError with the same message. */
export function checkOptions<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (isUsageError(error)) throw error;
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** Prints why a command stopped and returns its exit code: EXIT_USAGE for bad input, EXIT_UNAVAILABLE otherwise. */
export function reportFailure(command: string, error: unknown, stderr: NodeJS.WritableStream): number {
  const usage = isUsageError(error);
  stderr.write(`news-ingest ${command}: ${usage ? (error as Error).message : describeError(error)}\n`);
  return usage ? EXIT_USAGE : EXIT_UNAVAILABLE;
}

/** The store options of every command that reads or writes the dataset; `--from` names the directory (ingest: `--out`). */
export function withStoreOptions(command: Command, directoryOption: '--from' | '--out' = '--from'): Command {
  return command
    .option(`${directoryOption} <dir>`, `local directory store (default: ${DEFAULT_DATA_DIR})`)
    .option('--bucket <name>', 'S3 bucket store instead of a directory')
    .option('--endpoint <url>', 'S3-compatible endpoint (with --bucket)')
    .option('--region <region>', 'S3 region (with --bucket)');
}

export function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a positive integer');
  return parsed;
}

/** A TCP port to listen on; 0 asks for any free one. */
export function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535) throw new InvalidArgumentError('expected a port number (0-65535)');
  return parsed;
}
