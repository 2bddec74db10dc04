import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { exportArticles, type ExportFormat } from '../lib/dataset/export.ts';
import { LocalDirectoryStore } from '../lib/store/local.ts';
import { writeSyntheticDataset } from './synthetic-dataset.ts';

/**
 * Export throughput and peak memory on a generated dataset:
 *   npx tsx bench/export.ts [count=50000] [format=ndjson|csv]
 * The export runs in a child process so its peak RSS is not inflated by generating the data.
 */

async function measure(root: string, format: ExportFormat): Promise<void> {
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sample = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  const output = createWriteStream('/dev/null');
  const started = performance.now();
  const summary = await exportArticles({ store: new LocalDirectoryStore(root), format, output });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sample);
  await new Promise<void>((resolve) => output.end(resolve));
  const maxRss = process.resourceUsage().maxRSS * 1024;
  console.log(
    JSON.stringify({
      format,
      exported: summary.exported,
      failed: summary.failed,
      seconds: Number(seconds.toFixed(2)),
      articlesPerSecond: Math.round(summary.exported / seconds),
      rssBeforeExportMiB: mib(rssBefore),
      peakRssMiB: mib(Math.max(peakRss, maxRss)),
    }),
  );
}

function mib(bytes: number): number {
  return Number((bytes / 1024 / 1024).toFixed(1));
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === '--measure') {
  await measure(rest[0]!, rest[1] as ExportFormat);
} else {
  const count = Number(mode ?? 50_000);
  const format = (rest[0] ?? 'ndjson') as ExportFormat;
  const root = mkdtempSync(join(tmpdir(), 'bench-export-'));
  try {
    const started = performance.now();
    const dataset = writeSyntheticDataset(root, {
      count,
      sources: ['baodanang', 'vnexpress', 'tuoitre', 'thanhnien', 'dantri'],
      days: 30,
      firstDay: '2024-10-01',
    });
    console.log(
      `generated ${dataset.count} articles (${mib(dataset.bytes)} MiB of JSON, ${dataset.perPartition.size} partitions) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const child = spawnSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--measure', root, format], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    process.exitCode = child.status ?? 1;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
