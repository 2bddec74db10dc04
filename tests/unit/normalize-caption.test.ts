import { describe, expect, it } from 'vitest';
import { isPlaceholderImage, splitCaption } from '../../lib/normalize/caption.ts';

const FORMS: [printed: string, caption: string | null, credit: string | null][] = [
  ['Bí thư Thành ủy phát biểu chỉ đạo. Ảnh: NGỌC PHÚ', 'Bí thư Thành ủy phát biểu chỉ đạo.', 'NGỌC PHÚ'],
  ['Giá hoa tăng mạnh dịp Tết - Ảnh: H.Y.T.', 'Giá hoa tăng mạnh dịp Tết', 'H.Y.T.'],
  ['Giá hoa tăng mạnh dịp Tết – Ảnh: H.Y.T.', 'Giá hoa tăng mạnh dịp Tết', 'H.Y.T.'],
  ['Bản đồ khu vực quy hoạch (Nguồn: Bộ Xây dựng)', 'Bản đồ khu vực quy hoạch', 'Bộ Xây dựng'],
  ['Khách du lịch tham quan phố cổ (Ảnh: VĂN AN)', 'Khách du lịch tham quan phố cổ', 'VĂN AN'],
  ['Tin, ảnh: P.Y', null, 'P.Y'],
  ['Nông dân thu hoạch lúa. Tin, ảnh: P.Y', 'Nông dân thu hoạch lúa.', 'P.Y'],
  ['Bài và ảnh: ĐÌNH TÚ', null, 'ĐÌNH TÚ'],
  ['Cán bộ kiểm tra hồ sơ. Ảnh: Sở Y tế cung cấp', 'Cán bộ kiểm tra hồ sơ.', 'Sở Y tế'],
  ['Hiện trường vụ tai nạn. Ảnh: CTV (cung cấp)', 'Hiện trường vụ tai nạn.', 'CTV'],
  ['Xe tải lật trên đèo. Ảnh do người dân cung cấp', 'Xe tải lật trên đèo.', 'người dân'],
  ['Video: Hoàng Anh', null, 'Hoàng Anh'],
  ['Lũ dâng cao tại Hội An. Video: HOÀNG ANH', 'Lũ dâng cao tại Hội An.', 'HOÀNG ANH'],
  ['Ảnh minh họa', 'Ảnh minh họa', null],
  ['Thiền định giúp giảm căng thẳng. Ảnh đồ họa: Ngọc Tâm', 'Thiền định giúp giảm căng thẳng.', 'Ngọc Tâm'],
  ['Quyền lợi của người có thẻ BHYT.Ảnh: DIỄM LỆ', 'Quyền lợi của người có thẻ BHYT.', 'DIỄM LỆ'],
  ['Thị trường chứng khoán Mỹ tăng điểm trong phiên 14/9. Ảnh minh họa: AFP/ TTXVN', 'Thị trường chứng khoán Mỹ tăng điểm trong phiên 14/9.', 'AFP/ TTXVN'],
  ['Tàu cá ra khơi. Ảnh: Reuters.', 'Tàu cá ra khơi.', 'Reuters'],
  // an archive photo (baotintuc-20260716171712046)
  ['Toàn cảnh một phiên họp Quốc hội Ukraine ở Kiev. Ảnh tư liệu: AFP/TTXVN', 'Toàn cảnh một phiên họp Quốc hội Ukraine ở Kiev.', 'AFP/TTXVN'],
  ['Khung cảnh Hội An về đêm Ảnh: NGỌC PHÚ', 'Khung cảnh Hội An về đêm', 'NGỌC PHÚ'],
  ['Đoàn công tác | Ảnh: Thành Nam', 'Đoàn công tác', 'Thành Nam'],
  ['Protesters march in Paris. Photo: Jane Doe/AFP', 'Protesters march in Paris.', 'Jane Doe/AFP'],
  ['Protesters march in Paris (Reuters)', 'Protesters march in Paris', 'Reuters'],
  ['The harbour at dawn. Photograph: Sam Lee', 'The harbour at dawn.', 'Sam Lee'],
  ['The harbour at dawn. Photo by Sam Lee', 'The harbour at dawn.', 'Sam Lee'],
  // Forms seen on the generic corpus's pages (Politico, CBC, Jyllands-Posten, Kommersant, MBN, Chunichi, Nieuwsblad …)
  ['Should she win, Catherine Connolly will succeed Michael D. Higgins. | Niall Carson/PA Images via Getty Images', 'Should she win, Catherine Connolly will succeed Michael D. Higgins.', 'Niall Carson/PA Images via Getty Images'],
  ['Jamil Al Saadouni laments the choice. (Mohamed El Saife/CBC)', 'Jamil Al Saadouni laments the choice.', 'Mohamed El Saife/CBC'],
  ['Hantavirus is no side effect (AFP / ISHARA S. KODIKARA)', 'Hantavirus is no side effect', 'AFP / ISHARA S. KODIKARA'],
  ['Marais Bistro har slået dørene op. Foto: Miles Lilley', 'Marais Bistro har slået dørene op.', 'Miles Lilley'],
  ['Der Hafen vor der Küste. Bild: Ohad Zwigenberg / Pool via Reuters', 'Der Hafen vor der Küste.', 'Ohad Zwigenberg / Pool via Reuters'],
  ['Фото: Дмитрий Азаров, Коммерсантъ', null, 'Дмитрий Азаров, Коммерсантъ'],
  ['Verlinden tijdens de coronacrisis. — © BELGA', 'Verlinden tijdens de coronacrisis.', 'BELGA'],
  ['© Jane Doe', null, 'Jane Doe'],
  ['Protesters march in Paris / Reuters', 'Protesters march in Paris', 'Reuters'],
  // Vietnam+, the news agency's site, credited like an agency (qdnd-813419)
  ['Ảnh minh họa / Vietnam+ ', 'Ảnh minh họa', 'Vietnam+'],
  ['The lodge is open after a restoration. Supplied', 'The lodge is open after a restoration.', 'Supplied'],
  ['A spokesman answers questions. Credit: Jane Doe', 'A spokesman answers questions.', 'Jane Doe'],
  ['Meghan and Harry at the awards (Image: Getty)', 'Meghan and Harry at the awards', 'Getty'],
  ['Communications Minister Fahmi Fadzil speaks. — Picture by Yusof Mat Isa', 'Communications Minister Fahmi Fadzil speaks.', 'Yusof Mat Isa'],
  ['소년공 시절의 이재명 당선인 모습. [사진 출처 = 이재명 더불어민주당 캠프]', '소년공 시절의 이재명 당선인 모습.', '이재명 더불어민주당 캠프'],
  ['지지자들에게 인사하고 있다. [사진 = 김혜진 기자]', '지지자들에게 인사하고 있다.', '김혜진 기자'],
  ['気象庁で開かれた評価検討会＝１３日午後１０時３１分（代表撮影）', '気象庁で開かれた評価検討会＝１３日午後１０時３１分', '代表'],
  ['IGI School of Economics menyelenggarakan Wisuda ke-XV(Dok.IGI )', 'IGI School of Economics menyelenggarakan Wisuda ke-XV', 'Dok.IGI'],
  // Parentheses and bars that are part of the caption stay in it.
  ['El primer ministro israelí, durante una conferencia de prensa, 21 de mayo de 2025. (Jerusalén)', 'El primer ministro israelí, durante una conferencia de prensa, 21 de mayo de 2025. (Jerusalén)', null],
  ['Tốc độ tối đa 100 (km/h)', 'Tốc độ tối đa 100 (km/h)', null],
  ['Rain | Wind | the storm reached the coast on Monday night and the town was flooded for two full days afterwards.', 'Rain | Wind | the storm reached the coast on Monday night and the town was flooded for two full days afterwards.', null],
  ['Ein Foto: die Stadt im Regen', 'Ein Foto: die Stadt im Regen', null],
  ['Người dân chụp ảnh: niềm vui ngày hội', 'Người dân chụp ảnh: niềm vui ngày hội', null],
  ['Cảnh: đẹp', 'Cảnh: đẹp', null],
  ['Ảnh:', null, null],
  ['', null, null],
  [' \u00A0 ', null, null],
];

