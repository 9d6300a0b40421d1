// The overview's query input, read from the address. Pure and small: the page uses it, and the
// console's start (overview/preload.ts) uses it to ask for the overview's figures while the page's
// own code is still loading, so both ask for exactly the same query.
import { VOLUME_RANGES, type VolumeRange } from "../../../../shared/volume/schemas.ts";

export interface RangeState {
  range: VolumeRange;
  from?: Date;
  to?: Date;
}

function validDate(raw: string | null): Date | undefined {
  if (!raw) return undefined;
  const d = new Date(raw);
  return Number.isFinite(d.getTime()) ? d : undefined;
}

/** The time range of a volume page in the address (range, and from/to for a custom range). */
export function rangeFromParams(params: URLSearchParams, defaultRange: VolumeRange = "24h"): RangeState {
  const raw = params.get("range");
  const range = (VOLUME_RANGES as readonly string[]).includes(raw ?? "") ? (raw as VolumeRange) : defaultRange;
  return range === "custom" ? { range, from: validDate(params.get("from")), to: validDate(params.get("to")) } : { range };
}

export interface OverviewQueryInput {
  range: VolumeRange;
  from: Date | undefined;
  to: Date | undefined;
  chargeMeasure: "count" | "yen";
  bank: string | undefined;
}

/** What volume.overview is asked for at this address; null while a custom range lacks an end. */
export function overviewInputFromParams(params: URLSearchParams): OverviewQueryInput | null {
  const range = rangeFromParams(params);
  if (range.range === "custom" && (!range.from || !range.to)) return null;
  return {
    range: range.range,
    from: range.from,
    to: range.to,
    chargeMeasure: params.get("charge") === "yen" ? "yen" : "count",
    bank: params.get("bank") ?? undefined,
  };
}
