/**
 * The article's pictures and their captions and credits, read on the page itself (captions in place) inside
 * the region the body scoring found (content.ts).
 */
import { isTag, type AnyNode, type Element } from 'domhandler';
import type { ArticleImage } from '../schema/article.ts';
import { cleanText } from '../normalize/text.ts';
import { absoluteHttpUrl } from '../normalize/url.ts';
import { isPlaceholderImage, splitCaption } from '../normalize/caption.ts';
import { boilerplateVerdict, wordsOf } from './chrome.ts';
import { ancestorNamed, BLOCK_TAGS, elementsNamed, findElements, renderedRuns, renderedText, walkElements } from './dom.ts';

const IMAGE = new Set(['img']);
/** A caption stands at most this many wrappers above its picture; higher up a box holds more than one picture's markup. */
const MAX_CAPTION_WRAPPER_LEVELS = 3;

const IMAGE_FILE = /\.(?:jpe?g|png|gif|webp|avif)(?:[?#]|$)/i;

/** A logo (the site's, a section's, a partner's) is never a picture of the article. */
const LOGO_FILE = /(?:^|[/_.-])logo(?:s|[_.-][^/]*)?$/i;

/** Whether an absolute URL (as URL serializes it) names a logo file: its path is part of it, parsed only when "logo" is in it at all. */
function isLogoUrl(url: string): boolean {
  return /logo/i.test(url) && LOGO_FILE.test(new URL(url).pathname);
}

/** Attributes that lazy-loading scripts keep the real source in, best first; srcset-like ones list several sizes. */
const SOURCE_ATTRIBUTES = ['data-src', 'data-original', 'data-lazy-src', 'data-url', 'data-full-src', 'data-srcset', 'srcset', 'src'];

/**
 * The real source of a possibly lazy-loaded image: data-* sources first, the largest srcset entry next, src
 * last, then any other data-…src attribute a lazy loader invented ("data-lazyimage-src").
 */
function imageSource(element: Element): string | null {
  const attributes = element.attribs;
  const names = [...SOURCE_ATTRIBUTES, ...Object.keys(attributes).filter((name) => /^data-[\w-]*src$/.test(name) && !SOURCE_ATTRIBUTES.includes(name))];
  for (const name of names) {
    const value = attributes[name]?.trim();
    if (!value) continue;
    const candidate = name.endsWith('srcset') ? largestFromSrcset(value) : value;
    // "data-url" also holds links (to a photo viewer): it names the picture only when it names an image file.
    if (name === 'data-url' && !IMAGE_FILE.test(value)) continue;
    if (candidate && !isPlaceholderImage(candidate)) return candidate;
  }
  return null;
}

function largestFromSrcset(srcset: string): string | null {
  let best: { url: string; size: number } | null = null;
  // Entries are separated by ", " or, in compact markup, by a bare comma after a width or density descriptor.
  for (const entry of srcset.split(/,\s+(?=\S)|(?<=\s\d+(?:\.\d+)?[wx]),/)) {
    const [url, descriptor] = entry.trim().split(/\s+/);
    if (!url) continue;
    const size = descriptor ? Number.parseFloat(descriptor) || 0 : 0;
    if (!best || size > best.size) best = { url, size };
  }
  return best?.url ?? null;
}

/** Class words of the part of a caption that holds the credit, when the site marks it up apart. */
const CREDIT_WORDS = new Set(['credit', 'credits', 'copyright', 'photographer', 'source', 'src', 'author', 'byline', 'attribution']);

/** Class words of a picture's caption when it is not a <figcaption> ("imageCaption", "thumb-caption", "newsCaption"). */
const CAPTION_WORDS = new Set(['caption', 'figcaption', 'legend', 'cutline', 'bildtext', 'imagetext']);

/** Parts of a caption that are not its text: icons (an svg's <title> reads "Camera Icon"), scripts, buttons. */
const NOT_CAPTION_TEXT = new Set(['svg', 'script', 'style', 'noscript', 'button']);

interface PrintedCaption {
  caption: string | null;
  credit: string | null;
}

function isCreditNode(element: Element): boolean {
  return wordsOf(element).some((word) => CREDIT_WORDS.has(word)) || /\b(?:author|copyrightHolder|creditText)\b/.test(element.attribs['itemprop'] ?? '');
}

function creditText(text: string): string {
  return text.replace(/^\((.*)\)$/, '$1').replace(/^(?:photo|foto|bild|image|credit|ảnh|фото)\s*:\s*/iu, '');
}

/**
 * Caption and credit of one caption element: a credit the site marks apart (by class or itemprop inside it or
 * beside it, or as a trailing element wholly in parentheses) is taken as is; otherwise the credit is split off the text.
 */
function readCaption(printed: PrintedElements): PrintedCaption {
  const caption = printed.caption;
  // Read on the page itself, with the parts that are not caption text (and then the credit) left out.
  const leftOut = new Set<Element>();
  const parts: Element[] = [];
  walkElements(caption, (element) => {
    if (NOT_CAPTION_TEXT.has(element.name)) {
      leftOut.add(element);
      return false;
    }
    parts.push(element);
    return true;
  });
  const textOfPart = (element: Element): string => renderedText(element, leftOut);
  let creditNodes = parts.filter(isCreditNode);
  const last = parts.at(-1);
  if (creditNodes.length === 0 && last) {
    const text = textOfPart(last);
    const hasChildElements = last.children.some((child) => isTag(child) && !leftOut.has(child));
    if (!hasChildElements && /^\(.+\)$/.test(text) && textOfPart(caption) !== text) creditNodes = [last];
  }
  const markedCredit = creditNodes[0] ? textOfPart(creditNodes[0]) : printed.credit ? renderedText(printed.credit) : '';
  for (const creditNode of creditNodes) leftOut.add(creditNode);
  const rest = splitCaption(textOfPart(caption));
  const credit = creditText(markedCredit);
  return { caption: rest.caption, credit: credit || rest.credit };
}

/** Whether `ancestor` contains `element`. */
function contains(ancestor: Element, element: Element): boolean {
  for (let node = element.parent; node; node = node.parent) if (node === ancestor) return true;
  return false;
}

/** pictureCount's answer for more than one picture: callers tell none, one and several pictures apart, so counting stops there. */
const SEVERAL = 2;

/**
 * Pictures inside an element, a <noscript> fallback copy not counted: 0, 1 or SEVERAL. `visit`, when given, sees each
 * element walked to count them, in document order.
 */
function pictureCount(element: Element, visit?: (element: Element) => void): number {
  const inFallback = element.name === 'noscript' || ancestorNamed(element, 'noscript') !== null;
  if (inFallback && !visit) return 0;
  let count = 0;
  const countBelow = (parent: Element, fallback: boolean): void => {
    for (const child of parent.children) {
      if (count === SEVERAL) return;
      if (!isTag(child)) continue;
      visit?.(child);
      if (child.name === 'img' && !fallback) count += 1;
      countBelow(child, fallback || child.name === 'noscript');
    }
  };
  countBelow(element, inFallback);
  return count;
}

/** The element printing a picture's caption, and the one printing its credit when that stands beside it. */
interface PrintedElements {
  caption: Element;
  credit: Element | null;
}

/**
 * Where a picture's caption is printed: the <figcaption> of its <figure>, or else a caption-marked element
 * ("p.imageCaption", "div.caption", a <figcaption> placed beside the figure) in the closest wrapper that holds
 * this picture and no other, a few levels up at most. A credit-marked element beside it is its credit.
 */
function printedCaptionOf(image: Element): PrintedElements | null {
  const figure = ancestorNamed(image, 'figure');
  const figcaption = figure ? findElements(figure, (element) => element.name === 'figcaption')[0] : undefined;
  if (figcaption) return { caption: figcaption, credit: null };
  if (!figure) {
    const inTable = tableCaptionOf(image);
    const unmarked = inTable ? { caption: inTable, credit: null } : paragraphCaptionOf(image);
    if (unmarked) return unmarked;
  }
  let node = (figure ?? image).parent;
  for (let level = 0; level < MAX_CAPTION_WRAPPER_LEVELS && node && node.type === 'tag'; level += 1, node = node.parent) {
    const wrapper = node as Element;
    if (wrapper.name === 'body') return null;
    const marked = markedBeside(image, wrapper);
    if (!marked) return null;
    const caption = marked.find((candidate) => !isCreditNode(candidate) && (candidate.name === 'figcaption' || wordsOf(candidate).some((word) => CAPTION_WORDS.has(word))));
    if (caption) {
      const credit = marked.find((candidate) => isCreditNode(candidate) && !contains(caption, candidate) && !contains(candidate, caption)) ?? null;
      return { caption, credit };
    }
  }
  return null;
}

/**
 * The elements of a picture's wrapper that may print its caption or credit (a <figcaption>, or an element with a class
 * or itemprop), in document order, those around the picture left out; null when the wrapper holds several pictures:
 * then it is no one picture's box. Found on the walk that counts the pictures.
 */
function markedBeside(image: Element, wrapper: Element): Element[] | null {
  const around = new Set<AnyNode>();
  for (let node = image.parent; node && node !== wrapper; node = node.parent) around.add(node);
  const marked: Element[] = [];
  const pictures = pictureCount(wrapper, (element) => {
    if ((element.name === 'figcaption' || element.attribs['class'] !== undefined || element.attribs['itemprop'] !== undefined) && !around.has(element)) marked.push(element);
  });
  return pictures === SEVERAL ? null : marked;
}

/** A caption printed without markup is a line or two, never a paragraph of the article. */
const MAX_UNMARKED_CAPTION_LENGTH = 300;
const CELL_TAGS = new Set(['td', 'th', 'caption']);

/** A table laid out as a figure (the picture in one cell, its caption in another): the first other cell with text. */
function tableCaptionOf(image: Element): Element | null {
  const table = ancestorNamed(image, 'table');
  if (!table || pictureCount(table) !== 1) return null;
  const cells = findElements(table, (element) => CELL_TAGS.has(element.name) && !contains(element, image) && findElements(element, (inner) => CELL_TAGS.has(inner.name)).length === 0);
  const caption = cells.find((cell) => renderedText(cell) !== '');
  return caption && renderedText(caption).length <= MAX_UNMARKED_CAPTION_LENGTH ? caption : null;
}

/** Whether any text is printed below an element (stops at the first letter or digit). */
function hasText(element: Element): boolean {
  return element.children.some((child) => (child.type === 'text' ? /[\p{L}\p{N}]/u.test(child.data) : isTag(child) && !NOT_CAPTION_TEXT.has(child.name) && hasText(child)));
}

/** The paragraph (or block) that holds nothing but this picture. */
function pictureBlock(image: Element): Element | null {
  let block: Element = image;
  for (let node = image.parent; node && isTag(node); node = node.parent) {
    if (hasText(node) || pictureCount(node) > 1) break;
    block = node;
  }
  return block === image ? null : block;
}

/**
 * A plain paragraph right after the picture's own block printing its caption: a line with a credit
 * ("Người dân mua vàng. Ảnh: MINH ANH", "Ảnh: Minh Anh"), or a centred or all-italic line, as Vietnamese
 * CMSs without figure markup print captions.
 */
function paragraphCaptionOf(image: Element): PrintedElements | null {
  const block = pictureBlock(image);
  const next = block ? nextPrintedBlock(block) : null;
  if (!next) return null;
  const text = renderedText(next);
  if (text.length > MAX_UNMARKED_CAPTION_LENGTH) return null;
  const split = splitCaption(text);
  if (!centred(next) && !allItalic(next) && split.credit === null) return null;
  // "Ảnh: Dương Tử" on a line of its own after the caption is its credit.
  const after = split.credit === null ? nextPrintedBlock(next) : null;
  const creditLine = after && renderedText(after).length <= MAX_UNMARKED_CAPTION_LENGTH && splitCaption(renderedText(after)).caption === null ? after : null;
  return { caption: next, credit: creditLine };
}

/** The next element after `element` that prints text, if it is a paragraph or a div with no picture: an empty one (a caption slot the CMS left empty, a spacer) is passed over. */
function nextPrintedBlock(element: Element): Element | null {
  let next = element.next;
  while (next && (!isTag(next) || (!hasText(next) && pictureCount(next) === 0))) next = next.next;
  // A caption's block holds inline content only: a block holding blocks is the article's next part, not read further.
  if (!next || !isTag(next) || !CAPTION_BLOCK_TAGS.has(next.name) || next.children.some((child) => isTag(child) && BLOCK_TAGS.has(child.name))) return null;
  return pictureCount(next) === 0 ? next : null;
}

/** The blocks a caption printed without markup sits in: a paragraph, or a div holding only inline text. */
const CAPTION_BLOCK_TAGS = new Set(['p', 'div']);

function centred(element: Element): boolean {
  return /text-align\s*:\s*center/i.test(element.attribs['style'] ?? '') || element.attribs['align'] === 'center';
}

function italic(element: Element): boolean {
  return element.name === 'em' || element.name === 'i' || /font-style\s*:\s*italic/i.test(element.attribs['style'] ?? '');
}

/** Every word of the element printed in italics (<em>, <i>, or styled so), line breaks aside. */
function allItalic(element: Element): boolean {
  return element.children.every((child) => {
    if (child.type === 'text') return child.data.trim() === '';
    if (!isTag(child)) return true;
    return child.name === 'br' || italic(child) || (child.name !== 'a' && child.children.length > 0 && allItalic(child));
  });
}

/**
 * A caption printed as inline text right after the picture, in italics, up to a blank line or the next
 * picture: "<img><br><i>Vợ chồng Thanh Bùi trong tiệc cưới</i><br><br><img>…" (older Vietnamese CMSs put
 * a photo story's pictures and captions in one italic span). A picture closing its block takes the italic
 * text opening the next block. The run's nodes, or null.
 */
function inlineCaptionOf(image: Element): AnyNode[] | null {
  // An inline wrapper holding the picture alone ("<span style='font-style: italic'><img></span>") stands for it.
  let picture: Element = image;
  while (picture.parent && isTag(picture.parent) && !BLOCK_TAGS.has(picture.parent.name) && !hasText(picture.parent) && pictureCount(picture.parent) === 1) picture = picture.parent;
  const after = inlineRun(picture.next);
  if (after !== undefined) return after;
  const nextBlock = picture.parent && isTag(picture.parent) ? nextElement(picture.parent) : null;
  return nextBlock && CAPTION_BLOCK_TAGS.has(nextBlock.name) ? (inlineRun(nextBlock.firstChild) ?? null) : null;
}

function nextElement(node: AnyNode): Element | null {
  for (let next = node.next; next; next = next.next) if (isTag(next)) return next;
  return null;
}

/**
 * The italic inline run starting at `start` (one line break may open it), or null when the text there is no
 * caption; undefined when nothing at all is printed before the container ends.
 */
function inlineRun(start: AnyNode | null): AnyNode[] | null | undefined {
  const nodes: AnyNode[] = [];
  let breaks = 0;
  for (let node = start; node; node = node.next) {
    if (node.type === 'text' && node.data.trim() === '') continue;
    if (isTag(node) && node.name === 'br') {
      breaks += 1;
      if (breaks >= 2) break;
      continue;
    }
    if (isTag(node) && (BLOCK_TAGS.has(node.name) || pictureCount(node) > 0 || node.name === 'img')) break;
    if (node.type !== 'text' && !isTag(node)) continue;
    if (breaks >= 2) break;
    breaks = 0;
    nodes.push(node);
  }
  if (nodes.length === 0) return breaks >= 2 ? null : undefined;
  const text = inlineText(nodes);
  if (text === '' || text.length > MAX_UNMARKED_CAPTION_LENGTH) return null;
  return nodes.every((node) => inItalics(node) || (isTag(node) && (italic(node) || allItalic(node)))) ? nodes : null;
}

/** Inline nodes' text as a browser renders it. */
function inlineText(nodes: AnyNode[]): string {
  return cleanText(nodes.flatMap((node) => renderedRuns(node)).join(''));
}

/** Printed in italics by an inline ancestor (up to the block it sits in). */
function inItalics(node: AnyNode): boolean {
  for (let parent = node.parent; parent && isTag(parent) && !BLOCK_TAGS.has(parent.name); parent = parent.parent) if (italic(parent)) return true;
  return false;
}

/** A text this long is a sentence of running text, not a label or a name. */
const MIN_SENTENCE_LENGTH = 40;
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

/**
 * Whether the region prints a sentence upright (not in italics, not a heading or a link): italics then set
 * captions apart from the text. In a story told only in italic lines between its pictures (cafebiz's 2014
 * photo stories), the italic lines are the story's text, not captions.
 */
function hasUprightSentence(region: Element): boolean {
  const printsSentence = (element: Element): boolean => element.children.some((child) => child.type === 'text' && child.data.trim().length >= MIN_SENTENCE_LENGTH);
  let found = printsSentence(region);
  walkElements(region, (element) => {
    if (found || italic(element) || HEADINGS.has(element.name) || element.name === 'a' || NOT_CAPTION_TEXT.has(element.name)) return false;
    found = printsSentence(element);
    return !found;
  });
  return found;
}

/** Links around an article picture open the picture itself or a viewer; a thumbnail links to another page. */
function linksElsewhere(anchor: Element): boolean {
  return !IMAGE_FILE.test(anchor.attribs['href'] ?? '');
}


/**
 * Images of the article: those inside its region of the original page (captions intact), minus thumbnails
 * that link to other pages and images inside boxes that are never the article (related, share, ads). A linked
 * picture that prints a caption is the article's (a link to a photo viewer), a teaser thumbnail prints none.
 */
export function collectImages(region: Element, proseHolders: ReadonlySet<Element>, base: string | undefined): { images: ArticleImage[]; captions: Set<AnyNode> } {
  // The same judgement as for the text, made on the page itself, where figure captions are still in place.
  // Pictures share ancestors: each is judged once.
  const droppedVerdicts = new Map<Element, boolean>();
  const isDropped = (element: Element): boolean => {
    let dropped = droppedVerdicts.get(element);
    if (dropped === undefined) {
      const verdict = boilerplateVerdict(element, true);
      // An article's <header> holds its lead picture.
      dropped = element.name !== 'header' && (verdict === 'drop' || (verdict === 'drop-unless-prose' && !proseHolders.has(element)));
      droppedVerdicts.set(element, dropped);
    }
    return dropped;
  };
  let setApart: boolean | undefined;
  const italicsSetCaptionsApart = (): boolean => (setApart ??= hasUprightSentence(region));
  const images: ArticleImage[] = [];
  // Caption elements (and inline caption text) printed outside any figure markup: the body leaves them out.
  const captions = new Set<AnyNode>();
  const seen = new Set<string>();
  images: for (const element of elementsNamed(region, IMAGE)) {
    let linked = false;
    for (let node = element.parent; node && node !== region; node = node.parent) {
      if (node.type !== 'tag') continue;
      const ancestor = node as Element;
      if (isDropped(ancestor)) continue images;
      if (ancestor.name === 'a' && linksElsewhere(ancestor)) linked = true;
    }
    const source = imageSource(element);
    const url = absoluteHttpUrl(source, base);
    if (!url || seen.has(url) || isLogoUrl(url)) continue;
    const printed = printedCaptionOf(element);
    const italicLine = printed || linked ? null : inlineCaptionOf(element);
    const inline = italicLine && italicsSetCaptionsApart() ? italicLine : null;
    if (linked && !printed) continue;
    seen.add(url);
    const { caption, credit } = printed ? readCaption(printed) : inline ? splitCaption(inlineText(inline)) : { caption: null, credit: null };
    if (printed) captions.add(printed.caption);
    if (printed?.credit) captions.add(printed.credit);
    for (const node of inline ?? []) captions.add(node);
    const alt = cleanText(element.attribs['alt'] ?? '');
    images.push({ url, caption, credit, alt: alt || null });
  }
  return { images, captions };
}
