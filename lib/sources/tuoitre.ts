import type { SourceAdapter, SourceLayout } from './types.ts';

/**
 * One CMS marked by `data-role` attributes (title, sapo, content, publishdate, author, cate-name), shared by
 * VCCorp's own sites and by Tuổi Trẻ, Thanh Niên and Người Lao Động (their pictures too are served from
 * VCCorp's mediacdn.vn, their ads by its Admicro network). Soha, CafeF, Kênh 14 and VietnamBiz article
 * pages carry the same `div.detail-content[data-role=content]` body (VietnamBiz: `div.vnbcbc-body`); GenK
 * has a template of its own (`kbwc-*` classes). The author list repeats each name (avatar row, then a
 * slider); img alt texts are generated ("giá hoa - Ảnh 1.") and carry nothing; og:title can differ from
 * the h1, which wins. Older templates follow, newest first: Tuổi Trẻ's of 2015 and the two of VCCorp's
 * 2014 mobile sites. Afamily and CafeBiz are saved only in those 2014 templates: that their pages of today
 * are in the `detail-content` one, like their sister sites', is not checked on a page. The id stays
 * "tuoitre", the family's first site: extractor names of stored articles keep meaning what they meant.
 */

/**
 * tuoitre.vn before it moved to the CMS above (saved pages of March 2015): desktop and mobile templates of
 * one article. The headline, date ("23/03/2015 08:06 GMT+7") and lead ("TT - …", dateline TT) sit in a
 * header block; the body's pictures are CKEditor tables (`table.desc_image`, caption `td.ck_legend`
 * "… - Ảnh: V.D"); the byline is a bold name after the body (desktop: inside the like-button box closing
 * `div.fck`; mobile: `div.hlight span.author`); the topics are the "Từ khóa" list.
 */
const TUOITRE_2015_SHARED = { figure: 'table.desc_image', caption: 'td.ck_legend', tags: ['ul.block-key li a'] };

const tuoitreDesktop2015: SourceLayout = {
  id: 'tto-desktop-2015',
  detect: 'div.detail-content h1.title-2',
  selectors: {
    title: ['h1.title-2'],
    category: ['div.detail-content ul.breadcrumb li.active a'],
    lead: ['div.detail-content p.txt-head'],
    date: ['div.detail-content div.tool-bar span.date'],
    authors: ['div.fck div.wrapper-qt > strong'],
    body: 'div.left-side div.fck',
    // the like-button box holding the byline, and a hidden video-ad wrapper after the first paragraph
    bodyDrop: ['div.wrapper-qt', 'div[id^="tt-wrapper"]'],
    ...TUOITRE_2015_SHARED,
  },
};

const tuoitreMobile2015: SourceLayout = {
  id: 'tto-mobile-2015',
  detect: 'section.fck > h1',
  selectors: {
    title: ['section.fck > h1'],
    // the dropdown beside the section lists its other sub-sections, none of them this article's
    category: ['div.catego-title > a > span'],
    lead: ['section.fck > p'],
    date: ['section.fck div.tool-bar span.date'],
    authors: ['div.hlight span.author'],
    body: 'section.content div.fck',
    ...TUOITRE_2015_SHARED,
  },
};

/**
 * The 2014 mobile template of Kênh 14 and Afamily (m.kenh14.vn, m.afamily.vn): `post-*` classes, the only
 * date is the visible "16/01/2014 | 16:05". The body is `div#detailmain` with bare `img.detail-image`
 * pictures and captions as italic runs after them, nothing a figure selector can name: the generic path
 * reads it (its caption rules pair each picture with the italic text after it). Served in 2014 (saved
 * pages of January to March 2014); when it began and ended is not known, so no `since`.
 */
const postMobile2014: SourceLayout = {
  id: 'post-mobile-2014',
  detect: 'div.post-content h1.post-title',
  selectors: {
    title: ['h1.post-title'],
    // the breadcrumb's label opens a hidden menu of the section's children, which are not the article's section
    category: ['span.post-breadcrumb a.lt-catname'],
    lead: ['h2.post-sapo'],
    date: ['span.post-time'],
    authors: ['p.post-meta'],
  },
};

/**
 * The 2014 ASP.NET mobile template of CafeF and CafeBiz (m.cafef.vn, m.cafebiz.vn), which name the same
 * parts differently: the headline is `h1#h1news` or `h1.newsTitle`, the lead `div#briefNews` or
 * `h2.initNewsContent`, the only date an unmarked span above the headline (CafeF) or `p.time` (CafeBiz).
 * CafeF's section is the selected option of its section menu; CafeBiz prints none. The byline closes the
 * body ("Theo <strong>Vân Anh</strong>", the outlet right-aligned after it), and the body's pictures are
 * bare images: both are left to the generic path. Served in 2014 (saved pages of February and April 2014).
 */
const aspMobile2014: SourceLayout = {
  id: 'asp-mobile-2014',
  detect: 'div#DivContent h1#h1news, div#DivContent h1.newsTitle',
  selectors: {
    title: ['h1#h1news', 'h1.newsTitle'],
    category: ['select#ctl00_mainContent_selectCat option[selected]'],
    lead: ['div#briefNews', 'h2.initNewsContent'],
    date: ['div#ctl00_mainContent_divContent > div:first-child > span', 'div#newsDetail p.time'],
  },
};

export const tuoitreFamily: SourceAdapter = {
  id: 'tuoitre',
  name: 'VCCorp CMS family (Tuổi Trẻ, Thanh Niên, Kênh 14, CafeF…)',
  domains: ['tuoitre.vn', 'thanhnien.vn', 'nld.com.vn', 'soha.vn', 'cafef.vn', 'vietnambiz.vn', 'genk.vn', 'kenh14.vn', 'afamily.vn', 'cafebiz.vn'],
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
        bodyDrop: ['[type="RelatedOneNews"]', '[type="RelatedNewsBox"]', 'zone'],
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
        bodyDrop: ['[type="RelatedOneNews"]', '[type="RelatedNewsBox"]', '.link-source-wrapper', 'zone'],
        tags: [{ selector: 'meta[property="article:tag"]', attr: 'content', split: ',' }],
      },
    },
    tuoitreDesktop2015,
    tuoitreMobile2015,
    postMobile2014,
    aspMobile2014,
  ],
};
