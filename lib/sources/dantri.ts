import type { SourceAdapter } from './types.ts';

/**
 * Dân Trí: Tailwind-style `dt-*` classes change often, so selectors use the stable `data-slot` hooks.
 * `time[datetime]` has no offset ("2026-03-07 08:07"); the JSON-LD date has +07:00 and comes first.
 */
export const dantri: SourceAdapter = {
  id: 'dantri',
  name: 'Dân Trí',
  domains: ['dantri.com.vn'],
  language: 'vi',
  layouts: [
    {
      id: 'data-slot',
      since: '2025-01-01',
      detect: 'article h1[data-slot="title"]',
      selectors: {
        title: ['article h1[data-slot="title"]'],
        category: [{ selector: 'a[data-content-name="article-breadcrumb"]', pick: 'last' }],
        lead: ['article h2[data-slot="sapo"]'],
        date: ['jsonld', { selector: 'article time[datetime]', attr: 'datetime' }, 'article time'],
        updated: ['jsonld'],
        authors: ['article a[href*="/tac-gia/"]'],
        body: 'article div[data-slot="content"]',
        bodyDrop: ['aside', '.dantri-widget', 'script', 'style', 'noscript'],
        figure: 'figure',
        caption: 'figcaption',
        // JSON-LD keywords also list the section names; the keywords meta has only the article's topics
        tags: [{ selector: 'meta[name="keywords"]', attr: 'content', split: ',' }],
      },
    },
  ],
};
