import { cleanText } from '../normalize/text.ts';
import type { SourceAdapter } from './types.ts';

/** The sapo of the 2014 mobile template: a bold span in a plain one, under the date line. */
const SAPO_2014 = 'div.content > span > span';

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
        bodyDrop: ['aside', '.dantri-widget'],
        figure: 'figure',
        caption: 'figcaption',
        // JSON-LD keywords also list the section names; the keywords meta has only the article's topics
        tags: [{ selector: 'meta[name="keywords"]', attr: 'content', split: ',' }],
      },
    },
    {
      // The 2016 mobile template (VCCorp's editor: photos are div.VCSortableInPreviewMode[type=Photo] with a
      // PhotoCMS_Caption, the body split around an ad slot into #divfirst and #divend). The only date is the
      // visible "09:00 ngày 12/03/2016"; the sapo opens with the dateline in a span of its own
      // ("<span>Dân trí</span> Sau khi…"); a related headline (div.rela) stands between the sapo and the body;
      // the byline is a right-aligned bold paragraph closing the text (a picture may follow it).
      id: 'mobile-2016',
      detect: 'div.detail_w > h2.sapo',
      selectors: {
        title: ['div.detail_w > h1'],
        category: ['div.submn_w a.itp'],
        lead: ['div.detail_w > h2.sapo'],
        dateline: ['div.detail_w > h2.sapo > span:first-child'],
        date: ['div.detail_w > div.publishdate'],
        body: 'div.detail_w > div.content',
        bodyDrop: ['#admbackground'],
        figure: 'div.VCSortableInPreviewMode[type="Photo"]',
        caption: 'div.PhotoCMS_Caption',
        bylineParagraph: 'p[style*="text-align: right"]',
      },
    },
    {
      // The 2014 mobile template: no h1 and no metadata but the canonical link (the <title> is the site's
      // name), the headline a bold <font>, date and sapo in plain spans above div.news_details, Word markup inside.
      id: 'mobile-2014',
      since: '2013-01-01',
      detect: 'div.content > div.news_details',
      selectors: {
        title: ['div.content > font > b'],
        lead: [SAPO_2014],
        date: ['div.content > div > span.fon7'],
        body: 'div.content > div.news_details',
        // the "Tin liên quan" list opening the body, a right-floated box of links to the group's finance site
        bodyDrop: ['div:has(> h4)', 'table[align="right"]'],
        // a centred picture with its caption after a <br>, wrapped in a span
        figure: 'span:has(> div[align="center"] > img)',
        caption: 'div[align="center"]',
        bylineParagraph: 'div[align="right"]',
      },
      // The sapo runs on after a <br> into a ">> …" link to a related article: the lead is its own text only.
      hook: ({ $ }) => {
        const lead = cleanText($(SAPO_2014).first().contents().filter((_, node) => node.type === 'text').text());
        return lead ? { lead } : {};
      },
    },
  ],
};
