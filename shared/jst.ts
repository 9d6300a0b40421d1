// Japan Standard Time is UTC+9 all year (no daylight saving), so converting between an instant and
// a JST wall-clock time is a fixed offset. The one definition of that offset (#14); formatting for
// people goes through shared/format.ts.

/** JST = UTC + 9 h, in milliseconds. */
export const JST_OFFSET_MS = 9 * 3_600_000;

/** The offset as ISO 8601 writes it after a JST wall-clock time. */
export const JST_OFFSET_TEXT = "+09:00";

const DAY_MS = 86_400_000;
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));
let cachedDay = NaN;
let cachedDayPrefix = "";

/**
 * "2020-09-07T12:34:56+09:00" (whole seconds) from epoch milliseconds. Fast for many instants in a
 * row (the CSV exports and the demo generator write millions): the date part is cached, as rows
 * mostly share a day.
 */
export function isoJstFromMs(ms: number): string {
  const local = ms + JST_OFFSET_MS;
  const day = Math.floor(local / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDayPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
  }
  const secs = Math.floor((local - day * DAY_MS) / 1000);
  return `${cachedDayPrefix}${TWO_DIGITS[Math.floor(secs / 3600)]}:${TWO_DIGITS[Math.floor(secs / 60) % 60]}:${TWO_DIGITS[secs % 60]}${JST_OFFSET_TEXT}`;
}
