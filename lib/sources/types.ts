import type { CheerioAPI } from 'cheerio';
import type { ExtractedFields } from '../extract/types.ts';

/**
 * Where a field's text is read from: a CSS selector (the element's visible text) or an attribute of the
 * matched element (`meta[...]` content, `time[datetime]`). `pick` chooses among several matches
 * (breadcrumbs: the last item is the most specific section); `split` breaks one value into a list (tags).
 */
export type TextSource = string | { selector: string; attr?: string; pick?: 'first' | 'last'; split?: string };

/** A publish/update date source: the page's JSON-LD article node, or markup read like any other field. */
export type DateSource = 'jsonld' | TextSource;

export interface LayoutSelectors {
  /** Tried in order; the first that yields text wins. */
  title: TextSource[];
  category?: TextSource[];
  lead?: TextSource[];
  /** The dateline printed as an element of its own at the start of the lead (VnExpress's `span.location-stamp`). */
  dateline?: TextSource[];
  /** In order of trust; the first that parses to a date wins. */
  date?: DateSource[];
  updated?: DateSource[];
  /** The first source that yields any names wins; every match is one byline. */
  authors?: TextSource[];
  /**
   * The body container; its text blocks in document order become the paragraphs. Left out, the generic
   * path scores the page for the body (a template whose pictures and captions are bare images and italic
   * runs, with nothing a selector can name as a figure or a caption).
   */
  body?: string;
  /**
   * Elements inside the body that are not article text: ads, related boxes, share bars, embedded widgets
   * (script, style and noscript are always left out).
   */
  bodyDrop?: string[];
  /** Figure elements inside the body (default "figure"); each gives at most one image. */
  figure?: string;
  /** Caption element inside a figure (default "figcaption"). */
  caption?: string;
  /**
   * A body paragraph that is the byline when it is the last one (e.g. a right-aligned "NGỌC PHÚ"):
   * it leaves the body and becomes the author when no other source named one.
   */
  bylineParagraph?: string;
  tags?: TextSource[];
}

/** What a layout's hook is given: the loaded page, its URL, and what the selectors found so far. */
export interface LayoutPage {
  $: CheerioAPI;
  /** undefined for a saved page whose URL is unknown (an adapter named by the caller) */
  url: string | undefined;
  found: Partial<ExtractedFields>;
}

/** One template of a publisher; an adapter keeps its older layouts when a site redesigns (Fundus-style). */
export interface SourceLayout {
  id: string;
  /** ISO date from which the publisher served this layout (documentation; detection decides). */
  since?: string;
  /** A selector that matches only on article pages of this layout. */
  detect: string;
  selectors: LayoutSelectors;
  /** The lead's dateline prefix when the site's own form is not one the generic rule knows; group 1 is the dateline. */
  datelinePrefix?: RegExp;
  /** Alt texts the CMS generates rather than writes ("giá hoa - Ảnh 1."): reported as null. */
  junkAlt?: RegExp;
  /**
   * Fields the generic fallback must not fill on this layout because the page's generic sources lie
   * (the baodanang CMS: US-style article:published_time without a zone).
   */
  noGenericFallback?: (keyof ExtractedFields)[];
  /**
   * The escape hatch for what selectors cannot say about this one layout (a byline that runs the source
   * outlet on after a comma): returns the fields it corrects, which replace what the selectors found.
   * Keeps one site's quirk out of the shared options.
   */
  hook?: (page: LayoutPage) => Partial<ExtractedFields>;
}

/** One publisher family: a CMS several sites share, with its layouts newest first. */
export interface SourceAdapter {
  id: string;
  name: string;
  domains: string[];
  language: string;
  layouts: SourceLayout[];
}

/** One publisher (one source id per domain), served by a family adapter. */
export interface SourceSite {
  id: string;
  name: string;
  domain: string;
  /** Subdomains served under the same source (en.baodanang.vn is Báo Đà Nẵng's English edition). */
  aliases?: string[];
}
