/**
 * The article's section (category): one name, the most specific the page states. Sources in order of
 * trust: the JSON-LD BreadcrumbList, a visible breadcrumb trail, then the JSON-LD articleSection and the
 * article:section meta. A trail's last step is the most specific section once the steps that are not
 * sections are left out (the home page, the site's name, the article itself). A section field listing
 * several names ("Thể thao,World Cup 2026,Tin tức") is never kept joined: when it continues the trail
 * ("Kinh tế,Doanh nghiệp" on a page whose trail is "Kinh tế") it is a deeper trail and its last name wins;
 * otherwise the first (CMSs list the primary section first). Tags stay tags: they are not read here.
 * On a Vietnamese page a section field holding a generic English word ("News": a CMS default left in place)
 * names no section; such a page's own section bar (a "category" block of a few section links, as giadinhonline
 * prints "Sống + › Y tế 360" above the headline) is read instead, before the URL's section. Last, a page that
 * states its section nowhere else may print it as a heading of links between trail marks (baocantho's h1
 * "Y tế > Sức khỏe" above the headline), or, on a Vietnamese page, as a section link printed alone just
 * above the headline. On a Vietnamese page a name printed only in capitals is given in natural case: as a link
 * of the page prints it in lower case (a menu), else in sentence case.
 */
import type { CheerioAPI } from 'cheerio';
import type { Element } from 'domhandler';
import { cleanText, comparableForm, stripDiacritics } from '../normalize/text.ts';
import { readJsonLdBreadcrumb, type BreadcrumbStep, type JsonLdArticle } from './jsonld.ts';
import type { PageMeta } from './meta.ts';
import type { ExtractionTrace } from './explain.ts';
import { pageElements, renderedText, walkElements } from './dom.ts';

/** Trail steps that name the site, not a section. */
const HOME_STEP = /^(?:trang\s*chủ|home|homepage|start|accueil|inicio|startseite|главная)$/iu;

/**
 * Visible breadcrumb trails, by the markup sites give them (schema.org microdata, ARIA, class names). The class
 * test is a case-blind substring, so it takes in .breadcrumb, .breadcrumbs and ol.breadcrumb without naming them.
 */
const VISIBLE_TRAIL = '[itemtype$="BreadcrumbList"], nav[aria-label*="breadcrumb" i], [class*="breadcrumb" i]';
const BREADCRUMB = /breadcrumb/i;

/**
 * Whether an element matches VISIBLE_TRAIL, the selector written out as attribute tests: the scan asks it of
 * the page's elements one by one, where css-select's compiled form calls a closure per part of the selector.
 */
function isVisibleTrail(element: Element): boolean {
  const { itemtype, class: className } = element.attribs;
  return (
    itemtype?.endsWith('BreadcrumbList') === true ||
    (className !== undefined && BREADCRUMB.test(className)) ||
    (element.name === 'nav' && BREADCRUMB.test(element.attribs['aria-label'] ?? ''))
  );
}

/** Generic English words a CMS puts in a section field by default: no section on a page in another language. */
const PLACEHOLDER_SECTION = /^(?:news|article|articles|home|homepage|blog|post|posts|story|stories|general|default|uncategori[sz]ed)$/iu;

/**
 * Blocks whose class names a category: where sites without breadcrumb markup print the section bar. The scan tests
 * the class of every element with CATEGORY, the selector's own test, without css-select's closures.
 */
const SECTION_BAR = '[class*="category" i]';
const CATEGORY = /category/i;

/** A section bar is a short trail: more links make it a menu or a list of teasers. */
const MAX_SECTION_BAR_LINKS = 4;

/** A section bar's links are section names, a few words each (an article title in a teaser list is longer). */
const MAX_SECTION_BAR_WORDS = 5;

/** A section name is a few words ("Chỉ đạo, quyết định của Chính phủ - Thủ tướng Chính phủ" has 10): longer text in a trail is a sentence. */
const MAX_SECTION_WORDS = 14;

/** Headings, where some sites print the section trail instead of a breadcrumb block ("Y tế > Sức khỏe" as the page's h1); HEADING_TAGS as the scan tests them. */
const HEADINGS = 'h1, h2, h3, h4, h5, h6';
const HEADING_TAGS: ReadonlySet<string> = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

/** The marks a trail puts between its steps; "|" and "/" are left out: menus put them between sibling entries. */
const TRAIL_SEPARATORS = /^[\s>›»→]*$/u;

function pathOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).pathname.replace(/\/+$/, '');
  } catch {
    return null;
  }
}

interface PageIdentity {
  /** undefined for a saved page whose URL is unknown */
  url: string | undefined;
  title: string | null;
  siteNames: (string | null)[];
  /** the page is in Vietnamese: an English placeholder in its section field names no section */
  vietnamese: boolean;
  /** the headline the page prints (its first printed h1), when it has one */
  headline?: Element;
}

/** The steps of a trail that are sections: not the home page or site name, not the article, not a sentence. */
function sectionSteps(steps: BreadcrumbStep[], page: PageIdentity): BreadcrumbStep[] {
  const notSections = new Set([page.title, ...page.siteNames].filter((text): text is string => !!text).map(comparableForm));
  const articlePath = pathOf(page.url);
  return steps.filter((step) => {
    const name = cleanText(step.name);
    if (name === '' || HOME_STEP.test(name) || notSections.has(comparableForm(name))) return false;
    if (name.split(/\s+/).length > MAX_SECTION_WORDS) return false;
    const path = pathOf(step.url);
    return path === null || (path !== '' && path !== articlePath);
  });
}

/**
 * The first visible trail's steps: its links (one per step, not the drop-down lists nested in a step). The
 * page's elements are read in document order, as selectOnPage finds the trails, but only up to the first trail with links.
 */
function visibleTrail($: CheerioAPI): BreadcrumbStep[] {
  for (const element of pageElements($)) {
    if (!isVisibleTrail(element)) continue;
    const steps = topLevelLinks(element).map((link) => ({ name: renderedText(link), url: link.attribs['href'] ?? null }));
    if (steps.length > 0) return steps;
  }
  return [];
}

/** The first section bar's steps: a block of class "category…" holding a few short links, none to the article. */
function sectionBar($: CheerioAPI, page: PageIdentity): BreadcrumbStep[] {
  const articlePath = pathOf(page.url);
  for (const bar of pageElements($)) {
    const className = bar.attribs['class'];
    if (className === undefined || !CATEGORY.test(className)) continue;
    const steps = topLevelLinks(bar).map((link) => ({ name: cleanText(renderedText(link)), url: link.attribs['href'] ?? null }));
    if (steps.length === 0 || steps.length > MAX_SECTION_BAR_LINKS) continue;
    const short = steps.every((step) => step.name !== '' && step.name.split(/\s+/).length <= MAX_SECTION_BAR_WORDS);
    if (short && steps.every((step) => pathOf(step.url) !== articlePath)) return steps;
  }
  return [];
}

/**
 * The first heading that is a link trail: two to four short links with nothing between them but trail marks
 * ("Y tế > Sức khỏe"), none to the article itself. Baocantho prints its section this way in the h1 above the
 * headline; a heading of one link is a box title (a sidebar's "Thể thao"), so one link is not a trail.
 */
function headingTrail($: CheerioAPI, page: PageIdentity): BreadcrumbStep[] {
  const articlePath = pathOf(page.url);
  for (const heading of pageElements($)) {
    if (!HEADING_TAGS.has(heading.name)) continue;
    const links = topLevelLinks(heading);
    if (links.length < 2 || links.length > MAX_SECTION_BAR_LINKS) continue;
    const between = renderedText(heading, new Set(links));
    if (!TRAIL_SEPARATORS.test(between) || between.replace(/\s/gu, '').length < links.length - 1) continue;
    const steps = links.map((link) => ({ name: cleanText(renderedText(link)), url: link.attribs['href'] ?? null }));
    const short = steps.every((step) => step.name !== '' && step.name.split(/\s+/).length <= MAX_SECTION_BAR_WORDS);
    if (short && steps.every((step) => pathOf(step.url) !== articlePath)) return steps;
  }
  return [];
}

/** Links of a trail, leaving out links inside a list nested in a step (menus of sibling sections). */
function topLevelLinks(trail: Element): Element[] {
  const links: Element[] = [];
  const visit = (element: Element, listDepth: number): void => {
    for (const child of element.children) {
      if (child.type !== 'tag') continue;
      const depth = child.name === 'ul' || child.name === 'ol' ? listDepth + 1 : listDepth;
      if (depth > 1) continue;
      if (child.name === 'a') links.push(child);
      else visit(child, depth);
    }
  };
  visit(trail, trail.name === 'ul' || trail.name === 'ol' ? 1 : 0);
  return links;
}

