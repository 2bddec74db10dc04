import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import type { ArticleImage } from '../schema/article.ts';
import { cleanText } from '../normalize/text.ts';
import { isPlaceholderImage, splitCaption } from '../normalize/caption.ts';

export interface BodyContent {
  paragraphs: string[];
  images: ArticleImage[];
}

export interface BodyOptions {
  /** base for relative image URLs; defaults to the page's canonical link or og:url */
  baseUrl?: string;
}

/** Never article text, whatever their classes say (h1 is the title, reported on its own). */
const DROPPED_TAGS = 'script, style, noscript, template, svg, canvas, iframe, object, embed, button, input, select, textarea, dialog, h1';

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

/** The words of an element's class, id and component name: "ArticleBody-imageEmbedCredit" → article, body, image, embed, credit. */
function wordsOf(element: Element): string[] {
  const label = `${element.attribs['class'] ?? ''} ${element.attribs['id'] ?? ''} ${element.attribs['data-component'] ?? ''}`;
  return label
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s_-]+/)
    .filter(Boolean);
}

type Verdict = 'keep' | 'drop' | 'drop-unless-prose';

function boilerplateVerdict(element: Element): Verdict {
  const name = element.name;
  if (name === 'body' || name === 'html' || name === 'main' || name === 'article') return 'keep';
  if (element.attribs['aria-hidden'] === 'true' || element.attribs['hidden'] !== undefined) return 'drop-unless-prose';
  const role = element.attribs['role'];
  if (role === 'navigation' || role === 'complementary' || role === 'contentinfo' || role === 'banner') return 'drop-unless-prose';
  if (USUALLY_CHROME_TAGS.has(name)) return 'drop-unless-prose';
  const words = wordsOf(element);
  if (words.some((word) => ALWAYS_BOILERPLATE.has(word))) return words.some((word) => BODY_WORDS.has(word)) ? 'drop-unless-prose' : 'drop';
  if (words.some((word) => USUALLY_BOILERPLATE.has(word))) return 'drop-unless-prose';
  return 'keep';
}

/**
 * How much text a string carries, counting a Han, kana or Hangul character as three: those scripts say in
 * one character what alphabetic scripts say in about three, and thresholds are set in Latin characters.
 */
function textWeight(text: string): number {
  return text.length + 2 * (text.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu)?.length ?? 0);
}

/**
 * Elements that contain the article's prose: every ancestor of a block whose own paragraphs weigh 400+.
 * Sidebars, ad slots and teaser lists hold short or scattered paragraphs, never such a block.
 */
