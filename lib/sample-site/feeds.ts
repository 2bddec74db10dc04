import { DateTime } from 'luxon';
import { escapeUTF8 } from 'entities';

/** The XML the sample site serves, written the way the real sites write theirs (their saved feeds are in tests/fixtures/feeds). */

export interface FeedEntry {
  url: string;
  title: string;
  summary: string;
  publishedAt: Date;
  modifiedAt: Date;
}

export interface RssStyle {
  /** Tuổi Trẻ's RSS has no <guid>. */
  withGuid: boolean;
  /** "rfc822": "Sat, 05 Sep 2026 22:17:01 +0700"; "gmt7": Tuổi Trẻ's "… 22:17:01 GMT+7". */
  dates: 'rfc822' | 'gmt7';
}

const VIETNAM = 'Asia/Ho_Chi_Minh';

function vietnamTime(date: Date): DateTime {
  return DateTime.fromJSDate(date, { zone: VIETNAM });
}

function rssDate(date: Date, style: RssStyle['dates']): string {
  const local = vietnamTime(date).setLocale('en-US');
  return style === 'rfc822' ? local.toFormat('EEE, dd LLL yyyy HH:mm:ss ZZZ') : local.toFormat('EEE, dd LLL yyyy HH:mm:ss') + ' GMT+7';
}

function isoDate(date: Date): string {
  return vietnamTime(date).toISO({ suppressMilliseconds: true }) ?? date.toISOString();
}

function latest(entries: FeedEntry[], fallback: Date): Date {
  return entries.reduce((max, entry) => (entry.modifiedAt > max ? entry.modifiedAt : max), fallback);
}

export function renderRss(channel: { title: string; link: string }, entries: FeedEntry[], style: RssStyle, builtAt: Date): string {
  const items = entries.map((entry) =>
    [
      '    <item>',
      `      <title>${escapeUTF8(entry.title)}</title>`,
      `      <description><![CDATA[<a href="${entry.url}"></a><br/>${entry.summary}]]></description>`,
      `      <pubDate>${rssDate(entry.publishedAt, style.dates)}</pubDate>`,
      `      <link>${escapeUTF8(entry.url)}</link>`,
      ...(style.withGuid ? [`      <guid isPermaLink="true">${escapeUTF8(entry.url)}</guid>`] : []),
      '    </item>',
    ].join('\n'),
  );
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<rss version="2.0">',
    '  <channel>',
    `    <title>${escapeUTF8(channel.title)}</title>`,
    `    <link>${escapeUTF8(channel.link)}</link>`,
    `    <lastBuildDate>${rssDate(latest(entries, builtAt), 'rfc822')}</lastBuildDate>`,
    ...items,
    '  </channel>',
    '</rss>',
    '',
  ].join('\n');
}

export function renderAtom(feed: { title: string; selfUrl: string; siteUrl: string }, entries: FeedEntry[], builtAt: Date): string {
  const items = entries.map((entry) =>
    [
      '  <entry>',
      `    <title>${escapeUTF8(entry.title)}</title>`,
      `    <link rel="alternate" href="${escapeUTF8(entry.url)}"/>`,
      `    <id>${escapeUTF8(entry.url)}</id>`,
      `    <published>${isoDate(entry.publishedAt)}</published>`,
      `    <updated>${isoDate(entry.modifiedAt)}</updated>`,
      `    <summary>${escapeUTF8(entry.summary)}</summary>`,
      '  </entry>',
    ].join('\n'),
  );
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <title>${escapeUTF8(feed.title)}</title>`,
    `  <link rel="self" href="${escapeUTF8(feed.selfUrl)}"/>`,
    `  <link rel="alternate" href="${escapeUTF8(feed.siteUrl)}"/>`,
    `  <id>${escapeUTF8(feed.selfUrl)}</id>`,
    `  <updated>${isoDate(latest(entries, builtAt))}</updated>`,
    ...items,
    '</feed>',
    '',
  ].join('\n');
}

/** A Google News sitemap, titles entity-escaped as baodanang.vn's are. */
export function renderNewsSitemap(publication: { name: string }, entries: FeedEntry[]): string {
  const urls = entries.map((entry) =>
    [
      '  <url>',
      `    <loc>${escapeUTF8(entry.url)}</loc>`,
      `    <lastmod>${isoDate(entry.modifiedAt)}</lastmod>`,
      '    <news:news>',
      `      <news:publication><news:name>${escapeUTF8(publication.name)}</news:name><news:language>vi</news:language></news:publication>`,
      `      <news:publication_date>${isoDate(entry.publishedAt)}</news:publication_date>`,
      `      <news:title>${escapeUTF8(entry.title)}</news:title>`,
      '    </news:news>',
      '  </url>',
    ].join('\n'),
  );
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">',
    ...urls,
    '</urlset>',
    '',
  ].join('\n');
}

/** A plain urlset, as the daily article sitemaps of the OneCMS sites are. */
export function renderUrlset(entries: FeedEntry[]): string {
  const urls = entries.map((entry) =>
    ['  <url>', `    <loc>${escapeUTF8(entry.url)}</loc>`, `    <lastmod>${isoDate(entry.modifiedAt)}</lastmod>`, '  </url>'].join('\n'),
  );
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ...urls,
    '</urlset>',
    '',
  ].join('\n');
}
