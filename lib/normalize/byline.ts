import type { Author } from '../schema/article.ts';
import { NEWS_AGENCY } from './caption.ts';
import { cleanText, stripDiacritics, withoutTrailingDots } from './text.ts';

const NOT_A_LETTER = '(?![\\p{L}\\p{N}])';

/**
 * Role labels ("Tin, ảnh:", "Bài và ảnh:", "Thực hiện:", "By") that precede names. Each one becomes a
 * separator, so "Bài: A - Ảnh: B" gives A and B. Matched before splitting, since they contain "," and "và".
 */
const ROLE_LABEL = new RegExp(
  '(?:^|(?<=[\\s,;.|–—-]))(?:' +
    '(?:tin|bài|ảnh|video|clip|nội dung)\\s*(?:,|và|&|-|/)\\s*(?:tin|bài|ảnh|video|clip|đồ\\s*họa)\\s*:' +
    '|(?:tin|bài|ảnh|video|clip|đồ\\s*họa|thiết kế|trình bày|thực hiện|nhóm thực hiện|ghi|ghi chép|tác giả|biên tập|nội dung|lược dịch|biên dịch|dịch|nhóm phóng viên|nhóm pv|phóng viên|pv|author|authors|written by|photos?|reporting|text)\\s*:' +
    `|(?:written\\s+)?by${NOT_A_LETTER}` +
    ')',
  'giu',
);

/**
 * Words that say who wrote it without naming a person: an anonymous reporter, or a group, also when its desk
 * follows ("Nhóm PV Kinh tế": the economy desk's reporters).
 */
const ANONYMOUS = /^(?:nhóm\s+(?:phóng\s+viên|pv|ctv|thực\s+hiện)(?:\s.*)?|phóng\s+viên|pv|ctv|cộng\s+tác\s+viên|bt|btv|bbt|ban\s+biên\s+tập|tổng\s+hợp|staff|reporters?|editorial\s+(?:team|staff|board))$/iu;

/** A leading "PV" or "Phóng viên" before a name ("PV Ngọc Phú"). */
const STAFF_TITLE = new RegExp(`^(?:phóng\\s+viên|pv|nhà\\s+báo)${NOT_A_LETTER}\\.?\\s*`, 'iu');

/**
 * Academic and professional titles written before a name, each abbreviated with a dot and often chained:
 * "DS." (dược sĩ), "BS." (bác sĩ), "TS.", "ThS.", "PGS.TS.", "KS.", "LS.", "TS.BS.CKII" (a specialist
 * degree, written without a dot), or spelled out ("Bác sĩ Trần Thanh Vỹ", "Luật sư …"). The person is the
 * name after them.
 */
const PROFESSIONAL_TITLES = /^(?:(?:gs|pgs|tskh|ts|ths|bs|ds|ks|ls)\.\s*(?:cki{1,2}\s+)?|(?:phó\s+)?giáo\s+sư\s+|(?:bác|tiến|thạc|dược)\s+sĩ\s+|(?:kỹ|kĩ|luật)\s+sư\s+)+(?=\p{L})/iu;

/** A name without a staff or professional title before it: "PV Ngọc Phú" → "Ngọc Phú", "DS. NGUYỄN BÁ HUY CƯỜNG" → "NGUYỄN BÁ HUY CƯỜNG" (docs/dataset.md). */
export function withoutTitleBeforeName(name: string): string {
  return name.replace(STAFF_TITLE, '').replace(PROFESSIONAL_TITLES, '');
}

/** How the text was put together, said after the name without parentheses ("Hà Thu tổng hợp"). */
const TRAILING_QUALIFIER = /\s+(?:tổng\s+hợp|lược\s+dịch|biên\s+dịch|thực\s+hiện)$/iu;

/** "Theo TTXVN", "Nguồn: Reuters", "Source: AP": a source credit, not an author. */
const SOURCE_CREDIT = new RegExp(`^(?:theo|nguồn|source|via|according\\s+to)${NOT_A_LETTER}`, 'iu');

/**
 * Names of organizations in Vietnamese: a newspaper, magazine, station, agency or portal ("Báo Lào Cai
 * điện tử", "Tạp chí Tài chính", "Đài Tiếng nói Việt Nam"); no personal name starts with these words.
 */
const ORGANIZATION_NAME = /^(?:báo|tạp\s+chí|đài|thông\s+tấn\s+xã|cổng\s+thông\s+tin|trang\s+tin|tòa\s+soạn|toà\s+soạn|ban\s+biên\s+tập|công\s+ty|tập\s+đoàn)(?![\p{L}\p{N}])/iu;
/** Words that end a company's or an outlet's name ("FPT Online", "VietNamNet News", "Vietnam Media Group"); no personal name ends so. */
const ORGANIZATION_SUFFIX = /\s(?:online|news|media|group|corp|corporation|jsc)\.?$/iu;
/**
 * A news agency, alone or with its desk or address after a separator ("TTXVN", "TTXVN/Vietnam+", "TTXVN - Lý
 * Thường Kiệt, Hà Nội": the agency's street): credited as the source of a text, it names no writer.
 */
