import type { Command } from 'commander';
import { createSampleSite, SAMPLE_SITE_PORT } from '../sample-site/site.ts';
import { EXIT_OK, port, positiveInteger } from './conventions.ts';
import type { RegisterCommand } from './main.ts';

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
      setExitCode(EXIT_OK);
    });
};
