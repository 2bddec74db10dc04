import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanText, collapseWhitespace, comparableForm, comparableFormExceeds, decodeEntities, hanKanaHangulCount, isWhitespace, lettersAndDigits, stripDiacritics, toNfc, vietnameseSlug } from '../../lib/normalize/text.ts';
import { countWords } from '../../lib/normalize/words.ts';

describe('decodeEntities', () => {
  it('decodes numeric entities inside words, as the baodanang JSON-LD carries them', () => {
    expect(decodeEntities('Ng&#432;&#7901;i d&#226;n')).toBe('Người dân');
  });

  it('decodes double-encoded entities (VietNamNet RSS titles)', () => {
    expect(decodeEntities('Hà Nội&amp;apos;s plan')).toBe("Hà Nội's plan");
    expect(decodeEntities('d&amp;#226;n')).toBe('dân');
  });

  it('stops after three rounds', () => {
    expect(decodeEntities('&amp;amp;amp;lt;')).toBe('&lt;');
  });

  it('leaves ampersands that are not entities alone', () => {
    expect(decodeEntities('AT&T, R&D; a&copy=1 & more')).toBe('AT&T, R&D; a&copy=1 & more');
  });
});

describe('cleanText', () => {
  it('turns NFD into NFC', () => {
    const nfd = 'Thành phố Đà Nẵng'.normalize('NFD');
    expect(nfd).not.toBe('Thành phố Đà Nẵng');
    expect(cleanText(nfd)).toBe('Thành phố Đà Nẵng');
  });

  it('removes zero-width characters and soft hyphens, turns NBSP into spaces, collapses and trims', () => {
    expect(cleanText('\uFEFF  Đà\u200B Nẵng\u00A0\u00A0 mưa\n\t lớn\u00AD \u3000')).toBe('Đà Nẵng mưa lớn');
    expect(cleanText('Chiều&nbsp;18-10')).toBe('Chiều 18-10');
  });

  it('keeps ZWNJ, which Persian needs', () => {
    expect(cleanText('می\u200Cخواهم')).toBe('می\u200Cخواهم');
  });

  it('does not let a removed invisible character join an entity on a second pass', () => {
    expect(cleanText('&\u200Blt;')).toBe('<');
    expect(cleanText(cleanText('&\u200Blt;'))).toBe('<');
  });

  it('is idempotent and returns NFC', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const once = cleanText(s);
        expect(cleanText(once)).toBe(once);
        expect(once.normalize('NFC')).toBe(once);
      }),
    );
    fc.assert(
      fc.property(
        // At most four parts: text encoded four times over is the documented exception.
        fc.array(fc.constantFrom('a', 'ệ', '&', 'amp;', '#226;', 'lt;', ' ', '\u00A0', '\u200B', 'e\u0302\u0323'), {
          maxLength: 4,
        }),
        (parts) => {
          const once = cleanText(parts.join(''));
          expect(cleanText(once)).toBe(once);
        },
      ),
    );
  });
});

/** Code units that exercise the scans: spaces of every kind, letters in and out of Latin-1, marks, digits, lone and paired surrogates. */
const TRICKY_UNITS = [' ', '  ', '\t', '\n', '\u00A0', '\u2009', '\u3000', '\u2028', '\uFEFF', 'a', 'Z', 'ệ', 'Đ', '\u0301', '7', '٣', '-', '…', '日', '\uD83D', '\uDE00', '\uD840\uDC0B', '\uD835\uDC00'];
const trickyText = fc.array(fc.constantFrom(...TRICKY_UNITS), { maxLength: 12 }).map((parts) => parts.join(''));

