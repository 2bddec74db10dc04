import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { FeedParseError, parseFeed } from '../../lib/feeds/parse.ts';

const FIXTURES = new URL('../fixtures/feeds/', import.meta.url);

async function fixture(name: string): Promise<string> {
  return readFile(new URL(name, FIXTURES), 'utf8');
}

async function parseFixture(name: string, feedUrl: string) {
  return parseFeed(await fixture(name), feedUrl);
}

async function parseError(body: string, feedUrl = 'https://example.vn/rss/home.rss'): Promise<FeedParseError> {
  const error = await parseFeed(body, feedUrl).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(FeedParseError);
  return error as FeedParseError;
}

describe('parseFeed on the real OneCMS captures', () => {
  it('reads the nguoiquansat RSS 2.0 feed: 3 items with guid, link and +0700 dates', async () => {
    const feed = await parseFixture('nguoiquansat-rss-chung-khoan.TRIMMED-3-items.xml', 'https://nguoiquansat.vn/rss/chung-khoan');
    expect(feed.kind).toBe('rss');
    expect(feed.title).toMatch(/\| Người Quan Sát$/);
    expect(feed.invalidItems).toBe(0);
    expect(feed.duplicateItems).toBe(0);
    expect(feed.items.map((item) => item.url.match(/-(\d+)\.html$/)?.[1])).toEqual(['314409', '314408', '314403']);
    for (const item of feed.items) {
      expect(item.guid).toBe(item.url);
      expect(item.feedUrl).toBe('https://nguoiquansat.vn/rss/chung-khoan');
    }
    expect(feed.items.map((item) => item.publishedAt)).toEqual([
      '2026-09-05T22:17:01+07:00',
      '2026-09-05T22:02:01+07:00',
      '2026-09-05T21:36:01+07:00',
    ]);
    expect(feed.items[1]!.title).toBe(
      "Tập đoàn Trung Quốc thâm nhập vào Việt Nam, 'bắt tay' Petrolimex đưa cửa hàng tiện lợi vào hệ thống 5.500 cây xăng",
    );
  });

  it('reads the daily article sitemap: 5 URLs, no guid, no title, lastmod not taken as a publish date', async () => {
    const feed = await parseFixture('nguoiquansat-sitemap-article-2026-09-05.xml', 'https://nguoiquansat.vn/sitemap-article-2026-09-05.xml');
    expect(feed.kind).toBe('sitemap');
    expect(feed.items).toHaveLength(5);
    expect(feed.items[0]).toEqual({
      url: 'https://nguoiquansat.vn/viet-nam-dau-tu-4-500-ty-dong-xay-benh-vien-1-500-giuong-tren-khu-dat-rong-16ha-co-2-bai-dap-truc-thang-du-kien-hoat-dong-nam-2027-314422.html',
      guid: null,
      title: null,
      publishedAt: null,
      updatedMark: '2026-09-05T23:48:01+07:00',
      feedUrl: 'https://nguoiquansat.vn/sitemap-article-2026-09-05.xml',
    });
    expect(feed.items.map((item) => item.url.match(/-(\d+)\.html$/)?.[1])).toEqual(['314422', '314419', '314353', '314418', '314417']);
    expect(feed.childSitemaps).toEqual([]);
  });
});

