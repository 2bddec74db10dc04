import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ArticleSchema, serializeArticle, validateArticle } from '../../lib/schema/article.ts';
import { ARTICLE_JSON_SCHEMA_PATH, renderArticleJsonSchema } from '../../lib/schema/json-schema.ts';
import { articleIdFor } from '../../lib/schema/ids.ts';

const validArticle = {
  schemaVersion: 1,
  id: articleIdFor('https://baodanang.vn/lam-tot-cong-tac-3990001.html'),
  url: 'https://baodanang.vn/lam-tot-cong-tac-3990001.html?utm_source=rss',
  canonicalUrl: 'https://baodanang.vn/lam-tot-cong-tac-3990001.html',
  source: { id: 'baodanang', name: 'Báo Đà Nẵng', domain: 'baodanang.vn' },
  feed: null,
  title: 'Làm tốt công tác tham mưu',
  category: 'Chính trị',
  tags: [],
  lead: 'Chiều 18-10, …',
  dateline: 'ĐNO',
  publishedAt: '2024-10-18T19:14:00+07:00',
  publishedAtUtc: '2024-10-18T12:14:00.000Z',
  updatedAt: null,
  authors: [{ name: 'Ngọc Phú', raw: 'NGỌC PHÚ' }],
  body: { paragraphs: ['Một đoạn.'], text: 'Một đoạn.', wordCount: 2 },
  images: [],
  language: 'vi',
  contentHash: 'a'.repeat(64),
  fetchedAt: '2026-11-26T00:00:00.000Z',
  extractor: { name: 'baodanang/2024', version: '1' },
  missing: ['tags', 'updatedAt', 'images'],
};

describe('Article schema v1', () => {
  it('the committed JSON Schema is exactly what the zod schema generates (run npm run schema:generate)', () => {
    expect(readFileSync(ARTICLE_JSON_SCHEMA_PATH, 'utf8')).toBe(renderArticleJsonSchema());
  });

  it('accepts a complete article and serializes it on one line', () => {
    const line = serializeArticle(ArticleSchema.parse(validArticle));
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual(validArticle);
  });

  it('rejects a publish time without an offset, naming the field', () => {
    expect(() => validateArticle({ ...validArticle, publishedAt: '2024-10-18 19:14' })).toThrow(/publishedAt/);
  });

  it('rejects unknown fields and unknown missing[] names', () => {
    expect(() => validateArticle({ ...validArticle, extra: 1 })).toThrow(/schema v1/);
    expect(() => validateArticle({ ...validArticle, missing: ['nonsense'] })).toThrow(/missing/);
  });

  it('gives the same id to the same article reached through tracking parameters or a fragment', () => {
    expect(articleIdFor('https://BAODANANG.vn/a-1.html?utm_source=x&fbclid=y#top')).toBe(
      articleIdFor('https://baodanang.vn/a-1.html'),
    );
    expect(articleIdFor('https://baodanang.vn/a-1.html')).not.toBe(articleIdFor('https://baodanang.vn/a-2.html'));
  });
});
