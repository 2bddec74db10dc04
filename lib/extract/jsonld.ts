import type { CheerioAPI } from 'cheerio';
import { collapseWhitespace, decodeEntities } from '../normalize/text.ts';
import { elementsByTag, nodeText } from './dom.ts';

/** The article fields a page's JSON-LD gives, as raw (but entity-decoded, NFC) strings. */
export interface JsonLdArticle {
  /** schema.org type of the chosen node, e.g. "NewsArticle" */
  type: string;
  headline: string | null;
  description: string | null;
  /** raw strings as the page gives them; resolved by the caller */
  datePublished: string | null;
  dateModified: string | null;
  /** names of the author entries that are not organizations */
  authors: string[];
  /** names of author entries typed as an organization (a byline of the paper, not of a person) */
  organizationAuthors: string[];
  section: string | null;
  keywords: string[];
  images: { url: string; caption: string | null }[];
  url: string | null;
  inLanguage: string | null;
  publisherName: string | null;
}

/** Article-like schema.org types, best first: a page that has a NewsArticle and a WebPage is a NewsArticle. */
const ARTICLE_TYPES = [
  'NewsArticle',
  'ReportageNewsArticle',
  'AnalysisNewsArticle',
  'OpinionNewsArticle',
  'BackgroundNewsArticle',
  'ReviewNewsArticle',
  'LiveBlogPosting',
  'Article',
  'BlogPosting',
  'Report',
  'ScholarlyArticle',
  'TechArticle',
  'SocialMediaPosting',
];

type JsonObject = Record<string, unknown>;

const JSON_LD_TYPE = 'application/ld+json';

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Repairs what CMSs commonly break in hand-assembled JSON-LD: raw control characters inside strings,
 * trailing commas, a comma missing at the end of a line, HTML comment / CDATA wrappers. Only used after a strict parse has failed.
 */
export function repairJson(text: string): string {
  const unwrapped = text
    .trim()
    .replace(/^<!--|-->$/g, '')
    .replace(/^\s*\/\/\s*<!\[CDATA\[|\/\/\s*\]\]>\s*$/g, '')
    .replace(/^<!\[CDATA\[|\]\]>$/g, '')
    .replace(/;\s*$/, '');
  let out = '';
  let inString = false;
  for (let index = 0; index < unwrapped.length; index += 1) {
    const char = unwrapped[index]!;
    if (inString) {
      if (char === '\\') {
        out += char + (unwrapped[index + 1] ?? '');
        index += 1;
        continue;
      }
      if (char === '"') inString = false;
      if (char === '\n') out += '\\n';
      else if (char === '\r') out += '\\r';
      else if (char === '\t') out += '\\t';
      else if (char < ' ') out += ' ';
      else out += char;
      continue;
    }
    if (char === '"') inString = true;
    out += char;
  }
  // Raw newlines are now only between tokens: a value followed on the next line by a key with no comma
  // between ("@id": "…"⏎ "name": "…") lost its comma.
  return out.replace(/,(\s*[}\]])/g, '$1').replace(/(["\d}\]]|true|false|null)(\s*\n\s*)(?="[^"\n]*"\s*:)/g, '$1,$2');
}

function parseBlock(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    try {
      return JSON.parse(repairJson(text));
    } catch {
      return undefined;
    }
  }
}

/** Every object node of a JSON-LD value: arrays, @graph, and nested mainEntity / mainEntityOfPage / breadcrumb (a WebPage's trail). */
function collectNodes(value: unknown, into: JsonObject[], depth = 0): void {
  if (depth > 6) return;
  if (Array.isArray(value)) {
    for (const item of value) collectNodes(item, into, depth + 1);
    return;
  }
  if (!isObject(value)) return;
  into.push(value);
  for (const key of ['@graph', 'mainEntity', 'mainEntityOfPage', 'breadcrumb']) {
    if (key in value) collectNodes(value[key], into, depth + 1);
  }
}

function typesOf(node: JsonObject): string[] {
  const raw = node['@type'];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.filter((entry): entry is string => typeof entry === 'string').map((entry) => entry.replace(/^.*[/:]/, ''));
}

function clean(text: string): string {
  return collapseWhitespace(decodeEntities(text).normalize('NFC'));
}

