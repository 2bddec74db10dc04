import type { SourceAdapter } from './types.ts';

/**
 * Báo điện tử VOV (vov.vn), the Voice of Vietnam's news site: Drupal 8, theme "vovvn". The article is
 * `article.detail`; its one-step breadcrumb names the section in capitals ("THỂ THAO"), which the shared
 * section rule gives in natural case. The sapo is an h2 in `div.article-summary` opening with the
 * dateline "VOV.VN - ". The body `div.text-long` holds h2 subheads, paragraphs and Drupal entity-embed
 * figures whose figcaption ends with the credit ("(Ảnh: Reuters)."); the CMS writes the img alt from the
 * headline ("… hinh anh 1"), so it is no alt. Inside the body, `article.inner-article` is an embedded card of a
 * related article (its own title and "VOV.VN - …" summary) and `div.block-ads` an ad slot. The byline under the
 * body (`div.article-author`) is often the staff credit "PV/VOV.VN", which names nobody.
 */
export const vov: SourceAdapter = {
  id: 'vov',
  name: 'Báo điện tử VOV',
  domains: ['vov.vn'],
  language: 'vi',
  layouts: [
    {
      id: 'drupal-vovvn',
      detect: 'article.detail div.article-content div.text-long',
      selectors: {
        title: ['article.detail h1.article-title'],
        category: [{ selector: 'article.detail ol.breadcrumb li.breadcrumb-item a', pick: 'last' }],
        lead: ['article.detail div.article-summary'],
        // "Thứ Năm, 08:46, 16/07/2026" is printed; the JSON-LD and the meta carry the zone.
        date: ['jsonld', { selector: 'meta[property="article:published_time"]', attr: 'content' }],
        updated: ['jsonld'],
        authors: ['article.detail div.article-author a'],
        body: 'article.detail div.article-content div.text-long',
        bodyDrop: ['article.inner-article', 'div.block-ads'],
        tags: [{ selector: 'meta[property="article:tag"]', attr: 'content' }],
      },
      junkAlt: /\shinh anh \d+$/u,
    },
  ],
};
