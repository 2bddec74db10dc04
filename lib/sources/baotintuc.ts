import type { SourceAdapter } from './types.ts';

/**
 * Báo Tin tức (baotintuc.vn), the Vietnam News Agency's (TTXVN's) paper: an ASP.NET template whose article sits in
 * `div.detail-content_wrapper`. The byline under the body prints the writer and the agency apart
 * (`<strong>Tâm Hằng</strong><i> (TTXVN)</i>`), while the JSON-LD author runs the two together ("Tâm HằngTTXVN"),
 * so the byline is read from the strong element. The body is two CMS blocks, `div#divfirst` and `div#divend`,
 * with a video-player slot (`div.gliaplayer-container`) between them; pictures are CKEditor figures whose
 * figcaption ends with the credit ("Ảnh tư liệu: AFP/TTXVN"). The section is `h4.cate`; the threadbar above the
 * title lists the section's sub-sections, not the article's.
 */
export const baotintuc: SourceAdapter = {
  id: 'baotintuc',
  name: 'Báo Tin tức',
  domains: ['baotintuc.vn'],
  language: 'vi',
  layouts: [
    {
      id: 'detail-content',
      detect: 'div.detail-content_wrapper h1.detail-title',
      selectors: {
        title: ['div.detail-content_wrapper h1.detail-title'],
        category: ['div.action-link h4.cate a'],
        lead: ['div.detail-content_wrapper h2.sapo'],
        // "Thứ Năm, 16/07/2026 17:17" is printed; the JSON-LD and the meta carry the zone.
        date: ['jsonld', { selector: 'meta[property="article:published_time"]', attr: 'content' }],
        updated: ['jsonld'],
        authors: ['div.boxdetail div.author strong'],
        body: 'div.boxdetail div.contents',
        bodyDrop: ['div.gliaplayer-container'],
        tags: [{ selector: 'meta[property="article:tag"]', attr: 'content' }],
      },
    },
  ],
};
