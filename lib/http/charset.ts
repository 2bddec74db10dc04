/** Declarations live near the top of a document; browsers look at the first 1024 bytes, some pages need more. */
const SNIFF_BYTES = 4096;

const BOMS: ReadonlyArray<{ bytes: number[]; charset: string }> = [
  { bytes: [0xef, 0xbb, 0xbf], charset: 'utf-8' },
  { bytes: [0xff, 0xfe], charset: 'utf-16le' },
  { bytes: [0xfe, 0xff], charset: 'utf-16be' },
];

/** A MySQL-ism some pages declare; the Encoding Standard does not know it. */
const LABEL_ALIASES: Record<string, string> = { utf8mb4: 'utf-8' };

interface Charset {
  name: string;
  decode(bytes: Uint8Array): string;
}

/** A single-byte code page as the character each byte 0x00–0xFF stands for (all in the BMP). */
function singleByteCharset(name: string, codePoints: Uint16Array): Charset {
  return {
    name,
    decode(bytes) {
      const units = new Uint16Array(bytes.length);
      for (let index = 0; index < bytes.length; index += 1) units[index] = codePoints[bytes[index]!]!;
      return Buffer.from(units.buffer, units.byteOffset, units.byteLength).toString('utf16le');
    },
  };
}

/** ASCII in 0x00–0x7F except the given bytes, then the 128 characters of 0x80–0xFF. */
function codePage(lowOverrides: Record<number, number>, high: readonly number[]): Uint16Array {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 0x80; byte += 1) table[byte] = lowOverrides[byte] ?? byte;
  table.set(high, 0x80);
  return table;
}

/**
 * The Vietnamese legacy code pages the Encoding Standard (so TextDecoder) does not know, mapped as
 * iconv-lite and libiconv map them: VISCII (RFC 1456) and TCVN 5712 (VN3, with combining tone marks).
 */
