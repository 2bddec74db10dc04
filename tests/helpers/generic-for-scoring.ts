import * as cheerio from 'cheerio';
import { extractGeneric } from '../../lib/extract/generic.ts';
import type { ScoredFields } from './corpus-scoring.ts';

/**
 * The generic path alone, on a page loaded the way lib/extract loads it (htmlparser2 backend). The lead
 * counts as the body's first paragraph, as the reference's summary does.
 */
export function extractGenericForScoring(html: string, url: string): ScoredFields {
  const $ = cheerio.load(html, { xml: { xmlMode: false } });
  const fields = extractGeneric($, url);
  return {
    title: fields.title,
    publishedAt: fields.publishedAt,
    authorNames: fields.authors.map((author) => author.name),
    bodyParagraphs: fields.lead ? [fields.lead, ...fields.paragraphs] : fields.paragraphs,
    imageCaptions: fields.images.map((image) => image.caption),
  };
}
