import { cleanText, withoutTrailingDots } from './text.ts';

export interface SplitCaption {
  /** The caption without its credit; null when the text was only a credit. */
  caption: string | null;
  /** The credit as printed, without its label ("NGỌC PHÚ" from "Ảnh: NGỌC PHÚ"); null when there is none. */
  credit: string | null;
}

/**
 * Labels that introduce a credit: "Ảnh:", "Ảnh minh họa:", "Ảnh đồ họa:", "Ảnh tư liệu:" (an archive photo),
 * "Tin, ảnh:", "Bài và ảnh:", "Nguồn:", "Video:", "Đồ họa:", "Photo:", "Photo by", "Picture by", "Credit:", and the
 * word for "photo" in the languages news sites print it in ("Foto:", "Bild:", "Фото:", "Imagen:", "Kuva:").
 */
const ROLE = '(?:tin|bài|ảnh|video|clip|photos?|fotos?)';
const CREDIT_LABEL =
  `(?:${ROLE}\\s*(?:,|và|&|-|/|and)\\s*)?` +
  '(?:(?:ảnh(?:\\s+(?:minh\\s+h(?:ọa|oạ)|đồ\\s*h(?:ọa|oạ)|tư\\s+liệu))?|video|clip|nguồn(?:\\s+ảnh)?|đồ\\s*họa|infographic|photos?|photograph|pictures?|image|credits?|source|fotos?|bild|bilde|фото|imagen|immagine|kuva)\\s*:' +
  '|(?:photo|photograph|picture|image|video)\\s+by\\s)';

/**
 * Where a credit label may start: at the beginning, after a sentence end, after a dash or bar, or (when the
 * label is capitalised) after a plain space or right after a sentence end with no space ("BHYT.Ảnh: X"). "… chụp ảnh: …" in mid-sentence is not a credit.
 */
const LABELLED_CREDIT = new RegExp(`(^|[.!?…"”')\\]]\\s+|[.!?…]|\\s*[-–—|]\\s*|\\s+)(${CREDIT_LABEL})\\s*`, 'giu');

/**
 * News and photo agencies, credited without a label ("… (Reuters)", "… / AFP"); Vietnam+ is the Vietnam News
 * Agency's (TTXVN's) news site, credited like it ("Ảnh minh họa / Vietnam+").
 */
export const NEWS_AGENCY =
  '(?:reuters|ap(?:\\s+photo)?|afp(?:/getty images)?|epa(?:-efe)?|efe|getty images|getty|xinhua|tân hoa xã|ttxvn|vna|vietnam\\+|vietnamplus|bloomberg|shutterstock|sputnik|yonhap|kyodo|ansa|dpa|anadolu|belga|ntb|ritzau scanpix|scanpix|tass|ria novosti|pa|pa wire)';
/**
 * A credit in parentheses or brackets at the end: labelled ("(Ảnh: X)", "[사진 출처 = X]"), an agency
 * ("(Reuters)") or an Indonesian "Dok." line ("(Dok.IGI)"). A place or date in parentheses ("(Jerusalén)")
 * is part of the caption.
 */
const ENCLOSED_CREDIT = new RegExp(
  '\\s*[([]\\s*(?:' +
    `(?:${CREDIT_LABEL})\\s*([^()[\\]]+?)` +
    '|(?:사진|자료)(?:\\s*(?:출처|제공))?\\s*[=:]\\s*([^()[\\]]+?)' +
    `|(${NEWS_AGENCY})` +
    '|(dok\\.\\s*[^()[\\]]+?)' +
    ')\\s*[)\\]][\\s.]*$',
  'iu',
);
/** "(Mohamed El Saife/CBC)", "(AFP / ISHARA S. KODIKARA)": two capitalised names around a slash, photographer and outlet. */
const ENCLOSED_SLASH_CREDIT = /\s*[([]\s*((?=[^()[\]]{3,80}[)\]])\p{Lu}[^()[\]/]*\/\s*\p{Lu}[^()[\]/]*?)\s*[)\]][\s.]*$/u;
/** "Ảnh do gia đình cung cấp": the giver is the credit. */
const GIVEN_BY = /(^|[.!?…]\s+|\s+[-–—]\s+)ảnh\s+do\s+(.+?)\s+cung\s+cấp\.?$/iu;
/**
 * "… - Ảnh chụp màn hình", "(Ảnh chụp màn hình video)", "- Ảnh trích từ clip của X": a screenshot, credited as such after a dash or in
 * parentheses (no colon: the words are the credit).
 */
const SCREENSHOT = /(\s+[-–—]\s+|\s*\(\s*|^)(ảnh\s+(?:chụp\s+(?:màn\s+hình|từ\s+(?:video|clip))|trích\s+từ\s+(?:video|clip))[^()]{0,40}?)\s*\)?\.?$/iu;
/** Japanese "（代表撮影）", "(共同通信社撮影)": "photographed by X". */
const PHOTOGRAPHED_BY = /\s*[（(]([^（）()]+?)撮影[）)]\s*$/u;
/** "… — © BELGA", "© Jane Doe": a copyright sign opens the credit. */
const COPYRIGHT_CREDIT = /(^|\s*[-–—|]\s*|\s+)©\s*(.+)$/u;
/**
 * Unlabelled credits after the caption: "caption | Photographer/Agency" (a short last segment after a bar),
 * "caption / Reuters" (an agency after a slash), "caption. Supplied" (a handout marked as such).
 */
