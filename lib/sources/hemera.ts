import type { SourceAdapter, SourceLayout } from './types.ts';

/**
 * The CMS of Hemera Media ("Thiết kế và phát triển bởi Hemera Media" in the footers). Its "mcms" template
 * (`article__*` classes, `cms-title` / `cms-desc` / `cms-body` hooks) is shared by Tiền Phong and
 * VietnamPlus (saved pages in tests/fixtures/vi): the body holds `div.article-relate` boxes (a linked
 * headline and thumbnail) after the last paragraph; ad slots are `div.rennab`. The section is left to the
 * generic rule: the visible trail shows only the top section, which article:section continues
 * ("Kinh tế,Doanh nghiệp").
 *
 * Nhân Dân, SGGP and PLO are served by this layout WITHOUT a saved page of their own (README lists them as
 * unverified). The registration rests on public crawlers that read those sites with this template's
 * classes: for nhandan.vn, `h1.article__title.cms-title`, `div.article__sapo.cms-desc`,
 * `div.article__body.cms-body` and `.article__meta .time` (a 2022 scrapy spider) and
 * `.article__body.zce-content-body.cms-body` (a 2025 crawler config); for sggp.org.vn, `div.article__body > p`
 * (a 2025 sitemap crawler), and on its Chinese edition `.article__sapo.cms-desc`,
 * `.article__body.zce-content-body.cms-body`, `.article__author` and `time[datetime]` (an RSS route).
 * Either part of `detect` matches that markup. Pháp Luật TP.HCM (plo.vn) likewise, on thinner evidence: a 2025
 * crawler config reads its headline as `.article__title.cms-title`, a 2022 article copied through an editor keeps
 * `div.article__sapo.cms-desc` and `div.article__body > div.cms-body`, and its pictures are on the same CMS hosts
 * as Nhân Dân's. Where a page matches no layout, or a selector finds nothing, the generic path reads it, so a
 * wrong guess costs what a site without an adapter gets. tests/fixtures/vi/SEARCH-LOG-J.md names the sources.
 */
const mcmsArticle: SourceLayout = {
  id: 'article',
  detect: 'h1.article__title, div.article__body.cms-body',
  selectors: {
    title: ['h1.article__title'],
    lead: ['div.article__sapo'],
    date: ['jsonld', { selector: 'div.article__meta time.time', attr: 'datetime' }],
    updated: ['jsonld'],
    authors: ['div.article__author .name', 'div.article__meta .author'],
    body: 'div.article__body',
    bodyDrop: ['div.article-relate', 'div.article__source', 'div.rennab'],
    tags: [{ selector: 'meta[property="article:tag"]', attr: 'content', split: ',' }],
  },
};

/**
 * Hemera's newer "Hemera AI CMS" (VnEconomy): each part of the article carries a `data-field` (title,
 * sapo, author, distributionDate, zone, avatar, body). The body container holds the sapo and the lead
 * picture before the paragraphs; the page's header repeats the breadcrumb with the parent section marked
 * active, so the section is read from the article's own trail. The <title> may carry another headline.
 */
const aiCms: SourceLayout = {
  id: 'ai-cms',
  detect: 'main[data-field="body"]',
  selectors: {
    title: ['h1[data-field="title"]'],
    category: ['div.article-detail-section__main nav.breadcrumb [data-field="zone"]'],
    lead: ['[data-field="sapo"]'],
    date: ['jsonld', 'time[data-field="distributionDate"]'],
    updated: ['jsonld'],
    authors: ['[data-field="author"] .article-meta__name'],
    body: 'main[data-field="body"]',
    bodyDrop: ['[data-field="sapo"]'],
    tags: ['div.tags div.list-tag a.tag span.tag-name'],
  },
  // pictures without a description of their own are given the site's name
  junkAlt: /^VnEconomy$/iu,
};

export const hemeraFamily: SourceAdapter = {
  id: 'hemera',
  name: 'Hemera CMS family',
  domains: ['tienphong.vn', 'vietnamplus.vn', 'vneconomy.vn', 'nhandan.vn', 'sggp.org.vn', 'plo.vn'],
  language: 'vi',
  layouts: [aiCms, mcmsArticle],
};
