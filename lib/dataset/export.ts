import type { Writable } from 'node:stream';
import { validateArticle, type Article } from '../schema/article.ts';
import type { ObjectStore } from '../store/types.ts';
import { csvHeader, csvRow } from './csv.ts';
import { describeError } from '../errors.ts';
import { mapOrdered } from './ordered.ts';
import { BufferedOutput } from './output.ts';
import { ARTICLES_ROOT, checkFilter, listPartitionedKeys, type PartitionFilter } from './partitions.ts';

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions extends PartitionFilter {
  store: ObjectStore;
  format: ExportFormat;
  output: Writable | NodeJS.WritableStream;
  /** Objects read ahead of the writer; bounds memory while overlapping reads (S3 latency). */
  readAhead?: number;
  /** Called for each stored object that cannot be read or does not match the schema. */
  onError?: (key: string, message: string) => void;
}

export interface ExportSummary {
  exported: number;
  failed: number;
}

/** Reads one stored article object; the error names the key and what is wrong with it. */
export async function readStoredArticle(store: ObjectStore, key: string): Promise<Article> {
  const body = await store.get(key);
  if (body === null) throw new Error(`${key}: listed but gone when read`);
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new Error(`${key}: not valid JSON (${describeError(error)})`);
  }
  try {
    return validateArticle(json);
  } catch (error) {
    throw new Error(`${key}: ${describeError(error)}`);
  }
}

/**
 * Streams the selected articles to `output` as NDJSON (one article per line) or CSV, in key order
 * (source, then day). Partitions are chosen from the keys; at most `readAhead` articles are held at once.
 */
export async function exportArticles(options: ExportOptions): Promise<ExportSummary> {
  const filter = checkFilter(options);
  const output = new BufferedOutput(options.output);
  const render = options.format === 'csv' ? csvRow : (article: Article) => `${JSON.stringify(article)}\n`;
  if (options.format === 'csv') await output.write(csvHeader());
  const summary: ExportSummary = { exported: 0, failed: 0 };
  const keys = listPartitionedKeys(options.store, ARTICLES_ROOT, filter);
  for await (const { item, outcome } of mapOrdered(keys, options.readAhead ?? 32, (partitioned) =>
    readStoredArticle(options.store, partitioned.key),
  )) {
    if (outcome.ok) {
      await output.write(render(outcome.value));
      summary.exported += 1;
    } else {
      summary.failed += 1;
      options.onError?.(item.key, describeError(outcome.error));
    }
  }
  await output.flush();
  return summary;
}