function splitSectionList(value: string): string[] {
  return value.split(/\s*[,;|]\s*/).map(cleanText).filter((name) => name !== '');
}

/** A section list that starts with the whole trail and names more: a deeper trail. */
function continues(names: readonly string[], trail: readonly string[]): boolean {
  return trail.length > 0 && names.length > trail.length && trail.every((name, index) => comparableForm(name) === comparableForm(names[index]!));
}

/**
 * A section name as the page writes it in natural case: one printed only in capitals ("THỂ THAO" in a
 * breadcrumb) takes the form a link of the page prints in natural case (the footer menu's "Thể thao"), else
 * the sentence case. Names with lower-case letters are kept as printed.
 */
export function sectionInNaturalCase($: CheerioAPI, name: string): string {
  if (/\p{Ll}/u.test(name) || !/\p{Lu}/u.test(name)) return name;
  const key = comparableForm(name);
  for (const link of pageElements($)) {
    if (link.name !== 'a') continue;
    const text = cleanText(renderedText(link));
    if (/\p{Ll}/u.test(text) && comparableForm(text) === key) return text;
  }
  return inSentenceCase(name);
}

/** The most specific section the page states, or null; on a Vietnamese page a name printed only in capitals is given in natural case. */
export function pickSection($: CheerioAPI, jsonLd: JsonLdArticle | null, meta: PageMeta, page: PageIdentity, trace?: ExtractionTrace): string | null {
  const section = pickPrintedSection($, jsonLd, meta, page, trace);
  return section && page.vietnamese ? sectionInNaturalCase($, section) : section;
}

/** The most specific section the page states, as printed, or null; every source tried and turned down goes into the trace. */
function pickPrintedSection($: CheerioAPI, jsonLd: JsonLdArticle | null, meta: PageMeta, page: PageIdentity, trace?: ExtractionTrace): string | null {
  // The visible trail is looked for only when the JSON-LD one names no section (a page-wide selector scan).
  const trails: [string, () => BreadcrumbStep[]][] = [
    ['jsonld BreadcrumbList.itemListElement[last].name', () => readJsonLdBreadcrumb($)],
    [`visible breadcrumb (${VISIBLE_TRAIL})`, () => visibleTrail($)],
  ];
  const fields: [string, string | null | undefined][] = [
    ['jsonld articleSection', jsonLd?.section],
    ['meta article:section', meta.section],
  ];
  const lists = fields.map(([from, value]) => [from, value ? splitSectionList(value) : []] as const);
  for (const [from, read] of trails) {
    const steps = read();
    const trail = sectionSteps(steps, page).map((step) => cleanText(step.name));
    const deeper = lists.find(([, names]) => continues(names, trail));
    if (deeper) {
      trace?.reject('category', from, trail.at(-1), `${deeper[0]} continues the trail deeper`);
      trace?.chose('category', deeper[0], deeper[1].at(-1));
      return deeper[1].at(-1)!;
    }
    const last = trail.at(-1);
    if (last) {
      trace?.chose('category', from, last);
      return last;
    }
    if (steps.length > 0) trace?.reject('category', from, steps.map((step) => step.name), 'only the home page, the site or the article itself');
  }
  let placeholder = false;
  for (const [from, value] of fields) {
    const names = value ? splitSectionList(value) : [];
    const named = names[0];
    if (named && page.vietnamese && PLACEHOLDER_SECTION.test(named)) {
      trace?.reject('category', from, value, 'an English placeholder on a Vietnamese page');
      placeholder = true;
      continue;
    }
    if (named) {
      if (names.length > 1) trace?.reject('category', from, value, `several sections listed: kept "${named}"`);
      trace?.chose('category', from, named);
      return named;
    }
  }
  // Only a page that fills its section field with a placeholder is read for a bar: elsewhere a "category" block
  // is as often a box of most-read links ("Xem nhiều nhất") as the article's section.
  const bar = placeholder ? sectionSteps(sectionBar($, page), page).at(-1)?.name : undefined;
  if (bar) {
    trace?.chose('category', `heuristic: the section bar (${SECTION_BAR}, up to ${MAX_SECTION_BAR_LINKS} short links)`, bar);
    return bar;
  }
  const filed = sectionOfUrl($, page);
  if (filed) {
    trace?.chose('category', 'heuristic: the site\'s menu link (or selected option) to the section the article\'s URL is filed under', filed);
    return filed;
  }
  const trail = sectionOfHeadingTrail($, page, trace);
  if (trail) return trail;
  const label = page.vietnamese ? sectionLabelAboveHeadline(page) : null;
  if (label) trace?.chose('category', `heuristic: the section link printed alone just above the headline (within ${ELEMENTS_BEFORE_HEADLINE} elements)`, label);
  return label;
}