describe('parseFeed on site-modelled fixtures', () => {
  it('VnExpress: CDATA descriptions with </br> and enclosures parse; tracking link normalized; repeat collapsed; linkless item counted', async () => {
    const feed = await parseFixture('vnexpress-thoi-su.rss', 'https://vnexpress.net/rss/thoi-su.rss');
    expect(feed.kind).toBe('rss');
    expect(feed.title).toBe('Thời sự - VnExpress RSS');
    expect(feed.items.map((item) => item.url)).toEqual([
      'https://vnexpress.net/cach-cac-nuoc-doi-pho-cu-soc-nang-luong-tu-trung-dong-5047363.html',
      'https://vnexpress.net/bo-cong-thuong-nguon-cung-xang-dau-thang-3-duoc-bao-dam-5047368.html',
      'https://vnexpress.net/bitcoin-len-muc-cao-nhat-gan-mot-thang-5046729.html',
    ]);
    expect(feed.items.map((item) => item.publishedAt)).toEqual([
      '2026-03-07T00:05:00+07:00',
      '2026-03-06T21:40:00+07:00',
      '2026-03-05T16:12:45+07:00',
    ]);
    expect(feed.invalidItems).toBe(1);
    expect(feed.duplicateItems).toBe(1);
  });

  it('Tuổi Trẻ: no guid; "GMT+7" and US-style "10/5/2026 3:42:00 PM" pubDates; an unreadable date is null', async () => {
    const feed = await parseFixture('tuoitre-tin-moi-nhat.rss', 'https://tuoitre.vn/rss/tin-moi-nhat.rss');
    expect(feed.title).toBe('Tuổi Trẻ Online - Tin mới nhất');
    expect(feed.items).toHaveLength(4);
    expect(feed.items.every((item) => item.guid === null)).toBe(true);
    expect(feed.items.map((item) => item.publishedAt)).toEqual([
      '2026-03-07T08:01:00+07:00',
      '2026-03-07T09:30:12+07:00',
      '2026-10-05T15:42:00+07:00',
      null,
    ]);
    expect(feed.items[0]!.url).toBe('https://tuoitre.vn/chien-su-day-gia-hoa-nhap-khau-dip-8-3-tang-manh-20260307075519174.htm');
  });

  it('VietNamNet: double-encoded titles decoded, NFD title composed, relative link resolved, feed order kept', async () => {
    const feed = await parseFixture('vietnamnet-thoi-su.rss', 'https://vietnamnet.vn/rss/thoi-su.rss');
    expect(feed.items.map((item) => item.title)).toEqual([
      'Thủ tướng: "Không để thiếu xăng dầu" trong mọi tình huống',
      "Hà Nội's new metro line opens & draws crowds",
      'Cổ phiếu FLC được giao dịch trở lại',
    ]);
    expect(feed.items[2]!.title).toBe(feed.items[2]!.title!.normalize('NFC'));
    expect(feed.items[2]!.url).toBe('https://vietnamnet.vn/co-phieu-flc-duoc-giao-dich-tro-lai-2495349.html');
    expect(feed.items.map((item) => item.guid)).toEqual(['vnn-2495100', 'vnn-2495400', 'vnn-2495349']);
    expect(feed.items.map((item) => item.publishedAt)).toEqual([
      '2026-03-07T07:15:00+07:00',
      '2026-03-07T09:30:00+07:00',
      '2026-03-07T08:52:11+07:00',
    ]);
  });

  it('Atom: alternate link resolved, id as guid, published (else updated) with its own offset, a bad date is null', async () => {
    const feed = await parseFixture('example-atom.xml', 'https://example.vn/atom.xml');
    expect(feed.kind).toBe('atom');
    expect(feed.title).toBe('Báo Mẫu - Tin mới');
    expect(feed.items).toEqual([
      {
        url: 'https://example.vn/tin-tuc/khai-mac-le-hoi-phao-hoa-101.html',
        guid: 'tag:example.vn,2026:article-101',
        title: 'Khai mạc Lễ hội pháo hoa & ẩm thực',
        publishedAt: '2026-03-07T08:05:00+07:00',
        updatedMark: '2026-03-07T08:30:00+07:00',
        feedUrl: 'https://example.vn/atom.xml',
      },
      {
        url: 'https://example.vn/tin-tuc/bai-chi-co-ngay-cap-nhat-102.html',
        guid: 'tag:example.vn,2026:article-102',
        title: 'Bài chỉ có ngày cập nhật',
        publishedAt: '2026-03-06T22:10:00Z',
        updatedMark: '2026-03-06T22:10:00Z',
        feedUrl: 'https://example.vn/atom.xml',
      },
      {
        url: 'https://example.vn/tin-tuc/bai-co-ngay-hong-103.html',
        guid: 'tag:example.vn,2026:article-103',
        title: 'Bài có ngày hỏng',
        publishedAt: null,
        updatedMark: null,
        feedUrl: 'https://example.vn/atom.xml',
      },
    ]);
  });

  it('RDF (RSS 1.0): items with rdf:about as guid and dc:date', async () => {
    const feed = await parseFixture('example-rdf.xml', 'https://example.vn/rss1.rdf');
    expect(feed.kind).toBe('rdf');
    expect(feed.items.map((item) => [item.url, item.guid, item.title, item.publishedAt])).toEqual([
      ['https://example.vn/tin-tuc/bai-mot-201.html', 'https://example.vn/tin-tuc/bai-mot-201.html', 'Bài một', '2026-03-07T10:00:00+07:00'],
      ['https://example.vn/tin-tuc/bai-hai-202.html', 'https://example.vn/tin-tuc/bai-hai-202.html', 'Bài hai', '2026-03-07T11:30:00+07:00'],
    ]);
  });

  it('Google News sitemap: entity-escaped titles decoded, publication dates read, an empty <loc> counted invalid', async () => {
    const feed = await parseFixture('baodanang-sitemap-news.xml', 'https://baodanang.vn/sitemap-news.xml');
    expect(feed.kind).toBe('sitemap');
    expect(feed.items.map((item) => item.title)).toEqual([
      'Khai mạc kỳ họp thứ ba HĐND thành phố Đà Nẵng khóa X',
      'Đà Nẵng đón 5 triệu lượt khách & tăng trưởng "nóng"',
      "Thế giới ngày mới: 'Tin nóng' & bình luận",
    ]);
    expect(feed.items.map((item) => item.url)).toEqual([
      'https://baodanang.vn/khai-mac-ky-hop-thu-ba-hdnd-thanh-pho-da-nang-khoa-x-3301234.html',
      'https://baodanang.vn/da-nang-don-5-trieu-luot-khach-&-tang-truong-3301240.html',
      'https://baodanang.vn/the-gioi-ngay-moi-3301250.html',
    ]);
    // A date without a time is not a publish time: null rather than a guessed midnight.
    expect(feed.items.map((item) => item.publishedAt)).toEqual(['2026-09-05T22:17:01+07:00', null, '2026-09-05T07:00:00Z']);
    expect(feed.invalidItems).toBe(1);
  });

  it('sitemap index: daily child sitemaps, relative ones resolved, repeats listed once, no items', async () => {
    const feed = await parseFixture('baodanang-sitemap-index.xml', 'https://baodanang.vn/sitemap.xml');
    expect(feed.kind).toBe('sitemap-index');
    expect(feed.items).toEqual([]);
    expect(feed.childSitemaps).toEqual([
      'https://baodanang.vn/sitemap-article-2026-09-05.xml',
      'https://baodanang.vn/sitemap-article-2026-09-04.xml',
      'https://baodanang.vn/sitemap-article-2026-09-03.xml',
    ]);
  });

  it('drops links that are not http(s) and collapses items whose guids differ but URLs match', async () => {
    const body = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
      <item><title>a</title><link>javascript:alert(1)</link></item>
      <item><title>b</title><link>mailto:toasoan@example.vn</link></item>
      <item><title>c</title><link>https://example.vn/c-1.html?utm_source=fb</link><guid>g-1</guid></item>
      <item><title>c again</title><link>https://example.vn/c-1.html</link><guid>g-2</guid></item>
      <item><title>d</title><link>https://example.vn/d-2.html</link><guid>g-1</guid></item>
    </channel></rss>`;
    const feed = await parseFeed(body, 'https://example.vn/rss');
    expect(feed.items.map((item) => item.title)).toEqual(['c']);
    expect(feed.items[0]!.url).toBe('https://example.vn/c-1.html');
    expect(feed.invalidItems).toBe(2);
    expect(feed.duplicateItems).toBe(2);
  });
});

describe('parseFeed on bad input', () => {
  it('names the line and column of malformed XML', async () => {
    const error = await parseError(await fixture('bad-truncated.rss'), 'https://vnexpress.net/rss/thoi-su.rss');
    expect(error.message).toMatch(/^https:\/\/vnexpress\.net\/rss\/thoi-su\.rss: malformed XML at line 20, column \d+: /);
    expect(error.feedUrl).toBe('https://vnexpress.net/rss/thoi-su.rss');
  });

  it('reports mismatched tags as malformed XML', async () => {
    const error = await parseError('<rss version="2.0"><channel><item></channel></rss>');
    expect(error.reason).toMatch(/^malformed XML at line 1, column \d+: Expected closing tag 'item'/);
  });

  it('reports an empty or whitespace-only body', async () => {
    expect((await parseError('')).reason).toBe('empty body, not a feed');
    expect((await parseError('\uFEFF \n\t')).reason).toBe('empty body, not a feed');
  });

  it('reports an HTML page, and a JavaScript cookie challenge as such', async () => {
    expect((await parseError(await fixture('bad-html-page.html'))).reason).toBe('got an HTML page, not a feed');
    expect((await parseError(await fixture('bad-cookie-challenge.html'))).reason).toBe(
      'got an HTML page, not a feed (a JavaScript cookie-challenge page)',
    );
    expect((await parseError('<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>')).reason).toBe(
      'got an HTML page, not a feed',
    );
  });

  it('reports well-formed XML that is no feed by its root element', async () => {
    expect((await parseError(await fixture('bad-unknown-root.xml'))).reason).toBe('root element <opml> is not RSS, Atom, RDF or a sitemap');
  });

  it('reads HTML entities that feeds written by HTML-minded CMSs use without declaring them', async () => {
    const feed = await parseFeed(
      '<?xml version="1.0"?><rss version="2.0"><channel><title>Tin&nbsp;m&#7899;i</title><item><title>x&nbsp;y&eacute;</title><link>https://example.vn/a-1.html</link></item></channel></rss>',
      'https://example.vn/rss',
    );
    expect(feed.title).toBe('Tin mới');
    expect(feed.items.map((item) => item.title)).toEqual(['x yé']);
  });
});
