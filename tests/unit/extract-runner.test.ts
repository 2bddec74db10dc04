import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractArticle, MissingUrlError, NotAnArticleError } from '../../lib/extract/index.ts';
import { validateArticle } from '../../lib/schema/article.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const read = (file: string): string => readFileSync(join(FIXTURES, file), 'utf8');

const ONECMS_2026 = read('onecms/nguoiquansat-article-314409-2026-new-template.EXCERPT.html');
const ONECMS_URL =
  'https://nguoiquansat.vn/doanh-nghiep-cap-nuoc-cho-hon-32-trieu-dan-tai-tp-hcm-dong-nai-sap-hoan-thanh-nha-may-hon-1-000-ty-dong-bien-500-tan-rac-moi-ngay-thanh-dien-314409.html';
const VNEXPRESS = read('pages/vnexpress_article.html');
const VNEXPRESS_URL = 'https://vnexpress.net/cach-cac-nuoc-doi-pho-cu-soc-nang-luong-tu-trung-dong-5047363.html';

/** Replaces text that must be on the page, so a fixture change cannot silently turn a test into a no-op. */
function edit(html: string, from: string | RegExp, to: string): string {
  const edited = html.replace(from, to);
  expect(edited, `fixture no longer contains ${String(from)}`).not.toBe(html);
  return edited;
}

describe('extractArticle: identity and hashing', () => {
  it('gives the same id and contentHash whenever and from whichever URL variant the page is fetched', () => {
    const first = extractArticle(VNEXPRESS, { url: VNEXPRESS_URL, fetchedAt: new Date('2026-03-07T01:00:00Z') });
    const again = extractArticle(VNEXPRESS, { url: `${VNEXPRESS_URL}?utm_source=rss#box`, fetchedAt: new Date('2026-03-09T01:00:00Z') });
    expect(again.id).toBe(first.id);
    expect(again.contentHash).toBe(first.contentHash);
    expect(again.fetchedAt).toBe('2026-03-09T01:00:00.000Z');
    expect(again.url).toBe(`${VNEXPRESS_URL}?utm_source=rss#box`);
    expect(again.canonicalUrl).toBe(VNEXPRESS_URL);
  });

  it('changes contentHash when a body paragraph changes', () => {
    const before = extractArticle(VNEXPRESS, { url: VNEXPRESS_URL });
    const after = extractArticle(edit(VNEXPRESS, 'vượt 85 USD một thùng', 'vượt 90 USD một thùng'), { url: VNEXPRESS_URL });
    expect(after.contentHash).not.toBe(before.contentHash);
    expect(after.body.text).toContain('vượt 90 USD một thùng');
  });

  it('passes feed and source overrides through, and the result validates', () => {
    const article = extractArticle(VNEXPRESS, {
      url: VNEXPRESS_URL,
      feed: { url: 'https://vnexpress.net/rss/kinh-doanh.rss', guid: null },
      source: { id: 'vnexpress-kinhdoanh', name: 'VnExpress Kinh doanh', domain: 'vnexpress.net' },
    });
    expect(article.feed).toEqual({ url: 'https://vnexpress.net/rss/kinh-doanh.rss', guid: null });
    expect(article.source.id).toBe('vnexpress-kinhdoanh');
    expect(validateArticle(JSON.parse(JSON.stringify(article)))).toEqual(article);
  });

  it('counts words of the body text', () => {
    const article = extractArticle(read('pages/vietnamnet_article.html'), { url: 'https://vietnamnet.vn/co-phieu-flc-duoc-giao-dich-tro-lai-2495349.html' });
    expect(article.body.wordCount).toBe(article.body.text.split(/\s+/).filter((token) => /[\p{L}\p{N}]/u.test(token)).length);
  });
});

