import { parseByline } from '../normalize/byline.ts';
import { splitCaption } from '../normalize/caption.ts';
import { cleanText } from '../normalize/text.ts';
import { absoluteHttpUrl } from '../normalize/url.ts';
import type { LayoutPage, SourceAdapter } from './types.ts';

const BODY = 'article.cate-24h-foot-arti-deta-info';
const PICTURE = 'img.news-image';
const CAPTION = 'p.img_chu_thich_0407';
const BYLINE = 'div.cate-24h-foot-arti-deta-author';

/**
 * Each picture's caption, by the picture's address. The CMS prints no figure markup: a picture sits in its own
 * block (a centred <p>, the in-image ad wrapper, a justified gallery) and its caption is the next
 * `p.img_chu_thich_0407` of the body, past empty spacers. A gallery prints one caption after all its pictures,
 * which the picture whose alt repeats it (else the last one) carries.
 */
function captionsByPicture({ $, url }: LayoutPage): Map<string, string> {
  const captions = new Map<string, string>();
  $(BODY).first().children(CAPTION).each((_, paragraph) => {
    let block = $(paragraph).prev();
    while (block.length > 0 && block.find(PICTURE).length === 0 && cleanText(block.text()) === '') block = block.prev();
    const pictures = block.find(PICTURE);
    if (pictures.length === 0) return;
    const text = cleanText($(paragraph).text());
    const repeated = pictures.filter((_, picture) => cleanText(picture.attribs['alt'] ?? '') === text);
    const picture = (repeated.length > 0 ? repeated : pictures).last();
    const address = absoluteHttpUrl(picture.attr('data-original') ?? picture.attr('src') ?? '', url);
    if (address) captions.set(address, text);
  });
  return captions;
}

/**
 * Tin tức 24h (24h.com.vn), the article template of its mobile pages (`cate-24h-foot-arti-deta-*` classes; the
 * desktop pages share the body, sapo and date classes, by public crawlers' selectors, but are not verified here).
 * The sapo is the h2 opening the body `article.cate-24h-foot-arti-deta-info`; between the paragraphs sit ad
 * sections, an in-body related-article card (`div.bv-lq`) and a hidden "saved" popup. The date is printed
 * "Thứ Tư, ngày 20/08/2025 13:00 PM" (24-hour clock with a PM suffix): the JSON-LD and `meta[name=pubdate]`
 * carry it with its zone. Republished articles close with "Theo <writer>" in bold and the outlet in parentheses
 * beside it ("(Người lao động)"): the bold name is the writer. The CMS writes a picture's alt from the headline
 * ("<headline> - 7") when it has no caption.
 */
export const site24h: SourceAdapter = {
  id: '24h',
  name: 'Tin tức 24h',
  domains: ['24h.com.vn'],
  language: 'vi',
  layouts: [
    {
      id: 'cate-24h-foot',
      detect: BODY,
      selectors: {
        title: ['header.cate-24h-foot-arti-deta-title h1'],
        lead: ['h2.cate-24h-foot-arti-deta-sum'],
        date: ['jsonld', { selector: 'meta[name="pubdate"]', attr: 'content' }],
        updated: ['jsonld'],
        body: BODY,
        bodyDrop: [
          'h2.cate-24h-foot-arti-deta-sum',
          CAPTION,
          'section.bnr',
          '[id^="ADS_"]',
          'span.text_adver_mobie',
          'div.m-24h-banner-in-image',
          'div.bv-lq',
          'section.popup-login-noti',
        ],
        figure: `p:has(${PICTURE}), span:has(> ${PICTURE}), a.jg-entry`,
        tags: ['div.cate-24h-foot-arti-deta-tags span a'],
      },
      junkAlt: /\s-\s\d+$/u,
      hook: (page) => {
        const { $, found } = page;
        const captions = captionsByPicture(page);
        const images = found.images?.map((image) => {
          const printed = captions.get(image.url);
          if (printed === undefined) return image;
          const { caption, credit } = splitCaption(printed);
          return { ...image, caption: caption || null, credit: credit || null };
        });
        const byline = $(BYLINE).first();
        const writer = byline.find('#origin_name_full').length > 0 ? /^Theo\s+(.+)$/u.exec(cleanText(byline.find('span.bld').first().text()))?.[1] : undefined;
        const authors = writer ? parseByline(writer) : [];
        return { ...(images ? { images } : {}), ...(authors.length > 0 ? { authors } : {}) };
      },
    },
  ],
};
