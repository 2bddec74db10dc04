import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
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
  const files = await readdir(join(out, 'articles', 'v1'), { recursive: true });
  return files.filter((file) => file.endsWith('.json')).map((file) => join(out, 'articles', 'v1', file));
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
});
