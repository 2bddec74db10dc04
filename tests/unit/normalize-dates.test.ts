import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { ArticleSchema } from '../../lib/schema/article.ts';
import { formatPublished, parseNewsDate, toPublishedAt } from '../../lib/normalize/dates.ts';

const publishedAtPattern = ArticleSchema.shape.publishedAt.def.innerType;
const publishedAtUtcPattern = ArticleSchema.shape.publishedAtUtc.def.innerType;

/** Every date form the Vietnamese sites print, with the instant it denotes as printed by the site. */
const FORMS: [text: string, publishedAt: string, publishedAtUtc: string][] = [
  ['19:14, 18/10/2024 (GMT+7)', '2024-10-18T19:14:00+07:00', '2024-10-18T12:14:00.000Z'],
  ['Thứ bảy, 7/3/2026, 00:05 (GMT+7)', '2026-03-07T00:05:00+07:00', '2026-03-06T17:05:00.000Z'],
  ['07/03/2026 08:01 GMT+7', '2026-03-07T08:01:00+07:00', '2026-03-07T01:01:00.000Z'],
  ['Thứ bảy, 07/03/2026 - 08:07', '2026-03-07T08:07:00+07:00', '2026-03-07T01:07:00.000Z'],
  ['05/09/2026 - 22:17', '2026-09-05T22:17:00+07:00', '2026-09-05T15:17:00.000Z'],
  ['14/08/2026 19:26', '2026-08-14T19:26:00+07:00', '2026-08-14T12:26:00.000Z'],
  ['15-01-2024 13:04', '2024-01-15T13:04:00+07:00', '2024-01-15T06:04:00.000Z'],
  ['08/01/2026 - 18:21', '2026-01-08T18:21:00+07:00', '2026-01-08T11:21:00.000Z'],
  ['2026-03-07T08:52:11.000 +07:00', '2026-03-07T08:52:11+07:00', '2026-03-07T01:52:11.000Z'],
  ['2026-03-07 08:07', '2026-03-07T08:07:00+07:00', '2026-03-07T01:07:00.000Z'],
  ['Sat, 05 Sep 2026 22:17:01 +0700', '2026-09-05T22:17:01+07:00', '2026-09-05T15:17:01.000Z'],
  ['Sat, 05 Sep 2026 22:17:01 GMT+7', '2026-09-05T22:17:01+07:00', '2026-09-05T15:17:01.000Z'],
  ['Sat, 05 Sep 2026 15:17:01 GMT', '2026-09-05T15:17:01Z', '2026-09-05T15:17:01.000Z'],
  ['Sat, 5 Sep 2026 22:17:01 -0700', '2026-09-05T22:17:01-07:00', '2026-09-06T05:17:01.000Z'],
  ['2026-03-07T08:52:11+07:00', '2026-03-07T08:52:11+07:00', '2026-03-07T01:52:11.000Z'],
  ['2026-03-07T08:52:11+0700', '2026-03-07T08:52:11+07:00', '2026-03-07T01:52:11.000Z'],
  ['2026-03-07T01:52:11Z', '2026-03-07T01:52:11Z', '2026-03-07T01:52:11.000Z'],
  ['2026-03-07T01:52:11.250Z', '2026-03-07T01:52:11.250Z', '2026-03-07T01:52:11.250Z'],
  ['2026-03-07T08:52:11', '2026-03-07T08:52:11+07:00', '2026-03-07T01:52:11.000Z'],
  ['Thứ Bảy, 07/03/2026 - 08:07', '2026-03-07T08:07:00+07:00', '2026-03-07T01:07:00.000Z'],
  ['Chủ Nhật, 08/03/2026 - 08:07', '2026-03-08T08:07:00+07:00', '2026-03-08T01:07:00.000Z'],
  ['Chủ nhật, 8/3/2026, 08:07 (GMT+7)', '2026-03-08T08:07:00+07:00', '2026-03-08T01:07:00.000Z'],
  ['THỨ BẢY, 07/03/2026 08:07', '2026-03-07T08:07:00+07:00', '2026-03-07T01:07:00.000Z'],
  ['Thứ 7, 7/3/2026 00:05', '2026-03-07T00:05:00+07:00', '2026-03-06T17:05:00.000Z'],
  ['September 5, 2026 10:17 PM', '2026-09-05T22:17:00+07:00', '2026-09-05T15:17:00.000Z'],
  ['7 tháng 3 năm 2026 lúc 08:07', '2026-03-07T08:07:00+07:00', '2026-03-07T01:07:00.000Z'],
];

