import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { serializeArticle, type Article } from '../lib/schema/article.ts';
import { articleIdFor, sha256Hex } from '../lib/schema/ids.ts';

/**
 * Writes `count` valid articles straight into a local store directory (key layout of lib/store/keys.ts),
 * spread over `sources` and consecutive days from `firstDay`, for export and compaction runs at scale.
 * Written with plain file writes: going through writeArticle (index, conditional puts) would make
 * generating 50,000 articles take minutes.
 */
export interface SyntheticDataset {
  count: number;
  bytes: number;
  /** Articles per source and day, e.g. perPartition.get("baodanang/2024-10-01"). */
  perPartition: Map<string, number>;
}

const PARAGRAPH =
  'Sáng 18-10, Hội đồng nhân dân thành phố Đà Nẵng khai mạc kỳ họp thứ nhất, xem xét nhiều nội dung quan trọng về kinh tế, xã hội, quốc phòng và an ninh của thành phố trong năm tới.';

export function syntheticArticle(index: number, source: string, day: string, paragraphs: number): Article {
  const url = `https://${source}.example.vn/bai-viet-so-${index}.html`;
  const body = Array.from({ length: paragraphs }, (_, n) => `${PARAGRAPH} (${index}.${n})`);
  const text = body.join('\n\n');
  const published = DateTime.fromISO(`${day}T08:00:00`, { zone: 'Asia/Ho_Chi_Minh' }).plus({ minutes: index % 600 });
  return {
    schemaVersion: 1,
    id: articleIdFor(url),
    url,
    canonicalUrl: url,
    source: { id: source, name: `Báo ${source}`, domain: `${source}.example.vn` },
    feed: { url: `https://${source}.example.vn/rss/home.rss`, guid: url },
    title: `Bài viết số ${index}: "Đà Nẵng", kỳ họp thứ nhất`,
    category: 'Chính trị',
    tags: ['HĐND', 'Đà Nẵng'],
    lead: 'Kỳ họp xem xét nhiều nội dung quan trọng.',
    dateline: 'ĐNO',
    publishedAt: published.toISO({ suppressMilliseconds: true })!,
    publishedAtUtc: published.toUTC().toISO()!,
    updatedAt: null,
    authors: index % 7 === 0 ? [] : [{ name: 'Ngọc Phú', raw: 'NGỌC PHÚ' }],
    body: { paragraphs: body, text, wordCount: text.split(/\s+/).length },
    images: [],
    language: 'vi',
    contentHash: sha256Hex(text),
    fetchedAt: published.toUTC().plus({ minutes: 5 }).toISO()!,
    extractor: { name: 'synthetic', version: '1' },
    missing: index % 7 === 0 ? ['updatedAt', 'authors', 'images'] : ['updatedAt', 'images'],
  };
}

export function writeSyntheticDataset(
  root: string,
  options: { count: number; sources: string[]; days: number; firstDay: string; paragraphs?: number },
): SyntheticDataset {
  const perPartition = new Map<string, number>();
  const createdDirectories = new Set<string>();
  let bytes = 0;
  for (let index = 0; index < options.count; index += 1) {
    const source = options.sources[index % options.sources.length]!;
    const day = DateTime.fromISO(options.firstDay, { zone: 'utc' })
      .plus({ days: Math.floor(index / options.sources.length) % options.days })
      .toISODate()!;
    const article = syntheticArticle(index, source, day, options.paragraphs ?? 4);
    // All articles are built the same way: validating the first proves the shape without slowing 50,000 writes.
    const line = index === 0 ? serializeArticle(article) : JSON.stringify(article);
    const directory = join(root, 'articles', 'v2', article.id.slice(0, 2));
    if (!createdDirectories.has(directory)) {
      mkdirSync(directory, { recursive: true });
      createdDirectories.add(directory);
    }
    writeFileSync(join(directory, `${article.id}.json`), line);
    bytes += Buffer.byteLength(line);
    const partition = `${source}/${day}`;
    perPartition.set(partition, (perPartition.get(partition) ?? 0) + 1);
  }
  return { count: options.count, bytes, perPartition };
}
