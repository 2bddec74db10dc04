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

  // The peers' own misses are theirs to fix and not pinned here: these tests check that their output reaches
  // the scorer (mapping) and that the scorer tells right from wrong (on our output, altered field by field).
  it('maps readability output into the scored fields: its one-string byline split, case-folded when compared', async () => {
    const fields = await forbidNetwork(() => readabilityFields(read(tuoitre.file), tuoitre.url));
    expect(fields.authorNames).toEqual(['NHẬT XUÂN', 'NGHI VŨ']);
    const comparison = compareVietnamese(fields, tuoitre, null);
    expect(comparison).toMatchObject({ title: true, authors: true, bodyF1: null });
    // Readability has no caption or credit fields, so the images it keeps can never score.
    expect(fields.images).toEqual([]);
    expect(comparison.captionCredit).toEqual({ right: 0, of: 2 });
  });

  it("maps Postlight output into the scored fields: title, and body paragraphs from its content's <p>", async () => {
    const fields = await forbidNetwork(() => postlightFields(read(dantri.file), dantri.url));
    expect(fields.bodyParagraphs.length).toBeGreaterThan(0);
    for (const paragraph of fields.bodyParagraphs) expect(paragraph).toBe(paragraph.trim());
    expect(compareVietnamese(fields, dantri, null)).toMatchObject({ title: true, firstParagraph: true, lastParagraph: true });
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

  it('marks each field wrong when it is: another instant, a missing author, a lead with its dateline, a credit in the body, a caption holding its credit', async () => {
    const right = await newsIngestFields(read(tuoitre.file), tuoitre.url);
    const score = (changes: Partial<typeof right>) => compareVietnamese({ ...right, ...changes }, tuoitre, null);
    expect(score({ publishedAt: '2026-03-07T08:01:00Z' }).date).toBe(false);
    expect(score({ authorNames: ['NHẬT XUÂN'] }).authors).toBe(false);
    // Our body starts with the lead, and the scorer accepts the lead in either place: prefix both.
    const [lead, ...paragraphs] = right.bodyParagraphs;
    expect(score({ lead: `TTO - ${lead}`, bodyParagraphs: [`TTO - ${lead}`, ...paragraphs] }).lead).toBe(false);
    expect(score({ bodyParagraphs: [...right.bodyParagraphs, 'Ảnh: H.Y.T.'] }).cleanBody).toBe(false);
    expect(score({ bodyParagraphs: [lead!, ...paragraphs.slice(1)] }).firstParagraph).toBe(false);
    const merged = right.images.map((image) => ({ caption: `${image.caption} - Ảnh: ${image.credit}`, credit: null }));
    expect(score({ images: merged }).captionCredit).toEqual({ right: 0, of: 2 });
  });

  it('scores body F1 as the bag-of-words overlap with a reference written apart from any extractor', async () => {
    const fields = await newsIngestFields(read(tuoitre.file), tuoitre.url);
    const body = (paragraphs: string[]) => compareVietnamese({ ...fields, bodyParagraphs: paragraphs }, tuoitre, ['Đà Nẵng mưa to,', 'đường ngập sâu.']).bodyF1;
    // 6 tokens got, 7 wanted, 5 shared: precision 5/6, recall 5/7, F1 = 10/13.
    expect(body(['Đà Nẵng mưa lớn', 'Đường ngập'])).toBeCloseTo(10 / 13, 10);
    expect(body(['đà nẵng MƯA TO', 'đường ngập sâu'])).toBe(1);
    expect(body(['unrelated words only'])).toBe(0);
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
