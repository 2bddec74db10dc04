import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DATASET_DOCS_PATH, renderDatasetDocs, renderFieldTable } from '../../lib/dataset/docs.ts';

const schema = JSON.parse(readFileSync('schema/article.v1.json', 'utf8')) as { properties: Record<string, { properties?: Record<string, unknown> }> };

describe('docs/dataset.md', () => {
  it('is exactly what npm run docs generates from the schema', () => {
    expect(readFileSync(DATASET_DOCS_PATH, 'utf8')).toBe(renderDatasetDocs());
  });

  it('documents every field of the schema, nested ones included', () => {
    const table = renderFieldTable(schema as Parameters<typeof renderFieldTable>[0]);
    for (const [name, property] of Object.entries(schema.properties)) {
      expect(table).toContain(`| \`${name}\` |`);
      for (const nested of Object.keys(property.properties ?? {})) expect(table).toContain(`| \`${name}.${nested}\` |`);
    }
    expect(table).toContain('| `authors[].name` | string |');
    expect(table).toContain('| `publishedAt` | string | null when not found |');
  });

  it('has the key layout, the Athena examples and the consumer', () => {
    const docs = renderDatasetDocs();
    expect(docs).toContain('articles/v2/<xx>/<articleId>.json');
    expect(docs).toContain('news-ingest migrate');
    expect(docs).toContain('articles-daily/v1/source=<id>/date=<YYYY-MM-DD>/part-00000.ndjson.gz');
    expect(docs).toContain('### Articles missing a date or byline');
    expect(docs).toContain('export async function* readDay(');
  });
});
