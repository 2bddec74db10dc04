import type { CheerioAPI } from 'cheerio';
import type { Element } from 'domhandler';
import type { ArticleImage, Author } from '../schema/article.ts';
import type { ExtractedFields } from './types.ts';
import { cleanText, comparableForm, comparableFormExceeds } from '../normalize/text.ts';
import { absoluteHttpUrl } from '../normalize/url.ts';
import { toPublishedAt } from '../normalize/dates.ts';
import { dedupeAuthors, naturalCase, notAPerson, parseByline, withoutTitleBeforeName } from '../normalize/byline.ts';
import type { ExtractionTrace } from './explain.ts';
import { splitCaption } from '../normalize/caption.ts';
import { splitDateline } from '../normalize/dateline.ts';
import { readJsonLdArticle, type JsonLdArticle } from './jsonld.ts';
import { readPageMeta, type PageMeta } from './meta.ts';
import { extractBodyParagraphs } from './content.ts';
import { hiddenByMarkup } from './chrome.ts';
import { BLOCK_TAGS, elementsBelow, elementsByTag, findElements, pageBody, pageElements, renderedRuns, renderedText, renderedTextSpacedLike } from './dom.ts';
import { allBold, isNameLine } from './closing-credit.ts';
import { pickSection } from './section.ts';
import { hostOf } from '../sources/registry.ts';

/** Where a time printed without a zone can still be placed: sites whose zone is known from their domain. */
const ZONE_BY_DOMAIN_SUFFIX: [RegExp, string][] = [[/(^|\.)[^.]+\.vn$/i, 'Asia/Ho_Chi_Minh']];

/** A machine date that names its zone: "Z", "+02:00", "+0200", "GMT+7", "UTC". */
const EXPLICIT_ZONE = /(Z|[+-]\d{2}:?\d{2}|\b(GMT|UTC)([+-]\d{1,2}(:?\d{2})?)?)\s*\)?$/i;

function zoneFor(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return undefined;
  }
  return ZONE_BY_DOMAIN_SUFFIX.find(([pattern]) => pattern.test(host))?.[1];
}

/** A date string resolved to an instant (as publishedAt), or null: no offset and no known zone means no date, never a guess. */
function resolveDate(raw: string | null | undefined, zone: string | undefined): string | null {
  if (!raw) return null;
  const text = raw.trim();
  if (!EXPLICIT_ZONE.test(text) && !zone) return null;
  return toPublishedAt(text, { zone, allowUsStyle: false });
}

/** The first candidate that resolves to an instant; each one tried before it is recorded as rejected. */
function firstDate(candidates: [from: string, raw: string | null | undefined][], zone: string | undefined, field: 'publishedAt' | 'updatedAt', trace?: ExtractionTrace): string | null {
  for (const [from, raw] of candidates) {
    if (!raw) continue;
    const value = resolveDate(raw, zone);
    if (value) {
      trace?.chose(field, from, value);
      return value;
    }
    trace?.reject(field, from, raw, zone || EXPLICIT_ZONE.test(raw) ? 'not a date with a time' : 'no offset, and the site\'s zone is unknown');
  }
  return null;
}

/** Words that introduce a printed date: "Đăng lúc", "Cập nhật:", "Ngày đăng:", "Thời gian:", "Published". */
const DATE_LABEL = /^(?:ngày\s+|thời\s+gian\s+)?(?:đăng|cập\s+nhật|xuất\s+bản|phát\s+hành|published|posted|updated)(?:\s+(?:lúc|ngày|vào))?\s*:?\s*|^thời\s+gian\s*:\s*/iu;
/** How far from the headline a printed date is looked for, in elements (document order). */
const ELEMENTS_AFTER_HEADLINE = 40;
const ELEMENTS_BEFORE_HEADLINE = 15;
/** A date line is short: "Thứ bảy, 07/03/2026 - 08:07 (GMT+7)". */
const MAX_DATE_LINE_LENGTH = 80;

/** An h1 a reader sees the text of: not an empty one around the logo, nor one the markup hides. */
function isPrintedHeading(element: Element, text: string): boolean {
  return text !== '' && !hiddenByMarkup(element);
}

/** The page's headline: its first printed h1. */
function headlineElement($: CheerioAPI): Element | undefined {
  return elementsByTag($, 'h1').find((element) => isPrintedHeading(element, renderedText(element)));
}

/** Boxes climbed from a headline printed last in its box (a table cell, a row) to reach the lines printed after it. */
const MAX_HEADLINE_BOX_LEVELS = 3;

function nextElement(node: Element): Element | null {
  for (let next = node.next; next; next = next.next) if (next.type === 'tag') return next as Element;
  return null;
}

/**
 * The first `count` elements printed right after the headline: its next siblings, or when it is the last element
 * of its box (a table layout prints it alone in its cell, the byline in the next row) those of the closest box
 * that has some.
 */
function elementsUnderHeadline($: CheerioAPI, count: number): Element[] {
  let box = headlineElement($);
  for (let level = 0; box && !nextElement(box) && level < MAX_HEADLINE_BOX_LEVELS && box.parent?.type === 'tag'; level += 1) box = box.parent as Element;
  const found: Element[] = [];
  for (let node = box ? nextElement(box) : null; node && found.length < count; node = nextElement(node)) found.push(node);
  return found;
}