/** How far before the headline its section label is looked for, in elements (document order, its boxes included). */
const ELEMENTS_BEFORE_HEADLINE = 15;

/** The element before `element` in document order (its previous sibling's last descendant, else its parent). */
function previousElement(element: Element): Element | null {
  let previous = element.prev;
  while (previous && previous.type !== 'tag') previous = previous.prev;
  if (!previous) return element.parent?.type === 'tag' ? (element.parent as Element) : null;
  let last = previous as Element;
  for (let child = lastChildElement(last); child; child = lastChildElement(last)) last = child;
  return last;
}

function lastChildElement(element: Element): Element | null {
  for (let index = element.children.length - 1; index >= 0; index -= 1) {
    const child = element.children[index]!;
    if (child.type === 'tag') return child as Element;
  }
  return null;
}

/**
 * The section label a page prints just above its headline when nothing else names the section (thesaigontimes:
 * "BẠN ĐỌC VIẾT" linking to /diendan/bandocviet/, the article's URL naming no section): the closest link before the
 * headline that stands alone in its box (not an entry of a menu or list), a few words long, to another page of
 * the site than the article and its home page.
 */
function sectionLabelAboveHeadline(page: PageIdentity): string | null {
  if (!page.url || !page.headline) return null;
  const articlePath = pathOf(page.url);
  let host: string;
  try {
    host = new URL(page.url).host;
  } catch {
    return null;
  }
  let element = previousElement(page.headline);
  for (let count = 0; element && count < ELEMENTS_BEFORE_HEADLINE; count += 1, element = previousElement(element)) {
    if (element.name !== 'a' || !element.attribs['href']) continue;
    const parent = element.parent?.type === 'tag' ? (element.parent as Element) : null;
    if (!parent || parent.name === 'li' || linksIn(parent).length > 1) return null;
    let target: URL;
    try {
      target = new URL(element.attribs['href'], page.url);
    } catch {
      return null;
    }
    const path = target.pathname.replace(/\/+$/, '');
    const name = cleanText(renderedText(element));
    const words = name.split(/\s+/).length;
    if (target.host !== host || path === '' || path === articlePath || name === '' || words > MAX_SECTION_BAR_WORDS || !/\p{L}/u.test(name)) return null;
    return inSentenceCase(name);
  }
  return null;
}

/** The links (with an href) inside a box. */
function linksIn(box: Element): Element[] {
  const links: Element[] = [];
  walkElements(box, (element) => {
    if (element.name === 'a' && element.attribs['href']) links.push(element);
  });
  return links;
}

/** The last section step of a heading printed as a link trail, for a page that states its section nowhere else. */
function sectionOfHeadingTrail($: CheerioAPI, page: PageIdentity, trace?: ExtractionTrace): string | null {
  const section = sectionSteps(headingTrail($, page), page).at(-1)?.name ?? null;
  if (section) trace?.chose('category', `heuristic: a heading printed as a link trail (${HEADINGS}: 2 to ${MAX_SECTION_BAR_LINKS} short links between trail marks)`, section);
  return section;
}

/** A menu entry's path without its page extension: "/xa-hoi.htm" and "/xa-hoi/" both name "/xa-hoi". */
function sectionPath(href: string, base: string): string | null {
  try {
    return new URL(href, base).pathname.replace(/\.[a-z]{2,5}$/i, '').replace(/\/+$/, '').toLowerCase();
  } catch {
    return null;
  }
}

/** What a menu entry links to: a link's address, or the value of a section drop-down's selected option (`a[href], option[selected][value]`). */
function menuEntryTarget(element: Element): string | undefined {
  if (element.name === 'a') return element.attribs['href'];
  if (element.name !== 'option') return undefined;
  const { href, selected, value } = element.attribs;
  return selected !== undefined && value !== undefined ? (href ?? value) : undefined;
}

