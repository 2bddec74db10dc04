import type { CheerioAPI } from 'cheerio';
import { cloneNode, Document, Element, isTag, Text, type AnyNode, type ChildNode } from 'domhandler';
import type { ArticleImage } from '../schema/article.ts';
import { cleanText } from '../normalize/text.ts';
import { absoluteHttpUrl } from '../normalize/url.ts';
import { isPlaceholderImage, splitCaption } from '../normalize/caption.ts';
import { ancestorNamed, elementsByTag, elementsNamed, findElements, hasDescendantNamed, nodeText, nodeTextWithout, removeNode, walkElements } from './dom.ts';

export interface BodyContent {
  paragraphs: string[];
  images: ArticleImage[];
}

/** Never article text, whatever their classes say (h1 is the title, reported on its own). */
const DROPPED_TAGS = new Set(['script', 'style', 'noscript', 'template', 'svg', 'canvas', 'iframe', 'object', 'embed', 'button', 'input', 'select', 'textarea', 'dialog', 'h1']);

/**
 * Class/id words of blocks that are never the article, even when they hold prose: comments, share bars,
 * related-article boxes, newsletter sign-ups, cookie banners, bylines and captions. Matched as whole
 * words of a class or id (see wordsOf), so "header" does not match "ad".
 */
const ALWAYS_BOILERPLATE = new Set([
  'comment', 'comments', 'disqus', 'replies', 'share', 'sharing', 'sharebar', 'social', 'socials', 'sns',
  'related', 'recommended', 'recommendation', 'recommendations', 'readmore', 'trending', 'mostread', 'popular',
  'newsletter', 'signup', 'outbrain', 'taboola', 'cookie', 'cookies', 'consent', 'gdpr', 'tweet', 'instagram', 'tiktok',
  'breadcrumb', 'breadcrumbs', 'byline', 'caption', 'figcaption', 'credit', 'credits', 'toolbar', 'pagination', 'pager',
]);

/**
 * Words that usually mark page chrome (ads, sidebars, menus, widgets) but also turn up on wrappers of the
 * article itself ("sidebar-grid__content", "vertical-ad-con", "overflow-hidden"): such a block is dropped
 * only when it holds little of the page's prose.
 */
const USUALLY_BOILERPLATE = new Set([
  'ad', 'ads', 'adv', 'advert', 'advertisement', 'advertising', 'adslot', 'adunit', 'dfp', 'sponsor', 'sponsored', 'promo', 'promotion',
  'more', 'teaser', 'teasers', 'subscribe', 'subscription', 'piano', 'sidebar', 'widget', 'navigation', 'nav', 'menu', 'footer',
  'author', 'authors', 'tags', 'tag', 'keywords', 'topics', 'modal', 'popup', 'overlay', 'banner', 'hidden', 'print', 'skip', 'meta',
  'timestamp', 'dateline', 'aside', 'form',
]);

/** Tags that are chrome unless they hold the prose (some CMSs wrap the whole page in a form). */
const USUALLY_CHROME_TAGS = new Set(['nav', 'aside', 'footer', 'form', 'menu', 'header']);

/** Words of body containers: a block carrying one of these and an always-boilerplate word is kept if it holds the prose. */
const BODY_WORDS = new Set(['article', 'body', 'content', 'story', 'text', 'entry', 'post', 'main', 'richtext', 'prose', 'paragraph', 'paywall']);

const BLOCK_TAGS = new Set([
  'p', 'div', 'section', 'article', 'main', 'ul', 'ol', 'li', 'table', 'blockquote', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'pre', 'dl', 'hr',
]);
const HEADING_TAGS = new Set(['h2', 'h3', 'h4', 'h5', 'h6']);
/** Class words of a <p> styled as a subhead ("p.hdg"): it heads what follows, like an h2–h6. */
const HEADING_WORDS = new Set(['heading', 'hdg', 'subhead', 'subheading']);

/** Words of the labels seen lately: a page repeats a few class names on many elements. Bounded, so it cannot grow without end. */
const WORDS_BY_LABEL = new Map<string, readonly string[]>();
const MAX_CACHED_LABELS = 20_000;