function stringOf(value: unknown): string | null {
  if (typeof value === 'string') {
    const cleaned = clean(value);
    return cleaned === '' ? null : cleaned;
  }
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = stringOf(item);
      if (found) return found;
    }
    return null;
  }
  if (isObject(value)) return stringOf(value['@value'] ?? value['name']);
  return null;
}

/** Nodes by @id: Yoast-style graphs name the author, publisher and image only by reference. */
type NodeIndex = Map<string, JsonObject>;

function dereference(value: unknown, index: NodeIndex): unknown {
  if (!isObject(value) || typeof value['@id'] !== 'string') return value;
  const target = index.get(value['@id']);
  return target ? { ...target, ...value } : value;
}

function namesOf(value: unknown, index: NodeIndex): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => namesOf(item, index));
  value = dereference(value, index);
  if (typeof value === 'string') {
    const name = clean(value);
    return name && !/^https?:\/\//.test(name) ? [name] : [];
  }
  if (isObject(value)) {
    const name = stringOf(value['name']);
    if (name) return [name];
    const given = stringOf(value['givenName']);
    const family = stringOf(value['familyName']);
    const joined = [given, family].filter(Boolean).join(' ');
    return joined ? [joined] : [];
  }
  return [];
}

/** schema.org types of organizations: an author entry of one of these names no person. */
const ORGANIZATION_TYPES = new Set(['Organization', 'NewsMediaOrganization', 'Corporation', 'GovernmentOrganization', 'EducationalOrganization', 'NGO', 'OnlineBusiness', 'LocalBusiness']);

/** The names of the article's author (or creator) entries that are organizations, or that are not. */
function authorsOf(article: JsonObject, index: NodeIndex, organizations: boolean): string[] {
  const raw = article['author'] ?? article['creator'];
  const entries = (Array.isArray(raw) ? raw : [raw]).map((entry) => dereference(entry, index));
  return entries
    .filter((entry) => (isObject(entry) && typesOf(entry).some((type) => ORGANIZATION_TYPES.has(type))) === organizations)
    .flatMap((entry) => namesOf(entry, index));
}

function keywordsOf(value: unknown): string[] {
  const raw = Array.isArray(value) ? value.flatMap((item) => (typeof item === 'string' ? [item] : [])) : typeof value === 'string' ? value.split(',') : [];
  return [...new Set(raw.map(clean).filter((keyword) => keyword !== ''))];
}

function imagesOf(value: unknown, index: NodeIndex): { url: string; caption: string | null }[] {
  if (Array.isArray(value)) return value.flatMap((item) => imagesOf(item, index));
  value = dereference(value, index);
  if (typeof value === 'string') {
    const url = value.trim();
    return url ? [{ url, caption: null }] : [];
  }
  if (isObject(value)) {
    const url = stringOf(value['url']) ?? stringOf(value['contentUrl']);
    if (!url) return [];
    return [{ url, caption: stringOf(value['caption']) ?? stringOf(value['description']) }];
  }
  return [];
}