const BAR_CREDIT = /\s+\|\s+([^|]{2,80})$/u;
const SLASH_AGENCY = new RegExp(`\\s+/\\s*(${NEWS_AGENCY})\\.?$`, 'iu');
const HANDOUT = /(^|[.!?…]\s+)(supplied|handout)\.?$/iu;

function tidyCredit(raw: string): string | null {
  const unpunctuated = raw
    .trim()
    // "Ảnh: X cung cấp" → "X": the credit names who gave the photo.
    .replace(/\s*[(\-–—/]?\s*\bcung\s+cấp\s*\)?\.?$/iu, '')
    .replace(/^(?:do\s+|©\s*)/iu, '')
    .replace(/[\s,;:|–—-]+$/u, '');
  const credit = withoutTrailingDots(unpunctuated);
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

/** The caption before `index` and the credit in `credit`, both tidied. */
function splitAt(text: string, index: number, credit: string): SplitCaption {
  return { caption: tidyCaption(text.slice(0, index)), credit: tidyCredit(credit) };
}

/** A bar segment names a credit when it is short and reads as a name list, not a sentence. */
function looksLikeCredit(segment: string): boolean {
  return segment.split(/\s+/).length <= 10 && !/[.!?…:]$/u.test(segment.trim());
}

/**
 * Splits a printed caption into caption and credit: "… phát biểu chỉ đạo. Ảnh: NGỌC PHÚ" →
 * { caption: "… phát biểu chỉ đạo.", credit: "NGỌC PHÚ" }. Handles "- Ảnh: X", "(Nguồn: X)", "(Ảnh: X)",
 * "Tin, ảnh: X", "Ảnh: X cung cấp" (credit "X"), "- Ảnh chụp màn hình", "Video: X", "Photo: X", "Foto: X", "(Reuters)",
 * "(Name/Outlet)", "[사진 출처 = X]", "（X撮影）", "— © X", "caption | X", "caption / AFP", "caption. Supplied".
 * A caption with no credit ("Ảnh minh họa") comes back whole. Output is cleaned NFC text.
 */
export function splitCaption(text: string): SplitCaption {
  const cleaned = typeof text === 'string' ? cleanText(text) : '';
  if (cleaned === '') return { caption: null, credit: null };

  const enclosed = ENCLOSED_CREDIT.exec(cleaned);
  if (enclosed) {
    const credit = enclosed.slice(1).find((group) => group !== undefined) ?? '';
    return splitAt(cleaned, enclosed.index, credit);
  }

  const slashEnclosed = ENCLOSED_SLASH_CREDIT.exec(cleaned);
  if (slashEnclosed) return splitAt(cleaned, slashEnclosed.index, slashEnclosed[1] ?? '');

  const photographed = PHOTOGRAPHED_BY.exec(cleaned);
  if (photographed) return splitAt(cleaned, photographed.index, photographed[1] ?? '');

  const screenshot = SCREENSHOT.exec(cleaned);
  if (screenshot && screenshot.index > 0) return splitAt(cleaned, screenshot.index, screenshot[2] ?? '');

  const given = GIVEN_BY.exec(cleaned);
  if (given) return splitAt(cleaned, given.index + (given[1] ?? '').length, given[2] ?? '');

  for (const labelled of cleaned.matchAll(LABELLED_CREDIT)) {
    const [whole, boundary = '', label = ''] = labelled;
    const credit = cleaned.slice(labelled.index + whole.length);
    // After a plain space only a capitalised label followed by a name counts ("… về đêm Ảnh: NGỌC PHÚ", not "Ein Foto: die Stadt").
    if (boundary !== '' && boundary.trim() === '' && !(isCapitalised(label) && /^[\p{Lu}\p{N}]/u.test(credit))) continue;
    // Right after a sentence's end with no space ("… BHYT.Ảnh: DIỄM LỆ") only a capitalised label counts.
    if (/^[.!?…]$/u.test(boundary) && !isCapitalised(label)) continue;
    return splitAt(cleaned, labelled.index + boundary.length, credit);
  }

  const copyright = COPYRIGHT_CREDIT.exec(cleaned);
  if (copyright) return splitAt(cleaned, copyright.index, copyright[2] ?? '');

  const slashAgency = SLASH_AGENCY.exec(cleaned);
  if (slashAgency) return splitAt(cleaned, slashAgency.index, slashAgency[1] ?? '');

  const handout = HANDOUT.exec(cleaned);
  if (handout) return splitAt(cleaned, handout.index + (handout[1] ?? '').length, handout[2] ?? '');

  const bar = BAR_CREDIT.exec(cleaned);
  if (bar && bar.index > 0 && looksLikeCredit(bar[1] ?? '')) return splitAt(cleaned, bar.index, bar[1] ?? '');

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