describe('the scans that stand in for regular expressions', () => {
  it('isWhitespace agrees with \\s on every UTF-16 code unit', () => {
    for (let code = 0; code <= 0xffff; code += 1) expect(isWhitespace(code)).toBe(/\s/.test(String.fromCharCode(code)));
  });

  it('comparableFormExceeds never counts more than the comparable form holds: every code point, alone and decomposed', () => {
    // NFD of a composite is what NFC joins back: a letter counted on both sides of such a join would be counted twice.
    const comparableLength = (text: string): number => comparableForm(text).length;
    let overcounted = 0;
    for (let codePoint = 0; codePoint <= 0x10ffff; codePoint += 1) {
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
      const character = String.fromCodePoint(codePoint);
      for (const text of [character, character.normalize('NFD')]) if (comparableFormExceeds(text, comparableLength(text))) overcounted += 1;
    }
    expect(overcounted).toBe(0);
    expect(comparableFormExceeds('Người dân Đà Nẵng', 13)).toBe(true);
    expect(comparableFormExceeds('Người dân Đà Nẵng', 14)).toBe(false);
  });

  it("collapseWhitespace gives text.replace(/\\s+/g, ' ').trim()", () => {
    for (const arbitrary of [trickyText, fc.string({ unit: 'binary' })]) {
      fc.assert(
        fc.property(arbitrary, (text) => {
          expect(collapseWhitespace(text)).toBe(text.replace(/\s+/g, ' ').trim());
        }),
        { numRuns: 2000 },
      );
    }
  });

  it("lettersAndDigits gives text.replace(/[^\\p{L}\\p{N}]+/gu, '')", () => {
    for (const arbitrary of [trickyText, fc.string({ unit: 'binary' })]) {
      fc.assert(
        fc.property(arbitrary, (text) => {
          expect(lettersAndDigits(text)).toBe(text.replace(/[^\p{L}\p{N}]+/gu, ''));
        }),
        { numRuns: 2000 },
      );
    }
    expect(lettersAndDigits('Đà Nẵng, 18-10 (TTO) – 𝐀🙂')).toBe('ĐàNẵng1810TTO𝐀');
  });

  it('hanKanaHangulCount counts what /[\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}]/gu matches', () => {
    const matches = (text: string): number => text.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu)?.length ?? 0;
    for (let code = 0; code <= 0xffff; code += 1) expect(hanKanaHangulCount(String.fromCharCode(code))).toBe(matches(String.fromCharCode(code)));
    const withScripts = fc.array(fc.constantFrom(...TRICKY_UNITS, 'ア', 'ひ', '한', 'ᄀ', '〆', '\uD869\uDEDF', '\uD83C\uDE00'), { maxLength: 12 }).map((parts) => parts.join(''));
    for (const arbitrary of [withScripts, fc.string({ unit: 'binary' })]) {
      fc.assert(
        fc.property(arbitrary, (text) => {
          expect(hanKanaHangulCount(text)).toBe(matches(text));
        }),
        { numRuns: 2000 },
      );
    }
    expect(hanKanaHangulCount('東京タワーとソウル서울, 𠀋 ok')).toBe(11);
  });
});

describe('toNfc', () => {
  it('composes combining tone marks', () => {
    expect(toNfc('Nguye\u0302\u0303n')).toBe('Nguyễn');
  });
});

describe('stripDiacritics and vietnameseSlug', () => {
  it('maps Đ to D and đ to d explicitly, keeping case', () => {
    expect(stripDiacritics('Đà Nẵng, đường Điện Biên Phủ')).toBe('Da Nang, duong Dien Bien Phu');
  });

  it('works on NFD input', () => {
    expect(stripDiacritics('Đà Nẵng'.normalize('NFD'))).toBe('Da Nang');
  });

  it('makes a lower-case hyphenated slug', () => {
    expect(vietnameseSlug('  Đà Nẵng: mưa lớn, ngập sâu!  ')).toBe('da-nang-mua-lon-ngap-sau');
    expect(vietnameseSlug('Chủ tịch Đỗ Văn Đức'.normalize('NFD'))).toBe('chu-tich-do-van-duc');
    expect(vietnameseSlug('!!!')).toBe('');
  });
});

describe('countWords', () => {
  it('counts Vietnamese syllables separated by whitespace', () => {
    expect(countWords('Chiều 18-10, Bí thư Thành ủy Đà Nẵng')).toBe(8);
  });

  it('ignores tokens with no letter or digit', () => {
    expect(countWords(' – Ảnh : … 2024 ')).toBe(2);
    expect(countWords('')).toBe(0);
    expect(countWords(' \n\t ')).toBe(0);
  });

  it('counts NFD text the same as NFC text', () => {
    const text = 'Người dân Đà Nẵng';
    expect(countWords(text.normalize('NFD'))).toBe(countWords(text));
  });
});
