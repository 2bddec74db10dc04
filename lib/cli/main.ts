import { Command, CommanderError } from 'commander';
import { registerCompactCommand } from './compact-command.ts';
import { EXIT_OK, EXIT_USAGE } from './conventions.ts';
import { registerExportCommand } from './export-command.ts';
import { registerExtractCommand } from './extract-command.ts';
import { registerIngestCommand } from './ingest-command.ts';
import { registerMigrateCommand } from './migrate-command.ts';
import { registerReextractCommand } from './reextract-command.ts';
import { registerServeSampleCommand } from './serve-sample-command.ts';

/**
 * The `news-ingest` command line. Each command lives in its own module and registers itself here;
 * a command's action returns its exit code (conventions.ts lists them).
 */
export async function main(argv: string[]): Promise<number> {
  let exitCode = EXIT_OK;
  const program = new Command('news-ingest')
    .description('Turn news feeds into a clean, queryable dataset of articles')
    .exitOverride()
    .showHelpAfterError();
  const setExitCode = (code: number): void => {
    exitCode = code;
  };
  for (const register of COMMANDS) register(program, setExitCode);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    // Commander exits 0 for --help and --version, 1 for everything else; a bad command line is a usage error.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    throw error;
  }
  return exitCode;
}

export type RegisterCommand = (program: Command, setExitCode: (code: number) => void) => void;

const COMMANDS: readonly RegisterCommand[] = [
  registerExtractCommand,
  registerIngestCommand,
  registerServeSampleCommand,
  registerExportCommand,
  registerCompactCommand,
  registerReextractCommand,
  registerMigrateCommand,
];
