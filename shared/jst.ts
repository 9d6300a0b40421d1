// Japan Standard Time is UTC+9 all year (no daylight saving), so converting between an instant and
// a JST wall-clock time is a fixed offset. The one definition of that offset (#14); formatting for
// people goes through shared/format.ts.

/** JST = UTC + 9 h, in milliseconds. */
export const JST_OFFSET_MS = 9 * 3_600_000;
