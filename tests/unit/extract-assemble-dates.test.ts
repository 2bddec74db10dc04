import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { assembleArticle } from '../../lib/extract/assemble.ts';
import type { ExtractedFields } from '../../lib/extract/types.ts';

/**
 * assembleArticle reads the schema's date-times with Date.parse (lib/extract/assemble.ts, instantOf) and leaves
 * other forms and wall times that do not exist to luxon: the UTC time and the "not an update" test must be
 * luxon's answers, across offsets, day, month and year ends, leap days and milliseconds.
 */

function assembled(publishedAt: string, updatedAt: string | null = null) {
  const fields: ExtractedFields = {
    canonicalUrl: 'https://example.org/a/1', title: 'A title', category: null, tags: [], lead: null, dateline: null,
    publishedAt, updatedAt, authors: [], paragraphs: ['One paragraph of text.'], images: [], language: 'en',
  };
  return assembleArticle({
    fields, url: 'https://example.org/a/1', source: { id: 'example', name: 'Example', domain: 'example.org' }, feed: null,
    fetchedAt: new Date('2026-01-01T00:00:00.000Z'), extractor: { name: 'generic', version: '1' },
  });
}

const OFFSETS = ['Z', '+07:00', '-05:30', '+14:00', '-12:00', '+00:00', '-00:00', '+05:45'];
const WALL_TIMES = [
  '2024-02-29T23:30:00', '2025-03-01T00:00:00', '2025-12-31T23:59:59.999', '2026-01-01T00:00:00.001', '1999-12-31T19:00:00',
  '2025-07-15T12:34:56', '2025-10-26T02:30:00', '1000-01-01T00:00:00', '9999-12-30T12:00:00',
];

describe('dates of an assembled article', () => {
  it.each(WALL_TIMES.flatMap((wall) => OFFSETS.map((offset) => `${wall}${offset}`)))('%s in UTC as luxon gives it', (publishedAt) => {
    expect(assembled(publishedAt).publishedAtUtc).toBe(DateTime.fromISO(publishedAt, { setZone: true }).toUTC().toISO());
  });

  it('drops an update time naming the publish instant in another offset, keeps one a millisecond later', () => {
    expect(assembled('2025-03-07T08:15:00+07:00', '2025-03-07T01:15:00Z').updatedAt).toBeNull();
    expect(assembled('2025-03-07T08:15:00+07:00', '2025-03-06T20:45:00-04:30').updatedAt).toBeNull();
    expect(assembled('2025-03-07T08:15:00+07:00', '2025-03-07T01:15:00.001Z').updatedAt).toBe('2025-03-07T01:15:00.001Z');
  });

  it('leaves wall times Date.parse would roll over to luxon: 24:00 is the next midnight, February 29 of 2025 no date', () => {
    expect(assembled('2025-04-30T24:00:00+07:00').publishedAtUtc).toBe('2025-04-30T17:00:00.000Z');
    expect(() => assembled('2025-02-29T10:00:00+07:00')).toThrow(/not an ISO date/);
    expect(() => assembled('2025-04-31T10:00:00Z')).toThrow(/not an ISO date/);
  });
});
