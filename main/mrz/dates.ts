/**
 * MRZ dates (ICAO Doc 9303 Part 3, 4.3): YYMMDD with the century implied. A date of birth is in the
 * past; an expiry date lies in a window reaching up to 20 years after today (and so 80 years back):
 * the latest date of that form not after the limit.
 */

export type MrzDateKind = 'birth' | 'expiry';

/** How far after `today` an expiry date may lie before it is read as a date of the previous century. */
export const EXPIRY_YEARS_AHEAD = 20;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * The calendar date meant by a printed YYMMDD (UTC midnight), or null when it is not six digits or
 * names no date (month 13, 30 February, 29 February of a common year).
 */
export function resolveMrzDate(yymmdd: string, kind: MrzDateKind, today: Date = new Date()): Date | null {
  if (typeof yymmdd !== 'string' || !/^\d{6}$/.test(yymmdd)) return null;
  const yy = Number(yymmdd.slice(0, 2));
  const mm = Number(yymmdd.slice(2, 4));
  const dd = Number(yymmdd.slice(4, 6));
  if (mm < 1 || mm > 12 || dd < 1 || dd > 31) return null;
  const t = Number.isFinite(today.getTime()) ? today : new Date();
  const limitYear = t.getUTCFullYear() + (kind === 'expiry' ? EXPIRY_YEARS_AHEAD : 0);
  const limit = limitYear * 10000 + (t.getUTCMonth() + 1) * 100 + t.getUTCDate();
  let year = Math.floor(limitYear / 100) * 100 + yy;
  if (year * 10000 + mm * 100 + dd > limit) year -= 100;
  if (dd > daysInMonth(year, mm)) return null;
  return new Date(Date.UTC(year, mm - 1, dd));
}

/**
 * Whether a printed date of birth is acceptable: a real date, or one with unknown parts filled
 * with `<` as Part 3 allows (YY<<<<, YYMM<<, or all fillers).
 */
export function isAcceptableBirthDate(yymmdd: string, today: Date = new Date()): boolean {
  if (/^\d{6}$/.test(yymmdd)) return resolveMrzDate(yymmdd, 'birth', today) !== null;
  if (yymmdd === '<<<<<<' || /^\d\d<<<<$/.test(yymmdd)) return true;
  if (/^\d{4}<<$/.test(yymmdd)) {
    const mm = Number(yymmdd.slice(2, 4));
    return mm >= 1 && mm <= 12;
  }
  return false;
}
