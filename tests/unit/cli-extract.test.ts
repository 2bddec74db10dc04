import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { validateArticle, validateUrlLessArticle } from '../../lib/schema/article.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'news-ingest.mjs');
const PAGES = join(ROOT, 'tests', 'fixtures', 'pages');
const SEED = join(ROOT, 'tests', 'fixtures', 'seed');
const run = promisify(execFile);

async function extract(args: string[]): Promise<{ lines: unknown[]; exitCode: number }> {
  try {
    const { stdout } = await run(process.execPath, [BIN, 'extract', ...args], { cwd: ROOT });
    return { lines: stdout.trim().split('\n').map((line) => JSON.parse(line)), exitCode: 0 };
  } catch (error) {
    const failed = error as { stdout: string; code: number };
    return { lines: failed.stdout.trim().split('\n').map((line) => JSON.parse(line)), exitCode: failed.code };
  }
}

describe('news-ingest extract', () => {
  it('prints one valid Article line per file, in order, with the URL from each page', async () => {
    const { lines, exitCode } = await extract([join(SEED, 'baodanang-2024-10-18.pre2025.html'), join(PAGES, 'vnexpress_article.html')]);
    expect(exitCode).toBe(0);
    expect(lines).toHaveLength(2);
    const [seed, vnexpress] = lines.map((line) => validateArticle(line));
    expect(seed!.title).toBe('Làm tốt công tác tham mưu, tổng hợp phục vụ lãnh đạo các cấp trong chỉ đạo, điều hành');
    expect(seed!.extractor.name).toBe('baodanang/legacy');
    expect(vnexpress!.url).toBe('https://vnexpress.net/cach-cac-nuoc-doi-pho-cu-soc-nang-luong-tu-trung-dong-5047363.html');
    expect(vnexpress!.source.id).toBe('vnexpress');
  });

  it('uses --url as the fetched URL', async () => {
    const url = 'https://vnexpress.net/cach-cac-nuoc-doi-pho-cu-soc-nang-luong-tu-trung-dong-5047363.html?utm_source=rss';
    const { lines, exitCode } = await extract(['--url', url, join(PAGES, 'vnexpress_article.html')]);
    expect(exitCode).toBe(0);
    expect(validateArticle(lines[0]).url).toBe(url);
  });

  it('prints an error object in place of each failed file, carries on, and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-extract-'));
    const missing = join(dir, 'missing.html');
    const { lines, exitCode } = await extract([missing, join(PAGES, 'tuoitre_list.html'), join(PAGES, 'dantri_article.html')]);
    expect(exitCode).toBe(1);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ file: missing, kind: 'unreadable' });
    expect((lines[0] as { error: string }).error).toContain('ENOENT');
    expect(lines[1]).toMatchObject({ file: join(PAGES, 'tuoitre_list.html'), kind: 'not-an-article' });
    expect(validateArticle(lines[2]).source.id).toBe('dantri');
  });

  it('extracts a saved page that names no URL of its own: "url" null, the id from its content', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-extract-'));
    const noUrl = join(dir, 'no-url.html');
    writeFileSync(noUrl, readFileSync(join(PAGES, 'vnexpress_article.html'), 'utf8').replace(/<link rel="canonical"[^>]*>/, '').replace(/<meta property="og:url"[^>]*>/, ''));
    const { lines, exitCode } = await extract([noUrl, noUrl]);
    expect(exitCode).toBe(0);
    const [first, again] = lines.map((line) => validateUrlLessArticle(line));
    expect(first!.url).toBeNull();
    expect(first!.source).toBeNull();
    expect(first!.title).toBe('Cách các nước đối phó cú sốc năng lượng từ Trung Đông');
    expect(first!.body.paragraphs.length).toBeGreaterThan(5);
    expect(again!.id).toBe(first!.id);
  });

  it('refuses a --url that is not an absolute http(s) URL, naming it', async () => {
    const { lines, exitCode } = await extract(['--url', 'vnexpress_article.html', join(PAGES, 'vnexpress_article.html')]);
    expect(exitCode).toBe(1);
    expect(lines[0]).toMatchObject({ kind: 'extract-failed' });
    expect((lines[0] as { error: string }).error).toContain('"vnexpress_article.html" is not an absolute http(s) URL');
  });
});
