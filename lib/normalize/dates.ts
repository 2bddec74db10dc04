import { DateTime, FixedOffsetZone, type Zone } from 'luxon';
import { cleanText } from './text.ts';

export interface NewsDateOptions {
  /** IANA zone for text that carries no offset. Default: Asia/Ho_Chi_Minh (every Vietnamese site). */
  zone?: string;
  /**
   * Read a numeric date followed by a 12-hour time ("9/5/2026 10:17:01 PM") month first. Only for
   * fields known to be US-style (the baodanang CMS meta, a Tuổi Trẻ feed variant); without it such text is null.
   */
  allowUsStyle?: boolean;
  /**
   * Accept a date without a time ("2024-04-24", "24/04/2024") as midnight in `zone`. Off by default: the
   * time would be made up. For a last-resort source (meta publishdate) on pages that give nothing better.
   */
  allowDateOnly?: boolean;
}

export const VIETNAM_ZONE = 'Asia/Ho_Chi_Minh';

interface DateParts {
  year: number;
  month: number;
  day: number;
}

interface TimeParts {
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** "am"/"pm" when the text gives a 12-hour time. */
  meridiem: 'am' | 'pm' | null;
}

/** Luxon weekday numbers (1 = Monday … 7 = Sunday). */
const VIETNAMESE_WEEKDAYS: Record<string, number> = {
  hai: 1, ba: 2, tư: 3, năm: 4, sáu: 5, bảy: 6, '2': 1, '3': 2, '4': 3, '5': 4, '6': 5, '7': 6,
};
const ENGLISH_WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const ENGLISH_MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** RFC 822 zone names, in minutes east of UTC. */
const NAMED_OFFSETS: Record<string, number> = {
  gmt: 0, utc: 0, ut: 0, z: 0, est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
};

const END_OF_WORD = '(?![\\p{L}\\p{N}])';
const MONTH_NAME =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?:\\.|(?![a-z]))';
const ENGLISH_WEEKDAY =
  '(mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)(?:\\.|(?![a-z]))';

/** The pieces a date string may be made of, tried in this order at each position (sticky, on lower-case text). */
const TOKENS = {
  weekday: new RegExp(
    `(?:thứ\\s*(hai|ba|tư|năm|sáu|bảy|[2-7])|t([2-7])|(chủ\\s*nhật|cn)|${ENGLISH_WEEKDAY})${END_OF_WORD}`,
    'uy',
  ),
  isoDate: /(\d{4})-(\d{2})-(\d{2})t/y,
  yearFirstDate: /(\d{4})([/.-])(\d{1,2})\2(\d{1,2})(?!\d)/y,
  dayFirstDate: /(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?!\d)/y,
  dayMonthNameDate: new RegExp(`(\\d{1,2})\\s+${MONTH_NAME},?\\s+(\\d{4})(?!\\d)`, 'y'),
  monthNameDayDate: new RegExp(`${MONTH_NAME}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})(?!\\d)`, 'y'),
  vietnameseWordDate: /(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s*,?\s*năm\s+|\s*,\s*|\s+)(\d{4})(?!\d)/uy,
  time: /(\d{1,2})[:h](\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*([ap])\.?m\.?(?![\p{L}\p{N}]))?(?!\d)/uy,
  zone: new RegExp(
    `\\(?\\s*(?:(gmt|utc|ut|z|est|edt|cst|cdt|mst|mdt|pst|pdt)${END_OF_WORD}(?:\\s*([+-])\\s*(\\d{1,2})(?::?(\\d{2}))?)?|([+-])(\\d{2})(?::?(\\d{2}))?(?!\\d))\\s*\\)?`,
    'uy',
  ),
  filler: new RegExp(`(?:ngày|lúc|vào|at|on)${END_OF_WORD}`, 'uy'),
  separator: /[\s,|·•–—-]+/y,
};

function match(pattern: RegExp, text: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(text);
}

function weekdayNumber(m: RegExpExecArray): number | null {
  const vietnamese = m[1] ?? m[2];
  if (vietnamese !== undefined) return VIETNAMESE_WEEKDAYS[vietnamese] ?? null;
  if (m[3] !== undefined) return 7;
  return ENGLISH_WEEKDAYS.indexOf((m[4] ?? '').slice(0, 3)) + 1 || null;
}

function monthFromName(name: string | undefined): number {
  return ENGLISH_MONTHS.indexOf((name ?? '').slice(0, 3)) + 1;
}

function toTime(m: RegExpExecArray): TimeParts {
  const fraction = m[4] ?? '';
  return {
    hour: Number(m[1]),
    minute: Number(m[2]),
    second: m[3] === undefined ? 0 : Number(m[3]),
    millisecond: fraction === '' ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0')),
    meridiem: m[5] === 'a' ? 'am' : m[5] === 'p' ? 'pm' : null,
  };
}

