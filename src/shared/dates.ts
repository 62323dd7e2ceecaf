/**
 * Calendar dates as Liptako writes them everywhere (API, files, CLI, forms): "YYYY-MM-DD", a day
 * that exists in the Gregorian calendar. One strict check for the server, the CLI and the web app:
 * 2024-02-29 is a day, 2021-02-30 is not (Date.parse rolls it over to 2 March without a word).
 */

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * True for "YYYY-MM-DD" naming a real day of the years 1000–9999. Exactly that text: no spaces,
 * no time, no other separators; a caller that accepts more (a time after the date, French
 * day-first dates) extracts the date first. A year with a leading zero is refused: 0021-01-01 is
 * a slip for 2021 (or a two-digit year a spreadsheet padded), never a date anyone records.
 */
export function isCalendarDate(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = CALENDAR_DATE.exec(value);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return year >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * The calendar date as a Date at midnight UTC, or null when it is not one. Parsed from the ISO
 * text rather than through Date.UTC, which reads years 0–99 as 1900–1999.
 */
export function utcDateOf(value: string): Date | null {
  return isCalendarDate(value) ? new Date(`${value}T00:00:00Z`) : null;
}
