import * as z from './zod.ts';
import { ArticleSchema } from './article.ts';

export const ARTICLE_JSON_SCHEMA_PATH = 'schema/article.v1.json';

/** The JSON Schema of the Article, generated from the zod schema (the zod schema is the source of truth). */
export function articleJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ArticleSchema, { target: 'draft-2020-12' }),
    $id: 'https://github.com/news-ingest/news-ingest/schema/article.v1.json',
    title: 'news-ingest Article, schemaVersion 1',
  };
}

export function renderArticleJsonSchema(): string {
  return `${JSON.stringify(articleJsonSchema(), null, 2)}\n`;
}