describe('parseNewsDate', () => {
  it.each(FORMS)('reads %j', (text, publishedAt, publishedAtUtc) => {
    const parsed = parseNewsDate(text);
    expect(parsed).not.toBeNull();
    expect(formatPublished(parsed as DateTime)).toEqual({ publishedAt, publishedAtUtc });
  });

  it.each(FORMS)('reads %j when the text is NFD and padded with NBSP', (text, publishedAt) => {
    expect(toPublishedAt(`\u00A0${text.normalize('NFD')}\u00A0`)).toBe(publishedAt);
  });

  it('reads the US-style meta month first only when allowed', () => {
    expect(toPublishedAt('9/5/2026 10:17:01 PM', { allowUsStyle: true })).toBe('2026-09-05T22:17:01+07:00');
    expect(toPublishedAt('10/5/2026 3:42:00 PM', { allowUsStyle: true })).toBe('2026-10-05T15:42:00+07:00');
    expect(toPublishedAt('10/5/2026 12:05:00 AM', { allowUsStyle: true })).toBe('2026-10-05T00:05:00+07:00');
    expect(parseNewsDate('9/5/2026 10:17:01 PM')).toBeNull();
    expect(parseNewsDate('10/5/2026 3:42:00 PM', { allowUsStyle: false })).toBeNull();
  });

  it('keeps day-first for 24-hour text even when US style is allowed', () => {
    expect(toPublishedAt('05/09/2026 - 22:17', { allowUsStyle: true })).toBe('2026-09-05T22:17:00+07:00');
  });

  it('reads a date without a time as midnight only when allowed', () => {
    expect(parseNewsDate('2024-04-24')).toBeNull();
    expect(toPublishedAt('2024-04-24', { allowDateOnly: true })).toBe('2024-04-24T00:00:00+07:00');
    expect(toPublishedAt('24/04/2024', { allowDateOnly: true, zone: 'Europe/Berlin' })).toBe('2024-04-24T00:00:00+02:00');
    expect(toPublishedAt('hôm qua', { allowDateOnly: true })).toBeNull();
    expect(toPublishedAt('31/02/2024', { allowDateOnly: true })).toBeNull();
  });

  it('reads text without an offset in the given zone', () => {
    expect(toPublishedAt('14/08/2026 19:26', { zone: 'Europe/Paris' })).toBe('2026-08-14T19:26:00+02:00');
    expect(toPublishedAt('14/01/2026 19:26', { zone: 'Europe/Paris' })).toBe('2026-01-14T19:26:00+01:00');
    expect(toPublishedAt('2026-01-14T19:26:00+07:00', { zone: 'Europe/Paris' })).toBe('2026-01-14T19:26:00+07:00');
  });

  it.each([
    [''],
    ['   '],
    ['hôm qua'],
    ['2 giờ trước'],
    ['32/13/2024 25:00'],
    ['31/02/2026 10:00'],
    ['18/10/2024 24:00'],
    ['18/10/2024 19:60'],
    ['18/10/2024'],
    ['2026-03-07'],
    ['19:14'],
    ['Thứ hai, 07/03/2026 - 08:07'],
    ['Sun, 05 Sep 2026 22:17:01 +0700'],
    ['18/10/2024 19:14 GMT+15'],
    ['18/10/2024 19:14 +2500'],
    ['18/10/2024 19:14 (GMT+7) Đà Nẵng'],
    ['Cập nhật 18/10/2024 19:14'],
    ['18/10/2024 19:14 18/10/2024'],
    ['18/10/24 19:14'],
    ['13:45 PM 18/10/2024'],
    ['Thai 7/3/2026 00:05'],
    ['Month 5 2026 10:00'],
    ['2026-03-08T02:30:00'],
  ])('returns null for %j', (text) => {
    expect(parseNewsDate(text, { zone: text.startsWith('2026-03-08T02:30') ? 'America/New_York' : undefined })).toBeNull();
  });

  it('returns null for an unknown zone instead of throwing', () => {
    expect(parseNewsDate('14/08/2026 19:26', { zone: 'Nowhere/Atlantis' })).toBeNull();
  });

  it('never throws on arbitrary strings', () => {
    for (const junk of ['\u0000', '((((', '+0700', 'GMT+7', '99999999999999999999:99', '1/1/1 1:1', 'T7'.repeat(100)]) {
      expect(() => parseNewsDate(junk)).not.toThrow();
      expect(parseNewsDate(junk)).toBeNull();
    }
  });
});

describe('formatPublished', () => {
  it('gives values the Article schema accepts', () => {
    for (const [text] of FORMS) {
      const { publishedAt, publishedAtUtc } = formatPublished(parseNewsDate(text) as DateTime);
      expect(publishedAtPattern.safeParse(publishedAt).success).toBe(true);
      expect(publishedAtUtcPattern.safeParse(publishedAtUtc).success).toBe(true);
    }
  });

  it('keeps milliseconds when there are some', () => {
    expect(formatPublished(DateTime.fromISO('2026-03-07T08:52:11.123456+07:00', { setZone: true }))).toEqual({
      publishedAt: '2026-03-07T08:52:11.123+07:00',
      publishedAtUtc: '2026-03-07T01:52:11.123Z',
    });
  });

  it('refuses an invalid DateTime with a clear error', () => {
    expect(() => formatPublished(DateTime.invalid('broken'))).toThrow(/formatPublished: not a printable date/);
  });
});
