// Pure helpers of the overview (no React): which line gets which colour and width, where marker
// labels go so they neither collide nor get cut, the sparkline path, the table's filter and sort, and
// the structural sharing that keeps unchanged query data identical from one refresh to the next (so
// memoised parts do not redraw).
import { JST_OFFSET_MS } from "../../../../shared/jst.ts";

/** Distinct colours for banks with an open spike (the incident), in drawing order. */
export const SPIKING_COLORS = ["#e03131", "#9c36b5", "#f08c00", "#1971c2", "#0c8599", "#c2255c", "#2f9e44", "#e8590c"];
/** Banks drawn one by one without an open spike: muted, so the spiking ones stand out. */
export const MUTED_COLOR = "#adb5bd";
/** "All other banks" together. */
export const OTHERS_COLOR = "#ced4da";

export interface SeriesIn {
  key: string;
  bankCode: string | null;
  label: string;
  spiking: boolean;
}

export interface LineSpec {
  key: string;
  label: string;
  color: string;
  width: number;
  dashed: boolean;
  /** In the legend (the spiking banks and "others"; muted banks are in the tooltip only). */
  legend: boolean;
  spiking: boolean;
}

/** One colour per spiking bank, in the order the server ranked them (same in both charts and the table). */
export function spikingColors(chartBanks: ReadonlyArray<{ code: string; spiking: boolean }>): Map<string, string> {
  const out = new Map<string, string>();
  for (const b of chartBanks) if (b.spiking) out.set(b.code, SPIKING_COLORS[out.size % SPIKING_COLORS.length]);
  return out;
}

/**
 * Lines in drawing order: muted banks and "others" first (underneath), the spiking banks last (on
 * top), thick and in colour. The legend lists the spiking banks first.
 */
export function chartLines(series: readonly SeriesIn[], colors: Map<string, string>): LineSpec[] {
  const lines = series.map((s): LineSpec => {
    if (!s.bankCode) return { key: s.key, label: s.label, color: OTHERS_COLOR, width: 1.2, dashed: true, legend: true, spiking: false };
    const color = s.spiking ? colors.get(s.bankCode) : undefined;
    if (color) return { key: s.key, label: s.label, color, width: 2.6, dashed: false, legend: true, spiking: true };
    return { key: s.key, label: s.label, color: MUTED_COLOR, width: 1.2, dashed: false, legend: false, spiking: false };
  });
  return [...lines.filter((l) => !l.spiking), ...lines.filter((l) => l.spiking)];
}

/** The legend's entries: spiking banks first, then "others", then a note for the muted banks. */
export function legendEntries(
  lines: readonly LineSpec[],
  moreWords: (n: number) => string = (n) => `${n} more bank${n === 1 ? "" : "s"} by deviation`,
): Array<{ label: string; color: string; dashed: boolean }> {
  const spiking = lines.filter((l) => l.spiking);
  const others = lines.filter((l) => !l.spiking && l.legend);
  const muted = lines.filter((l) => !l.legend).length;
  const out = [...spiking, ...others].map((l) => ({ label: l.label, color: l.color, dashed: l.dashed }));
  if (muted > 0) out.push({ label: moreWords(muted), color: MUTED_COLOR, dashed: false });
  return out;
}

export interface MarkerIn {
  at: number;
  bankCode: string;
}

export interface PlacedMarker extends MarkerIn {
  /** Label row from the top (0, 1, …): markers close together get different rows. */
  row: number;
  /** Which side of the line the label sits on: "left" near the right edge so it is never cut. */
  side: "right" | "left";
}

/**
 * Places marker labels: at most one per bank (the first), in rows so labels closer than `labelMs`
 * (the width of a label, in time) never overlap, and on the left of the line near the right edge.
 * Markers beyond `maxRows` rows lose their label (the line stays; the table has the rest).
 */
export function placeMarkers<M extends MarkerIn>(markers: readonly M[], fromMs: number, toMs: number, labelFraction = 0.12, maxRows = 4): Array<M & PlacedMarker & { labelled: boolean }> {
  const span = Math.max(1, toMs - fromMs);
  const labelMs = span * labelFraction;
  const seen = new Set<string>();
  const rowEnds: number[] = [];
  const out: Array<M & PlacedMarker & { labelled: boolean }> = [];
  for (const m of [...markers].sort((a, b) => a.at - b.at)) {
    if (seen.has(m.bankCode)) continue;
    seen.add(m.bankCode);
    const side: "right" | "left" = m.at + labelMs > toMs ? "left" : "right";
    const start = side === "right" ? m.at : m.at - labelMs;
    const end = side === "right" ? m.at + labelMs : m.at;
    let row = rowEnds.findIndex((e) => e <= start);
    if (row === -1 && rowEnds.length < maxRows) row = rowEnds.length;
    if (row === -1) {
      out.push({ ...m, row: 0, side, labelled: false });
      continue;
    }
    rowEnds[row] = end;
    out.push({ ...m, row, side, labelled: true });
  }
  return out;
}

