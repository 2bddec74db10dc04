import iconv from 'iconv-lite';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { charsetFromContentType, decodeBody } from '../../lib/http/charset.ts';
import { encodeWindows1258 } from '../../lib/sample-site/windows-1258.ts';

/**
 * decodeBody decodes with Node's TextDecoder plus its own tables; iconv-lite (still a dependency of the
 * sample site) is the reference it must agree with on real Vietnamese text.
 */

/** A real article's text; the legacy code pages have no curly quotes or no-break space. */
const ARTICLE_TEXT = readFileSync(new URL('../fixtures/seed/baodanang-2024-10-18.txt', import.meta.url), 'utf8')
  .normalize('NFC')
  .replace(/[“”]/g, '"')
  .replace(/\u00a0/g, ' ');

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, byte) => byte));

describe('decodeBody: Vietnamese legacy code pages', () => {
  it.each(['viscii', 'VISCII', 'tcvn', 'TCVN5712-1', 'TCVN 5712:1993'])('decodes a whole article declared %s', (label) => {
    const bytes = iconv.encode(ARTICLE_TEXT, label);
    expect(iconv.decode(bytes, label)).toBe(ARTICLE_TEXT);
    const decoded = decodeBody(bytes, `text/html; charset=${label}`);
    expect(decoded.text).toBe(ARTICLE_TEXT);
    expect(decoded.charset).toBe(label.toLowerCase().startsWith('tcvn') ? 'tcvn' : 'viscii');
  });

  it.each(['viscii', 'tcvn'])('maps every byte of %s as iconv-lite does', (label) => {
    expect(decodeBody(ALL_BYTES, `text/plain; charset=${label}`).text).toBe(iconv.decode(ALL_BYTES, label).normalize('NFC'));
  });

  it.each(['windows-1258', 'cp1258', 'x-cp1258', 'WINDOWS1258', 'win1258'])('decodes a whole article declared %s', (label) => {
    const decoded = decodeBody(encodeWindows1258(ARTICLE_TEXT), `text/html; charset=${label}`);
    expect(decoded).toEqual({ text: ARTICLE_TEXT, charset: 'windows-1258' });
  });

  it('finds VISCII declared in the page itself', () => {
    const page = Buffer.concat([Buffer.from('<html><head><meta charset="viscii"></head><body>'), iconv.encode(ARTICLE_TEXT, 'viscii')]);
    expect(decodeBody(page, 'text/html')).toEqual({ text: `<html><head><meta charset="viscii"></head><body>${ARTICLE_TEXT}`, charset: 'viscii' });
  });
});

describe('decodeBody: Encoding Standard charsets', () => {
  // Node ≥ 20.18.3 / 22.13 decodes these labels as ISO-8859-1 (nodejs/node#60888); browsers and iconv-lite's cp1252 do not.
  it.each(['windows-1252', 'cp1252', 'iso-8859-1', 'latin1', 'us-ascii'])('reads %s as windows-1252, euro sign and curly quotes included', (label) => {
    const bytes = Buffer.from([0x80, 0x20, 0x93, 0x48, 0xe9, 0x94, 0x20, 0x96, 0x20, 0x85]);
    expect(decodeBody(bytes, `text/plain; charset=${label}`)).toEqual({ text: '€ “Hé” – …', charset: 'windows-1252' });
  });

  it.each(['windows-1252', 'windows-1258'])('maps every byte %s defines as iconv-lite does', (label) => {
    // Byte by byte: decodeBody's NFC would join a letter and the combining tone mark after it.
    const reference = iconv.decode(ALL_BYTES, label);
    const defined = [...reference].flatMap((char, byte) => (char === '\ufffd' ? [] : [byte]));
    expect(defined.length).toBeGreaterThan(240);
    for (const byte of defined) {
      expect([byte, decodeBody(Buffer.from([byte]), `text/plain; charset=${label}`).text]).toEqual([byte, reference[byte]]);
    }
  });

  it('accepts loose spellings of a supported charset and names it canonically', () => {
    expect(charsetFromContentType('text/html; charset=UTF_8')).toBe('utf-8');
    expect(charsetFromContentType('text/html; charset=utf8mb4')).toBe('utf-8');
    expect(charsetFromContentType('text/html; charset=Shift_JIS')).toBe('shift_jis');
    expect(charsetFromContentType('text/html; charset=no-such-charset')).toBeNull();
  });

  it('decodes UTF-16 without a byte-order mark and CJK charsets through TextDecoder', () => {
    const text = 'Thành phố Đà Nẵng 東京 서울';
    expect(decodeBody(Buffer.from(text, 'utf16le'), 'text/plain; charset=utf-16le').text).toBe(text);
    expect(decodeBody(iconv.encode('東京の天気', 'shift_jis'), 'text/plain; charset=shift_jis').text).toBe('東京の天気');
    expect(decodeBody(iconv.encode('서울 날씨', 'euc-kr'), 'text/plain; charset=euc-kr').text).toBe('서울 날씨');
    expect(decodeBody(iconv.encode('北京天气', 'gbk'), 'text/plain; charset=gb2312').text).toBe('北京天气');
  });
});
