import type { SourceAdapter } from './types.ts';

/**
 * Báo Lao Động (laodong.vn, template "2.0.0.51"): minified pages with optional end tags left out. The
 * section is the active child of the breadcrumb ("Sức khỏe" > "Dinh dưỡng"), the date is printed
 * "Thứ hai, 09/12/2024 08:00 (GMT+7)" beside the byline, and the byline names its source after the person
 * ("Quang Minh (theo Heathline)"). Related articles (`div.tin-lien-quan`) follow the body, outside it.
 */
export const laodong: SourceAdapter = {
  id: 'laodong',
  name: 'Báo Lao Động',
  domains: ['laodong.vn'],
  language: 'vi',
  layouts: [
    {
      id: 'article-detail',
      detect: 'article.article-detail div.art-body',
      selectors: {
        title: ['article.article-detail h1.title'],
        category: ['div.breadcrums a.item.active', 'div.breadcrums a.main-cat-lnk'],
        lead: ['article.article-detail div.chappeau'],
        date: ['jsonld', 'article.article-detail div.art-info span.time'],
        updated: ['jsonld'],
        authors: ['article.article-detail div.art-info span.authors'],
        body: 'article.article-detail div.art-body',
        bodyDrop: ['div.tin-lien-quan', 'zone'],
        tags: ['div.art-footer div.lst-tags a'],
      },
    },
  ],
};