/**
 * A label's width in px at `fontSize`, estimated from its characters (no DOM measuring): Japanese
 * (and other full-width) characters and symbols like ▲ take a full em, Latin letters and digits
 * about 0.6 em. Slightly generous, so a label placed with it is never cut.
 */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c >= 0xff61 && c <= 0xff9f) em += 0.55; // half-width katakana
    else if (c >= 0x2460) em += 1; // symbols (▲), CJK, kana, full-width forms
    else if (c === 0x20) em += 0.3;
    else if (ch >= "A" && ch <= "Z") em += 0.7;
    else em += 0.6;
  }
  return em * fontSize * (bold ? 1.08 : 1);
}

/** `text` shortened with "…" to fit `maxWidth` px (whole when it fits). */
export function fitText(text: string, fontSize: number, maxWidth: number, bold = false): string {
  if (textWidth(text, fontSize, bold) <= maxWidth) return text;
  const chars = [...text];
  while (chars.length > 0 && textWidth(`${chars.join("")}…`, fontSize, bold) > maxWidth) chars.pop();
  return chars.length > 0 ? `${chars.join("")}…` : "";
}

export interface PlacedLabel {
  /** Left end of the text, px (drawn with text-anchor start). */
  x: number;
  /** Row from the plot's edge (0, 1, …). */
  row: number;
  text: string;
}

/** The narrowest a shaded period (a suspension) is drawn, in px: one that began minutes ago still shows. */
export const REGION_MIN_PX = 4;

/**
 * Shaded periods in plot coordinates over a chart whose points are the starts of buckets from t0 to
 * t1 (the last one still filling, until t1 + bucketMs). A period is shown when it overlaps that span,
 * so a suspension made during the last bucket (after its point, the plot's right edge) is shaded at
 * once, as a strip at the right edge, not only from the next bucket on; one narrower than
 * REGION_MIN_PX is widened to it, rightwards, kept inside [left, right].
 */
export function shadedRegions<R extends { from: number; to: number }>(
  regions: readonly R[],
  t0: number,
  t1: number,
  bucketMs: number,
  x: (at: number) => number,
  left: number,
  right: number,
): Array<{ x1: number; x2: number; region: R }> {
  const out: Array<{ x1: number; x2: number; region: R }> = [];
  for (const r of regions) {
    if (!(r.to > r.from) || r.to <= t0 || r.from >= t1 + bucketMs) continue;
    const x1 = Math.min(right, Math.max(left, x(r.from)));
    let x2 = Math.min(right, Math.max(left, x(r.to)));
    if (x2 - x1 >= REGION_MIN_PX) {
      out.push({ x1, x2, region: r });
      continue;
    }
    x2 = Math.min(right, x1 + REGION_MIN_PX);
    out.push({ x1: Math.max(left, x2 - REGION_MIN_PX), x2, region: r });
  }
  return out;
}

/**
 * Places the labels of shaded periods (suspensions) inside the plot [left, right] px: at the
 * period's start, or pulled left so the label ends at the plot's right edge (a suspension that began
 * minutes ago is a sliver there, and its label used to run off the chart); shortened with "…" when
 * wider than the plot; rows so labels never overlap, null for a label beyond `maxRows` rows.
 */
export function placeRegionLabels(
  regions: ReadonlyArray<{ x1: number; text: string }>,
  left: number,
  right: number,
  fontSize: number,
  maxRows = 3,
): Array<PlacedLabel | null> {
  const gap = 6;
  const rowEnds: number[] = [];
  const order = regions.map((r, i) => ({ r, i })).sort((a, b) => a.r.x1 - b.r.x1);
  const out: Array<PlacedLabel | null> = regions.map(() => null);
  for (const { r, i } of order) {
    const text = fitText(r.text, fontSize, Math.max(0, right - left - 4));
    if (!text) continue;
    const w = textWidth(text, fontSize);
    const x = Math.max(left + 2, Math.min(r.x1 + 4, right - 2 - w));
    let row = rowEnds.findIndex((end) => end + gap <= x);
    if (row === -1 && rowEnds.length < maxRows) row = rowEnds.length;
    if (row === -1) continue;
    rowEnds[row] = x + w;
    out[i] = { x, row, text };
  }
  return out;
}

// Axes of the overview's charts (LineChart.tsx).
/** Steps between time ticks, in minutes. */
const X_STEPS_MIN = [5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080];
const MIN_TICK_GAP_PX = 80;

/** 0 and a few round steps up to at least `max` (1, 2, 2.5, 5 × 10ⁿ; whole numbers only). */
export function yTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag);
  const top = Math.ceil(max / step) * step;
  const out: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) out.push(v);
  return out;
}

