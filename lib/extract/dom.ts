/**
 * Plain walks over domhandler nodes for the extractor's hot loops: the same answers as cheerio's
 * `.text()`, `.find(tag)` and `.remove()`, without compiling a selector or building a wrapper per call.
 */
import type { CheerioAPI } from 'cheerio';
import { load } from 'cheerio/slim';
import { DomHandler, isTag, type AnyNode, type Element, type ParentNode } from 'domhandler';
import { Parser } from 'htmlparser2';
import { cleanText, isWhitespace } from '../normalize/text.ts';
import { SKIMMING_TOKENIZER } from './tokenizer.ts';

/**
 * Tags that make an element a container of paragraphs rather than a run of inline text: a div holding none
 * of them is a paragraph in all but name, and text between them is a paragraph of its own. One list for the
 * generic body scoring and the adapter runner, so both cut a page into the same paragraphs.
 */
export const BLOCK_TAGS: ReadonlySet<string> = new Set([
  'p', 'div', 'section', 'article', 'main', 'ul', 'ol', 'li', 'table', 'blockquote', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'pre', 'dl', 'hr',
]);

/** The text of a node and everything below it, as cheerio's `.text()` gives it (comments left out). */
export function nodeText(node: AnyNode): string {
  if (node.type === 'text') return node.data;
  if (!('children' in node)) return '';
  let text = '';
  for (const child of node.children) {
    if (child.type === 'text') text += child.data;
    else if ('children' in child) text += nodeText(child);
  }
  return text;
}

/**
 * Elements whose edges a browser renders as a break in the text (the HTML spec's default block and
 * table layout): the paragraph containers above, and the blocks and cells that hold no paragraphs.
 * Inline elements (`span`, `a`, `b`) join their text to their neighbours' with no space.
 */
const BREAKS_TEXT: ReadonlySet<string> = new Set([
  ...BLOCK_TAGS, 'address', 'aside', 'center', 'dd', 'details', 'dialog', 'dt', 'fieldset', 'figcaption', 'footer', 'form', 'hgroup',
  'nav', 'summary', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'caption',
]);

/**
 * The text runs of a node as a browser lays them out: each text node's data, a ' ' run where a block
 * element or a `<br>` starts or ends. Two adjacent runs with no ' ' between them meet at an inline
 * element's edge (`<span>Trưng:</span><span>Mong</span>`), which renders with no space. Elements in
 * `leftOut` and everything inside them are skipped.
 */
export function renderedRuns(node: AnyNode, leftOut?: ReadonlySet<AnyNode>): string[] {
  const runs: string[] = [];
  const walk = (current: AnyNode): void => {
    if (current.type === 'text') {
      runs.push(current.data);
      return;
    }
    if (current.type !== 'tag' || leftOut?.has(current)) return;
    if (current.name === 'br') {
      runs.push(' ');
      return;
    }
    const block = BREAKS_TEXT.has(current.name);
    if (block) runs.push(' ');
    for (const child of current.children) walk(child);
    if (block) runs.push(' ');
  };
  walk(node);
  return runs;
}

/** The visible text of a node as a browser renders it (block edges and `<br>` as spaces, inline edges joined), cleaned. */
export function renderedText(node: AnyNode, leftOut?: ReadonlySet<AnyNode>): string {
  return cleanText(rawRenderedText(node, leftOut));
}

/** renderedRuns joined, built as one string, not yet cleaned: the body scoring asks for the text of many elements. */
export function rawRenderedText(node: AnyNode, leftOut?: ReadonlySet<AnyNode>): string {
  if (node.type === 'text') return node.data;
  if (node.type !== 'tag' && node.type !== 'root') return '';
  if (leftOut?.has(node)) return '';
  const element = node as ParentNode & { name?: string };
  if (element.name === 'br') return ' ';
  let text = '';
  for (const child of element.children) {
    if (child.type === 'text') text += child.data;
    else if (child.type === 'tag') text += rawRenderedText(child, leftOut);
  }
  return element.name !== undefined && BREAKS_TEXT.has(element.name) ? ` ${text} ` : text;
}

/** How many characters of `text` are not whitespace: its length once squeezed (`text.replace(/\s+/gu, '')`). */
function printedLength(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index += 1) if (!isWhitespace(text.charCodeAt(index))) count += 1;
  return count;
}

/**
 * The rendered runs of an element joined, with a space added at an inline edge where `reference` (the
 * same text as the page's metadata states it: og:title, the JSON-LD headline) has one. The page's CSS
 * can lay an inline element out as a block (a heading's two spans on two lines), which renders as a
 * break; the markup alone cannot tell, the metadata written from the same field can. Only spacing at an
 * edge changes: when the texts differ in anything else, the rendered text is returned as it is.
 */
