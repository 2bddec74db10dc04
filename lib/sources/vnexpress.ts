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
        bodyDrop: ['[data-component-type]', '.box-tinlienquanv2', '.box_brief_info', '#article-end'],
        // 2019 pages print pictures in table.tplCaption with the caption in p.Image.
        figure: 'figure, table.tplCaption',
        caption: 'figcaption, p.Image',
        bylineParagraph: 'p.Normal[style*="right"]',
        tags: [{ selector: 'meta[property="article:tag"]', attr: 'content', split: ',' }],
      },
      hook: ({ $, found }) => {
        // The 2019 CMS gave Vietnam's wall-clock time a +08:00 offset in pubdate and JSON-LD, while the page
        // prints the same clock time as "(GMT+7)": the clock time is right, the offset is not.
        const printed = /(\d{1,2}:\d{2}) \(GMT\+7\)/.exec($('span.time, span.date').first().text())?.[1];
        const published = found.publishedAt;
        if (!published || !printed || published.endsWith('+07:00') || published.slice(11, 16) !== printed.padStart(5, '0')) return {};
        const inVietnamTime = (time: string): string => time.replace(/[+-]\d{2}:\d{2}$/, '+07:00');
        return { publishedAt: inVietnamTime(published), ...(found.updatedAt ? { updatedAt: inVietnamTime(found.updatedAt) } : {}) };
      },
    },
    {
      // giaitri.vnexpress.net in 2014: no JSON-LD and no machine date, the body a div; photo stories print
      // each picture in a table.tplCaption whose first p.Image holds the picture and the second its caption.
      id: 'fck-detail-2014',
      since: '2014-01-01',
      detect: 'div.main_content_detail div.fck_detail',
      selectors: {
        title: ['div.title_news h1'],
        category: [{ selector: 'div.breakumb_timer div.timer_header li a', pick: 'last' }],
        lead: ['div.short_intro'],
        date: ['div.block_timer_share div.block_timer'],
        body: 'div.main_content_detail div.fck_detail',
        figure: 'table.tplCaption',
        caption: 'p.Image',
        bylineParagraph: 'p.Normal[style*="right"]',
      },
      // the CMS filled an empty alt with the uploaded file's name ("6_1398994809.jpg")
      junkAlt: /^[\w-]+\.(?:jpe?g|png|gif)$/i,
    },
  ],
};
