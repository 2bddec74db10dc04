import fc from 'fast-check';
import { encodeHTML } from 'entities';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseByline } from '../../lib/normalize/byline.ts';
import { splitCaption } from '../../lib/normalize/caption.ts';
import { splitDateline } from '../../lib/normalize/dateline.ts';
import { formatPublished, formatPublishedAt, parseNewsDate, toPublishedAt } from '../../lib/normalize/dates.ts';
import { cleanText, comparableFormExceeds, decodeEntities, lettersAndDigits } from '../../lib/normalize/text.ts';

/**
 * Properties of the normalizers over arbitrary and adversarial text: they never throw, their output is
 * clean NFC, and cleaning is idempotent. numRuns is bounded so the suite stays fast.
 */

const RUNS = { numRuns: 300 };

/** Pieces that make text hard: Vietnamese in both forms, entities, odd spaces, invisibles, credit and dateline markers. */
const TRICKY_PIECES = [
  'Đà Nẵng',
  'Đà Nẵng'.normalize('NFD'),
  'Nguyễn Đình Vĩnh',
  'NGỌC PHÚ',
  'Ảnh: ',
  'Tin, ảnh: ',
  '(Dân trí) - ',
  'ĐNO - ',
  'TTO - ',
  ' - ',
  ' và ',
  ', ',
  '&amp;',
  '&amp;amp;',
  '&lt;',
  '&#7889;',
  '&#x1EA1;',
  '&nbsp;',
  '&',
  ';',
  '\u00A0',
  '\u3000',
  '\u200B',
  '\uFEFF',
  '\u00AD',
  '\n',
  '\t',
  '  ',
  '18/10/2024 19:14',
  '2024-10-18T19:14:00+07:00',
  'Thứ Sáu, 18/10/2024, 19:14 (GMT+7)',
  '(tổng hợp)',
  'Theo TTXVN',
  '\u0301',
  '\u0323',
  'AT&T',
];

const trickyText = fc.array(fc.oneof(fc.constantFrom(...TRICKY_PIECES), fc.string({ maxLength: 6 })), { maxLength: 12 }).map((parts) => parts.join(''));
/** Any code points at all, lone combining marks and control characters included. */
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 40 }), trickyText);

function isNfc(text: string): boolean {
  return text === text.normalize('NFC');
}

function expectClean(text: string): void {
  expect(isNfc(text)).toBe(true);
  expect(text).toBe(text.trim());
  expect(text).not.toMatch(/\s{2}|[\u200B\uFEFF\u00AD\u2060]/);
}

describe('cleanText', () => {
  it('never throws, and gives trimmed NFC text with single spaces and no invisible characters', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expectClean(cleanText(text));
      }),
      RUNS,
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(trickyText, (text) => {
        const once = cleanText(text);
        expect(cleanText(once)).toBe(once);
      }),
      RUNS,
    );
  });

  it('is idempotent on any text whose entities are nested at most three deep', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.integer({ min: 0, max: 3 }), (text, depth) => {
        let encoded = text;
        for (let round = 0; round < depth; round++) encoded = encodeHTML(encoded);
        const once = cleanText(encoded);
        expect(cleanText(once)).toBe(once);
        expect(once).toBe(cleanText(text));
      }),
      RUNS,
    );
  });
});

describe('decodeEntities', () => {
  it('never throws, and undoes one to three rounds of HTML encoding', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }).filter((text) => !text.includes('&')), fc.integer({ min: 1, max: 3 }), (text, depth) => {
        let encoded = text;
        for (let round = 0; round < depth; round++) encoded = encodeHTML(encoded);
        expect(decodeEntities(encoded)).toBe(text);
      }),
      RUNS,
    );
  });

  it('never throws on anything', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(typeof decodeEntities(text)).toBe('string');
      }),
      RUNS,
    );
  });
});

describe('parseNewsDate', () => {
  it('never throws; a date it returns is valid and printable', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const parsed = parseNewsDate(text);
        if (parsed === null) return;
        expect(parsed.isValid).toBe(true);
        expect(formatPublished(parsed).publishedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
      }),
      RUNS,
    );
  });

  it('reads back what it printed: ISO with offset and the Vietnamese day-first form, to the minute', () => {
    const minutes = fc.integer({ min: Date.UTC(1990, 0, 1) / 60_000, max: Date.UTC(2090, 0, 1) / 60_000 });
    fc.assert(
      fc.property(minutes, (minute) => {
        const local = DateTime.fromMillis(minute * 60_000, { zone: 'Asia/Ho_Chi_Minh' });
        const printed = formatPublished(local).publishedAt;
        expect(parseNewsDate(printed)?.toMillis()).toBe(local.toMillis());
        expect(formatPublished(parseNewsDate(printed)!).publishedAt).toBe(printed);
        expect(parseNewsDate(local.toFormat('dd/MM/yyyy HH:mm'))?.toMillis()).toBe(local.toMillis());
      }),
      RUNS,
    );
  });
});