/** The words of an element's class, id and component name: "ArticleBody-imageEmbedCredit" → article, body, image, embed, credit. */
function wordsOf(element: Element): readonly string[] {
  const label = `${element.attribs['class'] ?? ''} ${element.attribs['id'] ?? ''} ${element.attribs['data-component'] ?? ''}`;
  const cached = WORDS_BY_LABEL.get(label);
  if (cached) return cached;
  const words = label
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s_-]+/)
    .filter(Boolean);
  if (WORDS_BY_LABEL.size >= MAX_CACHED_LABELS) WORDS_BY_LABEL.clear();
  WORDS_BY_LABEL.set(label, words);
  return words;
}

type Verdict = 'keep' | 'drop' | 'drop-unless-prose';

/**
 * Words that say nothing against a box around a picture: the text beside it (caption, credit), and the
 * widget / lightbox wrappers pictures are shown in ("container-widget", "ui-modal").
 */
const PICTURE_NEUTRAL_WORDS = new Set(['caption', 'figcaption', 'credit', 'credits', 'widget', 'modal', 'popup', 'overlay', 'hidden']);

/**
 * Whether a block is page chrome. For a box around a picture (`forPicture`), a <figure> is the picture's own
 * box, and aria-hidden (lazy-load frames hide the picture from screen readers, not from readers) and the
 * neutral words above do not count.
 */
function boilerplateVerdict(element: Element, forPicture = false): Verdict {
  const name = element.name;
  if (name === 'body' || name === 'html' || name === 'main' || name === 'article' || (forPicture && name === 'figure')) return 'keep';
  if (!forPicture && (element.attribs['aria-hidden'] === 'true' || element.attribs['hidden'] !== undefined)) return 'drop-unless-prose';
  const role = element.attribs['role'];
  if (role === 'navigation' || role === 'complementary' || role === 'contentinfo' || role === 'banner') return 'drop-unless-prose';
  if (USUALLY_CHROME_TAGS.has(name)) return 'drop-unless-prose';
  const words = forPicture ? wordsOf(element).filter((word) => !PICTURE_NEUTRAL_WORDS.has(word)) : wordsOf(element);
  if (words.some((word) => ALWAYS_BOILERPLATE.has(word))) return words.some((word) => BODY_WORDS.has(word)) ? 'drop-unless-prose' : 'drop';
  if (words.some((word) => USUALLY_BOILERPLATE.has(word))) return 'drop-unless-prose';
  return 'keep';
}

const HAS_CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const CJK_CHARACTERS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;

/**
 * How much text a string carries, counting a Han, kana or Hangul character as three: those scripts say in
 * one character what alphabetic scripts say in about three, and thresholds are set in Latin characters.
 */
function textWeight(text: string): number {
  // Most text has no such character: one test, and no array of matches to build.
  if (!HAS_CJK.test(text)) return text.length;
  return text.length + 2 * (text.match(CJK_CHARACTERS)?.length ?? 0);
}

/**
 * Elements that contain the article's prose: every ancestor of a block whose own paragraphs weigh 400+.
 * Sidebars, ad slots and teaser lists hold short or scattered paragraphs, never such a block.
 */
function proseHolders(scope: Element): Set<Element> {
  const direct = new Map<Element, number>();
  walkElements(scope, (block) => {
    if (block.name !== 'p' && block.name !== 'div') return;
    if (block.name === 'div' && !isTextBlock(block)) return;
    const parent = block.parent;
    if (!parent || parent.type !== 'tag') return;
    const weight = textWeight(copyText(block));
    if (weight >= 40) direct.set(parent as Element, (direct.get(parent as Element) ?? 0) + weight);
  });
  const holders = new Set<Element>();
  for (const [element, weight] of direct) {
    if (weight < 400) continue;
    for (let node: Element | null = element; node && !holders.has(node); node = node.parent?.type === 'tag' ? (node.parent as Element) : null) {
      holders.add(node);
    }
  }
  return holders;
}

/** The clean text of one element. */
function elementText(element: Element): string {
  return cleanText(nodeText(element));
}

