import { cleanText, stripDiacritics } from './text.ts';

/**
 * Datelines of Vietnamese publishers and agencies that the acronym rule below does not cover (they do not
 * end in "O", or are words). Compared case-insensitively.
 */
const KNOWN_DATELINES = [
  'TTXVN', 'VNA', 'VOV', 'VOV.VN', 'VTV', 'VTC News', 'QĐND', 'CAND', 'ANTĐ', 'GDVN', 'GD&TĐ', 'Dân trí',
  'Dân Việt', 'VietNamNet', 'Vietnamplus', 'Infonet', 'Zing', 'Chinhphu.vn', 'Baochinhphu.vn',
].map((name) => name.toLowerCase());

const PARENTHESISED = /^\(\s*([^()]{1,30}?)\s*\)\s*[-–—]\s*(.*)$/u;
const BARE = /^([^\s()–—-]+(?: [^\s()–—-]+)?)\s*[-–—]\s*(.*)$/u;
/** A short publisher name inside the parentheses: 1–3 words of letters, digits, ".", "&". */
const SHORT_NAME = /^[\p{Lu}\p{N}][\p{L}\p{N}.&]*(?: [\p{L}\p{N}.&]+){0,2}$/u;
/** An online-edition acronym: 2–6 capitals ending in "O" (TTO, TPO, ĐNO, NLĐO, SGGPO, PLO). */
const ONLINE_ACRONYM = /^\p{Lu}{1,5}O$/u;

/** A site's own address used as its dateline ("VTV.vn", "Baonghean.vn"). */
const SITE_ADDRESS = /^\p{L}[\p{L}\p{N}-]*\.(?:com\.)?vn$/iu;
/** A brand written as one word with inner capitals ("GiadinhNet", "PetroTimes"): no Vietnamese word or name is spelt so. */
const CAMEL_CASE_BRAND = /^\p{Lu}\p{Ll}+(?:\p{Lu}\p{Ll}*)+$/u;

function isKnown(token: string): boolean {
  return KNOWN_DATELINES.includes(token.toLowerCase());
}

/** "TTO" yes; "VIDEO", "BÁO", "THẢO" no: an acronym has no vowel before its final "O". */
function isOnlineAcronym(token: string): boolean {
  return ONLINE_ACRONYM.test(token) && !/[AEIOUY]/.test(stripDiacritics(token.slice(0, -1)));
}

/** A print edition's acronym: 2–5 capitals and no vowel ("TT" for Tuổi Trẻ, "NLĐ", "SGGP"); no Vietnamese word is spelt so. */
const PRINT_ACRONYM = /^\p{Lu}{2,5}$/u;

function isPrintAcronym(token: string): boolean {
  return PRINT_ACRONYM.test(token) && !/[AEIOUY]/.test(stripDiacritics(token));
}

/**
 * Moves the dateline prefix of a lead (sapo) out: "ĐNO - Chiều 18-10, …" → { dateline: "ĐNO",
 * lead: "Chiều 18-10, …" }; "(Dân trí) - …" → "Dân trí"; "(NLĐO)- …" → "NLĐO"; en and em dashes too.
 *
 * The rule, so that a sapo that merely starts with a name and a dash ("Nguyễn Văn A - người …",
 * "Hà Nội - nơi …") is left alone: the prefix before the dash must be
 * - a publisher in KNOWN_DATELINES, or
 * - an online-edition acronym (2–6 capitals ending in "O", no vowel before the "O"), or a print edition's
 *   (2–5 capitals, no vowel: "TT - …"), or
 * - a Vietnamese site address ("VTV.vn - …"), or
 * - a brand written as one word with inner capitals ("GiadinhNet – …"), or
 * - a short name in parentheses (1–3 words starting with a capital or digit).
 * Nothing must follow an empty lead: a prefix with no text after it is not a dateline. Output is cleaned NFC.
 */
export function splitDateline(lead: string): { dateline: string | null; lead: string } {
  const cleaned = typeof lead === 'string' ? cleanText(lead) : '';
  const parenthesised = PARENTHESISED.exec(cleaned);
  if (parenthesised) {
    const [, token = '', rest = ''] = parenthesised;
    if ((isKnown(token) || SHORT_NAME.test(token)) && /[\p{L}\p{N}]/u.test(rest)) {
      return { dateline: token, lead: rest };
    }
    return { dateline: null, lead: cleaned };
  }
  const bare = BARE.exec(cleaned);
  if (bare) {
    const [, token = '', rest = ''] = bare;
    if ((isKnown(token) || isOnlineAcronym(token) || isPrintAcronym(token) || SITE_ADDRESS.test(token) || CAMEL_CASE_BRAND.test(token)) && /[\p{L}\p{N}]/u.test(rest)) {
      return { dateline: token, lead: rest };
    }
  }
  return { dateline: null, lead: cleaned };
}
