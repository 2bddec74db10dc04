import type { SourceAdapter, SourceLayout } from './types.ts';

/**
 * The CMS baodanang.vn moved to on 1 July 2025 (shared with hanoimoi.vn, nguoiquansat.vn, baohaiphong.vn,
 * baoquangnam.vn), plus the pre-2025 baodanang.vn template the seed article was published in.
 * On these pages the JSON-LD datePublished (+07:00) is trusted; `article:published_time` ("9/5/2026 10:17:01 PM",
 * no zone) and the `publishedTime` script variable (local time marked Z) are not, so dates never come
 * from the generic path here.
 */

const DROP_IN_ENTRY = [
  'div.sc-longform-header',
  'div.sc-empty-layer',
  'div.c-box',
  'div.sc-hightlight-box',
];

const RIGHT_ALIGNED_PARAGRAPH = 'p[style*="text-align: right"], p[style*="text-align:right"]';

/** Current template: everything inside `article.entry`, header block included. */
const longform2025: SourceLayout = {
  id: 'onecms-longform',
  since: '2025-07-01',
  detect: 'h1.sc-longform-header-title',
  selectors: {
    title: ['h1.sc-longform-header-title'],
    category: ['span.sc-longform-header-cate', { selector: 'ol.breadcrumb li.breadcrumb-item a', pick: 'last' }],
    lead: ['p.sc-longform-header-sapo'],
    date: ['jsonld', 'span.sc-longform-header-date'],
    updated: ['jsonld'],
    authors: ['span.sc-longform-header-author'],
    body: 'div.b-maincontent article.entry',
    bodyDrop: DROP_IN_ENTRY,
    bylineParagraph: RIGHT_ALIGNED_PARAGRAPH,
    tags: ['div.c-tags a'],
  },
  noGenericFallback: ['publishedAt', 'updatedAt'],
};

/** Older template of the same CMS (articles published before the redesign, still served this way). */
const detailHead2024: SourceLayout = {
  id: 'onecms-detail-head',
  detect: 'h1.c-detail-head__title',
  selectors: {
    title: ['h1.c-detail-head__title'],
    category: [{ selector: 'ol.breadcrumb li.breadcrumb-item a', pick: 'last' }],
    lead: ['div.b-maincontent p.Headlines'],
    date: ['jsonld', 'span.c-detail-head__time'],
    updated: ['jsonld'],
    authors: ['span.c-detail-head__cat'],
    body: 'div.b-maincontent article.entry',
    bodyDrop: DROP_IN_ENTRY,
    bylineParagraph: RIGHT_ALIGNED_PARAGRAPH,
    tags: ['div.c-tags a'],
  },
  noGenericFallback: ['publishedAt', 'updatedAt'],
};

/** baodanang.vn before the merger: `/channel/<chan>/<yyyymm>/<slug>-<id>/`, byline as the last right-aligned paragraph. */
const legacyBaodanang: SourceLayout = {
  id: 'legacy',
  detect: 'div.date ~ div.col-content',
  selectors: {
    title: ['h1.title', 'h2.title'],
    category: [{ selector: 'div.breadcrumb a', pick: 'last' }],
    lead: ['div.col-content p.sapo'],
    date: ['div.date'],
    body: 'div.col-content',
    bodyDrop: ['p.sapo', 'div.news-relation'],
    figure: 'table.image, figure',
    caption: '.image_desc, figcaption',
    bylineParagraph: RIGHT_ALIGNED_PARAGRAPH,
    tags: ['div.tag a'],
  },
  datelinePrefix: /^(ĐNO)\s*[-–—]\s*/u,
  noGenericFallback: ['publishedAt', 'updatedAt'],
};

export const baodanangFamily: SourceAdapter = {
  id: 'baodanang',
  name: 'Báo Đà Nẵng CMS family',
  domains: ['baodanang.vn', 'en.baodanang.vn', 'hanoimoi.vn', 'nguoiquansat.vn', 'baohaiphong.vn', 'baoquangnam.vn'],
  language: 'vi',
  layouts: [longform2025, detailHead2024, legacyBaodanang],
};
