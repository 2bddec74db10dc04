/**
 * The generic extractor on trafilatura's evaluation set (990 pages, 20+ languages), scored the way
 * trafilatura scores itself (tests/helpers/segment-scoring.ts), beside @mozilla/readability on jsdom in the same run.
 * The text scored is title + lead + body. The set is read from ../shared/corpus/trafilatura-eval beside the
 * repository (its README gives the format) and is never copied into the repository; when it is absent the
 * eval says so and goes on. Pages are extracted as `news-ingest extract` does (extractSavedPage); some are
 * keyed by a name, not a URL ("hard::…"), and are extracted without one. Each page is also extracted
 * without its URL: that must give an article wherever the page with its URL does.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { extractSavedPage } from '../lib/extract/index.ts';
import { absoluteHttpUrl } from '../lib/normalize/url.ts';
import { readSegmentPageHtml, readSegmentPages, scoredText, scoreSegments, segmentTotals, type SegmentCounts, type SegmentTotals } from '../tests/helpers/segment-scoring.ts';
import { readabilityText } from '../tests/helpers/peers.ts';

export const TRAFILATURA_EVAL_DIR = fileURLToPath(new URL('../../shared/corpus/trafilatura-eval/', import.meta.url));

/** `url` is undefined for a page the set keys by a name. */
type TextExtractor = (html: string, url: string | undefined) => Promise<string | null>;

export interface ExtractorTotals extends SegmentTotals {
  seconds: number;
}

export interface TrafilaturaResult {
  ours: ExtractorTotals;
  readability: ExtractorTotals;
  /**
   * pages with an article when extracted with their URL, how many of those also give one without it, and
   * how many of those with the same text
   */
  withoutUrl: { pagesWithArticle: number; alsoWithoutUrl: number; sameText: number; failures: string[] };
  /** why ours gave no output, by error message kind */
  noOutputReasons: Record<string, number>;
}

const ours: TextExtractor = async (html, url) => scoredText(extractSavedPage(html, { url }));

async function scoreAll(
  pages: { url: string | undefined; html: () => string }[],
  extract: TextExtractor,
  segments: ReturnType<typeof readSegmentPages>,
  onFailure: (error: unknown) => void = () => {},
): Promise<ExtractorTotals> {
  const scored: { counts: SegmentCounts; text: string | null }[] = [];
  const started = performance.now();
  for (const [index, page] of pages.entries()) {
    let text: string | null;
    try {
      text = (await extract(page.html(), page.url)) || null;
    } catch (error) {
      onFailure(error);
      text = null;
    }
    scored.push({ counts: scoreSegments(text, segments[index]!), text });
  }
  return { ...segmentTotals(scored), seconds: (performance.now() - started) / 1000 };
}

/** Scores ours and readability on the whole set; null when the set is not beside the repository. */
export async function evaluateTrafilaturaSet(directory = TRAFILATURA_EVAL_DIR): Promise<TrafilaturaResult | null> {
  if (!existsSync(directory)) return null;
  const segments = readSegmentPages(directory);
  // Each page is read when it is extracted: the 990 pages held at once, with jsdom beside them, exhaust the heap.
  const pages = segments.map((page) => ({ url: absoluteHttpUrl(page.url) ?? undefined, html: () => readSegmentPageHtml(directory, page) }));
  const noOutputReasons: Record<string, number> = {};
  const reason = (error: unknown): void => {
    const kind = error instanceof Error ? `${error.name}: ${error.message.replace(/^\S+: /, '')}` : String(error);
    noOutputReasons[kind] = (noOutputReasons[kind] ?? 0) + 1;
  };
  const oursTotals = await scoreAll(pages, ours, segments, reason);
  const readability = await scoreAll(pages, readabilityText, segments);
  const withoutUrl = { pagesWithArticle: 0, alsoWithoutUrl: 0, sameText: 0, failures: [] as string[] };
  for (const [index, page] of pages.entries()) {
    const html = page.html();
    let withUrl: string;
    try {
      withUrl = scoredText(extractSavedPage(html, { url: page.url }));
    } catch {
      continue;
    }
    withoutUrl.pagesWithArticle += 1;
    try {
      const text = scoredText(extractSavedPage(html));
      withoutUrl.alsoWithoutUrl += 1;
      if (text === withUrl) withoutUrl.sameText += 1;
    } catch (error) {
      withoutUrl.failures.push(`${segments[index]!.file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { ours: oursTotals, readability, withoutUrl, noOutputReasons };
}

export function printTrafilatura(result: TrafilaturaResult | null, directory = TRAFILATURA_EVAL_DIR): void {
  if (!result) {
    console.log(`\ntrafilatura evaluation set: not run (${directory} is absent; it is kept beside the repository, not in it)`);
    return;
  }
  console.log(`\ntrafilatura evaluation set (${result.ours.pages} pages; title + lead + body; segment substring match, micro-summed)`);
  console.log(`${'extractor'.padEnd(20)} precision  recall      F1  no output  seconds`);
  const row = (name: string, totals: ExtractorTotals): void =>
    console.log(
      `${name.padEnd(20)} ${totals.precision.toFixed(3).padStart(9)} ${totals.recall.toFixed(3).padStart(7)} ${totals.f1.toFixed(3).padStart(7)} ${String(totals.pagesWithoutOutput).padStart(10)} ${totals.seconds.toFixed(1).padStart(8)}`,
    );
  row('news-ingest', result.ours);
  row('readability+jsdom', result.readability);
  for (const [kind, count] of Object.entries(result.noOutputReasons).sort((a, b) => b[1] - a[1])) console.log(`  no output ${String(count).padStart(4)}: ${kind}`);
  const { pagesWithArticle, alsoWithoutUrl, sameText, failures } = result.withoutUrl;
  console.log(
    `Without a URL: ${alsoWithoutUrl} of the ${pagesWithArticle} pages that give an article with their URL also give one without it (${sameText} with the same text)`,
  );
  for (const failure of failures.slice(0, 10)) console.log(`  ${failure}`);
}
