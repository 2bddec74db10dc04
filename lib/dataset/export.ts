import type { Writable } from 'node:stream';
import type { Article } from '../schema/article.ts';
import type { ObjectStore } from '../store/types.ts';
import { csvHeader, csvRow } from './csv.ts';
import { assembleDay, compareDays, daysWithParts, dayId, scanDataset, type DayRef } from './days.ts';
import { checkFilter, matchesFilter, type PartitionFilter } from './partitions.ts';
import { BufferedOutput } from './output.ts';

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions extends PartitionFilter {
  store: ObjectStore;
  format: ExportFormat;
  output: Writable | NodeJS.WritableStream;
  /** Called for each article (or daily part) that cannot be read or does not match the schema; the message names its key. */
  onError?: (message: string) => void;
}

export interface ExportSummary {
  exported: number;
  failed: number;
}

/**
 * Streams the selected articles to `output` as NDJSON (one article per line) or CSV, by source, then day,
 * then id: each day as it is now (lib/dataset/days.ts: its daily part, brought up to date with the
 * articles written since the last compaction), so one day's articles are held at a time.
 */
export async function exportArticles(options: ExportOptions): Promise<ExportSummary> {
  const filter = checkFilter(options);
  const output = new BufferedOutput(options.output);
  const render = options.format === 'csv' ? csvRow : (article: Article) => `${JSON.stringify(article)}\n`;
  if (options.format === 'csv') await output.write(csvHeader());
  const summary: ExportSummary = { exported: 0, failed: 0 };
  const scan = await scanDataset(options.store);
  for (const problem of scan.unreadable) {
    summary.failed += 1;
    options.onError?.(problem);
  }
  const days = new Map<string, DayRef>();
  for (const { day } of scan.changedByDay.values()) if (matchesFilter(day, filter)) days.set(dayId(day), day);
  for await (const day of daysWithParts(options.store, filter)) days.set(dayId(day), day);
  for (const day of [...days.values()].sort(compareDays)) {
    const assembled = await assembleDay(options.store, scan, day);
    for (const problem of assembled.problems) {
      summary.failed += 1;
      options.onError?.(problem);
    }
    for (const line of assembled.lines) {
      await output.write(options.format === 'csv' ? render(JSON.parse(line) as Article) : `${line}\n`);
      summary.exported += 1;
    }
  }
  await output.flush();
  return summary;
}
