import type { SourceAdapter } from './types.ts';

/**
 * VietNamNet, today's template first: its JSON-LD dates put a space before the offset
 * ("2026-03-07T08:52:11.000 +07:00"); the breadcrumb carries a drop-down menu of every section, so only its
 * direct items count. Image alt texts are file names ("flc vietnamnet.jpg").
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
        bodyDrop: ['[data-vnnembedtype="related"]', '.vnn-related'],
        figure: 'figure',
        caption: 'figcaption',
      },
      junkAlt: /\.(jpe?g|png|gif|webp)$/iu,
    },
    {
      // The 2019-2020 desktop template (FMS CMS, saved pages of March 2019 and December 2020). Its JSON-LD
      // datePublished was day-first in 2019 ("24-03-2019T07:50:00+07:00", refused as no date), so the date
      // printed ("24/03/2019 07:50 GMT+7") comes after it. The section is left to the JSON-LD
      // BreadcrumbList (the head prints the section and a sub-section list). The byline is a bold name
      // closing the text, the source after it ("Ca Tiếu(theo online-tech-tips)"); after it, still inside
      // the content div, teasers of other articles, a site-wide public-service box and an embedded page.
      id: 'fms-2019',
      detect: 'div.ArticleDetail > div#ArticleContent',
      selectors: {
        title: ['div.ArticleDetail > h1.title'],
        lead: ['div#ArticleContent > div.ArticleLead'],
        date: ['jsonld', 'div.ArticleDetail span.ArticleDate'],
        updated: ['jsonld'],
        body: 'div.ArticleDetail > div#ArticleContent',
        bodyDrop: [
          'div.ArticleLead',
          'div.article-relate',
          'div.inner-article',
          'div.template',
          'div.VnnAdsPos',
          // the embedded page's wrapper: its fallback text ("Không hỗ trợ iframe") would read as a paragraph
          'div:has(> iframe)',
        ],
        figure: 'table.FmsArticleBoxStyle',
        caption: 'td.image_desc',
        tags: ['div#BoxTag div.tagBoxContent li a'],
      },
    },
  ],
};