const AGENCY_CREDIT = new RegExp(`^${NEWS_AGENCY}(?:\\s*[-–—/,(]|$)`, 'iu');
/** A host name ("baochinhphu.vn", "www.vneconomy.vn"): the site, not a person. */
const HOST_NAME = /^(?:www\.)?[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.(?:vn|com|net|org|info|news|asia|gov)$/iu;

/**
 * Why a name from a byline or an author field names no person, or null when it may: a staff credit
 * ("PV", "Nhóm phóng viên"), a source ("Theo TTXVN"), an organization, a news agency or a host name.
 */
export function notAPerson(name: string): string | null {
  const cleaned = cleanText(name);
  if (ANONYMOUS.test(cleaned)) return 'a staff credit, naming nobody';
  if (SOURCE_CREDIT.test(cleaned)) return 'a source credit ("Theo X"), not an author';
  if (ORGANIZATION_NAME.test(cleaned) || ORGANIZATION_SUFFIX.test(cleaned)) return 'an organization';
  if (AGENCY_CREDIT.test(cleaned)) return 'a news agency';
  if (HOST_NAME.test(cleaned)) return 'a host name';
  return null;
}

const SEPARATOR = /\s*(?:[,;|&/·•]|\s[-–—]\s|\s+(?:và|and)\s+)\s*/iu;

const MAX_WORDS_IN_A_NAME = 6;

/** Initials ("HN", "TTXVN") have no vowel; a syllable has one, and a shortened syllable ends in "." ("TH.HÀ"). */
const VOWEL = /[aeiouy]/i;

function isInitials(run: string, next: string): boolean {
  return next !== '.' && !VOWEL.test(stripDiacritics(run));
}

/**
 * A name in capitals turned to natural case, diacritics kept: "NGỌC PHÚ" → "Ngọc Phú",
 * "JEAN-PIERRE O'NEILL" → "Jean-Pierre O'Neill". Initials stay as printed ("H.Y.T.", "HN"). A name that already
 * has lower-case letters is returned as is (cleaned), so "McCain" and "van Gogh" survive.
 */
export function naturalCase(name: string): string {
  const cleaned = cleanText(name);
  if (/\p{Ll}/u.test(cleaned) || !/\p{Lu}/u.test(cleaned)) return cleaned;
  return cleaned.replace(/\p{L}+/gu, (run, offset: number) =>
    run.length === 1 || isInitials(run, cleaned.charAt(offset + run.length)) ? run : run.charAt(0) + run.slice(1).toLowerCase(),
  );
}

function tidyName(part: string): string | null {
  let name = withoutTitleBeforeName(part.replace(/^[\s.,;:–—-]+/u, '')).replace(/[\s,;:–—-]+$/u, '');
  name = name.replace(TRAILING_QUALIFIER, '');
  name = withoutTrailingDots(name).trim();
  if (name === '' || ANONYMOUS.test(name) || SOURCE_CREDIT.test(name)) return null;
  // A byline holds names, not counts ("và 1 tác giả khác"), addresses or sentences.
  if (!/\p{L}/u.test(name) || /[\p{N}@]|https?:|www\./iu.test(name)) return null;
  if (name.split(' ').length > MAX_WORDS_IN_A_NAME) return null;
  return name;
}

/**
 * The authors named in a printed byline: "NGỌC PHÚ" → [{ name: "Ngọc Phú", raw: "NGỌC PHÚ" }]. Several
 * authors are split on ",", " - ", " và ", "&", " and ". A name credited for the pictures only ("Ảnh: X") is
 * left out when the byline names a writer too. Qualifiers stay out of the name: "(tổng hợp)" and
 * other parentheses, "Tin, ảnh:", "Bài và ảnh:", "Thực hiện:", "PV", "Nhóm phóng viên". A source credit
 * ("Theo TTXVN") names no author and gives []. `raw` is the name as printed, without the qualifiers.
 */
export function parseByline(raw: string): Author[] {
  if (typeof raw !== 'string') return [];
  const cleaned = cleanText(raw)
    .replace(/\s*\([^()]*\)|\s*\[[^[\]]*\]/g, ' ')
    // A qualifier between two words leaves two spaces behind.
    .replace(/ {2,}/g, ' ')
    .trim();
  if (cleaned === '' || SOURCE_CREDIT.test(cleaned)) return [];
  const credited: { author: Author; photosOnly: boolean }[] = [];
  for (const { label, text } of labelledParts(cleaned)) {
    for (const part of text.split(SEPARATOR)) {
      const name = tidyName(part);
      if (name !== null) credited.push({ author: { name: naturalCase(name), raw: name }, photosOnly: label !== null && PHOTOS_ONLY.test(label) });
    }
  }
  // "Tin: Tường Minh - Ảnh: Đỗ Hiền": the photographer is credited for the pictures, the writer is the author.
  const writers = credited.filter((entry) => !entry.photosOnly);
  return dedupeAuthors((writers.length > 0 ? writers : credited).map((entry) => entry.author));
}

/** A role label that credits pictures only ("Ảnh:", "Photo:", "Đồ họa:"), not the text. */
const PHOTOS_ONLY = /^(?:ảnh|photos?|đồ\s*họa)\s*:$/iu;

/** The byline cut at its role labels, each part with the label before it (null for the part before any). */
function labelledParts(byline: string): { label: string | null; text: string }[] {
  const parts: { label: string | null; text: string }[] = [];
  let label: string | null = null;
  let start = 0;
  for (const match of byline.matchAll(ROLE_LABEL)) {
    parts.push({ label, text: byline.slice(start, match.index) });
    label = match[0].trim();
    start = match.index + match[0].length;
  }
  parts.push({ label, text: byline.slice(start) });
  return parts;
}

/** Collapses repeated bylines (same name in NFC, ignoring case), keeping the first. */
export function dedupeAuthors(authors: Author[]): Author[] {
  const seen = new Set<string>();
  const kept: Author[] = [];
  for (const author of authors) {
    const key = cleanText(author.name).toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(author);
  }
  return kept;
}
