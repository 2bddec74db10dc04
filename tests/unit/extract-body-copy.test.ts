import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractBodyParagraphs } from '../../lib/extract/content.ts';
import { loadPage } from '../../lib/extract/index.ts';

/**
 * The generic body is read on a copy of the page that shares the page's text nodes (content.ts readingCopy):
 * cutting chrome and inline captions out of the copy must leave the page as it was, for the extraction that
 * reads it afterwards.
 */
describe('the reading copy of the generic body', () => {
  it('takes inline captions out of the body, not out of the page (kenh14: captions printed as text beside each picture)', () => {
    const $ = loadPage(readFileSync(new URL('../fixtures/vi/kenh14-20140102113357263.html', import.meta.url), 'utf8'));
    const before = $.html();
    const body = extractBodyParagraphs($, 'http://kenh14.vn/star/ngam-anh-qua-khu-gian-di-cua-vo-thanh-bui-20140102113357263.chn');
    const caption = 'Vợ chồng Thanh Bùi trong tiệc cưới ngày 28/12/2013';
    expect(body.images[0]?.caption).toBe(caption);
    expect(body.paragraphs.some((paragraph) => paragraph.includes(caption))).toBe(false);
    expect(body.paragraphs.some((paragraph) => paragraph.startsWith('Kể từ khi nhạc sĩ Thanh Bùi bất ngờ tổ chức đám cưới'))).toBe(true);
    expect($.html()).toBe(before);
    expect($.root().text()).toContain(caption);
  });
});
