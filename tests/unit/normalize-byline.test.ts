import { describe, expect, it } from 'vitest';
import { dedupeAuthors, naturalCase, notAPerson, parseByline } from '../../lib/normalize/byline.ts';

const FORMS: [printed: string, authors: { name: string; raw: string }[]][] = [
  ['NGỌC PHÚ', [{ name: 'Ngọc Phú', raw: 'NGỌC PHÚ' }]],
  ['Ngọc Phú', [{ name: 'Ngọc Phú', raw: 'Ngọc Phú' }]],
  ['ĐẶNG NGUYỄN', [{ name: 'Đặng Nguyễn', raw: 'ĐẶNG NGUYỄN' }]],
  ['Hà Thu (tổng hợp)', [{ name: 'Hà Thu', raw: 'Hà Thu' }]],
  ['Hà Thu tổng hợp', [{ name: 'Hà Thu', raw: 'Hà Thu' }]],
  ['Theo TTXVN', []],
  ['theo Reuters', []],
  ['Nguồn: Reuters', []],
  ['Hà Thu, theo Reuters', [{ name: 'Hà Thu', raw: 'Hà Thu' }]],
  ['Tin, ảnh: P.Y', [{ name: 'P.Y', raw: 'P.Y' }]],
  ['Bài và ảnh: ĐÌNH TÚ', [{ name: 'Đình Tú', raw: 'ĐÌNH TÚ' }]],
  ['Bài, ảnh: ĐÌNH TÚ', [{ name: 'Đình Tú', raw: 'ĐÌNH TÚ' }]],
  // the photographer is credited for the pictures, not as an author; alone, the photo credit is all there is
  ['Bài: NGỌC PHÚ - Ảnh: HÀ THU', [{ name: 'Ngọc Phú', raw: 'NGỌC PHÚ' }]],
  ['Tin: Tường Minh - Ảnh: Đỗ Hiền', [{ name: 'Tường Minh', raw: 'Tường Minh' }]],
  ['Ảnh: HÀ THU', [{ name: 'Hà Thu', raw: 'HÀ THU' }]],
  ['Bài: A Lan, B Minh - Ảnh: C Hùng', [{ name: 'A Lan', raw: 'A Lan' }, { name: 'B Minh', raw: 'B Minh' }]],
  ['Thực hiện: NGỌC PHÚ - HÀ THU', [{ name: 'Ngọc Phú', raw: 'NGỌC PHÚ' }, { name: 'Hà Thu', raw: 'HÀ THU' }]],
  ['Nhóm phóng viên', []],
  ['Nhóm PV', []],
  // a team named by its desk (dantri-855374 closes with it)
  ['Nhóm PV Kinh tế', []],
  ['Nhóm phóng viên Thời sự', []],
  ['PV', []],
  ['Thực hiện: Nhóm phóng viên', []],
  ['PV Ngọc Phú', [{ name: 'Ngọc Phú', raw: 'Ngọc Phú' }]],
  // academic and professional titles before a name (khoahocphothong-104237593: "DS. NGUYỄN BÁ HUY CƯỜNG")
  ['DS. NGUYỄN BÁ HUY CƯỜNG', [{ name: 'Nguyễn Bá Huy Cường', raw: 'NGUYỄN BÁ HUY CƯỜNG' }]],
  ['PGS.TS. Nguyễn Văn An', [{ name: 'Nguyễn Văn An', raw: 'Nguyễn Văn An' }]],
  ['TS.BS.CKII Trần Văn Dương', [{ name: 'Trần Văn Dương', raw: 'Trần Văn Dương' }]],
  ['ThS. Lê Hà, BS. Minh Khôi', [{ name: 'Lê Hà', raw: 'Lê Hà' }, { name: 'Minh Khôi', raw: 'Minh Khôi' }]],
  // spelled out (thanhnien-185131568 closes with "Bác sĩ Trần Thanh Vỹ (BV ĐH Y Dược TP.HCM)")
  ['Bác sĩ Trần Thanh Vỹ', [{ name: 'Trần Thanh Vỹ', raw: 'Trần Thanh Vỹ' }]],
  ['Luật sư Nguyễn Văn An, Phó giáo sư Lê Hà', [{ name: 'Nguyễn Văn An', raw: 'Nguyễn Văn An' }, { name: 'Lê Hà', raw: 'Lê Hà' }]],
  ['H.Y.T.', [{ name: 'H.Y.T.', raw: 'H.Y.T.' }]],
  ['NGỌC PHÚ.', [{ name: 'Ngọc Phú', raw: 'NGỌC PHÚ' }]],
  ['NGỌC PHÚ, HÀ THU', [{ name: 'Ngọc Phú', raw: 'NGỌC PHÚ' }, { name: 'Hà Thu', raw: 'HÀ THU' }]],
  ['NGỌC PHÚ - HÀ THU', [{ name: 'Ngọc Phú', raw: 'NGỌC PHÚ' }, { name: 'Hà Thu', raw: 'HÀ THU' }]],
  ['NGỌC PHÚ VÀ HÀ THU', [{ name: 'Ngọc Phú', raw: 'NGỌC PHÚ' }, { name: 'Hà Thu', raw: 'HÀ THU' }]],
  ['Ngọc Phú & Hà Thu', [{ name: 'Ngọc Phú', raw: 'Ngọc Phú' }, { name: 'Hà Thu', raw: 'Hà Thu' }]],
  ['By John Smith and Jane Doe', [{ name: 'John Smith', raw: 'John Smith' }, { name: 'Jane Doe', raw: 'Jane Doe' }]],
  ["JEAN-PIERRE O'NEILL", [{ name: "Jean-Pierre O'Neill", raw: "JEAN-PIERRE O'NEILL" }]],
  ['Minh Khôi (ngocphu@baodanang.vn)', [{ name: 'Minh Khôi', raw: 'Minh Khôi' }]],
  ['NGỌC PHÚ, Ngọc Phú', [{ name: 'Ngọc Phú', raw: 'NGỌC PHÚ' }]],
  ['Xem thêm các tin tức hay nhất ngày hôm nay', []],
  ['NHẬT XUÂN và 1 tác giả khác', [{ name: 'Nhật Xuân', raw: 'NHẬT XUÂN' }]],
  ['viktor hedlund', [{ name: 'viktor hedlund', raw: 'viktor hedlund' }]],
  ['牛镛, 岳弘彬', [{ name: '牛镛', raw: '牛镛' }, { name: '岳弘彬', raw: '岳弘彬' }]],
  ['Bill MCCARTHY', [{ name: 'Bill MCCARTHY', raw: 'Bill MCCARTHY' }]],
  ['', []],
  [' \u00A0 ', []],
];

