import * as z from './zod.ts';

/** The dataset contract (described field by field in docs/dataset.md): one JSON object per article, schemaVersion 1. */

/** The schema with a description, which the generated JSON Schema and docs/dataset.md carry. */
function described<T extends z.ZodMiniType>(schema: T, description: string): T {
  z.globalRegistry.add(schema, { description });
  return schema;
}

const isoWithOffset = z
  .string()
  .check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?([+-]\d{2}:\d{2}|Z)$/, 'ISO 8601 date-time with an offset'));
const isoUtc = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'ISO 8601 UTC date-time (…Z)'));
const absoluteUrl = () => z.string().check(z.url());

export const ARTICLE_FIELDS_THAT_CAN_BE_MISSING = [
  'title',
  'category',
  'tags',
  'lead',
  'dateline',
  'publishedAt',
  'updatedAt',
  'authors',
  'body',
  'images',
  'language',
  'canonicalUrl',
] as const;

export const SourceRefSchema = z.strictObject({
  id: described(z.string().check(z.regex(/^[a-z0-9][a-z0-9.-]*$/)), 'Stable source id, e.g. "baodanang"'),
  name: described(z.string(), 'Publisher name as it presents itself'),
  domain: described(z.string(), 'Registrable host, e.g. "baodanang.vn"'),
});

export const AuthorSchema = z.strictObject({
  name: described(z.string().check(z.minLength(1)), 'Name in natural case, e.g. "Ngọc Phú"'),
  raw: described(z.string().check(z.minLength(1)), 'Name as printed on the page, e.g. "NGỌC PHÚ"'),
});

export const ImageSchema = z.strictObject({
  url: described(absoluteUrl(), 'Absolute URL of the real image (never a lazy-load placeholder)'),
  caption: described(z.nullable(z.string()), 'Caption without the credit'),
  credit: described(z.nullable(z.string()), 'Photo credit as printed, e.g. "NGỌC PHÚ"'),
  alt: described(z.nullable(z.string()), 'The img alt text'),
});

export const ArticleSchema = z.strictObject({
  schemaVersion: z.literal(1),
  id: described(z.string().check(z.regex(/^[0-9a-f]{20}$/)), 'Stable id derived from the canonical URL'),
  url: described(absoluteUrl(), 'URL the page was fetched from'),
  canonicalUrl: described(absoluteUrl(), 'Canonical URL (the page\'s rel=canonical or og:url, else url)'),
  source: SourceRefSchema,
  feed: described(
    z.nullable(z.strictObject({ url: absoluteUrl(), guid: z.nullable(z.string()) })),
    'The feed or sitemap the article was discovered through',
  ),
  title: z.string().check(z.minLength(1)),
  category: described(z.nullable(z.string()), 'Section, e.g. "Chính trị"'),
  tags: z.array(z.string()),
  lead: described(z.nullable(z.string()), 'Sapo without the dateline prefix'),
  dateline: described(z.nullable(z.string()), 'Dateline prefix of the lead, e.g. "ĐNO", "TTO", "Dân trí"'),
  publishedAt: described(z.nullable(isoWithOffset), "Publish time with the publisher's own offset"),
  publishedAtUtc: described(z.nullable(isoUtc), 'publishedAt in UTC'),
  updatedAt: described(z.nullable(isoWithOffset), 'Last update time when the page gives one'),
  authors: z.array(AuthorSchema),
  body: z.strictObject({
    paragraphs: z.array(z.string().check(z.minLength(1))),
    text: described(z.string(), 'Paragraphs joined by a blank line'),
    wordCount: z.number().check(z.int(), z.nonnegative()),
  }),
  images: z.array(ImageSchema),
  language: described(z.nullable(z.string()), 'BCP 47 language tag, e.g. "vi"'),
  contentHash: described(z.string().check(z.regex(/^[0-9a-f]{64}$/)), 'sha256 of the normalized content fields'),
  fetchedAt: isoUtc,
  extractor: z.strictObject({
    name: described(z.string(), 'Adapter id and layout, or "generic"'),
    version: z.string(),
  }),
  missing: described(z.array(z.enum(ARTICLE_FIELDS_THAT_CAN_BE_MISSING)), 'Fields the extractor could not find'),
});

/**
 * An article read from a saved page whose URL is unknown (`news-ingest extract` without --url, on a page with
 * no canonical link or og:url). Its id comes from its content; its source is unknown; relative links on the
 * page could not be resolved, so pictures given by a relative address are left out. Never stored: `ingest`
 * always knows the URL.
 */
export const UrlLessArticleSchema = z.extend(ArticleSchema, {
  id: described(z.string().check(z.regex(/^[0-9a-f]{20}$/)), 'Derived from the content (the URL is unknown)'),
  url: described(z.null(), 'Unknown: the page was read from a file without its URL'),
  canonicalUrl: described(z.nullable(absoluteUrl()), 'An absolute canonical URL the page names in its JSON-LD, if any'),
  source: described(z.null(), 'Unknown without the URL'),
});

export type Article = z.infer<typeof ArticleSchema>;
export type UrlLessArticle = z.infer<typeof UrlLessArticleSchema>;
export type Author = z.infer<typeof AuthorSchema>;
export type ArticleImage = z.infer<typeof ImageSchema>;
export type SourceRef = z.infer<typeof SourceRefSchema>;
export type MissingField = (typeof ARTICLE_FIELDS_THAT_CAN_BE_MISSING)[number];

/** Validates an article before it is printed or written; throws a readable error naming each bad field. */
export function validateArticle(candidate: unknown): Article {
  const result = ArticleSchema.safeParse(candidate);
  if (!result.success) {
    throw new Error(`article does not match schema v1: ${z.describeIssues(result.error.issues)}`);
  }
  return result.data;
}

export function validateUrlLessArticle(candidate: unknown): UrlLessArticle {
  const result = UrlLessArticleSchema.safeParse(candidate);
  if (!result.success) {
    throw new Error(`article does not match the URL-less article schema: ${z.describeIssues(result.error.issues)}`);
  }
  return result.data;
}

/** One line of JSON, as Athena's JSON SerDe needs. */
export function serializeArticle(article: Article): string {
  return JSON.stringify(validateArticle(article));
}