describe('extractArticle: which sources are trusted', () => {
  it('on the baodanang CMS, falls back to the visible date when JSON-LD has none', () => {
    const withoutJsonLdDate = edit(ONECMS_2026, '"datePublished": "2026-09-05T22:17:01+07:00",', '');
    const article = extractArticle(withoutJsonLdDate, { url: ONECMS_URL });
    // visible "05/09/2026 - 22:17" has no seconds
    expect(article.publishedAt).toBe('2026-09-05T22:17:00+07:00');
  });

  it('on the baodanang CMS, never takes the US-style meta or the script variable: no date rather than a wrong one', () => {
    let page = edit(ONECMS_2026, '"datePublished": "2026-09-05T22:17:01+07:00",', '');
    page = edit(page, '<span class="sc-longform-header-date block-sc-publish-time">05/09/2026 - 22:17</span>', '');
    expect(page).toContain('content="9/5/2026 10:17:01 PM"');
    const article = extractArticle(page, { url: ONECMS_URL });
    expect(article.publishedAt).toBeNull();
    expect(article.publishedAtUtc).toBeNull();
    expect(article.missing).toContain('publishedAt');
  });

  it('prefers the h1 to og:title and JSON-LD headline', () => {
    const article = extractArticle(edit(VNEXPRESS, /(<h1 class="title-detail">)[^<]*/, '$1Tiêu đề trên trang'), { url: VNEXPRESS_URL });
    expect(article.title).toBe('Tiêu đề trên trang');
  });

  it('drops the byline paragraph and a trailing ">>" link to another article from the body', () => {
    const page = edit(
      ONECMS_2026,
      '<div class="sc-hightlight-box',
      '<p>&gt;&gt; <a href="https://nguoiquansat.vn/x-1.html">Bài khác</a></p><p style="text-align: right;"><strong>MINH PHONG</strong></p><div class="sc-hightlight-box',
    );
    const article = extractArticle(page, { url: ONECMS_URL });
    expect(article.body.paragraphs.at(-1)).toMatch(/^Sau giai đoạn 1 với 12MW/);
    expect(article.body.text).not.toContain('MINH PHONG');
    expect(article.body.text).not.toContain('Bài khác');
    expect(article.authors).toEqual([{ name: 'Minh Phong', raw: 'Minh Phong' }]);
  });
});

describe('extractArticle: pages that are not articles, or not of a known layout', () => {
  it('a page of a known publisher in no known layout and without JSON-LD is not an article', () => {
    const page = '<html><head><title>Kinh doanh</title></head><body><h1>Kinh doanh</h1><p>Tin mới nhất hôm nay.</p></body></html>';
    expect(() => extractArticle(page, { url: 'https://vnexpress.net/kinh-doanh' })).toThrow(NotAnArticleError);
    expect(() => extractArticle(page, { url: 'https://vnexpress.net/kinh-doanh' })).toThrow(/no vnexpress article layout matches/);
  });

  it('a page of a known publisher in a new layout but with a JSON-LD article goes to the generic path', () => {
    const redesigned = edit(VNEXPRESS, /<article class="fck_detail ">/, '<article class="article-body">');
    const article = extractArticle(redesigned, { url: VNEXPRESS_URL });
    expect(article.extractor.name).toBe('generic');
    expect(article.source.id).toBe('vnexpress');
    expect(article.title).toBe('Cách các nước đối phó cú sốc năng lượng từ Trung Đông');
    expect(article.publishedAt).toBe('2026-03-07T00:05:00+07:00');
  });

  it('a page with no URL given and no canonical link cannot be identified', () => {
    const page = edit(edit(VNEXPRESS, /<link rel="canonical"[^>]*>/, ''), /<meta property="og:url"[^>]*>/, '');
    expect(() => extractArticle(page)).toThrow(MissingUrlError);
  });

  it('a page without a body is not an article', () => {
    const page = '<html><head><title>Lỗi</title></head><body><h1>Trang không tồn tại</h1></body></html>';
    expect(() => extractArticle(page, { url: 'https://news.example.org/missing' })).toThrow(NotAnArticleError);
  });
});
