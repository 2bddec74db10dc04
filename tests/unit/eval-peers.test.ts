import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forbidNetwork, NetworkAttemptError } from '../helpers/network-guard.ts';
import { newsIngestFields, paragraphsOfHtml, postlightFields, readabilityFields, splitByline } from '../helpers/peers.ts';
import { compareVietnamese } from '../helpers/vietnamese-comparison.ts';
import { VIETNAMESE_EXPECTATIONS } from '../fixtures/vietnamese-expectations.ts';
import { startTestServer, type TestServer } from '../helpers/http-server.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const tuoitre = VIETNAMESE_EXPECTATIONS.find((want) => want.file === 'pages/tuoitre_article.html')!;
const dantri = VIETNAMESE_EXPECTATIONS.find((want) => want.file === 'pages/dantri_article.html')!;
const read = (file: string): string => readFileSync(join(FIXTURES, file), 'utf8');

describe('peer output mapped to the scored fields', () => {
  it('splits a one-string byline into names', () => {
    expect(splitByline('NHẬT XUÂN, NGHI VŨ')).toEqual(['NHẬT XUÂN', 'NGHI VŨ']);
    expect(splitByline('By Jane Doe and John Roe')).toEqual(['Jane Doe', 'John Roe']);
    expect(splitByline('Minh Phong và  Quỳnh Vân')).toEqual(['Minh Phong', 'Quỳnh Vân']);
    expect(splitByline(null)).toEqual([]);
  });

  it('reads paragraphs from <p> only, captions included, empty ones left out', () => {
    const html = '<div><p> a \n b </p><p> </p><figure><figcaption><p>c</p></figcaption></figure><div>not a paragraph</div></div>';
    expect(paragraphsOfHtml(html)).toEqual(['a b', 'c']);
  });

  it('scores readability on tuoitre: title, date, authors (case-folded) and lead right; caption in the body, no caption/credit split', async () => {
    const fields = await forbidNetwork(() => readabilityFields(read(tuoitre.file), tuoitre.url));
    expect(fields.authorNames).toEqual(['NHẬT XUÂN', 'NGHI VŨ']);
    const comparison = compareVietnamese(fields, tuoitre, null);
    expect(comparison).toMatchObject({ title: true, date: true, authors: true, lead: true, firstParagraph: false, cleanBody: false, bodyF1: null });
    expect(comparison.captionCredit).toEqual({ right: 0, of: 2 });
  });

  it('scores Postlight on dantri: the title right, no date and no author found, the lead only with its dateline', async () => {
    const fields = await forbidNetwork(() => postlightFields(read(dantri.file), dantri.url));
    expect(fields.publishedAt).toBeNull();
    const comparison = compareVietnamese(fields, dantri, null);
    expect(comparison).toMatchObject({ title: true, date: false, authors: false, lead: false, firstParagraph: true, lastParagraph: true });
  });

  it('scores news-ingest on tuoitre with every field right and both captions split from their credits', async () => {
    const fields = await newsIngestFields(read(tuoitre.file), tuoitre.url);
    const comparison = compareVietnamese(fields, tuoitre, null);
    expect(comparison).toEqual({
      title: true,
      date: true,
      authors: true,
      lead: true,
      firstParagraph: true,
      lastParagraph: true,
      cleanBody: true,
      bodyF1: null,
      captionCredit: { right: 2, of: 2 },
    });
  });

  it('scores body F1 against a full reference body when there is one', async () => {
    const seed = VIETNAMESE_EXPECTATIONS.find((want) => want.file === 'seed/baodanang-2024-10-18.onecms.html')!;
    const fields = await newsIngestFields(read(seed.file), seed.url);
    expect(compareVietnamese(fields, seed, fields.bodyParagraphs).bodyF1).toBe(1);
    expect(compareVietnamese(fields, seed, ['unrelated words only']).bodyF1).toBe(0);
  });
});

describe('forbidNetwork', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<p>page</p>'));
  });
  afterAll(() => server.close());

  it("refuses Postlight's own fetch before it connects, then lets connections through again", async () => {
    const postlight = createRequire(import.meta.url)('@postlight/parser') as { parse(url: string): Promise<unknown> };
    await expect(forbidNetwork(() => postlight.parse(`${server.url}/article`))).rejects.toBeInstanceOf(NetworkAttemptError);
    expect(server.requests).toHaveLength(0);
    const response = await fetch(`${server.url}/after`);
    expect(await response.text()).toBe('<p>page</p>');
    expect(server.hits('/after')).toHaveLength(1);
  });

  it('refuses an empty page to Postlight, which would otherwise fetch the URL', async () => {
    await expect(postlightFields('', `${server.url}/empty`)).rejects.toThrow(/empty page/);
    expect(server.hits('/empty')).toHaveLength(0);
  });
});
