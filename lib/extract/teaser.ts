/**
 * Teaser cards of other articles left inside a body ("Cách tăng âm lượng chỉ đường của Google Maps" with its
 * thumbnail and summary, vietnamnet's div.inner-article): whatever their class says, a card is a short box
 * whose heading is a link and whose picture links away. Read on direct children only: the check runs on
 * every element of the body copy.
 */
import type { Element } from 'domhandler';
import { renderedText } from './dom.ts';

const HEADING = new Set(['h2', 'h3', 'h4', 'h5', 'h6']);
const CARD_TAGS = new Set(['div', 'li', 'article', 'section', 'aside']);
/** A card's heading and summary; an article's section with a linked heading holds more. */
const MAX_CARD_TEXT = 400;

function isTag(node: unknown): node is Element {
  return (node as Element).type === 'tag';
}

/** A heading whose text is all one link. */
function linkedHeading(element: Element): boolean {
  if (!HEADING.has(element.name)) return false;
  const links = element.children.filter((child): child is Element => isTag(child) && child.name === 'a');
  return links.length === 1 && renderedText(links[0]!) === renderedText(element);
}

/** A link around a picture. */
function linkedPicture(element: Element): boolean {
  return element.name === 'a' && element.children.some((child) => isTag(child) && (child.name === 'img' || child.name === 'picture'));
}

function isCard(element: Element): boolean {
  if (!CARD_TAGS.has(element.name)) return false;
  // The linked picture first: it is a look at child tags, the linked heading compares rendered texts.
  return (
    element.children.some((child) => isTag(child) && linkedPicture(child)) &&
    element.children.some((child) => isTag(child) && linkedHeading(child)) &&
    renderedText(element).length <= MAX_CARD_TEXT
  );
}

/** "Tham khảo thêm", "Đọc thêm": a box's label, a few words linking nowhere. */
const MAX_LABEL_LENGTH = 40;

function isLabel(element: Element): boolean {
  const text = renderedText(element);
  return text.length <= MAX_LABEL_LENGTH && !element.children.some((child) => isTag(child) && child.name === 'a');
}

/** A card, or a box holding cards and their labels only ("<li><span>Tham khảo thêm</span><div>card</div></li>"). */
export function isTeaserCard(element: Element): boolean {
  if (!CARD_TAGS.has(element.name)) return false;
  if (isCard(element)) return true;
  // Labels are read (their text) only around a card.
  return element.children.some((child) => isTag(child) && isCard(child)) && element.children.every((child) => !isTag(child) || isCard(child) || isLabel(child));
}