const VISCII = codePage(
  { 0x02: 0x1eb2, 0x05: 0x1eb4, 0x06: 0x1eaa, 0x14: 0x1ef6, 0x19: 0x1ef8, 0x1e: 0x1ef4 },
  [
    0x1ea0, 0x1eae, 0x1eb0, 0x1eb6, 0x1ea4, 0x1ea6, 0x1ea8, 0x1eac, 0x1ebc, 0x1eb8, 0x1ebe, 0x1ec0, 0x1ec2, 0x1ec4, 0x1ec6, 0x1ed0,
    0x1ed2, 0x1ed4, 0x1ed6, 0x1ed8, 0x1ee2, 0x1eda, 0x1edc, 0x1ede, 0x1eca, 0x1ece, 0x1ecc, 0x1ec8, 0x1ee6, 0x0168, 0x1ee4, 0x1ef2,
    0x00d5, 0x1eaf, 0x1eb1, 0x1eb7, 0x1ea5, 0x1ea7, 0x1ea9, 0x1ead, 0x1ebd, 0x1eb9, 0x1ebf, 0x1ec1, 0x1ec3, 0x1ec5, 0x1ec7, 0x1ed1,
    0x1ed3, 0x1ed5, 0x1ed7, 0x1ee0, 0x01a0, 0x1ed9, 0x1edd, 0x1edf, 0x1ecb, 0x1ef0, 0x1ee8, 0x1eea, 0x1eec, 0x01a1, 0x1edb, 0x01af,
    0x00c0, 0x00c1, 0x00c2, 0x00c3, 0x1ea2, 0x0102, 0x1eb3, 0x1eb5, 0x00c8, 0x00c9, 0x00ca, 0x1eba, 0x00cc, 0x00cd, 0x0128, 0x1ef3,
    0x0110, 0x1ee9, 0x00d2, 0x00d3, 0x00d4, 0x1ea1, 0x1ef7, 0x1eeb, 0x1eed, 0x00d9, 0x00da, 0x1ef9, 0x1ef5, 0x00dd, 0x1ee1, 0x01b0,
    0x00e0, 0x00e1, 0x00e2, 0x00e3, 0x1ea3, 0x0103, 0x1eef, 0x1eab, 0x00e8, 0x00e9, 0x00ea, 0x1ebb, 0x00ec, 0x00ed, 0x0129, 0x1ec9,
    0x0111, 0x1ef1, 0x00f2, 0x00f3, 0x00f4, 0x00f5, 0x1ecf, 0x1ecd, 0x1ee5, 0x00f9, 0x00fa, 0x0169, 0x1ee7, 0x00fd, 0x1ee3, 0x1eee,
  ],
);
const TCVN = codePage(
  { 0x01: 0xda, 0x02: 0x1ee4, 0x04: 0x1eea, 0x05: 0x1eec, 0x06: 0x1eee, 0x11: 0x1ee8, 0x12: 0x1ef0, 0x13: 0x1ef2, 0x14: 0x1ef6, 0x15: 0x1ef8, 0x16: 0xdd, 0x17: 0x1ef4 },
  [
    0x00c0, 0x1ea2, 0x00c3, 0x00c1, 0x1ea0, 0x1eb6, 0x1eac, 0x00c8, 0x1eba, 0x1ebc, 0x00c9, 0x1eb8, 0x1ec6, 0x00cc, 0x1ec8, 0x0128,
    0x00cd, 0x1eca, 0x00d2, 0x1ece, 0x00d5, 0x00d3, 0x1ecc, 0x1ed8, 0x1edc, 0x1ede, 0x1ee0, 0x1eda, 0x1ee2, 0x00d9, 0x1ee6, 0x0168,
    0x00a0, 0x0102, 0x00c2, 0x00ca, 0x00d4, 0x01a0, 0x01af, 0x0110, 0x0103, 0x00e2, 0x00ea, 0x00f4, 0x01a1, 0x01b0, 0x0111, 0x1eb0,
    0x0300, 0x0309, 0x0303, 0x0301, 0x0323, 0x00e0, 0x1ea3, 0x00e3, 0x00e1, 0x1ea1, 0x1eb2, 0x1eb1, 0x1eb3, 0x1eb5, 0x1eaf, 0x1eb4,
    0x1eae, 0x1ea6, 0x1ea8, 0x1eaa, 0x1ea4, 0x1ec0, 0x1eb7, 0x1ea7, 0x1ea9, 0x1eab, 0x1ea5, 0x1ead, 0x00e8, 0x1ec2, 0x1ebb, 0x1ebd,
    0x00e9, 0x1eb9, 0x1ec1, 0x1ec3, 0x1ec5, 0x1ebf, 0x1ec7, 0x00ec, 0x1ec9, 0x1ec4, 0x1ebe, 0x1ed2, 0x0129, 0x00ed, 0x1ecb, 0x00f2,
    0x1ed4, 0x1ecf, 0x00f5, 0x00f3, 0x1ecd, 0x1ed3, 0x1ed5, 0x1ed7, 0x1ed1, 0x1ed9, 0x1edd, 0x1edf, 0x1ee1, 0x1edb, 0x1ee3, 0x00f9,
    0x1ed6, 0x1ee7, 0x0169, 0x00fa, 0x1ee5, 0x1eeb, 0x1eed, 0x1eef, 0x1ee9, 0x1ef1, 0x1ef3, 0x1ef7, 0x1ef9, 0x00fd, 0x1ef5, 0x1ed0,
  ],
);

/**
 * windows-1252's 0x80–0x9F as the Encoding Standard maps them (0x81, 0x8D, 0x8F, 0x90, 0x9D stay C1).
 * Node since 20.18.3 / 22.13 decodes windows-1252, and so latin1, iso-8859-1 and us-ascii, as ISO-8859-1
 * (nodejs/node#60888): € and curly quotes would come out as control characters.
 */
