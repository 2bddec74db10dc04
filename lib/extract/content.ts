/**
 * The article's body text, found by scoring containers by the prose they hold (readability-style) on a copy
 * of the page with its chrome cut out (chrome.ts); its pictures are then read in the region found (pictures.ts).
 */
import type { CheerioAPI } from 'cheerio';
import { cloneNode, Document, Element, isTag, Text, type AnyNode, type ChildNode, type ParentNode } from 'domhandler';
import type { ArticleImage } from '../schema/article.ts';
import { cleanText, hanKanaHangulCount, isWhitespace } from '../normalize/text.ts';
import { boilerplateVerdict, screenOnly, wordsOf, type Verdict } from './chrome.ts';
import { BLOCK_TAGS, elementsNamed, findElements, hasDescendantNamed, pageBody, rawRenderedText, removeNode, renderedRuns, renderedText, walkElements } from './dom.ts';
import { collectImages } from './pictures.ts';
import { isTeaserCard } from './teaser.ts';
import { bylineText, closingCreditOf, closingCreditOfRun, dropSectionInvitations, isWriterCreditLine, MAX_CLOSING_CREDITS, type ClosingCredit } from './closing-credit.ts';

export interface BodyContent {
  paragraphs: string[];
  images: ArticleImage[];
  /** The byline among the credits closing the body (closing-credit.ts); all of them are taken out of the paragraphs. */
  closingByline: string | null;
}

/**
 * Never article text, whatever their classes say (h1 is the title, reported on its own; so is <title>, read here when a page without a
 * <body> tag is read whole, and the parser may leave the page's elements in an unclosed <head>).
 */
const DROPPED_TAGS: ReadonlySet<string> = new Set(['script', 'style', 'noscript', 'template', 'svg', 'canvas', 'iframe', 'object', 'embed', 'button', 'input', 'select', 'textarea', 'dialog', 'h1', 'title']);
/** The same, <noscript> kept: some pages print their whole text only there, for readers without scripts. */
const DROPPED_TAGS_BUT_NOSCRIPT: ReadonlySet<string> = new Set([...DROPPED_TAGS].filter((tag) => tag !== 'noscript'));

/**
 * How much chrome is cut before the body is scored. A page is read strictly first; a page with no body
 * there is read again with less cut, as a reader still sees text on it: its article sits in a box whose
 * classes read as chrome ("widget Blog", "sidebar"), or only in <noscript>.
 */
interface Pass {
  dropped: ReadonlySet<string>;
  /** whether a block of this verdict is cut, `holdsProse` saying whether it holds the article's prose */
  cuts: (verdict: Verdict, holdsProse: boolean) => boolean;
}

const PASSES: readonly Pass[] = [
  { dropped: DROPPED_TAGS, cuts: (verdict, holdsProse) => verdict === 'drop' || (verdict === 'drop-unless-prose' && !holdsProse) },
  { dropped: DROPPED_TAGS_BUT_NOSCRIPT, cuts: (verdict) => verdict === 'drop' },
  { dropped: DROPPED_TAGS_BUT_NOSCRIPT, cuts: () => false },
];

/*
 * Thresholds of the body scoring. Text amounts are weights (textWeight: characters, a CJK one counting three),
 * set on Latin-script pages.
 */

/** A paragraph shorter than this is a label, a date or a button ("Advertisement", "|"), not running text. */
const MIN_PARAGRAPH_WEIGHT = 25;
/** A paragraph this heavy counts towards the prose a block holds: about one full sentence. */
const MIN_PROSE_HOLDER_PARAGRAPH_WEIGHT = 40;
/** A block whose own paragraphs weigh this much holds the article: more than any sidebar, teaser list or ad slot prints. */
const MIN_PROSE_HOLDER_WEIGHT = 400;
/** A paragraph this heavy is prose when the sibling containers of the best one are compared (a teaser line is shorter). */
const MIN_PROSE_PARAGRAPH_WEIGHT = 80;
/** Text more than half of which is link text is navigation or "read more", not prose. */
const MAX_LINK_SHARE = 0.5;
/** A paragraph of prose is mostly not links (readability's bound for a paragraph beside its best candidate). */
const MAX_PROSE_LINK_SHARE = 0.25;
/** The region searched for more of the article's paragraphs holds this share of the page's prose. */
const REGION_PROSE_SHARE = 0.6;
/** Links this light inside a sentence are terms the site links to topic pages; teaser links are whole headlines. */
const MAX_AUTO_LINKED_TERM_WEIGHT = 30;
/** Each this much text adds a point to a paragraph's score, up to MAX_LENGTH_POINTS (as readability does). */
const WEIGHT_PER_LENGTH_POINT = 100;
const MAX_LENGTH_POINTS = 3;
/** A paragraph's score goes to its parent, grandparent and great-grandparent (as readability does), less each level up. */
const SCORED_ANCESTOR_LEVELS = 3;
/** A sibling of the best container scoring this share of its score (and at least MIN_SIBLING_SCORE) is part of the body. */
const SIBLING_SCORE_SHARE = 0.2;
const MIN_SIBLING_SCORE = 3;
/** A sibling holding this share of the best container's prose (and at least MIN_PROSE_HOLDER_WEIGHT) is part of the body: live-blog entries under the intro. */
const SIBLING_PROSE_SHARE = 0.25;
/** Wrappers climbed from an unclassed best container to find the class its repeated parts share. */
const MAX_WRAPPER_LEVELS = 3;
/** A subhead is a line: longer "headings" are styled paragraphs or whole boxes. */
const MAX_HEADING_LENGTH = 300;
/** A sign-in prompt is a short box: past this weight the block around the link holds more than the prompt. */
const MAX_SIGN_IN_PROMPT_WEIGHT = 600;
/** Two <br> in a row end a paragraph of text that sits directly in a container. */
const PARAGRAPH_BREAKS = 2;

const HEADING_TAGS = new Set(['h2', 'h3', 'h4', 'h5', 'h6']);
/** Class words of a <p> styled as a subhead ("p.hdg"): it heads what follows, like an h2–h6. */
const HEADING_WORDS = new Set(['heading', 'hdg', 'subhead', 'subheading']);

/**
 * A code unit where Han, kana and Hangul lie (U+1100–U+11FF, and from U+2E80 on, surrogates included): text
 * without one holds none of them, which one test of the whole text tells faster than counting them.
 */
const IN_CJK_BLOCKS = /[\u1100-\u11ff\u2e80-\uffff]/;

/**
 * How much text a string carries, counting a Han, kana or Hangul character as three: those scripts say in
 * one character what alphabetic scripts say in about three, and thresholds are set in Latin characters.
 */