function urlOf(node: JsonObject): string | null {
  const direct = stringOf(node['url']);
  if (direct && /^https?:\/\//.test(direct)) return direct;
  const page = node['mainEntityOfPage'];
  if (typeof page === 'string' && /^https?:\/\//.test(page)) return page.trim();
  if (isObject(page)) {
    const id = stringOf(page['@id']) ?? stringOf(page['url']);
    if (id && /^https?:\/\//.test(id)) return id;
  }
  return null;
}

function rank(node: JsonObject): number {
  const best = Math.min(...typesOf(node).map((type) => ARTICLE_TYPES.indexOf(type)).filter((index) => index >= 0));
  if (!Number.isFinite(best)) return -1;
  // A complete node beats a bare one of a better type (e.g. an empty Article stub beside a full NewsArticle).
  const completeness = (node['headline'] ? 2 : 0) + (node['datePublished'] ? 2 : 0) + (node['author'] ? 1 : 0);
  return completeness * 100 + (ARTICLE_TYPES.length - best);
}

/**
 * Read once per page: the adapter run, the not-an-article check and the generic path all ask for it. Keyed
 * by the loaded page's `$` (as the page's element index is, in dom.ts): `$.root()` builds a wrapper per call.
 */
const ARTICLE_BY_PAGE = new WeakMap<CheerioAPI, JsonLdArticle | null>();

/**
 * The page's JSON-LD article, from all `<script type="application/ld+json">` blocks. A block that
 * cannot be parsed even after repair is skipped; the others still count. The same object is returned
 * on every call for one loaded page: callers read it, never change it.
 */
export function readJsonLdArticle($: CheerioAPI): JsonLdArticle | null {
  const known = ARTICLE_BY_PAGE.get($);
  if (known !== undefined) return known;
  const article = jsonLdArticleOf($);
  ARTICLE_BY_PAGE.set($, article);
  return article;
}

/** Every JSON-LD node of the page, parsed once per page (the article and the breadcrumb both read them). */
const NODES_BY_PAGE = new WeakMap<CheerioAPI, JsonObject[]>();

function jsonLdNodes($: CheerioAPI): JsonObject[] {
  let nodes = NODES_BY_PAGE.get($);
  if (nodes) return nodes;
  nodes = [];
  for (const element of elementsByTag($, 'script')) {
    const type = element.attribs['type'];
    if (type === undefined || type.length !== JSON_LD_TYPE.length || type.toLowerCase() !== JSON_LD_TYPE) continue;
    collectNodes(parseBlock(nodeText(element)), nodes);
  }
  NODES_BY_PAGE.set($, nodes);
  return nodes;
}

/** One step of a breadcrumb trail: its name and, when given, the URL it links to. */
export interface BreadcrumbStep {
  name: string;
  url: string | null;
}

/**
 * The page's JSON-LD BreadcrumbList, in position order (the first list when there are several); [] when
 * it has none. Steps without a name are left out.
 */
export function readJsonLdBreadcrumb($: CheerioAPI): BreadcrumbStep[] {
  const list = jsonLdNodes($).find((node) => typesOf(node).includes('BreadcrumbList'));
  const items = list?.['itemListElement'];
  if (!Array.isArray(items)) return [];
  const steps = items.filter(isObject).map((item, order) => {
    const target = isObject(item['item']) ? item['item'] : null;
    const name = stringOf(item['name']) ?? (target ? stringOf(target['name']) : null);
    const url = (target ? stringOf(target['@id']) ?? stringOf(target['url']) : stringOf(item['item'])) ?? stringOf(item['url']);
    const position = Number(item['position']);
    return { name, url, position: Number.isFinite(position) ? position : order };
  });
  return steps
    .sort((a, b) => a.position - b.position)
    .flatMap((step) => (step.name ? [{ name: step.name, url: step.url }] : []));
}

function jsonLdArticleOf($: CheerioAPI): JsonLdArticle | null {
  const nodes = jsonLdNodes($);
  let chosen: JsonObject | null = null;
  let chosenRank = -1;
  for (const node of nodes) {
    const nodeRank = rank(node);
    if (nodeRank > chosenRank) {
      chosen = node;
      chosenRank = nodeRank;
    }
  }
  if (!chosen) return null;
  const index: NodeIndex = new Map();
  for (const node of nodes) {
    if (typeof node['@id'] === 'string' && Object.keys(node).length > 1 && !index.has(node['@id'])) index.set(node['@id'], node);
  }
  const section = chosen['articleSection'];
  return {
    type: typesOf(chosen).find((type) => ARTICLE_TYPES.includes(type)) ?? 'Article',
    headline: stringOf(chosen['headline']) ?? stringOf(chosen['name']),
    description: stringOf(chosen['description']) ?? stringOf(chosen['abstract']),
    datePublished: stringOf(chosen['datePublished']) ?? stringOf(chosen['dateCreated']),
    dateModified: stringOf(chosen['dateModified']),
    authors: [...new Set(authorsOf(chosen, index, false))],
    organizationAuthors: [...new Set(authorsOf(chosen, index, true))],
    section: stringOf(section),
    keywords: keywordsOf(chosen['keywords']),
    images: imagesOf(chosen['image'], index),
    url: urlOf(chosen),
    inLanguage: stringOf(chosen['inLanguage']),
    publisherName: namesOf(chosen['publisher'], index)[0] ?? null,
  };
}
