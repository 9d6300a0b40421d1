// Date-times typed by staff are JST wall-clock times ("2026-11-23 16:00"), whatever the browser's
// own time zone, because every time the console shows is in JST.
import { JST_OFFSET_MS } from "../../../shared/jst.ts";

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$/;

/** "2026-11-23 16:00" (JST) → the instant; null when it is not a valid time in that format. */
export function parseJstInput(text: string): Date | null {
  const m = PATTERN.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return null;
  const ms = Date.UTC(y, mo - 1, d, h, mi) - JST_OFFSET_MS;
  const back = new Date(ms + JST_OFFSET_MS);
  if (back.getUTCDate() !== d || back.getUTCMonth() !== mo - 1) return null; // e.g. 02-30
  return new Date(ms);
}

/** The instant as "2026-11-23 16:00" in JST (seconds dropped). */
export function toJstInput(at: Date): string {
  const j = new Date(at.getTime() + JST_OFFSET_MS);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${j.getUTCFullYear()}-${pad(j.getUTCMonth() + 1)}-${pad(j.getUTCDate())} ${pad(j.getUTCHours())}:${pad(j.getUTCMinutes())}`;
}
