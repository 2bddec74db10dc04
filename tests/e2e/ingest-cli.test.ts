import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../lib/pipeline/types.ts';
import { validateArticle } from '../../lib/schema/article.ts';
import { freeLoopbackPort } from '../helpers/moto.ts';

/** `news-ingest ingest --sample` as a user runs it: a child process, the bundled sample site, a local directory. */

const run = promisify(execFile);
const BIN = new URL('../../bin/news-ingest.mjs', import.meta.url).pathname;

let out: string;
let port: number;

async function ingestSample(): Promise<{ stdout: string; stderr: string }> {
  // Not a TTY: the CLI prints plain progress lines instead of a bar.
  return run(process.execPath, [BIN, 'ingest', '--sample', '--sample-port', String(port), '--out', out], { timeout: 120_000 });
}

async function runSummaries(): Promise<RunSummary[]> {
  const summaries: RunSummary[] = [];
  for (const day of await readdir(join(out, 'runs'))) {
    for (const file of await readdir(join(out, 'runs', day))) {
      summaries.push(JSON.parse(await readFile(join(out, 'runs', day, file), 'utf8')) as RunSummary);
    }
  }
  return summaries.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

async function articleFiles(): Promise<string[]> {
  const files = await readdir(join(out, 'articles', 'v2'), { recursive: true });
  return files.filter((file) => file.endsWith('.json')).map((file) => join(out, 'articles', 'v2', file));
}

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'news-ingest-cli-'));
  port = await freeLoopbackPort();
});

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('news-ingest ingest --sample', () => {
  it('ingests the sample site into the directory, prints a summary table and exits 0', async () => {
    const { stdout, stderr } = await ingestSample();
    expect(stderr).toContain(`sample site on http://127.0.0.1:${port}`);
    expect(stderr).toMatch(/\] stored http:\/\/127\.0\.0\.1:/);
    expect(stdout).toMatch(/^feeds fetched\s+8$/m);
    expect(stdout).toMatch(/^ {2}stored\s+9$/m);
    expect(stdout).toMatch(/^ {2}skipped:not-an-article\s+1$/m);

    const [summary] = await runSummaries();
    expect(summary!.counts.stored).toBe(9);
    const files = await articleFiles();
    expect(files).toHaveLength(9);
    for (const file of files) validateArticle(JSON.parse(await readFile(file, 'utf8')));
    expect(stdout).toContain(join(out, 'runs'));
  });

  it('a second run stores nothing new and reports every article it lists unchanged', async () => {
    const { stdout } = await ingestSample();
    expect(stdout).not.toMatch(/^ {2}(stored|updated)/m);
    const summaries = await runSummaries();
    expect(summaries).toHaveLength(2);
    const second = summaries[1]!;
    // A feed whose validators still match answers 304 and lists nothing; the others list their items as before.
    expect(second.feeds.fetched + second.feeds.notModified).toBe(summaries[0]!.feeds.fetched);
    expect(second.discovered).toBeGreaterThan(0);
    expect(stdout).toMatch(new RegExp(`^ {2}unchanged\\s+${second.counts.unchanged}$`, 'm'));
    // Non-article URLs end skipped again; nothing is stored, updated or failed.
    expect(Object.keys(second.counts).filter((state) => state !== 'unchanged' && !state.startsWith('skipped:'))).toEqual([]);
    expect(second.counts.unchanged).toBeGreaterThan(0);
    expect(await articleFiles()).toHaveLength(9);
  });

  it('exits 2 with a clear message when the config cannot be read', async () => {
    const error = await run(process.execPath, [BIN, 'ingest', '--config', join(out, 'missing.json'), '--out', out]).then(
      () => null,
      (failure: { code: number; stderr: string }) => failure,
    );
    expect(error?.code).toBe(2);
    expect(error?.stderr).toContain(`cannot read config ${join(out, 'missing.json')}`);
  });

  it('exits 2 naming the ingest flags when both a directory and a bucket are given', async () => {
    const error = await run(process.execPath, [BIN, 'ingest', '--out', out, '--bucket', 'news']).then(
      () => null,
      (failure: { code: number; stderr: string }) => failure,
    );
    expect(error?.code).toBe(2);
    expect(error?.stderr).toContain('news-ingest ingest: choose one store: --out DIR or --bucket NAME');
  });

  /**
   * A DNS label longer than 63 bytes is not a valid name: the system resolver (getaddrinfo) fails it on the
   * spot, with ENOTFOUND, without sending a query anywhere. So this is what an offline machine sees for every
   * feed host, and nothing leaves loopback.
   */
  const UNRESOLVABLE_HOST = `feeds.${'x'.repeat(64)}.invalid`;

  async function ingestWithFeeds(feedUrls: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const config = join(out, `feeds-${feedUrls.length}.json`);
    await writeFile(
      config,
      JSON.stringify({
        userAgent: 'news-ingest-test/1.0 (+https://example.invalid/contact)',
        sources: [{ id: 'offline', name: 'Offline', domain: 'example.invalid', feeds: feedUrls.map((url) => ({ url, kind: 'rss' })) }],
      }),
    );
    return run(process.execPath, [BIN, 'ingest', '--config', config, '--out', join(out, 'offline')], { timeout: 60_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (failure: { code: number; stdout: string; stderr: string }) => failure,
    );
  }

  it('exits 3 and suggests --sample when no feed host name resolves (no network)', async () => {
    const { code, stdout, stderr } = await ingestWithFeeds([`https://${UNRESOLVABLE_HOST}/rss/home.rss`, `https://${UNRESOLVABLE_HOST}/rss/news.rss`]);
    expect(code).toBe(3);
    expect(stdout).toMatch(/^feeds failed\s+2$/m);
    expect(stdout).toContain(`feed failed: https://${UNRESOLVABLE_HOST}/rss/home.rss: name-resolution: could not resolve ${UNRESOLVABLE_HOST}`);
    expect(stderr).toContain('news-ingest ingest: no feed could be read (2 failed): no feed host name resolved. No network? try --sample');
  });

  it('exits 3 without the network hint when no feed could be read for other reasons too', async () => {
    // 127.0.0.1 is refused by the SSRF guard before any socket opens (loopback is only allowed with --sample).
    const { code, stderr } = await ingestWithFeeds([`https://${UNRESOLVABLE_HOST}/rss/home.rss`, 'http://127.0.0.1:9/rss/home.rss']);
    expect(code).toBe(3);
    expect(stderr).toContain('news-ingest ingest: no feed could be read (2 failed)\n');
    expect(stderr).not.toContain('try --sample');
  });
});
