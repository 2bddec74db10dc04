/**
 * The credits Vietnamese sites print under the body, right-aligned or bold: the byline ("Phương Nhi",
 * "NGỌC PHÚ - HOÀNG HIỆP") and the source the text was taken from ("Theo Bảo hiểm xã hội TP Hà Nội").
 * One rule for the generic body and every adapter layout: such a last paragraph is not body text.
 */
import type { AnyNode, Element } from 'domhandler';
import { withoutTitleBeforeName } from '../normalize/byline.ts';
import { findElements, renderedText } from './dom.ts';

/** A closing byline is a name or two ("Phương Nhi", "NGỌC PHÚ - HOÀNG HIỆP"), never a sentence. */
const MAX_CLOSING_BYLINE_LENGTH = 60;
/** Every word of a printed name starts with a capital; separators and role labels ("Tin, ảnh:") may sit between names. */
const NAME_LINE = /^(?:[\p{Lu}][\p{L}.'’-]*|[-–—,;&/:()]|và|ảnh|tin|bài|theo)(?:\s+(?:[\p{Lu}][\p{L}.'’-]*|[-–—,;&/:()]|và|ảnh|tin|bài))*$/u;
const BOLD_TAGS = new Set(['b', 'strong']);

/** Names only, short: "Phương Nhi", "NGỌC PHÚ - HOÀNG HIỆP", "Tin, ảnh: Hà Anh", "Bác sĩ Trần Thanh Vỹ" (a title before the name); never a sentence. */
export function isNameLine(text: string): boolean {
  return text.length <= MAX_CLOSING_BYLINE_LENGTH && NAME_LINE.test(withoutTitleBeforeName(text));
}

function rightAligned(element: Element): boolean {
  return element.attribs['align'] === 'right' || /text-align\s*:\s*right/i.test(element.attribs['style'] ?? '');
}

/** <b>, <strong>, or an element styled bold ("span.bold", "font-weight: bold"). */
function bold(element: Element): boolean {
  return BOLD_TAGS.has(element.name) || /(?:^|\s)bold(?:\s|$)/.test(element.attribs['class'] ?? '') || /font-weight\s*:\s*(?:bold|[6-9]00)/i.test(element.attribs['style'] ?? '');
}

/** "(theo online-tech-tips)": a source in parentheses after the name, whatever its style. */
const PARENTHESISED = /^\s*\([^()]*\)\s*$/u;

/** All the element's text sits inside bold elements, but for a source in parentheses. */
export function allBold(element: Element): boolean {
  return element.children.every((child) => {
    if (child.type === 'text') return child.data.trim() === '' || PARENTHESISED.test(child.data);
    if (child.type !== 'tag') return true;
    const tag = child as Element;
    return bold(tag) || tag.name === 'br' || PARENTHESISED.test(renderedText(tag)) || (tag.children.length > 0 && allBold(tag));
  });
}

