/**
 * The credits Vietnamese sites print under the body, right-aligned or bold: the byline ("Phương Nhi",
 * "NGỌC PHÚ - HOÀNG HIỆP") and the source the text was taken from ("Theo Bảo hiểm xã hội TP Hà Nội").
 * One rule for the generic body and every adapter layout: such a last paragraph is not body text.
 */
import type { Element } from 'domhandler';

/** A closing byline is a name or two ("Phương Nhi", "NGỌC PHÚ - HOÀNG HIỆP"), never a sentence. */
const MAX_CLOSING_BYLINE_LENGTH = 60;
/** Every word of a printed name starts with a capital; separators and role labels ("Tin, ảnh:") may sit between names. */
const NAME_LINE = /^(?:[\p{Lu}][\p{L}.'’-]*|[-–—,;&/:()]|và|ảnh|tin|bài|theo)(?:\s+(?:[\p{Lu}][\p{L}.'’-]*|[-–—,;&/:()]|và|ảnh|tin|bài))*$/u;
const BOLD_TAGS = new Set(['b', 'strong']);

function rightAligned(element: Element): boolean {
  return element.attribs['align'] === 'right' || /text-align\s*:\s*right/i.test(element.attribs['style'] ?? '');
}

/** All the element's text sits inside <b>/<strong>. */
function allBold(element: Element): boolean {
  return element.children.every((child) => {
    if (child.type === 'text') return child.data.trim() === '';
    if (child.type !== 'tag') return true;
    const tag = child as Element;
    return BOLD_TAGS.has(tag.name) || tag.name === 'br' || (tag.children.length > 0 && allBold(tag));
  });
}

/** "Theo Bảo hiểm xã hội TP Hà Nội", "Nguồn: TTXVN": where the text was taken from. */
const SOURCE_LINE = /^(?:theo|nguồn\s*:)\s+\p{Lu}/iu;
/** A source line is a name, not a sentence. */
const MAX_SOURCE_LINE_LENGTH = 80;

/** Classes that mark a credit line, as part of a class name: "p.pAuthor", "p.pSource", "p.byline". */
const CREDIT_CLASS = /author|byline|source|credit/i;
/** "- 19:30 05/09/2026": when the text was published at its source, alone on a line. */
const DATE_LINE = /^[-–—\s]*(?:\d{1,2}:\d{2}\s+)?\d{1,2}[/.-]\d{1,2}[/.-]\d{4}(?:\s+\d{1,2}:\d{2})?\s*$/u;

export type ClosingCredit = 'byline' | 'source' | 'date';

/**
 * What a paragraph closing the body is when Vietnamese sites print credits there, or null for body
 * text: a byline (names only, right-aligned or bold, or in an element whose class says author), the
 * source the text was taken from ("Theo X", or a class that says source), or a date alone on a line.
 */
export function closingCreditOf(element: Element, text: string): ClosingCredit | null {
  if (DATE_LINE.test(text)) return 'date';
  const marked = CREDIT_CLASS.test(element.attribs['class'] ?? '');
  const printedAsCredit = marked || rightAligned(element) || allBold(element);
  if (!printedAsCredit) return null;
  if (text.length <= MAX_SOURCE_LINE_LENGTH && (SOURCE_LINE.test(text) || /source/i.test(element.attribs['class'] ?? ''))) return 'source';
  if (text.length <= MAX_CLOSING_BYLINE_LENGTH && NAME_LINE.test(text)) return 'byline';
  return null;
}

/** How many credit lines may close a body (byline, source, source's date). */
export const MAX_CLOSING_CREDITS = 3;
