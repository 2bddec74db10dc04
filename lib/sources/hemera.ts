import type { SourceAdapter } from './types.ts';

/**
 * The Hemera CMS ("mcms": `article__*` classes, `cms-title` / `cms-desc` / `cms-body` hooks) that Tiền
 * Phong and VietnamPlus share (and, by SITES.md, Nhân Dân and SGGP, with no saved page here yet). The
 * body holds `div.article-relate` boxes (a linked headline and thumbnail) after the last paragraph; ad
 * slots are `div.rennab`. The section is left to the generic rule: the visible trail shows only the
 * top section, which article:section continues ("Kinh tế,Doanh nghiệp").
 */
export const hemeraFamily: SourceAdapter = {
  id: 'hemera',
  name: 'Hemera CMS family',
  domains: ['tienphong.vn', 'vietnamplus.vn'],
  language: 'vi',
  layouts: [
    {
      id: 'article',
      detect: 'h1.article__title, div.article__body.cms-body',
      selectors: {
        title: ['h1.article__title'],
        lead: ['div.article__sapo'],
        date: ['jsonld', { selector: 'div.article__meta time.time', attr: 'datetime' }],
        updated: ['jsonld'],
        authors: ['div.article__author .name', 'div.article__meta .author'],
        body: 'div.article__body',
        bodyDrop: ['div.article-relate', 'div.article__source', 'div.rennab', 'script', 'style', 'noscript'],
        tags: [{ selector: 'meta[property="article:tag"]', attr: 'content', split: ',' }],
      },
    },
  ],
};
