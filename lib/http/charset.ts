import iconv from 'iconv-lite';

/** Declarations live near the top of a document; browsers look at the first 1024 bytes, some pages need more. */
const SNIFF_BYTES = 4096;

const BOMS: ReadonlyArray<{ bytes: number[]; charset: string }> = [
  { bytes: [0xef, 0xbb, 0xbf], charset: 'utf-8' },
  { bytes: [0xff, 0xfe], charset: 'utf-16le' },
  { bytes: [0xfe, 0xff], charset: 'utf-16be' },
];

/** Labels pages use that iconv-lite does not know under that name. */
const LABEL_ALIASES: Record<string, string> = {
  utf8mb4: 'utf-8',
  'x-cp1258': 'windows-1258',
  'iso-8859-1': 'windows-1252', // WHATWG: latin1 labels mean windows-1252
  'us-ascii': 'windows-1252',
};

function canonicalCharset(label: string | undefined | null): string | null {
  if (!label) return null;
  const cleaned = label.trim().replace(/^["']|["']$/g, '').toLowerCase();
  const charset = LABEL_ALIASES[cleaned] ?? cleaned;
  return iconv.encodingExists(charset) ? charset : null;
}

function charsetFromBom(bytes: Buffer): string | null {
  const bom = BOMS.find(({ bytes: prefix }) => prefix.every((byte, i) => bytes[i] === byte));
  return bom?.charset ?? null;
}

export function charsetFromContentType(contentType: string | null): string | null {
  const match = contentType?.match(/charset\s*=\s*("?)([^";,\s]+)\1/i);
  return canonicalCharset(match?.[2]);
}

/** <meta charset>, <meta http-equiv="Content-Type" content="…charset=…">, or the XML prolog's encoding. */
function charsetFromDocument(bytes: Buffer): string | null {
  const head = bytes.subarray(0, SNIFF_BYTES).toString('latin1');
  const xmlProlog = head.match(/^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/i);
  if (xmlProlog) return canonicalCharset(xmlProlog[1]);
  for (const meta of head.matchAll(/<meta\b[^>]*>/gi)) {
    // Matches both <meta charset="x"> and the charset= inside an http-equiv content attribute.
    const declared = meta[0].match(/\bcharset\s*=\s*["']?([^"'\s/>;]+)/i);
    const charset = canonicalCharset(declared?.[1]);
    if (charset) return charset;
  }
  return null;
}

/**
 * Decodes a fetched body to NFC text. Precedence: byte-order mark, Content-Type charset,
 * the document's own declaration, then UTF-8. NFC because windows-1258 (and some pages) give NFD.
 */
export function decodeBody(bytes: Buffer, contentType: string | null): { text: string; charset: string } {
  const charset =
    charsetFromBom(bytes) ?? charsetFromContentType(contentType) ?? charsetFromDocument(bytes) ?? 'utf-8';
  const text = iconv.decode(bytes, charset, { stripBOM: true }).normalize('NFC');
  return { text, charset };
}