/**
 * Clean text of elements of the reading copy, kept while nothing inside them is removed: the prose scan,
 * the container scoring and the block collection read the same paragraphs in turn.
 */
const COPY_TEXT = new WeakMap<Element, string>();

function copyText(element: Element): string {
  let text = COPY_TEXT.get(element);
  if (text === undefined) {
    text = elementText(element);
    COPY_TEXT.set(element, text);
  }
  return text;
}

/** Takes an element out of the reading copy; the kept text of every element that held it is stale then. */
function removeFromCopy(element: Element): void {
  for (let node = element.parent; node; node = node.parent) COPY_TEXT.delete(node as Element);
  removeNode(element);
}

const ANCHOR = new Set(['a']);
const IMAGE = new Set(['img']);

function linkTextLength(element: Element): number {
  let length = 0;
  for (const anchor of elementsNamed(element, ANCHOR)) length += elementText(anchor).length;
  return length;
}

/**
 * Lists of links and link-only lines are navigation or "read more", not prose: most of their text is links.
 * Except a line of several short links with text between them ("宮崎県：高鍋町、新富町、宮崎市"): terms the
 * site links automatically to topic pages, printed in a sentence or list of the article; teaser links are headlines.
 */
function isLinkLine(element: Element, text: string): boolean {
  const links = elementsNamed(element, ANCHOR)
    .map(elementText)
    .filter((linkText) => linkText !== '');
  const linked = links.reduce((sum, linkText) => sum + linkText.length, 0);
  if (linked / text.length <= 0.5) return false;
  const autoLinkedTerms = links.length >= 2 && linked < text.length && links.every((linkText) => textWeight(linkText) < 30);
  return !autoLinkedTerms;
}

/** A div whose children are only inline content is a paragraph in all but name (common in CMS output). */
function isTextBlock(element: Element): boolean {
  return !element.children.some((child) => child.type === 'tag' && BLOCK_TAGS.has((child as Element).name));
}

/** Readability-style score of one paragraph: longer text and more clauses mean more likely prose. */
function paragraphScore(text: string): number {
  const clauses = (text.match(/[,，、;；]/g) ?? []).length;
  return 1 + clauses + Math.min(Math.floor(textWeight(text) / 100), 3);
}

