import { validateArticle, type Article } from '../../lib/schema/article.ts';
import { articleIdFor, sha256Hex } from '../../lib/schema/ids.ts';

const SAMPLE_URL = 'https://baodanang.vn/khai-mac-ky-hop-thu-nhat-hdnd-thanh-pho-3300001.html';
const SAMPLE_PARAGRAPHS = [
  'Sáng 18-10, HĐND thành phố khai mạc kỳ họp thứ nhất.',
  'Kỳ họp xem xét nhiều nội dung quan trọng về kinh tế - xã hội.',
];

/**
 * A valid Article (checked by validateArticle) for tests. The id follows canonicalUrl and the
 * contentHash follows the body unless the overrides set them.
 */
export function makeArticle(overrides: Partial<Article> = {}): Article {
  const canonicalUrl = overrides.canonicalUrl ?? overrides.url ?? SAMPLE_URL;
  const body = overrides.body ?? {
    paragraphs: SAMPLE_PARAGRAPHS,
    text: SAMPLE_PARAGRAPHS.join('\n\n'),
    wordCount: SAMPLE_PARAGRAPHS.join(' ').split(/\s+/).length,
  };
  const title = overrides.title ?? 'Khai mạc kỳ họp thứ nhất HĐND thành phố';
  return validateArticle({
    schemaVersion: 1,
    id: articleIdFor(canonicalUrl),
    url: canonicalUrl,
    canonicalUrl,
    source: { id: 'baodanang', name: 'Báo Đà Nẵng', domain: 'baodanang.vn' },
    feed: { url: 'https://baodanang.vn/rss/home.rss', guid: canonicalUrl },
    title,
    category: 'Chính trị',
    tags: ['HĐND'],
    lead: 'Sáng 18-10, HĐND thành phố khai mạc kỳ họp thứ nhất.',
    dateline: 'ĐNO',
    publishedAt: '2024-10-18T19:14:00+07:00',
    publishedAtUtc: '2024-10-18T12:14:00.000Z',
    updatedAt: null,
    authors: [{ name: 'Ngọc Phú', raw: 'NGỌC PHÚ' }],
    body,
    images: [],
    language: 'vi',
    contentHash: sha256Hex(JSON.stringify({ title, body: body.text })),
    fetchedAt: '2024-10-18T13:00:00.000Z',
    extractor: { name: 'baodanang/2024', version: '1' },
    missing: ['updatedAt'],
    ...overrides,
  });
}
