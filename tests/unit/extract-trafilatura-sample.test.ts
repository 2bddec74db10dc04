import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractSavedPage } from '../../lib/extract/index.ts';
import { absoluteHttpUrl } from '../../lib/normalize/url.ts';
import { readSegmentPageHtml, readSegmentPages, scoredText, scoreSegments, segmentTotals } from '../helpers/segment-scoring.ts';

const SAMPLE = join(import.meta.dirname, '..', 'fixtures', 'trafilatura-sample');
const pages = readSegmentPages(SAMPLE).map((page) => ({ ...page, html: readSegmentPageHtml(SAMPLE, page) }));

/** The page as `news-ingest extract` reads it; null when it gives no article. */
function textOf(html: string, url: string | undefined): string | null {
  try {
    return scoredText(extractSavedPage(html, { url }));
  } catch {
    return null;
  }
}

describe('generic extractor on a fixed sample of trafilatura\'s evaluation set', () => {
  it('keeps its score: F1 of the main-text segments found, boilerplate segments counted against it', () => {
    const scored = pages.map((page) => {
      const text = textOf(page.html, absoluteHttpUrl(page.url) ?? undefined);
      return { counts: scoreSegments(text, page), text };
    });
    const totals = segmentTotals(scored);
    // Measured 2026-12-06 on these 24 pages: P 0.954, R 0.827, F1 0.886, every page with output (before the
    // recall work of issue 11: F1 0.859, one page without output).
    expect(totals.pagesWithoutOutput).toBe(0);
    expect(totals.f1).toBeGreaterThanOrEqual(0.88);
    expect(totals.precision).toBeGreaterThanOrEqual(0.93);
  });

  it('gives an article for every page without its URL, with the same text where the page names no URL of its own', () => {
    for (const page of pages) {
      const withoutUrl = extractSavedPage(page.html);
      expect(withoutUrl.body.paragraphs.length, page.file).toBeGreaterThan(0);
      expect(withoutUrl.id, page.file).toMatch(/^[0-9a-f]{20}$/);
      if (withoutUrl.url === null) {
        expect(withoutUrl.source, page.file).toBeNull();
        // The id comes from the content: the same page read again has the same id.
        expect(extractSavedPage(page.html).id, page.file).toBe(withoutUrl.id);
      }
    }
  });
});