describe('splitCaption', () => {
  it.each(FORMS)('splits %j', (printed, caption, credit) => {
    expect(splitCaption(printed)).toEqual({ caption, credit });
  });

  it.each(FORMS)('splits %j given as NFD with extra whitespace', (printed, caption, credit) => {
    expect(splitCaption(`  ${printed.normalize('NFD')}\n`)).toEqual({ caption, credit });
  });

  it('decodes entities and keeps the caption NFC', () => {
    expect(splitCaption('Ng&#432;&#7901;i d&#226;n&nbsp;xem l&#7877; h&#7897;i. &#7842;nh: NG&#7884;C PH&#218;')).toEqual({
      caption: 'Người dân xem lễ hội.',
      credit: 'NGỌC PHÚ',
    });
  });
});

describe('isPlaceholderImage', () => {
  it.each([
    'https://baodanang.vn/images/grey.gif',
    '/images/blank.gif',
    'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7',
    'DATA:image/svg+xml,%3Csvg%3E',
    'https://static.example.vn/1x1.png',
    'https://example.com/img/spacer.gif',
    'https://example.com/lazy-load.gif',
    'https://example.com/assets/placeholder.png?v=3',
    'https://example.com/assets/img-placeholder-16x9.jpg',
    'https://example.com/static/placeholders/news.jpg',
    'https://example.com/transparent.png',
    'about:blank',
    '',
    '   ',
  ])('is true for %j', (src) => {
    expect(isPlaceholderImage(src)).toBe(true);
  });

  it.each([
    'https://i1-vnexpress.vnecdn.net/2026/03/07/ha-noi-1741312345.jpg?w=680&h=0&q=100',
    'https://baodanang.vn/file/e7837c02845ffd04018473e6df282e92/102024/anh1_20241018191245.jpg',
    'https://example.com/photos/lazy-river-tour.jpg',
    'https://example.com/images/grey-whale.jpg',
    'https://example.com/uploads/blanket.jpg',
    '/photos/2024/placeholder-debate-in-parliament-report.jpg',
  ])('is false for the real image %j', (src) => {
    expect(isPlaceholderImage(src)).toBe(false);
  });
});

describe('a screenshot credited without a label', () => {
  it('splits "- Ảnh chụp màn hình" and "(Ảnh chụp màn hình video)" off as the credit', () => {
    expect(splitCaption('Giá bán MacBook Air M5 từ 33,229 triệu đồng - Ảnh chụp màn hình')).toEqual({ caption: 'Giá bán MacBook Air M5 từ 33,229 triệu đồng', credit: 'Ảnh chụp màn hình' });
    expect(splitCaption('Giao diện ứng dụng (Ảnh chụp màn hình video)')).toEqual({ caption: 'Giao diện ứng dụng', credit: 'Ảnh chụp màn hình video' });
    // alone it is the caption: nothing is left to credit
    expect(splitCaption('Ảnh chụp màn hình')).toEqual({ caption: 'Ảnh chụp màn hình', credit: null });
  });
});
