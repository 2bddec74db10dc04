import type { SourceAdapter } from './types.ts';

/**
 * Tuổi Trẻ, Thanh Niên and Người Lao Động share one CMS (`data-role` attributes). The author list
 * repeats each name (avatar row, then a slider); img alt texts are generated ("giá hoa - Ảnh 1.") and
 * carry nothing; og:title can differ from the h1, which wins.
 */
export const tuoitreFamily: SourceAdapter = {
  id: 'tuoitre',
  name: 'Tuổi Trẻ CMS family',
  domains: ['tuoitre.vn', 'thanhnien.vn', 'nld.com.vn'],
  language: 'vi',
  layouts: [
    {
      id: 'detail-content',
      detect: 'div.detail-content[data-role="content"]',
      selectors: {
        title: ['h1.detail-title', 'h1[data-role="title"]'],
        category: ['div.detail-cate a', { selector: 'meta[property="article:section"]', attr: 'content' }],
        lead: ['h2.detail-sapo', '[data-role="sapo"]'],
        date: ['jsonld', '[data-role="publishdate"]'],
        updated: ['jsonld'],
        authors: ['div.detail-author .name'],
        body: 'div.detail-content[data-role="content"]',
        bodyDrop: [
          '[type="RelatedOneNews"]',
          '[type="RelatedNewsBox"]',
          '[type="VideoStream"]',
          '.readmore-body-box',
          '[data-check-position]',
          'zone',
          'script',
          'style',
          'noscript',
        ],
        figure: 'figure',
        caption: 'figcaption',
        tags: [{ selector: 'meta[property="article:tag"]', attr: 'content', split: ',' }],
      },
      junkAlt: /\s-\sẢnh\s*\d+\.?\s*$/u,
    },
  ],
};