function textWeight(text: string): number {
  // Most text has no such character: one cheap test.
  if (!IN_CJK_BLOCKS.test(text)) return text.length;
  return text.length + 2 * hanKanaHangulCount(text);
}

/**
 * Elements that contain the article's prose: every ancestor of a block whose own paragraphs weigh MIN_PROSE_HOLDER_WEIGHT or more.
 * Sidebars, ad slots and teaser lists hold short or scattered paragraphs, never such a block.
 */
function proseHolders(scope: Element): Set<Element> {
  const direct = new Map<Element, number>();
  forEachParagraph(scope, (holder, element, run) => {
    const weight = proseHolderParagraphWeight(element, run);
    if (weight >= MIN_PROSE_HOLDER_PARAGRAPH_WEIGHT) direct.set(holder, (direct.get(holder) ?? 0) + weight);
  });
  const holders = new Set<Element>();
  for (const [element, weight] of direct) {
    if (weight < MIN_PROSE_HOLDER_WEIGHT) continue;
    for (let node: Element | null = element; node && !holders.has(node); node = node.parent?.type === 'tag' ? (node.parent as Element) : null) {
      holders.add(node);
    }
  }
  return holders;
}

/**
 * Code units that can make clean text longer than its raw text or weigh more than its length: an entity
 * (it may decode to Han), and from U+0300 on combining marks, characters NFC rewrites, Han, kana and Hangul.
 */
const MAY_GROW_WHEN_CLEANED = /[^\0-\u02ff]|&/;

/**
 * A paragraph's weight for proseHolders, or 0 where its raw text is provably too light: the scan covers the
 * page's chrome too, mostly short lines, and cleaning their text was most of its time. A text cleaned here
 * is kept for the later scans.
 */
function proseHolderParagraphWeight(element: Element | null, run: AnyNode[] | null): number {
  const text = element === null ? cleanIfWeighing(rawRunText(run!), MIN_PROSE_HOLDER_PARAGRAPH_WEIGHT) : copyTextIfWeighing(element, MIN_PROSE_HOLDER_PARAGRAPH_WEIGHT);
  return text === null ? 0 : textWeight(text);
}

/** The clean text of a raw text, or null where it provably weighs less than `weight`. */
function cleanIfWeighing(raw: string, weight: number): string | null {
  // Cleaning only drops characters of such text (invisible ones, repeated spaces), and each weighs one.
  return raw.length < weight && !MAY_GROW_WHEN_CLEANED.test(raw) ? null : cleanText(raw);
}

/** copyText, or null where the element's text provably weighs less than `weight` (then not cleaned). */
function copyTextIfWeighing(element: Element, weight: number): string | null {
  const kept = COPY_TEXT.get(element);
  if (kept !== undefined) return kept;
  const text = cleanIfWeighing(rawRenderedText(element), weight);
  if (text !== null) COPY_TEXT.set(element, text);
  return text;
}

/** The clean text of one element. */
function elementText(element: Element): string {
  return renderedText(element);
}

/**
 * Clean text of elements of the reading copy, kept while nothing inside them is removed: the prose scan,
 * the container scoring and the block collection read the same paragraphs in turn. A new map for each reading
 * copy (readBody), not one WeakMap for all: weak entries, thousands a page, slow every collection while the copy lives.
 */
let COPY_TEXT = new Map<Element, string>();

function copyText(element: Element): string {
  let text = COPY_TEXT.get(element);
  if (text === undefined) {
    text = elementText(element);
    COPY_TEXT.set(element, text);
  }
  return text;
}

/** Whether an element of the reading copy holds a block anywhere below it, kept like COPY_TEXT. */
let HOLDS_BLOCK = new Map<Element, boolean>();

/**
 * Whether a block element sits anywhere inside `element`. A browser lays a block out as a block even inside an
 * inline element or an unclosed <p> ("<p><span>text<table>…", "<td><span><div><p>…"): htmlparser2 leaves such
 * a <p> open over the paragraphs that follow it, where a browser closes it at the block. The adapter runner
 * cuts paragraphs by the same rule (hasBlockDescendant there).
 */
function holdsBlock(element: Element): boolean {
  let holds = HOLDS_BLOCK.get(element);
  if (holds === undefined) {
    holds = hasBlockBelow(element);
    HOLDS_BLOCK.set(element, holds);
  }
  return holds;
}

/** holdsBlock, found by walking: the answer is kept only for the elements asked about, not for each inline element below them. */
function hasBlockBelow(element: Element): boolean {
  // A loop, not children.some(…): a callback made on each of the many calls is garbage to collect.
  for (const child of element.children) if (isTag(child) && (BLOCK_TAGS.has(child.name) || hasBlockBelow(child))) return true;
  return false;
}

/** What is kept of an element of the reading copy and of every element holding it is stale once something inside it is removed. */
function forgetContent(element: ParentNode): void {
  for (let node: ParentNode | null = element; node; node = node.parent) {
    COPY_TEXT.delete(node as Element);
    HOLDS_BLOCK.delete(node as Element);
  }
}

/** Takes an element out of the reading copy. */
function removeFromCopy(removed: Element): void {
  if (removed.parent) forgetContent(removed.parent);
  removeNode(removed);
}

/**
 * A link: an <a> with an href. An <a name="…"> only marks a place to jump to; old pages leave it unclosed
 * around whole sections (`<h2><a name="purpose">Purpose</h2>…`), and the parser then puts them inside it.
 */
function isLink(element: Element): boolean {
  return element.name === 'a' && element.attribs['href'] !== undefined;
}

function linkTextLength(element: Element): number {
  let length = 0;
  for (const anchor of findElements(element, isLink)) length += elementText(anchor).length;
  return length;
}

/** A link whose text is the address itself ("http://www.openpetition.de", "info@example.org"): the article prints where to go, a menu would name it. */
const PRINTED_ADDRESS = /^(?:https?:\/\/\S+|www\.\S+|[^\s@]+@[^\s@]+\.[a-z]{2,})$/iu;

/**
 * Lists of links and link-only lines are navigation or "read more", not prose: most of their text is links.
 * Except a line of several short links with text between them ("宮崎県：高鍋町、新富町、宮崎市"): terms the
 * site links automatically to topic pages, printed in a sentence or list of the article; teaser links are headlines.
 */
function isLinkLine(element: Element, text: string): boolean {
  const links = findElements(element, isLink)
    .map(elementText)
    .filter((linkText) => linkText !== '' && !PRINTED_ADDRESS.test(linkText));
  const linked = links.reduce((sum, linkText) => sum + linkText.length, 0);
  if (linked / text.length <= MAX_LINK_SHARE) return false;
  const autoLinkedTerms = links.length >= 2 && linked < text.length && links.every((linkText) => textWeight(linkText) < MAX_AUTO_LINKED_TERM_WEIGHT);
  return !autoLinkedTerms;
}

