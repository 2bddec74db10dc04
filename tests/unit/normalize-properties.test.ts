import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dedupeAuthors, naturalCase, parseByline } from '../../lib/normalize/byline.ts';
import { isPlaceholderImage, splitCaption } from '../../lib/normalize/caption.ts';
import { parseNewsDate } from '../../lib/normalize/dates.ts';
import { splitDateline } from '../../lib/normalize/dateline.ts';
import { cleanText } from '../../lib/normalize/text.ts';
import { countWords } from '../../lib/normalize/words.ts';

/** Strings made of the pieces the normalizers look for, so the properties reach their branches. */
const newsish = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 6 }),
      fc.constantFrom(
        'Ảnh:', 'Ảnh', 'Tin, ảnh:', '(', ')', ' - ', '–', ',', ' và ', '&', 'Theo', 'PV', 'TTO', '(Dân trí)', 'NGỌC PHÚ',
        'H.Y.T.', 'cung cấp', '18/10/2024', '19:14', 'GMT+7', '+0700', 'Thứ bảy', 'PM', '&amp;', '&#226;', '\u00A0',
        '\u200B', 'e\u0302\u0301', ' ', '.', 'Reuters',
      ),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

const isNfc = (s: string): boolean => s.normalize('NFC') === s;

describe('normalizers on arbitrary strings', () => {
  it('never throw and always return NFC', () => {
    fc.assert(
      fc.property(newsish, (s) => {
        const { caption, credit } = splitCaption(s);
        for (const out of [caption, credit]) if (out !== null) expect(isNfc(out)).toBe(true);
        for (const author of parseByline(s)) {
          expect(author.name.length).toBeGreaterThan(0);
          expect(isNfc(author.name) && isNfc(author.raw)).toBe(true);
        }
        const split = splitDateline(s);
        expect(isNfc(split.lead)).toBe(true);
        expect(isNfc(naturalCase(s))).toBe(true);
        parseNewsDate(s);
        parseNewsDate(s, { allowUsStyle: true, allowDateOnly: true });
        isPlaceholderImage(s);
        // Words never span whitespace: two texts joined by a space count as the sum, never more than the tokens.
        expect(countWords(`${s} ${s}`)).toBe(2 * countWords(s));
        expect(countWords(s)).toBeLessThanOrEqual(s.split(/\s+/).length);
      }),
      { numRuns: 2000 },
    );
  });

  it('splitDateline leaves a clean lead that a second pass changes only by taking one more dateline off its start', () => {
    fc.assert(
      fc.property(newsish, (s) => {
        const first = splitDateline(s);
        expect(cleanText(first.lead)).toBe(first.lead);
        // Nothing found: the text is only cleaned, and splitting again finds nothing either.
        if (first.dateline === null) {
          expect(first.lead).toBe(cleanText(s));
          expect(splitDateline(first.lead)).toEqual(first);
        }
        // Found or not, a second pass never rewrites the lead: it is the same, or a strictly shorter tail of it.
        const second = splitDateline(first.lead);
        if (second.dateline === null) expect(second.lead).toBe(first.lead);
        else expect(second.lead.length < first.lead.length && first.lead.endsWith(second.lead)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('are idempotent where a second pass has nothing left to do', () => {
    fc.assert(
      fc.property(newsish, (s) => {
        const authors = parseByline(s);
        expect(dedupeAuthors(authors)).toEqual(authors);
        expect(naturalCase(naturalCase(s))).toBe(naturalCase(s));
        expect(cleanText(cleanText(s))).toBe(cleanText(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('handle very long input', () => {
    const long = `${'Ảnh: NGỌC PHÚ - '.repeat(5000)}(Dân trí) ${'18/10/2024 19:14 '.repeat(2000)}`;
    expect(() => [splitCaption(long), parseByline(long), splitDateline(long), parseNewsDate(long)]).not.toThrow();
  });
});
