import { mkdtempSync, rmSync } from 'node:fs';
import { utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvField, csvHeader, CSV_COLUMNS } from '../../lib/dataset/csv.ts';
import { exportArticles } from '../../lib/dataset/export.ts';
import { LocalDirectoryStore } from '../../lib/store/local.ts';
import { compactDataset } from '../../lib/dataset/compact.ts';
import { writeArticle } from '../../lib/store/articles.ts';
import { articleKey } from '../../lib/store/keys.ts';
import { sha256Hex } from '../../lib/schema/ids.ts';
import { syntheticArticle, writeSyntheticDataset } from '../../bench/synthetic-dataset.ts';

/** Collects what was written; with `slow`, each write completes on a later turn so backpressure matters. */
class Collector extends Writable {
  chunks: string[] = [];
  constructor(slow = false) {
    super({
      highWaterMark: slow ? 1024 : 16 * 1024,
      write: (chunk: Buffer, _encoding, callback) => {
        this.chunks.push(chunk.toString('utf8'));
        if (slow) setImmediate(callback);
        else callback();
      },
    });
  }
  get text(): string {
    return this.chunks.join('');
  }
}

/** Parses RFC 4180 CSV (quoted fields with doubled quotes, CRLF rows) to check our quoting round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += char;
  }
  return rows;
}

describe('export from a local store', () => {
  let root: string;
  let store: LocalDirectoryStore;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'dataset-export-'));
    // 3 sources x 5 days x 4 articles.
    writeSyntheticDataset(root, { count: 60, sources: ['alpha', 'beta', 'gamma'], days: 5, firstDay: '2024-10-01' });
    store = new LocalDirectoryStore(root);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes every article as one NDJSON line, by source, day and id', async () => {
    const output = new Collector();
    const summary = await exportArticles({ store, format: 'ndjson', output });
    const lines = output.text.split('\n');
    expect(lines.pop()).toBe('');
    expect(summary).toEqual({ exported: 60, failed: 0 });
    const articles = lines.map((line) => JSON.parse(line) as { source: { id: string }; publishedAt: string });
    const order = articles.map((a) => `${a.source.id}/${a.publishedAt.slice(0, 10)}`);
    expect(order).toEqual([...order].sort());
  });

  it('selects partitions by source and inclusive date range', async () => {
    const output = new Collector();
    const summary = await exportArticles({ store, format: 'ndjson', output, source: 'beta', since: '2024-10-02', until: '2024-10-03' });
    expect(summary.exported).toBe(8);
    const articles = output.text.trim().split('\n').map((line) => JSON.parse(line) as { source: { id: string }; publishedAt: string });
    expect(new Set(articles.map((a) => a.source.id))).toEqual(new Set(['beta']));
    expect(new Set(articles.map((a) => a.publishedAt.slice(0, 10)))).toEqual(new Set(['2024-10-02', '2024-10-03']));
    const oneDay = await exportArticles({ store, format: 'ndjson', output: new Collector(), since: '2024-10-05', until: '2024-10-05' });
    expect(oneDay.exported).toBe(12);
  });

  it('keeps every line intact when the reader is slower than the store (backpressure)', async () => {
    const output = new Collector(true);
    const summary = await exportArticles({ store, format: 'ndjson', output });
    expect(summary.exported).toBe(60);
    expect(output.text.trim().split('\n').map((line) => (JSON.parse(line) as { id: string }).id)).toHaveLength(60);
  });

  it('writes CSV with the fixed columns, quoting commas, quotes and newlines so rows parse back', async () => {
    const output = new Collector();
    await exportArticles({ store, format: 'csv', output, source: 'alpha', since: '2024-10-01', until: '2024-10-01' });
    const rows = parseCsv(output.text);
    expect(rows[0]).toEqual(CSV_COLUMNS.map(([header]) => header));
    expect(output.text.startsWith(csvHeader())).toBe(true);
    expect(rows).toHaveLength(1 + 4);
    const header = rows[0]!;
    const first = Object.fromEntries(header.map((name, i) => [name, rows[1]![i]]));
    expect(first.source_id).toBe('alpha');
    expect(first.title).toMatch(/^Bài viết số \d+: "Đà Nẵng", kỳ họp thứ nhất$/);
    expect(first.body_text).toContain('\n\n');
    expect(first.tags).toBe('HĐND; Đà Nẵng');
  });

  it('quotes fields per RFC 4180 and leaves null empty', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(42)).toBe('42');
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  it('reports an unreadable object by key and still exports the rest', async () => {
    const badRoot = mkdtempSync(join(tmpdir(), 'dataset-export-bad-'));
    try {
      writeSyntheticDataset(badRoot, { count: 3, sources: ['alpha'], days: 1, firstDay: '2024-10-01' });
      const badStore = new LocalDirectoryStore(badRoot);
      const badKey = articleKey('0000000000000000000a');
      await badStore.put(badKey, '{"schemaVersion": 1, "id": "0000000000000000000a"}');
      const errors: string[] = [];
      const summary = await exportArticles({
        store: badStore,
        format: 'ndjson',
        output: new Collector(),
        onError: (message) => errors.push(message),
      });
      expect(summary).toEqual({ exported: 3, failed: 1 });
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(badKey);
      expect(errors[0]).toContain('url');
    } finally {
      rmSync(badRoot, { recursive: true, force: true });
    }
  });

  it('rejects a malformed day or an empty range with a clear error', async () => {
    await expect(exportArticles({ store, format: 'ndjson', output: new Collector(), since: '2024-13-01' })).rejects.toThrow(
      '--since must be a calendar day as YYYY-MM-DD, got "2024-13-01"',
    );
    await expect(
      exportArticles({ store, format: 'ndjson', output: new Collector(), since: '2024-10-05', until: '2024-10-01' }),
    ).rejects.toThrow('--since 2024-10-05 is after --until 2024-10-01');
  });
});

describe('export after a compaction', () => {
  it('reads each day from its part brought up to date: a moved article once, in its new day; a deleted one not at all', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dataset-export-compacted-'));
    try {
      const store = new LocalDirectoryStore(root);
      const articles = [0, 1, 2].map((index) => syntheticArticle(index, 'alpha', '2024-10-01', 1));
      const threeHoursAgo = new Date(Date.now() - 3 * 3600_000);
      for (const article of articles) {
        await writeArticle(store, article, null);
        // Written well before the compaction: from now on the part holds them.
        await utimes(join(root, ...articleKey(article.id).split('/')), threeHoursAgo, threeHoursAgo);
      }
      await compactDataset({ store });
      const moved = {
        ...articles[0]!,
        title: 'Bài viết đã sửa',
        publishedAt: '2024-10-03T08:00:00+07:00',
        publishedAtUtc: '2024-10-03T01:00:00.000Z',
        contentHash: sha256Hex('moved'),
        fetchedAt: '2024-10-03T02:00:00.000Z',
      };
      await writeArticle(store, moved, null);
      await store.delete(articleKey(articles[1]!.id));

      const output = new Collector();
      expect(await exportArticles({ store, format: 'ndjson', output })).toEqual({ exported: 2, failed: 0 });
      const exported = output.text.trim().split('\n').map((line) => JSON.parse(line) as { id: string; title: string; publishedAt: string });
      expect(exported.map((article) => [article.id, article.publishedAt.slice(0, 10)])).toEqual([
        [articles[2]!.id, '2024-10-01'],
        [moved.id, '2024-10-03'],
      ]);
      expect(exported[1]!.title).toBe('Bài viết đã sửa');
      const firstDay = new Collector();
      await exportArticles({ store, format: 'ndjson', output: firstDay, since: '2024-10-01', until: '2024-10-01' });
      expect(firstDay.text.trim().split('\n')).toHaveLength(1);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