export function renderedTextSpacedLike(runs: readonly string[], reference: string | null | undefined): string {
  const rendered = cleanText(runs.join(''));
  if (!reference) return rendered;
  const target = cleanText(reference);
  const squeeze = (text: string): string => text.replace(/\s+/gu, '');
  if (squeeze(target) !== squeeze(rendered)) return rendered;
  // Position in `target` of each non-space character, to know whether a space follows the one before an edge.
  let out = '';
  let printed = 0;
  let consumed = 0;
  let targetAt = 0;
  for (const raw of runs) {
    const run = raw.normalize('NFC');
    // Only an edge between two printed characters can have lost a space; `target` is read up to it there.
    if (out !== '' && run !== '' && !isWhitespace(out.charCodeAt(out.length - 1)) && !isWhitespace(run.charCodeAt(0))) {
      while (consumed < printed && targetAt < target.length) {
        if (!isWhitespace(target.charCodeAt(targetAt))) consumed += 1;
        targetAt += 1;
      }
      if (isWhitespace(target.charCodeAt(targetAt))) out += ' ';
    }
    out += run;
    printed += printedLength(run);
  }
  return cleanText(out);
}

/**
 * Visits every element below `root` (not `root` itself) in document order. A visitor that returns `false`
 * skips the element's descendants. The visitor may remove the element it is given (nothing else); what
 * was inside a removed element is not visited.
 */
export function walkElements(root: ParentNode, visit: (element: Element) => boolean | void): void {
  const children = root.children;
  let index = 0;
  while (index < children.length) {
    const child = children[index]!;
    if (!isTag(child)) {
      index += 1;
      continue;
    }
    const descend = visit(child) !== false;
    // Removed: the next sibling has moved into its place.
    if (child.parent !== root) continue;
    if (descend) walkElements(child, visit);
    index += 1;
  }
}

/** Elements below `root` that `matches` accepts, in document order, as `$(root).find(selector)` finds them. */
export function findElements(root: ParentNode, matches: (element: Element) => boolean): Element[] {
  const found: Element[] = [];
  const visit = (parent: ParentNode): void => {
    for (const child of parent.children) {
      if (!isTag(child)) continue;
      if (matches(child)) found.push(child);
      visit(child);
    }
  };
  visit(root);
  return found;
}

/** Elements below `root` whose tag name is in `names`, in document order, as `$(root).find('a, b')` finds them. */
export function elementsNamed(root: ParentNode, names: ReadonlySet<string>): Element[] {
  return findElements(root, (element) => names.has(element.name));
}

/** Whether any element below `root` has the tag name `name`. */
export function hasDescendantNamed(root: ParentNode, name: string): boolean {
  for (const child of root.children) {
    if (isTag(child) && (child.name === name || hasDescendantNamed(child, name))) return true;
  }
  return false;
}

/** The closest ancestor of `node` (not `node` itself) with the tag name `name`, as `$(node).parents(name).first()` finds it. */
export function ancestorNamed(node: AnyNode, name: string): Element | null {
  for (let current = node.parent; current; current = current.parent) {
    if (isTag(current) && current.name === name) return current;
  }
  return null;
}

/** Takes a node out of the document, as cheerio's `.remove()` does. */
export function removeNode(node: AnyNode): void {
  const parent = node.parent;
  if (node.prev) node.prev.next = node.next;
  if (node.next) node.next.prev = node.prev;
  if (parent) {
    const index = parent.children.lastIndexOf(node);
    if (index >= 0) parent.children.splice(index, 1);
  }
  node.prev = null;
  node.next = null;
  node.parent = null;
}

/** The tags extraction looks up page-wide: the head fields, JSON-LD scripts, the title heading and the body. */
const INDEXED_TAGS = ['meta', 'link', 'title', 'time', 'h1', 'html', 'script', 'body'] as const;
export type IndexedTag = (typeof INDEXED_TAGS)[number];
const IS_INDEXED: ReadonlySet<string> = new Set(INDEXED_TAGS);

/** The page's elements in document order, and those with an indexed tag name filed by name. */
interface PageIndex {
  all: Element[];
  byTag: Map<string, Element[]>;
}

/**
 * Keyed by the loaded page's `$`, not its document: `$.root()` builds a selection on every call, and
 * extraction asks for the index dozens of times a page.
 */
const INDEX_BY_PAGE = new WeakMap<CheerioAPI, PageIndex>();
const NONE: readonly Element[] = [];