function withoutParentheses(text: string): string {
  return text.replace(/\s*\([^()]*\)/gu, '').trim();
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

/** "Theo" alone before the writer's name. */
const THEO = /^\s*theo\s*$/iu;
/** An outlet's name on a line of its own: a word or a few ("Lao Động", "Zing/Themost10"). */
const MAX_OUTLET_LENGTH = 40;
const ITALIC_TAGS = new Set(['i', 'em']);

function italic(element: Element): boolean {
  return ITALIC_TAGS.has(element.name) || /font-style\s*:\s*italic/i.test(element.attribs['style'] ?? '');
}

/** The next element after `node`, or after its parent or grandparent when it closes them. */
function elementAfter(node: AnyNode): Element | null {
  let current: AnyNode | null = node;
  for (let level = 0; current && level < 3; level += 1, current = current.parent) {
    for (let next = current.next; next; next = next.next) if (next.type === 'tag') return next as Element;
  }
  return null;
}

/** A short line printed in italics: the outlet a syndicated article was taken from. */
function isOutletLine(element: Element | null): boolean {
  if (!element) return false;
  const text = renderedText(element);
  return text.length > 1 && text.length <= MAX_OUTLET_LENGTH && (italic(element) || findElements(element, italic).some((inner) => renderedText(inner) === text));
}

/**
 * "Theo <b>Vân Anh</b>" followed by the outlet in italics on its own line ("Lao Động"): a syndicated
 * article's writer, in bold after "Theo", with the outlet it was taken from printed apart. Any other
 * "Theo X" names a source.
 */
function writerBeforeOutlet(nodes: AnyNode[]): boolean {
  const printed = nodes.filter((node) => node.type !== 'text' || node.data.trim() !== '');
  const [first, ...names] = printed;
  return (
    first?.type === 'text' && THEO.test(first.data) && names.length > 0 &&
    names.every((node) => node.type === 'tag' && (bold(node as Element) || allBold(node as Element))) &&
    isOutletLine(elementAfter(printed.at(-1)!))
  );
}

function creditOf(text: string, nodes: AnyNode[], printedAsCredit: boolean, sourceClass: boolean): ClosingCredit | null {
  if (DATE_LINE.test(text)) return 'date';
  if (SOURCE_LINE.test(text) && text.length <= MAX_SOURCE_LINE_LENGTH && writerBeforeOutlet(nodes) && isNameLine(bylineText(text))) return 'byline';
  if (!printedAsCredit) return null;
  if (text.length <= MAX_SOURCE_LINE_LENGTH && (SOURCE_LINE.test(text) || sourceClass)) return 'source';
  if (isNameLine(withoutParentheses(text))) return 'byline';
  return null;
}

/**
 * What a paragraph closing the body is when Vietnamese sites print credits there, or null for body
 * text: a byline (names only, right-aligned or bold, or in an element whose class says author; a
 * source in parentheses may follow: "<b>Ca Tiếu</b><i>(theo online-tech-tips)</i>"), the source the text
 * was taken from ("Theo X", or a class that says source), or a date alone on a line.
 */
export function closingCreditOf(element: Element, text: string): ClosingCredit | null {
  const className = element.attribs['class'] ?? '';
  return creditOf(text, element.children, CREDIT_CLASS.test(className) || rightAligned(element) || allBold(element), /source/i.test(className));
}

/** The same for a run of inline nodes directly inside `parent` (text between blocks or after a blank line). */
export function closingCreditOfRun(parent: Element, nodes: AnyNode[], text: string): ClosingCredit | null {
  const inBold = nodes.every((node) => (node.type === 'text' ? node.data.trim() === '' : node.type !== 'tag' || bold(node as Element) || allBold(node as Element)));
  return creditOf(text, nodes, rightAligned(parent) || inBold, false);
}

/**
 * Whether the last line of a run (inline nodes after a single <br>) is a syndicated writer's credit, "Theo
 * <b>Vũ Vũ</b>" with the outlet in italics after it: printed in the same run as the text or link before it,
 * it is still a line of its own.
 */
export function isWriterCreditLine(nodes: AnyNode[], text: string): boolean {
  return creditOf(text, nodes, false, false) === 'byline';
}

/** The names a closing byline prints: a writer's line "Theo Vân Anh" names "Vân Anh". */
export function bylineText(text: string): string {
  return text.replace(/^\s*theo\s+/iu, '');
}

/** "* Mời bạn đọc vào chuyên mục Y tế xem các tin, bài liên quan.": the CMS's invitation to a section, after the credits. */
const SECTION_INVITATION = /^\*?\s*mời\s+(?:quý\s+)?(?:bạn\s+đọc|độc\s+giả)(?![\p{L}\p{N}])/iu;
const MAX_INVITATION_LENGTH = 160;

/** Takes off the lines closing a body that invite the reader to a section: they point elsewhere, they are not body text. */
export function dropSectionInvitations(blocks: { text: string }[]): void {
  while (blocks.length > 0 && blocks.at(-1)!.text.length <= MAX_INVITATION_LENGTH && SECTION_INVITATION.test(blocks.at(-1)!.text)) blocks.pop();
}

/** How many credit lines may close a body (byline, source, source's date). */
export const MAX_CLOSING_CREDITS = 3;
