import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactDataset } from '../../lib/dataset/compact.ts';
import { exportArticles } from '../../lib/dataset/export.ts';
import { COMPACTION_WATERMARK_KEY } from '../../lib/store/keys.ts';
import { LocalDirectoryStore } from '../../lib/store/local.ts';
import type { ObjectStore } from '../../lib/store/types.ts';
import { writeSyntheticDataset, type SyntheticDataset } from '../../bench/synthetic-dataset.ts';

const COUNT = 50_000;

/** The real directory store, with a record of the prefixes it was asked to list and the keys it was asked to read. */
function recordingStore(store: ObjectStore): ObjectStore & { listed: string[]; read: string[] } {
  const listed: string[] = [];
  const read: string[] = [];
  return {
    description: store.description,
    listed,
    read,
    get: (key) => {
      read.push(key);
      return store.get(key);
    },
    getWithEtag: (key) => {
      read.push(key);
      return store.getWithEtag(key);
    },
    getStart: (key, bytes) => {
      read.push(key);
      return store.getStart(key, bytes);
    },
    put: (key, body, options) => store.put(key, body, options),
    list: (prefix) => {
      listed.push(prefix);
      return store.list(prefix);
    },
    listWithTimes: (prefix) => {
      listed.push(prefix);
      return store.listWithTimes(prefix);
    },
    delete: (key) => store.delete(key),
  };
}
const MIB = 1024 * 1024;

/** Counts lines and bytes and throws the text away, sampling this process's RSS as it goes. */
class CountingSink extends Writable {
  lines = 0;
  bytes = 0;
  peakRss = process.memoryUsage().rss;
  constructor() {
    super({
      write: (chunk: Buffer, _encoding, callback) => {
        this.bytes += chunk.length;
        for (const byte of chunk) if (byte === 0x0a) this.lines += 1;
        this.peakRss = Math.max(this.peakRss, process.memoryUsage().rss);
        // Complete on a later turn, like a pipe: the exporter has to wait for 'drain'.
        setImmediate(callback);
      },
    });
  }
}

describe('export of 50,000 articles', () => {
  let root: string;
  let dataset: SyntheticDataset;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'dataset-export-50k-'));
    dataset = writeSyntheticDataset(root, {
      count: COUNT,
      sources: ['baodanang', 'vnexpress', 'tuoitre', 'thanhnien', 'dantri'],
      days: 30,
      firstDay: '2024-10-01',
      paragraphs: 3,
    });
  }, 300_000);
  // Removing 50,000 files takes about as long as writing them: on a busy machine, well over the default hook timeout.
  afterAll(() => rmSync(root, { recursive: true, force: true }), 300_000);

  it('streams every article with memory bounded far below the dataset size', async () => {
    const sink = new CountingSink();
    const baseline = process.memoryUsage().rss;
    const summary = await exportArticles({ store: new LocalDirectoryStore(root), format: 'ndjson', output: sink });
    expect(summary).toEqual({ exported: COUNT, failed: 0 });
    expect(sink.lines).toBe(COUNT);
    // The output is the whole dataset; holding it (let alone the parsed articles) would need far more.
    expect(sink.bytes).toBeGreaterThan(dataset.bytes * 0.95);
    expect(dataset.bytes).toBeGreaterThan(100 * MIB);
    const growth = sink.peakRss - baseline;
    expect(growth).toBeLessThan(80 * MIB);
  }, 120_000);

  it('exports one source and one week of a compacted store by reading only those days\' parts, no article', async () => {
    // Compacted two hours from now: every article was written before, so none counts as changed since.
    const compacted = await compactDataset({ store: new LocalDirectoryStore(root), now: () => new Date(Date.now() + 2 * 3600_000) });
    expect(compacted).toMatchObject({ written: 150, failed: 0, articles: COUNT });
    const sink = new CountingSink();
    const store = recordingStore(new LocalDirectoryStore(root));
    const summary = await exportArticles({ store, format: 'csv', output: sink, source: 'vnexpress', since: '2024-10-08', until: '2024-10-14' });
    let expected = 0;
    for (const [partition, count] of dataset.perPartition) {
      const [source, day] = partition.split('/') as [string, string];
      if (source === 'vnexpress' && day >= '2024-10-08' && day <= '2024-10-14') expected += count;
    }
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(COUNT / 10);
    expect(summary).toEqual({ exported: expected, failed: 0 });
    // One listing of the ids, one of that source's parts; the watermark and the week's seven parts read.
    expect(store.listed).toEqual(['articles/v2/', 'articles-daily/v1/source=vnexpress/']);
    const days = ['08', '09', '10', '11', '12', '13', '14'];
    expect(store.read).toEqual([
      COMPACTION_WATERMARK_KEY,
      ...days.map((day) => `articles-daily/v1/source=vnexpress/date=2024-10-${day}/part-00000.ndjson.gz`),
    ]);
  }, 300_000);
});
