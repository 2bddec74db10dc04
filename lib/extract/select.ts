/**
 * Page-wide selector queries compiled once per selector instead of once per call: `$(selector)` parses and
 * compiles its selector on every call, and the adapters ask the same few dozen selectors of every page.
 */
import type { CheerioAPI } from 'cheerio';
import { compile, is, selectAll, type Options } from 'css-select';
import type { AnyNode, Element } from 'domhandler';
import { elementsBelow, pageElements } from './dom.ts';

type CompiledSelector = ReturnType<typeof compile<AnyNode, Element>>;

/** The options cheerio passes css-select for pages read by `loadPage` (HTML, not XML). */
const SELECT_OPTIONS: Options<AnyNode, Element> = { xmlMode: false };
const COMPILED = new Map<string, CompiledSelector>();

function compiled(selector: string): CompiledSelector {
  let query = COMPILED.get(selector);
  if (!query) {
    query = compile<AnyNode, Element>(selector, SELECT_OPTIONS);
    COMPILED.set(selector, query);
  }
  return query;
}

/**
 * The page's elements matching `selector`, in document order, as `$(selector)` finds them. For plain CSS
 * only: jQuery's positional extensions (`:first`, `:eq()`) are not CSS and do not compile here.
 */
export function selectOnPage($: CheerioAPI, selector: string): Element[] {
  // The page's element list filtered: what css-select's selectAll finds walking the tree, without the walk.
  const query = compiled(selector);
  return pageElements($).filter((element) => query(element));
}

/** The page's first element matching `selector`, as `$(selector).first()` finds it: the scan stops there. */
export function firstOnPage($: CheerioAPI, selector: string): Element | undefined {
  const query = compiled(selector);
  return pageElements($).find((element) => query(element));
}

/**
 * selectOnPage's matches that lie below `root` (an element of the page), in document order: a selector's
 * combinators may still match `root`'s ancestors, as they do page-wide. Only `root`'s part of the page is tested.
 */
export function selectOnPageBelow($: CheerioAPI, root: Element, selector: string): Element[] {
  const query = compiled(selector);
  return elementsBelow($, root).filter((element) => query(element));
}

/**
 * The elements below `root` matching `selector`, in document order, as `$(root).find(selector)` finds them
 * for a selector without combinators ("img", "figcaption, p.Image"). With combinators they differ: here an
 * ancestor of `root` may match the left part ("article time"), in `.find()` it must be below `root`.
 */
export function selectBelow(root: Element, selector: string): Element[] {
  return selectAll(compiled(selector), root, SELECT_OPTIONS);
}

/** Whether `element` matches `selector`, as `$(element).is(selector)` answers for plain CSS. */
export function matchesSelector(element: Element, selector: string): boolean {
  return is(element, compiled(selector), SELECT_OPTIONS);
}
