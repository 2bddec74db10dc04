import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { describeError } from '../errors.ts';
import { decodeBody } from '../http/charset.ts';
import { extractSavedPage, NotAnArticleError } from '../extract/index.ts';
import { ExtractionTrace, formatExplanation } from '../extract/explain.ts';
import { EXIT_OK, EXIT_PARTIAL_FAILURE } from './conventions.ts';
import type { RegisterCommand } from './main.ts';

/** Why one file gave no article; printed in its place so the output stays one line per file, in order. */
export type ExtractFailureKind = 'unreadable' | 'not-an-article' | 'extract-failed';

export interface ExtractFailure {
  file: string;
  error: string;
  kind: ExtractFailureKind;
}

function failureKind(error: unknown): ExtractFailureKind {
  if (error instanceof NotAnArticleError) return 'not-an-article';
  return 'extract-failed';
}

/**
 * One NDJSON line for a saved page: the Article, or an ExtractFailure naming the file. A page whose URL is
 * neither given nor named by the page still gives an article, with "url": null and an id from its content.
 * With `explain`, the line is followed by where each field came from (formatExplanation), a block of text per page.
 */
export async function extractFileLine(file: string, url: string | undefined, explain = false): Promise<{ line: string; ok: boolean }> {
  let html: string;
  try {
    // Saved pages are bytes in whatever charset the site used: the same decoding as a live fetch.
    html = decodeBody(await readFile(file), null).text;
  } catch (error) {
    const failure: ExtractFailure = { file, error: describeError(error), kind: 'unreadable' };
    return { line: JSON.stringify(failure), ok: false };
  }
  const trace = explain ? new ExtractionTrace() : undefined;
  const explained = (line: string): string => (trace && trace.fields.size > 0 ? `${line}\n${formatExplanation(trace)}\n` : line);
  try {
    const article = extractSavedPage(html, { url, trace });
    const header = trace ? `# ${file}: extractor ${article.extractor.name}, source ${article.source?.id ?? 'unknown (no URL)'}\n` : '';
    return { line: header + explained(JSON.stringify(article)), ok: true };
  } catch (error) {
    const failure: ExtractFailure = { file, error: describeError(error), kind: failureKind(error) };
    return { line: explained(JSON.stringify(failure)), ok: false };
  }
}

export const registerExtractCommand: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command('extract')
    .description('Extract one Article (a JSON line) from each saved HTML page; failures print a JSON error line instead')
    .option('--url <url>', "URL the page was fetched from (default: the page's canonical link or og:url; without any, \"url\" is null and relative links are dropped)")
    .option('--explain', 'after each Article, print per field where its value came from (adapter layout + selector, JSON-LD path, meta name, heuristic) and the candidates rejected')
    .argument('<files...>', 'saved HTML pages')
    .action(async (files: string[], options: { url?: string; explain?: boolean }) => {
      let failed = false;
      for (const file of files) {
        const { line, ok } = await extractFileLine(file, options.url, options.explain === true);
        process.stdout.write(`${line}\n`);
        if (!ok) failed = true;
      }
      setExitCode(failed ? EXIT_PARTIAL_FAILURE : EXIT_OK);
    });
};
