import { createRequire } from 'node:module';
import { extract as articleExtractorFetch } from '@extractus/article-extractor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateVietnamesePeer, type Contender } from '../../bench/eval-peers.ts';
import { loadVietnameseCorpus, readPage, type PageExpectation } from '../../bench/eval-vietnamese.ts';
import { findAdapter } from '../../lib/sources/registry.ts';
import { forbidNetwork, NetworkAttemptError } from '../helpers/network-guard.ts';
import {
  articleExtractorFields,
  bodyOfHtml,
  newsIngestFields,
  paragraphsOfHtml,
  postlightFields,
  readabilityFields,
  splitByline,
  type ComparedFields,
} from '../helpers/peers.ts';
import { compareVietnamese } from '../helpers/vietnamese-comparison.ts';
import { startTestServer, type TestServer } from '../helpers/http-server.ts';

const corpus = loadVietnameseCorpus();
const page = (file: string): PageExpectation => corpus.find((want) => want.file === file)!;
const tuoitre = page('pages/tuoitre_article.html');
const dantri = page('pages/dantri_article.html');
const seed = page('seed/baodanang-2024-10-18.pre2025.html');

describe('peer output mapped to the scored fields', () => {
  it('splits a one-string byline into names', () => {
    expect(splitByline('NHẬT XUÂN, NGHI VŨ')).toEqual(['NHẬT XUÂN', 'NGHI VŨ']);
    expect(splitByline('By Jane Doe and John Roe')).toEqual(['Jane Doe', 'John Roe']);
    expect(splitByline('Minh Phong và  Quỳnh Vân')).toEqual(['Minh Phong', 'Quỳnh Vân']);
    expect(splitByline(null)).toEqual([]);
  });

  it('reads paragraphs, subheads and list items in order, captions in <figcaption> and empty blocks left out', () => {
    const html =
      '<div><h2>Sub</h2><p> a \n b </p><p> </p><figure><img src="x.jpg"><figcaption><p>c</p></figcaption></figure>' +
      '<ul><li><p>d</p></li><li>e</li></ul><div>not a paragraph</div></div>';
    expect(paragraphsOfHtml(html)).toEqual(['Sub', 'a b', 'd', 'e']);
    // The whole text keeps what is outside paragraphs (a related box in a div still counts) but not the caption.
    expect(bodyOfHtml(html).text).toBe('Sub a b d e not a paragraph');
  });

  // The peers' own misses are theirs to fix and not pinned here: these tests check that their output reaches
  // the scorer (mapping) and that the scorer tells right from wrong (on our output, altered field by field).
  it('maps readability output into the scored fields: its one-string byline split, case-folded when compared', async () => {
    const fields = await forbidNetwork(() => readabilityFields(readPage(tuoitre), tuoitre.url));
    expect(fields.authorNames).toEqual(['NHẬT XUÂN', 'NGHI VŨ']);
    const comparison = compareVietnamese(fields, tuoitre, null);
    expect(comparison.fields).toMatchObject({ title: { right: 1, of: 1 }, authors: { right: 1, of: 1 } });
    // Readability has no category, caption or credit fields, so those can never score.
    expect(comparison.fields.category).toEqual({ right: 0, of: 1 });
    expect(comparison.fields.captionCredit).toEqual({ right: 0, of: 2 });
    expect(comparison.bodyF1).toBeNull();
  });

  it("maps Postlight output into the scored fields: title, and body paragraphs from its content's <p>", async () => {
    const fields = await forbidNetwork(() => postlightFields(readPage(dantri), dantri.url));
    expect(fields.body.paragraphs.length).toBeGreaterThan(0);
    for (const paragraph of fields.body.paragraphs) expect(paragraph).toBe(paragraph.trim());
    expect(compareVietnamese(fields, dantri, null).fields).toMatchObject({
      title: { right: 1, of: 1 },
      firstParagraph: { right: 1, of: 1 },
      lastParagraph: { right: 1, of: 1 },
    });
  });

  it('maps article-extractor output into the scored fields: title, its publish time in UTC as the same instant', async () => {
    const fields = await forbidNetwork(() => articleExtractorFields(readPage(tuoitre), tuoitre.url));
    expect(fields.publishedAt).toBe('2026-03-07T01:01:00.000Z');
    expect(fields.body.paragraphs.length).toBeGreaterThan(0);
    expect(compareVietnamese(fields, tuoitre, null).fields).toMatchObject({ title: { right: 1, of: 1 }, publishedAt: { right: 1, of: 1 } });
  });

  it('scores news-ingest on tuoitre with every field right and both captions split from their credits', async () => {
    const comparison = compareVietnamese(await newsIngestFields(readPage(tuoitre), tuoitre.url), tuoitre, null);
    const right = { right: 1, of: 1 };
    expect(comparison).toEqual({
      fields: {
        title: right,
        publishedAt: right,
        authors: right,
        category: right,
        lead: right,
        firstParagraph: right,
        lastParagraph: right,
        notInBody: right,
        captionCredit: { right: 2, of: 2 },
      },
      bodyF1: null,
    });
  });

  it('marks each field wrong when it is: another instant, a missing author, another section, a lead with its dateline, a credit in the body, a caption holding its credit', async () => {
    const right = await newsIngestFields(readPage(tuoitre), tuoitre.url);
    const score = (changes: Partial<ComparedFields>) => compareVietnamese({ ...right, ...changes }, tuoitre, null).fields;
    expect(score({ publishedAt: '2026-03-07T08:01:00Z' }).publishedAt).toEqual({ right: 0, of: 1 });
    expect(score({ authorNames: ['NHẬT XUÂN'] }).authors).toEqual({ right: 0, of: 1 });
    expect(score({ category: 'Thời sự' }).category).toEqual({ right: 0, of: 1 });
    expect(score({ lead: `TTO - ${right.lead}` }).lead).toEqual({ right: 0, of: 1 });
    const [first, ...paragraphs] = right.body.paragraphs;
    expect(score({ body: { paragraphs: paragraphs, text: right.body.text } }).firstParagraph).toEqual({ right: 0, of: 1 });
    expect(score({ body: { paragraphs: [first!, ...paragraphs], text: `${right.body.text} Ảnh: H.Y.T.` } }).notInBody).toEqual({ right: 0, of: 1 });
    const merged = right.images.map((image) => ({ caption: `${image.caption} - Ảnh: ${image.credit}`, credit: null }));
    expect(score({ images: merged }).captionCredit).toEqual({ right: 0, of: 2 });
  });

  it("accepts a peer's lead kept as its first body paragraph, and then reads the first paragraph after it", async () => {
    const ours = await newsIngestFields(readPage(tuoitre), tuoitre.url);
    const asPeer = { ...ours, lead: null, body: { paragraphs: [ours.lead!, ...ours.body.paragraphs], text: ours.body.text } };
    expect(compareVietnamese(asPeer, tuoitre, null).fields).toMatchObject({ lead: { right: 1, of: 1 }, firstParagraph: { right: 1, of: 1 } });
    // A first paragraph that goes on to repeat the lead's words is still the first paragraph.
    const [first, ...rest] = ours.body.paragraphs;
    const repeating = { ...ours, body: { paragraphs: [`${first} ${ours.lead}`, ...rest], text: ours.body.text } };
    expect(compareVietnamese(repeating, tuoitre, null).fields.firstParagraph).toEqual({ right: 1, of: 1 });
  });

  it('checks the dateline only on a page that has one, and wants it as its own field', async () => {
    expect(tuoitre.dateline).toBeNull();
    expect(compareVietnamese(await newsIngestFields(readPage(tuoitre), tuoitre.url), tuoitre, null).fields.dateline).toBeUndefined();
    const fields = await newsIngestFields(readPage(seed), seed.url);
    expect(compareVietnamese(fields, seed, null).fields.dateline).toEqual({ right: 1, of: 1 });
    expect(compareVietnamese({ ...fields, dateline: null }, seed, null).fields.dateline).toEqual({ right: 0, of: 1 });
  });

  it('scores body F1 as the bag-of-words overlap with a reference written apart from any extractor', async () => {
    const fields = await newsIngestFields(readPage(tuoitre), tuoitre.url);
    const body = (paragraphs: string[]) => compareVietnamese({ ...fields, bodyParagraphs: paragraphs }, tuoitre, ['Đà Nẵng mưa to,', 'đường ngập sâu.']).bodyF1;
    // 6 tokens got, 7 wanted, 5 shared: precision 5/6, recall 5/7, F1 = 10/13.
    expect(body(['Đà Nẵng mưa lớn', 'Đường ngập'])).toBeCloseTo(10 / 13, 10);
    expect(body(['đà nẵng MƯA TO', 'đường ngập sâu'])).toBe(1);
    expect(body(['unrelated words only'])).toBe(0);
  });
});