describe('toPublishedAt', () => {
  const two = (value: number): string => String(value).padStart(2, '0');
  const offset = fc.oneof(
    fc.constantFrom('', 'Z', ' GMT+7', ' (GMT+7)', '-00:00', ' UTC'),
    fc.record({ sign: fc.constantFrom('+', '-'), hours: fc.integer({ min: 0, max: 15 }), minutes: fc.constantFrom(0, 30, 45, 59, 60) }).map(({ sign, hours, minutes }) => `${sign}${two(hours)}:${two(minutes)}`),
  );
  // Around every edge luxon checks: months 0 and 13, day 0 and the 29th to 32nd, hour 24, minutes and seconds 60, weekdays that may not match.
  const dateLike = fc
    .record({
      year: fc.integer({ min: 1895, max: 2105 }),
      month: fc.integer({ min: 0, max: 13 }),
      day: fc.integer({ min: 0, max: 32 }),
      hour: fc.integer({ min: 0, max: 24 }),
      minute: fc.integer({ min: 0, max: 61 }),
      second: fc.integer({ min: 0, max: 61 }),
      fraction: fc.constantFrom('', '.000', '.5', '.123456'),
      offset,
      weekday: fc.constantFrom('', 'Thứ bảy, ', 'Chủ nhật, ', 'Mon, ', 'Wed, '),
      dayFirst: fc.boolean(),
    })
    .map(({ year, month, day, hour, minute, second, fraction, offset, weekday, dayFirst }) =>
      dayFirst
        ? `${weekday}${two(hour)}:${two(minute)}, ${two(day)}/${two(month)}/${year}${offset}`
        : `${weekday}${year}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(second)}${fraction}${offset}`,
    );

  it('prints what formatPublishedAt prints of parseNewsDate, and null where that is null', () => {
    fc.assert(
      fc.property(fc.oneof(dateLike, anyText), fc.constantFrom(undefined, 'Asia/Ho_Chi_Minh', 'Europe/Berlin'), (text, zone) => {
        const parsed = parseNewsDate(text, { zone });
        expect(toPublishedAt(text, { zone })).toBe(parsed === null ? null : formatPublishedAt(parsed));
      }),
      { numRuns: 3_000 },
    );
  });
});

describe('comparableFormExceeds', () => {
  it('is true only when the comparable form is longer', () => {
    fc.assert(
      fc.property(anyText, fc.nat(40), (text, length) => {
        if (comparableFormExceeds(text, length)) expect(lettersAndDigits(text.normalize('NFC').toLowerCase()).length).toBeGreaterThan(length);
      }),
      { numRuns: 3_000 },
    );
  });
});

describe('splitCaption, parseByline, splitDateline', () => {
  it('never throw and give clean NFC parts', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const { caption, credit } = splitCaption(text);
        for (const part of [caption, credit]) if (part !== null) expectClean(part);

        for (const author of parseByline(text)) {
          expect(author.name.length).toBeGreaterThan(0);
          expectClean(author.name);
          expectClean(author.raw);
        }

        const { dateline, lead } = splitDateline(text);
        expectClean(lead);
        if (dateline === null) expect(lead).toBe(cleanText(text));
        else expectClean(dateline);
      }),
      RUNS,
    );
  });

  it('give the same parts for text in either Unicode form', () => {
    fc.assert(
      fc.property(trickyText, (text) => {
        expect(splitCaption(text.normalize('NFD'))).toEqual(splitCaption(text.normalize('NFC')));
        expect(parseByline(text.normalize('NFD'))).toEqual(parseByline(text.normalize('NFC')));
        expect(splitDateline(text.normalize('NFD'))).toEqual(splitDateline(text.normalize('NFC')));
      }),
      RUNS,
    );
  });

  it('splitCaption is stable: its caption has no credit left to split off', () => {
    fc.assert(
      fc.property(trickyText, (text) => {
        const { caption } = splitCaption(text);
        if (caption === null) return;
        expect(splitCaption(caption).caption).toBe(caption);
      }),
      RUNS,
    );
  });
});
