import { z } from 'zod';

/** The dataset contract (DESIGN.md): one JSON object per article, schemaVersion 1. */

const isoWithOffset = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?([+-]\d{2}:\d{2}|Z)$/, 'ISO 8601 date-time with an offset');
const isoUtc = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'ISO 8601 UTC date-time (…Z)');

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

export const SourceRefSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/).describe('Stable source id, e.g. "baodanang"'),
    name: z.string().describe('Publisher name as it presents itself'),
    domain: z.string().describe('Registrable host, e.g. "baodanang.vn"'),
  })
  .strict();

export const AuthorSchema = z
  .object({
    name: z.string().min(1).describe('Name in natural case, e.g. "Ngọc Phú"'),
    raw: z.string().min(1).describe('Name as printed on the page, e.g. "NGỌC PHÚ"'),
  })
  .strict();

export const ImageSchema = z
  .object({
    url: z.string().url().describe('Absolute URL of the real image (never a lazy-load placeholder)'),
    caption: z.string().nullable().describe('Caption without the credit'),
    credit: z.string().nullable().describe('Photo credit as printed, e.g. "NGỌC PHÚ"'),
    alt: z.string().nullable().describe('The img alt text'),
  })
  .strict();

export const ArticleSchema = z
  .object({
    schemaVersion: z.literal(1),
    id: z.string().regex(/^[0-9a-f]{20}$/).describe('Stable id derived from the canonical URL'),
    url: z.string().url().describe('URL the page was fetched from'),
    canonicalUrl: z.string().url().describe('Canonical URL (the page\'s rel=canonical or og:url, else url)'),
    source: SourceRefSchema,
    feed: z
      .object({ url: z.string().url(), guid: z.string().nullable() })
      .strict()
      .nullable()
      .describe('The feed or sitemap the article was discovered through'),
    title: z.string().min(1),
    category: z.string().nullable().describe('Section, e.g. "Chính trị"'),
    tags: z.array(z.string()),
    lead: z.string().nullable().describe('Sapo without the dateline prefix'),
    dateline: z.string().nullable().describe('Dateline prefix of the lead, e.g. "ĐNO", "TTO", "Dân trí"'),
    publishedAt: isoWithOffset.nullable().describe("Publish time with the publisher's own offset"),
    publishedAtUtc: isoUtc.nullable().describe('publishedAt in UTC'),
    updatedAt: isoWithOffset.nullable().describe('Last update time when the page gives one'),
    authors: z.array(AuthorSchema),
    body: z
      .object({
        paragraphs: z.array(z.string().min(1)),
        text: z.string().describe('Paragraphs joined by a blank line'),
        wordCount: z.number().int().nonnegative(),
      })
      .strict(),
    images: z.array(ImageSchema),
    language: z.string().nullable().describe('BCP 47 language tag, e.g. "vi"'),
    contentHash: z.string().regex(/^[0-9a-f]{64}$/).describe('sha256 of the normalized content fields'),
    fetchedAt: isoUtc,
    extractor: z
      .object({ name: z.string().describe('Adapter id and layout, or "generic"'), version: z.string() })
      .strict(),
    missing: z.array(z.enum(ARTICLE_FIELDS_THAT_CAN_BE_MISSING)).describe('Fields the extractor could not find'),
  })
  .strict();

export type Article = z.infer<typeof ArticleSchema>;
export type Author = z.infer<typeof AuthorSchema>;
export type ArticleImage = z.infer<typeof ImageSchema>;
export type SourceRef = z.infer<typeof SourceRefSchema>;
export type MissingField = (typeof ARTICLE_FIELDS_THAT_CAN_BE_MISSING)[number];

/** Validates an article before it is printed or written; throws a readable error naming each bad field. */
export function validateArticle(candidate: unknown): Article {
  const result = ArticleSchema.safeParse(candidate);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`article does not match schema v1: ${problems.join('; ')}`);
  }
  return result.data;
}

/** One line of JSON, as Athena's JSON SerDe needs. */
export function serializeArticle(article: Article): string {
  return JSON.stringify(validateArticle(article));
}
