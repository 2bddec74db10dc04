import { DateTime } from 'luxon';
import { validateArticle, validateUrlLessArticle, type Article, type MissingField, type SourceRef, type UrlLessArticle } from '../schema/article.ts';
import { articleIdFor, sha256Hex } from '../schema/ids.ts';
import { countWords } from '../normalize/words.ts';
import { splitDateline } from '../normalize/dateline.ts';
import type { ExtractedFields, ExtractorIdentity } from './types.ts';

export interface AssembleInput {
  fields: ExtractedFields;
  url: string;
  source: SourceRef;
  feed: { url: string; guid: string | null } | null;
  fetchedAt: Date;
  extractor: ExtractorIdentity;
}

/**
 * The content a reader sees, in a fixed key order, for contentHash. Image URLs are left out (CDNs
 * re-sign and resize them without any edit) and so is updatedAt (sites bump it without changing a word),
 * so a re-fetch only counts as a revision when the article itself changed.
 */
function contentFingerprint(article: Omit<Article, 'contentHash' | 'id' | 'url' | 'canonicalUrl' | 'source'>): string {
  return JSON.stringify([
    article.title,
    article.category,
    article.tags,
    article.lead,
    article.dateline,
    article.publishedAt,
    article.authors.map((author) => [author.name, author.raw]),
    article.body.paragraphs,
    article.images.map((image) => [image.caption, image.credit]),
  ]);
}

/** The schema's date-time with an offset (lib/schema/article.ts), the form extraction writes: wall time, milliseconds, offset. */
const ISO_WITH_OFFSET = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.\d{3})?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * The instant a date-time of the schema's form names, in epoch milliseconds, read by Date.parse (several times
 * faster than luxon, which reads this form the same way); null for any other form, or a wall time that does
 * not exist (February 30, 24:00): luxon reads those, as before.
 */
function instantOf(iso: string): number | null {
  const match = ISO_WITH_OFFSET.exec(iso);
  if (!match) return null;
  const millis = Date.parse(iso);
  if (Number.isNaN(millis)) return null;
  const offsetMinutes = match[2] === undefined ? 0 : (match[2] === '-' ? -1 : 1) * (Number(match[3]) * 60 + Number(match[4]));
  // Date.parse rolls a day or hour that does not exist over into the next: the wall time must read back unchanged.
  return new Date(millis + offsetMinutes * 60_000).toISOString().slice(0, 19) === match[1] ? millis : null;
}

function utcOf(iso: string): string {
  const instant = instantOf(iso);
  if (instant !== null) return new Date(instant).toISOString();
  const parsed = DateTime.fromISO(iso, { setZone: true });
  if (!parsed.isValid) throw new Error(`publishedAt is not an ISO date: ${iso}`);
  return parsed.toUTC().toISO()!;
}

function millisOf(iso: string): number {
  return instantOf(iso) ?? DateTime.fromISO(iso).toMillis();
}

/** A "modified" time equal to the publish time is not an update. */
function realUpdate(publishedAt: string | null, updatedAt: string | null): string | null {
  if (!updatedAt) return null;
  if (publishedAt && millisOf(updatedAt) === millisOf(publishedAt)) return null;
  return updatedAt;
}

/**
 * A line of search keywords printed where the sapo goes ("Khoa Học Phổ Thông, khoa học, tạp chí, tin tức":
 * a stock line a CMS sets on migrated articles): three or more short comma-separated items (at most four
 * words each) and no sentence mark. A sapo summarizes in sentences, so this is no lead.
 */
function isKeywordLine(text: string): boolean {
  const items = text.trim().split(/\s*,\s*/u);
  return items.length >= 3 && !/[.!?:;…]/u.test(text) && items.every((item) => item !== '' && item.split(/\s+/u).length <= 4);
}

/**
 * Word's "<o:p>" tag, pasted into a sapo field the CMS escapes, prints as text at the end of a lead ("… viêm
 * đường hô hấp. <_o3a_p>", the ":" written "_o3a_"): markup, not the lead's words.
 */
const OFFICE_TAG_AS_TEXT = /\s*<\/?(?:o:p|_o3a_p)>\s*/giu;

