import type { SourceAdapter } from './types.ts';

/**
 * Báo Quân đội nhân dân (qdnd.vn): a DotNetNuke site (skin "TN") whose whole page sits in the ASP.NET
 * `form#Form`. The h1 is the headline as printed; `<title>`, og:title and the JSON-LD headline are often a
 * shorter edit of it ("… trong Tết" for "… trong những ngày Tết"), so the h1 comes first. The JSON-LD
 * author is typed Person but may be the agency and its address ("TTXVN - Lý Thường Kiệt, Hà Nội"): no
 * byline element exists, and the generic rule keeps agencies out of the authors. Pictures are
 * `table.imgEditor` with the caption in the row `tr.alt_imgEditor`. The body ends with a bold source credit
 * ("TTXVN") and the CMS's "* Mời bạn đọc vào chuyên mục …" line; the shared closing-credit and related-link
 * rules take both out.
 */
export const qdnd: SourceAdapter = {
  id: 'qdnd',
  name: 'Báo Quân đội nhân dân',
  domains: ['qdnd.vn'],
  language: 'vi',
  layouts: [
    {
      id: 'dnn-tn',
      detect: 'div.article-detail h1.post-title',
      selectors: {
        title: ['div.article-detail h1.post-title'],
        category: [{ selector: 'div.breadcrumb .brcrum-title a', pick: 'last' }],
        lead: ['div.article-detail div.post-summary'],
        // "Chủ nhật, 26/01/2025 - 15:29" when the JSON-LD is missing
        date: ['jsonld', 'div.article-detail span.post-subinfo > span'],
        updated: ['jsonld'],
        body: 'div.post-content div[itemprop="articleBody"]',
        figure: 'table.imgEditor',
        caption: 'tr.alt_imgEditor td',
        tags: ['div.post-tag a[itemprop="keywords"]'],
      },
    },
  ],
};
