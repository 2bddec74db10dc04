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

/**
 * A paragraph printed the way Vietnamese sites print the credits under the body, right-aligned or bold:
 * a byline (short, names only) or the source the text was taken from ("Theo X"). Neither is body text.
 */
export function looksLikeClosingCredit(element: Element, text: string): boolean {
  if (!rightAligned(element) && !allBold(element)) return false;
  return (text.length <= MAX_CLOSING_BYLINE_LENGTH && NAME_LINE.test(text)) || (text.length <= MAX_SOURCE_LINE_LENGTH && SOURCE_LINE.test(text));
}
