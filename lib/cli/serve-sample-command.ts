import { InvalidArgumentError, type Command } from 'commander';
import { createSampleSite, SAMPLE_SITE_PORT } from '../sample-site/site.ts';
import type { RegisterCommand } from './main.ts';

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535) throw new InvalidArgumentError('expected a port number (0-65535)');
  return parsed;
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a positive integer');
  return parsed;
}

export const registerServeSampleCommand: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command('serve-sample')
    .description('Serve the bundled sample news site on 127.0.0.1 until interrupted')
    .option('--port <n>', `port to listen on, 0 for any free one (default: ${SAMPLE_SITE_PORT})`, port)
    .option('--articles <n>', 'number of article pages', positiveInteger)
    .action(async (options: { port?: number; articles?: number }) => {
      const site = await createSampleSite({
        port: options.port ?? SAMPLE_SITE_PORT,
        ...(options.articles !== undefined ? { articles: options.articles } : {}),
      });
      process.stdout.write(`sample site on ${site.origin} (${site.pages.length} articles); Ctrl-C stops it\n`);
      for (const feed of site.feeds) process.stdout.write(`  ${feed.kind.padEnd(7)} ${feed.url}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await site.close();
      setExitCode(0);
    });
};