/** A div whose content is only inline, all the way down, is a paragraph in all but name (common in CMS output). */
function isTextBlock(element: Element): boolean {
  return !holdsBlock(element);
}

/** Readability-style score of one paragraph: longer text and more clauses mean more likely prose. */
function paragraphScore(text: string): number {
  const clauses = (text.match(/[,，、;；]/g) ?? []).length;
  return 1 + clauses + Math.min(Math.floor(textWeight(text) / WEIGHT_PER_LENGTH_POINT), MAX_LENGTH_POINTS);
}

/** An element of the reading copy, holding the page's element it copies (a field: a map entry per element costs more). */
class CopiedElement extends Element {
  constructor(readonly original: Element, children: ChildNode[]) {
    super(original.name, original.attribs, children);
  }
}

/** The page's element that an element of the reading copy copies. */
function originalOf(copy: Element): Element {
  return (copy as CopiedElement).original;
}

/**
 * A copy of an element to cut the boilerplate out of, without the never-text elements (`dropped`) and
 * comments, each copied element paired with its original so what is found on the copy can be read on the
 * page. Attributes are shared with the page (read only); sibling links are not kept (nothing reads them).
 * Text nodes are the page's own, not copies (nothing changes them, and copying them was a good part of the
 * copy's time): their parent stays the page's element, and one leaves the copy by removeSharedText.
 */
