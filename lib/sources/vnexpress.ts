import type { SourceAdapter } from './types.ts';

/**
 * VnExpress: the machine date in `meta[name=pubdate]` (+07:00) is the most exact; the visible one
 * ("Thứ bảy, 7/3/2026, 00:05 (GMT+7)") has no seconds. The byline is the last right-aligned `p.Normal`;
 * images are lazy (`data-src`, placeholder GIF in `src`).
 */
export const vnexpress: SourceAdapter = {
  id: 'vnexpress',
  name: 'VnExpress',
  domains: ['vnexpress.net'],
  language: 'vi',
  layouts: [
    {
      id: 'fck-detail',
      detect: 'article.fck_detail',
      selectors: {
        title: ['h1.title-detail'],
        category: [{ selector: 'meta[itemprop="articleSection"]', attr: 'content' }, { selector: 'ul.breadcrumb li a', pick: 'last' }],
        lead: ['p.description'],
        dateline: ['p.description span.location-stamp'],
        date: [{ selector: 'meta[name="pubdate"]', attr: 'content' }, 'jsonld', 'span.date'],
        updated: ['jsonld'],
        body: 'article.fck_detail',
        bodyDrop: ['[data-component-type]', '.box-tinlienquanv2', '.box_brief_info', '#article-end', 'script', 'style', 'noscript'],
        figure: 'figure',
        bylineParagraph: 'p.Normal[style*="right"]',
        tags: [{ selector: 'meta[property="article:tag"]', attr: 'content', split: ',' }],
      },
    },
  ],
};
