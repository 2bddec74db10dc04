import type { SourceAdapter } from './types.ts';

/**
 * VietNamNet: JSON-LD dates put a space before the offset ("2026-03-07T08:52:11.000 +07:00"); the
 * breadcrumb carries a drop-down menu of every section, so only its direct items count. Image alt texts
 * are file names ("flc vietnamnet.jpg").
 */
export const vietnamnet: SourceAdapter = {
  id: 'vietnamnet',
  name: 'VietNamNet',
  domains: ['vietnamnet.vn'],
  language: 'vi',
  layouts: [
    {
      id: 'content-detail',
      detect: 'h1.content-detail-title',
      selectors: {
        title: ['h1.content-detail-title'],
        category: [{ selector: 'div.bread-crumb-detail > ul > li > a', pick: 'last' }],
        lead: ['h2.content-detail-sapo'],
        date: ['jsonld', 'div.bread-crumb-detail__time'],
        updated: ['jsonld'],
        authors: ['div.article-detail-author__info span.name', 'div.article-detail-author__info a[href*="/tac-gia/"]'],
        body: 'div.maincontent',
        bodyDrop: ['[data-vnnembedtype="related"]', '.vnn-related', 'script', 'style', 'noscript'],
        figure: 'figure',
        caption: 'figcaption',
      },
      junkAlt: /\.(jpe?g|png|gif|webp)$/iu,
    },
  ],
};
