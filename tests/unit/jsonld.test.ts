import { readFileSync } from 'node:fs';
import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { readJsonLdArticle, repairJson } from '../../lib/extract/jsonld.ts';

function page(...blocks: string[]): cheerio.CheerioAPI {
  const scripts = blocks.map((block) => `<script type="application/ld+json">${block}</script>`).join('\n');
  return cheerio.load(`<!doctype html><html><head>${scripts}</head><body><p>x</p></body></html>`, { xml: { xmlMode: false } });
}

function fixture(name: string): cheerio.CheerioAPI {
  const html = readFileSync(new URL(`../fixtures/generic/${name}.html`, import.meta.url), 'utf8');
  return cheerio.load(html, { xml: { xmlMode: false } });
}

describe('readJsonLdArticle', () => {
  it('decodes HTML entities left inside JSON strings (baodanang CMS) and normalizes to NFC', () => {
    const nfdHeadline = 'Đà Nẵng'.normalize('NFD');
    const article = readJsonLdArticle(
      page(
        JSON.stringify({
          '@type': 'NewsArticle',
          headline: `Ng&#224;y hội ${nfdHeadline} &amp;amp; b&#7841;n`,
          description: 'D&#226;n v&#224;o cu&#7897;c',
          datePublished: '2026-09-05T22:17:01+07:00',
          author: { '@type': 'Person', name: 'NG&#7884;C PH&#218;' },
        }),
      ),
    );
    expect(article?.headline).toBe('Ngày hội Đà Nẵng & bạn');
    expect(article?.headline).toBe(article?.headline?.normalize('NFC'));
    expect(article?.description).toBe('Dân vào cuộc');
    expect(article?.authors).toEqual(['NGỌC PHÚ']);
  });

  it('finds the article inside @graph beside WebPage, Organization and BreadcrumbList nodes', () => {
    const article = readJsonLdArticle(
      page(
        JSON.stringify({
          '@context': 'https://schema.org',
          '@graph': [
            { '@type': 'WebPage', name: 'Page name', datePublished: '2020-01-01T00:00:00Z' },
            { '@type': 'BreadcrumbList', itemListElement: [] },
            {
              '@type': ['NewsArticle'],
              headline: 'Graph headline',
              datePublished: '2025-02-02T20:07:46+01:00',
              author: [{ '@type': 'Person', name: 'A One' }, 'B Two', 'https://example.org/people/c'],
              keywords: 'alpha, beta,alpha',
              articleSection: ['Politics', 'World'],
              image: [{ '@type': 'ImageObject', url: 'https://example.org/a.jpg', caption: 'A caption' }, 'https://example.org/b.jpg'],
              mainEntityOfPage: { '@id': 'https://example.org/story' },
              publisher: { '@type': 'Organization', name: 'Example News' },
            },
          ],
        }),
      ),
    );
    expect(article).toMatchObject({
      type: 'NewsArticle',
      headline: 'Graph headline',
      datePublished: '2025-02-02T20:07:46+01:00',
      authors: ['A One', 'B Two'],
      keywords: ['alpha', 'beta'],
      section: 'Politics',
      images: [
        { url: 'https://example.org/a.jpg', caption: 'A caption' },
        { url: 'https://example.org/b.jpg', caption: null },
      ],
      url: 'https://example.org/story',
      publisherName: 'Example News',
    });
  });

  it('skips a block that cannot be parsed and still reads the others', () => {
    const article = readJsonLdArticle(
      page('{"@type": "NewsArticle", "headline": "broken" "datePublished": ', JSON.stringify({ '@type': 'Article', headline: 'The good block' })),
    );
    expect(article?.headline).toBe('The good block');
  });

  it('repairs trailing commas and raw newlines inside strings', () => {
    const article = readJsonLdArticle(page('{"@type": "NewsArticle", "headline": "Line one\nline two", "keywords": ["a", "b",],}'));
    expect(article?.headline).toBe('Line one line two');
    expect(article?.keywords).toEqual(['a', 'b']);
    expect(JSON.parse(repairJson('{"a": [1, 2,], }'))).toEqual({ a: [1, 2] });
  });

  it('reads an article nested as mainEntity of a WebPage, in a top-level array', () => {
    const article = readJsonLdArticle(
      page(JSON.stringify([{ '@type': 'WebPage', mainEntity: { '@type': 'ReportageNewsArticle', headline: 'Nested', inLanguage: 'de-DE' } }])),
    );
    expect(article).toMatchObject({ type: 'ReportageNewsArticle', headline: 'Nested', inLanguage: 'de-DE' });
  });

  it('prefers a complete article node over a bare stub of a better type', () => {
    const article = readJsonLdArticle(
      page(JSON.stringify({ '@type': 'NewsArticle', name: 'stub' }), JSON.stringify({ '@type': 'BlogPosting', headline: 'Full', datePublished: '2024-01-01T10:00:00Z' })),
    );
    expect(article?.headline).toBe('Full');
  });

  it('returns null when the page has no article JSON-LD', () => {
    expect(readJsonLdArticle(page(JSON.stringify({ '@type': 'Organization', name: 'X' })))).toBeNull();
    expect(readJsonLdArticle(page())).toBeNull();
  });

  it('reads real pages: Le Monde (NewsArticle beside a BreadcrumbList), a Yoast @graph with entities and @id references', () => {
    const leMonde = readJsonLdArticle(fixture('fr_LeMonde'));
    expect(leMonde?.headline).toBe('Sophie Binet met en garde Emmanuel Macron sur la « gravité de la situation dans le pays »');
    expect(leMonde?.datePublished).toBe('2023-08-30T14:52:08+02:00');
    const mexicoNewsDaily = readJsonLdArticle(fixture('mx_MexicoNewsDaily'));
    expect(mexicoNewsDaily).toMatchObject({
      type: 'Article',
      headline: 'Mexico to fight ‘illogical’ steel tariffs, citing trade surplus in US’s favor',
      authors: ['MND Staff'],
      datePublished: '2025-02-11T18:28:25+00:00',
      inLanguage: 'en-US',
    });
    expect(mexicoNewsDaily?.images[0]?.url).toMatch(/^https:\/\/mexiconewsdaily\.com\/wp-content\/uploads\//);
    // The publisher is an @id reference to the Organization node of the graph.
    expect(mexicoNewsDaily?.publisherName).toBe('Mexico News Daily');
  });

  it('a fact-check page whose only JSON-LD is a ClaimReview has no article node', () => {
    expect(readJsonLdArticle(fixture('de_AFPFaktencheck'))).toBeNull();
  });
});