describe('parseByline', () => {
  it.each(FORMS)('reads %j', (printed, authors) => {
    expect(parseByline(printed)).toEqual(authors);
  });

  it.each(FORMS)('reads %j given as NFD', (printed, authors) => {
    expect(parseByline(printed.normalize('NFD'))).toEqual(authors);
  });

  it('decodes double-encoded names (article:author on the baodanang CMS)', () => {
    expect(parseByline('NG&amp;#7884;C PH&amp;#218;')).toEqual([{ name: 'Ngọc Phú', raw: 'NGỌC PHÚ' }]);
  });
});

describe('naturalCase', () => {
  it('turns capitals to natural case, keeping diacritics and initials', () => {
    expect(naturalCase('NGỌC PHÚ')).toBe('Ngọc Phú');
    expect(naturalCase('TRẦN THỊ ĐIỆP')).toBe('Trần Thị Điệp');
    expect(naturalCase('H.Y.T.')).toBe('H.Y.T.');
    expect(naturalCase('TH.HÀ')).toBe('Th.Hà');
    expect(naturalCase('HN')).toBe('HN');
  });

  it('leaves a name that has lower-case letters alone', () => {
    expect(naturalCase('McCain')).toBe('McCain');
    expect(naturalCase('Vincent van Gogh')).toBe('Vincent van Gogh');
  });

  it('returns NFC', () => {
    expect(naturalCase('NGỌC PHÚ'.normalize('NFD'))).toBe('Ngọc Phú');
  });
});

describe('dedupeAuthors', () => {
  it('collapses repeated bylines comparing NFC names case-insensitively, keeping the first', () => {
    const first = { name: 'Ngọc Phú', raw: 'NGỌC PHÚ' };
    expect(
      dedupeAuthors([
        first,
        { name: 'Ngọc Phú'.normalize('NFD'), raw: 'Ngọc Phú' },
        { name: 'ngọc phú', raw: 'ngọc phú' },
        { name: 'Hà Thu', raw: 'Hà Thu' },
      ]),
    ).toEqual([first, { name: 'Hà Thu', raw: 'Hà Thu' }]);
  });

  it('keeps different people', () => {
    const authors = [
      { name: 'Ngọc Phú', raw: 'Ngọc Phú' },
      { name: 'Ngọc Phúc', raw: 'Ngọc Phúc' },
    ];
    expect(dedupeAuthors(authors)).toEqual(authors);
  });
});

describe('notAPerson', () => {
  // a news agency credited as the author, alone or with its desk or its street (qdnd-813419's JSON-LD author)
  it.each(['TTXVN', 'TTXVN - Lý Thường Kiệt, Hà Nội', 'TTXVN/Vietnam+', 'Reuters', 'AP', 'Vietnam+'])('%j is a news agency', (name) => {
    expect(notAPerson(name)).toBe('a news agency');
  });

  it.each(['Pa Lê', 'Phạm An', 'Apple Nguyễn', 'Reuben Trần', 'Hưng Thịnh (TTXVN)'])('%j may be a person', (name) => {
    expect(notAPerson(name)).toBeNull();
  });
});
