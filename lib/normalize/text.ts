import { decodeHTMLStrict } from 'entities/decode';

/**
 * Entity rounds: feeds and JSON-LD strings are sometimes encoded twice or three times
 * (`&amp;apos;`, `d&amp;#226;n`); more rounds would start eating text that is really about entities.
 */
const MAX_ENTITY_ROUNDS = 3;

/**
 * Invisible characters that only get in the way of matching and hashing. ZWNJ and ZWJ (U+200C, U+200D)
 * are kept on purpose: they change the rendering of Persian, Indic scripts and emoji sequences.
 */
const INVISIBLE = /[\u200B\u2060\uFEFF\u00AD\u180E]/g;

/**
 * Decodes HTML entities until the text stops changing (at most three rounds), so double-encoded strings
 * come out right. Only entities terminated by ";" are decoded, so "AT&T" and "a&copy=1" stay as they are.
 */
export function decodeEntities(s: string): string {
  return decodeRounds(s, (text) => text);
}

/** `afterEachRound` runs on the input and after every round, so its output is what the next round sees. */
function decodeRounds(s: string, afterEachRound: (text: string) => string): string {
  let current = afterEachRound(s);
  for (let round = 0; round < MAX_ENTITY_ROUNDS; round++) {
    if (!current.includes('&')) break;
    const decoded = afterEachRound(decodeHTMLStrict(current));
    if (decoded === current) break;
    current = decoded;
  }
  return current;
}

const removeInvisible = (text: string): string => text.replace(INVISIBLE, '');

/** Initials ending a name keep their final dot ("H.Y.T."). */
const ENDS_WITH_INITIALS = /(?:^|[\s.])(?:\p{L}{1,2}\.)+$/u;

/** A name or credit without trailing dots, which are punctuation unless they end initials ("H.Y.T." stays). */
export function withoutTrailingDots(text: string): string {
  return text.endsWith('.') && !ENDS_WITH_INITIALS.test(text) ? text.replace(/\.+$/, '') : text;
}

/** Unicode NFC: Vietnamese pages mix precomposed and combining tone marks, even within one page. */
export function toNfc(s: string): string {
  return s.normalize('NFC');
}

/**
 * Whether a UTF-16 code unit is whitespace as the regular expression `\s` (and `trim()`) sees it. Printable ASCII, most
 * of any text, is told apart by the first two comparisons.
 */
export function isWhitespace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
  );
}

/** A run of two or more whitespace characters, or a lone one other than a plain space: what collapsing rewrites. */
const WHITESPACE_TO_COLLAPSE = /\s{2,}|[^\S ]/g;

/**
 * `text.replace(/\s+/g, ' ').trim()`, rewriting only the runs that are not already one plain space (that expression
 * rebuilds the text at every space): over the texts a pass over the bench pages cleans, half its CPU time, and a
 * fifth less than a scan by hand building the result piece by piece.
 */
export function collapseWhitespace(text: string): string {
  return text.replace(WHITESPACE_TO_COLLAPSE, ' ').trim();
}

/**
 * One clean line of text: entities decoded, NFC, invisible characters removed, every run of whitespace
 * (NBSP, ideographic and other Unicode spaces, newlines) collapsed to one space, trimmed.
 * Idempotent for text encoded at most three times.
 */
export function cleanText(s: string): string {
  // Invisible characters go before each decoding round: "&\u200Blt;" must not turn into "<" on a second pass.
  return collapseWhitespace(toNfc(decodeRounds(s, removeInvisible)));
}

/** Fills a code unit's block of 256 in a per-code-unit table (1 `oneCharacter` matches it, 2 not, 0 not looked up yet). */
function fillCodeBlock(table: Uint8Array, code: number, oneCharacter: RegExp): void {
  const block = code & 0xff00;
  for (let other = block; other < block + 0x100; other += 1) table[other] = oneCharacter.test(String.fromCharCode(other)) ? 1 : 2;
}

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
/** Per UTF-16 code unit, whether it is a letter or digit (fillCodeBlock, 256 at a time, on first use). */
const LETTER_OR_DIGIT_BY_CODE = new Uint8Array(0x10000);

function isLetterOrDigitCode(code: number): boolean {
  if (LETTER_OR_DIGIT_BY_CODE[code] === 0) fillCodeBlock(LETTER_OR_DIGIT_BY_CODE, code, LETTER_OR_DIGIT);
  return LETTER_OR_DIGIT_BY_CODE[code] === 1;
}

/** Whether the character at `index` is a letter or digit (`/[\p{L}\p{N}]/u`), a surrogate pair read as one character. */
export function isLetterOrDigitAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
    const next = text.charCodeAt(index + 1);
    return next >= 0xdc00 && next <= 0xdfff && LETTER_OR_DIGIT.test(text.slice(index, index + 2));
  }
  return isLetterOrDigitCode(code);
}

