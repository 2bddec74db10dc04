import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { todayInDatasetZone } from '../dataset/partitions.ts';
import { RAW_BATCH_PREFIX, rawBatchKey } from './keys.ts';
import type { ObjectStore } from './types.ts';

/**
 * Raw pages are kept for re-extraction in batch objects, one per Lambda invocation (or per group of pages
 * the local runner fetched together), instead of one object per page: a PUT costs as much as storing a
 * gzipped page for 2½ years, so one PUT per batch instead of per page is most of what a page costs to keep.
 *
 * A batch object (raw/batches/date=<day written>/<batch id>.pages) is one JSON line, its manifest, then the
 * pages, each a separate gzip member at the manifest's offset (counted from the byte after the newline)
 * and length, so a reader can take one page out with a byte range. Batches are written once (If-None-Match)
 * and never changed: an updated article's new page goes into a new batch and the old one stays where it
 * is until the raw-page lifecycle expires the batch. The manifest says which article and which fetch each
 * page belongs to; re-extraction uses a page only while the stored article was extracted from that fetch.
 *
 * In the cloud the manifest is also the run ledger's record of the articles the invocation stores
 * (lib/pipeline/run-ledger.ts): a batcher given an `invocation` names it in the manifest, and each page of a
 * writer that joined with its queued job says which URL and run it was queued as, the state its article is
 * being written in (`stored` or `updated`) and the fields it lacked. The batch is written anyway, before
 * the articles, so recording them here costs no request; what the manifest cannot know (a write that then
 * went otherwise) the invocation records after its articles, in an outcomes object.
 */

export const RAW_BATCH_FORMAT = 'news-ingest raw pages 1';

/** One page of a batch, as the manifest lists it. */
export interface RawPageEntry {
  /** The article id the page was extracted as. */
  id: string;
  source: string;
  /** The day of the article extracted from the page (its daily part's), which re-extraction's --since selects on. */
  date: string;
  /** The fetchedAt of the article extracted from this page. */
  fetchedAt: string;
  offset: number;
  length: number;
  /** Ledger fields (a batcher with an invocation, a writer that joined with its queued job): the URL queued... */
  url?: string;
  runId?: string;
  /** ...the state its article is being written in... */
  state?: ClaimedState;
  /** ...and, for a new article, the fields it lacked (source health counts them towards drift). */
  missing?: string[];
}

/** The state a writer is writing its article in when it adds the page (lib/store/articles.ts). */
export type ClaimedState = 'stored' | 'updated';

/** The queued job a writer processes, for the manifest's ledger fields. */
export interface QueuedAs {
  url: string;
  runId: string;
}

export interface RawPage {
  id: string;
  source: string;
  date: string;
  fetchedAt: string;
  html: string | Buffer;
  /** What the writer is about to write (the ledger fields, recorded only when the slot was joined with its job). */
  claim?: { state: ClaimedState; missing: readonly string[] };
}

/** Where a page was stored. */
export interface RawPageLocation {
  key: string;
  entry: RawPageEntry;
}

export interface RawPageBatcherOptions {
  /** Names the batch's day (in Asia/Ho_Chi_Minh) and its id. */
  clock?: () => Date;
  /** A batch is written once it holds this many pages... */
  maxPages?: number;
  /** ...or once its first page has waited this long for the writers still fetching. */
  maxWaitMs?: number;
  /** The Lambda invocation writing the batches: named in each manifest, which then carries the ledger fields. */
  invocation?: string;
}

/** One writer's place in a batch: it adds at most one page, and closes when it is done either way. */
export interface RawPageSlot {
  /** Resolves once the batch holding the page is stored (the same location when called again). */
  add(page: RawPage): Promise<RawPageLocation>;
  close(): void;
  /** The state the manifest records for this writer's article (null: no page added, or no ledger fields). */
  readonly claimed: ClaimedState | null;
}

const DEFAULT_MAX_PAGES = 100;
const DEFAULT_MAX_WAIT_MS = 2_000;

