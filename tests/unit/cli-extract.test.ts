import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  /** pages written by the tests (a missing file's directory, a page stripped of its URL); removed afterwards */
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cli-extract-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

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

describe('news-ingest extract --explain', () => {
  const VI = join(ROOT, 'tests', 'fixtures', 'vi');

  async function explain(files: string[]): Promise<{ stdout: string; exitCode: number }> {
    try {
      const { stdout } = await run(process.execPath, [BIN, 'extract', '--explain', ...files], { cwd: ROOT });
      return { stdout, exitCode: 0 };
    } catch (error) {
      const failed = error as { stdout: string; code: number };
      return { stdout: failed.stdout, exitCode: failed.code };
    }
  }

  it('names per field the adapter selector, JSON-LD path or meta the value came from, and what was rejected', async () => {
    const { stdout, exitCode } = await explain([join(VI, 'tienphong-1860261.html')]);
    expect(exitCode).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(`# ${join(VI, 'tienphong-1860261.html')}: extractor hemera/article, source tienphong`);
    expect(validateArticle(JSON.parse(lines[1]!)).title).toBe('PNJ sẽ thuê đơn vị quốc tế kiểm định độc lập về kim cương');
    const block = (field: string): string[] => {
      const start = lines.findIndex((line) => line.startsWith(`${field}: `));
      const end = lines.findIndex((line, index) => index > start && /^\S/.test(line));
      return lines.slice(start, end === -1 ? undefined : end);
    };
    expect(block('title')).toEqual(['title: "PNJ sẽ thuê đơn vị quốc tế kiểm định độc lập về kim cương"', '  from     adapter hemera/article h1.article__title']);
    expect(block('publishedAt')[1]).toBe('  from     adapter hemera/article jsonld datePublished');
    // no category selector in the layout: the generic section rule, with the trail it turned down
    expect(block('category')).toEqual([
      'category: "Doanh nghiệp"',
      '  from     meta article:section',
      '  rejected jsonld BreadcrumbList.itemListElement[last].name: "Kinh tế" (meta article:section continues the trail deeper)',
    ]);
    expect(block('dateline')[1]).toBe('  from     rule: the dateline prefix of the lead (lib/normalize/dateline.ts)');
  });

  it('lists the layout selectors that matched nothing when no field value came from them', async () => {
    const { stdout } = await explain([join(VI, 'vietnamplus-1125344.html')]);
    // the adapter reads the page; its selectors that matched no author are listed as rejected
    expect(stdout).toContain('  rejected adapter hemera/article div.article__author .name: — (matched no text)');
    expect(stdout).toMatch(/^authors: not found$/m);
  });

  it('still ends a page that is not an article as not-an-article, with the reason', async () => {
    const { stdout, exitCode } = await explain([join(PAGES, 'vnexpress_list.html')]);
    expect(exitCode).toBe(1);
    expect(JSON.parse(stdout.trim().split('\n')[0]!)).toMatchObject({ kind: 'not-an-article', error: expect.stringContaining('a section page (its h1 is a link to the page itself)') });
  });
});