/**
 * `text.replace(/[^\p{L}\p{N}]+/gu, '')`: the letters and digits alone, which texts are compared by. The
 * Unicode classes make that expression slow on text outside Latin-1; this looks each code unit up in a table
 * filled from the same classes (a surrogate pair goes to the expression): half the CPU time over the bench pages' texts.
 */
export function lettersAndDigits(text: string): string {
  let out = '';
  let runStart = -1;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    let keep: boolean;
    if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      keep = next >= 0xdc00 && next <= 0xdfff ? LETTER_OR_DIGIT.test(text.slice(index, index + 2)) : false;
      if (keep) {
        if (runStart < 0) runStart = index;
        index += 1;
        continue;
      }
    } else keep = isLetterOrDigitCode(code);
    if (keep) {
      if (runStart < 0) runStart = index;
    } else if (runStart >= 0) {
      out += text.slice(runStart, index);
      runStart = -1;
    }
  }
  return runStart >= 0 ? out + text.slice(runStart) : out;
}

const HAN_KANA_HANGUL = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]$/u;
/** Per UTF-16 code unit, whether it is Han, kana or Hangul (fillCodeBlock, 256 at a time, on first use). */
const HAN_KANA_HANGUL_BY_CODE = new Uint8Array(0x10000);

/**
 * How many Han, kana and Hangul characters a text holds: `text.match(/[\p{Script=Han}\p{Script=Hiragana}
 * \p{Script=Katakana}\p{Script=Hangul}]/gu)?.length ?? 0`, each code unit looked up in a table filled from the
 * same classes (a surrogate pair goes to the expression), and no array of matches built: the expression was an
 * eighth of the body scoring's time on Chinese, Japanese and Korean pages.
 */
export function hanKanaHangulCount(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        if (HAN_KANA_HANGUL.test(text.slice(index, index + 2))) count += 1;
        index += 1;
        continue;
      }
    }
    if (HAN_KANA_HANGUL_BY_CODE[code] === 0) fillCodeBlock(HAN_KANA_HANGUL_BY_CODE, code, HAN_KANA_HANGUL);
    if (HAN_KANA_HANGUL_BY_CODE[code] === 1) count += 1;
  }
  return count;
}

/**
 * The form texts are compared in: letters and digits only, NFC, lower case (spacing, punctuation and case aside). Vietnamese
 * has no casing rules of its own: toLowerCase gives what toLocaleLowerCase('vi') does, without building a locale per call.
 */
export function comparableForm(text: string): string {
  return lettersAndDigits(text.normalize('NFC').toLowerCase());
}

/**
 * Whether a UTF-16 code unit, when it is a letter or digit, always leaves a letter or digit of its own (never one
 * joined with another) in `comparableForm(text)`: Latin (Vietnamese included), Greek, Cyrillic and the
 * scripts up to U+10FF, kana, CJK ideographs, precomposed Hangul. Left out: Hangul jamo (NFC joins them into one
 * syllable), compatibility ideographs, supplementary planes. tests/unit/normalize-text.test.ts checks every code point.
 */
function keptOneApiece(code: number): boolean {
  return code < 0x1100 || (code >= 0x1e00 && code < 0x2000) || (code >= 0x3040 && code < 0x3100) || (code >= 0x4e00 && code < 0xa000) || (code >= 0xac00 && code < 0xd7a4);
}

/**
 * True when `comparableForm(text)` is surely longer
 * than `length`, told from `text` itself: it holds more than `length` letters or digits that the form keeps one
 * apiece. Reads no further than that. False when it cannot tell: then compare the forms themselves. A long
 * paragraph is so told apart from a short title without normalizing and lower-casing all of it.
 */
export function comparableFormExceeds(text: string, length: number): boolean {
  let kept = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (keptOneApiece(code) && isLetterOrDigitCode(code)) {
      kept += 1;
      if (kept > length) return true;
    }
  }
  return false;
}

/** The text without Vietnamese (or other Latin) diacritics, case kept: "Đà Nẵng" → "Da Nang". */
export function stripDiacritics(s: string): string {
  // Đ/đ (and the look-alike Ɖ/ɖ) are letters of their own, not D plus a mark, so NFD leaves them alone.
  return toNfc(s)
    .replace(/[ĐƉ]/g, 'D')
    .replace(/[đɖ]/g, 'd')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .normalize('NFC');
}

/** A URL/file-name slug: "Đà Nẵng: mưa lớn!" → "da-nang-mua-lon". Letters of other scripts are kept. */
export function vietnameseSlug(s: string): string {
  return stripDiacritics(cleanText(s))
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}
