import { describe, expect, it } from 'vitest';
import { extractArticle } from '../../lib/extract/index.ts';
import { loadViCorpus, readPage } from '../../bench/eval-vietnamese.ts';

/**
 * The body is cut into paragraphs as a browser lays the page out, whatever the parser's tree says: a block
 * inside an inline element or an unclosed <p> is a block of its own. Shown on the saved pages of
 * tests/fixtures/vi where the old markup does it, through the generic path.
 */
const corpus = loadViCorpus();

function genericArticle(file: string) {
  const want = corpus.find((page) => page.file === file)!;
  return extractArticle(readPage(want), { url: want.url, genericOnly: true });
}

const URL = 'https://tin.example.vn/bai-viet-123.html';
const SENTENCE = 'đủ dài để là văn xuôi của bài báo về kinh tế và xã hội Việt Nam hôm nay, với nhiều chi tiết.';

describe('blocks inside inline elements and unclosed paragraphs', () => {
  it('a <p> left open over a table and the paragraphs after it is not one paragraph (dantri-855374, MS-Word markup)', () => {
    // "<p><span>Trong bối cảnh…<table>…</table>…<p>Cụ thể…": a browser closes the first <p> at the table.
    const paragraphs = genericArticle('vi/dantri-855374.html').body.paragraphs;
    expect(paragraphs[0]).toMatch(/^Trong bối cảnh gói tín dụng ưu đãi 30\.000 tỷ .* dòng vốn khổng lồ\.$/);
    expect(paragraphs.some((paragraph) => paragraph.startsWith('Cụ thể, theo thông tin từ VNCB'))).toBe(true);
    expect(paragraphs.at(-1)).toMatch(/^Trước đó, ý tưởng khi thành lập một ngân hàng xây dựng/);
    expect(Math.max(...paragraphs.map((paragraph) => paragraph.length))).toBeLessThan(1_000);
  });

  it('paragraphs in a <div> inside a <span> of a table cell are each their own (thesaigontimes-274113)', () => {
    // <td><span class="Content"><p class="SGTOTitle">…<p class="SGTOSummary">…<p class="SGTOContent">…
    const paragraphs = genericArticle('vi/thesaigontimes-274113.html').body.paragraphs;
    expect(paragraphs.filter((paragraph) => paragraph.startsWith('Sáng thứ Năm đẹp trời tuần trước')).length).toBeGreaterThan(0);
    expect(paragraphs.some((paragraph) => paragraph.includes('Báo giấy vẫn thú vị!'))).toBe(false);
  });

  it('a link around blocks stays one link (a card to another article), out of the body', () => {
    const card = '<a href="/khac-456.html"><div class="embed-heading"><div>Chuyên mục</div><div>Tiêu đề một bài báo khác của trang</div></div></a>';
    const body = `<article><p>Đoạn mở đầu ${SENTENCE}</p><div>${card}</div><p>Đoạn thứ hai ${SENTENCE}</p><p>Đoạn thứ ba ${SENTENCE}</p></article>`;
    const html = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Tiêu đề bài</title></head><body><h1>Tiêu đề bài</h1>${body}</body></html>`;
    const article = extractArticle(html, { url: URL });
    expect(article.body.paragraphs).toHaveLength(3);
    expect(article.body.text).not.toContain('Tiêu đề một bài báo khác');
  });
});

describe('copies of the page printed for phones only', () => {
  it('are not read when a desktop block prints the article too: thesaigontimes-274113 holds it twice', () => {
    // div.mobile (hidden <h1>Mobile</h1>, span.m_Content) before div.desktop (h1 > span.Title, span.Content)
    const article = genericArticle('vi/thesaigontimes-274113.html');
    const paragraphs = article.body.paragraphs;
    expect(paragraphs).toHaveLength(new Set(paragraphs).size);
    expect(paragraphs[0]).toMatch(/^Sáng thứ Năm đẹp trời tuần trước/);
    expect(paragraphs.at(-1)).toMatch(/^Mong rằng vợ chồng cô chú bán báo thân quen/);
    // the desktop copy's picture only, no share icons of the page around both copies
    expect(article.images.map((image) => image.url)).toEqual(['https://cdn.thesaigontimes.vn/Uploads/Articles04/274113/edaa2_bao_giay_200.jpg']);
  });

  it('are read when they hold the only copy of the article, and left out when they hold no prose', () => {
    const prose = [1, 2, 3, 4, 5, 6].map((index) => `<p>Đoạn ${index} ${SENTENCE}</p>`).join('');
    const page = (body: string) => `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Tiêu đề bài</title></head><body><h1>Tiêu đề bài</h1>${body}</body></html>`;
    // read strictly (its ad box left out), not only by the looser pass for pages with nothing else
    const ad = '<div class="widget"><p>Quảng cáo: một đoạn văn dài của hộp quảng cáo bên lề, không phải của bài viết.</p></div>';
    const onlyCopy = extractArticle(page(`<div class="mobile">${prose}${ad}</div><div class="desktop"><ul><li><a href="/a">Trang chủ</a></li></ul></div>`), { url: URL });
    expect(onlyCopy.body.paragraphs).toHaveLength(6);
    const box = '<div class="box hide-from-desktop"><p>Bài này in trong số báo tháng Bảy, có bán ở các sạp báo.</p></div>';
    expect(extractArticle(page(`<article>${prose}${box}</article>`), { url: URL }).body.text).not.toContain('số báo tháng Bảy');
    // a page wrapper classed "mobile" around the desktop copy says nothing of the screens
    const wrapped = extractArticle(page(`<div class="mobile"><div class="desktop">${prose}${box}</div></div>`), { url: URL });
    expect(wrapped.body.paragraphs).toHaveLength(6);
  });
});

describe('the headline a reader sees', () => {
  it('is not an h1 hidden by its markup; the byline in the table row after it names the author (thesaigontimes-274113)', () => {
    // <h1 style="display:none">Mobile</h1> … <tr><td><h1><span class="Title">…</span></h1></td></tr><tr><td><span>Lê Ngọc Quỳnh</span>
    const article = genericArticle('vi/thesaigontimes-274113.html');
    expect(article.title).toBe('Báo giấy vẫn thú vị!');
    expect(article.authors.map((author) => author.name)).toEqual(['Lê Ngọc Quỳnh']);
    expect(article.body.text).not.toContain('Lê Ngọc Quỳnh');
  });
});

describe("Dân trí's 2014 mobile template (layout dantri/mobile-2014, dantri-855374)", () => {
  const want = corpus.find((page) => page.file === 'vi/dantri-855374.html')!;
  const article = extractArticle(readPage(want), { url: want.url });

  it('reads the headline, date and sapo printed in plain markup above the text', () => {
    expect(article.extractor.name).toBe('dantri/mobile-2014');
    expect(article.title).toBe('"Gói 50.000 tỷ" cứu BĐS: Chuyện thật hay đùa?');
    expect(article.publishedAt).toBe('2014-03-28T11:02:00+07:00');
    expect(article.dateline).toBe('Dân trí');
    // the ">> Bản chất gói…" link after the sapo's <br> is not part of it
    expect(article.lead).toMatch(/^Nhiều ngân hàng có tên trong danh sách .* những thông tin mà VNCB đưa ra\.$/);
  });

  it('reads the text from its subheading to the background box, without the related list, the promo box or the team credit', () => {
    const paragraphs = article.body.paragraphs;
    expect(paragraphs[0]).toBe('50.000 tỷ đồng ở đâu ra?');
    expect(paragraphs.at(-1)).toMatch(/^Trước đó, ý tưởng khi thành lập một ngân hàng xây dựng/);
    for (const text of ['Tin liên quan', 'Đọc những thông tin kinh tế', 'Nhóm PV Kinh tế', 'thực thực hư hư']) expect(article.body.text).not.toContain(text);
    // "Nhóm PV Kinh tế" is the desk's team, a staff credit
    expect(article.authors).toEqual([]);
    expect(article.images.map(({ caption, credit }) => ({ caption, credit }))).toEqual([
      { caption: 'Con số 50.000 tỷ đồng "thực thực hư hư" của VNCB đưa ra khiến chính các ngân hàng cũng ngạc nhiên', credit: null },
    ]);
  });
});

describe('the section label printed above the headline, when nothing else names the section', () => {
  it('is read on a Vietnamese page, in sentence case when printed in capitals (thesaigontimes-274113: "BẠN ĐỌC VIẾT")', () => {
    expect(genericArticle('vi/thesaigontimes-274113.html').category).toBe('Bạn đọc viết');
  });

  const prose = [1, 2, 3, 4, 5, 6].map((index) => `<p>Đoạn ${index} ${SENTENCE}</p>`).join('');
  const page = (above: string) =>
    `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Tiêu đề bài</title></head><body>${above}<div><h1>Tiêu đề bài báo hôm nay</h1></div><article>${prose}</article></body></html>`;
  const category = (above: string) => extractArticle(page(above), { url: 'https://tin.example.vn/12345/tieu-de.html' }).category;

  it('a breadcrumb section printed only in capitals takes the natural case a menu link prints it in (vov-1315698: "THỂ THAO", footer "Thể thao")', () => {
    expect(genericArticle('vi/vov-1315698.html').category).toBe('Thể thao');
    const want = corpus.find((candidate) => candidate.file === 'vi/vov-1315698.html')!;
    expect(extractArticle(readPage(want), { url: want.url }).category).toBe('Thể thao');
    const trail = (name: string, menu: string) =>
      page(`<ol class="breadcrumb"><li><a href="/ha-noi">${name}</a></li></ol>${menu}`);
    const at = (html: string) => extractArticle(html, { url: 'https://tin.example.vn/12345/tieu-de.html' }).category;
    expect(at(trail('HÀ NỘI', '<footer><a href="/ha-noi">Hà Nội</a></footer>'))).toBe('Hà Nội');
    expect(at(trail('XÃ HỘI', ''))).toBe('Xã hội');
    expect(at(trail('Xã hội', ''))).toBe('Xã hội');
  });

  it('keeps initials as printed, and names no section from a menu entry, the home page or a link to the article', () => {
    expect(category('<div><span>|</span><a href="/thi-truong/bds/">THỊ TRƯỜNG BĐS</a></div>')).toBe('Thị trường BĐS');
    expect(category('<div><a href="/thi-truong/">Thị trường</a></div>')).toBe('Thị trường');
    expect(category('<ul><li><a href="/thi-truong/">Thị trường</a></li></ul>')).toBeNull();
    expect(category('<div><a href="/thi-truong/">Thị trường</a> <a href="/the-gioi/">Thế giới</a></div>')).toBeNull();
    expect(category('<div><a href="/">Trang chủ</a></div>')).toBeNull();
    expect(category('<div><a href="/12345/tieu-de.html">Tiêu đề bài báo hôm nay</a></div>')).toBeNull();
  });
});
