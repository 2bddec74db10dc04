import type { Article } from '../schema/article.ts';

type CsvValue = string | number | null;

/**
 * The fixed CSV column set: one row per article, flat values only. Lists are joined with "; "
 * (the NDJSON export is the lossless form; CSV is for spreadsheets and quick looks).
 */
export const CSV_COLUMNS: ReadonlyArray<readonly [header: string, value: (article: Article) => CsvValue]> = [
  ['id', (a) => a.id],
  ['source_id', (a) => a.source.id],
  ['source_name', (a) => a.source.name],
  ['url', (a) => a.url],
  ['canonical_url', (a) => a.canonicalUrl],
  ['title', (a) => a.title],
  ['category', (a) => a.category],
  ['tags', (a) => a.tags.join('; ')],
  ['lead', (a) => a.lead],
  ['dateline', (a) => a.dateline],
  ['published_at', (a) => a.publishedAt],
  ['published_at_utc', (a) => a.publishedAtUtc],
  ['updated_at', (a) => a.updatedAt],
  ['authors', (a) => a.authors.map((author) => author.name).join('; ')],
  ['word_count', (a) => a.body.wordCount],
  ['image_count', (a) => a.images.length],
  ['language', (a) => a.language],
  ['content_hash', (a) => a.contentHash],
  ['fetched_at', (a) => a.fetchedAt],
  ['extractor', (a) => `${a.extractor.name}@${a.extractor.version}`],
  ['missing', (a) => a.missing.join('; ')],
  ['body_text', (a) => a.body.text],
];

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, and quotes inside are doubled; null is empty. */
export function csvField(value: CsvValue): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.map(([header]) => header).join(',')}\r\n`;
}

export function csvRow(article: Article): string {
  return `${CSV_COLUMNS.map(([, value]) => csvField(value(article))).join(',')}\r\n`;
}