function readingCopy(original: Element, dropped: ReadonlySet<string>): CopiedElement {
  const children: ChildNode[] = [];
  const copy = new CopiedElement(original, children);
  for (const child of original.children) {
    if (child.type === 'text') {
      children.push(child);
      continue;
    }
    let childCopy: ChildNode;
    if (isTag(child)) {
      if (dropped.has(child.name)) continue;
      childCopy = readingCopy(child, dropped);
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
  const parentElement = (element: Element): Element | null => (element.parent?.type === 'tag' ? (element.parent as Element) : null);
  // The first block and its ancestors, innermost first: those holding every block are the chain from the lowest one any block meets.
  const chain: Element[] = [];
  for (let node: Element | null = first; node; node = parentElement(node)) chain.push(node);
  const positions = new Map(chain.map((element, index) => [element, index]));
  let lowest = 0;
  for (const block of blocks) {
    let node: Element | null = block;
    while (node && !positions.has(node)) node = parentElement(node);
    if (!node) return null;
    lowest = Math.max(lowest, positions.get(node)!);
  }
  const common = chain.slice(lowest);
  return common.find((ancestor) => ancestor.name === 'article') ?? common[0] ?? null;
}

/** Text length and linked-text length of the elements the scoring reads them of (whitespace runs count as one), and the elements measured. */
interface TextStats {
  length: Map<Element, number>;
  linked: Map<Element, number>;
  /** every element below the scope's root in document order, listed on the same walk: later scans read this list instead of walking again */
  elements: Element[];
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

/**
 * Measures the text below `root` in one walk, keeping the figures of the elements the scoring reads them of:
 * the paragraphs, the containers their scores go to (scoreContainers) and the lists (isTextList). The walk
 * also lists the elements below `root`.
 */
function measureText(root: Element, paragraphs: readonly ScoredParagraph[]): TextStats {
  const read = new Set<Element>();
  for (const { element, holder } of paragraphs) {
    if (element) read.add(element);
    let ancestor: ParentNode | null = holder;
    for (let level = 0; level < SCORED_ANCESTOR_LEVELS && ancestor && ancestor.type === 'tag'; level += 1, ancestor = ancestor.parent) read.add(ancestor as Element);
  }
  const stats: TextStats = { length: new Map(), linked: new Map(), elements: [] };
  // Linked text measured so far in the walk: an element's linked text is what its walk adds to it.
  let linkedSoFar = 0;
  const walk = (element: Element, inLink: boolean): number => {
    if (element !== root) stats.elements.push(element);
    const linkedBefore = linkedSoFar;
    let length = 0;
    const withinLink = inLink || isLink(element);
    for (const child of element.children) {
      if (child.type === 'text') {
        const size = collapsedLength(child.data);
        length += size;
        if (withinLink) linkedSoFar += size;
      } else if (child.type === 'tag') length += walk(child as Element, withinLink);
    }
    if (read.has(element) || LIST_TAGS.has(element.name)) {
      stats.length.set(element, length);
      stats.linked.set(element, linkedSoFar - linkedBefore);
    }
    return length;
  };
  walk(root, false);
  return stats;
}

function linkShare(stats: TextStats, element: Element): number {
  return Math.min((stats.linked.get(element) ?? 0) / Math.max(stats.length.get(element) ?? 0, 1), 1);
}

/** Tags that are one paragraph when they hold only inline content. */
const PARAGRAPH_LIKE_TAGS = new Set(['p', 'pre', 'td', 'blockquote', 'div', 'section']);

/**
 * A paragraph as the scoring sees it: a paragraph-like element, or a run of text sitting directly in a
 * container beside its blocks (blog engines and old CMSs print the body as text with <br> between headings
 * and pictures); `holder` is the element the paragraph counts for first: the run's container, or the
 * element's parent.
 */
interface ScoredParagraph {
  /** the paragraph's own element, or the run of text it is */
  element?: Element;
  run?: AnyNode[];
  holder: Element;
  text: string;
}

/**
 * Whether text sits directly in an element (not only inside its blocks): as text, or as a sentence of
 * prose in an inline element that links nowhere (a photo story's "<em>Trước hết là bao bì…</em>" lines
 * between its pictures). Shorter or linked inline text beside blocks is a label or a teaser card.
 */
function hasOwnText(element: Element): boolean {
  return element.children.some((child) => (child.type === 'text' ? child.data.trim() !== '' : child.type === 'tag' && isInlineProse(child as Element)));
}

/** Elements that style a run of text (custom elements, "figurecaption", are left out: their role is unknown). */
const PHRASING_TAGS = new Set(['em', 'i', 'strong', 'b', 'span', 'font', 'u', 'small', 'big', 'mark', 'q', 'cite']);

function isInlineProse(element: Element): boolean {
  if (!PHRASING_TAGS.has(element.name) || holdsLink(element)) return false;
  const text = copyTextIfWeighing(element, MIN_PROSE_PARAGRAPH_WEIGHT);
  return text !== null && textWeight(text) >= MIN_PROSE_PARAGRAPH_WEIGHT;
}

/** Whether a link sits anywhere inside an element. */
function holdsLink(element: Element): boolean {
  for (const child of element.children) if (isTag(child) && (isLink(child) || holdsLink(child))) return true;
  return false;
}

/** Whether a run holds any text: whitespace between blocks is no paragraph. */
function hasText(run: AnyNode[]): boolean {
  return run.some((node) => node.type !== 'text' || node.data.trim() !== '');
}

/**
 * Whether a table cell sits below an element that holds no block: a cell outside a table (the parser keeps
 * "<div><td>…" as it is) is the one paragraph such an element can hold, so the rest of it is not walked.
 */
function holdsStrayCell(textBlock: Element): boolean {
  return hasDescendantNamed(textBlock, 'td');
}

/**
 * Visits the paragraphs of a scope: paragraph-like elements (`element`), and the runs of text in containers
 * that mix text with blocks (`run`; an inline element's text is its paragraph's).
 */
function forEachParagraph(scope: Element, visit: (holder: Element, element: Element | null, run: AnyNode[] | null) => void): void {
  walkElements(scope, (element) => {
    const parent = element.parent;
    const textBlock = isTextBlock(element);
    if (PARAGRAPH_LIKE_TAGS.has(element.name) && (element.name === 'pre' || textBlock)) {
      if (parent?.type === 'tag') visit(parent as Element, element, null);
      // Paragraphs inside it count too: a <pre> may wrap a whole embedded document (<html><body><p>…).
      return !textBlock || holdsStrayCell(element);
    }
    if (textBlock) return holdsStrayCell(element);
    if (!hasOwnText(element)) return true;
    for (const part of childParts(element)) {
      if (Array.isArray(part) && hasText(part)) visit(element, null, part);
    }
    return true;
  });
}

/** The paragraphs of a scope with their clean text, measured once. */
function paragraphBlocks(scope: Element): ScoredParagraph[] {
  const blocks: ScoredParagraph[] = [];
  forEachParagraph(scope, (holder, element, run) => {
    if (element !== null) {
      const text = copyText(element);
      if (text !== '') blocks.push({ element, holder, text });
    } else {
      const text = runText(run!);
      if (text !== '') blocks.push({ run: run!, holder, text });
    }
  });
  return blocks;
}

/** Share of a paragraph's text that is link text. */
function paragraphLinkShare(block: ScoredParagraph, stats: TextStats): number {
  if (block.run) return linkShareOf(block.run, block.text.length);
  return block.element ? linkShare(stats, block.element) : 0;
}

/** Scores the ancestors of every paragraph by the prose they hold (readability-style), adjusted for link density. */
function scoreContainers(blocks: ScoredParagraph[], stats: TextStats): Map<Element, number> {
  const raw = new Map<Element, number>();
  for (const { holder, text } of blocks) {
    if (textWeight(text) < MIN_PARAGRAPH_WEIGHT) continue;
    const score = paragraphScore(text);
    let ancestor: ParentNode | null = holder;
    for (let level = 0; level < SCORED_ANCESTOR_LEVELS && ancestor && ancestor.type === 'tag'; level += 1) {
      const divider = level === 0 ? 1 : level === 1 ? 2 : level * 3;
      raw.set(ancestor as Element, (raw.get(ancestor as Element) ?? 0) + score / divider);
      ancestor = ancestor.parent;
    }
  }
  const scores = new Map<Element, number>();
  for (const [element, score] of raw) scores.set(element, score * (1 - linkShare(stats, element)));
  return scores;
}

/** Prose inside each element: paragraphs (and text-only divs) weighing MIN_PROSE_PARAGRAPH_WEIGHT or more that are not mostly links. */
function proseWithin(blocks: ScoredParagraph[], stats: TextStats): Map<Element, number> {
  const prose = new Map<Element, number>();
  for (const block of blocks) {
    const weight = textWeight(block.text);
    if (weight < MIN_PROSE_PARAGRAPH_WEIGHT || paragraphLinkShare(block, stats) > MAX_LINK_SHARE) continue;
    for (let ancestor: ParentNode | null = block.holder; ancestor && ancestor.type === 'tag'; ancestor = ancestor.parent) {
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
 * Paragraphs of the article outside the chosen containers: the body is often cut into boxes (intro,
 * sections, steps, columns) and the best container is one of them. The region is the closest ancestor of the
 * best container that holds REGION_PROSE_SHARE of the page's prose; its sentence-long paragraphs with few
 * links, and its lists that are not of links (isTextList), that stand before the end of the chosen body are the
 * article's too. After the body come sign-up, subscription and teaser boxes, which read like prose.
 */
function regionParagraphs(root: Element, best: Element, chosen: Set<Element>, blocks: ScoredParagraph[], prose: Map<Element, number>, stats: TextStats): Element[] {
  const pageProse = prose.get(root) ?? 0;
  let region = best;
  while ((prose.get(region) ?? 0) < pageProse * REGION_PROSE_SHARE) {
    const parent = region.parent;
    if (!parent || parent.type !== 'tag' || parent === root) break;
    region = parent as Element;
  }
  if (region === best) return [];
  const order = new Map<Element, number>();
  const lists: Element[] = [];
  walkElements(region, (element) => {
    order.set(element, order.size);
    if (LIST_TAGS.has(element.name)) lists.push(element);
  });
  const bodyEnd = Math.max(...[...chosen].map((element) => order.get(element) ?? -1));
  const beforeBodyEnd = (element: Element): boolean => order.get(element)! <= bodyEnd && !chosen.has(element) && !isInside(element, chosen);
  const found: Element[] = [];
  for (const block of blocks) {
    const element = block.element;
    if (!element || !order.has(element) || !beforeBodyEnd(element)) continue;
    if (textWeight(block.text) >= MIN_PROSE_HOLDER_PARAGRAPH_WEIGHT && paragraphLinkShare(block, stats) < MAX_PROSE_LINK_SHARE) found.push(element);
  }
  return [...found, ...lists.filter((list) => beforeBodyEnd(list) && isTextList(list, stats))];
}

const LIST_TAGS = new Set(['ul', 'ol']);
/** A list of the text's points ("Elf Modelle sind empfehlenswert / Vier fallen … durch") has this many items or more; one item is a line, not a list. */
const MIN_TEXT_LIST_ITEMS = 2;

/**
 * A list of the article's points, not of links: a bulleted summary or a list of items between its paragraphs, its items
 * too short to be paragraphs of prose. A menu, a teaser list or a tag list is mostly links.
 */
function isTextList(list: Element, stats: TextStats): boolean {
  const items = list.children.filter((child) => child.type === 'tag' && (child as Element).name === 'li');
  return items.length >= MIN_TEXT_LIST_ITEMS && (stats.length.get(list) ?? 0) >= MIN_PROSE_HOLDER_PARAGRAPH_WEIGHT && linkShare(stats, list) < MAX_PROSE_LINK_SHARE;
}

/**
 * Class words of a lead printed above the article's text (standfirst, teaser, intro, abstract, excerpt; perex in
 * Czech, Vorspann in German, chapô in French): the article's first words, whatever a related box calls its teasers.
 */
const LEAD_WORDS = new Set(['lead', 'intro', 'introduction', 'teaser', 'abstract', 'excerpt', 'summary', 'standfirst', 'perex', 'vorspann', 'chapo', 'subtitle', 'leader', 'sapo']);
/** Wrappers climbed from the best container to find the lead printed above it, in the article's header. */
const MAX_LEAD_LEVELS = 4;

function hasLeadWord(element: Element): boolean {
  return wordsOf(element).some((word) => LEAD_WORDS.has(word));
}

/** A lead's text: a paragraph (or a block of them) classed as a lead, with few links (a teaser card's is its headline link). */
function isPrintedLead(element: Element): boolean {
  if (!hasLeadWord(element)) return false;
  const paragraphLike = element.name === 'p' || (PARAGRAPH_LIKE_TAGS.has(element.name) && element.children.every((child) => child.type !== 'tag' || !BLOCK_TAGS.has(child.name) || child.name === 'p'));
  if (!paragraphLike) return false;
  const text = copyText(element);
  return textWeight(text) >= MIN_PROSE_HOLDER_PARAGRAPH_WEIGHT && linkTextLength(element) / text.length < MAX_PROSE_LINK_SHARE;
}

/**
 * Paragraphs of the lead printed above the body, when the best container holds the text only: paragraphs of a
 * lead element (isPrintedLead) among the wrappers of the best container, before the body starts.
 */
function leadParagraphs(best: Element, chosen: Set<Element>, blocks: ScoredParagraph[]): Element[] {
  const leadOf = (element: Element): boolean => isPrintedLead(element) || (element.parent?.type === 'tag' && isPrintedLead(element.parent as Element));
  // Most pages print no paragraph classed as a lead: they cost no walk.
  const candidates = blocks.flatMap(({ element }) => (element && (hasLeadWord(element) || (element.parent?.type === 'tag' && hasLeadWord(element.parent as Element))) ? [element] : []));
  if (candidates.length === 0) return [];
  let scope = best;
  for (let level = 0; level < MAX_LEAD_LEVELS && scope.parent?.type === 'tag'; level += 1) scope = scope.parent as Element;
  const order = new Map<Element, number>();
  walkElements(scope, (element) => {
    order.set(element, order.size);
  });
  const bodyStart = Math.min(...[...chosen].map((element) => order.get(element) ?? Number.POSITIVE_INFINITY));
  return candidates.filter((element) => {
    const position = order.get(element);
    return position !== undefined && position < bodyStart && leadOf(element);
  });
}

/**
 * Subheads printed just before a block of the body, outside it: a CMS that cuts the text into sections prints
 * each section's heading beside its text box ("<h2>…</h2><div class=col-12><p>…"), so the heading heads that block.
 */
function subheadsBefore(chosen: Set<Element>): Element[] {
  const found: Element[] = [];
  for (const element of chosen) {
    // The reading copy keeps no sibling links: the previous sibling is found in the parent's children.
    const siblings = element.parent?.children ?? [];
    let index = siblings.indexOf(element) - 1;
    while (index >= 0 && siblings[index]!.type === 'text' && (siblings[index] as Text).data.trim() === '') index -= 1;
    const previous = siblings[index];
    if (previous?.type === 'tag' && HEADING_TAGS.has((previous as Element).name) && !chosen.has(previous as Element)) found.push(previous as Element);
  }
  return found;
}

interface ContentBlocks {
  /** the body's outermost elements, in document order */
  blocks: Element[];
  /** those of them that are the lead printed above the body (leadParagraphs) */
  leads: Set<Element>;
}

/**
 * The elements holding the article's prose, in document order: the best-scored container, plus the other
 * containers of the same kind (same tag and classes) that also hold prose, because many sites cut the
 * body into several blocks around ads, and its siblings that score nearly as well.
 */
function findContentBlocks(root: Element): ContentBlocks {
  const blocks = paragraphBlocks(root);
  const stats = measureText(root, blocks);
  const scores = scoreContainers(blocks, stats);
  let best: Element | null = null;
  let bestScore = 0;
  for (const [element, score] of scores) {
    if (score > bestScore) {
      best = element;
      bestScore = score;
    }
  }
  if (!best) return { blocks: [], leads: new Set() };
  const chosen = new Set<Element>([best]);
  // The repeated block may be a wrapper of the best container ("…__text-width" > "text-container" > div).
  let anchor = best;
  for (let level = 0; level < MAX_WRAPPER_LEVELS && !anchor.attribs['class']?.trim(); level += 1) {
    const parent = anchor.parent;
    if (!parent || parent.type !== 'tag' || parent.children.filter((child) => child.type === 'tag').length !== 1) break;
    anchor = parent as Element;
  }
  const className = anchor.attribs['class']?.trim();
  if (className) {
    const name = anchor.name;
    for (const element of stats.elements) {
      if (element.name === name && element.attribs['class']?.trim() === className && hasDescendantNamed(element, 'p')) chosen.add(element);
    }
  }
  // Siblings that score nearly as well, or hold as much prose deeper down (live-blog entries under the intro).
  const prose = proseWithin(blocks, stats);
  const bestProse = prose.get(best) ?? 0;
  for (const sibling of best.parent?.children ?? []) {
    if (sibling.type !== 'tag') continue;
    const element = sibling as Element;
    const siblingProse = prose.get(element) ?? 0;
    const nearlyAsGood = (scores.get(element) ?? 0) >= Math.max(bestScore * SIBLING_SCORE_SHARE, MIN_SIBLING_SCORE);
    if (nearlyAsGood || siblingProse >= Math.max(MIN_PROSE_HOLDER_WEIGHT, bestProse * SIBLING_PROSE_SHARE)) chosen.add(element);
  }
  for (const element of regionParagraphs(root, best, chosen, blocks, prose, stats)) chosen.add(element);
  for (const element of subheadsBefore(chosen)) chosen.add(element);
  const leads = new Set(leadParagraphs(best, chosen, blocks));
  for (const element of leads) chosen.add(element);
  const outermost = new Set([...chosen].filter((element) => !isInside(element, chosen)));
  return { blocks: stats.elements.filter((element) => outermost.has(element)), leads };
}

/**
 * A caption or credit printed as a paragraph of the text, under a picture the page does not mark as a figure:
 * it opens with a picture label and a colon ("Foto: …", "Abbildung 4: …", "Crédits photos : …", "Bild: …") or a
 * copyright sign. Vietnamese credits ("Ảnh: …") are read by closing-credit.ts and pictures.ts.
 */
const PICTURE_LINE = /^(?:©|(?:abbildung|abb\.|bild|titelbild|beitragsbild|foto|fotos|photo|photos|image|images|cr[ée]dits?(?: photos?)?|credit|bildquelle|fotoquelle|copyright)(?:\s+(?:\d+|illustrative))?\s*[:：])/iu;
/** Longer than this, a line so opened is running text about the picture, not its caption. */
const MAX_PICTURE_LINE_LENGTH = 300;

function isPictureLine(text: string): boolean {
  return text.length <= MAX_PICTURE_LINE_LENGTH && PICTURE_LINE.test(text);
}

interface TextBlock {
  text: string;
  heading: boolean;
  /** printed as a credit closing the body (closing-credit.ts), or null */
  credit?: ClosingCredit | null;
  /** too short for a paragraph: kept only to be read as a closing credit */
  short?: boolean;
  /** inline text between blocks or blank lines, not a paragraph element */
  run?: boolean;
}


function linkShareOf(nodes: AnyNode[], textLength: number): number {
  let linked = 0;
  for (const node of nodes) {
    if (node.type !== 'tag') continue;
    const element = node as Element;
    linked += isLink(element) ? elementText(element).length : linkTextLength(element);
  }
  return linked / Math.max(textLength, 1);
}

const LINE_BREAKING = new Set(['br', 'img']);

/**
 * The lines an inline element without text breaks: its <br>s, wrapped or not ("<em><br></em>"), and its
 * pictures, each of which stands on a line of its own between lines of text (a photo story's pictures sit
 * in the run of its text: "…</em><em><br></em><em><img></em><em>Bao bì cho…").
 */
function lineBreaksIn(tag: Element): number {
  return LINE_BREAKING.has(tag.name) ? 1 : elementsNamed(tag, LINE_BREAKING).length;
}

/**
 * The children of a container in document order, as paragraphs see them: each block child on its own, and
 * the inline content between them (text, links, emphasis) as runs, a run ending at a blank line (<br><br>).
 */
function* childParts(container: Element): Generator<AnyNode[] | Element> {
  let inline: AnyNode[] = [];
  let breaks = 0;
  for (const child of container.children) {
    if (child.type !== 'text' && child.type !== 'tag') continue;
    const tag = child.type === 'tag' ? (child as Element) : null;
    if (tag?.name === 'br') {
      breaks += 1;
      continue;
    }
    // An inline element holding blocks is laid out as blocks; a link around blocks stays one run: a card linking away.
    if (!tag || !(BLOCK_TAGS.has(tag.name) || (holdsBlock(tag) && !isLink(tag)))) {
      // Only what shows ends a blank line: not whitespace, nor an empty inline element (an ad hook between two <br>).
      const shows = tag ? elementText(tag) !== '' : (child as Text).data.trim() !== '';
      if (shows) {
        if (breaks >= PARAGRAPH_BREAKS) {
          yield inline;
          inline = [];
        }
        breaks = 0;
      } else if (tag) breaks += lineBreaksIn(tag);
      inline.push(child);
      continue;
    }
    yield inline;
    inline = [];
    breaks = 0;
    yield tag;
  }
  yield inline;
}

/** Where the last line of a run of `parent`'s children starts (the node after its last <br>), or 0 when the run is one line. */
function lastLineStart(parent: Element, nodes: AnyNode[]): number {
  const siblings = parent.children;
  for (let index = nodes.length - 1; index > 0; index -= 1) {
    let before = siblings.indexOf(nodes[index] as ChildNode) - 1;
    while (before >= 0 && siblings[before]!.type === 'text' && (siblings[before] as Text).data.trim() === '') before -= 1;
    const previous = siblings[before];
    if (previous?.type === 'tag' && (previous as Element).name === 'br') return index;
  }
  return 0;
}

/**
 * A run without the lines of links closing it: a related article linked on a line of its own after the
 * text, one <br> below it (">> Vì sao sữa và nước ngọt…" under cafebiz's last paragraph), is not its text.
 */
function withoutClosingLinkLines(parent: Element, nodes: AnyNode[]): AnyNode[] {
  let kept = nodes;
  for (let start = lastLineStart(parent, kept); start > 0; start = lastLineStart(parent, kept)) {
    const line = kept.slice(start);
    const text = runText(line);
    if (text !== '' && linkShareOf(line, text.length) <= MAX_LINK_SHARE) break;
    kept = kept.slice(0, start);
  }
  return kept;
}

/** Inline runs as a browser renders them (block vs inline boundaries), as one cleaned text. */
function runText(nodes: AnyNode[]): string {
  return cleanText(rawRunText(nodes));
}

function rawRunText(nodes: AnyNode[]): string {
  return nodes.flatMap((node) => renderedRuns(node)).join('');
}

/**
 * Paragraphs and subheads of a container, in document order, each block once. Text that sits directly in
 * a container, between block elements or separated by blank lines (<br><br>), counts as paragraphs too.
 * The container is part of a reading copy: credits are read on the page elements it copies (originalOf).
 */
function collectBlocks(container: Element): TextBlock[] {
  const original = (node: AnyNode): AnyNode => (node.type === 'tag' ? originalOf(node as Element) : node);
  const blocks: TextBlock[] = [];
  const flushInline = (parent: Element, run: AnyNode[]): void => {
    const nodes = withoutClosingLinkLines(parent, run);
    if (nodes.length === 0) return;
    const writerLine = lastLineStart(parent, nodes);
    const lastLine = writerLine > 0 ? nodes.slice(writerLine) : [];
    if (lastLine.length > 0 && isWriterCreditLine(lastLine.map(original), runText(lastLine))) {
      flushInline(parent, nodes.slice(0, writerLine));
      blocks.push({ text: runText(lastLine), heading: false, credit: 'byline', short: true, run: true });
      return;
    }
    const text = runText(nodes);
    if (text === '' || linkShareOf(nodes, text.length) > MAX_LINK_SHARE) return;
    const credit = closingCreditOfRun(originalOf(parent), nodes.map(original), text);
    // Stray labels ("Advertisement", "|") between blocks are not paragraphs; real running text is longer.
    if (isPictureLine(text)) return;
    // A short one printed as a credit ("<div align=right><b>Hà Anh</b></div>") is kept to be read as the closing byline.
    if (textWeight(text) < MIN_PARAGRAPH_WEIGHT && !credit) return;
    blocks.push({ text, heading: false, credit, short: textWeight(text) < MIN_PARAGRAPH_WEIGHT, run: true });
  };
  const visitChildren = (element: Element): void => {
    for (const part of childParts(element)) {
      if (Array.isArray(part)) flushInline(element, part);
      else visit(part);
    }
  };
  const visit = (element: Element): void => {
    const name = element.name;
    const heading = HEADING_TAGS.has(name) || (name === 'p' && wordsOf(element).some((word) => HEADING_WORDS.has(word)));
    const paragraph = (name === 'p' && !holdsBlock(element)) || name === 'pre' || name === 'li' || (name === 'blockquote' && !hasDescendantNamed(element, 'p'));
    if (!paragraph && !heading) {
      visitChildren(element);
      return;
    }
    const text = copyText(element);
    if (text === '') return;
    if (isLinkLine(element, text) || isPictureLine(text)) return;
    if (heading && text.length > MAX_HEADING_LENGTH) {
      // A paragraph styled as a heading (blog editors make an opening paragraph an <h3>) is a paragraph; a box is not.
      if (isTextBlock(element)) blocks.push({ text, heading: false });
      return;
    }
    // Credits are read on the page itself: the outlet line after a writer's credit may be out of the copy.
    blocks.push({ text, heading, credit: name === 'p' ? closingCreditOf(originalOf(element), text) : null });
  };
  visit(container);
  return blocks;
}

/** Paths of a site's own sign-in, registration and subscription pages. */
const SIGN_IN_PATH = /\/(?:login|log-in|signin|sign-in|regist|register|registration|signup|sign-up|subscribe|subscription|abo|abonnement|abonnieren)(?:[/?#.]|$)/i;
const PROMPT_TAGS = new Set(['div', 'section', 'aside', 'form', 'dl']);
/** A picture's own markup inside a body block: its caption is not body text. */
const FIGURE_TAGS = new Set(['figure', 'figcaption', 'picture']);
/** What a table laid out as a figure holds: the picture or embedded chart its caption cells describe. */
const EMBEDDED_MEDIA = new Set(['img', 'iframe', 'video', 'picture', 'object', 'embed']);
/** A table holding a picture and this little text is a figure (picture and caption cells), not a data table. */
const MAX_FIGURE_TABLE_TEXT = 300;

/** A <figure> in all but name: a table whose cells hold a picture or chart and a short caption. */
function isFigureTable(element: Element, original: Element | undefined): boolean {
  return element.name === 'table' && original !== undefined && hasDescendantIn(original, EMBEDDED_MEDIA) && elementText(element).length <= MAX_FIGURE_TABLE_TEXT;
}

function hasDescendantIn(root: Element, names: ReadonlySet<string>): boolean {
  return findElements(root, (element) => names.has(element.name)).length > 0;
}

/** Stands in for an unknown page URL: a relative link is the site's own whatever the site is; an absolute one never matches it. */
const UNKNOWN_PAGE = 'http://unknown.invalid/';

/**
 * A word every path SIGN_IN_PATH matches starts with. The URL parser copies a path's letters from the link as
 * written (less tabs and newlines) or, for a relative link, from the page URL, so a link where neither spells
 * one is no sign-in link: this test spares parsing nearly every link on the page.
 */
const SIGN_IN_WORD = /log-?in|sign-?(?:in|up)|regist|subscri|abo/i;

function mayLinkToSignIn(href: string, base: string | undefined): boolean {
  return SIGN_IN_WORD.test(href.replace(/[\t\n\r]/g, '')) || (base !== undefined && SIGN_IN_WORD.test(base));
}

function isOwnSignInLink(anchor: Element, base: string | undefined): boolean {
  const href = anchor.attribs['href']?.trim();
  if (!href || !mayLinkToSignIn(href, base) || /^(?:mailto|javascript|tel):/i.test(href)) return false;
  try {
    const target = new URL(href, base ?? UNKNOWN_PAGE);
    const own = !/^(?:[a-z][a-z0-9+.-]*:)?\/\//i.test(href) || (base !== undefined && target.hostname === new URL(base).hostname);
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
function removeSignInPrompts(links: readonly Element[], holders: Set<Element>, base: string | undefined): void {
  const prompts = new Set<Element>();
  for (const anchor of links) {
    if (!isOwnSignInLink(anchor, base)) continue;
    let prompt: Element | null = null;
    for (let node = anchor.parent; node && node.type === 'tag' && !holders.has(node as Element); node = node.parent) {
      const element = node as Element;
      if (textWeight(elementText(element)) > MAX_SIGN_IN_PROMPT_WEIGHT) break;
      if (PROMPT_TAGS.has(element.name)) prompt = element;
    }
    if (prompt) prompts.add(prompt);
  }
  for (const prompt of prompts) removeFromCopy(prompt);
}

/** Drops from a copied element the caption text printed inline in its original (pictures.ts): the copy holds the page's text nodes. */
function removeCaptionText(copy: Element, captions: ReadonlySet<AnyNode>): void {
  for (const text of copy.children.filter((child) => child.type === 'text' && captions.has(child))) removeSharedText(copy, text);
}

/** Takes one of the page's text nodes out of the element of the reading copy holding it, the page's tree left as it is. */
function removeSharedText(holder: Element, text: ChildNode): void {
  forgetContent(holder);
  holder.children.splice(holder.children.indexOf(text), 1);
}

/** What follows a closing byline is a box inserted after the article when it is this small beside the article. */
const MAX_TAIL_SHARE = 1 / 2;

/**
 * Where the article's text ends: after the byline paragraph that closes it, when only text outside paragraphs
 * follows (a box the site inserts after every article: "Cách cài đặt Bluezone…" with its download links), and
 * that text is small beside the article. Otherwise after the last block.
 */
function bodyEnd(blocks: TextBlock[]): number {
  const byline = blocks.findLastIndex((block) => block.credit === 'byline' && !block.run);
  if (byline < 0 || byline === blocks.length - 1) return blocks.length;
  const tail = blocks.slice(byline + 1);
  if (!tail.every((block) => block.run)) return blocks.length;
  const length = (part: TextBlock[]): number => part.reduce((sum, block) => sum + block.text.length, 0);
  return length(tail) <= length(blocks.slice(0, byline)) * MAX_TAIL_SHARE ? byline + 1 : blocks.length;
}

/** Subheads and introducing lines that head nothing (at the end, or followed by a subhead) title boxes that were dropped. */
function withoutDanglingHeadings(blocks: TextBlock[]): string[] {
  let end = blocks.length;
  while (end > 0 && (introduces(blocks[end - 1]!) || isFollowUsLine(blocks[end - 1]!.text))) end -= 1;
  const kept = blocks.slice(0, end);
  return kept.filter((block, index) => !introduces(block) || !kept[index + 1]!.heading).map((block) => block.text);
}

/**
 * Platforms a site asks its readers to follow it on. A short line naming two or more of them at the end of the
 * text is the site's own call to follow ("Follow The Gleaner on Twitter and Instagram", "Síguenos en Telegram,
 * Instagram, Facebook y Twitter"), not the article's. App stores are not counted: "iOS and Android" is as often
 * the article's own closing fact.
 */
const FOLLOW_PLATFORMS = /\b(?:twitter|instagram|facebook|telegram|youtube|whatsapp|tiktok|linkedin|threads|zalo|google news)\b/giu;
const MAX_FOLLOW_US_LINE_LENGTH = 300;
const MIN_FOLLOW_PLATFORMS = 2;

function isFollowUsLine(text: string): boolean {
  if (text.length > MAX_FOLLOW_US_LINE_LENGTH) return false;
  const platforms = new Set((text.match(FOLLOW_PLATFORMS) ?? []).map((name) => name.toLowerCase()));
  return platforms.size >= MIN_FOLLOW_PLATFORMS;
}

/** A line this short ending in a colon introduces what follows it ("Mehr zum Thema:", "Lesen Sie auch:"), as a subhead does. */
const MAX_INTRODUCING_LINE_LENGTH = 120;
const ENDS_WITH_COLON = /[:：]$/u;

function introduces(block: TextBlock): boolean {
  return block.heading || (block.text.length <= MAX_INTRODUCING_LINE_LENGTH && ENDS_WITH_COLON.test(block.text));
}

/**
 * The article's body paragraphs (with subheads) and its images, found by scoring containers by the prose
 * they hold. Captions, credits, share bars, related boxes, ads, comments and footers are left out.
 * Works on a copy: the caller's document is not changed. `base` resolves relative image and link URLs;
 * without it (a saved page whose URL is unknown) pictures given by a relative address are left out.
 */
export function extractBodyParagraphs($: CheerioAPI, base: string | undefined): BodyContent {
  const pageRoot = pageBody($);
  if (!pageRoot) return { paragraphs: [], images: [], closingByline: null };
  let body: BodyContent = { paragraphs: [], images: [], closingByline: null };
  for (const pass of PASSES) {
    body = readBody(pageRoot, base, pass);
    if (body.paragraphs.length > 0) break;
  }
  return body;
}

/** The blocks for desktops only that hold the article's prose, and every element around them. */
function aroundDesktopCopies(holders: Set<Element>): Set<Element> {
  const around = new Set<Element>();
  for (const holder of holders) {
    if (screenOnly(holder) !== 'desktop') continue;
    for (let node: ParentNode | null = holder; node && node.type === 'tag' && !around.has(node as Element); node = node.parent) around.add(node as Element);
  }
  return around;
}

/**
 * A block printed for phones only (chrome.ts screenOnly) is read as the desktop reader sees the page: not at all,
 * unless it holds the article's only copy (thesaigontimes prints a hidden mobile copy of the whole article before
 * the desktop one), or the desktop copy sits inside it (its class then says nothing of the page's screens). The
 * passes treat it as a chrome block that may hold prose: a page printing nothing else is still read.
 */
function isPhoneCopy(element: Element, holders: Set<Element>, desktopCopies: Set<Element>, pass: Pass): boolean {
  if (screenOnly(element) !== 'phone') return false;
  const onlyCopy = holders.has(element) && (desktopCopies.size === 0 || desktopCopies.has(element));
  return pass.cuts('drop-unless-prose', onlyCopy);
}

function readBody(pageRoot: Element, base: string | undefined, pass: Pass): BodyContent {
  COPY_TEXT = new Map();
  HOLDS_BLOCK = new Map();
  const scopeRoot = readingCopy(pageRoot, pass.dropped);
  // Under a document of its own, as cheerio's clone() puts it: the copy has no ancestors on the page.
  scopeRoot.parent = new Document([scopeRoot]);
  const holders = proseHolders(scopeRoot);
  const desktopCopies = aroundDesktopCopies(holders);
  // The links left once the chrome is cut, in document order, gathered on the way.
  const links: Element[] = [];
  walkElements(scopeRoot, (element) => {
    // A wrapper of the article's prose is kept, whatever its class says ("sidebar-grid__content").
    // So is a printed lead ("teaser-text"): its class reads as a teaser box's.
    const verdict = boilerplateVerdict(element);
    const kept = !pass.cuts(verdict, holders.has(element) || (verdict === 'drop-unless-prose' && isPrintedLead(element))) && !isTeaserCard(element);
    if (kept && !isPhoneCopy(element, holders, desktopCopies, pass)) {
      if (isLink(element)) links.push(element);
      return true;
    }
    removeFromCopy(element);
    return false;
  });
  removeSignInPrompts(links, holders, base);
  const { blocks, leads } = findContentBlocks(scopeRoot);
  // The lead sits in the article's header, above the text: the pictures of the text's region are the article's.
  const region = articleRegion(blocks.filter((block) => !leads.has(block)).map(originalOf));
  const originalHolders = new Set([...holders].map(originalOf));
  const { images, captions } = region ? collectImages(region, originalHolders, base) : { images: [], captions: new Set<Element>() };
  const textBlocks: TextBlock[] = [];
  const captionTextHolders = new Set([...captions].flatMap((node) => (node.type === 'text' && node.parent ? [node.parent] : [])));
  for (const block of blocks) {
    walkElements(block, (element) => {
      // the copy has lost its iframes and scripts: the original says whether a table holds a chart
      const original = originalOf(element);
      if (captionTextHolders.has(original)) removeCaptionText(element, captions);
      if (!FIGURE_TAGS.has(element.name) && !isFigureTable(element, original) && !(original && captions.has(original))) return true;
      removeFromCopy(element);
      return false;
    });
    textBlocks.push(...collectBlocks(block));
  }
  textBlocks.splice(bodyEnd(textBlocks));
  dropSectionInvitations(textBlocks);
  let closing: string | null = null;
  for (let count = 0; count < MAX_CLOSING_CREDITS && textBlocks.at(-1)?.credit; count += 1) {
    const credit = textBlocks.pop()!;
    if (credit.credit === 'byline') closing = bylineText(credit.text);
  }
  const paragraphs = withoutDanglingHeadings(textBlocks.filter((block) => !block.short));
  return { paragraphs, images, closingByline: closing };
}
