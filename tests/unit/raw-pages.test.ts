import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeRawBatch, RawPageBatcher, readRawBatchManifest, type RawPage } from '../../lib/store/raw-pages.ts';
import { LocalDirectoryStore } from '../../lib/store/local.ts';
import type { ObjectStore } from '../../lib/store/types.ts';
import { forwardingStore } from '../helpers/forwarding-store.ts';

const CLOCK = () => new Date('2026-09-05T18:30:00.000Z');

function page(n: number): RawPage {
  return { id: String(n).padStart(20, '0'), source: 'baodanang', date: '2026-09-05', fetchedAt: '2026-09-05T18:29:00.000Z', html: `<html>trang ${n} — Đà Nẵng</html>` };
}

async function keys(store: ObjectStore): Promise<string[]> {
  const found: string[] = [];
  for await (const key of store.list('raw/')) found.push(key);
  return found;
}

describe('RawPageBatcher', () => {
  let root: string;
  let store: LocalDirectoryStore;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'raw-pages-'));
    store = new LocalDirectoryStore(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes one batch once every joined writer has added its page or closed, and each page reads back', async () => {
    const batcher = new RawPageBatcher(store, { clock: CLOCK, maxWaitMs: 60_000 });
    const [a, b, c] = [batcher.join(), batcher.join(), batcher.join()];
    const added = [a.add(page(1)), b.add(page(2))];
    await new Promise((resolve) => setTimeout(resolve, 20));
    // c is still in flight (fetching): nothing written yet.
    expect(await keys(store)).toEqual([]);
    c.close();
    const [first, second] = await Promise.all(added);
    expect(first!.key).toBe(second!.key);
    // Named by the day in Vietnam (01:30 on the 6th there).
    expect(first!.key).toMatch(/^raw\/batches\/date=2026-09-06\/20260905T183000000Z-[0-9a-f]{12}\.pages$/);
    expect(await keys(store)).toEqual([first!.key]);
    const batch = decodeRawBatch((await store.get(first!.key))!, first!.key);
    expect(batch.pages.map((entry) => entry.id)).toEqual([page(1).id, page(2).id]);
    expect(batch.pages.map((entry) => batch.html(entry))).toEqual([page(1).html, page(2).html]);
    // Adding again gives the same location: a writer that retries its article write does not store its page twice.
    expect(await a.add(page(1))).toEqual(first);
  });

  it('does not wait past maxPages or maxWaitMs for writers still in flight', async () => {
    const full = new RawPageBatcher(store, { clock: CLOCK, maxPages: 2, maxWaitMs: 60_000 });
    const slow = full.join();
    const [one, two] = await Promise.all([full.join().add(page(1)), full.join().add(page(2))]);
    expect(one!.key).toBe(two!.key);
    slow.close();

    const timed = new RawPageBatcher(store, { clock: CLOCK, maxWaitMs: 30 });
    timed.join();
    const alone = await timed.join().add(page(3));
    expect(decodeRawBatch((await store.get(alone.key))!, alone.key).pages.map((entry) => entry.id)).toEqual([page(3).id]);
  });

  it('fails every page of a batch whose write fails, so none of their articles is written without its page', async () => {
    const failing = forwardingStore(store, { put: () => Promise.reject(new Error('503 Slow Down')) });
    const batcher = new RawPageBatcher(failing, { clock: CLOCK });
    const results = await Promise.allSettled([batcher.join().add(page(1)), batcher.join().add(page(2))]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(await keys(store)).toEqual([]);
  });

  it("with an invocation, the manifest is the run ledger's record: each page's queued URL, run, state and a new article's missing fields", async () => {
    const batcher = new RawPageBatcher(store, { clock: CLOCK, invocation: 'req-1' });
    const created = batcher.join({ url: 'https://baodanang.vn/a-1.html', runId: 'run-1' });
    const revised = batcher.join({ url: 'https://baodanang.vn/a-2.html', runId: 'run-1' });
    const unknownJob = batcher.join();
    const [location] = await Promise.all([
      created.add({ ...page(1), claim: { state: 'stored', missing: ['authors'] } }),
      revised.add({ ...page(2), claim: { state: 'updated', missing: ['authors'] } }),
      unknownJob.add({ ...page(3), claim: { state: 'stored', missing: [] } }),
    ]);
    expect([created.claimed, revised.claimed, unknownJob.claimed]).toEqual(['stored', 'updated', null]);
    const manifest = await readRawBatchManifest(store, location.key);
    expect(manifest?.invocation).toBe('req-1');
    expect(manifest?.pages.map(({ url, runId, state, missing }) => ({ url, runId, state, missing }))).toEqual([
      { url: 'https://baodanang.vn/a-1.html', runId: 'run-1', state: 'stored', missing: ['authors'] },
      { url: 'https://baodanang.vn/a-2.html', runId: 'run-1', state: 'updated', missing: undefined },
      { url: undefined, runId: undefined, state: undefined, missing: undefined },
    ]);

    // Without an invocation (the local runner, migration) the manifest is as before.
    const local = new RawPageBatcher(store, { clock: CLOCK });
    const slot = local.join({ url: 'https://baodanang.vn/a-4.html', runId: 'run-1' });
    const plain = await slot.add({ ...page(4), claim: { state: 'stored', missing: [] } });
    expect(slot.claimed).toBeNull();
    expect(decodeRawBatch((await store.get(plain.key))!, plain.key)).toMatchObject({ invocation: null, pages: [{ id: page(4).id, offset: 0 }] });
    expect(Object.keys(plain.entry).sort()).toEqual(['date', 'fetchedAt', 'id', 'length', 'offset', 'source']);
  });

  it('reads a manifest longer than its first ranged read with a second GET of the whole batch', async () => {
    const batcher = new RawPageBatcher(store, { clock: CLOCK, invocation: 'req-2', maxPages: 1000 });
    const count = 300;
    const slots = Array.from({ length: count }, (_, n) => batcher.join({ url: `https://baodanang.vn/${'bai-viet-'.repeat(20)}${n}.html`, runId: 'run-2' }));
    const locations = await Promise.all(slots.map((slot, n) => slot.add({ ...page(n), claim: { state: 'stored', missing: [] } })));
    const key = locations[0]!.key;
    expect((await store.get(key))!.indexOf(0x0a)).toBeGreaterThan(64 * 1024);
    const reads: string[] = [];
    const watched = forwardingStore(store, {
      get: (readKey) => {
        reads.push('get');
        return store.get(readKey);
      },
      getStart: (readKey, bytes) => {
        reads.push('getStart');
        return store.getStart(readKey, bytes);
      },
    });
    const manifest = await readRawBatchManifest(watched, key);
    expect(manifest?.pages).toHaveLength(count);
    expect(reads).toEqual(['getStart', 'get']);
  });

  it('names what is wrong with an object that is not a batch', () => {
    expect(() => decodeRawBatch(Buffer.from('<html>'), 'raw/batches/date=2026-09-05/x.pages')).toThrow('raw/batches/date=2026-09-05/x.pages: not a raw page batch (no manifest line)');
    const lying = Buffer.from(`${JSON.stringify({ format: 'news-ingest raw pages 1', pages: [{ ...page(1), html: undefined, offset: 0, length: 99 }] })}\nshort`);
    expect(() => decodeRawBatch(lying, 'k')).toThrow(/^k: manifest entry .* does not fit the batch$/);
  });
});