function proseHolders($: CheerioAPI, scope: Cheerio<Element>): Set<Element> {
  const direct = new Map<Element, number>();
  scope.find('p, div').each((_, block) => {
    if (block.name === 'div' && !isTextBlock(block)) return;
    const parent = block.parent;
    if (!parent || parent.type !== 'tag') return;
    const weight = textWeight(cleanText($(block).text()));
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

function textOf(node: Cheerio<AnyNode>): string {
  return cleanText(node.text());
}

function linkTextLength($: CheerioAPI, node: Cheerio<Element>): number {
  let length = 0;
  node.find('a').each((_, anchor) => {
    length += cleanText($(anchor).text()).length;
  });
  return length;
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

function absoluteUrl(raw: string, base: string | undefined): string | null {
  try {
    const url = new URL(raw.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

/** The real source of a possibly lazy-loaded image: data-* sources first, the largest srcset entry next, src last. */
function imageSource(element: Element): string | null {
  const attributes = element.attribs;
  for (const name of ['data-src', 'data-original', 'data-lazy-src', 'data-url', 'data-full-src', 'data-srcset', 'srcset', 'src']) {
    const value = attributes[name]?.trim();
    if (!value) continue;
    const candidate = name.endsWith('srcset') ? largestFromSrcset(value) : value;
    if (candidate && !isPlaceholderImage(candidate)) return candidate;
  }
  return null;
}

function largestFromSrcset(srcset: string): string | null {
  let best: { url: string; size: number } | null = null;
  for (const entry of srcset.split(/,\s+(?=\S)/)) {
    const [url, descriptor] = entry.trim().split(/\s+/);
    if (!url) continue;
    const size = descriptor ? Number.parseFloat(descriptor) || 0 : 0;
    if (!best || size > best.size) best = { url, size };
  }
  return best?.url ?? null;
}

/** Class words of the part of a figcaption that holds the credit, when the site marks it up apart. */
const CREDIT_WORDS = new Set(['credit', 'credits', 'copyright', 'photographer', 'source', 'author', 'byline', 'attribution']);

function figureCaption($: CheerioAPI, figure: Cheerio<AnyNode>): { caption: string | null; credit: string | null } {
  const figcaption = figure.find('figcaption').first();
  if (figcaption.length === 0) return { caption: null, credit: null };
  const isCredit = (_: number, element: Element): boolean => wordsOf(element).some((word) => CREDIT_WORDS.has(word));
  const creditNode = figcaption.find('*').filter(isCredit).first();
  if (creditNode.length > 0) {
    const credit = textOf(creditNode).replace(/^(?:photo|foto|bild|image|credit|ảnh)\s*:\s*/i, '');
    const captionOnly = figcaption.clone();
    captionOnly.find('*').filter(isCredit).remove();
    const caption = textOf(captionOnly);
    return { caption: caption || null, credit: credit || null };
  }
  const { caption, credit } = splitCaption(textOf(figcaption));
  return { caption: caption || null, credit: credit || null };
}

/**
 * Images of the article: those inside its region of the original page (captions intact), minus thumbnails
 * that link to other pages and images inside boxes that are never the article (related, share, ads).
 */
function collectImages($: CheerioAPI, region: Element, isDropped: (element: Element) => boolean, base: string | undefined): ArticleImage[] {
  const images: ArticleImage[] = [];
  const seen = new Set<string>();
  $(region)
    .find('img')
    .each((_, element) => {
      for (let node = element.parent; node && node !== region; node = node.parent) {
        if (node.type !== 'tag') continue;
        const ancestor = node as Element;
        if (isDropped(ancestor)) return;
        if (ancestor.name === 'a' && !/\.(?:jpe?g|png|gif|webp|avif)(?:[?#]|$)/i.test(ancestor.attribs['href'] ?? '')) return;
      }
      const source = imageSource(element);
      const url = source ? absoluteUrl(source, base) : null;
      if (!url || seen.has(url)) return;
      seen.add(url);
      const figure = $(element).closest('figure');
      const { caption, credit } = figure.length > 0 ? figureCaption($, figure) : { caption: null, credit: null };
      const alt = cleanText(element.attribs['alt'] ?? '');
      images.push({ url, caption, credit, alt: alt || null });
    });
  return images;
}

/** Pairs each element of a fresh clone with its original, so what is found on the clone can be read on the page. */
function pairClone(original: Element, clone: Element, into: Map<Element, Element>): void {
  into.set(clone, original);
  const originals = original.children.filter((child) => child.type === 'tag');
  const clones = clone.children.filter((child) => child.type === 'tag');
  for (let index = 0; index < clones.length; index += 1) {
    pairClone(originals[index] as Element, clones[index] as Element, into);
  }
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

function measureText(root: Element): TextStats {
  const stats: TextStats = { length: new Map(), linked: new Map() };
  const walk = (element: Element, inLink: boolean): [number, number] => {
    let length = 0;
    let linked = 0;
    const isLink = inLink || element.name === 'a';
    for (const child of element.children) {
      if (child.type === 'text') {
        const size = child.data.replace(/\s+/g, ' ').length;
        length += size;
        if (isLink) linked += size;
      } else if (child.type === 'tag') {
        const [childLength, childLinked] = walk(child as Element, isLink);
        length += childLength;
        linked += childLinked;
      }
    }
    stats.length.set(element, length);
    stats.linked.set(element, linked);
    return [length, linked];
  };
  walk(root, false);
  return stats;
}

function linkShare(stats: TextStats, element: Element): number {
  return Math.min((stats.linked.get(element) ?? 0) / Math.max(stats.length.get(element) ?? 0, 1), 1);
}

/** The paragraph-like blocks of a scope (p, pre, text-only divs) with their clean text, measured once. */
function paragraphBlocks($: CheerioAPI, scope: Cheerio<Element>): { element: Element; text: string }[] {
  const blocks: { element: Element; text: string }[] = [];
  scope.find('p, pre, td, blockquote, div, section').each((_, element) => {
    if (element.name !== 'p' && element.name !== 'pre' && !isTextBlock(element)) return;
    const text = textOf($(element));
    if (text !== '') blocks.push({ element, text });
  });
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
function findContentBlocks($: CheerioAPI, scope: Cheerio<Element>): Element[] {
  const root = scope.get(0);
  if (!root) return [];
  const stats = measureText(root);
  const blocks = paragraphBlocks($, scope);
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
    scope.find(anchor.name).each((_, element) => {
      if (element.attribs['class']?.trim() === className && $(element).find('p').length > 0) chosen.add(element);
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
  return scope
    .find('*')
    .toArray()
    .filter((element) => outermost.has(element));
}

interface TextBlock {
  text: string;
  heading: boolean;
}

function linkShareOf($: CheerioAPI, nodes: AnyNode[], textLength: number): number {
  let linked = 0;
  for (const node of nodes) {
    if (node.type !== 'tag') continue;
    const element = node as Element;
    linked += element.name === 'a' ? cleanText($(element).text()).length : linkTextLength($, $(element));
  }
  return linked / Math.max(textLength, 1);
}

/**
 * Paragraphs and subheads of a container, in document order, each block once. Text that sits directly in
 * a container, between block elements or separated by blank lines (<br><br>), counts as paragraphs too.
 */
function collectBlocks($: CheerioAPI, container: Element): TextBlock[] {
  const blocks: TextBlock[] = [];
  const flushInline = (nodes: AnyNode[]): void => {
    if (nodes.length === 0) return;
    const text = cleanText(nodes.map((node) => $(node).text()).join(''));
    // Stray labels ("Advertisement", "|") between blocks are not paragraphs; real running text is longer.
    if (textWeight(text) < 25 || linkShareOf($, nodes, text.length) > 0.5) return;
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
        if (cleanText($(tag).text()) === '') {
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
    const heading = HEADING_TAGS.has(name);
    const paragraph = name === 'p' || name === 'pre' || name === 'li' || (name === 'blockquote' && $(element).find('p').length === 0);
    if (!paragraph && !heading) {
      visitChildren(element);
      return;
    }
    const node = $(element);
    const text = textOf(node);
    if (text === '') return;
    // Lists of links and link-only lines are navigation or "read more", not prose.
    if (linkTextLength($, node) / text.length > 0.5) return;
    if (heading && text.length > 300) return;
    blocks.push({ text, heading });
  };
  visit(container);
  return blocks;
}

/** Subheads that head nothing (the last block, or followed by another subhead) title boxes that were dropped. */
function withoutDanglingHeadings(blocks: TextBlock[]): string[] {
  return blocks.filter((block, index) => !block.heading || (blocks[index + 1] !== undefined && !blocks[index + 1]!.heading)).map((block) => block.text);
}

/**
 * The article's body paragraphs (with subheads) and its images, found by scoring containers by the prose
 * they hold. Captions, credits, share bars, related boxes, ads, comments and footers are left out.
 * Works on a copy: the caller's document is not changed.
 */
export function extractBodyParagraphs($: CheerioAPI, root?: Cheerio<Element>, options: BodyOptions = {}): BodyContent {
  const base = options.baseUrl ?? $('link[rel="canonical" i]').attr('href') ?? $('meta[property="og:url"]').attr('content') ?? undefined;
  const page = (root ?? $('body')).first();
  const pageRoot = page.get(0);
  if (!pageRoot) return { paragraphs: [], images: [] };
  const scope = page.clone();
  const originals = new Map<Element, Element>();
  pairClone(pageRoot, scope.get(0)!, originals);
  scope.find(DROPPED_TAGS).remove();
  const holders = proseHolders($, scope);
  scope.find('*').each((_, element) => {
    const verdict = boilerplateVerdict(element);
    // A wrapper of the article's prose is kept, whatever its class says ("sidebar-grid__content").
    if (verdict === 'keep' || (verdict === 'drop-unless-prose' && holders.has(element))) return;
    $(element).remove();
  });
  const blocks = findContentBlocks($, scope);
  const region = articleRegion(blocks.map((block) => originals.get(block)!));
  const originalHolders = new Set([...holders].map((holder) => originals.get(holder)));
  // The same judgement as for the text, made on the page itself, where figure captions are still in place.
  const isDropped = (element: Element): boolean => {
    // An article's <header> holds its lead picture.
    if (element.name === 'header') return false;
    const verdict = boilerplateVerdict(element);
    return verdict === 'drop' || (verdict === 'drop-unless-prose' && !originalHolders.has(element));
  };
  const images = region ? collectImages($, region, isDropped, base) : [];
  const textBlocks: TextBlock[] = [];
  for (const block of blocks) {
    $(block).find('figure, figcaption, picture').remove();
    textBlocks.push(...collectBlocks($, block));
  }
  const paragraphs = withoutDanglingHeadings(textBlocks);
  return { paragraphs, images };
}