/** Time ticks at round JST steps, at least MIN_TICK_GAP_PX apart. */
export function xTicks(fromMs: number, toMs: number, widthPx: number): number[] {
  const span = Math.max(1, toMs - fromMs);
  const stepMin = X_STEPS_MIN.find((m) => ((m * 60_000) / span) * widthPx >= MIN_TICK_GAP_PX) ?? X_STEPS_MIN[X_STEPS_MIN.length - 1];
  const step = stepMin * 60_000;
  const out: number[] = [];
  for (let t = Math.ceil((fromMs + JST_OFFSET_MS) / step) * step - JST_OFFSET_MS; t <= toMs; t += step) out.push(t);
  return out;
}

/** SVG polyline points for a sparkline of `values` in a w × h box (0 at the bottom). */
export function sparkPoints(values: readonly number[], w: number, h: number, pad = 2): string {
  if (values.length === 0) return "";
  const max = Math.max(...values, 0);
  const step = values.length > 1 ? w / (values.length - 1) : 0;
  const y = (v: number) => (max > 0 ? pad + (h - 2 * pad) * (1 - v / max) : h - pad);
  return values.map((v, i) => `${+(i * step).toFixed(1)},${+y(v).toFixed(1)}`).join(" ");
}

export interface FilterableBank {
  code: string;
  name: string;
  nameJa: string | null;
}

/** The table filter: code, name (any case) or kana contains the text. */
export function bankMatches(b: FilterableBank, text: string): boolean {
  const raw = text.trim();
  if (!raw) return true;
  const v = raw.toLowerCase();
  return b.code.includes(v) || b.name.toLowerCase().includes(v) || (b.nameJa ?? "").includes(raw);
}

export interface SortableBank extends FilterableBank {
  authMethod: string;
  links: { value: number };
  charges: { value: number };
  chargedYen: { value: number };
  deviation: { z: number | null };
  spikingNow: boolean;
  spikesInWindow: number;
  suspension: { state: string };
}

export const SORT_KEYS = ["bank", "auth", "links", "charges", "deviation", "status", "suspension"] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** "links" / "-deviation" (from the URL) → key and direction; anything else → none (server order). */
export function parseSort(param: string): { key: SortKey; desc: boolean } | null {
  const key = param.replace(/^-/, "");
  return (SORT_KEYS as readonly string[]).includes(key) ? { key: key as SortKey, desc: param.startsWith("-") } : null;
}

function sortValue(b: SortableBank, key: SortKey, yen: boolean): number | string {
  switch (key) {
    case "bank":
      return b.code;
    case "auth":
      return b.authMethod;
    case "links":
      return b.links.value;
    case "charges":
      return yen ? b.chargedYen.value : b.charges.value;
    case "deviation":
      return b.deviation.z ?? -Infinity;
    case "status":
      return (b.spikingNow ? 1000 : 0) + b.spikesInWindow;
    case "suspension":
      return b.suspension.state === "ACTIVE" ? 2 : b.suspension.state === "SCHEDULED" ? 1 : 0;
  }
}

/** The rows the table shows: filtered, then sorted (stable; ties keep the server's order). */
export function visibleBanks<B extends SortableBank>(rows: readonly B[], filter: string, sort: string, yen: boolean): B[] {
  const kept = rows.filter((b) => bankMatches(b, filter));
  const s = parseSort(sort);
  if (!s) return kept;
  const dir = s.desc ? -1 : 1;
  return kept
    .map((b, i) => ({ b, i, v: sortValue(b, s.key, yen) }))
    .sort((x, y) => (x.v < y.v ? -dir : x.v > y.v ? dir : x.i - y.i))
    .map((x) => x.b);
}

/** Next sort parameter when a header is clicked: none → descending → ascending → none. */
export function nextSort(current: string, key: SortKey): string {
  const s = parseSort(current);
  if (!s || s.key !== key) return `-${key}`;
  return s.desc ? key : "";
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

/**
 * Structural sharing for query data with Dates (react-query's own gives up on anything that is not a
 * plain object or array, and every row holds a Date): returns `prev` itself, or parts of it, wherever
 * `next` is equal, so an unchanged bank row is the same object after a refresh and its memoised row
 * does not render again.
 */
export function shareEqual<T>(prev: unknown, next: T): T {
  if (prev === next) return prev as T;
  if (next instanceof Date) return (prev instanceof Date && prev.getTime() === next.getTime() ? prev : next) as T;
  if (Array.isArray(next)) {
    if (!Array.isArray(prev)) return next;
    let same = prev.length === next.length;
    const out = next.map((v, i) => {
      const s = shareEqual(prev[i], v);
      if (!Object.is(s, prev[i])) same = false;
      return s;
    });
    return (same ? prev : out) as T;
  }
  if (isPlain(next)) {
    if (!isPlain(prev)) return next;
    const keys = Object.keys(next);
    let same = keys.length === Object.keys(prev).length;
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const s = shareEqual(prev[k], next[k]);
      if (!Object.is(s, prev[k]) || !(k in prev)) same = false;
      out[k] = s;
    }
    return (same ? prev : out) as T;
  }
  // Numbers (NaN included), strings, booleans, null.
  return (Object.is(prev, next) ? prev : next) as T;
}
