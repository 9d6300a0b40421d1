// The zod building blocks every input schema is made of (console procedures, /api/v1 routes, event
// ingestion). They refuse, with words, what PostgreSQL would refuse later with a 500:
//   - text: a NUL character (U+0000, text columns cannot hold it) or a lone UTF-16 surrogate (not a
//     character: it cannot be encoded as UTF-8, and would be stored as U+FFFD, so the value read back
//     differs from the value sent);
//   - instants: impossible calendar dates (2026-02-30 is refused, never rolled over to 2 March),
//     times like 24:00 or 12:60, and years outside a sane range (PostgreSQL cannot store year 0000
//     or ±275760, and nothing this console handles happened before 2000 or after 2100).
import { z } from "zod";

export const INSTANT_YEAR_MIN = 2000;
/** Exclusive: the last accepted instant is the end of 2099. */
export const INSTANT_YEAR_MAX = 2100;
const INSTANT_MS_MIN = Date.UTC(INSTANT_YEAR_MIN, 0, 1);
const INSTANT_MS_MAX = Date.UTC(INSTANT_YEAR_MAX, 0, 1);
export const INSTANT_RANGE_WORDS = `must be between ${INSTANT_YEAR_MIN}-01-01 and ${INSTANT_YEAR_MAX - 1}-12-31`;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored as text, in words, or null when it can. */
export function textProblem(value: string): string | null {
  if (value.includes("\u0000")) return "must not contain a NUL character (U+0000)";
  if (LONE_SURROGATE.test(value)) return "must not contain a broken character (a lone UTF-16 surrogate)";
  return null;
}

/** A string that can be stored: no NUL, no lone surrogate. Chain .trim(), .min(), .max(), .regex() as usual. */
export function text() {
  return z.string().superRefine((value, ctx) => {
    const problem = textProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem, abort: true });
  });
}

/** Why an instant is out of range, in words, or null. */
export function instantProblem(ms: number): string | null {
  if (!Number.isFinite(ms)) return "is not a valid date";
  if (ms < INSTANT_MS_MIN || ms >= INSTANT_MS_MAX) return INSTANT_RANGE_WORDS;
  return null;
}

/** A Date (the console's inputs travel as Dates through superjson) within the sane range. */
export function instant() {
  return z.date({ error: "must be a date and time" }).superRefine((value, ctx) => {
    const problem = instantProblem(value.getTime());
    if (problem) ctx.addIssue({ code: "custom", message: problem, abort: true });
  });
}

const DATE_PART = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Words when year-month-day (as written) is not a day of the calendar (2026-02-30), else null. */
export function calendarDateProblem(y: string, mo: string, d: string): string | null {
  const year = Number(y), month = Number(mo), day = Number(d);
  if (month < 1 || month > 12) return `has no month ${mo}`;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 && leap ? 29 : MONTH_DAYS[month - 1];
  if (day < 1 || day > days) return `is not a date: ${y}-${mo} has no day ${d}`;
  return null;
}

/**
 * Reads "YYYY-MM-DDTHH:MM:SS[.f…](Z|±HH:MM)" strictly: the day must exist in its month, hours,
 * minutes, seconds and offsets be in range. Returns epoch ms (fraction truncated to ms) or words.
 */
export function parseIsoInstant(value: string): { ms: number } | { problem: string } {
  const m = DATETIME_WITH_OFFSET.exec(value);
  if (!m) return { problem: 'must be an ISO 8601 date-time with seconds and an offset, e.g. "2020-09-04T12:34:56+09:00"' };
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  const calendar = calendarDateProblem(y, mo, d);
  if (calendar) return { problem: calendar };
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return { problem: `is not a time of day: ${h}:${mi}:${s}` };
  if (sign && (Number(oh) > 14 || Number(om) > 59)) return { problem: `has an offset that does not exist: ${sign}${oh}:${om}` };
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) + Number((frac ?? "0").slice(0, 3).padEnd(3, "0"));
  if (sign) ms -= (sign === "+" ? 1 : -1) * (Number(oh) * 60 + Number(om)) * 60_000;
  const problem = instantProblem(ms);
  return problem ? { problem } : { ms };
}

/** An ISO 8601 date-time string with offset, read strictly (the /api/v1 form); stays a string. */
export function isoInstant() {
  return text().superRefine((value, ctx) => {
    const r = parseIsoInstant(value);
    if ("problem" in r) ctx.addIssue({ code: "custom", message: r.problem, abort: true });
  });
}

/** Reads "YYYY-MM-DD" (midnight UTC) strictly, or a date-time as parseIsoInstant does. */
export function parseDateOrInstant(value: string): { ms: number } | { problem: string } {
  const m = DATE_PART.exec(value);
  if (!m) return parseIsoInstant(value);
  const calendar = calendarDateProblem(m[1], m[2], m[3]);
  if (calendar) return { problem: calendar };
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const problem = instantProblem(ms);
  return problem ? { problem } : { ms };
}

/**
 * A Date, or a string read strictly as "YYYY-MM-DD" or an ISO date-time with offset (query strings,
 * links), becoming a Date. Unlike z.coerce.date(), 2026-02-30 is refused, not read as 2 March.
 */
export function dateInput() {
  return z.union([z.date(), text()]).transform((value, ctx) => {
    const r = value instanceof Date ? (instantProblem(value.getTime()) ? { problem: instantProblem(value.getTime())! } : { ms: value.getTime() }) : parseDateOrInstant(value);
    if ("problem" in r) {
      ctx.addIssue({ code: "custom", message: r.problem });
      return z.NEVER;
    }
    return new Date(r.ms);
  });
}

const DAY_MS = 86_400_000;
/** How far from now a suspension may start or cut off. */
export const SUSPENSION_PAST_DAYS_MAX = 31;
export const SUSPENSION_FUTURE_DAYS_MAX = 92;

/**
 * A suspension's start or cutoff: a date within SUSPENSION_PAST_DAYS_MAX days before now and
 * SUSPENSION_FUTURE_DAYS_MAX days after (compared with the clock when the input is read; the
 * service's own checks use the database's clock).
 */
export function suspensionTime() {
  return instant().superRefine((value, ctx) => {
    const now = Date.now();
    if (value.getTime() < now - SUSPENSION_PAST_DAYS_MAX * DAY_MS) {
      ctx.addIssue({ code: "custom", message: `must not be more than ${SUSPENSION_PAST_DAYS_MAX} days in the past` });
    } else if (value.getTime() > now + SUSPENSION_FUTURE_DAYS_MAX * DAY_MS) {
      ctx.addIssue({ code: "custom", message: `must not be more than ${SUSPENSION_FUTURE_DAYS_MAX} days ahead` });
    }
  });
}
