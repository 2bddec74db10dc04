import iconv from 'iconv-lite';

/** The tone marks windows-1258 keeps as combining characters. */
const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/;

/**
 * Vietnamese as windows-1258 writes it: letters with circumflex, breve or horn precomposed, tone marks as
 * separate combining characters (the code page has no precomposed toned vowels beyond a few).
 */
export function encodeWindows1258(text: string): Buffer {
  const decomposed = text.normalize('NFD').replace(/(\P{M})(\p{M}+)/gu, (_match, base: string, marks: string) => {
    const all = [...marks];
    return (base + all.filter((mark) => !TONE_MARKS.test(mark)).join('')).normalize('NFC') + all.filter((mark) => TONE_MARKS.test(mark)).join('');
  });
  const bytes = iconv.encode(decomposed, 'windows-1258');
  if (iconv.decode(bytes, 'windows-1258').normalize('NFC') !== text.normalize('NFC')) {
    throw new Error('text has characters windows-1258 cannot represent');
  }
  return bytes;
}