/**
 * The publish time printed near the headline, for pages whose metadata gives none: the first short line
 * after the headline (then the closest ones before it) that reads as a date with a time, once a label
 * ("Cập nhật:") is dropped. Read in the site's zone (.vn: Asia/Ho_Chi_Minh) unless it states an offset.
 */
function printedDateNearHeadline($: CheerioAPI, zone: string | undefined): { from: string; value: string } | null {
  const headline = headlineElement($);
  const body = pageBody($);
  if (!headline || !body) return null;
  const elements = elementsBelow($, body);
  const at = elements.indexOf(headline);
  const window = [...elements.slice(at + 1, at + 1 + ELEMENTS_AFTER_HEADLINE), ...elements.slice(Math.max(0, at - ELEMENTS_BEFORE_HEADLINE), at).reverse()];
  for (const element of window) {
    if (element.name === 'script' || element.name === 'style' || element.children.some((child) => child.type === 'tag' && BLOCK_TAGS.has(child.name))) continue;
    const text = renderedText(element);
    if (text.length < 8 || text.length > MAX_DATE_LINE_LENGTH || !/\d/.test(text)) continue;
    const resolved = resolveDate(text.replace(DATE_LABEL, ''), zone);
    if (resolved) return { from: `heuristic: date printed near the headline (<${element.name}${element.attribs['class'] ? ` class="${element.attribs['class']}"` : ''}> "${text}")`, value: resolved };
  }
  return null;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The patterns of the site names seen lately (a page asks for the same few names many times). Bounded. */
const PATTERNS_BY_SITE_NAME = new Map<string, { suffix: RegExp; prefix: RegExp }>();
const MAX_CACHED_SITE_NAMES = 1_000;

function siteNamePatterns(name: string): { suffix: RegExp; prefix: RegExp } {
  let patterns = PATTERNS_BY_SITE_NAME.get(name);
  if (!patterns) {
    patterns = {
      suffix: new RegExp(`\\s*[|–—:·•-]+\\s*${escapeRegExp(name)}\\s*$`, 'i'),
      prefix: new RegExp(`^\\s*${escapeRegExp(name)}\\s*[|–—:·•]+\\s*`, 'i'),
    };
    if (PATTERNS_BY_SITE_NAME.size >= MAX_CACHED_SITE_NAMES) PATTERNS_BY_SITE_NAME.clear();
    PATTERNS_BY_SITE_NAME.set(name, patterns);
  }
  return patterns;
}

/**
 * Drops a trailing " | Site", " - Site", " — Site" from a title: by the known site names first, and otherwise
 * a short last segment after " | " (the separator sites use for branding, never inside headlines).
 */
export function trimSiteSuffix(title: string, siteNames: (string | null)[]): string {
  let trimmed = title;
  for (const name of siteNames) {
    if (!name) continue;
    const { suffix, prefix } = siteNamePatterns(name);
    const next = trimmed.replace(suffix, '').replace(prefix, '');
    if (next.length >= 10) trimmed = next;
  }
  const bar = trimmed.lastIndexOf(' | ');
  if (bar > 10 && trimmed.length - bar < 40) trimmed = trimmed.slice(0, bar);
  return trimmed.trim();
}

/**
 * Whether a text is one of `texts` in comparable form. A text surely longer than all of them (a body paragraph beside a
 * title) is told apart by counting its first letters, without normalizing and lower-casing all of it.
 */
function sameTextAsOneOf(texts: (string | null | undefined)[]): (text: string) => boolean {
  const forms = new Set(texts.filter((text): text is string => !!text).map(comparableForm));
  let longest = 0;
  for (const form of forms) longest = Math.max(longest, form.length);
  return (text) => !comparableFormExceeds(text, longest) && forms.has(comparableForm(text));
}

/**
 * The headline: JSON-LD, OpenGraph, the h1, then <title>. On a Vietnamese page an h1 of one word ("Mobile",
 * a hidden block's label) is no headline: Vietnamese headlines are sentences; and the h1 comes first when the
 * metadata is its text with a suffix.
 */
function pickTitle($: CheerioAPI, jsonLd: JsonLdArticle | null, meta: PageMeta, vietnamese: boolean, trace?: ExtractionTrace): string | null {
  const siteNames = [meta.ogSiteName, jsonLd?.publisherName ?? null];
  let h1: string | undefined;
  let h1IsLink = false;
  for (const element of elementsByTag($, 'h1')) {
    const text = renderedTextSpacedLike(renderedRuns(element), jsonLd?.headline ?? meta.ogTitle);
    if (isPrintedHeading(element, text)) {
      if (vietnamese && !text.includes(' ')) trace?.reject('title', 'h1', text, 'one word: no Vietnamese headline');
      else h1 = text;
      h1IsLink = findElements(element, (inner) => inner.name === 'a' && !/^\s*(?:javascript:|#|$)/i.test(inner.attribs['href'] ?? '')).length > 0;
      break;
    }
  }
  const sources: [string, string | null | undefined][] = [
    ['jsonld headline', jsonLd?.headline], ['meta og:title', meta.ogTitle], ['meta twitter:title', meta.twitterTitle], ['h1', h1], ['<title>', meta.documentTitle],
  ];
  const candidates = sources
    .filter((source): source is [string, string] => typeof source[1] === 'string' && source[1].trim() !== '')
    .map(([from, candidate]) => [from, trimSiteSuffix(cleanText(candidate), siteNames)] as const)
    .filter(([, candidate]) => candidate !== '');
  // "Headline - Chính trị - Xã hội - Tuổi Trẻ Online": on a Vietnamese page, metadata that adds sections and the
  // site after the h1's text gives way to the h1 (the generic corpus's reference keeps such suffixes elsewhere).
  // An h1 that links to a page names a section ("<h1><a href="/kinh-doanh.htm">Kinh doanh</a></h1>"), not the article.
  const h1Index = candidates.findIndex(([from]) => from === 'h1');
  if (vietnamese && !h1IsLink && h1Index > 0 && extendsWithSuffix(candidates[0]![1], candidates[h1Index]![1])) candidates.unshift(...candidates.splice(h1Index, 1));
  const [chosen, ...others] = candidates;
  if (chosen) trace?.chose('title', chosen[0], chosen[1]);
  for (const [from, candidate] of others) if (candidate !== chosen?.[1]) trace?.reject('title', from, candidate, `${chosen?.[0]} comes first`);
  return chosen?.[1] ?? null;
}

/** `text` is `headline` followed by a separator and more ("… - Chính trị - Xã hội - Tuổi Trẻ Online"). */
function extendsWithSuffix(text: string, headline: string): boolean {
  return text.length > headline.length && text.startsWith(headline) && /^\s*[-–—|:·•]\s/u.test(text.slice(headline.length));
}

/** A page in Vietnamese: its language says so, or it is on a .vn site. */
function isVietnamese(language: string | null, url: string | undefined): boolean {
  return language?.toLowerCase().startsWith('vi') === true || zoneFor(url) === 'Asia/Ho_Chi_Minh';
}

/** Canonical language tags by the raw tag pages give ("vi", "vi-VN", "en_US"): a few dozen in all. Bounded. */
const CANONICAL_TAGS = new Map<string, string | null>();
const MAX_CACHED_TAGS = 1_000;

/** The BCP 47 form of a language tag, or null when it is none: Intl's canonicalization (a locale built per call) once per distinct tag. */
function canonicalLanguageTag(tag: string): string | null {
  let canonical = CANONICAL_TAGS.get(tag);
  if (canonical === undefined) {
    try {
      canonical = Intl.getCanonicalLocales(tag)[0] ?? null;
    } catch {
      canonical = null;
    }
    if (CANONICAL_TAGS.size >= MAX_CACHED_TAGS) CANONICAL_TAGS.clear();
    CANONICAL_TAGS.set(tag, canonical);
  }
  return canonical;
}

function pickLanguage(jsonLd: JsonLdArticle | null, meta: PageMeta): string | null {
  const raw = jsonLd?.inLanguage ?? meta.htmlLang ?? meta.locale;
  if (!raw) return null;
  return canonicalLanguageTag(raw.trim().replace(/_/g, '-').split(/[\s,;]/)[0] ?? '');
}

/** The description, unless it is only the site's name or a fragment of one ("| Lebanon News"). */
function pickLead(jsonLd: JsonLdArticle | null, meta: PageMeta): string | null {
  const siteNames = [meta.ogSiteName, jsonLd?.publisherName ?? null];
  for (const candidate of [jsonLd?.description, meta.ogDescription, meta.description]) {
    if (!candidate) continue;
    const text = cleanText(candidate);
    const withoutSite = trimSiteSuffix(text, siteNames).replace(/^[\s|–—:·•-]+|[\s|–—:·•-]+$/g, '');
    if (withoutSite.split(/\s+/).length >= 4 || textIsCjk(withoutSite)) return text;
  }
  return null;
}

/**
 * Class names of elements that hold a printed lead (sapo, summary, standfirst; a teaser, abstract or perex
 * above the text in German, Czech and French templates: "article-teaser", "teaser-text", "chapo"/"chapeau").
 */
const PRINTED_LEAD_CLASS = /sapo|desc|lead|summary|excerpt|intro|standfirst|teaser|abstract|perex|vorspann|chap+eau|chapo/i;
/** Enough of a lead's opening to know two texts are the same lead. */
const LEAD_OPENING_LENGTH = 40;

/**
 * Most elements have no class: the expression then does not run. It runs on the class itself, not through a cache by
 * class attribute: each element's attribute is a string of its own, and hashing and comparing it for a lookup cost
 * twice the expression.
 */
function hasPrintedLeadClass(element: Element): boolean {
  const className = element.attribs['class'];
  return className !== undefined && PRINTED_LEAD_CLASS.test(className);
}

/** A label printed before a lead with no dash ("BNEWS", "Dân trí"): one or two short words opening with a capital. */
const LEAD_LABELS = [/^([\p{Lu}\p{N}][\p{L}\p{N}.&]*)\s+(.+)$/su, /^([\p{Lu}\p{N}][\p{L}\p{N}.&]* [\p{L}\p{N}.&]+)\s+(.+)$/su];
const MAX_LABEL_LENGTH = 20;
/** "Afamily Mobile - …": a short label and a dash before the description's text. */
const SITE_LABEL_PREFIX = new RegExp(`^[^\\s–—-][^–—-]{0,${MAX_LABEL_LENGTH - 1}}\\s[-–—]\\s+(.+)$`, 'su');

/** The label and the rest of `text` when the rest opens with `opening` (comparable form). */
function labelBefore(text: string, opening: string): { label: string; rest: string } | null {
  for (const pattern of LEAD_LABELS) {
    const [, label = '', rest = ''] = pattern.exec(text) ?? [];
    if (label.length > 0 && label.length <= MAX_LABEL_LENGTH && comparableForm(rest).startsWith(opening)) return { label, rest };
  }
  return null;
}

interface PrintedLead {
  /** the element's whole text, as a body paragraph would repeat it */
  text: string;
  lead: string;
  dateline: string | null;
}

/**
 * The lead as the page prints it, when the metadata description is a copy of it: the printed text keeps
 * the dateline ("TPO - Hội đồng…") that descriptions leave out, and is not cut short. A short label the
 * page prints before the description's text with no dash ("BNEWS Thị trường…", "Dân trí Sau khi…" where
 * the description reads "(Dân trí) - Sau khi…") is its dateline. Null when no element of a lead's class
 * prints the description's opening.
 */
function printedLead($: CheerioAPI, description: string | null): PrintedLead | null {
  if (!description) return null;
  const described = splitDateline(description);
  const opening = comparableForm(described.lead).slice(0, LEAD_OPENING_LENGTH);
  if (opening.length < LEAD_OPENING_LENGTH / 2) return null;
  // A site label the description alone prefixes ("Afamily Mobile - Nhiều…" for the printed "Nhiều…"): the printed lead has no dateline.
  const labelled = SITE_LABEL_PREFIX.exec(described.lead);
  const unlabelledOpening = labelled ? comparableForm(labelled[1]!).slice(0, LEAD_OPENING_LENGTH) : null;
  const body = pageBody($);
  if (!body) return null;
  for (const element of elementsBelow($, body)) {
    if (element.name !== 'h2' && !hasPrintedLeadClass(element)) continue;
    const text = renderedText(element);
    if (text.length > description.length * 3 + 40) continue;
    const split = splitDateline(text);
    const printedOpening = comparableForm(split.lead);
    if (printedOpening.startsWith(opening)) return { text, lead: split.lead, dateline: split.dateline ?? described.dateline };
    if (unlabelledOpening && printedOpening.startsWith(unlabelledOpening)) return { text, lead: split.lead, dateline: split.dateline };
    const labelled = labelBefore(split.lead, opening);
    if (labelled) return { text, lead: labelled.rest, dateline: labelled.label };
  }
  return null;
}

/** A lead is prose: a subtitle or a label under the headline is shorter. */
const MIN_LEAD_WORDS = 15;
/** How many elements after the headline the lead may come (a date line, a byline first). */
const ELEMENTS_BEFORE_LEAD = 3;

/**
 * The lead printed right under the headline on a page whose metadata has no description: the first of the
 * headline's next elements that is a subheading (h2, h3), of a lead's class or a paragraph all in bold, and
 * holds prose.
 */
function leadUnderHeadline($: CheerioAPI): PrintedLead | null {
  for (const element of elementsUnderHeadline($, ELEMENTS_BEFORE_LEAD)) {
    const printedAsLead = element.name === 'h2' || element.name === 'h3' || hasPrintedLeadClass(element) || (element.name === 'p' && allBold(element));
    if (!printedAsLead) continue;
    const text = renderedText(element);
    if (text.split(' ').length < MIN_LEAD_WORDS) continue;
    const split = splitDateline(text);
    return { text, lead: split.lead, dateline: split.dateline };
  }
  return null;
}

/**
 * A description cut from the body's first paragraph ("…の想定震源域..."): it repeats the body's opening, so
 * the page has no lead apart from the body.
 */
function truncatedCopyOf(description: string | null, firstParagraph: string | undefined): boolean {
  if (!description || !firstParagraph || !/(?:…|\.\.\.|･･･)$/u.test(description)) return false;
  const start = comparableForm(description);
  return start.length > 0 && comparableForm(firstParagraph).startsWith(start);
}

function textIsCjk(text: string): boolean {
  return /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]{8}/u.test(text);
}

/** Class names of byline markup, the span's apart: `.byline__name, .author-name, .article-author, .byline, span.author`. */
const BYLINE_CLASSES: ReadonlySet<string> = new Set(['byline__name', 'author-name', 'article-author', 'byline']);
/** Every byline class holds one of these: most class attributes are told apart without being split. */
const BYLINE_CLASS_WORDS = /author|byline/;

/**
 * The usual byline markup and links to an author page (Vietnamese sites file them under /tac-gia/, "author"), as the
 * selector `[rel="author"], [itemprop="author"] [itemprop="name"], .byline__name, .author-name, .article-author,
 * .byline, span.author, a[href*="/tac-gia/"]` reads them ("rel" compared ignoring case, classes as whitespace-separated
 * names), written out as tests: the scan asks it of every element of the page, where the compiled selector runs a
 * closure per part.
 */
function isBylineMarkup(element: Element): boolean {
  const { rel, itemprop, class: className, href } = element.attribs;
  if (rel !== undefined && rel.length === 6 && rel.toLowerCase() === 'author') return true;
  if (itemprop === 'name' && hasAuthorItemAncestor(element)) return true;
  if (element.name === 'a' && href?.includes('/tac-gia/')) return true;
  if (className === undefined || !BYLINE_CLASS_WORDS.test(className)) return false;
  return className.split(/\s+/).some((name) => BYLINE_CLASSES.has(name) || (name === 'author' && element.name === 'span'));
}

function hasAuthorItemAncestor(element: Element): boolean {
  for (let parent = element.parent; parent?.type === 'tag'; parent = parent.parent) if ((parent as Element).attribs['itemprop'] === 'author') return true;
  return false;
}

/** Byline text printed on the page, for pages whose head and JSON-LD name nobody. */
function visibleByline($: CheerioAPI): string[] {
  const found = pageElements($)
    .filter(isBylineMarkup)
    .map((element) => renderedText(element))
    .filter((text) => text.length > 1 && text.length < 120);
  return [...new Set(found)];
}

/** How many elements after the headline a byline printed under it may come (a date line may come first). */
const ELEMENTS_BEFORE_BYLINE = 2;
/** "Long Trần - Theo Trí Thức Trẻ": the source named after the byline's names. */
const SOURCE_AFTER_NAMES = /\s*[-–—]\s*(?:theo|nguồn)\s.*$/iu;

/**
 * A byline printed as a line of names right under the headline ("Hạ Trắng", "Long Trần - Theo Trí Thức
 * Trẻ"), marked by no class: one of the headline's next elements whose text is names only (every word
 * capitalised, as in a closing byline). Vietnamese section labels and dates never read so.
 */
function bylineUnderHeadline($: CheerioAPI): string | null {
  for (const element of elementsUnderHeadline($, ELEMENTS_BEFORE_BYLINE)) {
    const text = renderedText(element);
    if (text !== '' && isNameLine(text.replace(SOURCE_AFTER_NAMES, ''))) return text;
  }
  return null;
}

/** Words that open a printed byline in the languages of the corpus: "By", "Von:", "Por", "Par", "Door", "Di", "Av", "Af", "Autor:". */
const BYLINE_LABEL = /^(?:by|von|por|par|door|di|av|af|autor|autorin|autore)\s*:?\s+/iu;
const NOT_BYLINE_TAGS = new Set(['script', 'style', 'noscript', 'template', 'svg', 'head']);

/**
 * A byline printed as running text ("By TPN, in News, Portugal", "Von: Bill MCCARTHY, Marisha GOLDHAMER"), for
 * pages whose markup marks no author: the first short element whose text opens with a byline word followed by
 * a capitalised name. What follows the names (", in News", a date) is cut at the first segment in lower case.
 * One walk over the text nodes, stopping at the first byline.
 */
function labelledByline($: CheerioAPI): string | null {
  const visit = (element: Element): string | null => {
    for (const child of element.children) {
      if (child.type === 'tag') {
        const tag = child as Element;
        if (NOT_BYLINE_TAGS.has(tag.name)) continue;
        const found = visit(tag);
        if (found) return found;
        continue;
      }
      if (child.type !== 'text' || !BYLINE_LABEL.test(`${child.data.trim()} `)) continue;
      const text = renderedText(element);
      const label = BYLINE_LABEL.exec(text);
      if (text.length > 150 || !label) continue;
      const segments = text.slice(label[0].length).split(/\s*,\s*/);
      const firstInLowerCase = segments.findIndex((segment) => /^\p{Ll}/u.test(segment));
      const names = firstInLowerCase === -1 ? segments : segments.slice(0, firstInLowerCase);
      if (/^\p{Lu}/u.test(names[0] ?? '')) return names.join(', ');
    }
    return null;
  };
  const body = pageBody($);
  return body ? visit(body) : null;
}

/** "and" in the languages of the corpus and of the sites the product targets. */
const NAME_CONJUNCTION = /\s+(?:and|und|og|och|en|et|e|y|i|ve|và|и|та|і|&)\s+/iu;

/** A personal name: two or more words, each starting with a capital ("Tôrtia Reimer-Johansen"). */
function looksLikePersonalName(text: string): boolean {
  const words = text.split(/\s+/);
  return words.length >= 2 && words.length <= 5 && words.every((word) => /^\p{Lu}/u.test(word));
}

/**
 * The people named in one structured author entry (JSON-LD, meta). It is usually one name, kept whole
 * ("Le Figaro et AFP", "mbl.is"), with capitals turned to natural case. Dropped: a "By" prefix, a trailing
 * parenthesis (desk code or role: "Elena Oberholzer (obe)"), and a job description after a comma
 * ("Povilas Aleksandravičius, Mykolo Romerio universiteto … profesorius"), the agencies after the person
 * in a credit "Name/Agency". Two personal names joined by "and" in some language are two authors. Text
 * without a letter ("105092") names nobody.
 */
function structuredAuthors(entry: string): Author[] {
  let raw = withoutTitleBeforeName(cleanText(entry).replace(/^by\s+/i, '').replace(/\s*\([^()]*\)\s*$/, ''));
  const [first, ...rest] = raw.split(/\s*,\s*/);
  if (first && rest.some((part) => /(?:^|\s)\p{Ll}/u.test(part))) raw = first;
  // A credit in the agencies' form "Name/Agency[/Agency]" ("Văn Giáp/Bnews/vnanet.vn") names the person first.
  const [person, ...agencies] = raw.split(/\s*\/\s*/);
  if (person && agencies.length > 0 && looksLikePersonalName(person)) raw = person;
  if (!/\p{L}/u.test(raw)) return [];
  const parts = raw.split(NAME_CONJUNCTION);
  const names = parts.length > 1 && parts.every(looksLikePersonalName) ? parts : [raw];
  return names.map((name) => ({ name: naturalCase(name), raw: name }));
}

/** A printed byline, split into names; kept whole when the byline parser finds no name in it. */
function bylineAuthors(text: string): Author[] {
  const parsed = parseByline(text);
  if (parsed.length > 0) return parsed;
  return cleanText(text).length <= 60 ? structuredAuthors(text) : [];
}

/**
 * Persons only: a staff credit ("PV"), a source ("Theo X"), a Vietnamese organization name or a host
 * name is not an author. On Vietnamese pages (the dataset's rule, docs/dataset.md) neither is an
 * organization-typed JSON-LD author nor a name equal to the publisher's (og:site_name, the JSON-LD
 * publisher, the host); other sites keep them, as the generic corpus's reference (Fundus) reads a
 * site's own byline as its author.
 * Sources in order: JSON-LD authors, author metas, a byline element, a labelled byline ("By …"); the
 * first that names a person wins, the others' names are recorded as rejected.
 */
function pickAuthors($: CheerioAPI, jsonLd: JsonLdArticle | null, meta: PageMeta, url: string | undefined, vietnamese: boolean, trace?: ExtractionTrace): Author[] {
  const host = url ? hostOf(url) : '';
  // "Vietnam+ (VietnamPlus)" is named by both parts too.
  const publisherNames = (vietnamese ? [meta.ogSiteName, jsonLd?.publisherName, host, host.replace(/\.[a-z]+$/i, '')] : [])
    .filter((name): name is string => !!name)
    .flatMap((name) => [name, ...name.split(/\s*[()]\s*/)]);
  const publisher = new Set(publisherNames.map(comparableForm).filter((name) => name !== ''));
  const structured = vietnamese ? (jsonLd?.authors ?? []) : [...(jsonLd?.authors ?? []), ...(jsonLd?.organizationAuthors ?? [])];
  if (vietnamese) for (const name of jsonLd?.organizationAuthors ?? []) trace?.reject('authors', 'jsonld author (Organization)', name, 'an organization is not a byline');
  const sources: [string, () => Author[]][] = [
    ['jsonld author', () => structured.flatMap(structuredAuthors)],
    ['meta author', () => meta.authors.flatMap(bylineAuthors)],
    ['visible byline element', () => visibleByline($).flatMap(bylineAuthors)],
    ...(vietnamese ? [['heuristic: a line of names under the headline', () => {
      const byline = bylineUnderHeadline($);
      return byline ? bylineAuthors(byline) : [];
    }] as [string, () => Author[]]] : []),
    ['labelled byline ("By …")', () => {
      const byline = labelledByline($);
      return byline ? bylineAuthors(byline) : [];
    }],
  ];
  for (const [from, read] of sources) {
    const persons = dedupeAuthors(read()).filter((author) => {
      const why = publisher.has(comparableForm(author.name)) ? 'the publisher or site name' : notAPerson(author.raw);
      if (why) trace?.reject('authors', from, author.raw, why);
      return why === null;
    });
    if (persons.length > 0) {
      trace?.chose('authors', from, persons.map((author) => author.name));
      return persons;
    }
  }
  return [];
}

function leadImages(jsonLd: JsonLdArticle | null, meta: PageMeta, base: string | undefined): ArticleImage[] {
  const images: ArticleImage[] = [];
  for (const image of jsonLd?.images ?? []) {
    const url = absoluteHttpUrl(image.url, base);
    if (!url) continue;
    const { caption, credit } = image.caption ? splitCaption(image.caption) : { caption: null, credit: null };
    images.push({ url, caption: caption || null, credit: credit || null, alt: null });
  }
  const ogImage = absoluteHttpUrl(meta.ogImage, base);
  if (images.length === 0 && ogImage) images.push({ url: ogImage, caption: null, credit: null, alt: null });
  return images.slice(0, 1);
}

/** A directory that names a size or a date, not a picture: "640", "100_100", "05". */
const SIZE_DIRECTORY = /^\d+(?:[x_×]\d+)?$/i;

/**
 * One entry per picture: the same file at other sizes (responsive variants, CDN resizes) is the same image.
 * The file's directory counts too unless it names a size: CDNs that give every picture of an article the
 * article's slug as file name ("/anh-2-1457769815085/techcombank-….JPG") tell pictures apart by directory.
 */
function dedupeImages(images: ArticleImage[]): ArticleImage[] {
  const seen = new Set<string>();
  return images.filter((image) => {
    const segments = new URL(image.url).pathname.split('/');
    const file = segments.at(-1) || image.url;
    const directory = segments.at(-2) ?? '';
    const key = SIZE_DIRECTORY.test(directory) ? file : `${directory}/${file}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Every field the generic path can find on a page of any site: JSON-LD first, then OpenGraph and other
 * head metadata, then the markup itself (h1, <time>, the body found by content scoring).
 */
type BodyField = 'paragraphs' | 'images' | 'lead' | 'dateline';
const BODY_FIELDS: ReadonlySet<keyof ExtractedFields> = new Set<keyof ExtractedFields>(['paragraphs', 'images', 'lead', 'dateline']);

/**
 * The body's closing byline names the authors of a page whose metadata names no person (docs/dataset.md). On a
 * Vietnamese page it also wins over metadata persons printed nowhere on the page (the CMS account that
 * published the article, "Nguyễn Đắc Vịnh" under the printed "Dương Lâm").
 */
function withClosingByline($: CheerioAPI, metadata: GenericMetadata, closingByline: string | null, vietnamese: boolean, trace?: ExtractionTrace): Author[] {
  const structured = metadata.field('authors');
  if (!closingByline || (structured.length > 0 && !vietnamese)) return structured;
  const authors = parseByline(closingByline).filter((author) => notAPerson(author.raw) === null);
  if (authors.length === 0) return structured;
  const from = `heuristic: the right-aligned / bold byline closing the body ("${closingByline}")`;
  if (structured.length === 0) {
    trace?.chose('authors', from, authors.map((author) => author.name));
    return authors;
  }
  const printed = new Set(authors.map((author) => comparableForm(author.name)));
  if (structured.some((author) => printed.has(comparableForm(author.name)))) return structured;
  const pageText = comparableForm(renderedText(pageBody($) ?? $.root().get(0)!));
  if (structured.some((author) => pageText.includes(comparableForm(author.raw)) || pageText.includes(comparableForm(author.name)))) return structured;
  for (const author of structured) trace?.reject('authors', 'metadata author', author.raw, 'printed nowhere on the page, unlike the closing byline');
  trace?.chose('authors', from, authors.map((author) => author.name));
  return authors;
}

type MetadataField = Exclude<keyof ExtractedFields, BodyField>;

interface GenericMetadata {
  jsonLd: JsonLdArticle | null;
  meta: PageMeta;
  language: string | null;
  /**
   * A field, read on its first request: a page that a source adapter reads asks the generic path for a few
   * fields only (the canonical URL, tags), and the others (the section, the printed byline) scan the page.
   */
  field: <K extends MetadataField>(key: K) => ExtractedFields[K];
  description: () => string | null;
}

/** `read` once, on the first call. */
function once<T>(read: () => T): () => T {
  let known: { value: T } | undefined;
  return () => (known ??= { value: read() }).value;
}

/** Everything the generic path reads from JSON-LD and head metadata (cheap: no content scoring); `url` undefined when unknown. */
function genericMetadata($: CheerioAPI, url: string | undefined, trace?: ExtractionTrace): GenericMetadata {
  const jsonLd = readJsonLdArticle($);
  const meta = readPageMeta($);
  const zone = zoneFor(url);
  const language = pickLanguage(jsonLd, meta);
  const vietnamese = isVietnamese(language, url);
  const title = once(() => pickTitle($, jsonLd, meta, vietnamese, trace));
  const readers: { [K in MetadataField]: () => ExtractedFields[K] } = {
    canonicalUrl: once(() => {
      const canonicalUrl = absoluteHttpUrl(meta.canonical, url) ?? absoluteHttpUrl(meta.ogUrl, url) ?? absoluteHttpUrl(jsonLd?.url, url);
      trace?.chose('canonicalUrl', meta.canonical ? 'link rel=canonical' : meta.ogUrl ? 'meta og:url' : 'jsonld url', canonicalUrl);
      return canonicalUrl;
    }),
    title,
    category: once(() =>
      pickSection($, jsonLd, meta, { url, title: title(), siteNames: [meta.ogSiteName, jsonLd?.publisherName ?? null, url ? hostOf(url) : null], vietnamese, headline: headlineElement($) }, trace),
    ),
    tags: once(() => {
      const tags = jsonLd?.keywords.length ? jsonLd.keywords : meta.tags;
      trace?.chose('tags', jsonLd?.keywords.length ? 'jsonld keywords' : 'meta article:tag / news_keywords / keywords', tags);
      return tags;
    }),
    publishedAt: once(() => {
      const published = firstDate(
        [['jsonld datePublished', jsonLd?.datePublished], ...meta.published.map((entry) => [entry.source, entry.value] as [string, string]), ...meta.timeDatetimes.map((value) => ['time@datetime', value] as [string, string])],
        zone,
        'publishedAt',
        trace,
      );
      const printed = published ? null : printedDateNearHeadline($, zone);
      if (printed) trace?.chose('publishedAt', printed.from, printed.value);
      return published ?? printed?.value ?? null;
    }),
    updatedAt: once(() => firstDate([['jsonld dateModified', jsonLd?.dateModified], ...meta.modified.map((entry) => [entry.source, entry.value] as [string, string])], zone, 'updatedAt', trace)),
    authors: once(() => pickAuthors($, jsonLd, meta, url, vietnamese, trace)),
    language: once(() => {
      trace?.chose('language', jsonLd?.inLanguage ? 'jsonld inLanguage' : meta.htmlLang ? 'html@lang' : 'meta og:locale', language);
      return language;
    }),
  };
  return { jsonLd, meta, language, field: (key) => readers[key](), description: once(() => pickLead(jsonLd, meta)) };
}

/** The body, its pictures and the lead: the content heuristics, the costly part of the generic path. */
interface GenericBody extends Pick<ExtractedFields, BodyField> {
  closingByline: string | null;
}

function genericBody($: CheerioAPI, url: string | undefined, metadata: GenericMetadata, trace?: ExtractionTrace): GenericBody {
  const { jsonLd, meta } = metadata;
  const description = metadata.description();
  const title = metadata.field('title');
  const authors = metadata.field('authors');
  const canonicalUrl = metadata.field('canonicalUrl');
  const body = extractBodyParagraphs($, canonicalUrl ?? url);
  const underHeadline = !description && isVietnamese(metadata.language, url) ? leadUnderHeadline($) : null;
  const printed = printedLead($, description) ?? underHeadline;
  // The title, the lead and a byline line repeated inside the body container are not body text.
  const headAndByline = [title, ...authors.flatMap((author) => [author.raw, author.name])];
  const isHeadOrByline = sameTextAsOneOf(headAndByline);
  const isNotBody = sameTextAsOneOf([...headAndByline, description, printed?.text]);
  const besideLead = body.paragraphs.filter((paragraph) => !isNotBody(paragraph));
  // A page whose whole text is its lead (a short notice, an article cut to its first paragraph for non-subscribers)
  // prints it once: it is the body, and no lead repeats it.
  const paragraphs = besideLead.length > 0 ? besideLead : body.paragraphs.filter((paragraph) => !isHeadOrByline(paragraph));
  const wholeText = besideLead.length === 0 && paragraphs.length > 0;
  trace?.chose('paragraphs', 'heuristic: containers scored by the prose they hold, chrome and related boxes dropped', `${paragraphs.length} paragraphs`);
  // The body may open with the printed standfirst, the paragraph the description was cut from after it.
  const truncated = paragraphs.slice(0, 2).some((paragraph) => truncatedCopyOf(description, paragraph));
  if (truncated) trace?.reject('lead', 'jsonld / meta description', description, 'a truncated copy of the first paragraph');
  else if (wholeText) trace?.reject('lead', 'printed lead / jsonld / meta description', printed?.lead ?? description, "the page's whole text: read as its body");
  else if (printed) {
    trace?.chose('lead', underHeadline ? 'heuristic: the lead printed under the headline (a subheading or bold paragraph; no description in the metadata)' : `heuristic: the lead printed on the page (an element of class sapo/desc/lead/summary… opening like the description)`, printed.lead);
    if (printed.dateline) trace?.chose('dateline', 'heuristic: the label or dateline prefix of the printed lead', printed.dateline);
  }
  else if (description) trace?.chose('lead', 'jsonld description / meta og:description / description', description);
  // The page's own figures carry captions; the JSON-LD / og:image picture only stands in when there are none.
  const images = dedupeImages(body.images.length > 0 ? body.images : leadImages(jsonLd, meta, url));
  trace?.chose('images', body.images.length > 0 ? 'heuristic: pictures of the article region, captions split' : 'jsonld image / og:image (no picture in the body)', `${images.length} images`);
  const noLead = truncated || wholeText;
  const lead = noLead ? null : (printed?.lead ?? description);
  return { paragraphs, lead, dateline: noLead ? null : (printed?.dateline ?? null), images, closingByline: body.closingByline };
}

/**
 * The generic path one field at a time, for filling what a source adapter did not find: head metadata is
 * read field by field as requested, the body heuristics run only when the body, its pictures or the lead are asked for.
 * Without the page's URL, relative links resolve against its canonical URL when it names one, else not at all.
 */
export function genericFieldReader($: CheerioAPI, url: string | undefined, trace?: ExtractionTrace): <K extends keyof ExtractedFields>(key: K) => ExtractedFields[K] {
  let metadata: GenericMetadata | undefined;
  let body: GenericBody | undefined;
  let closingAuthors: Author[] | undefined;
  return <K extends keyof ExtractedFields>(key: K): ExtractedFields[K] => {
    const read = (metadata ??= genericMetadata($, url, trace));
    const needsBody = BODY_FIELDS.has(key) || (key === 'authors' && read.field('authors').length === 0);
    if (!needsBody && !body) return readMetadataField(read, key);
    const found = (body ??= genericBody($, url, read, trace));
    // Once the body is read, its closing byline has its say on the authors too.
    if (key === 'authors') return (closingAuthors ??= withClosingByline($, read, found.closingByline, isVietnamese(read.language, url), trace)) as ExtractedFields[K];
    return BODY_FIELDS.has(key) ? (found[key as BodyField] as ExtractedFields[K]) : readMetadataField(read, key);
  };
}

function readMetadataField<K extends keyof ExtractedFields>(metadata: GenericMetadata, key: K): ExtractedFields[K] {
  return metadata.field(key as MetadataField) as ExtractedFields[K];
}

export function extractGeneric($: CheerioAPI, url: string): ExtractedFields {
  const metadata = genericMetadata($, url);
  const body = genericBody($, url, metadata);
  return {
    canonicalUrl: metadata.field('canonicalUrl'),
    title: metadata.field('title'),
    category: metadata.field('category'),
    tags: metadata.field('tags'),
    publishedAt: metadata.field('publishedAt'),
    updatedAt: metadata.field('updatedAt'),
    language: metadata.field('language'),
    paragraphs: body.paragraphs,
    images: body.images,
    lead: body.lead,
    dateline: body.dateline,
    authors: withClosingByline($, metadata, body.closingByline, isVietnamese(metadata.language, url)),
  };
}
