import type { CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import type { ArticleImage, Author } from '../schema/article.ts';
import type { DateSource, SourceAdapter, SourceLayout, TextSource } from '../sources/types.ts';
import type { ExtractedFields } from './types.ts';
import { cleanText, comparableForm } from '../normalize/text.ts';
import { absoluteHttpUrl } from '../normalize/url.ts';
import { toPublishedAt, VIETNAM_ZONE } from '../normalize/dates.ts';
import { dedupeAuthors, notAPerson, parseByline } from '../normalize/byline.ts';
import { isPlaceholderImage, splitCaption } from '../normalize/caption.ts';
import { readJsonLdArticle, type JsonLdArticle } from './jsonld.ts';
import { readPageMeta } from './meta.ts';
import { sectionInNaturalCase } from './section.ts';
import { bylineText, closingCreditOf, dropSectionInvitations, MAX_CLOSING_CREDITS } from './closing-credit.ts';
import { withPhotoStoryParagraphs } from './photo-story.ts';
import type { ExtractionTrace, TracedField } from './explain.ts';
import { BLOCK_TAGS, elementsByTag, renderedRuns, renderedText, renderedTextSpacedLike } from './dom.ts';
import { firstOnPage, matchesSelector, selectBelow, selectOnPage, selectOnPageBelow } from './select.ts';

/** What an adapter layout found: only the fields it found are present (absent = ask the generic path). */
export type AdapterFields = Partial<ExtractedFields>;

/** The first layout of the adapter whose detect selector matches the page, newest layout first. */
export function pickLayout($: CheerioAPI, adapter: SourceAdapter): SourceLayout | null {
  return adapter.layouts.find((layout) => firstOnPage($, layout.detect) !== undefined) ?? null;
}

/** Paragraphs that only point elsewhere: ">> 'Siêu cường' châu Á…", "Xem thêm: …", "Tin liên quan". */
const RELATED_LINK = /^(>>|»|xem thêm\b|tin liên quan\b|đọc thêm\b|bài liên quan\b|tin cùng chuyên mục\b)/iu;
const HAS_WORD = /[\p{L}\p{N}]/u;
/** A byline paragraph is a name or two, never a sentence. */
const MAX_BYLINE_LENGTH = 80;

function hasBlockDescendant(element: Element): boolean {
  return element.children.some((child) => child.type === 'tag' && (BLOCK_TAGS.has(child.name) || hasBlockDescendant(child)));
}

function readValues($: CheerioAPI, source: TextSource): string[] {
  const spec = typeof source === 'string' ? { selector: source } : source;
  let matches: Element[];
  if (spec.pick === 'first') {
    const first = firstOnPage($, spec.selector);
    matches = first ? [first] : [];
  } else {
    matches = selectOnPage($, spec.selector);
    if (spec.pick === 'last') matches = matches.slice(-1);
  }
  const values = matches.map((element) => (spec.attr ? cleanText(element.attribs[spec.attr] ?? '') : renderedText(element)));
  const split = spec.split;
  return (split ? values.flatMap((value) => value.split(split)) : values).map((value) => value.trim()).filter((value) => value !== '');
}

/** Records for --explain which source of a field gave its value, and which gave nothing usable. */
interface FieldNote {
  found(source: DateSource, value: unknown): void;
  missed(source: DateSource, value: unknown, why: string): void;
}

const SILENT: FieldNote = { found: () => undefined, missed: () => undefined };

/** A source as the layout file writes it: "h1.detail-title", "time.kbwcm-time@datetime", "jsonld". */
function describeSource(source: DateSource): string {
  if (typeof source === 'string') return source;
  return `${source.selector}${source.attr ? `@${source.attr}` : ''}${source.pick ? ` (${source.pick})` : ''}${source.split ? ` split "${source.split}"` : ''}`;
}

/** The first source that yields text; several matches of one source give the first (or `pick`ed) one. */
function readFirst($: CheerioAPI, sources: TextSource[] | undefined, note = SILENT): string | null {
  for (const source of sources ?? []) {
    const [value] = readValues($, source);
    if (value) {
      note.found(source, value);
      return value;
    }
    note.missed(source, null, 'matched no text');
  }
  return null;
}

/**
 * The headline as the page renders it, spaced like the page's metadata title where the two differ only
 * by a space at an inline element's edge (see renderedTextSpacedLike).
 */
function readTitle($: CheerioAPI, sources: TextSource[], metadataTitle: string | null, note = SILENT): string | null {
  for (const source of sources) {
    let title: string | undefined;
    if (typeof source !== 'string' && source.attr) {
      title = readValues($, source)[0];
    } else {
      const element = firstOnPage($, typeof source === 'string' ? source : source.selector);
      title = element ? renderedTextSpacedLike(renderedRuns(element), metadataTitle) : '';
    }
    if (title) {
      note.found(source, title);
      return title;
    }
    note.missed(source, null, 'matched no text');
  }
  return null;
}

function readList($: CheerioAPI, sources: TextSource[] | undefined, note = SILENT): string[] {
  for (const source of sources ?? []) {
    const values = [...new Set(readValues($, source))];
    if (values.length > 0) {
      note.found(source, values);
      return values;
    }
    note.missed(source, null, 'matched no text');
  }
  return [];
}

function readDate($: CheerioAPI, sources: DateSource[] | undefined, jsonLd: () => JsonLdArticle | null, key: 'datePublished' | 'dateModified', note = SILENT): string | null {
  for (const source of sources ?? []) {
    const raw = source === 'jsonld' ? jsonLd()?.[key] ?? null : readFirst($, [source]);
    const value = raw ? toPublishedAt(raw, { zone: VIETNAM_ZONE }) : null;
    if (value) {
      note.found(source === 'jsonld' ? `jsonld ${key}` : source, value);
      return value;
    }
    note.missed(source === 'jsonld' ? `jsonld ${key}` : source, raw, raw ? 'not a date with a time' : 'matched nothing');
  }
  return null;
}

function readAuthors($: CheerioAPI, sources: TextSource[] | undefined, note = SILENT): Author[] {
  for (const source of sources ?? []) {
    const printed = readValues($, source);
    // A byline element may credit the staff and the site ("PV/VOV.VN"): neither names a person.
    const authors = dedupeAuthors(printed.flatMap((raw) => parseByline(raw).filter((author) => notAPerson(author.raw) === null)));
    if (authors.length > 0) {
      note.found(source, authors.map((author) => author.name));
      return authors;
    }
    note.missed(source, printed.length > 0 ? printed : null, printed.length > 0 ? 'names no person' : 'matched no text');
  }
  return [];
}

interface Block {
  text: string;
  element: Element;
}

interface BodyWalk {
  blocks: Block[];
  figures: Element[];
}

/**
 * The body's text blocks and figures in document order, without the dropped elements. Reads the DOM
 * without changing it, so the generic path can still run on the same document afterwards.
 */
function walkBody($: CheerioAPI, root: Element, drop: string, figure: string): BodyWalk {
  const walk: BodyWalk = { blocks: [], figures: [] };
  // Each selector matched once over the body instead of compiled again for every child of the body:
  // for plain CSS (no positional pseudo-classes) the matches are exactly what `.is()` accepts.
  const dropped = new Set(drop ? selectOnPageBelow($, root, drop) : []);
  const figures = new Set(selectOnPageBelow($, root, figure));
  const emit = (text: string, element: Element): void => {
    if (HAS_WORD.test(text)) walk.blocks.push({ text, element });
  };
  const visit = (container: Element): void => {
    // Inline content directly inside a container (text, <a>, <strong>) forms a paragraph of its own.
    let inlineRun: AnyNode[] = [];
    const flush = (): void => {
      if (inlineRun.length > 0) emit(cleanText(inlineRun.flatMap((node) => renderedRuns(node)).join('')), container);
      inlineRun = [];
    };
    for (const child of container.children) {
      if (child.type === 'text') {
        inlineRun.push(child);
        continue;
      }
      if (child.type !== 'tag') continue;
      if (dropped.has(child)) continue;
      if (figures.has(child)) {
        flush();
        walk.figures.push(child);
        continue;
      }
      if (!BLOCK_TAGS.has(child.name) && !hasBlockDescendant(child)) {
        inlineRun.push(child);
        continue;
      }
      flush();
      if (hasBlockDescendant(child)) visit(child);
      else emit(renderedText(child), child);
    }
    flush();
  };
  visit(root);
  return walk;
}

/** The real image URL: lazy-load attributes first, never a placeholder, always absolute http(s). */
function imageUrl(img: Element, base: string | undefined): string | null {
  const attributes = img.attribs;
  const firstOfSrcset = (value: string | undefined): string | undefined => value?.trim().split(/\s+/)[0];
  const candidates = [
    attributes['data-src'],
    attributes['data-original'],
    attributes['src'],
    firstOfSrcset(attributes['data-srcset']),
    firstOfSrcset(attributes['srcset']),
  ];
  for (const candidate of candidates) {
    const raw = candidate?.trim();
    if (!raw || isPlaceholderImage(raw)) continue;
    const url = absoluteHttpUrl(raw, base);
    if (url) return url;
  }
  return null;
}

function readImage(figure: Element, layout: SourceLayout, base: string | undefined): ArticleImage | null {
  const img = selectBelow(figure, 'img')[0];
  if (!img) return null;
  const url = imageUrl(img, base);
  if (!url) return null;
  // The first caption element that prints text: a template may give the picture's own cell the caption's class too.
  const printed = selectBelow(figure, layout.selectors.caption ?? 'figcaption').map((element) => renderedText(element)).find((text) => text !== '') ?? '';
  const { caption, credit } = printed ? splitCaption(printed) : { caption: null, credit: null };
  const alt = cleanText(img.attribs['alt'] ?? '');
  const junk = alt === '' || (layout.junkAlt?.test(alt) ?? false);
  return { url, caption: caption || null, credit: credit || null, alt: junk ? null : alt };
}

function sameName(text: string, authors: Author[]): boolean {
  const key = text.toLocaleLowerCase('vi');
  return authors.some((author) => author.raw.toLocaleLowerCase('vi') === key || author.name.toLocaleLowerCase('vi') === key);
}

interface Body {
  paragraphs: string[];
  images: ArticleImage[];
  byline: Author[];
}

/** Inside any body: elements whose content is never article text (code, styles, the no-script copy of an embed). */
const NEVER_BODY_TEXT = ['script', 'style', 'noscript'];

/** What a layout's body walk leaves out: its own bodyDrop, and what no body holds as text. */
function bodyDropOf(selectors: SourceLayout['selectors']): string[] {
  return [...(selectors.bodyDrop ?? []), ...NEVER_BODY_TEXT];
}

function readBody($: CheerioAPI, layout: SourceLayout, base: string | undefined, authors: Author[], title: string | null, lead: string | null): Body | null {
  const { selectors } = layout;
  if (selectors.body === undefined) return null;
  const root = firstOnPage($, selectors.body);
  if (!root) return null;
  const walk = walkBody($, root, bodyDropOf(selectors).join(', '), selectors.figure ?? 'figure');
  // The headline and the lead inside the body container (VnExpress prints both inside article.fck_detail),
  // or a paragraph repeating them word for word (a video page's copy of the sapo), are not body text.
  const notBody = new Set([title, lead].filter((text): text is string => !!text).map(comparableForm));
  const blocks = walk.blocks.filter((block) => !RELATED_LINK.test(block.text) && !notBody.has(comparableForm(block.text)));

  dropSectionInvitations(blocks);
  let byline: Author[] = [];
  for (let count = 0; count < MAX_CLOSING_CREDITS; count += 1) {
    const last = blocks.at(-1);
    if (!last || last.text.length > MAX_BYLINE_LENGTH) break;
    const marked = selectors.bylineParagraph !== undefined && matchesSelector(last.element, selectors.bylineParagraph);
    const credit = marked || sameName(last.text, authors) ? 'byline' : closingCreditOf(last.element, last.text);
    if (!credit) break;
    blocks.pop();
    // A closing credit that names an agency ("TTXVN") or an outlet is a source, not a writer.
    if (credit === 'byline' && byline.length === 0) byline = parseByline(bylineText(last.text)).filter((author) => notAPerson(author.raw) === null);
  }
  const images = walk.figures.map((figure) => readImage(figure, layout, base)).filter((image): image is ArticleImage => image !== null);
  return { paragraphs: withPhotoStoryParagraphs(blocks.map((block) => block.text), images), images, byline };
}

/**
 * The layout's own dateline: an element printed at the start of the lead, or the layout's prefix form; the
 * generic dateline rule is applied to every lead when the article is assembled.
 */
function splitLead(lead: string | null, printedDateline: string | null, layout: SourceLayout): { lead: string | null; dateline: string | null } {
  if (!lead) return { lead: null, dateline: null };
  if (printedDateline && lead.startsWith(printedDateline)) {
    return { lead: lead.slice(printedDateline.length).replace(/^[\s–—-]+/u, '') || null, dateline: printedDateline };
  }
  const own = layout.datelinePrefix?.exec(lead);
  if (own?.[1]) return { lead: lead.slice(own[0].length).trim() || null, dateline: own[1] };
  return { lead, dateline: null };
}

/**
 * Runs one layout of a source adapter over a loaded page. Returns only what the layout found, so the
 * caller can ask the generic path for the rest (except the fields the layout forbids it). Without the page's
 * URL, relative picture addresses are not resolved (those pictures are left out).
 */
export function runLayout($: CheerioAPI, adapter: SourceAdapter, layout: SourceLayout, pageUrl: string | undefined, trace?: ExtractionTrace): AdapterFields {
  const { selectors } = layout;
  let jsonLdCache: JsonLdArticle | null | undefined;
  const jsonLd = (): JsonLdArticle | null => {
    if (jsonLdCache === undefined) jsonLdCache = readJsonLdArticle($);
    return jsonLdCache;
  };
  const prefix = `adapter ${adapter.id}/${layout.id}`;
  const note = (field: TracedField): FieldNote =>
    trace
      ? {
          found: (source, value) => trace.chose(field, `${prefix} ${describeSource(source)}`, value),
          missed: (source, value, why) => trace.reject(field, `${prefix} ${describeSource(source)}`, value, why),
        }
      : SILENT;
  const found: AdapterFields = {};
  const title = readTitle($, selectors.title, jsonLd()?.headline ?? readPageMeta($).ogTitle, note('title'));
  if (title) found.title = title;
  const category = readFirst($, selectors.category, note('category'));
  // "THỂ THAO": a Vietnamese section printed only in capitals is given in natural case, as on the generic path.
  if (category) found.category = adapter.language === 'vi' ? sectionInNaturalCase($, category) : category;
  const tags = readList($, selectors.tags, note('tags'));
  if (tags.length > 0) found.tags = tags;

  const { lead, dateline } = splitLead(readFirst($, selectors.lead, note('lead')), readFirst($, selectors.dateline, note('dateline')), layout);
  if (lead) found.lead = lead;
  if (dateline) found.dateline = dateline;

  const publishedAt = readDate($, selectors.date, jsonLd, 'datePublished', note('publishedAt'));
  if (publishedAt) found.publishedAt = publishedAt;
  const updatedAt = readDate($, selectors.updated, jsonLd, 'dateModified', note('updatedAt'));
  if (updatedAt) found.updatedAt = updatedAt;

  const authors = readAuthors($, selectors.authors, note('authors'));
  const body = readBody($, layout, pageUrl, authors, title, lead);
  const allAuthors = authors.length > 0 ? authors : (body?.byline ?? []);
  if (allAuthors.length > 0) found.authors = allAuthors;
  if (authors.length === 0 && allAuthors.length > 0) trace?.chose('authors', `${prefix} byline closing the body (${selectors.bylineParagraph ?? 'a name already known'})`, allAuthors.map((author) => author.name));
  if (body && body.paragraphs.length > 0) {
    found.paragraphs = body.paragraphs;
    trace?.chose('paragraphs', `${prefix} ${selectors.body} text blocks, without ${bodyDropOf(selectors).join(', ')}`, `${body.paragraphs.length} paragraphs`);
  }
  if (body && body.images.length > 0) {
    found.images = body.images;
    trace?.chose('images', `${prefix} ${selectors.body} ${selectors.figure ?? 'figure'} / ${selectors.caption ?? 'figcaption'}`, `${body.images.length} images`);
  }

  const htmlLang = elementsByTag($, 'html')[0]?.attribs['lang']?.trim().toLowerCase().split(/[-_]/)[0];
  found.language = htmlLang || adapter.language;
  trace?.chose('language', htmlLang ? 'html@lang' : `${prefix} default language`, found.language);
  if (!layout.hook) return found;
  const corrected = layout.hook({ $, url: pageUrl, found });
  for (const [field, value] of Object.entries(corrected)) trace?.replace(field as TracedField, `${prefix} hook`, value, 'corrected by the layout hook');
  return { ...found, ...corrected };
}
