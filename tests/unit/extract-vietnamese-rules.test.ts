import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { extractArticle } from '../../lib/extract/index.ts';
import { ExtractionTrace } from '../../lib/extract/explain.ts';
import { runLayout } from '../../lib/extract/adapter-runner.ts';
import type { SourceAdapter } from '../../lib/sources/types.ts';
import { loadVietnameseCorpus, readPage } from '../../bench/eval-vietnamese.ts';

/**
 * The Vietnamese generic rules one at a time, each on the smallest page that shows it (the saved pages of
 * tests/fixtures/vi show them in the wild: extract-vi-corpus.test.ts).
 */
const BODY = Array.from({ length: 4 }, (_, index) => `<p>Đoạn văn thứ ${index + 1} của bài viết, đủ dài để là văn xuôi của bài báo về kinh tế và xã hội Việt Nam hôm nay.</p>`).join('');

function page(head: string, body: string): string {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Tiêu đề</title>${head}</head><body>${body}</body></html>`;
}

const ld = (value: unknown): string => `<script type="application/ld+json">${JSON.stringify(value)}</script>`;
const URL = 'https://tin.example.vn/bai-viet-123.html';

describe('section: one, the most specific', () => {
  it('takes the last step of the JSON-LD BreadcrumbList, not the home page or the article', () => {
    const trail = ld({
      '@type': 'BreadcrumbList',
      itemListElement: [
        { '@type': 'ListItem', position: 1, item: { '@id': 'https://tin.example.vn/', name: 'Trang chủ' } },
        { '@type': 'ListItem', position: 2, item: { '@id': 'https://tin.example.vn/the-thao', name: 'Thể thao' } },
        { '@type': 'ListItem', position: 3, item: { '@id': 'https://tin.example.vn/the-thao/bong-da', name: 'Bóng đá' } },
        { '@type': 'ListItem', position: 4, item: { '@id': URL, name: 'Tuyển Việt Nam thắng' } },
      ],
    });
    const article = extractArticle(page(trail, `<h1>Tuyển Việt Nam thắng</h1><article>${BODY}</article>`), { url: URL });
    expect(article.category).toBe('Bóng đá');
  });

  it('never joins several sections: a listed articleSection gives its first name', () => {
    const meta = '<meta property="article:section" content="Thể thao,World Cup 2026,Tin tức">';
    expect(extractArticle(page(meta, `<h1>Tuyển Việt Nam thắng</h1><article>${BODY}</article>`), { url: URL }).category).toBe('Thể thao');
  });

  it('names the section the URL files the article under as the menu does, when nothing else states one', () => {
    const menu = '<ul class="menu"><li><a href="/giai-tri.htm">GIẢI TRÍ</a></li><li><a href="/giai-tri.htm">Giải trí</a></li><li><a href="/giai-tri/am-nhac.htm">Âm nhạc</a></li><li><a href="/the-thao.htm">Thể thao</a></li></ul>';
    const article = (url: string) => extractArticle(page('', `${menu}<h1>Ca sĩ về nước</h1><article>${BODY}</article>`), { url });
    expect(article('https://tin.example.vn/giai-tri/am-nhac/ca-si-ve-nuoc-123.htm').category).toBe('Âm nhạc');
    expect(article('https://tin.example.vn/giai-tri/ca-si-ve-nuoc-123.htm').category).toBe('Giải trí');
    expect(article('https://tin.example.vn/ca-si-ve-nuoc-123.htm').category).toBeNull();
    const separated = extractArticle(page('', `<a href="/">Trang chủ</a><a href="/kinh-doanh.htm">- Kinh doanh</a><h1>Gói tín dụng mới</h1><article>${BODY}</article>`), { url: 'https://tin.example.vn/kinh-doanh/goi-tin-dung-855374.htm' });
    expect(separated.category).toBe('Kinh doanh');
  });

  it('knows the menu link to the section however the link writes the address (links are told apart before they are resolved)', () => {
    const url = 'https://tin.example.vn/giai-tri/ca-si-ve-nuoc-123.htm';
    const category = (link: string) => extractArticle(page('', `<a href="/">Trang chủ</a>${link}<h1>Ca sĩ về nước</h1><article>${BODY}</article>`), { url }).category;
    // The page's own directory (a dot segment, also as an escape, or an extension alone), a parent, capitals, other forms of the address, a tab the parser drops.
    const hrefs = ['./', '.', ' ./ ', 'x/..', '%2e/', '.html', '../giai-tri/', '/giai-tri//.html', '../giai-tri/?trang=2', 'HTTPS://TIN.EXAMPLE.VN/GIAI-TRI', '//tin.example.vn/giai-tri.html', '/giai\t-tri'];
    for (const href of hrefs) {
      expect(category(`<a href="${href}">Giải trí</a>`), href).toBe('Giải trí');
    }
    expect(category('<a href="/giai-tri-2">Giải trí</a>')).toBeNull();
  });

  it('reads a visible breadcrumb, leaving out the sub-menus nested in a step', () => {
    const crumbs = '<ul class="breadcrumb"><li><a href="/">Trang chủ</a></li><li><a href="/kinh-te">Kinh tế</a><ul><li><a href="/x">Tài chính</a></li><li><a href="/y">Bất động sản</a></li></ul></li></ul>';
    expect(extractArticle(page('', `${crumbs}<h1>Giá vàng tăng</h1><article>${BODY}</article>`), { url: URL }).category).toBe('Kinh tế');
  });

  it("turns down an English placeholder section on a Vietnamese page for the page's category bar (giadinhonline-174321)", () => {
    const placeholder = '<meta property="article:section" content="News" />';
    // the bar above the headline of tests/fixtures/vi/giadinhonline-174321.html, as saved
    const bar =
      '<div class="category-list-t"><div class="category-text"><div class="category-text-dad"><a href="https://giadinhonline.vn/suc-khoe/">Sống +</a></div>' +
      '<div class="category-text-icon"><i class="fas fa-chevron-right"></i></div><div class="category-text-list active"><a href="https://giadinhonline.vn/y-te-360/">Y tế 360</a></div></div>' +
      '<div class="category-time-t"><span>Thứ ba, 21/09/2021 06:30</span></div></div>';
    const headline = '<h1 class="detail-title">4 dấu hiệu bất thường khi tiểu tiện báo hiệu nguy cơ ung thư bàng quang</h1>';
    const url = 'https://giadinhonline.vn/4-dau-hieu-bat-thuong-khi-tieu-tien-bao-hieu-nguy-co-ung-thu-bang-quang-d174321.html';
    expect(extractArticle(page(placeholder, `${bar}${headline}<article>${BODY}</article>`), { url }).category).toBe('Y tế 360');
    // without the bar, "News" still names no section of a Vietnamese page
    expect(extractArticle(page(placeholder, `${headline}<article>${BODY}</article>`), { url }).category).toBeNull();
    // a Vietnamese section field is kept, and so is "News" on an English page
    expect(extractArticle(page('<meta property="article:section" content="Sức khỏe" />', `${bar}${headline}<article>${BODY}</article>`), { url }).category).toBe('Sức khỏe');
    const english = `<!doctype html><html lang="en"><head><title>Title</title>${placeholder}</head><body><h1>Title</h1><article>${BODY}</article></body></html>`;
    expect(extractArticle(english, { url: 'https://news.example.com/story-123.html' }).category).toBe('News');
  });

  it('reads a heading printed as a link trail when the page states its section nowhere else (baocantho-56315)', () => {
    // the heading above the headline of tests/fixtures/vi/baocantho-56315.html, as saved
    const trail =
      '<div class="titlecate">\n\t\t\t<h1>\n\t\t\t\t<a href="https://baocantho.com.vn/news/y-te/">Y tế</a>\n' +
      '\t\t\t\t<span class="fw400"> > <a style="color:#b0b0b0;" href="https://baocantho.com.vn/y-te/suc-khoe/">Sức khỏe</a></span>\t\t\t</h1>\n\t\t</div>';
    const headline = '<h1 class="margintopbot10 fw700">Tốp 10 rau củ, trái cây giàu chất chống ôxy hóa</h1>';
    const url = 'https://baocantho.com.vn/top-10-rau-cu-trai-cay-giau-chat-chong-oxy-hoa-a56315.html';
    expect(extractArticle(page('', `${trail}${headline}<article>${BODY}</article>`), { url }).category).toBe('Sức khỏe');
    // links set apart by "|" (a menu) or by words are no trail (a heading of one link is the section label above the headline, tested with thesaigontimes)
    const notTrails = [
      '<h3><a href="/y-te/">Y tế</a> | <a href="/y-te/suc-khoe/">Sức khỏe</a></h3>',
      '<h3><a href="/y-te/">Y tế</a> và <a href="/y-te/suc-khoe/">Sức khỏe</a></h3>',
    ];
    for (const heading of notTrails) expect(extractArticle(page('', `${heading}${headline}<article>${BODY}</article>`), { url }).category).toBeNull();
    // a section the page states elsewhere wins over the heading
    expect(extractArticle(page('<meta property="article:section" content="Dinh dưỡng" />', `${trail}${headline}<article>${BODY}</article>`), { url }).category).toBe('Dinh dưỡng');
    // the saved page itself
    const saved = loadVietnameseCorpus().find((want) => want.file === 'vi/baocantho-56315.html')!;
    expect(extractArticle(readPage(saved), { url: saved.url }).category).toBe('Sức khỏe');
  });
});

describe('authors: persons only', () => {
  const withAuthors = (authors: unknown, extraHead = ''): string =>
    page(
      `<meta property="og:site_name" content="Báo Ví Dụ">${extraHead}${ld({ '@type': 'NewsArticle', headline: 'Giá vàng tăng', author: authors, publisher: { '@type': 'Organization', name: 'Báo Ví Dụ' } })}`,
      `<h1>Giá vàng tăng</h1><article>${BODY}</article>`,
    );

  it('drops an Organization-typed JSON-LD author and one equal to the publisher, then reads the next source', () => {
    const html = withAuthors([{ '@type': 'Organization', name: 'Công ty Truyền thông ABC' }, { '@type': 'Person', name: 'Báo Ví Dụ' }], '<meta name="author" content="Minh Anh">');
    const trace = new ExtractionTrace();
    expect(extractArticle(html, { url: URL, trace }).authors).toEqual([{ name: 'Minh Anh', raw: 'Minh Anh' }]);
    const rejected = trace.fields.get('authors')!.rejected.map((candidate) => candidate.why);
    expect(rejected).toEqual(expect.arrayContaining(['an organization is not a byline', 'the publisher or site name']));
  });

  it('gives no author for a source ("Theo X"), a staff credit ("PV", "Nhóm phóng viên") or a host name', () => {
    for (const name of ['Theo TTXVN', 'PV', 'Nhóm phóng viên', 'baochinhphu.vn', 'Ban biên tập', 'FPT Online', 'VietNamNet News']) {
      expect(extractArticle(withAuthors({ '@type': 'Person', name }), { url: URL }).authors, name).toEqual([]);
    }
    // a title before a name is dropped, the name kept
    expect(extractArticle(withAuthors({ '@type': 'Person', name: 'PV Ngọc Phú' }), { url: URL }).authors).toEqual([{ name: 'Ngọc Phú', raw: 'Ngọc Phú' }]);
  });

  it('takes the right-aligned bold name closing the body as the byline, out of the body', () => {
    const html = page('', `<h1>Giá vàng tăng</h1><article>${BODY}<p style="text-align: right;"><b>Phương Nhi</b></p></article>`);
    const article = extractArticle(html, { url: URL });
    expect(article.authors).toEqual([{ name: 'Phương Nhi', raw: 'Phương Nhi' }]);
    expect(article.body.text).not.toContain('Phương Nhi');
  });

  it('keeps a closing "Theo X" credit out of the body without making it an author', () => {
    const html = page('', `<h1>Giá vàng tăng</h1><article>${BODY}<p style="text-align:right"><i>Theo Bảo hiểm xã hội TP Hà Nội</i></p></article>`);
    const article = extractArticle(html, { url: URL });
    expect(article.authors).toEqual([]);
    expect(article.body.text).not.toContain('Theo Bảo hiểm');
  });

  it('reads "Theo <b>Name</b>" followed by the outlet in italics as the writer of a syndicated article', () => {
    const html = page('', `<h1>Giá vàng tăng</h1><article><div>${BODY}<p>Theo <strong>Vân Anh</strong></p></div><div style="text-align:right"><span style="font-style:italic">Lao Động</span></div></article>`);
    const article = extractArticle(html, { url: URL });
    expect(article.authors).toEqual([{ name: 'Vân Anh', raw: 'Vân Anh' }]);
    expect(article.body.text).not.toContain('Vân Anh');
    // with no outlet printed apart, "Theo X" stays a source
    const bare = extractArticle(page('', `<h1>Giá vàng tăng</h1><article>${BODY}<p>Theo <strong>Lao Động</strong></p></article>`), { url: URL });
    expect(bare.authors).toEqual([]);
  });

  it('reads that writer\'s credit on its own line when it shares one run with the text before it (cafebiz-201404031417040772)', () => {
    // the end of the body of tests/fixtures/vi/cafebiz-201404031417040772.html, as saved
    const closing =
      '<em>Cuối cùng là chiến dịch tiếp thị của hãng len Rellana với những khuôn mặt có mái tóc và chòm râu cực kỳ hài hước. Hiệu quả tiếp thị từ chiến dịch này là rất đáng ghi nhận</em>.<br>' +
      '<a href="http://cafebiz.vn/thi-truong/vi-sao-sua-va-nuoc-ngot-duoc-chua-trong-bao-bi-hinh-khoi-khac-nhau-ky-1-2014033115250403715ca101.chn"><span><strong>&gt;&gt; Vì sao sữa và nước ngọt được chứa trong bao bì hình khối khác nhau? Kỳ 1</strong></span></a> ' +
      '<br>Theo <strong>Vũ Vũ</strong><div><span style=\'font-style:italic;float:right;\'>Zing/Themost10</span></div>';
    const article = extractArticle(page('', `<h1>Những mẫu bao bì độc đáo nhất thế giới</h1><div id="newsContent">${BODY}${closing}</div>`), { url: URL });
    expect(article.authors).toEqual([{ name: 'Vũ Vũ', raw: 'Vũ Vũ' }]);
    expect(article.body.text).toContain('rất đáng ghi nhận');
    expect(article.body.text).not.toContain('Theo Vũ Vũ');
    // a "Theo X" line with no outlet after it stays in its run: a source, not a writer
    const bare = extractArticle(page('', `<h1>Những mẫu bao bì độc đáo nhất thế giới</h1><div id="newsContent">${BODY}${closing.replace(/<div>.*<\/div>$/, '')}</div>`), { url: URL });
    expect(bare.authors).toEqual([]);
  });

  it('takes a bold name with its source in parentheses, or a right-aligned name outside any paragraph, as the closing byline', () => {
    const parenthesised = extractArticle(page('', `<h1>Giá vàng tăng</h1><article>${BODY}<p><span class="bold">Ca Tiếu</span><span class="italic">(theo online-tech-tips)</span></p></article>`), { url: URL });
    expect(parenthesised.authors.map((author) => author.name)).toEqual(['Ca Tiếu']);
    expect(parenthesised.body.text).not.toContain('Ca Tiếu');
    const inDiv = extractArticle(page('', `<h1>Giá vàng tăng</h1><article>${BODY}<div align="right"><strong>Hà Anh</strong></div><div align="right">&nbsp;</div></article>`), { url: URL });
    expect(inDiv.authors.map((author) => author.name)).toEqual(['Hà Anh']);
  });

  it('ends the body at its closing byline when only a small box of loose text follows, and prefers that byline to a metadata person printed nowhere', () => {
    const box = '<div class="template"><span class="bold">Cách cài đặt ứng dụng cảnh báo</span><br><br>Ứng dụng giúp cảnh báo sớm cho người dùng nếu họ từng tiếp xúc với người nhiễm bệnh.</div>';
    const html = withAuthors({ '@type': 'Person', name: 'Nguyễn Đắc Vịnh' }).replace(`<article>${BODY}</article>`, `<article>${BODY}<p><strong>Dương Lâm</strong></p>${box}</article>`);
    const trace = new ExtractionTrace();
    const article = extractArticle(html, { url: URL, trace });
    expect(article.body.paragraphs).toHaveLength(4);
    expect(article.body.text).not.toMatch(/Dương Lâm|Cách cài đặt/);
    expect(article.authors.map((author) => author.name)).toEqual(['Dương Lâm']);
    expect(trace.fields.get('authors')!.rejected.map((candidate) => candidate.why)).toContain('printed nowhere on the page, unlike the closing byline');
    // a metadata person the page prints (under the headline) stays the author
    const shown = withAuthors({ '@type': 'Person', name: 'Minh Anh' }).replace('<h1>Giá vàng tăng</h1>', '<h1>Giá vàng tăng</h1><span class="meta">Minh Anh</span>').replace(`<article>${BODY}</article>`, `<article>${BODY}<p><strong>Dương Lâm</strong></p></article>`);
    expect(extractArticle(shown, { url: URL }).authors.map((author) => author.name)).toEqual(['Minh Anh']);
  });

  it('reads a line of names printed right under the headline, leaving out the source after it', () => {
    const html = page('', `<h1><span class="logo"></span></h1><h1>Giá vàng tăng</h1><p class="post-meta"><a href="https://x.example.vn/">Long Trần - Theo Trí Thức Trẻ</a></p><article>${BODY}</article>`);
    const trace = new ExtractionTrace();
    expect(extractArticle(html, { url: URL, trace }).authors).toEqual([{ name: 'Long Trần', raw: 'Long Trần' }]);
    expect(trace.fields.get('authors')!.chosen!.from).toBe('heuristic: a line of names under the headline');
    // a section label under the headline is no byline
    expect(extractArticle(page('', `<h1>Giá vàng tăng</h1><p>Kinh doanh</p><article>${BODY}</article>`), { url: URL }).authors).toEqual([]);
  });
});

describe('the printed lead', () => {
  it('is the prose subheading under the headline when the metadata has no description, its dateline split off', () => {
    const lead = 'Dư luận lại xôn xao việc cô giáo và học trò ở vùng cao chui túi nilông vượt sông đến lớp mỗi ngày trong mùa lũ.';
    const article = extractArticle(page('', `<h1>Vì sao học trò vượt sông?</h1><p class="time">Thứ Năm, 20/03/2014 15:23</p><h3>GiadinhNet – ${lead}</h3><article>${BODY}</article>`), { url: URL });
    expect(article.lead).toBe(lead);
    expect(article.dateline).toBe('GiadinhNet');
    expect(article.body.text).not.toContain('Dư luận');
    // printed as a bold paragraph after the date bar, with the author in span.author after the body
    const bold = extractArticle(page('', `<h1>Vì sao học trò vượt sông?</h1><div class="tool-bar"><span class="date">23/03/2015 08:06 GMT+7</span></div><p><strong>TT - ${lead}</strong></p><article>${BODY}</article><div><span class="author">XUÂN LONG</span></div>`), { url: URL });
    expect([bold.lead, bold.dateline]).toEqual([lead, 'TT']);
    expect(bold.authors).toEqual([{ name: 'Xuân Long', raw: 'XUÂN LONG' }]);
  });

  it('is found when only the description carries a site label before it, and in a "chappeau" element', () => {
    const description = 'Giá vàng trong nước sáng nay tăng mạnh theo đà thế giới, vượt mốc cao nhất từ trước đến nay.';
    const labelled = page(`<meta name="description" content="Báo Mobile - ${description}">`, `<h1>Giá vàng tăng</h1><h2 class="post-sapo">${description}</h2><article>${BODY}</article>`);
    const article = extractArticle(labelled, { url: URL });
    expect(article.lead).toBe(description);
    expect(article.dateline).toBeNull();
    const chappeau = page(`<meta name="description" content="${description.slice(0, 60)}…">`, `<h1>Giá vàng tăng</h1><article><div class="chappeau"><p>${description}</p></div>${BODY}</article>`);
    const fromChappeau = extractArticle(chappeau, { url: URL });
    expect(fromChappeau.lead).toBe(description);
    expect(fromChappeau.body.paragraphs[0]).toMatch(/^Đoạn văn thứ 1/);
  });
});

describe('the headline', () => {
  it('is never a one-word h1 on a Vietnamese page ("Mobile" labelling a hidden block): <title> comes next', () => {
    const html = `<!doctype html><html lang="vi"><head><title>Báo giấy vẫn thú vị!</title></head><body><h1>Mobile</h1><article>${BODY}</article></body></html>`;
    expect(extractArticle(html, { url: URL }).title).toBe('Báo giấy vẫn thú vị!');
  });

  it('is the h1 when the metadata gives its text followed by sections and the site', () => {
    const html = page('<meta property="og:title" content="Thanh tra vụ chặt cây xanh - Chính trị - Xã hội - Tuổi Trẻ Online">', `<h1>Thanh tra vụ chặt cây xanh</h1><article>${BODY}</article>`);
    expect(extractArticle(html, { url: URL }).title).toBe('Thanh tra vụ chặt cây xanh');
  });
});

describe('teaser cards of other articles inside the body', () => {
  it('are left out whatever their class, with their label; a linked heading in the prose is kept', () => {
    const card = '<div class="inner-article"><a href="/khac-1.html"><img src="https://tin.example.vn/t.jpg"></a><h4><a href="/khac-1.html">Cách tăng âm lượng chỉ đường</a></h4><p>Tính năng chỉ đường bằng giọng nói giúp người dùng theo dõi đường đi.</p></div>';
    const labelled = '<ul><li><span>Tham khảo thêm</span><div><h4><a href="/khac-2.html">Quy định mới về giám sát</a></h4><a href="/khac-2.html"><img src="https://tin.example.vn/u.jpg"></a></div></li></ul>';
    const article = extractArticle(page('', `<h1>Giá vàng tăng</h1><article>${BODY}${card}${BODY}${labelled}</article>`), { url: URL });
    expect(article.body.text).not.toMatch(/Cách tăng âm lượng|Tính năng chỉ đường|Tham khảo thêm|Quy định mới/);
    const section = extractArticle(page('', `<h1>Giá vàng tăng</h1><article>${BODY}<div><h3><a href="/vang.html">Giá vàng hôm nay</a></h3>${BODY}</div></article>`), { url: URL });
    expect(section.body.paragraphs).toHaveLength(8);
  });
});

describe('the publish time printed near the headline', () => {
  it('is read in Vietnam time on a .vn site when the metadata has none', () => {
    const html = page('', `<h1>Giá vàng tăng</h1><div class="meta"><span>Cập nhật: Thứ bảy, 07/03/2026 - 08:07</span></div><article>${BODY}</article>`);
    const trace = new ExtractionTrace();
    expect(extractArticle(html, { url: URL, trace }).publishedAt).toBe('2026-03-07T08:07:00+07:00');
    expect(trace.fields.get('publishedAt')!.chosen!.from).toMatch(/^heuristic: date printed near the headline/);
  });

  it('is not guessed on a site of unknown zone', () => {
    const html = page('', `<h1>Giá vàng tăng</h1><span>07/03/2026 08:07</span><article>${BODY}</article>`);
    expect(extractArticle(html, { url: 'https://news.example.com/a.html' }).publishedAt).toBeNull();
  });
});

describe('captions printed without figure markup', () => {
  const withPicture = (inner: string) => extractArticle(page('', `<h1>Giá vàng tăng</h1><article>${BODY}${inner}${BODY}</article>`), { url: URL });

  it.each([
    ['a table: the picture in one cell, the caption in another', '<table class="image"><tr><td><img src="https://tin.example.vn/a.jpg"></td></tr><tr><td>Người dân mua vàng. (Ảnh: Minh Anh)</td></tr></table>', 'Minh Anh'],
    ['a centred italic paragraph after the picture', '<p style="text-align:center"><img src="https://tin.example.vn/b.jpg"></p><p style="text-align:center"><em>Người dân mua vàng. Ảnh: MINH ANH</em></p>', 'MINH ANH'],
    ['an italic div after an empty caption slot, its credit on the next line', '<div><img src="https://tin.example.vn/d.jpg"></div><p class="PhotoCMS_Caption"></p><div align="justify"><em>Người dân mua vàng.</em></div><div><em>Ảnh: Dương Tử</em></div>', 'Dương Tử'],
    ['a div styled italic, the credit a screenshot of a clip', '<div><img src="https://tin.example.vn/e.jpg"></div><div><span style="font-style: italic">Người dân mua vàng. - Ảnh trích từ clip của VTV</span></div>', 'Ảnh trích từ clip của VTV'],
  ])('%s: caption and credit split, the text out of the body', (_, inner, credit) => {
    const article = withPicture(inner);
    expect(article.images.map(({ caption, credit: printed }) => ({ caption, credit: printed }))).toEqual([{ caption: 'Người dân mua vàng.', credit }]);
    expect(article.body.text).not.toContain('Người dân mua vàng');
  });

  it('italic text right after a picture, up to a blank line, is its caption, out of the body', () => {
    const inline = '<div align="center"><span style="font-style: italic;"><img src="https://tin.example.vn/f.jpg"><br>Vợ chồng ca sĩ trong tiệc cưới<br><br><img src="https://tin.example.vn/g.jpg"><br>Nữ doanh nhân đẹp dịu dàng</span><br><br></div>';
    const wrapped = '<div><span style="font-style: italic;"><img src="https://tin.example.vn/h.jpg"></span><br><span style="font-style: italic;">Ba anh em luôn thân thiết</span><br><br><img src="https://tin.example.vn/i.jpg"></div>';
    const article = withPicture(inline + wrapped);
    expect(article.images.map((image) => image.caption)).toEqual(['Vợ chồng ca sĩ trong tiệc cưới', 'Nữ doanh nhân đẹp dịu dàng', 'Ba anh em luôn thân thiết', null]);
    expect(article.body.text).not.toMatch(/Vợ chồng ca sĩ|Nữ doanh nhân|Ba anh em/);
    expect(article.body.paragraphs).toHaveLength(8);
  });

  it('pictures sharing the article\'s slug as file name are told apart by directory; sizes of one picture are one', () => {
    const img = (path: string) => `<p><img src="https://cdn.example.vn${path}"></p>`;
    const article = withPicture(
      img('/thumb_w/640/2016/anh-2-1457769815085/bai-viet.jpg') + img('/thumb_w/640/2016/anh-3-1457769840009/bai-viet.jpg') + img('/thumb_w/1280/2016/anh-3-1457769840009/bai-viet.jpg') + img('/640/chung.jpg') + img('/1280/chung.jpg'),
    );
    expect(article.images.map((image) => image.url.replace('https://cdn.example.vn', ''))).toEqual(['/thumb_w/640/2016/anh-2-1457769815085/bai-viet.jpg', '/thumb_w/640/2016/anh-3-1457769840009/bai-viet.jpg', '/640/chung.jpg']);
  });

  it('a plain "Ảnh: X" paragraph after the picture is its credit', () => {
    const article = withPicture('<div class="img"><img src="https://tin.example.vn/c.jpg"></div><p>Ảnh: Minh Anh</p>');
    expect(article.images.map(({ caption, credit }) => ({ caption, credit }))).toEqual([{ caption: null, credit: 'Minh Anh' }]);
    expect(article.body.text).not.toContain('Ảnh:');
  });
});

/** A page of tests/fixtures/vi, extracted at its own URL. */
function extractSaved(file: string) {
  const want = loadVietnameseCorpus().find((expectation) => expectation.file === file)!;
  return extractArticle(readPage(want), { url: want.url });
}

describe('the body paragraphs', () => {
  it('start with the subhead a body opens with, subheads further down staying items of their own (giadinhonline-208128)', () => {
    const paragraphs = extractSaved('vi/giadinhonline-208128.html').body.paragraphs;
    expect(paragraphs[0]).toBe('Thổi gió nóng, cản trở thoát mồ hôi');
    expect(paragraphs[1]).toMatch(/^Theo bác sĩ Taniguchi Hideki/);
    expect(paragraphs).toContain('Cẩn trọng khi sạc pin');
  });

  it("of a photo story told only by its pictures' captions are those captions; each picture keeps its own (vnexpress-2985539)", () => {
    const article = extractSaved('vi/vnexpress-2985539.html');
    expect(article.extractor.name).toBe('vnexpress/fck-detail-2014');
    expect(article.images).toHaveLength(7);
    expect(article.body.paragraphs).toEqual(article.images.map((image) => image.caption));
    expect(article.body.paragraphs[0]).toMatch(/^Vừa đặt chân đến Việt Nam chuẩn bị cho buổi hoà nhạc/);
    // the byline closing the story names the writer; the photographer credited on its second line is no author
    expect(article.authors.map((author) => author.name)).toEqual(['Tâm Giao']);
    expect(article.body.text).not.toMatch(/Tâm Giao|Ảnh:/);
  });

  it('of a photo story told in italic lines between its pictures are those lines, one each; no picture takes one as its caption (cafebiz-201404031417040772)', () => {
    const article = extractSaved('vi/cafebiz-201404031417040772.html');
    // the lines sit in <em>s beside the pictures' <em>s, after the lead's <h2>: inline prose the scoring reads
    expect(article.body.paragraphs[0]).toMatch(/^Trước hết là bao bì cho loại mì Pasta/);
    expect(article.body.paragraphs[1]).toMatch(/^Bao bì cho hạt dẻ này/);
    expect(article.body.paragraphs).toHaveLength(13);
    // nothing is printed upright there, so italics set no caption apart
    expect(article.images).toHaveLength(21);
    expect(article.images.filter((image) => image.caption !== null || image.credit !== null)).toEqual([]);
    // the related link one line break below the last line, and the writer's credit, are not its text
    expect(article.body.paragraphs.at(-1)).toMatch(/^Cuối cùng là chiến dịch.*rất đáng ghi nhận\.$/);
    expect(article.body.text).not.toMatch(/Vì sao sữa|Vũ Vũ/);
  });

  it('break where a picture stands between two lines of a run, not at a picture inside a line', () => {
    const run = '<div id="noi-dung"><span>Dòng thứ nhất của câu chuyện kể về chuyến đi dài ngày qua những vùng núi phía Bắc.</span><span><br></span><span><img src="https://tin.example.vn/a.jpg"></span>' +
      '<span>Dòng thứ hai kể tiếp</span> <img src="https://tin.example.vn/icon.png"> <span>về những người dân địa phương đã đón đoàn rất nồng hậu.</span><h3>Tiêu đề phụ</h3><p>Đoạn văn thường sau tiêu đề phụ, đủ dài để là văn xuôi của bài báo về du lịch.</p></div>';
    const article = extractArticle(page('', `<h1>Chuyến đi</h1>${run}`), { url: URL });
    expect(article.body.paragraphs.slice(0, 2)).toEqual([
      'Dòng thứ nhất của câu chuyện kể về chuyến đi dài ngày qua những vùng núi phía Bắc.',
      'Dòng thứ hai kể tiếp về những người dân địa phương đã đón đoàn rất nồng hậu.',
    ]);
  });

  it('leave out a line of links closing a run of text, not a link inside a sentence', () => {
    const closing = 'Đoạn cuối của bài viết nói về <a href="/chu-de/kinh-te">kinh tế</a> và xã hội Việt Nam hôm nay, đủ dài để là văn xuôi.<br><a href="/bai-khac-123.html"><strong>&gt;&gt; Một bài khác của chuyên mục kinh tế</strong></a>';
    const article = extractArticle(page('', `<h1>Giá vàng tăng</h1><div id="noi-dung">${BODY}${closing}</div>`), { url: URL });
    expect(article.body.paragraphs.at(-1)).toBe('Đoạn cuối của bài viết nói về kinh tế và xã hội Việt Nam hôm nay, đủ dài để là văn xuôi.');
    expect(article.body.text).not.toContain('Một bài khác');
  });
});

describe('a layout hook', () => {
  it('replaces what the selectors found, and --explain says so', () => {
    const want = loadVietnameseCorpus().find((expectation) => expectation.file === 'vi/genk-165260716163514059.html')!;
    const $ = cheerio.load(readPage(want));
    const adapter: SourceAdapter = {
      id: 'example',
      name: 'example',
      domains: ['genk.vn'],
      language: 'vi',
      layouts: [
        {
          id: 'kbwc',
          detect: 'h1.kbwc-title',
          selectors: { title: ['h1.kbwc-title'], body: 'div.knc-content#ContentDetail', authors: ['span.kbwcm-author'] },
          hook: ({ found }) => ({ authors: (found.authors ?? []).slice(0, 1) }),
        },
      ],
    };
    const trace = new ExtractionTrace();
    const fields = runLayout($, adapter, adapter.layouts[0]!, want.url, trace);
    // the selector reads "Thế Duyệt, Đời sống Pháp luật" as two names; the hook keeps the person
    expect(fields.authors?.map((author) => author.name)).toEqual(['Thế Duyệt']);
    expect(trace.fields.get('authors')).toMatchObject({
      chosen: { from: 'adapter example/kbwc hook' },
      rejected: [{ from: 'adapter example/kbwc span.kbwcm-author', why: 'corrected by the layout hook' }],
    });
  });
});

describe('a layout without a body selector', () => {
  it('reads the fields its selectors name and leaves the body to the generic path (Kênh 14, 2014 mobile template)', () => {
    const want = loadVietnameseCorpus().find((expectation) => expectation.file === 'vi/kenh14-20140102113357263.html')!;
    const trace = new ExtractionTrace();
    const article = extractArticle(readPage(want), { url: want.url, trace });
    expect(article.extractor.name).toBe('tuoitre/post-mobile-2014');
    expect(trace.fields.get('publishedAt')).toMatchObject({ chosen: { from: 'adapter tuoitre/post-mobile-2014 span.post-time', value: '2014-01-04T00:03:00+07:00' } });
    expect(trace.fields.get('paragraphs')?.chosen?.from).toMatch(/^heuristic: /);
    // bare pictures with italic captions after them, which no figure selector names: the generic caption rules pair them
    expect(article.images).toHaveLength(22);
    expect(article.images[0]?.caption).toBe('Vợ chồng Thanh Bùi trong tiệc cưới ngày 28/12/2013');
    expect(article.body.text).not.toContain('Vợ chồng Thanh Bùi trong tiệc cưới');
  });
});

describe('lead and dateline on a page whose sapo is a stock keyword line (khoahocphothong-104237593)', () => {
  const want = loadVietnameseCorpus().find((expectation) => expectation.file === 'vi/khoahocphothong-104237593.html')!;
  const html = readPage(want);

  it.each([false, true])('gives no lead, and takes the dateline off the first body paragraph (generic path alone: %s)', (genericOnly) => {
    const article = extractArticle(html, { url: want.url, genericOnly });
    // the sapo prints "Khoa Học Phổ Thông, khoa học, tạp chí, tin tức": keywords, not a summary
    expect(article.lead).toBeNull();
    expect(article.dateline).toBe('KHPT');
    expect(article.body.paragraphs[0]).toMatch(/^Lòng bàn chân của chúng ta/u);
    expect(article.authors).toEqual([{ name: 'Nguyễn Bá Huy Cường', raw: 'NGUYỄN BÁ HUY CƯỜNG' }]);
  });

  it('keeps a sapo written in sentences, and then leaves the first paragraph whole', () => {
    // short comma-separated items like the keyword line, but a sentence
    const summary = 'Trà chứa acid tanic, diệt vi khuẩn, giảm mồ hôi chân.';
    const withSummary = html.replaceAll('Khoa Học Phổ Thông, khoa học, tạp chí, tin tức', summary);
    const article = extractArticle(withSummary, { url: want.url });
    expect(article.lead).toBe(summary);
    expect(article.dateline).toBeNull();
    expect(article.body.paragraphs[0]).toMatch(/^KHPT-Lòng bàn chân/u);
  });
});

describe('a lead ending in Word\'s <o:p> tag printed as text (khoahocphothong-104241265)', () => {
  it('leaves the tag out of the lead', () => {
    const want = loadVietnameseCorpus().find((expectation) => expectation.file === 'vi/khoahocphothong-104241265.html')!;
    const article = extractArticle(readPage(want), { url: want.url });
    // the sapo prints "… như khi mắc xương hay viêm đường hô hấp. &lt;_o3a_p&gt;"
    expect(article.lead).toBe('Ho là phản xạ tự vệ có lợi của cơ thể trước sự xâm nhập của các yếu tố lạ ảnh hưởng tới sự lưu thông hô hấp, như khi mắc xương hay viêm đường hô hấp.');
  });
});
