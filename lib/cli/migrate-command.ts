import type { Command } from 'commander';
import { openDatasetStore, type StoreLocation } from '../dataset/open-store.ts';
import { migrateToIdKeys } from '../store/migrate.ts';
import { S3ObjectStore } from '../store/s3.ts';
import { checkOptions, EXIT_OK, EXIT_PARTIAL_FAILURE, reportFailure, withStoreOptions } from './conventions.ts';
import type { RegisterCommand } from './main.ts';

/**
 * Moves a store's articles from the layout before ids (articles/v1/ and state/index/) to articles/v2/;
 * prints each failure, then the counts. Exit 1 if an article failed (run it again), 2 for bad options, 3
 * when the store cannot be read or written.
 */
export async function runMigrate(options: StoreLocation, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): Promise<number> {
  try {
    const store = checkOptions(() => openDatasetStore(options));
    const summary = await migrateToIdKeys({
      store,
      // The stack's bucket is versioned (infra/constructs/storage.ts): an overwritten copy stays as a version.
      keepRevisions: store instanceof S3ObjectStore ? 'bucket-versioning' : 'local-copy',
      onResult: (result) => {
        if (result.outcome === 'failed') stderr.write(`news-ingest migrate: failed ${result.legacyKey}: ${result.reason}\n`);
      },
    });
    stdout.write(
      `migrated: ${summary.stored} stored, ${summary.updated} updated, ${summary.unchanged} unchanged (a copy at least as new was there), ${summary.failed} failed; ${summary.pages} page objects moved into batches, ${summary.indexEntriesRemoved} index entries removed\n`,
    );
    return summary.failed > 0 ? EXIT_PARTIAL_FAILURE : EXIT_OK;
  } catch (error) {
    return reportFailure('migrate', error, stderr);
  }
}

export const registerMigrateCommand: RegisterCommand = (program: Command, setExitCode) => {
  withStoreOptions(
    program
      .command('migrate')
      .description(
        'Move articles stored before they were keyed by id (articles/v1/, state/index/) to articles/v2/<xx>/<id>.json, and pages stored one object each into batches; safe to run again',
      ),
  ).action(async (options: StoreLocation) => {
    setExitCode(await runMigrate(options, process.stdout, process.stderr));
  });
};