describe('the Vietnamese peers table', () => {
  const withAdapter = corpus.find((want) => want.file.startsWith('vi/') && findAdapter(want.url) !== null)!;
  const withoutAdapter = corpus.find((want) => want.file.startsWith('vi/') && findAdapter(want.url) === null)!;

  it('counts seed pages apart and splits saved pages by whether an adapter serves their site', async () => {
    const contender: Contender = { name: 'news-ingest', vietnamese: newsIngestFields };
    const result = await evaluateVietnamesePeer(contender, [seed, withAdapter, withoutAdapter]);
    expect(result.failures).toEqual([]);
    expect([result.groups.seed.pages, result.groups.saved.pages, result.groups.adapter.pages, result.groups.noAdapter.pages]).toEqual([1, 2, 1, 1]);
    // seed: the 10 fields written for it, with 5 captioned images
    expect(result.groups.seed.all.of).toBe(9 + 5);
    // of which category, dateline and the 5 images are fields the peers do not have
    expect(result.groups.seed.common.of).toBe(9 + 5 - 7);
    expect(result.groups.seed.bodyF1).toBe(1);
    expect(result.groups.saved.bodyF1).toBeNull();
  });

  it('scores a page on which an extractor throws as wrong in every field it is checked in, and names the failure', async () => {
    const contender: Contender = {
      name: 'broken',
      vietnamese: async () => {
        throw new Error('no article here');
      },
    };
    const result = await evaluateVietnamesePeer(contender, [withoutAdapter]);
    expect(result.failures).toEqual([`${withoutAdapter.file}: Error: no article here`]);
    expect(result.groups.saved.all.of).toBeGreaterThan(0);
    expect(result.groups.saved.all.right).toBe(0);
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

  it("refuses article-extractor's fetch (Node's fetch) before it connects", async () => {
    await expect(forbidNetwork(() => articleExtractorFetch(`${server.url}/extractus`))).rejects.toBeInstanceOf(NetworkAttemptError);
    expect(server.hits('/extractus')).toHaveLength(0);
  });

  it('refuses an empty page to Postlight, which would otherwise fetch the URL', async () => {
    await expect(postlightFields('', `${server.url}/empty`)).rejects.toThrow(/empty page/);
    expect(server.hits('/empty')).toHaveLength(0);
  });
});
