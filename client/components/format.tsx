import { formatCount, formatJst, formatYen } from "../../shared/format.ts";

export function Yen({ value }: { value: number | bigint }) {
  return <span style={{ fontVariantNumeric: "tabular-nums" }}>{formatYen(value)}</span>;
}

export function Count({ value }: { value: number | bigint }) {
  return <span style={{ fontVariantNumeric: "tabular-nums" }}>{formatCount(value)}</span>;
}

export function JstTime({ at }: { at: Date | string | number | null | undefined }) {
  if (at === null || at === undefined) return <span>—</span>;
  const d = new Date(at);
  return <time dateTime={d.toISOString()}>{formatJst(d)}</time>;
}