function withoutOfficeTagText(text: string): string {
  return text.replace(OFFICE_TAG_AS_TEXT, ' ').trim();
}

/**
 * On a Vietnamese page with no lead, the dateline opens the first body paragraph ("KHPT-Lòng bàn chân…"):
 * the same rule as a lead's dateline (normalize/dateline.ts) moves it out of the paragraph.
 */
function datelineOpeningBody(paragraphs: string[]): { paragraphs: string[]; dateline: string | null } {
  const [first, ...rest] = paragraphs;
  if (first === undefined) return { paragraphs, dateline: null };
  const split = splitDateline(first);
  return split.dateline ? { paragraphs: [split.lead, ...rest], dateline: split.dateline } : { paragraphs, dateline: null };
}

/** The article's fields as the page gives them, ids and URLs left to the caller; `missing` filled in. */
function contentOf(fields: ExtractedFields, input: Omit<AssembleInput, 'fields' | 'url' | 'source'>): Omit<Article, 'contentHash' | 'id' | 'url' | 'canonicalUrl' | 'source'> {
  if (!fields.title) throw new Error('cannot assemble an article without a title');
  let { lead, dateline } = fields;
  if (lead) lead = withoutOfficeTagText(lead) || null;
  if (lead && isKeywordLine(lead)) lead = null;
  if (lead && !dateline) {
    const split = splitDateline(lead);
    lead = split.lead || null;
    dateline = split.dateline;
  }
  let paragraphs = fields.paragraphs;
  if (!lead && !dateline && fields.language === 'vi') ({ paragraphs, dateline } = datelineOpeningBody(paragraphs));
  const text = paragraphs.join('\n\n');
  const content = {
    schemaVersion: 1 as const,
    feed: input.feed,
    title: fields.title,
    category: fields.category,
    tags: [...new Set(fields.tags)],
    lead,
    dateline,
    publishedAt: fields.publishedAt,
    publishedAtUtc: fields.publishedAt ? utcOf(fields.publishedAt) : null,
    updatedAt: realUpdate(fields.publishedAt, fields.updatedAt),
    authors: fields.authors,
    body: { paragraphs, text, wordCount: countWords(text) },
    images: fields.images,
    language: fields.language,
    fetchedAt: input.fetchedAt.toISOString(),
    extractor: input.extractor,
    missing: [] as MissingField[],
  };
  const missing: MissingField[] = [];
  if (!fields.canonicalUrl) missing.push('canonicalUrl');
  if (!content.category) missing.push('category');
  if (content.tags.length === 0) missing.push('tags');
  if (!content.lead) missing.push('lead');
  if (!content.dateline) missing.push('dateline');
  if (!content.publishedAt) missing.push('publishedAt');
  if (!content.updatedAt) missing.push('updatedAt');
  if (content.authors.length === 0) missing.push('authors');
  if (paragraphs.length === 0) missing.push('body');
  if (content.images.length === 0) missing.push('images');
  if (!content.language) missing.push('language');
  content.missing = missing;
  return content;
}

/** Builds the schema-checked Article from extracted fields; throws naming each field that breaks the contract. */
export function assembleArticle(input: AssembleInput): Article {
  const canonicalUrl = input.fields.canonicalUrl ?? input.url;
  const draft: Omit<Article, 'contentHash'> = {
    ...contentOf(input.fields, input),
    id: articleIdFor(canonicalUrl),
    url: input.url,
    canonicalUrl,
    source: input.source,
  };
  return validateArticle({ ...draft, contentHash: sha256Hex(contentFingerprint(draft)) });
}

/** The same for a page whose URL is unknown: the id is the start of the content hash, the URL and source are null. */
export function assembleUrlLessArticle(input: Omit<AssembleInput, 'url' | 'source'>): UrlLessArticle {
  const content = contentOf(input.fields, input);
  const contentHash = sha256Hex(contentFingerprint(content));
  return validateUrlLessArticle({
    ...content,
    id: contentHash.slice(0, 20),
    url: null,
    canonicalUrl: input.fields.canonicalUrl,
    source: null,
    contentHash,
  });
}
