import { cleanText } from './text.ts';

export interface SplitCaption {
  /** The caption without its credit; null when the text was only a credit. */
  caption: string | null;
  /** The credit as printed, without its label ("NGỌC PHÚ" from "Ảnh: NGỌC PHÚ"); null when there is none. */
  credit: string | null;
}

/**
 * Labels that introduce a credit, Vietnamese and English: "Ảnh:", "Tin, ảnh:", "Bài và ảnh:", "Nguồn:",
 * "Video:", "Đồ họa:", "Photo:", "Photo by", "Credit:".
 */
const ROLE = '(?:tin|bài|ảnh|video|clip|photos?)';
const CREDIT_LABEL =
  `(?:${ROLE}\\s*(?:,|và|&|-|/|and)\\s*)?` +
  '(?:(?:ảnh|video|clip|nguồn(?:\\s+ảnh)?|đồ\\s*họa|infographic|photos?|photograph|pictures?|image|credit|source)\\s*:|(?:photo|photograph|image|video)\\s+by\\s)';

/**
 * Where a credit label may start: at the beginning, after a sentence end, after a dash or bar, or (when the
 * label is capitalised) after a plain space. "… chụp ảnh: …" in mid-sentence is not a credit.
 */
const LABELLED_CREDIT = new RegExp(`(^|[.!?…"”')\\]]\\s+|\\s*[-–—|]\\s*|\\s+)(${CREDIT_LABEL})\\s*`, 'giu');

/** Agencies credited in parentheses without a label: "… (Reuters)". */
const AGENCY =
  '(?:reuters|ap(?:\\s+photo)?|afp(?:/getty images)?|epa(?:-efe)?|getty images|getty|xinhua|tân hoa xã|ttxvn|vna|bloomberg|shutterstock|sputnik|yonhap|kyodo|ansa|dpa)';
const PARENTHESISED_CREDIT = new RegExp(
  `\\s*\\(\\s*(?:(?:${CREDIT_LABEL})\\s*([^()]+?)|(${AGENCY}))\\s*\\)[\\s.]*$`,
  'iu',
);
/** "Ảnh do gia đình cung cấp": the giver is the credit. */
const GIVEN_BY = /(^|[.!?…]\s+|\s+[-–—]\s+)ảnh\s+do\s+(.+?)\s+cung\s+cấp\.?$/iu;

/** A credit that ends in initials keeps its final dot ("H.Y.T."); any other trailing dot is punctuation. */
const ENDS_WITH_INITIALS = /(?:^|[\s.])(?:\p{L}{1,2}\.)+$/u;

function tidyCredit(raw: string): string | null {
  let credit = raw
    .trim()
    // "Ảnh: X cung cấp" → "X": the credit names who gave the photo.
    .replace(/\s*[(\-–—/]?\s*\bcung\s+cấp\s*\)?\.?$/iu, '')
    .replace(/^do\s+/iu, '')
    .replace(/[\s,;:|–—-]+$/u, '');
  if (credit.endsWith('.') && !ENDS_WITH_INITIALS.test(credit)) credit = credit.replace(/\.+$/, '');
  return /[\p{L}\p{N}]/u.test(credit) ? credit : null;
}

function tidyCaption(raw: string): string | null {
  const caption = raw.replace(/[\s,;:|–—-]+$/u, '').trim();
  return /[\p{L}\p{N}]/u.test(caption) ? caption : null;
}

function isCapitalised(label: string): boolean {
  const first = label.charAt(0);
  return first !== first.toLowerCase();
}

/**
 * Splits a printed caption into caption and credit: "… phát biểu chỉ đạo. Ảnh: NGỌC PHÚ" →
 * { caption: "… phát biểu chỉ đạo.", credit: "NGỌC PHÚ" }. Handles "- Ảnh: X", "(Nguồn: X)", "(Ảnh: X)",
 * "Tin, ảnh: X", "Ảnh: X cung cấp" (credit "X"), "Video: X", "Photo: X", "(Reuters)". A caption with no
 * credit ("Ảnh minh họa") comes back whole. Output is cleaned NFC text.
 */
export function splitCaption(text: string): SplitCaption {
  const cleaned = typeof text === 'string' ? cleanText(text) : '';
  if (cleaned === '') return { caption: null, credit: null };

  const parenthesised = PARENTHESISED_CREDIT.exec(cleaned);
  if (parenthesised) {
    return {
      caption: tidyCaption(cleaned.slice(0, parenthesised.index)),
      credit: tidyCredit(parenthesised[1] ?? parenthesised[2] ?? ''),
    };
  }

  const given = GIVEN_BY.exec(cleaned);
  if (given) {
    return {
      caption: tidyCaption(cleaned.slice(0, given.index + (given[1] ?? '').length)),
      credit: tidyCredit(given[2] ?? ''),
    };
  }

  for (const labelled of cleaned.matchAll(LABELLED_CREDIT)) {
    const [whole, boundary = '', label = ''] = labelled;
    if (boundary !== '' && boundary.trim() === '' && !isCapitalised(label)) continue;
    return {
      caption: tidyCaption(cleaned.slice(0, labelled.index + boundary.length)),
      credit: tidyCredit(cleaned.slice(labelled.index + whole.length)),
    };
  }
  return { caption: cleaned, credit: null };
}

/** File names that lazy-loading scripts and CMSs put where the real image will go. */
const PLACEHOLDER_FILE =
  /^(?:grey|gray|blank|spacer|pixel|transparent|trans|clear|empty|dot|1x1|1px|lazy|lazyload|loading|loader|placeholder|img-placeholder|image-placeholder|no-?image|noimg|default-image|default-thumb)(?:[-_.@]?(?:placeholder|image|img|pixel|px|bg|white|grey|gray|transparent|spinner|icon|small|thumb|min|load|\d+(?:x\d+)?|[a-f0-9]{8,}|v\d+))*\.(?:gif|png|jpe?g|svg|webp)$/i;

/**
 * True for an img src that is not the real image: empty, data: URIs, about:blank, and placeholder files
 * such as grey.gif, blank.gif, spacer.gif, 1x1.png, lazy-load and "placeholder" images.
 */
export function isPlaceholderImage(src: string): boolean {
  if (typeof src !== 'string') return true;
  const trimmed = src.trim();
  if (trimmed === '' || trimmed === '#') return true;
  if (/^(?:data|about|javascript):/i.test(trimmed)) return true;
  const path = trimmed.split(/[?#]/, 1)[0] ?? '';
  const file = decodeURIComponentSafely(path.slice(path.lastIndexOf('/') + 1));
  if (PLACEHOLDER_FILE.test(file)) return true;
  return /(?:^|\/)placeholders?\//i.test(path);
}

function decodeURIComponentSafely(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