function offsetMinutes(sign: string, hours: string, minutes: string | undefined): number | null {
  const total = Number(hours) * 60 + Number(minutes ?? '0');
  if (Number(minutes ?? '0') > 59 || total > 14 * 60) return null;
  return sign === '-' ? -total : total;
}

/** Offset of a zone token, or null when it names no valid offset. */
function zoneOffset(m: RegExpExecArray): number | null {
  if (m[5] !== undefined) return offsetMinutes(m[5], m[6] ?? '', m[7]);
  const base = NAMED_OFFSETS[m[1] ?? ''];
  if (base === undefined) return null;
  // "GMT+7" means seven hours east of UTC (the way Vietnamese sites write it), not the POSIX inversion.
  if (m[2] === undefined) return base;
  if (base !== 0) return null;
  return offsetMinutes(m[2], m[3] ?? '', m[4]);
}

interface Scanned {
  weekday: number | null;
  date: DateParts & { numericDayFirst: boolean };
  time: TimeParts;
  offset: number | null;
}

/**
 * Splits the text into weekday, date, time and zone tokens. Anything else (other words, a second date,
 * a zone before the time) makes the text unparseable: better no date than a guessed one.
 */
function scan(text: string, allowDateOnly: boolean): Scanned | null {
  let weekday: number | null = null;
  let date: Scanned['date'] | null = null;
  let time: TimeParts | null = null;
  let offset: number | null = null;
  let sawWeekday = false;
  let sawZone = false;
  let at = 0;
  while (at < text.length) {
    let m: RegExpExecArray | null;
    // A zone only makes sense after the time (before it, "-22:17" is a dash and a time); it is tried
    // before separators so the sign of "-0700" is not taken for a dash.
    if (time !== null && !sawZone && (m = match(TOKENS.zone, text, at))) {
      offset = zoneOffset(m);
      if (offset === null) return null;
      sawZone = true;
    } else if (date === null && (m = match(TOKENS.isoDate, text, at))) {
      date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), numericDayFirst: false };
    } else if (date === null && (m = match(TOKENS.yearFirstDate, text, at))) {
      date = { year: Number(m[1]), month: Number(m[3]), day: Number(m[4]), numericDayFirst: false };
    } else if (date === null && (m = match(TOKENS.dayFirstDate, text, at))) {
      date = { year: Number(m[4]), month: Number(m[3]), day: Number(m[1]), numericDayFirst: true };
    } else if (date === null && (m = match(TOKENS.dayMonthNameDate, text, at))) {
      date = { year: Number(m[3]), month: monthFromName(m[2]), day: Number(m[1]), numericDayFirst: false };
    } else if (date === null && (m = match(TOKENS.monthNameDayDate, text, at))) {
      date = { year: Number(m[3]), month: monthFromName(m[1]), day: Number(m[2]), numericDayFirst: false };
    } else if (date === null && (m = match(TOKENS.vietnameseWordDate, text, at))) {
      date = { year: Number(m[3]), month: Number(m[2]), day: Number(m[1]), numericDayFirst: false };
    } else if ((m = match(TOKENS.separator, text, at)) || (m = match(TOKENS.filler, text, at))) {
      // nothing to record
    } else if (time === null && (m = match(TOKENS.time, text, at))) {
      time = toTime(m);
    } else if (!sawWeekday && date === null && time === null && (m = match(TOKENS.weekday, text, at))) {
      sawWeekday = true;
      weekday = weekdayNumber(m);
    } else {
      return null;
    }
    at += m[0].length;
  }
  if (date === null) return null;
  if (time === null) {
    if (!allowDateOnly) return null;
    time = { hour: 0, minute: 0, second: 0, millisecond: 0, meridiem: null };
  }
  return { weekday, date, time, offset };
}

function resolveZone(offset: number | null, options: NewsDateOptions | undefined): Zone | string {
  if (offset === null) return options?.zone ?? VIETNAM_ZONE;
  return offset === 0 ? FixedOffsetZone.utcInstance : FixedOffsetZone.instance(offset);
}

/**
 * Parses a date as Vietnamese and international news pages and feeds print it: "19:14, 18/10/2024 (GMT+7)",
 * "Thứ bảy, 7/3/2026, 00:05 (GMT+7)", "07/03/2026 08:01 GMT+7", "15-01-2024 13:04", RFC 822, ISO 8601
 * (also with a space before the offset). A numeric date is day first. Text without an offset is read in
 * `options.zone`. Returns null for anything unparseable or ambiguous: text without a time, impossible
 * values, a weekday that does not match the date, a US-style 12-hour numeric date unless allowed, a date
 * without a time unless allowed.
 * The DateTime keeps the text's own offset (or the zone's).
 */
