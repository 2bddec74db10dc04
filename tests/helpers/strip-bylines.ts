import * as cheerio from 'cheerio';

/**
 * An article page as a site would serve it after a template change that dropped the byline: no author in
 * JSON-LD or meta tags, no author element, no right-aligned signature paragraph.
 */
export function stripBylines(html: string): string {
  const $ = cheerio.load(html);
  $('script[type="application/ld+json"]').each((_, element) => {
    const text = $(element).text();
    $(element).text(text.replace(/"author"\s*:/g, '"x-removed-author":'));
  });
  $('meta[name="author"], meta[property="article:author"], meta[property="dable:author"]').remove();
  $('[class*="author"], [class*="Author"], [rel="author"], [itemprop="author"]').remove();
  $('p[style*="right"], p[align="right"]').remove();
  return $.html();
}
