/**
 * An extractor's reading of a Vietnamese page held to the expectation written for it (the pages of
 * tests/fixtures/vietnamese-expectations.ts and tests/fixtures/vi/), field by field, the same way for every
 * extractor. Looser than the Vietnamese section of `npm run eval` (bench/eval-vietnamese.ts), which holds
 * news-ingest to exact values: here text is compared whitespace-normalized, times as instants, authors as
 * a case-folded set, and the lead may be an extractor's summary field or its first body paragraph, since
 * the peers have no lead field of their own.
 */
import type { PageExpectation } from '../../bench/eval-vietnamese.ts';
import { authorsMatch, bagOfWordsF1, normalizedText, sameInstant, titleMatches } from './corpus-scoring.ts';
import type { ComparedFields } from './peers.ts';

export const COMPARED_FIELDS = [
  'title', 'publishedAt', 'authors', 'category', 'lead', 'dateline', 'firstParagraph', 'lastParagraph', 'notInBody', 'captionCredit',
] as const;
export type ComparedField = (typeof COMPARED_FIELDS)[number];

/** How many checks of a field were right, of how many made. */
export interface Tally {
  right: number;
  of: number;
}

export interface VietnamesePageComparison {
  /**
   * Each field checked on this page: one check per page, except captionCredit, one per in-body image with a
   * caption or credit. Not checked: a field the expectation leaves out, the lead and the dateline on a page
   * that has none, captionCredit on a page with no captioned or credited image.
   */
  fields: Partial<Record<ComparedField, Tally>>;
  /** null: no full reference body for this page */
  bodyF1: number | null;
}

/** Whitespace-insensitive "starts with"; a null start (a page with no body paragraph of its own) expects no text. */
const startsWithText = (text: string | null | undefined, start: string | null): boolean =>
  start === null ? text === null || text === undefined : typeof text === 'string' && normalizedText(text).startsWith(normalizedText(start));

const sameOrNull = (got: string | null, want: string | null): boolean => (got === null || want === null ? got === want : normalizedText(got) === normalizedText(want));

const one = (right: boolean): Tally => ({ right: right ? 1 : 0, of: 1 });

export function compareVietnamese(fields: ComparedFields, want: PageExpectation, referenceBody: string[] | null): VietnamesePageComparison {
  const paragraphs = fields.body.paragraphs;
  const leadStart = want.leadStart ?? null;
  // A peer keeps the lead as its first body paragraph: the first paragraph after the lead may then be the next one.
  const leadInBody = leadStart !== null && paragraphs[0] !== undefined && normalizedText(paragraphs[0]).includes(normalizedText(leadStart));
  const bodyText = normalizedText(fields.body.text);
  const result: VietnamesePageComparison['fields'] = {};
  if (want.title !== undefined) result.title = one(titleMatches(fields.title, want.title));
  if (want.publishedAt !== undefined) result.publishedAt = one(sameInstant(fields.publishedAt, want.publishedAt));
  if (want.authors !== undefined) {
    const names = want.authors.map((author) => (typeof author === 'string' ? author : author.name));
    result.authors = one(authorsMatch(fields.authorNames, names));
  }
  if (want.category !== undefined) result.category = one(sameOrNull(fields.category, want.category));
  if (leadStart !== null) result.lead = one(startsWithText(fields.lead, leadStart) || startsWithText(paragraphs[0], leadStart));
  if (want.dateline) result.dateline = one(sameOrNull(fields.dateline, want.dateline));
  if (want.firstParagraphStart !== undefined) {
    const first = want.firstParagraphStart;
    result.firstParagraph = one(startsWithText(paragraphs[0], first) || (leadInBody && startsWithText(paragraphs[1], first)));
  }
  if (want.lastParagraphStart !== undefined) result.lastParagraph = one(startsWithText(paragraphs.at(-1), want.lastParagraphStart));
  if (want.notInBody !== undefined) result.notInBody = one(want.notInBody.every((text) => !bodyText.includes(normalizedText(text))));
  const wantedImages = (want.images ?? []).filter((image) => image.caption !== null || image.credit !== null);
  if (wantedImages.length > 0) {
    result.captionCredit = {
      right: wantedImages.filter((image) => fields.images.some((got) => sameOrNull(got.caption, image.caption) && sameOrNull(got.credit, image.credit))).length,
      of: wantedImages.length,
    };
  }
  return { fields: result, bodyF1: referenceBody === null ? null : bagOfWordsF1(fields.bodyParagraphs, referenceBody) };
}