/** Files an element in the index: called in document order. */
function indexElement(index: PageIndex, element: Element): void {
  index.all.push(element);
  if (IS_INDEXED.has(element.name)) {
    const list = index.byTag.get(element.name);
    if (list) list.push(element);
    else index.byTag.set(element.name, [element]);
  }
}

/**
 * Builds the page's DOM as cheerio's `load()` does (htmlparser2 into domhandler), filing each element in the
 * page index as its start tag is read: start tags come in document order, and this parser never moves a node
 * once made, so the index is the one a walk of the finished tree gives, without the walk.
 */
class IndexingHandler extends DomHandler {
  readonly index: PageIndex = { all: [], byTag: new Map() };

  override onopentag(name: string, attribs: Record<string, string>): void {
    super.onopentag(name, attribs);
    indexElement(this.index, this.tagStack[this.tagStack.length - 1] as Element);
  }
}

/** The options `loadPage` parses with: HTML (not XML), entities decoded, as cheerio's htmlparser2 backend takes them. */
const PARSE_OPTIONS = { xmlMode: false, decodeEntities: true };

/**
 * Loads a page with htmlparser2, as cheerio/slim's `load()` does (several times faster than parse5 on full pages,
 * and parse5 and undici stay out of the Lambda bundles), its index made while parsing, its text skimmed (tokenizer.ts).
 */
export function loadPage(html: string): CheerioAPI {
  const handler = new IndexingHandler(null, PARSE_OPTIONS);
  new Parser(handler, { ...PARSE_OPTIONS, Tokenizer: SKIMMING_TOKENIZER }).end(html);
  const $ = load(handler.root, { xml: PARSE_OPTIONS });
  INDEX_BY_PAGE.set($, handler.index);
  return $;
}

/** The page's index: made while parsing for a page `loadPage` loaded; for a page loaded otherwise, by one walk on first use. */
function pageIndex($: CheerioAPI): PageIndex {
  let index = INDEX_BY_PAGE.get($);
  if (!index) {
    const walked: PageIndex = { all: [], byTag: new Map() };
    const visit = (parent: ParentNode): void => {
      for (const child of parent.children) {
        if (!isTag(child)) continue;
        indexElement(walked, child);
        if (child.children.length > 0) visit(child);
      }
    };
    // The document the page was loaded with, as cheerio's own static methods read it (typed on CheerioAPI):
    // `$.root()` would build the page's first selection, tens of microseconds on a freshly loaded page.
    visit($._root);
    index = walked;
    INDEX_BY_PAGE.set($, index);
  }
  return index;
}

/** The page's elements with one of the indexed tag names, in document order, as `$(name)` finds them. */
export function elementsByTag($: CheerioAPI, name: IndexedTag): readonly Element[] {
  return pageIndex($).byTag.get(name) ?? NONE;
}

/**
 * Every element of the page in document order, as `$('*')` finds them: a page-wide scan reads this list
 * instead of walking the tree (a walk costs about as much as the test it runs on each element).
 */
export function pageElements($: CheerioAPI): readonly Element[] {
  return pageIndex($).all;
}

/** The elements below `root` (an element of the page), in document order: `findElements(root, () => true)`, read off the page's list. */
export function elementsBelow($: CheerioAPI, root: Element): readonly Element[] {
  const all = pageIndex($).all;
  const start = all.indexOf(root) + 1;
  if (start === 0) throw new Error(`elementsBelow: <${root.name}> is not an element of the page`);
  // The subtree ends where the next element after it in document order starts: a later sibling of root or of an ancestor.
  for (let node: AnyNode | null = root; node; node = node.parent) {
    for (let next = node.next; next; next = next.next) {
      if (isTag(next)) return all.slice(start, all.indexOf(next, start));
    }
  }
  return all.slice(start);
}

/** The first of the page's `tag` elements whose `attribute` equals `value`, ignoring case: `$('tag[attribute="value" i]').first()`. */
export function firstWithAttribute($: CheerioAPI, tag: IndexedTag, attribute: string, value: string): Element | undefined {
  const wanted = value.toLowerCase();
  return elementsByTag($, tag).find((element) => {
    const actual = element.attribs[attribute];
    return actual !== undefined && actual.length === wanted.length && actual.toLowerCase() === wanted;
  });
}

/**
 * The page's <body>; on a page that leaves out its optional <body> tag (minified pages do: "<html lang=es><head>…</head><div…"),
 * for which this parser makes none, the <html> element: the text is all in it (left inside the <head> when that is not closed either).
 */
export function pageBody($: CheerioAPI): Element | undefined {
  return elementsByTag($, 'body')[0] ?? elementsByTag($, 'html')[0];
}
