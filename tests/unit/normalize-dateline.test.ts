import { describe, expect, it } from 'vitest';
import { splitDateline } from '../../lib/normalize/dateline.ts';

const DATELINES: [lead: string, dateline: string, rest: string][] = [
  ['ĐNO - Chiều 18-10, Bí thư Thành ủy Đà Nẵng làm việc với Sở Y tế.', 'ĐNO', 'Chiều 18-10, Bí thư Thành ủy Đà Nẵng làm việc với Sở Y tế.'],
  ['TTO - Giá hoa tăng mạnh dịp cuối năm.', 'TTO', 'Giá hoa tăng mạnh dịp cuối năm.'],
  ['TPO - Sáng nay, hàng nghìn người đổ về.', 'TPO', 'Sáng nay, hàng nghìn người đổ về.'],
  ['SGGPO - Chiều 7-3, UBND TPHCM họp.', 'SGGPO', 'Chiều 7-3, UBND TPHCM họp.'],
  ['(Dân trí) - Bộ Y tế vừa ban hành hướng dẫn mới.', 'Dân trí', 'Bộ Y tế vừa ban hành hướng dẫn mới.'],
  ['(NLĐO)- Công an TP vừa bắt giữ nghi phạm.', 'NLĐO', 'Công an TP vừa bắt giữ nghi phạm.'],
  ['(CTO) - Ngày 8-1, Sở Nông nghiệp tổ chức hội nghị.', 'CTO', 'Ngày 8-1, Sở Nông nghiệp tổ chức hội nghị.'],
  ['(PLO)- Tòa án tuyên án.', 'PLO', 'Tòa án tuyên án.'],
  ['TTO – Giá hoa tăng mạnh.', 'TTO', 'Giá hoa tăng mạnh.'],
  ['TTO — Giá hoa tăng mạnh.', 'TTO', 'Giá hoa tăng mạnh.'],
  ['(Dân trí) – Bộ Y tế ban hành hướng dẫn.', 'Dân trí', 'Bộ Y tế ban hành hướng dẫn.'],
  ['TTXVN - Sáng 7-3, Thủ tướng chủ trì hội nghị.', 'TTXVN', 'Sáng 7-3, Thủ tướng chủ trì hội nghị.'],
  ['VTC News - Sáng 7-3, Thủ tướng chủ trì hội nghị.', 'VTC News', 'Sáng 7-3, Thủ tướng chủ trì hội nghị.'],
  ['(VTC News) - Sáng 7-3, mưa lớn.', 'VTC News', 'Sáng 7-3, mưa lớn.'],
  ['(Baonghean.vn) - Sáng 7-3, mưa lớn.', 'Baonghean.vn', 'Sáng 7-3, mưa lớn.'],
  ['VTV.vn - Chiều 17/7, Công an tỉnh cho biết.', 'VTV.vn', 'Chiều 17/7, Công an tỉnh cho biết.'],
  ['GiadinhNet – “Dư luận lại xôn xao.', 'GiadinhNet', '“Dư luận lại xôn xao.'],
  ['TT - Trao đổi với Tuổi Trẻ, ông Sơn nói.', 'TT', 'Trao đổi với Tuổi Trẻ, ông Sơn nói.'],
  ['NLĐ - Sáng nay, mưa lớn.', 'NLĐ', 'Sáng nay, mưa lớn.'],
];

const NOT_DATELINES = [
  'Nguyễn Văn A - người đã cứu ba em nhỏ khỏi đuối nước.',
  'Hà Nội - nơi hội tụ tinh hoa.',
  'Shopee.sg - sàn thương mại của Singapore.',
  'HÀ NỘI - Sáng nay trời mưa.',
  'VIDEO - Cảnh sát truy đuổi xe vi phạm.',
  'THẢO - cô gái vàng của làng bơi.',
  'UNESCO - tổ chức giáo dục.',
  'ASEAN - khối 10 nước.',
  'TT -',
  'COVID-19 tiếp tục lan rộng.',
  'Chiều 18-10, Bí thư Thành ủy làm việc với Sở Y tế.',
  '(Ảnh minh họa cho bài viết về thời tiết hôm nay) - Mưa lớn.',
  'TTO -',
  '(Dân trí) - ',
];

describe('splitDateline', () => {
  it.each(DATELINES)('takes the dateline out of %j', (lead, dateline, rest) => {
    expect(splitDateline(lead)).toEqual({ dateline, lead: rest });
  });

  it.each(DATELINES)('takes the dateline out of %j given as NFD with NBSP', (lead, dateline, rest) => {
    expect(splitDateline(lead.normalize('NFD').replace(' - ', '\u00A0- '))).toEqual({ dateline, lead: rest });
  });

  it.each(NOT_DATELINES)('leaves %j alone', (lead) => {
    expect(splitDateline(lead)).toEqual({ dateline: null, lead: lead.trim() });
  });

  it('cleans the lead it returns and handles empty input', () => {
    expect(splitDateline('  Bộ  Y tế&nbsp;ban hành ')).toEqual({ dateline: null, lead: 'Bộ Y tế ban hành' });
    expect(splitDateline('')).toEqual({ dateline: null, lead: '' });
  });

  it('is idempotent: the lead it returns has no dateline left', () => {
    for (const [lead] of DATELINES) {
      const once = splitDateline(lead);
      expect(splitDateline(once.lead)).toEqual({ dateline: null, lead: once.lead });
    }
  });
});