/**
 * The run of a section path's last segment that a link to it spells as written (the longest part outside its
 * %-escapes: "the-gioi", "tr" of "/tr%e1%bb%8dng"): whatever the link writes in place of an escape, the URL parser
 * writes the other characters of the segment as they are given (in lower case here, as the paths are compared).
 */
function spelledPart(sectionPath: string): string {
  const segment = sectionPath.slice(sectionPath.lastIndexOf('/') + 1);
  return segment.split(/%[0-9a-f]{2}/).reduce((longest, part) => (part.length > longest.length ? part : longest), '');
}

/**
 * Whether a link may resolve to one of the section paths whose spelled parts are `spelled`, told without new URL()
 * (which on every link of a page cost as much as the rest of the section search): a resolved path's last segment
 * comes from the link itself, which then spells it, or from the page's address, when the link's path is empty or
 * its last segment a dot segment ("./", "..", "%2e") or an extension alone (".html", dropped as sectionPath drops
 * extensions): a last segment opening with a dot. The parser drops tabs and newlines, which may split a spelling:
 * such links are resolved too.
 */
function mayLinkToSection(target: string, spelled: readonly string[]): boolean {
  const lower = target.toLowerCase();
  for (const part of spelled) if (lower.includes(part)) return true;
  if (/[\t\n\r]/.test(target)) return true;
  const query = lower.search(/[?#]/);
  let end = query === -1 ? lower.length : query;
  // The parser trims spaces and controls from both ends; slashes close the segment before them.
  let start = 0;
  while (start < end && lower.charCodeAt(start) <= 0x20) start += 1;
  while (end > start && (lower.charCodeAt(end - 1) <= 0x20 || lower[end - 1] === '/' || lower[end - 1] === '\\')) end -= 1;
  const lastSegment = Math.max(start, lower.lastIndexOf('/', end - 1) + 1, lower.lastIndexOf('\\', end - 1) + 1);
  return end === start || lower[lastSegment] === '.' || lower.startsWith('%2e', lastSegment);
}

/**
 * The section the article's URL files it under ("/xa-hoi/bai-viet-123.htm" under "/xa-hoi"), named as the
 * site's own menu names it: the link (or the selected <option> of a section drop-down) to that section's page,
 * the deepest such section first ("/tin-tuc/gioi-sao/trong-nuoc/…" gives "Trong nước"). For pages that state
 * their section nowhere else (older templates). A name printed in capitals by a menu gives way to the same
 * link printed in natural case.
 */
function sectionOfUrl($: CheerioAPI, page: PageIdentity): string | null {
  if (!page.url) return null;
  const articlePath = pathOf(page.url);
  const segments = articlePath?.split('/').filter((segment) => segment !== '') ?? [];
  if (segments.length < 2) return null;
  const prefixes = segments.slice(0, -1).map((_, index) => `/${segments.slice(0, index + 1).join('/')}`.toLowerCase());
  const spelled = prefixes.map(spelledPart);
  const named = new Map<string, string[]>();
  for (const entry of pageElements($)) {
    const target = menuEntryTarget(entry);
    if (target === undefined || !mayLinkToSection(target, spelled)) continue;
    const path = sectionPath(target, page.url);
    if (path === null || !prefixes.includes(path)) continue;
    // "- Kinh doanh": a menu prints separators around its entries.
    const name = renderedText(entry).replace(/^[\s|/›»>–—-]+|[\s|/›»>–—-]+$/gu, '');
    if (name === '' || name.split(/\s+/).length > MAX_SECTION_WORDS) continue;
    named.set(path, [...(named.get(path) ?? []), name]);
  }
  for (const prefix of prefixes.reverse()) {
    const names = named.get(prefix);
    if (names) return names.find((name) => /\p{Ll}/u.test(name)) ?? inSentenceCase(names[0]!);
  }
  return null;
}

/**
 * A section name printed only in capitals (a menu's or label's style: "BẠN ĐỌC VIẾT") in the sentence case
 * Vietnamese writes section names in ("Bạn đọc viết"). Initials, runs without a vowel, stay as printed
 * ("BĐS", "TP.HCM").
 */
function inSentenceCase(name: string): string {
  if (/\p{Ll}/u.test(name)) return name;
  let first = true;
  return name.replace(/\p{L}+/gu, (run) => {
    if (!/[aeiouy]/i.test(stripDiacritics(run))) return run;
    const cased = first ? run.charAt(0) + run.slice(1).toLowerCase() : run.toLowerCase();
    first = false;
    return cased;
  });
}
