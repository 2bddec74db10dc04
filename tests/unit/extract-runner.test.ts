import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractArticle, extractSavedPage, MissingUrlError, NotAnArticleError } from '../../lib/extract/index.ts';
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

  it('takes no author from a byline element that credits the staff and the site (vov-1315698: "PV/VOV.VN")', () => {
    const VOV_URL = 'https://vov.vn/the-thao/argentina-doi-dien-an-phat-tu-fifa-sau-khi-vao-chung-ket-world-cup-2026-post1315698.vov';
    const page = read('vi/vov-1315698.html');
    expect(page).toContain('<a href="/author?keyword=PV/VOV.VN">PV/VOV.VN</a>');
    const article = extractArticle(page, { url: VOV_URL });
    expect(article.extractor.name).toBe('vov/drupal-vovvn');
    expect(article.authors).toEqual([]);
    const named = extractArticle(edit(page, '>PV/VOV.VN</a>', '>Minh Hoàng/VOV.VN</a>'), { url: VOV_URL });
    expect(named.authors).toEqual([{ name: 'Minh Hoàng', raw: 'Minh Hoàng' }]);
  });

  it('leaves script, style and noscript out of every adapter body, whatever the layout lists (vov-1315698)', () => {
    const VOV_URL = 'https://vov.vn/the-thao/argentina-doi-dien-an-phat-tu-fifa-sau-khi-vao-chung-ket-world-cup-2026-post1315698.vov';
    const page = edit(
      read('vi/vov-1315698.html'),
      'class="text-long"><h2>',
      'class="text-long"><script>var slot = "Quảng cáo trong bài";</script><style>.x { content: "Kiểu chữ"; }</style><noscript><p>Hãy bật JavaScript để xem video này.</p></noscript><h2>',
    );
    const article = extractArticle(page, { url: VOV_URL });
    expect(article.extractor.name).toBe('vov/drupal-vovvn');
    expect(article.body.paragraphs[0]).toMatch(/^Messi phấn khích sau khi Argentina vào chung kết World Cup 2026/);
    for (const text of ['Quảng cáo trong bài', 'Kiểu chữ', 'Hãy bật JavaScript']) expect(article.body.text).not.toContain(text);
  });
});

describe('extractArticle: pages that are not articles, or not of a known layout', () => {
  it('a section page of a known publisher in no known layout is not an article: its h1 links to itself', () => {
    const page = '<html><head><title>Tin kinh doanh mới nhất</title><meta property="og:title" content="Tin kinh doanh mới nhất"></head><body><h1><a href="/kinh-doanh/">Kinh doanh</a></h1><p>Tin mới nhất hôm nay.</p></body></html>';
    expect(() => extractArticle(page, { url: 'https://vnexpress.net/kinh-doanh' })).toThrow(NotAnArticleError);
    expect(() => extractArticle(page, { url: 'https://vnexpress.net/kinh-doanh' })).toThrow(/a section page/);
  });

  it('a template of a known publisher that no layout knows, without JSON-LD, goes to the generic path', () => {
    // the 2014 template with its body container renamed: no layout of the adapter matches it any more
    const article = extractArticle(edit(read('vi/vnexpress-2985539.html'), 'class="fck_detail width_common"', 'class="detail_body width_common"'));
    expect(article.extractor.name).toBe('generic');
    expect(article.source.id).toBe('vnexpress');
    expect(article.title).toBe('Khánh Ly đến viếng mộ Trịnh Công Sơn');
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

  it('a saved page with no URL given and no canonical link still gives an article: URL and source unknown, id from the content', () => {
    const withoutUrl = edit(edit(VNEXPRESS, /<link rel="canonical"[^>]*>/, ''), /<meta property="og:url"[^>]*>/, '');
    // One picture given by a relative address: it cannot be resolved without the page's URL.
    const page = edit(withoutUrl, /data-src="https:\/\/i1-kinhdoanh\.vnecdn\.net\/2026\/03\/06\/china-refinery-[^"]*"/, 'data-src="/2026/03/06/china-refinery.jpg"');
    const known = extractArticle(VNEXPRESS, { url: VNEXPRESS_URL });
    const first = extractSavedPage(page, { fetchedAt: new Date('2026-03-07T01:00:00Z') });
    const again = extractSavedPage(page, { fetchedAt: new Date('2026-03-09T01:00:00Z') });
    expect(first.url).toBeNull();
    expect(first.source).toBeNull();
    expect(first.id).toMatch(/^[0-9a-f]{20}$/);
    expect(first.id).toBe(first.contentHash.slice(0, 20));
    expect(again.id).toBe(first.id);
    expect(first.title).toBe(known.title);
    expect(first.body.paragraphs.length).toBeGreaterThan(0);
    // Its JSON-LD names the canonical URL: relative links resolve against that.
    expect(first.canonicalUrl).toBe(known.canonicalUrl);
    expect(first.images.map((image) => image.url)).toContain(new URL('/2026/03/06/china-refinery.jpg', known.canonicalUrl).toString());
    // A different text is a different article.
    expect(extractSavedPage(page.replace(first.body.paragraphs[0]!, 'Một đoạn khác hẳn.')).id).not.toBe(first.id);
  });

  it('without any URL, a picture given by a relative address is left out and an absolute one kept', () => {
    const sentences = Array.from({ length: 6 }, (_, index) => `<p>Câu chuyện thứ ${index + 1} kể về mùa lũ năm nay ở miền Trung, khi nước dâng cao, nhiều nhà bị ngập và người dân phải sơ tán.</p>`);
    const page = `<html lang="vi"><head><title>Mùa lũ</title></head><body><article><h1>Mùa lũ</h1>
      <figure><img src="/anh/lu-1.jpg" alt="Lũ"><figcaption>Nước dâng cao.</figcaption></figure>${sentences.join('')}
      <figure><img src="https://cdn.example.org/anh/lu-2.jpg" alt="Sơ tán"><figcaption>Người dân sơ tán.</figcaption></figure></article></body></html>`;
    const article = extractSavedPage(page);
    expect(article.url).toBeNull();
    expect(article.canonicalUrl).toBeNull();
    expect(article.body.paragraphs).toHaveLength(6);
    expect(article.images.map((image) => image.url)).toEqual(['https://cdn.example.org/anh/lu-2.jpg']);
  });

  it('a saved page that names its URL, or is given one, reads as extractArticle reads it', () => {
    expect(extractSavedPage(VNEXPRESS, { fetchedAt: new Date('2026-03-07T01:00:00Z') })).toEqual(
      extractArticle(VNEXPRESS, { url: VNEXPRESS_URL, fetchedAt: new Date('2026-03-07T01:00:00Z') }),
    );
    expect(() => extractSavedPage(VNEXPRESS, { url: 'vnexpress_article.html' })).toThrow(/not an absolute http\(s\) URL/);
  });

  it('a page without a body is not an article', () => {
    const page = '<html><head><title>Lỗi</title></head><body><h1>Trang không tồn tại</h1></body></html>';
    expect(() => extractArticle(page, { url: 'https://news.example.org/missing' })).toThrow(NotAnArticleError);
  });
});
