/**
 * A peer's reading of a Vietnamese page held to the expectation written for it
 * (tests/fixtures/vietnamese-expectations.ts), field by field, the same way for every extractor.
 */
import type { VietnameseExpectation } from '../fixtures/vietnamese-expectations.ts';
import { authorsMatch, bagOfWordsF1, normalizedText, sameInstant, titleMatches } from './corpus-scoring.ts';
import type { ComparedFields } from './peers.ts';

/** The written expectation's fields a peer can be held to, each right or wrong on one page. */
export interface VietnamesePageComparison {
  title: boolean;
  date: boolean;
  authors: boolean;
  /** the lead, without the dateline, as the summary field or as the first body paragraph */
  lead: boolean;
  /** first body paragraph after the lead (a paragraph holding the lead is skipped) */
  firstParagraph: boolean;
  lastParagraph: boolean;
  /** none of the page's captions, credits, bylines, related boxes and ads in the body */
  cleanBody: boolean;
  /** null: no full reference body for this page */
  bodyF1: number | null;
  /** reference images with a caption or credit whose caption and credit are both found, as separate fields */
  captionCredit: { right: number; of: number };
}

const startsWithText = (text: string | undefined, start: string): boolean =>
  text !== undefined && normalizedText(text).startsWith(normalizedText(start));

export function compareVietnamese(fields: ComparedFields, want: VietnameseExpectation, referenceBody: string[] | null): VietnamesePageComparison {
  const body = fields.bodyParagraphs;
  const leadStart = want.leadStart;
  const leadFirst = leadStart !== null && body[0] !== undefined && normalizedText(body[0]).includes(normalizedText(leadStart));
  const bodyText = normalizedText(body.join('\n'));
  const wantedImages = want.images.filter((image) => image.caption !== null || image.credit !== null);
  const sameOrNull = (a: string | null, b: string | null): boolean => (a === null || b === null ? a === b : normalizedText(a) === normalizedText(b));
  return {
    title: titleMatches(fields.title, want.title),
    date: sameInstant(fields.publishedAt, want.publishedAt),
    authors: authorsMatch(fields.authorNames, want.authors.map((author) => author.name)),
    lead: leadStart === null ? fields.lead === null : startsWithText(fields.lead ?? undefined, leadStart) || startsWithText(body[0], leadStart),
    firstParagraph: startsWithText(body[leadFirst ? 1 : 0], want.firstParagraphStart),
    lastParagraph: startsWithText(body.at(-1), want.lastParagraphStart),
    cleanBody: want.notInBody.every((text) => !bodyText.includes(normalizedText(text))),
    bodyF1: referenceBody === null ? null : bagOfWordsF1(body, referenceBody),
    captionCredit: {
      right: wantedImages.filter((image) => fields.images.some((got) => sameOrNull(got.caption, image.caption) && sameOrNull(got.credit, image.credit))).length,
      of: wantedImages.length,
    },
  };
}