interface PendingPage {
  page: RawPage;
  queued: QueuedAs | null;
  gzipped: Buffer;
  resolve: (location: RawPageLocation) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit of raw pages: every article writer in flight joins (a slot) before it fetches; a batch is
 * written as soon as every joined writer has either added its page or closed without one (an unchanged
 * article, a failed fetch), so a batch holds the pages of the writers that were in flight together and no
 * writer waits for one that has not started. In a Lambda invocation the batch's records all run at once,
 * so its pages make one batch object and the invocation waits no longer than for its slowest fetch.
 */
export class RawPageBatcher {
  private readonly store: ObjectStore;
  private readonly clock: () => Date;
  private readonly maxPages: number;
  private readonly maxWaitMs: number;
  private readonly invocation: string | null;
  /** Slots that have neither added a page nor closed. */
  private undecided = 0;
  private pending: PendingPage[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(store: ObjectStore, options: RawPageBatcherOptions = {}) {
    this.store = store;
    this.clock = options.clock ?? (() => new Date());
    this.maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
    this.maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    this.invocation = options.invocation ?? null;
  }

  /** `queued`: the job the writer processes; with an invocation, its page's manifest entry records it. */
  join(queued?: QueuedAs): RawPageSlot {
    this.undecided += 1;
    let added: Promise<RawPageLocation> | null = null;
    let claimed: ClaimedState | null = null;
    let closed = false;
    const ledgerJob = this.invocation === null ? null : (queued ?? null);
    return {
      add: (page) => {
        if (added !== null) return added;
        if (closed) throw new Error(`raw page of ${page.id}: the slot is closed`);
        if (ledgerJob !== null && page.claim !== undefined) claimed = page.claim.state;
        added = new Promise<RawPageLocation>((resolve, reject) => {
          this.pending.push({ page, queued: ledgerJob, gzipped: gzipSync(page.html), resolve, reject });
        });
        this.undecided -= 1;
        this.schedule();
        return added;
      },
      close: () => {
        if (closed) return;
        closed = true;
        if (added !== null) return;
        this.undecided -= 1;
        this.schedule();
      },
      get claimed() {
        return claimed;
      },
    };
  }

  private schedule(): void {
    if (this.pending.length === 0) return;
    if (this.undecided === 0 || this.pending.length >= this.maxPages) {
      this.writeBatch();
      return;
    }
    this.timer ??= setTimeout(() => this.writeBatch(), this.maxWaitMs);
  }

  private writeBatch(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const pages = this.pending.splice(0);
    if (pages.length === 0) return;
    const now = this.clock();
    const key = rawBatchKey(todayInDatasetZone(now), newBatchId(now));
    const { body, entries } = encodeRawBatch(
      pages.map(({ page, queued, gzipped }) => ({ page, queued, gzipped })),
      this.invocation,
    );
    this.store.put(key, body, { contentType: 'application/octet-stream', ifNoneMatch: true }).then(
      () => pages.forEach((pending, index) => pending.resolve({ key, entry: entries[index]! })),
      (error: unknown) => pages.forEach((pending) => pending.reject(error)),
    );
  }
}

/** Stores one page on its own (a batch of one): for writes outside a pipeline run. */
export function storeRawPage(store: ObjectStore, page: RawPage, clock?: () => Date): Promise<RawPageLocation> {
  const slot = new RawPageBatcher(store, clock === undefined ? {} : { clock }).join();
  return slot.add(page);
}

function newBatchId(now: Date): string {
  return `${now.toISOString().replace(/[-:.]/g, '')}-${randomBytes(6).toString('hex')}`;
}

export function encodeRawBatch(
  pages: ReadonlyArray<{ page: RawPage; queued?: QueuedAs | null; gzipped: Buffer }>,
  invocation: string | null = null,
): { body: Buffer; entries: RawPageEntry[] } {
  const entries: RawPageEntry[] = [];
  let offset = 0;
  for (const { page, queued, gzipped } of pages) {
    const entry: RawPageEntry = { id: page.id, source: page.source, date: page.date, fetchedAt: page.fetchedAt, offset, length: gzipped.length };
    if (queued && page.claim !== undefined) {
      Object.assign(entry, { url: queued.url, runId: queued.runId, state: page.claim.state });
      if (page.claim.state === 'stored') entry.missing = [...page.claim.missing];
    }
    entries.push(entry);
    offset += gzipped.length;
  }
  const manifest = Buffer.from(
    `${JSON.stringify({ format: RAW_BATCH_FORMAT, ...(invocation === null ? {} : { invocation }), pages: entries })}\n`,
    'utf8',
  );
  return { body: Buffer.concat([manifest, ...pages.map(({ gzipped }) => gzipped)]), entries };
}

export interface RawBatch {
  /** The invocation that wrote it (null: written outside a Lambda invocation, or before manifests named it). */
  invocation: string | null;
  pages: RawPageEntry[];
  /** The page's HTML as the pipeline decoded it (UTF-8). */
  html(entry: RawPageEntry): string;
}

/** A batch object whose manifest cannot be read: the message names the key and what is wrong. */
export class RawBatchFormatError extends Error {
  override readonly name = 'RawBatchFormatError';
}

interface Manifest {
  invocation: string | null;
  pages: RawPageEntry[];
  /** Where the pages start: the byte after the manifest line. */
  dataStart: number;
}

/** The manifest line at the start of `body`; the error names the key and what is wrong with it. */
function parseManifest(body: Buffer, key: string): Manifest {
  const newline = body.indexOf(0x0a);
  if (newline === -1) throw new RawBatchFormatError(`${key}: not a raw page batch (no manifest line)`);
  let manifest: { format?: unknown; invocation?: unknown; pages?: unknown };
  try {
    manifest = JSON.parse(body.subarray(0, newline).toString('utf8')) as typeof manifest;
  } catch (error) {
    throw new RawBatchFormatError(`${key}: the manifest line is not JSON (${(error as Error).message})`);
  }
  if (manifest.format !== RAW_BATCH_FORMAT || !Array.isArray(manifest.pages)) {
    throw new RawBatchFormatError(`${key}: not a raw page batch of format "${RAW_BATCH_FORMAT}"`);
  }
  const pages = manifest.pages as RawPageEntry[];
  for (const entry of pages) {
    const valid =
      typeof entry.id === 'string' &&
      typeof entry.source === 'string' &&
      typeof entry.date === 'string' &&
      typeof entry.fetchedAt === 'string' &&
      Number.isInteger(entry.offset) &&
      Number.isInteger(entry.length) &&
      entry.offset >= 0 &&
      entry.length >= 0;
    if (!valid) throw new RawBatchFormatError(`${key}: manifest entry ${JSON.stringify(entry)} is not a page entry`);
  }
  return { invocation: typeof manifest.invocation === 'string' ? manifest.invocation : null, pages, dataStart: newline + 1 };
}

/** Reads a batch object; the error names the key and what is wrong with it. */
export function decodeRawBatch(body: Buffer, key: string): RawBatch {
  const { invocation, pages, dataStart } = parseManifest(body, key);
  const data = body.subarray(dataStart);
  for (const entry of pages) {
    if (entry.offset + entry.length > data.length) throw new RawBatchFormatError(`${key}: manifest entry ${JSON.stringify(entry)} does not fit the batch`);
  }
  return {
    invocation,
    pages,
    html: (entry) => gunzipSync(data.subarray(entry.offset, entry.offset + entry.length)).toString('utf8'),
  };
}

/** Enough for the manifest of a batch of 100 pages with long URLs; a longer one costs a second GET. */
const MANIFEST_PROBE_BYTES = 64 * 1024;

/**
 * A batch's manifest without its pages (a ranged GET of its first bytes): the run ledger's reader. Null
 * when the batch is gone.
 */
export async function readRawBatchManifest(store: ObjectStore, key: string): Promise<Omit<RawBatch, 'html'> | null> {
  let head = await store.getStart(key, MANIFEST_PROBE_BYTES);
  if (head !== null && head.length === MANIFEST_PROBE_BYTES && head.indexOf(0x0a) === -1) head = await store.get(key);
  if (head === null) return null;
  const { invocation, pages } = parseManifest(head, key);
  return { invocation, pages };
}

/** `raw/batches/date=<day>/<batch id>.pages`: the day the batch was written, or null for any other key. */
export function parseRawBatchKey(key: string): { key: string; date: string } | null {
  const match = new RegExp(`^${RAW_BATCH_PREFIX}date=(\\d{4}-\\d{2}-\\d{2})/[0-9A-Za-z-]+\\.pages$`).exec(key);
  return match === null ? null : { key, date: match[1]! };
}