const WINDOWS_1252 = codePage({}, [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
  0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
  ...Array.from({ length: 0x60 }, (_, offset) => 0xa0 + offset),
]);

/** Keyed by the label with everything but letters and digits removed, as iconv-lite matched them. */
const LEGACY_CHARSETS: Record<string, Charset> = {
  viscii: singleByteCharset('viscii', VISCII),
  tcvn: singleByteCharset('tcvn', TCVN),
  tcvn5712: singleByteCharset('tcvn', TCVN),
  tcvn57121: singleByteCharset('tcvn', TCVN),
};

function whatwgCharset(label: string): Charset | null {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    return null;
  }
  if (decoder.encoding === 'windows-1252') return singleByteCharset('windows-1252', WINDOWS_1252);
  return { name: decoder.encoding, decode: (bytes) => decoder.decode(bytes) };
}

/**
 * The charset a label names: an Encoding Standard label (what browsers accept), the same spelled loosely
 * ("UTF_8", "windows1258", "win1258"), or a Vietnamese legacy code page. Null for anything else.
 */
function charsetForLabel(label: string | undefined | null): Charset | null {
  if (!label) return null;
  const cleaned = label.trim().replace(/^["']|["']$/g, '').toLowerCase();
  const loose = cleaned.replace(/:\d{4}$|[^0-9a-z]/g, '');
  return (
    LEGACY_CHARSETS[loose] ??
    whatwgCharset(LABEL_ALIASES[cleaned] ?? cleaned) ??
    whatwgCharset(loose) ??
    whatwgCharset(loose.replace(/^win(?:dows)?(\d{3,4})$/, 'windows-$1').replace(/^([a-z]+)(\d)/, '$1-$2'))
  );
}

function charsetFromBom(bytes: Buffer): Charset | null {
  const bom = BOMS.find(({ bytes: prefix }) => prefix.every((byte, i) => bytes[i] === byte));
  return bom === undefined ? null : charsetForLabel(bom.charset);
}

function charsetInContentType(contentType: string | null): Charset | null {
  const match = contentType?.match(/charset\s*=\s*("?)([^";,\s]+)\1/i);
  return charsetForLabel(match?.[2]);
}

/** The canonical name of the charset a Content-Type header declares, or null when it names none this module decodes. */
export function charsetFromContentType(contentType: string | null): string | null {
  return charsetInContentType(contentType)?.name ?? null;
}

/** <meta charset>, <meta http-equiv="Content-Type" content="…charset=…">, or the XML prolog's encoding. */
function charsetFromDocument(bytes: Buffer): Charset | null {
  const head = bytes.subarray(0, SNIFF_BYTES).toString('latin1');
  const xmlProlog = head.match(/^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/i);
  if (xmlProlog) return charsetForLabel(xmlProlog[1]);
  for (const meta of head.matchAll(/<meta\b[^>]*>/gi)) {
    // Matches both <meta charset="x"> and the charset= inside an http-equiv content attribute.
    const declared = meta[0].match(/\bcharset\s*=\s*["']?([^"'\s/>;]+)/i);
    const charset = charsetForLabel(declared?.[1]);
    if (charset) return charset;
  }
  return null;
}

/**
 * Decodes a fetched body to NFC text. Precedence: byte-order mark, Content-Type charset,
 * the document's own declaration, then UTF-8. NFC because windows-1258 (and some pages) give NFD.
 * Node's TextDecoder (full ICU) decodes every Encoding Standard charset; the tables above add the rest.
 */
export function decodeBody(bytes: Buffer, contentType: string | null): { text: string; charset: string } {
  const charset =
    charsetFromBom(bytes) ?? charsetInContentType(contentType) ?? charsetFromDocument(bytes) ?? charsetForLabel('utf-8')!;
  const text = charset.decode(bytes).replace(/^\uFEFF/, '').normalize('NFC');
  return { text, charset: charset.name };
}
