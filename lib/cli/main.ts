import { Command, CommanderError } from 'commander';

/**
 * The `news-ingest` command line. Each command lives in its own module and registers itself here;
 * a command's action returns its exit code.
 */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('news-ingest')
    .description('Turn news feeds into a clean, queryable dataset of articles')
    .exitOverride()
    .showHelpAfterError();
  const setExitCode = (code: number): void => {
    exitCode = code;
  };
  for (const register of await commandRegistrations()) register(program, setExitCode);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
  return exitCode;
}

export type RegisterCommand = (program: Command, setExitCode: (code: number) => void) => void;

async function commandRegistrations(): Promise<RegisterCommand[]> {
  return [
    (await import('./extract-command.ts')).registerExtractCommand,
    (await import('./ingest-command.ts')).registerIngestCommand,
    (await import('./serve-sample-command.ts')).registerServeSampleCommand,
    (await import('./export-command.ts')).registerExportCommand,
    (await import('./compact-command.ts')).registerCompactCommand,
    (await import('./reextract-command.ts')).registerReextractCommand,
  ];
}
