import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractArticle, NotAnArticleError } from '../../lib/extract/index.ts';
import { countWords } from '../../lib/normalize/words.ts';
import { serializeArticle, validateArticle, type Article, type MissingField } from '../../lib/schema/article.ts';

/**
 * extractArticle on arbitrary strings and on real pages mangled at random (cut short, tags duplicated,
 * chunks dropped, re-encoded as NFD): it returns an article whose fields agree with each other (see
 * expectArticleOrNotAnArticle) or throws NotAnArticleError, never anything else. numRuns is bounded: each run parses a whole page.
 */

const FIXTURES = new URL('../fixtures/', import.meta.url);
const PAGES = [
  'seed/baodanang-2024-10-18.onecms.html',
  'seed/baodanang-2024-10-18.pre2025.html',
  'onecms/nguoiquansat-article-314409-2026-new-template.EXCERPT.html',
  'pages/vnexpress_article.html',
  'pages/tuoitre_article.html',
  'pages/vietnamnet_article.html',
  'pages/nld_article.html',
  'pages/dantri_article.html',
  'pages/vnexpress_list.html',
].map((file) => {
  const html = readFileSync(new URL(file, FIXTURES), 'utf8');
  // Each page under its own URL, so its publisher's adapter (not only the generic path) is exercised.
  const url = /<link\b[^>]*rel="canonical"[^>]*href="([^"]+)"/i.exec(html)?.[1] ?? 'https://example.com/article.html';
  return { file, html, url };
});

const FETCHED_AT = new Date('2024-10-18T13:00:00Z');
const ARBITRARY_PAGE_URL = 'https://baodanang.vn/lam-tot-cong-tac-tham-muu-3264187.html';

/** Every string in the article, wherever it sits. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** Whether the article has nothing for a field that `missing` may name (canonicalUrl falls back to url). */
function isEmpty(article: Article, field: MissingField): boolean {
  if (field === 'canonicalUrl') return article.canonicalUrl === article.url;
  if (field === 'body') return article.body.paragraphs.length === 0;
  const value = article[field];
  return value === null || (Array.isArray(value) && value.length === 0);
}

/**
 * The only outcomes allowed: NotAnArticleError, or an article whose stored line reads back as the same
 * article, all in NFC, with trimmed non-empty texts, a body text and word count that agree with its
 * paragraphs, a UTC time at the same instant as the publisher's, and `missing` naming exactly the empty fields.
 */
function expectArticleOrNotAnArticle(html: string, url: string): Article | null {
  let article: Article;
  try {
    article = extractArticle(html, { url, fetchedAt: FETCHED_AT, feed: null });
  } catch (error) {
    if (error instanceof NotAnArticleError) return null;
    throw error;
  }
  const line = serializeArticle(article);
  expect(line.trimEnd()).not.toContain('\n');
  expect(validateArticle(JSON.parse(line))).toEqual(article);
  for (const text of strings(article)) expect(text === text.normalize('NFC'), `not NFC: ${JSON.stringify(text.slice(0, 60))}`).toBe(true);
  const texts = [article.title, ...article.body.paragraphs, ...article.tags, ...article.authors.flatMap((author) => [author.name, author.raw])];
  for (const text of texts) expect(text !== '' && text === text.trim(), `untrimmed or empty: ${JSON.stringify(text.slice(0, 60))}`).toBe(true);
  expect(article.body.text).toBe(article.body.paragraphs.join('\n\n'));
  expect(article.body.wordCount).toBe(countWords(article.body.text));
  expect(article.publishedAtUtc === null ? null : Date.parse(article.publishedAtUtc)).toBe(
    article.publishedAt === null ? null : Date.parse(article.publishedAt),
  );
  const empty = (['category', 'tags', 'lead', 'dateline', 'publishedAt', 'updatedAt', 'authors', 'body', 'images', 'language'] as const).filter((field) =>
    isEmpty(article, field),
  );
  expect(article.missing.filter((field) => field !== 'canonicalUrl' && field !== 'title')).toEqual(empty);
  if (article.missing.includes('canonicalUrl')) expect(article.canonicalUrl).toBe(article.url);
  return article;
}

type Mangle = (html: string) => string;

/** A cut, a duplicated run, a dropped run, or the whole page in NFD: positions are fractions of the page. */
const mangle: fc.Arbitrary<{ label: string; apply: Mangle }> = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }).map((at) => ({
    label: `cut at ${at.toFixed(3)}`,
    apply: (html: string) => html.slice(0, Math.floor(html.length * at)),
  })),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 4000 }), fc.double({ min: 0, max: 1, noNaN: true })).map(([from, length, to]) => ({
    label: `copy ${length} chars from ${from.toFixed(3)} to ${to.toFixed(3)}`,
    apply: (html: string) => {
      const start = Math.floor(html.length * from);
      const insertAt = Math.floor(html.length * to);
      return html.slice(0, insertAt) + html.slice(start, start + length) + html.slice(insertAt);
    },
  })),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 20000 })).map(([from, length]) => ({
    label: `drop ${length} chars at ${from.toFixed(3)}`,
    apply: (html: string) => {
      const start = Math.floor(html.length * from);
      return html.slice(0, start) + html.slice(start + length);
    },
  })),
  fc.constant({ label: 'NFD', apply: (html: string) => html.normalize('NFD') }),
);

describe('extractArticle on mangled real pages', () => {
  it('returns a consistent NFC article that reads back as itself, or throws NotAnArticleError', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PAGES), fc.array(mangle, { minLength: 1, maxLength: 3 }), (page, mangles) => {
        const html = mangles.reduce((current, { apply }) => apply(current), page.html);
        expectArticleOrNotAnArticle(html, page.url);
      }),
      { numRuns: 150 },
    );
  });

  it('gives the same article for a page in NFD as in NFC', () => {
    for (const page of PAGES.slice(0, 3)) {
      const nfc = expectArticleOrNotAnArticle(page.html.normalize('NFC'), page.url);
      const nfd = expectArticleOrNotAnArticle(page.html.normalize('NFD'), page.url);
      expect(nfc).not.toBeNull();
      expect(nfd?.title).toBe(nfc?.title);
      expect(nfd?.contentHash).toBe(nfc?.contentHash);
    }
  });

  it('extracting the same page twice gives the same article (extraction is deterministic)', () => {
    for (const page of PAGES.slice(0, 3)) {
      expect(expectArticleOrNotAnArticle(page.html, page.url)).toEqual(expectArticleOrNotAnArticle(page.html, page.url));
    }
  });
});

describe('extractArticle on arbitrary strings', () => {
  it('returns a valid article or throws NotAnArticleError, for text and for tag soup', () => {
    const tag = fc.constantFrom('<html>', '<head>', '</head>', '<body>', '<article>', '</article>', '<h1>', '</h1>', '<p>', '</p>', '<script type="application/ld+json">', '</script>', '<meta property="article:published_time" content="2024-10-18T19:14:00+07:00">', '<!--', '-->', '<![CDATA[', '<div class="detail-content">');
    const soup = fc.array(fc.oneof(tag, fc.string({ unit: 'grapheme', maxLength: 30 }), fc.constant('Đà Nẵng ')), { maxLength: 40 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), soup), (text) => {
        expectArticleOrNotAnArticle(text, ARBITRARY_PAGE_URL);
      }),
      { numRuns: 300 },
    );
  });
});