export function parseNewsDate(text: string, options?: NewsDateOptions): DateTime | null {
  const wall = wallTimeOf(text, options);
  return wall === null ? null : dateTimeOf(wall, options);
}

/** What a date string states, read and checked as far as the text alone allows; `offset` is null when it states none. */
interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  weekday: number | null;
  offset: number | null;
}

function wallTimeOf(text: string, options: NewsDateOptions | undefined): WallTime | null {
  if (typeof text !== 'string') return null;
  const cleaned = cleanText(text).toLowerCase();
  if (cleaned === '' || cleaned.length > 120) return null;
  const scanned = scan(cleaned, options?.allowDateOnly === true);
  if (scanned === null) return null;
  const { date, time } = scanned;

  let { month, day } = date;
  let hour = time.hour;
  if (time.meridiem !== null) {
    if (date.numericDayFirst) {
      if (options?.allowUsStyle !== true) return null;
      [month, day] = [date.day, date.month];
    }
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (time.meridiem === 'pm' ? 12 : 0);
  }
  if (hour > 23 || date.year < 1900 || date.year > 2100) return null;
  return { year: date.year, month, day, hour, minute: time.minute, second: time.second, millisecond: time.millisecond, weekday: scanned.weekday, offset: scanned.offset };
}

function dateTimeOf(wall: WallTime, options: NewsDateOptions | undefined): DateTime | null {
  const { year, month, day, hour, minute, second, millisecond } = wall;
  const parsed = DateTime.fromObject({ year, month, day, hour, minute, second, millisecond }, { zone: resolveZone(wall.offset, options) });
  if (!parsed.isValid) return null;
  // Luxon moves a wall time that falls in a DST gap; such a time was never printed by a clock there.
  if (parsed.hour !== hour || parsed.minute !== minute || parsed.day !== day) return null;
  if (wall.weekday !== null && parsed.weekday !== wall.weekday) return null;
  return parsed;
}

/** Luxon's weekday number (1 = Monday … 7 = Sunday) of a calendar day. */
function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() || 7;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/**
 * formatPublishedAt of the DateTime luxon builds for a text that states its offset, written from the text's own
 * fields: a fixed offset has no gaps, so luxon's checks come down to a real calendar day, minutes and seconds
 * under 60 and the weekday. Null where luxon's DateTime would be invalid.
 */
function fixedOffsetPublishedAt(wall: WallTime, offset: number): string | null {
  const { year, month, day, hour, minute, second, millisecond } = wall;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || minute > 59 || second > 59) return null;
  if (wall.weekday !== null && weekdayOf(year, month, day) !== wall.weekday) return null;
  const zone = offset === 0 ? 'Z' : `${offset < 0 ? '-' : '+'}${pad(Math.trunc(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${millisecond === 0 ? '' : `.${pad(millisecond, 3)}`}${zone}`;
}

/**
 * The Article fields for a parsed date: publishedAt in the date's own offset, without milliseconds when
 * they are zero ("2024-10-18T19:14:00+07:00"), and publishedAtUtc ("2024-10-18T12:14:00.000Z").
 */
export function formatPublished(dt: DateTime): { publishedAt: string; publishedAtUtc: string } {
  const publishedAt = formatPublishedAt(dt);
  return { publishedAt, publishedAtUtc: dt.toUTC().toISO()! };
}

/**
 * formatPublished().publishedAt alone, for the readers of a page's dates: the UTC form is derived once, when
 * the article is assembled, and formatting it per candidate date cost as much again.
 */
export function formatPublishedAt(dt: DateTime): string {
  const publishedAt = dt.isValid ? dt.toISO({ suppressMilliseconds: true }) : null;
  if (publishedAt === null || dt.year < 1000 || dt.year > 9999) {
    throw new Error(`formatPublished: not a printable date (${dt.invalidExplanation ?? dt.toString()})`);
  }
  return publishedAt;
}

/**
 * parseNewsDate then formatPublishedAt; null when the text is not a date. A text that states its offset is written
 * without building a luxon DateTime: inside extraction one cost 40 µs (the pages' dates mostly state their offset).
 */
export function toPublishedAt(text: string, options?: NewsDateOptions): string | null {
  const wall = wallTimeOf(text, options);
  if (wall === null) return null;
  if (wall.offset !== null) return fixedOffsetPublishedAt(wall, wall.offset);
  const parsed = dateTimeOf(wall, options);
  return parsed === null ? null : formatPublishedAt(parsed);
}
