import type { SourceAdapter } from './types.ts';

/**
 * One CMS marked by `data-role` attributes (title, sapo, content, publishdate, author, cate-name): Tuổi
 * Trẻ, Thanh Niên and Người Lao Động, and the VCCorp sites Soha, CafeF and VietnamBiz, whose article
 * pages carry the same `div.detail-content[data-role=content]` body (VietnamBiz: `div.vnbcbc-body`). GenK,
 * also VCCorp, has a template of its own (`kbwc-*` classes). The author list repeats each name (avatar
 * row, then a slider); img alt texts are generated ("giá hoa - Ảnh 1.") and carry nothing; og:title can
 * differ from the h1, which wins. The id stays "tuoitre", the family's first site: extractor names of
 * stored articles keep meaning what they meant.
 */
export const tuoitreFamily: SourceAdapter = {
  id: 'tuoitre',
  name: 'data-role CMS family (Tuổi Trẻ, VCCorp)',
  domains: ['tuoitre.vn', 'thanhnien.vn', 'nld.com.vn', 'soha.vn', 'cafef.vn', 'vietnambiz.vn', 'genk.vn', 'kenh14.vn'],
  language: 'vi',
  layouts: [
    {
      id: 'detail-content',
      detect: 'div.detail-content[data-role="content"]',
      selectors: {
        title: ['h1.detail-title', 'h1[data-role="title"]'],
        category: ['div.detail-cate a', '[data-role="cate-name"]'],
        lead: ['h2.detail-sapo', '[data-role="sapo"]'],
        date: ['jsonld', { selector: '[data-role="publishdate"]', attr: 'datetime' }, '[data-role="publishdate"]'],
        updated: ['jsonld'],
        authors: ['div.detail-author .name', '[data-role="author"]'],
        body: 'div.detail-content[data-role="content"]',
        bodyDrop: [
          '[type="RelatedOneNews"]',
          '[type="RelatedNewsBox"]',
          '[type="VideoStream"]',
          '.readmore-body-box',
          '[data-check-position]',
          // VCCorp: "TIN MỚI" and other zone boxes, and the closing link to another article
          '[data-marked-zoneid]',
          '[type="link"]',
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
    {
      id: 'data-role',
      detect: 'div.vnbcbc-body[data-role="content"]',
      selectors: {
        title: ['h1[data-role="title"]'],
        category: ['[data-role="cate-name"]'],
        lead: ['[data-role="sapo"]'],
        date: ['jsonld', '[data-role="publishdate"]'],
        updated: ['jsonld'],
        authors: ['[data-role="author"]'],
        body: 'div.vnbcbc-body[data-role="content"]',
        bodyDrop: ['[type="RelatedOneNews"]', '[type="RelatedNewsBox"]', 'zone', 'script', 'style', 'noscript'],
        tags: [{ selector: 'meta[property="article:tag"]', attr: 'content', split: ',' }],
      },
      junkAlt: /\s-\sẢnh\s*\d+\.?\s*$/u,
    },
    {
      id: 'genk-kbwc',
      detect: 'h1.kbwc-title',
      selectors: {
        title: ['h1.kbwc-title'],
        date: ['jsonld', { selector: 'time.kbwcm-time', attr: 'datetime' }],
        updated: ['jsonld'],
        // the byline runs the source outlet on after the name: "<span itemprop=name>Thế Duyệt</span>, Đời sống Pháp luật"
        authors: ['span.kbwcm-author [itemprop="name"]'],
        body: 'div.knc-content#ContentDetail',
        bodyDrop: ['[type="RelatedOneNews"]', '[type="RelatedNewsBox"]', '.link-source-wrapper', 'zone', 'script', 'style', 'noscript'],
        tags: [{ selector: 'meta[property="article:tag"]', attr: 'content', split: ',' }],
      },
    },
  ],
};