const IMAGE_FILE = /\.(?:jpe?g|png|gif|webp|avif)(?:[?#]|$)/i;

/** A logo (the site's, a section's, a partner's) is never a picture of the article. */
const LOGO_FILE = /(?:^|[/_.-])logo(?:s|[_.-][^/]*)?$/i;

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
  const textOfPart = (element: Element): string => cleanText(nodeTextWithout(element, leftOut));
  let creditNodes = parts.filter(isCreditNode);
  const last = parts.at(-1);
  if (creditNodes.length === 0 && last) {
    const text = textOfPart(last);
    const hasChildElements = last.children.some((child) => isTag(child) && !leftOut.has(child));
    if (!hasChildElements && /^\(.+\)$/.test(text) && textOfPart(caption) !== text) creditNodes = [last];
  }
  const markedCredit = creditNodes[0] ? textOfPart(creditNodes[0]) : printed.credit ? elementText(printed.credit) : '';
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

/** Pictures inside an element, a <noscript> fallback copy not counted. */
function pictureCount(element: Element): number {
  return elementsNamed(element, IMAGE).filter((image) => !ancestorNamed(image, 'noscript')).length;
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
  const outside = (candidate: Element): boolean => !contains(candidate, image);
  let node = (figure ?? image).parent;
  for (let level = 0; level < 3 && node && node.type === 'tag'; level += 1, node = node.parent) {
    const wrapper = node as Element;
    if (wrapper.name === 'body' || pictureCount(wrapper) > 1) return null;
    const marked = findElements(
      wrapper,
      (candidate) => candidate.name === 'figcaption' || candidate.attribs['class'] !== undefined || candidate.attribs['itemprop'] !== undefined,
    ).filter(outside);
    const caption = marked.find((candidate) => !isCreditNode(candidate) && (candidate.name === 'figcaption' || wordsOf(candidate).some((word) => CAPTION_WORDS.has(word))));
    if (caption) {
      const credit = marked.find((candidate) => isCreditNode(candidate) && !contains(caption, candidate) && !contains(candidate, caption)) ?? null;
      return { caption, credit };
    }
  }
  return null;
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
function collectImages(region: Element, isDropped: (element: Element) => boolean, base: string): ArticleImage[] {
  const images: ArticleImage[] = [];
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
    if (!url || seen.has(url) || LOGO_FILE.test(new URL(url).pathname)) continue;
    const printed = printedCaptionOf(element);
    if (linked && !printed) continue;
    seen.add(url);
    const { caption, credit } = printed ? readCaption(printed) : { caption: null, credit: null };
    const alt = cleanText(element.attribs['alt'] ?? '');
    images.push({ url, caption, credit, alt: alt || null });
  }
  return images;
}

/**
 * A copy of an element to cut the boilerplate out of, without the never-text elements (DROPPED_TAGS) and
 * comments, each copied element paired with its original so what is found on the copy can be read on the
 * page. Attributes are shared with the page (read only); sibling links are not kept (nothing reads them).
 */
function readingCopy(original: Element, originals: Map<Element, Element>): Element {
  const children: ChildNode[] = [];
  const copy = new Element(original.name, original.attribs, children);
  originals.set(copy, original);
  for (const child of original.children) {
    let childCopy: ChildNode;
    if (child.type === 'text') childCopy = new Text(child.data);
    else if (isTag(child)) {
      if (DROPPED_TAGS.has(child.name)) continue;
      childCopy = readingCopy(child, originals);
    } else if (child.type === 'cdata') childCopy = cloneNode(child, true);
    else continue;
    childCopy.parent = copy;
    children.push(childCopy);
  }
  return copy;
}

/** The article's region on the page: its <article> when that holds every body block, else their closest common ancestor. */
function articleRegion(blocks: Element[]): Element | null {
  const first = blocks[0];
  if (!first) return null;
  const ancestorsOf = (element: Element): Element[] => {
    const chain: Element[] = [];
    for (let node: Element | null = element; node; node = node.parent?.type === 'tag' ? (node.parent as Element) : null) chain.push(node);
    return chain;
  };
  const common = ancestorsOf(first).filter((ancestor) => blocks.every((block) => ancestorsOf(block).includes(ancestor)));
  return common.find((ancestor) => ancestor.name === 'article') ?? common[0] ?? null;
}

/** Text length and linked-text length of every element, measured in one walk (whitespace runs count as one). */
interface TextStats {
  length: Map<Element, number>;
  linked: Map<Element, number>;
}

/** Whether a UTF-16 code unit is whitespace as the regular expression `\s` sees it. */
function isWhitespace(code: number): boolean {
  return (
    code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
  );
}

/** `text.replace(/\s+/g, ' ').length`, without building the string. */
function collapsedLength(text: string): number {
  let length = 0;
  let afterSpace = false;
  for (let index = 0; index < text.length; index += 1) {
    const space = isWhitespace(text.charCodeAt(index));
    if (!space || !afterSpace) length += 1;
    afterSpace = space;
  }
  return length;
}

function measureText(root: Element): TextStats {
  const stats: TextStats = { length: new Map(), linked: new Map() };
  const walk = (element: Element, inLink: boolean): void => {
    let length = 0;
    let linked = 0;
    const isLink = inLink || element.name === 'a';
    for (const child of element.children) {
      if (child.type === 'text') {
        const size = collapsedLength(child.data);
        length += size;
        if (isLink) linked += size;
      } else if (child.type === 'tag') {
        walk(child as Element, isLink);
        length += stats.length.get(child as Element)!;
        linked += stats.linked.get(child as Element)!;
      }
    }
    stats.length.set(element, length);
    stats.linked.set(element, linked);
  };
  walk(root, false);
  return stats;
}

function linkShare(stats: TextStats, element: Element): number {
  return Math.min((stats.linked.get(element) ?? 0) / Math.max(stats.length.get(element) ?? 0, 1), 1);
}

/** The paragraph-like blocks of a scope (p, pre, text-only divs) with their clean text, measured once. */
const PARAGRAPH_LIKE_TAGS = new Set(['p', 'pre', 'td', 'blockquote', 'div', 'section']);

function paragraphBlocks(scope: Element): { element: Element; text: string }[] {
  const blocks: { element: Element; text: string }[] = [];
  for (const element of elementsNamed(scope, PARAGRAPH_LIKE_TAGS)) {
    if (element.name !== 'p' && element.name !== 'pre' && !isTextBlock(element)) continue;
    const text = copyText(element);
    if (text !== '') blocks.push({ element, text });
  }
  return blocks;
}

/** Scores the ancestors of every paragraph by the prose they hold (readability-style), adjusted for link density. */
function scoreContainers(blocks: { element: Element; text: string }[], stats: TextStats): Map<Element, number> {
  const raw = new Map<Element, number>();
  for (const { element, text } of blocks) {
    if (textWeight(text) < 25) continue;
    const score = paragraphScore(text);
    let ancestor = element.parent;
    for (let level = 0; level < 3 && ancestor && ancestor.type === 'tag'; level += 1) {
      const divider = level === 0 ? 1 : level === 1 ? 2 : level * 3;
      raw.set(ancestor as Element, (raw.get(ancestor as Element) ?? 0) + score / divider);
      ancestor = ancestor.parent;
    }
  }
  const scores = new Map<Element, number>();
  for (const [element, score] of raw) scores.set(element, score * (1 - linkShare(stats, element)));
  return scores;
}

/** Prose inside each element: paragraphs (and text-only divs) weighing 80+ that are not mostly links. */
function proseWithin(blocks: { element: Element; text: string }[], stats: TextStats): Map<Element, number> {
  const prose = new Map<Element, number>();
  for (const { element, text } of blocks) {
    const weight = textWeight(text);
    if (weight < 80 || linkShare(stats, element) > 0.5) continue;
    for (let ancestor = element.parent; ancestor && ancestor.type === 'tag'; ancestor = ancestor.parent) {
      prose.set(ancestor as Element, (prose.get(ancestor as Element) ?? 0) + weight);
    }
  }
  return prose;
}

function isInside(element: Element, others: Set<Element>): boolean {
  for (let node = element.parent; node; node = node.parent) {
    if (others.has(node as Element)) return true;
  }
  return false;
}

/**
 * The elements holding the article's prose, in document order: the best-scored container, plus the other
 * containers of the same kind (same tag and classes) that also hold prose, because many sites cut the
 * body into several blocks around ads, and its siblings that score nearly as well.
 */
function findContentBlocks(root: Element): Element[] {
  const stats = measureText(root);
  const blocks = paragraphBlocks(root);
  const scores = scoreContainers(blocks, stats);
  let best: Element | null = null;
  let bestScore = 0;
  for (const [element, score] of scores) {
    if (score > bestScore) {
      best = element;
      bestScore = score;
    }
  }
  if (!best) return [];
  const chosen = new Set<Element>([best]);
  // The repeated block may be a wrapper of the best container ("…__text-width" > "text-container" > div).
  let anchor = best;
  for (let level = 0; level < 3 && !anchor.attribs['class']?.trim(); level += 1) {
    const parent = anchor.parent;
    if (!parent || parent.type !== 'tag' || parent.children.filter((child) => child.type === 'tag').length !== 1) break;
    anchor = parent as Element;
  }
  const className = anchor.attribs['class']?.trim();
  if (className) {
    const name = anchor.name;
    walkElements(root, (element) => {
      if (element.name === name && element.attribs['class']?.trim() === className && hasDescendantNamed(element, 'p')) chosen.add(element);
    });
  }
  // Siblings that score nearly as well, or hold as much prose deeper down (live-blog entries under the intro).
  const prose = proseWithin(blocks, stats);
  const bestProse = prose.get(best) ?? 0;
  for (const sibling of best.parent?.children ?? []) {
    if (sibling.type !== 'tag') continue;
    const element = sibling as Element;
    const siblingProse = prose.get(element) ?? 0;
    if ((scores.get(element) ?? 0) >= Math.max(bestScore * 0.2, 3) || siblingProse >= Math.max(400, bestProse * 0.25)) chosen.add(element);
  }
  const outermost = new Set([...chosen].filter((element) => !isInside(element, chosen)));
  // In document order; nothing inside an outermost block is another one.
  const ordered: Element[] = [];
  walkElements(root, (element) => {
    if (!outermost.has(element)) return true;
    ordered.push(element);
    return false;
  });
  return ordered;
}

interface TextBlock {
  text: string;
  heading: boolean;
}

function linkShareOf(nodes: AnyNode[], textLength: number): number {
  let linked = 0;
  for (const node of nodes) {
    if (node.type !== 'tag') continue;
    const element = node as Element;
    linked += element.name === 'a' ? elementText(element).length : linkTextLength(element);
  }
  return linked / Math.max(textLength, 1);
}

/**
 * Paragraphs and subheads of a container, in document order, each block once. Text that sits directly in
 * a container, between block elements or separated by blank lines (<br><br>), counts as paragraphs too.
 */
function collectBlocks(container: Element): TextBlock[] {
  const blocks: TextBlock[] = [];
  const flushInline = (nodes: AnyNode[]): void => {
    if (nodes.length === 0) return;
    const text = cleanText(nodes.map(nodeText).join(''));
    // Stray labels ("Advertisement", "|") between blocks are not paragraphs; real running text is longer.
    if (textWeight(text) < 25 || linkShareOf(nodes, text.length) > 0.5) return;
    blocks.push({ text, heading: false });
  };
  const visitChildren = (element: Element): void => {
    let inline: AnyNode[] = [];
    let breaks = 0;
    for (const child of element.children) {
      if (child.type === 'text') {
        if (child.data.trim() !== '') {
          if (breaks >= 2) {
            flushInline(inline);
            inline = [];
          }
          breaks = 0;
        }
        inline.push(child);
        continue;
      }
      if (child.type !== 'tag') continue;
      const tag = child as Element;
      if (tag.name === 'br') {
        breaks += 1;
        continue;
      }
      if (!BLOCK_TAGS.has(tag.name)) {
        // An empty inline element (an ad hook between two <br>) does not end a blank line.
        if (elementText(tag) === '') {
          inline.push(tag);
          continue;
        }
        if (breaks >= 2) {
          flushInline(inline);
          inline = [];
        }
        breaks = 0;
        inline.push(tag);
        continue;
      }
      flushInline(inline);
      inline = [];
      breaks = 0;
      visit(tag);
    }
    flushInline(inline);
  };
  const visit = (element: Element): void => {
    const name = element.name;
    const heading = HEADING_TAGS.has(name) || (name === 'p' && wordsOf(element).some((word) => HEADING_WORDS.has(word)));
    const paragraph = name === 'p' || name === 'pre' || name === 'li' || (name === 'blockquote' && !hasDescendantNamed(element, 'p'));
    if (!paragraph && !heading) {
      visitChildren(element);
      return;
    }
    const text = copyText(element);
    if (text === '') return;
    if (isLinkLine(element, text)) return;
    if (heading && text.length > 300) return;
    blocks.push({ text, heading });
  };
  visit(container);
  return blocks;
}

/** Paths of a site's own sign-in, registration and subscription pages. */
const SIGN_IN_PATH = /\/(?:login|log-in|signin|sign-in|regist|register|registration|signup|sign-up|subscribe|subscription|abo|abonnement|abonnieren)(?:[/?#.]|$)/i;
const PROMPT_TAGS = new Set(['div', 'section', 'aside', 'form', 'dl']);
/** A picture's own markup inside a body block: its caption is not body text. */
const FIGURE_TAGS = new Set(['figure', 'figcaption', 'picture']);

function isOwnSignInLink(anchor: Element, base: string): boolean {
  const href = anchor.attribs['href']?.trim();
  if (!href || /^(?:mailto|javascript|tel):/i.test(href)) return false;
  try {
    const target = new URL(href, base);
    const own = !/^(?:[a-z][a-z0-9+.-]*:)?\/\//i.test(href) || target.hostname === new URL(base).hostname;
    return own && SIGN_IN_PATH.test(target.pathname);
  } catch {
    return false;
  }
}

/**
 * Removes boxes that ask the reader to sign in, register or subscribe ("この記事は会員限定です … 会員登録する /
 * ログイン"): the largest block around a link to the site's own sign-in or subscription page that holds no prose
 * and little text. Their classes rarely say what they are, their links do.
 */
function removeSignInPrompts(scope: Element, holders: Set<Element>, base: string): void {
  const prompts = new Set<Element>();
  for (const anchor of findElements(scope, (element) => element.name === 'a' && element.attribs['href'] !== undefined)) {
    if (!isOwnSignInLink(anchor, base)) continue;
    let prompt: Element | null = null;
    for (let node = anchor.parent; node && node.type === 'tag' && !holders.has(node as Element); node = node.parent) {
      const element = node as Element;
      if (textWeight(elementText(element)) > 600) break;
      if (PROMPT_TAGS.has(element.name)) prompt = element;
    }
    if (prompt) prompts.add(prompt);
  }
  for (const prompt of prompts) removeFromCopy(prompt);
}

/** Subheads that head nothing (the last block, or followed by another subhead) title boxes that were dropped. */
function withoutDanglingHeadings(blocks: TextBlock[]): string[] {
  return blocks.filter((block, index) => !block.heading || (blocks[index + 1] !== undefined && !blocks[index + 1]!.heading)).map((block) => block.text);
}

/**
 * The article's body paragraphs (with subheads) and its images, found by scoring containers by the prose
 * they hold. Captions, credits, share bars, related boxes, ads, comments and footers are left out.
 * Works on a copy: the caller's document is not changed. `base` resolves relative image and link URLs.
 */
export function extractBodyParagraphs($: CheerioAPI, base: string): BodyContent {
  const pageRoot = elementsByTag($, 'body')[0];
  if (!pageRoot) return { paragraphs: [], images: [] };
  const originals = new Map<Element, Element>();
  const scopeRoot = readingCopy(pageRoot, originals);
  // Under a document of its own, as cheerio's clone() puts it: the copy has no ancestors on the page.
  scopeRoot.parent = new Document([scopeRoot]);
  const holders = proseHolders(scopeRoot);
  walkElements(scopeRoot, (element) => {
    const verdict = boilerplateVerdict(element);
    // A wrapper of the article's prose is kept, whatever its class says ("sidebar-grid__content").
    if (verdict === 'keep' || (verdict === 'drop-unless-prose' && holders.has(element))) return true;
    removeFromCopy(element);
    return false;
  });
  removeSignInPrompts(scopeRoot, holders, base);
  const blocks = findContentBlocks(scopeRoot);
  const region = articleRegion(blocks.map((block) => originals.get(block)!));
  const originalHolders = new Set([...holders].map((holder) => originals.get(holder)));
  // The same judgement as for the text, made on the page itself, where figure captions are still in place.
  // Pictures share ancestors: each is judged once.
  const droppedVerdicts = new Map<Element, boolean>();
  const isDropped = (element: Element): boolean => {
    let dropped = droppedVerdicts.get(element);
    if (dropped === undefined) {
      const verdict = boilerplateVerdict(element, true);
      // An article's <header> holds its lead picture.
      dropped = element.name !== 'header' && (verdict === 'drop' || (verdict === 'drop-unless-prose' && !originalHolders.has(element)));
      droppedVerdicts.set(element, dropped);
    }
    return dropped;
  };
  const images = region ? collectImages(region, isDropped, base) : [];
  const textBlocks: TextBlock[] = [];
  for (const block of blocks) {
    walkElements(block, (element) => {
      if (!FIGURE_TAGS.has(element.name)) return true;
      removeFromCopy(element);
      return false;
    });
    textBlocks.push(...collectBlocks(block));
  }
  const paragraphs = withoutDanglingHeadings(textBlocks);
  return { paragraphs, images };
}
